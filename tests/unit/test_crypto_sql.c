/* Unit tests of cc_crypto (tokens, digests) and cc_sql (migration scripts). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "cc_unit.h"
#include <apr_general.h>
#include <apr_strings.h>

#include "cc_crypto.h"
#include "cc_sql.h"

static void sha256_matches_the_standard_vector(void **state)
{
    assert_string_equal(cc_sha256_hex("abc", 3, pool),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void hmac_matches_rfc4231_case_2(void **state)
{
    const char *data = "what do ya want for nothing?";
    assert_string_equal(cc_hmac_sha256_hex("Jefe", 4, data, strlen(data), pool),
                        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void tokens_are_url_safe_and_distinct(void **state)
{
    const char *a = cc_random_token(32, pool), *b = cc_random_token(32, pool);
    assert_int_equal(strlen(a), 43);
    assert_string_not_equal(a, b);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
}

static void constant_time_equality(void **state)
{
    assert_true(cc_str_equal_ct("abc", "abc"));
    assert_false(cc_str_equal_ct("abc", "abd"));
    assert_false(cc_str_equal_ct("abc", "abcd"));
    assert_true(cc_str_equal_ct("", ""));
}

static const char script[] = "-- a comment line\n"
                             "CREATE TABLE t (\n"
                             "  id {{ID}},\n"
                             "  v TEXT\n"
                             ");\n"
                             "\n"
                             "INSERT INTO t (v) VALUES ('a'),\n"
                             "  ('b');   \n"
                             "DROP TABLE x\n";

static void scripts_split_into_statements_without_semicolons(void **state)
{
    apr_array_header_t *s = cc_sql_statements(script, "sqlite3", pool);
    assert_non_null(s);
    assert_int_equal(s->nelts, 3);
    assert_string_equal(APR_ARRAY_IDX(s, 0, const char *),
                        "CREATE TABLE t (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n  v TEXT\n)");
    assert_string_equal(APR_ARRAY_IDX(s, 1, const char *), "INSERT INTO t (v) VALUES ('a'),\n  ('b')");
    assert_string_equal(APR_ARRAY_IDX(s, 2, const char *), "DROP TABLE x");
}

static void id_token_follows_the_dialect(void **state)
{
    apr_array_header_t *s = cc_sql_statements(script, "pgsql", pool);
    assert_non_null(strstr(APR_ARRAY_IDX(s, 0, const char *), "id BIGSERIAL PRIMARY KEY,"));
    assert_null(cc_sql_statements(script, "oracle", pool));
}

static void pgsql_only_statements_are_left_out_for_sqlite(void **state)
{
    static const char *const tuned = "CREATE TABLE t (v TEXT);\n"
                                     "{{PGSQL}} ALTER TABLE t ALTER COLUMN v SET STORAGE EXTERNAL;\n"
                                     "DROP TABLE t;\n";
    apr_array_header_t *lite = cc_sql_statements(tuned, "sqlite3", pool);
    apr_array_header_t *pg = cc_sql_statements(tuned, "pgsql", pool);
    assert_int_equal(lite->nelts, 2);
    assert_string_equal(APR_ARRAY_IDX(lite, 1, const char *), "DROP TABLE t");
    assert_int_equal(pg->nelts, 3);
    assert_string_equal(APR_ARRAY_IDX(pg, 1, const char *),
                        " ALTER TABLE t ALTER COLUMN v SET STORAGE EXTERNAL");
}

static void migration_file_names(void **state)
{
    assert_int_equal(cc_sql_migration_version("001_init.sql"), 1);
    assert_int_equal(cc_sql_migration_version("012_more_things.sql"), 12);
    assert_int_equal(cc_sql_migration_version("init.sql"), 0);
    assert_int_equal(cc_sql_migration_version("001init.sql"), 0);
    assert_int_equal(cc_sql_migration_version("001_init.sql~"), 0);
    assert_int_equal(cc_sql_migration_version("99999999999_x.sql"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_matches_the_standard_vector),
        cmocka_unit_test(hmac_matches_rfc4231_case_2),
        cmocka_unit_test(tokens_are_url_safe_and_distinct),
        cmocka_unit_test(constant_time_equality),
        cmocka_unit_test(scripts_split_into_statements_without_semicolons),
        cmocka_unit_test(id_token_follows_the_dialect),
        cmocka_unit_test(pgsql_only_statements_are_left_out_for_sqlite),
        cmocka_unit_test(migration_file_names),
    };
    return CC_UNIT_RUN(tests);
}
