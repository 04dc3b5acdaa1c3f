/* POST /password/forgot and POST /password/reset (忘记密码): a member who
 * proves their member number and ID number gets a one-time code at the
 * registered e-mail address and/or mobile, and sets a new password with it.
 *
 * A wrong pair gets the same answer whether or not the member exists (same
 * status, same body, no extra work), and both routes are rate-limited per
 * member number and client address, wrong codes per address (cc_throttle.h). Codes are six digits,
 * stored as bcrypt hashes, live CODE_MINUTES, allow CODE_TRIES guesses and
 * are spent by the reset; a new code replaces the old one. */
#include <ctype.h>
#include <string.h>
#include <apr_md5.h>

#include "cc_api.h"
#include "cc_audit.h"
#include "cc_crypto.h"
#include "cc_db.h"
#include "cc_http.h"
#include "cc_mail.h"
#include "cc_notify.h"
#include "cc_password.h"
#include "cc_sms.h"
#include "cc_throttle.h"

const cc_statement cc_password_statements[] = {
    { "cc_password_contacts",
      "SELECT field_key, value FROM member_fields WHERE member_no = %s"
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
    { "cc_password_code_hash",
      "SELECT code_hash FROM password_codes WHERE member_no = %s" },
    { "cc_password_code_delete",
      "DELETE FROM password_codes WHERE member_no = %s" },
    { "cc_password_set",
      "UPDATE members SET password_hash = %s, updated_at = CAST(%s AS BIGINT) WHERE member_no = %s" },
    { NULL, NULL }
};

#define CODE_MINUTES 10
#define CODE_TRIES 5
#define BCRYPT_COST 10
#define BCRYPT_SALT 16
#define MAX_FIELD 128   /* longer member or ID numbers match nothing */

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

static int load_contacts(cc_api_ctx *ctx, const char *member_no, contacts *c)
{
    const char *args[] = { member_no };
    apr_array_header_t *rows = cc_db_select(ctx->r, ctx->dbd, "cc_password_contacts", 1, args);
    c->id_number = c->email = c->mobile = "";
    if (rows == NULL) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    for (int i = 0; i < rows->nelts; i++) {
        const char **row = APR_ARRAY_IDX(rows, i, const char **);
        const char **slot = strcmp(row[0], "id_number") == 0 ? &c->id_number
                          : strcmp(row[0], "email") == 0 ? &c->email : &c->mobile;
        *slot = row[1];
    }
    return OK;
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

static const char *bcrypt_hash(request_rec *r, const char *secret)
{
    unsigned char salt[BCRYPT_SALT];
    char hash[64];
    if (apr_generate_random_bytes(salt, sizeof salt) != APR_SUCCESS
        || apr_bcrypt_encode(secret, BCRYPT_COST, salt, sizeof salt, hash, sizeof hash) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "bcrypt hashing failed");
        return NULL;
    }
    return apr_pstrdup(r->pool, hash);
}

static int store_code(cc_api_ctx *ctx, const char *member_no, const char *code)
{
    request_rec *r = ctx->r;
    apr_int64_t now = apr_time_sec(apr_time_now());
    const char *hash = bcrypt_hash(r, code);
    const char *args[] = { member_no, hash, cc_db_int(r, CODE_TRIES),
                           cc_db_int(r, now + CODE_MINUTES * 60), cc_db_int(r, now) };
    return hash && cc_db_exec(r, ctx->dbd, "cc_password_code_store", 5, args) == 1 ? OK : !OK;
}

static const char *mail_text(cc_api_ctx *ctx, const char *member_no, const char *code)
{
    return apr_psprintf(ctx->r->pool,
        "尊敬的会员（会员编号 %s）：\n\n"
        "您正在找回电子会员证系统的登录密码，验证码为：\n\n"
        "    %s\n\n"
        "验证码%d分钟内有效，仅可使用一次，请勿告诉他人。\n"
        "如非本人操作，请忽略本邮件，您的密码不会改变。\n\n"
        "%s\n"
        "（本邮件由系统自动发送，请勿回复）\n",
        member_no, code, CODE_MINUTES, ctx->conf->cert_style.issuer);
}

static const char *sms_text(cc_api_ctx *ctx, const char *code)
{
    return apr_psprintf(ctx->r->pool, "【%s】您的找回密码验证码为%s，%d分钟内有效，请勿告诉他人。"
                        "如非本人操作，请忽略本短信。", ctx->conf->cert_style.issuer, code, CODE_MINUTES);
}

static void add_destination(json_t *sent, const char *channel, const char *masked)
{
    json_array_append_new(sent, json_pack("{s:s, s:s}", "channel", channel, "to", masked));
}

/* Sends the code on every channel the member can be reached on; returns
 * the masked destinations it reached. */
static json_t *deliver(cc_api_ctx *ctx, const char *member_no, const contacts *c, const char *code)
{
    request_rec *r = ctx->r;
    json_t *sent = json_array();
    if (reaches_email(ctx->conf, c)
        && cc_notify_mail(r, c->email, apr_pstrcat(r->pool, ctx->conf->cert_style.issuer,
                                                   "：找回密码验证码", NULL),
                          mail_text(ctx, member_no, code)) == OK) {
        add_destination(sent, "email", cc_mail_mask_address(c->email, r->pool));
    }
    if (reaches_mobile(ctx->conf, c)
        && cc_notify_sms(r, c->mobile, code, CODE_MINUTES, sms_text(ctx, code)) == OK) {
        add_destination(sent, "sms", cc_sms_mask_mobile(c->mobile, r->pool));
    }
    return sent;
}

/* The one answer of /password/forgot: neutral, with the destinations the
 * code went to (none when the numbers did not match). */
static int send_outcome(cc_api_ctx *ctx, json_t *destinations)
{
    return cc_send_json(ctx->r, HTTP_OK, json_pack(
        "{s:s, s:o, s:i}", "message", "如会员编号与证件号码相符，验证码已发送至您登记的联系方式",
        "destinations", destinations, "expires_in", CODE_MINUTES * 60));
}

static const char *channel_names(json_t *sent, apr_pool_t *p)
{
    const char *names = "";
    size_t i;
    json_t *item;
    json_array_foreach(sent, i, item) {
        names = apr_pstrcat(p, names, i ? "," : "", json_string_value(json_object_get(item, "channel")), NULL);
    }
    return names;
}

/* The numbers matched: a new code, sent wherever the member can get it. */
static int issue_code(cc_api_ctx *ctx, const char *member_no, const contacts *c)
{
    request_rec *r = ctx->r;
    if (!reaches_email(ctx->conf, c) && !reaches_mobile(ctx->conf, c)) {
        return cc_send_error(r, HTTP_CONFLICT, "no_contact",
                             "您未登记可用的电子邮箱或手机号码，请联系所属注协重置密码");
    }
    const char *code = cc_password_reset_code(r->pool);
    if (code == NULL || store_code(ctx, member_no, code) != OK) {
        return cc_api_fail(ctx, HTTP_INTERNAL_SERVER_ERROR);
    }
    json_t *sent = deliver(ctx, member_no, c, code);
    if (json_array_size(sent) == 0) {
        json_decref(sent);
        return cc_send_error(r, HTTP_SERVICE_UNAVAILABLE, "delivery_failed", "验证码发送失败，请稍后再试");
    }
    cc_audit(r, ctx->dbd, apr_pstrcat(r->pool, "member:", member_no, NULL), member_no,
             "password_code_sent", channel_names(sent, r->pool));
    return send_outcome(ctx, sent);
}

int cc_api_password_forgot(cc_api_ctx *ctx)
{
    request_rec *r = ctx->r;
    apr_table_t *params;
    if (cc_read_params(r, ctx->conf->max_body, &params) != OK) {
        return OK;
    }
    const char *member_no = apr_table_get(params, "member_no");
    const char *id_number = apr_table_get(params, "id_number");
    if (!member_no || !*member_no || !id_number || !*id_number) {
        return cc_send_error(r, HTTP_BAD_REQUEST, "missing_fields", "请输入会员编号和证件号码");
    }
    if (ctx->conf->smtp_url == NULL && ctx->conf->sms_url == NULL) {
        return cc_send_error(r, HTTP_SERVICE_UNAVAILABLE, "recovery_unavailable",
                             "系统未开通邮件或短信找回密码，请联系所属注协重置密码");
    }
    if (ctx->conf->captcha && cc_captcha_verify(ctx, params) != OK) {
        return OK;
    }
    const char *counted = usable(member_no) ? member_no : NULL;
    cc_throttle_attempt attempt; /* every request counts, matching or not */
    if (cc_throttle_take(ctx, CC_THROTTLE_FORGOT, counted, "找回密码的请求过于频繁", &attempt) != OK) {
        return OK;
    }
    contacts c;
    if (load_contacts(ctx, counted ? member_no : "", &c) != OK) {
        return cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
    }
    if (!id_matches(r, usable(id_number) ? id_number : "", c.id_number)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "password recovery: member and ID numbers do not match");
        return send_outcome(ctx, json_array());
    }
    return issue_code(ctx, member_no, &c);
}

