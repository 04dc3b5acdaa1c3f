/* cicpa-admin issue-certificates: the certificate of every member issued
 * and stored before the members come to download it. A running node does
 * the work (POST /members/{no}/certificate of its staff API, as staff
 * LOGIN), so the batch renders with the node's own font, keys and seals,
 * stores exactly what a download would serve, and shares the downloads'
 * exactly-once care. This file picks the members, keeps --jobs requests
 * under way, shows the progress and reports who could not be issued. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <curl/curl.h>
#include <jansson.h>

#include "admin_commands.h"
#include "cc_audit_sql.h"
#include "cc_crypto.h"
#include "cc_scope.h"
#include "cc_staff_session_sql.h"

/* Largest answer read: a certificate's summary or a refusal, well under 1 KB. */
#define MAX_ANSWER 8192
/* A member whose node answered 503 (its database busy or away) is tried again. */
#define TRIES 3
/* The session's lifetime: longer than any batch. */
#define SESSION_SECONDS (24 * 3600)

/* The command line. */
typedef struct issue_options {
    const char *url;       /* the node's staff API, e.g. http://127.0.0.1/cert/admin/api */
    const char *staff;     /* the staff account the batch acts as */
    const char *institute; /* only this institute's members; NULL: the staff's scope */
    int jobs;              /* requests under way at once */
} issue_options;

/* How the members came out. */
typedef struct issue_counts {
    int issued;  /* a certificate issued and stored now */
    int current; /* already issued and stored: nothing to do */
    int failed;  /* refused, with the reason reported */
} issue_counts;

typedef struct job {
    CURL *easy;
    int member;              /* index into batch.members */
    int tries;               /* requests made for it so far */
    char answer[MAX_ANSWER]; /* the node's JSON */
    apr_size_t len;
} job;

typedef struct batch {
    const issue_options *opt;
    apr_array_header_t *members; /* const char *: member numbers in order */
    apr_array_header_t *retry;   /* int: members to ask again */
    int next;                    /* next member never asked */
    issue_counts counts;         /* so far */
    apr_hash_t *reasons;         /* refusal code -> int * count */
    const char *fatal;           /* why the batch stopped early, or NULL */
    struct curl_slist *headers;  /* the bearer token */
    apr_time_t started, shown;   /* when it began, when progress was last shown */
    int tty;                     /* progress as a bar on a terminal */
    apr_pool_t *pool;
} batch;

static size_t on_answer(char *data, size_t size, size_t n, void *arg)
{
    job *j = arg;
    apr_size_t len = size * n;
    if (j->len + len >= MAX_ANSWER) {
        return 0; /* no node answers this much: fail the transfer */
    }
    memcpy(j->answer + j->len, data, len);
    j->len += len;
    return len;
}

/* The members to issue for, in order: everyone of institute (NULL: all). */
static apr_array_header_t *members_of(admin_db *db, const char *institute)
{
    const char *scope = institute ? institute : CC_NATIONAL_INSTITUTE;
    const char *args[] = { scope, scope };
    apr_array_header_t *rows = select_rows(
        db, "SELECT m.member_no FROM members m WHERE " CC_IN_SCOPE("m") " ORDER BY m.member_no", 2, args);
    if (rows == NULL) {
        return NULL;
    }
    apr_array_header_t *numbers = apr_array_make(db->pool, rows->nelts, sizeof(const char *));
    for (int i = 0; i < rows->nelts; i++) {
        APR_ARRAY_PUSH(numbers, const char *) = APR_ARRAY_IDX(rows, i, const char **)[0];
    }
    return numbers;
}

/* A staff session for login, its token in *token; 0 or 1. */
static int open_session(admin_db *db, const char *login, const char **token)
{
    apr_dbd_prepared_t *insert;
    *token = cc_random_token(32, db->pool);
    if (*token == NULL) {
        return fail("cannot open a session", "the random generator failed");
    }
    apr_int64_t now = apr_time_sec(apr_time_now());
    const char *args[] = { cc_sha256_hex(*token, strlen(*token), db->pool), login,
                           apr_psprintf(db->pool, "%" APR_INT64_T_FMT, now),
                           apr_psprintf(db->pool, "%" APR_INT64_T_FMT, now + SESSION_SECONDS) };
    if (prepare_statement(db, cc_staff_session_statements, "cc_staff_session_insert", &insert) != 0) {
        return 1;
    }
    return run_prepared(db, insert, 4, args);
}

