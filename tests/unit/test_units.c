/* units: formatting tables and parsing tables, including every error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <string.h>
#include <cmocka.h>

#include "units.h"

static void test_format_bytes(void **state)
{
    (void)state;
    static const struct { uint64_t bytes; const char *text; } cases[] = {
        { 0, "0 B" },
        { 1, "1 B" },
        { 1023, "1023 B" },
        { 1024, "1.00 KiB" },
        { 1536, "1.50 KiB" },
        { 10 * 1024, "10.0 KiB" },
        { 12 * UNITS_MIB + 3 * UNITS_MIB / 10, "12.3 MiB" },
        { 512 * UNITS_MIB, "512 MiB" },
        { 1023 * UNITS_MIB, "1023 MiB" },
        /* Rounds to 1024 MiB: must move up, never print "1024 MiB". */
        { 1024 * UNITS_MIB - 1, "1.00 GiB" },
        { 2 * UNITS_GIB, "2.00 GiB" },
        { 1536 * UNITS_GIB, "1.50 TiB" },
        { UINT64_MAX, "16.0 EiB" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[UNITS_BUF];
        assert_string_equal(units_format_bytes(buf, sizeof(buf), cases[i].bytes), cases[i].text);
    }
}

static void test_format_rate(void **state)
{
    (void)state;
    static const struct { double rate; const char *text; } cases[] = {
        { 0, "0 B/s" },
        { 900, "900 B/s" },
        { 812 * 1024.0, "812 KiB/s" },
        { 50.0 * UNITS_MIB, "50.0 MiB/s" },
        { 1.2 * UNITS_GIB, "1.20 GiB/s" },
        { -1.0, "?" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[UNITS_BUF];
        assert_string_equal(units_format_rate(buf, sizeof(buf), cases[i].rate), cases[i].text);
    }
    char buf[UNITS_BUF];
    assert_string_equal(units_format_rate(buf, sizeof(buf), 0.0 / 0.0), "?");
    /* 12,600 dirty pages/s of 4 KiB (the lab's hot guest) is about 49 MiB/s. */
    double rate = units_pages_to_bytes_per_second(12600, 4096);
    assert_true(rate == 12600.0 * 4096.0);
    assert_string_equal(units_format_rate(buf, sizeof(buf), rate), "49.2 MiB/s");
    assert_string_equal(units_format_page_rate(buf, sizeof(buf), 12600, 4096), "49.2 MiB/s");
    assert_string_equal(units_format_page_rate(buf, sizeof(buf), 12600, 0), "49.2 MiB/s");
    assert_string_equal(units_format_page_rate(buf, sizeof(buf), 256, 2 * UNITS_MIB),
                        "512 MiB/s");   /* huge pages */
}

static void test_format_duration(void **state)
{
    (void)state;
    static const struct { uint64_t ms; const char *text; } cases[] = {
        { 0, "0 ms" },
        { 850, "850 ms" },
        { 999, "999 ms" },
        { 1000, "1.0 s" },
        { 1250, "1.2 s" },
        { 9999, "9.9 s" },          /* floored, never "10.0 s" */
        { 10000, "10 s" },
        { 42900, "42 s" },
        { 59999, "59 s" },
        { 60000, "1 min 00 s" },
        { 184000, "3 min 04 s" },
        { 3599999, "59 min 59 s" },
        { 3600000, "1 h 00 min" },
        { 3720000, "1 h 02 min" },
        { 100ull * 3600000, "100 h 00 min" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[UNITS_BUF];
        assert_string_equal(units_format_duration_ms(buf, sizeof(buf), cases[i].ms),
                            cases[i].text);
    }
}

static void test_format_percent(void **state)
{
    (void)state;
    static const struct { uint64_t part, whole; const char *text; } cases[] = {
        { 0, 100, "0%" },
        { 7, 100, "7%" },
        { 425, 1000, "42.5%" },
        { 9999, 10000, "99.9%" },   /* not yet all of it */
        { 100, 100, "100%" },
        { 150, 100, "100%" },       /* capped */
        { 1, 0, "?" },
        { UINT64_MAX / 2, UINT64_MAX, "49.9%" },   /* just under half: floored */
        { UINT64_MAX / 2 + 1, UINT64_MAX, "50%" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[UNITS_BUF];
        assert_string_equal(units_format_percent(buf, sizeof(buf), cases[i].part, cases[i].whole),
                            cases[i].text);
    }
}

static void test_format_small_buffer(void **state)
{
    (void)state;
    char buf[4];
    /* Truncated but terminated: never writes past the buffer (ASan watches). */
    assert_string_equal(units_format_bytes(buf, sizeof(buf), 2 * UNITS_GIB), "2.0");
}

typedef struct {
    const char *text;
    uint64_t bare, result;
    int rc;
    uint64_t value;
    const char *error_part;   /* a piece the message must contain */
} SizeCase;

static void test_parse_size(void **state)
{
    (void)state;
    static const SizeCase cases[] = {
        /* bandwidth fields: MiB/s */
        { "50", UNITS_MIB, UNITS_MIB, 0, 50, NULL },
        { "50M", UNITS_MIB, UNITS_MIB, 0, 50, NULL },
        { " 50 MiB ", UNITS_MIB, UNITS_MIB, 0, 50, NULL },
        { "50MiB/s", UNITS_MIB, UNITS_MIB, 0, 50, NULL },
        { "1.5G", UNITS_MIB, UNITS_MIB, 0, 1536, NULL },
        { "1.5gb", UNITS_MIB, UNITS_MIB, 0, 1536, NULL },
        { "2T", UNITS_MIB, UNITS_MIB, 0, 2 * 1024 * 1024, NULL },
        { "100K", UNITS_MIB, UNITS_MIB, -1, 0, "not a whole number of MiB" },
        { "0.1", UNITS_MIB, UNITS_MIB, -1, 0, "not a whole number of MiB" },
        /* byte fields */
        { "4096", 1, 1, 0, 4096, NULL },
        { "64M", 1, 1, 0, 64 * UNITS_MIB, NULL },
        { "1.5K", 1, 1, 0, 1536, NULL },
        { "0.1K", 1, 1, -1, 0, "not a whole number of bytes" },
        { "512b", 1, 1, 0, 512, NULL },
        { "16E", 1, 1, -1, 0, "unknown unit 'E'" },
        { "17179869183G", 1, 1, 0, 17179869183ull * UNITS_GIB, NULL },
        { "17179869184G", 1, 1, -1, 0, "too large" },
        { "18446744073709551615", 1, 1, 0, UINT64_MAX, NULL },
        { "18446744073709551616", 1, 1, -1, 0, "too large" },
        { "99999999999999999999999", 1, 1, -1, 0, "too large" },
        /* malformed */
        { "", UNITS_MIB, UNITS_MIB, -1, 0, "no value given" },
        { "   ", UNITS_MIB, UNITS_MIB, -1, 0, "no value given" },
        { "-5", UNITS_MIB, UNITS_MIB, -1, 0, "negative" },
        { "abc", UNITS_MIB, UNITS_MIB, -1, 0, "not a number" },
        { ".", UNITS_MIB, UNITS_MIB, -1, 0, "not a number" },
        { "M", UNITS_MIB, UNITS_MIB, -1, 0, "not a number" },
        { "1,5G", UNITS_MIB, UNITS_MIB, -1, 0, "use '.'" },
        { "5X", UNITS_MIB, UNITS_MIB, -1, 0, "unknown unit 'X'" },
        { "1e5", UNITS_MIB, UNITS_MIB, -1, 0, "unknown unit 'e5'" },
        { "5 M B", UNITS_MIB, UNITS_MIB, -1, 0, "unknown unit" },
        { "1.0000000001G", 1, 1, -1, 0, "too many decimals" },
        { "5MiBibibibibibibibibibib", 1, 1, -1, 0, "unknown unit" },
        { "5", 0, 1, -1, 0, "internal error" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const SizeCase *c = &cases[i];
        uint64_t value = 12345;
        char error[200] = "";
        int rc = units_parse_size(c->text, c->bare, c->result, &value, error, sizeof(error));
        if (rc != c->rc)
            fail_msg("'%s': rc %d, expected %d (%s)", c->text, rc, c->rc, error);
        if (rc == 0) {
            if (value != c->value)
                fail_msg("'%s': %llu, expected %llu", c->text, (unsigned long long)value,
                         (unsigned long long)c->value);
        } else {
            if (!strstr(error, c->error_part))
                fail_msg("'%s': message '%s' lacks '%s'", c->text, error, c->error_part);
            assert_int_equal(value, 12345);   /* untouched on failure */
        }
    }
    char error[200];
    uint64_t value;
    assert_int_equal(units_parse_size(NULL, 1, 1, &value, error, sizeof(error)), -1);
    assert_non_null(strstr(error, "no value given"));
    /* Every unknown-unit message says how to write it. */
    assert_int_equal(units_parse_size("5q", 1, 1, &value, error, sizeof(error)), -1);
    assert_non_null(strstr(error, "use B, K, M, G or T"));
}

static void test_parse_duration(void **state)
{
    (void)state;
    static const SizeCase cases[] = {
        /* max downtime: ms */
        { "300", 1, 1, 0, 300, NULL },
        { "300ms", 1, 1, 0, 300, NULL },
        { "300 MS", 1, 1, 0, 300, NULL },
        { "2s", 1, 1, 0, 2000, NULL },
        { "1.5s", 1, 1, 0, 1500, NULL },
        { "0.0005s", 1, 1, -1, 0, "not a whole number of milliseconds" },
        { "2min", 1, 1, 0, 120000, NULL },
        { "1h", 1, 1, 0, 3600000, NULL },
        { "0.5 hours", 1, 1, 0, 1800000, NULL },
        /* timeout: seconds */
        { "90", 1000, 1000, 0, 90, NULL },
        { "2s", 1000, 1000, 0, 2, NULL },
        { "1.5min", 1000, 1000, 0, 90, NULL },
        { "1500ms", 1000, 1000, -1, 0, "not a whole number of seconds" },
        { "2000ms", 1000, 1000, 0, 2, NULL },
        /* errors */
        { "", 1, 1, -1, 0, "no value given" },
        { "-1s", 1, 1, -1, 0, "negative" },
        { "soon", 1, 1, -1, 0, "not a number" },
        { "5 days", 1, 1, -1, 0, "unknown unit 'days'" },
        { "18446744073709551615h", 1, 1, -1, 0, "too large" },
        { "5124095576031h", 1, 1, -1, 0, "too large" },
        { "5124095576030h", 1, 1, 0, 5124095576030ull * 3600000ull, NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const SizeCase *c = &cases[i];
        uint64_t value = 777;
        char error[200] = "";
        int rc = units_parse_duration(c->text, c->bare, c->result, &value, error, sizeof(error));
        if (rc != c->rc)
            fail_msg("'%s': rc %d, expected %d (%s)", c->text, rc, c->rc, error);
        if (rc == 0) {
            if (value != c->value)
                fail_msg("'%s': %llu, expected %llu", c->text, (unsigned long long)value,
                         (unsigned long long)c->value);
        } else if (!strstr(error, c->error_part)) {
            fail_msg("'%s': message '%s' lacks '%s'", c->text, error, c->error_part);
        }
    }
    char error[200];
    uint64_t value;
    assert_int_equal(units_parse_duration("5x", 1, 1, &value, error, sizeof(error)), -1);
    assert_non_null(strstr(error, "use ms, s, min or h"));
    /* A tiny error buffer is truncated, not overrun. */
    char tiny[8];
    assert_int_equal(units_parse_duration("5x", 1, 1, &value, tiny, sizeof(tiny)), -1);
    assert_int_equal(strlen(tiny), 7);
    assert_int_equal(units_parse_duration("5x", 1, 1, &value, NULL, 0), -1);
}

/* The console calls setlocale(LC_ALL, ""); a German LC_NUMERIC must not turn
 * "1.50 KiB" into "1,50 KiB" (the form parses '.'). Needs a de_DE locale:
 * LOCPATH=DIR after `localedef -i de_DE -f UTF-8 DIR/de_DE.UTF-8`. */
static void test_format_ignores_comma_locale(void **state)
{
    (void)state;
    if (!setlocale(LC_ALL, "de_DE.UTF-8"))
        fail_msg("no de_DE.UTF-8 locale: tests/run-unit.sh builds one under $BUILD/locale "
                 "(needs the locales package, which make deps installs)");
    char buf[UNITS_BUF];
    assert_string_equal(units_format_bytes(buf, sizeof(buf), 1536), "1.50 KiB");
    assert_string_equal(units_format_rate(buf, sizeof(buf), 50.0 * UNITS_MIB), "50.0 MiB/s");
    assert_string_equal(units_format_percent(buf, sizeof(buf), 425, 1000), "42.5%");
    uint64_t value;
    char error[200];
    assert_int_equal(units_parse_size("1.5G", UNITS_MIB, UNITS_MIB, &value, error,
                                      sizeof(error)), 0);
    assert_int_equal(value, 1536);
    setlocale(LC_ALL, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_bytes),
        cmocka_unit_test(test_format_rate),
        cmocka_unit_test(test_format_duration),
        cmocka_unit_test(test_format_percent),
        cmocka_unit_test(test_format_small_buffer),
        cmocka_unit_test(test_parse_size),
        cmocka_unit_test(test_parse_duration),
        cmocka_unit_test(test_format_ignores_comma_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