/* Takes one try of member_no's live code: *hash is its bcrypt hash, or
 * NULL when it has no live code with tries left. OK or 503 (not sent). */
static int take_try(cc_api_ctx *ctx, const char *member_no, const char **hash)
{
    const char *args[] = { member_no, cc_db_now(ctx->r) };
    int tried = cc_db_exec(ctx->r, ctx->dbd, "cc_password_code_try", 2, args);
    apr_array_header_t *rows = tried == 1
        ? cc_db_select(ctx->r, ctx->dbd, "cc_password_code_hash", 1, args) : NULL;
    if (tried < 0 || (tried == 1 && rows == NULL)) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    *hash = rows && rows->nelts ? APR_ARRAY_IDX(rows, 0, const char **)[0] : NULL;
    return OK;
}

/* Spends one try of member_no's code on code. Returns OK, or the status
 * after sending 400 invalid_code, 429 or 503. Wrong codes also count per
 * client address (not per member, which would let anyone block a member's
 * reset): each costs a bcrypt check. */
static int check_code(cc_api_ctx *ctx, const char *member_no, const char *code)
{
    request_rec *r = ctx->r;
    const char *hash = NULL;
    cc_throttle_attempt attempt; /* counts unless the code proves right */
    int status = cc_throttle_take(ctx, CC_THROTTLE_RESET, NULL, "验证码错误次数过多", &attempt);
    if (status != OK) {
        return status;
    }
    if (usable(member_no) && cc_password_code_shape_ok(code)
        && take_try(ctx, member_no, &hash) != OK) {
        cc_throttle_withdraw(ctx, &attempt);
        cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    /* Without a live code the dummy costs the same bcrypt work, so the time
     * of the answer does not tell whether a code exists. */
    int match = apr_password_validate(code, hash ? hash : cc_api_dummy_bcrypt) == APR_SUCCESS;
    if (!match || hash == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "password reset refused: wrong, expired or spent code");
        cc_send_error(r, HTTP_BAD_REQUEST, "invalid_code", "验证码错误或已失效，请重新获取验证码");
        return HTTP_BAD_REQUEST;
    }
    cc_throttle_withdraw(ctx, &attempt);
    return OK;
}

