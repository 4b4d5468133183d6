/* json_writer: exact output of the builder (escaping, numbers, structure),
 * sticky errors on misuse, and the JSON Lines field reader, including
 * round trips of what the writer produced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json_writer.h"

static void test_record(void **state)
{
    (void)state;
    JsonWriter *w = json_writer_new();
    assert_non_null(w);
    assert_string_equal(json_writer_text(w), "");
    assert_false(json_writer_complete(w));
    assert_int_equal(json_writer_object_open(w), 0);
    assert_int_equal(json_writer_key(w, "event"), 0);
    assert_int_equal(json_writer_string(w, "abort"), 0);
    assert_int_equal(json_writer_key(w, "id"), 0);
    assert_int_equal(json_writer_uint(w, 3), 0);
    assert_int_equal(json_writer_key(w, "delta"), 0);
    assert_int_equal(json_writer_int(w, -42), 0);
    assert_int_equal(json_writer_key(w, "rate"), 0);
    assert_int_equal(json_writer_double(w, 0.1), 0);
    assert_int_equal(json_writer_key(w, "ok"), 0);
    assert_int_equal(json_writer_bool(w, true), 0);
    assert_int_equal(json_writer_key(w, "error"), 0);
    assert_int_equal(json_writer_string(w, NULL), 0);
    assert_int_equal(json_writer_key(w, "disks"), 0);
    assert_int_equal(json_writer_array_open(w), 0);
    assert_int_equal(json_writer_string(w, "vda"), 0);
    assert_int_equal(json_writer_string(w, "vdb"), 0);
    assert_int_equal(json_writer_object_open(w), 0);
    assert_int_equal(json_writer_object_close(w), 0);
    assert_int_equal(json_writer_array_open(w), 0);
    assert_int_equal(json_writer_array_close(w), 0);
    assert_int_equal(json_writer_array_close(w), 0);
    assert_int_equal(json_writer_key(w, "nested"), 0);
    assert_int_equal(json_writer_object_open(w), 0);
    assert_int_equal(json_writer_key(w, "big"), 0);
    assert_int_equal(json_writer_uint(w, UINT64_MAX), 0);
    assert_int_equal(json_writer_key(w, "small"), 0);
    assert_int_equal(json_writer_int(w, INT64_MIN), 0);
    assert_int_equal(json_writer_key(w, "nan"), 0);
    assert_int_equal(json_writer_double(w, NAN), 0);
    assert_int_equal(json_writer_key(w, "third"), 0);
    assert_int_equal(json_writer_double(w, 1.0 / 3.0), 0);
    assert_int_equal(json_writer_key(w, "f"), 0);
    assert_int_equal(json_writer_bool(w, false), 0);
    assert_int_equal(json_writer_object_close(w), 0);
    assert_false(json_writer_complete(w));
    assert_int_equal(json_writer_object_close(w), 0);
    assert_true(json_writer_complete(w));
    const char *expected =
        "{\"event\":\"abort\",\"id\":3,\"delta\":-42,\"rate\":0.1,\"ok\":true,\"error\":null,"
        "\"disks\":[\"vda\",\"vdb\",{},[]],\"nested\":{\"big\":18446744073709551615,"
        "\"small\":-9223372036854775808,\"nan\":null,\"third\":0.33333333333333331,"
        "\"f\":false}}";
    assert_string_equal(json_writer_text(w), expected);
    assert_int_equal(json_writer_length(w), strlen(expected));
    assert_null(json_writer_error(w));

    /* reset: empty again, reusable */
    json_writer_reset(w);
    assert_string_equal(json_writer_text(w), "");
    assert_int_equal(json_writer_array_open(w), 0);
    assert_int_equal(json_writer_int(w, 1), 0);
    assert_int_equal(json_writer_int(w, 2), 0);
    assert_int_equal(json_writer_array_close(w), 0);
    assert_string_equal(json_writer_text(w), "[1,2]");
    json_writer_free(w);
    json_writer_free(NULL);
    json_writer_reset(NULL);
}

