#include <ctype.h>
#include <string.h>
#include <apr_md5.h>

#include "cc_audit.h"
#include "cc_config.h"
#include "cc_crypto.h"
#include "cc_login.h"
#include "cc_mail.h"
#include "cc_member.h"
#include "cc_notify.h"
#include "cc_password.h"
#include "cc_recovery.h"
#include "cc_session.h"
#include "cc_sms.h"
#include "cc_throttle.h"

const cc_statement cc_recovery_statements[] = {
    { "cc_password_contacts", "SELECT field_key, value FROM member_fields WHERE member_no = %s"
                              " AND field_key IN ('id_number', 'email', 'mobile')" },
    { "cc_password_code_store",
      "INSERT INTO password_codes (member_no, code_hash, tries_left, expires_at, created_at)"
      " VALUES (%s, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS BIGINT))"
      " ON CONFLICT (member_no) DO UPDATE SET code_hash = excluded.code_hash,"
      " tries_left = excluded.tries_left, expires_at = excluded.expires_at,"
      " created_at = excluded.created_at" },
    { "cc_password_code_try",
      "UPDATE password_codes SET tries_left = tries_left - 1"
      " WHERE member_no = %s AND tries_left > 0 AND expires_at > CAST(%s AS BIGINT)" },
    { "cc_password_code_hash", "SELECT code_hash FROM password_codes WHERE member_no = %s" },
    { "cc_password_code_delete", "DELETE FROM password_codes WHERE member_no = %s" },
    { NULL, NULL }
};

#define CODE_MINUTES CC_RECOVERY_CODE_MINUTES
#define CODE_TRIES 5
#define BCRYPT_COST 10
#define BCRYPT_SALT 16
#define MAX_FIELD 128 /* longer member or ID numbers match nothing */

/* What the recovery needs of a member ("" when missing). */
typedef struct contacts {
    const char *id_number;
    const char *email;
    const char *mobile;
} contacts;

static int usable(const char *s)
{
    return s && *s && strlen(s) <= MAX_FIELD;
}

static cc_result load_contacts(request_rec *r, ap_dbd_t *dbd, const char *member_no, contacts *c)
{
    apr_array_header_t *rows = CC_DB_SELECT(r, dbd, "cc_password_contacts", member_no);
    c->id_number = c->email = c->mobile = "";
    if (rows == NULL) {
        return CC_DB_UNAVAILABLE;
    }
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        const char **slot = strcmp(row[0], "id_number") == 0 ? &c->id_number
                            : strcmp(row[0], "email") == 0   ? &c->email
                                                             : &c->mobile;
        *slot = row[1];
    }
    return CC_DONE;
}

/* An ID number as compared: no surrounding spaces, the check letter X in
 * either case. */
static const char *id_key(request_rec *r, const char *id)
{
    while (isspace((unsigned char)*id)) {
        id++;
    }
    char *key = apr_pstrdup(r->pool, id);
    apr_size_t n = strlen(key);
    while (n > 0 && isspace((unsigned char)key[n - 1])) {
        key[--n] = '\0';
    }
    for (char *c = key; *c; c++) {
        *c = (char)toupper((unsigned char)*c);
    }
    return key;
}

/* Compared even when nothing is stored, so an unknown member takes the same
 * path as a wrong ID number. */
static int id_matches(request_rec *r, const char *typed, const char *stored)
{
    int equal = cc_str_equal_ct(id_key(r, typed), id_key(r, stored));
    return equal && *stored != '\0';
}

static int reaches_email(const cc_server_conf *conf, const contacts *c)
{
    return conf->smtp_url != NULL && *c->email != '\0';
}

static int reaches_mobile(const cc_server_conf *conf, const contacts *c)
{
    return conf->sms_url != NULL && *c->mobile != '\0';
}

int cc_recovery_available(request_rec *r)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    return conf->smtp_url != NULL || conf->sms_url != NULL;
}

static const char *bcrypt_hash(request_rec *r, const char *secret)
{
    unsigned char salt[BCRYPT_SALT];
    char hash[64];
    if (apr_generate_random_bytes(salt, sizeof salt) != APR_SUCCESS
        || apr_bcrypt_encode(secret, BCRYPT_COST, salt, sizeof salt, hash, sizeof hash) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, CCLOGNO(00040) "bcrypt hashing failed");
        return NULL;
    }
    return apr_pstrdup(r->pool, hash);
}

