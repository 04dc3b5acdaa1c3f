/* Unit tests of cc_outbox: the demo's file outbox for mail and SMS. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cc_unit.h"
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>

#include "cc_file.h"
#include "cc_outbox.h"

/* A new empty folder under the system's temporary folder. */
static const char *new_folder(void)
{
    const char *tmp = NULL;
    assert_int_equal(apr_temp_dir_get(&tmp, pool), APR_SUCCESS);
    char *dir = apr_pstrcat(pool, tmp, "/cc-outbox-XXXXXX", NULL);
    assert_non_null(mkdtemp(dir));
    return dir;
}

/* The names in dir (not . and ..). */
static apr_array_header_t *names_in(const char *dir)
{
    apr_array_header_t *names = apr_array_make(pool, 4, sizeof(const char *));
    apr_dir_t *d;
    apr_finfo_t info;
    assert_int_equal(apr_dir_open(&d, dir, pool), APR_SUCCESS);
    while (apr_dir_read(&info, APR_FINFO_NAME, d) == APR_SUCCESS) {
        if (strcmp(info.name, ".") != 0 && strcmp(info.name, "..") != 0) {
            APR_ARRAY_PUSH(names, const char *) = apr_pstrdup(pool, info.name);
        }
    }
    apr_dir_close(d);
    return names;
}

static void a_message_becomes_one_private_file(void **state)
{
    const char *dir = new_folder(), *name = NULL, *err = NULL;
    const char *url = apr_pstrcat(pool, "file://", dir, NULL);
    assert_int_equal(cc_outbox_write(url, "eml", "Subject: x\r\n\r\nbody\r\n", 19, pool, &name), APR_SUCCESS);
    apr_array_header_t *names = names_in(dir);
    assert_int_equal(names->nelts, 1); /* no temporary file left behind */
    assert_string_equal(APR_ARRAY_IDX(names, 0, const char *), name);
    /* YYYYMMDDTHHMMSSZ-<16>.eml */
    assert_int_equal(strlen(name), 16 + 1 + 16 + 4);
    assert_string_equal(name + strlen(name) - 4, ".eml");
    const char *path = apr_pstrcat(pool, dir, "/", name, NULL);
    apr_size_t len = 0;
    const unsigned char *text = cc_file_read(path, 1024, pool, &len, &err);
    assert_non_null(text);
    assert_int_equal(len, 19);
    assert_memory_equal(text, "Subject: x\r\n\r\nbody\r\n", 19);
    apr_finfo_t info;
    assert_int_equal(apr_stat(&info, path, APR_FINFO_PROT, pool), APR_SUCCESS);
    assert_int_equal(info.protection, APR_FPROT_UREAD | APR_FPROT_UWRITE);
    apr_file_remove(path, pool);
    apr_dir_remove(dir, pool);
}

static void every_message_gets_a_name_of_its_own(void **state)
{
    const char *dir = new_folder(), *first = NULL, *second = NULL;
    const char *url = apr_pstrcat(pool, "file://", dir, "/", NULL);
    assert_int_equal(cc_outbox_write(url, "json", "{}", 2, pool, &first), APR_SUCCESS);
    assert_int_equal(cc_outbox_write(url, "json", "{}", 2, pool, &second), APR_SUCCESS);
    assert_string_not_equal(first, second);
    assert_int_equal(names_in(dir)->nelts, 2);
    apr_file_remove(apr_pstrcat(pool, dir, "/", first, NULL), pool);
    apr_file_remove(apr_pstrcat(pool, dir, "/", second, NULL), pool);
    apr_dir_remove(dir, pool);
}

static void a_missing_folder_is_an_error_and_leaves_nothing(void **state)
{
    const char *dir = new_folder(), *name = NULL;
    const char *url = apr_pstrcat(pool, "file://", dir, "/gone", NULL);
    assert_int_not_equal(cc_outbox_write(url, "eml", "x", 1, pool, &name), APR_SUCCESS);
    assert_null(name);
    assert_int_not_equal(
        cc_outbox_write(apr_pstrcat(pool, "file://", dir, NULL), "../x", "x", 1, pool, &name), APR_SUCCESS);
    assert_int_equal(names_in(dir)->nelts, 0);
    apr_dir_remove(dir, pool);
}

static void only_file_urls_are_outboxes(void **state)
{
    assert_true(cc_outbox_url("file:///var/outbox"));
    assert_true(cc_outbox_url("FILE:///var/outbox"));
    assert_false(cc_outbox_url("smtp://mail.example.org"));
    assert_false(cc_outbox_url("https://sms.example.org/send"));
    assert_false(cc_outbox_url(NULL));
}

static void the_folder_must_be_absolute_existing_and_bounded(void **state)
{
    const char *dir = new_folder();
    assert_null(cc_outbox_problem("CicpaCertSmtpUrl", apr_pstrcat(pool, "file://", dir, NULL), pool));
    const char *err = cc_outbox_problem("CicpaCertSmtpUrl", "file://host/var/outbox", pool);
    assert_non_null(err);
    assert_non_null(strstr(err, "CicpaCertSmtpUrl: an outbox is file:///FOLDER"));
    assert_non_null(cc_outbox_problem("CicpaCertSmsUrl", "file:relative/outbox", pool));
    err = cc_outbox_problem("CicpaCertSmsUrl", apr_pstrcat(pool, "file://", dir, "/gone", NULL), pool);
    assert_non_null(strstr(err, "is not an existing folder"));
    char *longer = apr_pstrcat(pool, "file:///", NULL);
    while (strlen(longer) <= CC_OUTBOX_MAX_DIR + 8) {
        longer = apr_pstrcat(pool, longer, "aaaaaaaa/", NULL);
    }
    assert_non_null(strstr(cc_outbox_problem("CicpaCertSmsUrl", longer, pool), "at most 512 bytes"));
    apr_dir_remove(dir, pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(a_message_becomes_one_private_file, cc_unit_clear_pool),
        cmocka_unit_test_teardown(every_message_gets_a_name_of_its_own, cc_unit_clear_pool),
        cmocka_unit_test_teardown(a_missing_folder_is_an_error_and_leaves_nothing, cc_unit_clear_pool),
        cmocka_unit_test_teardown(only_file_urls_are_outboxes, cc_unit_clear_pool),
        cmocka_unit_test_teardown(the_folder_must_be_absolute_existing_and_bounded, cc_unit_clear_pool),
    };
    return CC_UNIT_RUN(tests);
}