typedef struct new_password {
    const char *member_no;
    const char *hash;
} new_password;

/* In one transaction: the new hash, no session left, the code spent. */
static int apply_reset(request_rec *r, ap_dbd_t *dbd, void *arg)
{
    const new_password *np = arg;
    const char *set_args[] = { np->hash, cc_db_now(r), np->member_no };
    const char *member_args[] = { np->member_no };
    if (cc_db_exec(r, dbd, "cc_password_set", 3, set_args) != 1
        || cc_session_end_all(r, dbd, np->member_no) != OK) {
        return -1;
    }
    return cc_db_exec(r, dbd, "cc_password_code_delete", 1, member_args) < 0 ? -1 : 0;
}

static int weak_password(request_rec *r, const char *problem)
{
    return cc_send_error(r, HTTP_BAD_REQUEST, "weak_password", problem);
}

int cc_api_password_reset(cc_api_ctx *ctx)
{
    request_rec *r = ctx->r;
    apr_table_t *params;
    if (cc_read_params(r, ctx->conf->max_body, &params) != OK) {
        return OK;
    }
    const char *member_no = apr_table_get(params, "member_no");
    const char *code = apr_table_get(params, "code");
    const char *password = apr_table_get(params, "new_password");
    if (!member_no || !*member_no || !code || !*code || !password || !*password) {
        return cc_send_error(r, HTTP_BAD_REQUEST, "missing_fields", "请输入会员编号、验证码和新密码");
    }
    /* The rules that need no stored data first: a weak password costs no
     * try of the code and tells nothing about the member. */
    const char *problem = cc_password_problem(password, member_no, NULL);
    if (problem != NULL) {
        return weak_password(r, problem);
    }
    if (check_code(ctx, member_no, code) != OK) {
        return OK;
    }
    contacts c;
    if (load_contacts(ctx, member_no, &c) != OK) {
        return cc_api_fail(ctx, HTTP_SERVICE_UNAVAILABLE);
    }
    if ((problem = cc_password_problem(password, member_no, c.id_number)) != NULL) {
        return weak_password(r, problem);
    }
    new_password np = { member_no, bcrypt_hash(r, password) };
    if (np.hash == NULL || cc_db_transaction(r, ctx->dbd, apply_reset, &np) != 0) {
        return cc_api_fail(ctx, HTTP_INTERNAL_SERVER_ERROR);
    }
    cc_throttle_clear(ctx, CC_THROTTLE_LOGIN, member_no);
    cc_audit(r, ctx->dbd, apr_pstrcat(r->pool, "member:", member_no, NULL), member_no,
             "password_reset", "every session ended");
    return cc_send_json(r, HTTP_OK, json_pack("{s:b}", "password_reset", 1));
}