static int store_code(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *code)
{
    apr_int64_t now = apr_time_sec(apr_time_now());
    const char *hash = bcrypt_hash(r, code);
    return hash
           && CC_DB_EXEC(r, dbd, "cc_password_code_store", member_no, hash, cc_db_int(r, CODE_TRIES),
                         cc_db_int(r, now + CODE_MINUTES * 60), cc_db_int(r, now))
                  == 1;
}

static const char *mail_text(request_rec *r, const char *issuer, const char *member_no, const char *code)
{
    return apr_psprintf(r->pool,
                        "尊敬的会员（会员编号 %s）：\n\n"
                        "您正在找回电子会员证系统的登录密码，验证码为：\n\n"
                        "    %s\n\n"
                        "验证码%d分钟内有效，仅可使用一次，请勿告诉他人。\n"
                        "如非本人操作，请忽略本邮件，您的密码不会改变。\n\n"
                        "%s\n"
                        "（本邮件由系统自动发送，请勿回复）\n",
                        member_no, code, CODE_MINUTES, issuer);
}

static const char *sms_text(request_rec *r, const char *issuer, const char *code)
{
    return apr_psprintf(r->pool,
                        "【%s】您的找回密码验证码为%s，%d分钟内有效，请勿告诉他人。"
                        "如非本人操作，请忽略本短信。",
                        issuer, code, CODE_MINUTES);
}

static void add_destination(apr_array_header_t *sent, const char *channel, const char *masked)
{
    cc_recovery_destination *d = apr_array_push(sent);
    d->channel = channel;
    d->to = masked;
}

/* Sends the code on every channel the member can be reached on; returns
 * the masked destinations it reached. */
static apr_array_header_t *deliver(request_rec *r, const char *member_no, const contacts *c, const char *code)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    const char *issuer = conf->cert_style.issuer;
    apr_array_header_t *sent = apr_array_make(r->pool, 2, sizeof(cc_recovery_destination));
    if (reaches_email(conf, c)
        && cc_notify_mail(r, c->email, apr_pstrcat(r->pool, issuer, "：找回密码验证码", NULL),
                          mail_text(r, issuer, member_no, code))
               == OK) {
        add_destination(sent, "email", cc_mail_mask_address(c->email, r->pool));
    }
    if (reaches_mobile(conf, c)
        && cc_notify_sms(r, c->mobile, code, CODE_MINUTES, sms_text(r, issuer, code)) == OK) {
        add_destination(sent, "sms", cc_sms_mask_mobile(c->mobile, r->pool));
    }
    return sent;
}

static const char *channel_names(const apr_array_header_t *sent, apr_pool_t *p)
{
    const char *names = "";
    for (int i = 0; i < sent->nelts; i++) {
        names = apr_pstrcat(p, names, i ? "," : "", APR_ARRAY_IDX(sent, i, cc_recovery_destination).channel,
                            NULL);
    }
    return names;
}

/* The numbers matched: a new code, sent wherever the member can get it. */
static cc_result issue_code(request_rec *r, ap_dbd_t *dbd, const char *member_no, const contacts *c,
                            apr_array_header_t **destinations)
{
    const cc_server_conf *conf = cc_server_conf_get(r->server);
    if (!reaches_email(conf, c) && !reaches_mobile(conf, c)) {
        return CC_NO_CONTACT;
    }
    const char *code = cc_password_reset_code(r->pool);
    if (code == NULL || !store_code(r, dbd, member_no, code)) {
        return CC_INTERNAL;
    }
    *destinations = deliver(r, member_no, c, code);
    if ((*destinations)->nelts == 0) {
        return CC_DELIVERY_FAILED;
    }
    if (cc_audit_member(r, dbd, member_no, "password_code_sent", channel_names(*destinations, r->pool))
        != CC_DONE) {
        /* Unrecorded, the code is withdrawn: the member asks again later. */
        CC_DB_EXEC(r, dbd, "cc_password_code_delete", member_no);
        return CC_DB_UNAVAILABLE;
    }
    return CC_DONE;
}

cc_result cc_recovery_send_code(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *id_number,
                                const cc_captcha_answer *captcha, apr_array_header_t **destinations,
                                apr_int64_t *retry_after)
{
    cc_result result =
        cc_server_conf_get(r->server)->captcha ? cc_captcha_store_check(r, dbd, captcha) : CC_DONE;
    if (result != CC_DONE) {
        return result;
    }
    const char *counted = usable(member_no) ? member_no : NULL;
    cc_throttle_attempt attempt; /* every request counts, matching or not */
    result = cc_throttle_take(r, dbd, CC_THROTTLE_FORGOT, counted, &attempt);
    if (result != CC_DONE) {
        *retry_after = attempt.retry_after;
        return result == CC_TOO_MANY_ATTEMPTS ? CC_TOO_MANY_RECOVERIES : result;
    }
    contacts c;
    if (load_contacts(r, dbd, counted ? member_no : "", &c) != CC_DONE) {
        return CC_DB_UNAVAILABLE;
    }
    *destinations = apr_array_make(r->pool, 1, sizeof(cc_recovery_destination));
    if (!id_matches(r, usable(id_number) ? id_number : "", c.id_number)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      CCLOGNO(00041) "password recovery: member and ID numbers do not match");
        return CC_DONE;
    }
    return issue_code(r, dbd, member_no, &c, destinations);
}