static void close_session(admin_db *db, const char *token)
{
    apr_dbd_prepared_t *del;
    const char *args[] = { cc_sha256_hex(token, strlen(token), db->pool) };
    if (prepare_statement(db, cc_staff_session_statements, "cc_staff_session_delete", &del) == 0) {
        exec_prepared(db, del, 1, args);
    }
}

static void start(batch *b, CURLM *multi, job *j, int member)
{
    const char *no = APR_ARRAY_IDX(b->members, member, const char *);
    j->member = member;
    j->len = 0;
    j->tries++;
    curl_easy_setopt(j->easy, CURLOPT_URL,
                     apr_pstrcat(b->pool, b->opt->url, "/members/", no, "/certificate", NULL));
    curl_multi_add_handle(multi, j->easy);
}

/* Starts j on the next member to ask, if any; 1 when started. */
static int start_next(batch *b, CURLM *multi, job *j)
{
    if (b->fatal != NULL) {
        return 0;
    }
    if (b->next < b->members->nelts) {
        j->tries = 0;
        start(b, multi, j, b->next++);
        return 1;
    }
    return 0;
}

static void count_refusal(batch *b, const char *member_no, const char *code)
{
    int *n = apr_hash_get(b->reasons, code, APR_HASH_KEY_STRING);
    if (n == NULL) {
        n = apr_pcalloc(b->pool, sizeof(*n));
        apr_hash_set(b->reasons, apr_pstrdup(b->pool, code), APR_HASH_KEY_STRING, n);
    }
    (*n)++;
    b->counts.failed++;
    if (b->tty) {
        fputs("\r\033[K", stderr);
    }
    fprintf(stderr, "member %s: %s\n", member_no, code);
}

/* What the node said about j's member: counted, or asked again later. */
static void settle(batch *b, job *j, CURLcode rc)
{
    const char *no = APR_ARRAY_IDX(b->members, j->member, const char *);
    long status = 0;
    if (rc != CURLE_OK) {
        b->fatal = apr_psprintf(b->pool, "%s did not answer: %s", b->opt->url, curl_easy_strerror(rc));
        return;
    }
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
    json_t *doc = json_loadb(j->answer, j->len, 0, NULL);
    json_t *cert = json_object_get(doc, "certificate");
    const char *code = json_string_value(json_object_get(json_object_get(doc, "error"), "code"));
    if (status == 200 && cert != NULL) {
        if (json_is_true(json_object_get(cert, "issued"))) {
            b->counts.issued++;
        } else {
            b->counts.current++;
        }
    } else if (status == 503 && j->tries < TRIES) {
        APR_ARRAY_PUSH(b->retry, int) = j->member;
    } else if (status == 401 || status == 403 || code == NULL || strcmp(code, "no_route") == 0) {
        b->fatal = apr_psprintf(b->pool,
                                "%s refused the batch (HTTP %ld%s%s): is it the staff API, with"
                                " staff sessions, of a node on this database?",
                                b->opt->url, status, code ? ", " : "", code ? code : "");
    } else {
        count_refusal(b, no, code);
    }
    json_decref(doc);
}

static void show_progress(batch *b, int last)
{
    apr_time_t now = apr_time_now();
    if (!last && now - b->shown < (b->tty ? apr_time_from_msec(200) : apr_time_from_sec(10))) {
        return;
    }
    b->shown = now;
    int total = b->members->nelts, done = b->counts.issued + b->counts.current + b->counts.failed;
    double seconds = (double)(now - b->started) / APR_USEC_PER_SEC;
    double rate = seconds > 0 ? done / seconds : 0;
    int eta = rate > 0 ? (int)((total - done) / rate) : 0;
    int pct = total ? (int)(100.0 * done / total) : 100;
    if (b->tty) {
        char bar[31];
        memset(bar, '.', 30);
        memset(bar, '#', (size_t)(pct * 30 / 100));
        bar[30] = '\0';
        fprintf(stderr, "\r\033[K[%s] %d/%d %3d%%  %.0f/s  ETA %d:%02d%s", bar, done, total, pct, rate,
                eta / 60, eta % 60, last ? "\n" : "");
    } else {
        fprintf(stderr, "issue-certificates: %d/%d (%d%%), %.0f/s, ETA %d:%02d\n", done, total, pct, rate,
                eta / 60, eta % 60);
    }
}