static void test_escaping(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        { "plain", "\"plain\"" },
        { "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
        { "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
        { "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
        { "\x1b[31m", "\"\\u001b[31m\"" },
        { "caf\xc3\xa9 \xe4\xbd\xa0 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe4\xbd\xa0 \xf0\x9f\x98\x80\"" },
        /* invalid UTF-8: stray continuation, bad lead, overlong, surrogate,
         * truncated sequence at the end: each bad byte becomes U+FFFD */
        { "a\x80z", "\"a\xef\xbf\xbdz\"" },
        { "\xff", "\"\xef\xbf\xbd\"" },
        { "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
        { "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
        { "ok\xe4\xbd", "\"ok\xef\xbf\xbd\xef\xbf\xbd\"" },
        { "\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
        { "", "\"\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        JsonWriter *w = json_writer_new();
        assert_non_null(w);
        assert_int_equal(json_writer_string(w, cases[i].in), 0);
        if (strcmp(json_writer_text(w), cases[i].out) != 0)
            fail_msg("case %zu: got %s, expected %s", i, json_writer_text(w), cases[i].out);
        json_writer_free(w);
    }
    /* Keys are escaped the same way. */
    JsonWriter *w = json_writer_new();
    json_writer_object_open(w);
    json_writer_key(w, "a\"b\n");
    json_writer_int(w, 1);
    json_writer_object_close(w);
    assert_string_equal(json_writer_text(w), "{\"a\\\"b\\n\":1}");
    json_writer_free(w);
}

static void test_misuse_is_sticky(void **state)
{
    (void)state;
    static const struct { const char *name; const char *error_part; } cases[] = {
        { "value in object without key", "where an object key is expected" },
        { "key in array", "a key outside an object" },
        { "key at top", "a key outside an object" },
        { "close wrong bracket", "closing an array that is not open" },
        { "close after key", "right after a key" },
        { "second top value", "a second top-level value" },
        { "key after key", "a key right after a key" },
        { "null key", "a NULL key" },
        { "close nothing", "closing an object that is not open" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        JsonWriter *w = json_writer_new();
        int rc = 0;
        switch (i) {
        case 0: json_writer_object_open(w); rc = json_writer_int(w, 1); break;
        case 1: json_writer_array_open(w); rc = json_writer_key(w, "k"); break;
        case 2: rc = json_writer_key(w, "k"); break;
        case 3: json_writer_object_open(w); rc = json_writer_array_close(w); break;
        case 4: json_writer_object_open(w); json_writer_key(w, "k");
                rc = json_writer_object_close(w); break;
        case 5: json_writer_int(w, 1); rc = json_writer_int(w, 2); break;
        case 6: json_writer_object_open(w); json_writer_key(w, "a");
                rc = json_writer_key(w, "b"); break;
        case 7: json_writer_object_open(w); rc = json_writer_key(w, NULL); break;
        case 8: rc = json_writer_object_close(w); break;
        }
        assert_int_equal(rc, -1);
        if (!json_writer_error(w) || !strstr(json_writer_error(w), cases[i].error_part))
            fail_msg("%s: error '%s'", cases[i].name, json_writer_error(w));
        /* sticky: everything fails afterwards, and there is no text */
        assert_int_equal(json_writer_null(w), -1);
        assert_int_equal(json_writer_object_close(w), -1);
        assert_null(json_writer_text(w));
        assert_int_equal(json_writer_length(w), 0);
        assert_false(json_writer_complete(w));
        json_writer_reset(w);
        assert_null(json_writer_error(w));
        assert_int_equal(json_writer_bool(w, true), 0);
        json_writer_free(w);
    }
    assert_int_equal(json_writer_int(NULL, 1), -1);
    assert_int_equal(json_writer_key(NULL, "k"), -1);
    assert_int_equal(json_writer_object_close(NULL), -1);
    assert_null(json_writer_text(NULL));

    /* Depth is bounded. */
    JsonWriter *w = json_writer_new();
    for (int i = 0; i < 64; i++)
        assert_int_equal(json_writer_array_open(w), 0);
    assert_int_equal(json_writer_array_open(w), -1);
    assert_non_null(strstr(json_writer_error(w), "64 levels"));
    json_writer_free(w);
}

static void test_reader(void **state)
{
    (void)state;
    const char *line = " {\"t\":\"2026-11-22T00:20:00Z\", \"event\" : \"migrate\", "
                       "\"nested\":{\"event\":\"inner\",\"x\":[1,{\"y\":null}]},"
                       "\"id\":7,\"bytes\":1.5e3,\"neg\":-12,\"ok\":false,\"nothing\":null,"
                       "\"text\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\\ud800x\\u0000\"} \n";
    char *text = NULL;
    assert_int_equal(json_line_get_string(line, "event", &text), 1);
    assert_string_equal(text, "migrate");   /* top level, not the nested one */
    free(text);
    text = NULL;
    assert_int_equal(json_line_get_string(line, "text", &text), 1);
    assert_string_equal(text, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx\xef\xbf\xbd");
    free(text);
    text = NULL;
    assert_int_equal(json_line_get_string(line, "id", &text), 0);     /* not a string */
    assert_null(text);
    assert_int_equal(json_line_get_string(line, "missing", &text), 0);
    assert_int_equal(json_line_get_string(line, "x", &text), 0);      /* nested only */

    double number;
    assert_int_equal(json_line_get_number(line, "bytes", &number), 1);
    assert_true(number == 1500.0);
    assert_int_equal(json_line_get_number(line, "event", &number), 0);
    int64_t integer;
    assert_int_equal(json_line_get_int(line, "id", &integer), 1);
    assert_int_equal(integer, 7);
    assert_int_equal(json_line_get_int(line, "neg", &integer), 1);
    assert_int_equal(integer, -12);
    assert_int_equal(json_line_get_int(line, "bytes", &integer), 0);   /* has an exponent */
    bool flag = true;
    assert_int_equal(json_line_get_bool(line, "ok", &flag), 1);
    assert_false(flag);
    assert_int_equal(json_line_get_bool(line, "nothing", &flag), 0);
    assert_int_equal(json_line_get_int("{\"n\":99999999999999999999}", "n", &integer), 0);
    assert_int_equal(json_line_get_int("{}", "n", &integer), 0);
    assert_int_equal(json_line_get_string("{\"a\":\"1\",\"a\":\"2\"}", "a", &text), 1);
    assert_string_equal(text, "1");   /* the first of duplicate keys */
    free(text);
    /* Raw invalid UTF-8 in a record reads as U+FFFD, as the writer writes it
     * (found by tests/fuzz/fuzz_json_line.c). */
    assert_int_equal(json_line_get_string("{\"a\":\"x\x94\x93y\xe4\xbd\"}", "a", &text), 1);
    assert_string_equal(text, "x\xef\xbf\xbd\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd");
    free(text);
}

static void test_reader_rejects_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "   ", "[]", "\"s\"", "{", "{\"a\":1", "{\"a\":1,}", "{\"a\" 1}", "{a:1}",
        "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":+1}",
        "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}",
        "{\"a\":\"tab\there\"}", "{\"a\":1} {\"b\":2}", "{\"a\":1}x", "{\"a\":[1,]}",
        "{\"a\":[1 2]}", "{\"a\":{\"b\"}}", "{\"a\":1,\"b\":}", "{'a':1}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *text = NULL;
        double number;
        if (json_line_get_string(bad[i], "a", &text) != -1 ||
            json_line_get_number(bad[i], "a", &number) != -1)
            fail_msg("accepted malformed line: %s", bad[i]);
        assert_null(text);
    }
    /* Deep nesting is refused rather than recursing without bound. */
    char deep[400];
    size_t n = 0;
    n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{\"a\":");
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    for (int i = 0; i < 100; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    deep[n] = '\0';
    double number;
    assert_int_equal(json_line_get_number(deep, "a", &number), -1);
    assert_int_equal(json_line_get_number(NULL, "a", &number), -1);
    assert_int_equal(json_line_get_number("{}", NULL, &number), -1);
}

/* What the writer writes, the reader reads back exactly. */
static void test_round_trip(void **state)
{
    (void)state;
    static const char *const strings[] = {
        "labhost1: abort vm1: Requested operation is not valid: no job is active",
        "quote \" backslash \\ newline \n tab \t bell \a",
        "caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x98\x80",
    };
    static const double doubles[] = { 0.0, -0.5, 0.1, 1e300, 123456.789, 5e-324 };
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        JsonWriter *w = json_writer_new();
        json_writer_object_open(w);
        json_writer_key(w, "message");
        json_writer_string(w, strings[i]);
        json_writer_key(w, "value");
        json_writer_double(w, doubles[i]);
        json_writer_key(w, "count");
        json_writer_int(w, -(int64_t)i);
        assert_int_equal(json_writer_object_close(w), 0);
        char *text = NULL;
        assert_int_equal(json_line_get_string(json_writer_text(w), "message", &text), 1);
        assert_string_equal(text, strings[i]);
        free(text);
        double value;
        assert_int_equal(json_line_get_number(json_writer_text(w), "value", &value), 1);
        assert_true(value == doubles[i]);
        int64_t count;
        assert_int_equal(json_line_get_int(json_writer_text(w), "count", &count), 1);
        assert_int_equal(count, -(int64_t)i);
        json_writer_free(w);
    }
    for (size_t i = 3; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
        JsonWriter *w = json_writer_new();
        json_writer_object_open(w);
        json_writer_key(w, "v");
        json_writer_double(w, doubles[i]);
        json_writer_object_close(w);
        double value;
        assert_int_equal(json_line_get_number(json_writer_text(w), "v", &value), 1);
        assert_true(value == doubles[i]);
        json_writer_free(w);
    }
}

/* JSON needs '.' even when the console's locale writes numbers with ','.
 * Needs a de_DE locale (see test_units.c). */
static void test_comma_locale(void **state)
{
    (void)state;
    if (!setlocale(LC_ALL, "de_DE.UTF-8"))
        fail_msg("no de_DE.UTF-8 locale: tests/run-unit.sh builds one under $BUILD/locale "
                 "(needs the locales package, which make deps installs)");
    JsonWriter *w = json_writer_new();
    json_writer_object_open(w);
    json_writer_key(w, "v");
    json_writer_double(w, 1.5);
    json_writer_object_close(w);
    assert_string_equal(json_writer_text(w), "{\"v\":1.5}");
    double value;
    assert_int_equal(json_line_get_number(json_writer_text(w), "v", &value), 1);
    assert_true(value == 1.5);
    json_writer_free(w);
    setlocale(LC_ALL, "C");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_misuse_is_sticky),
        cmocka_unit_test(test_reader),
        cmocka_unit_test(test_reader_rejects_malformed),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_comma_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