/* Takes one try of member_no's live code: *hash is its bcrypt hash, or
 * NULL when it has no live code with tries left. 0, or -1 on a database
 * error. */
static int take_try(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char **hash)
{
    int tried = CC_DB_EXEC(r, dbd, "cc_password_code_try", member_no, cc_db_now(r));
    apr_array_header_t *rows = tried == 1 ? CC_DB_SELECT(r, dbd, "cc_password_code_hash", member_no) : NULL;
    if (tried < 0 || (tried == 1 && rows == NULL)) {
        return -1;
    }
    *hash = rows && rows->nelts ? APR_ARRAY_IDX(rows, 0, const char **)[0] : NULL;
    return 0;
}

/* Spends one try of member_no's code on code. Wrong codes count per client
 * address (not per member, which would let anyone block a member's reset):
 * each costs a bcrypt check. */
static cc_result check_code(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *code,
                            apr_int64_t *retry_after)
{
    const char *hash = NULL;
    cc_throttle_attempt attempt; /* counts unless the code proves right */
    cc_result result = cc_throttle_take(r, dbd, CC_THROTTLE_RESET, NULL, &attempt);
    if (result != CC_DONE) {
        *retry_after = attempt.retry_after;
        return result == CC_TOO_MANY_ATTEMPTS ? CC_TOO_MANY_CODES : result;
    }
    if (usable(member_no) && cc_password_code_shape_ok(code) && take_try(r, dbd, member_no, &hash) != 0) {
        cc_throttle_withdraw(r, dbd, &attempt);
        return CC_DB_UNAVAILABLE;
    }
    /* Without a live code the dummy costs the same bcrypt work, so the time
     * of the answer does not tell whether a code exists. */
    int match = apr_password_validate(code, hash ? hash : cc_dummy_bcrypt) == APR_SUCCESS;
    if (!match || hash == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      CCLOGNO(00042) "password reset refused: wrong, expired or spent code");
        return CC_INVALID_CODE;
    }
    cc_throttle_withdraw(r, dbd, &attempt);
    return CC_DONE;
}

typedef struct new_password {
    const char *member_no;
    const char *hash;
} new_password;

/* In one transaction: the new hash, no session left, the code spent. */
static int apply_reset(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    const new_password *np = arg;
    if (cc_member_set_password(r, dbd, np->member_no, np->hash) != 1
        || cc_session_end_all(r, dbd, np->member_no) != CC_DONE) {
        return -1;
    }
    return CC_DB_EXEC(r, dbd, "cc_password_code_delete", np->member_no) < 0
                   || cc_audit_member(r, dbd, np->member_no, "password_reset", "every session ended")
                          != CC_DONE
               ? -1
               : 0;
}

cc_result cc_recovery_reset(request_rec *r, ap_dbd_t *dbd, const char *member_no, const char *code,
                            const char *password, const char **problem, apr_int64_t *retry_after)
{
    /* The rules that need no stored data first: a weak password costs no
     * try of the code and tells nothing about the member. */
    if ((*problem = cc_password_problem(password, member_no, NULL)) != NULL) {
        return CC_WEAK_PASSWORD;
    }
    cc_result result = check_code(r, dbd, member_no, code, retry_after);
    if (result != CC_DONE) {
        return result;
    }
    contacts c;
    if (load_contacts(r, dbd, member_no, &c) != CC_DONE) {
        return CC_DB_UNAVAILABLE;
    }
    if ((*problem = cc_password_problem(password, member_no, c.id_number)) != NULL) {
        return CC_WEAK_PASSWORD;
    }
    new_password np = { member_no, bcrypt_hash(r, password) };
    if (np.hash == NULL) {
        return CC_INTERNAL;
    }
    if (cc_db_transaction(r, dbd, apply_reset, &np) != 0) {
        return CC_DB_UNAVAILABLE;
    }
    cc_throttle_clear(r, dbd, CC_THROTTLE_LOGIN, member_no);
    return CC_DONE;
}