/* Sends j on to the next member: one asked again first, then a new one. */
static int continue_with(batch *b, CURLM *multi, job *j)
{
    if (b->fatal == NULL && b->retry->nelts > 0) {
        start(b, multi, j, *(int *)apr_array_pop(b->retry));
        return 1;
    }
    return start_next(b, multi, j);
}

static void run(batch *b, CURLM *multi, job *jobs, int njobs)
{
    int running = 0;
    for (int i = 0; i < njobs; i++) {
        running += start_next(b, multi, &jobs[i]);
    }
    while (running > 0) {
        int still, left;
        curl_multi_perform(multi, &still);
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE) {
                continue;
            }
            job *j = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            CURLcode rc = msg->data.result;
            curl_multi_remove_handle(multi, j->easy);
            settle(b, j, rc);
            running--;
            running += continue_with(b, multi, j);
        }
        show_progress(b, 0);
        if (running > 0) {
            curl_multi_poll(multi, NULL, 0, 100, NULL);
        }
    }
}

/* Parses ARGS of issue-certificates into *opt; 0, or the usage's 2. */
static int parse(int argc, const char *const *argv, issue_options *opt)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    /* Twice the cores: while one request waits on the database another renders. */
    opt->jobs = cores > 0 ? (int)(2 * cores) : 4;
    for (int i = 0; i < argc; i += 2) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (value == NULL) {
            return 2;
        }
        if (strcmp(argv[i], "--url") == 0) {
            opt->url = value;
        } else if (strcmp(argv[i], "--staff") == 0) {
            opt->staff = value;
        } else if (strcmp(argv[i], "--institute") == 0) {
            opt->institute = value;
        } else if (strcmp(argv[i], "--jobs") == 0) {
            opt->jobs = atoi(value);
            if (opt->jobs < 1 || opt->jobs > 256) {
                return fail("--jobs", "must be 1 to 256");
            }
        } else {
            return 2;
        }
    }
    return opt->url && opt->staff ? 0 : 2;
}

/* The institute whose members the batch takes (NULL: every member), as
 * staff's scope allows; 0 or 1. */
static int scope_of(admin_db *db, issue_options *opt)
{
    const char *args[] = { opt->staff };
    apr_array_header_t *rows =
        select_rows(db, "SELECT institute FROM staff WHERE login = %s AND disabled = 0", 1, args);
    if (rows == NULL) {
        return 1;
    }
    if (rows->nelts == 0) {
        return fail(opt->staff, "no enabled staff account of that login");
    }
    const char *own = APR_ARRAY_IDX(rows, 0, const char **)[0];
    if (strcmp(own, CC_NATIONAL_INSTITUTE) == 0) {
        return 0;
    }
    if (opt->institute != NULL && strcmp(opt->institute, own) != 0) {
        return fail(opt->staff, apr_psprintf(db->pool, "may issue for institute %s only", own));
    }
    opt->institute = own;
    return 0;
}

static const char *reasons_text(const batch *b)
{
    const char *text = "";
    for (apr_hash_index_t *hi = apr_hash_first(b->pool, b->reasons); hi; hi = apr_hash_next(hi)) {
        const void *code;
        void *n;
        apr_hash_this(hi, &code, NULL, &n);
        text = apr_psprintf(b->pool, "%s%s%s %d", text, *text ? ", " : "", (const char *)code, *(int *)n);
    }
    return text;
}

/* The batch in the audit trail, as the staff account that ran it. */
static int audit(admin_db *db, const batch *b)
{
    apr_dbd_prepared_t *insert;
    const char *detail =
        apr_psprintf(db->pool, "{\"members\":%d,\"issued\":%d,\"current\":%d,\"failed\":%d}",
                     b->members->nelts, b->counts.issued, b->counts.current, b->counts.failed);
    const char *args[] = { now_text(db->pool),
                           apr_pstrcat(db->pool, "staff:", b->opt->staff, NULL),
                           "",
                           "certificates_batch",
                           detail,
                           "" };
    if (prepare_statement(db, cc_audit_statements, "cc_audit_insert", &insert) != 0) {
        return 1;
    }
    return run_prepared(db, insert, 6, args);
}

static void report(const batch *b)
{
    double seconds = (double)(apr_time_now() - b->started) / APR_USEC_PER_SEC;
    int done = b->counts.issued + b->counts.current + b->counts.failed;
    const char *reasons = reasons_text(b);
    printf("issued %d, already current %d, failed %d (%s) of %d members in %.1f s (%.0f/s)\n",
           b->counts.issued, b->counts.current, b->counts.failed, *reasons ? reasons : "none",
           b->members->nelts, seconds, seconds > 0 ? done / seconds : 0.0);
}

/* Whether the URL is a node's staff API that knows the batch's session
 * (GET /session): 0, or 1 once it said why. */
static int check_node(batch *b)
{
    job probe = { 0 };
    long status = 0;
    CURL *e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, apr_pstrcat(b->pool, b->opt->url, "/session", NULL));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, b->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_answer);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &probe);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(e);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(e);
    if (rc != CURLE_OK) {
        b->fatal = apr_psprintf(b->pool, "%s did not answer: %s", b->opt->url, curl_easy_strerror(rc));
    } else if (status != 200 || strstr(probe.answer, "\"login\"") == NULL) {
        b->fatal = apr_psprintf(b->pool,
                                "%s/session answered HTTP %ld: is URL the staff API (with staff"
                                " sessions) of a node on this database?",
                                b->opt->url, status);
    }
    return b->fatal != NULL;
}

static int issue_all(admin_db *db, batch *b, const char *token)
{
    b->headers = curl_slist_append(NULL, apr_pstrcat(db->pool, "Authorization: Bearer ", token, NULL));
    if (check_node(b) != 0) {
        curl_slist_free_all(b->headers);
        return 1;
    }
    CURLM *multi = curl_multi_init();
    job *jobs = apr_pcalloc(db->pool, sizeof(job) * (apr_size_t)b->opt->jobs);
    for (int i = 0; i < b->opt->jobs; i++) {
        CURL *e = jobs[i].easy = curl_easy_init();
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, b->headers);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_answer);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &jobs[i]);
        curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)&jobs[i]);
        curl_easy_setopt(e, CURLOPT_TIMEOUT, 120L);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    }
    run(b, multi, jobs, b->opt->jobs);
    show_progress(b, 1);
    for (int i = 0; i < b->opt->jobs; i++) {
        curl_easy_cleanup(jobs[i].easy);
    }
    curl_slist_free_all(b->headers);
    curl_multi_cleanup(multi);
    return 0;
}

int cmd_issue_certificates(admin_db *db, int argc, const char *const *argv)
{
    issue_options opt = { 0 };
    const char *token;
    int rc = parse(argc, argv, &opt);
    if (rc != 0) {
        return rc;
    }
    batch b = { &opt,
                NULL,
                apr_array_make(db->pool, 16, sizeof(int)),
                0,
                { 0, 0, 0 },
                apr_hash_make(db->pool),
                NULL,
                NULL,
                apr_time_now(),
                0,
                isatty(STDERR_FILENO),
                db->pool };
    if (scope_of(db, &opt) != 0 || (b.members = members_of(db, opt.institute)) == NULL
        || open_session(db, opt.staff, &token) != 0) {
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int refused = issue_all(db, &b, token);
    curl_global_cleanup();
    close_session(db, token);
    if (refused) {
        return fail("no batch", b.fatal);
    }
    report(&b);
    if (audit(db, &b) != 0) {
        return 1;
    }
    if (b.fatal != NULL) {
        return fail("batch stopped", b.fatal);
    }
    return b.counts.failed > 0 ? 1 : 0;
}
