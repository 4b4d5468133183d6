/* text_width: widths and fitting of UTF-8 text: ASCII, CJK (2 columns),
 * combining marks (0), emoji, invalid bytes and control characters ('?'). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text_width.h"

#define ELLIPSIS "\xe2\x80\xa6"        /* … */
#define CJK_NI "\xe4\xbd\xa0"          /* 你 */
#define CJK_HAO "\xe5\xa5\xbd"         /* 好 */
#define E_ACUTE_COMBINING "e\xcc\x81"  /* e + U+0301 */
#define EMOJI "\xf0\x9f\x98\x80"       /* U+1F600 */

static int utf8_locale(void **state)
{
    (void)state;
    if (!setlocale(LC_ALL, "C.UTF-8"))
        return -1;
    return 0;
}

static int ascii_locale(void **state)
{
    (void)state;
    return setlocale(LC_ALL, "C") ? 0 : -1;
}

static void test_width(void **state)
{
    (void)state;
    assert_true(text_locale_is_utf8());
    static const struct { const char *text; size_t width; } cases[] = {
        { "", 0 },
        { "vm1", 3 },
        { CJK_NI CJK_HAO, 4 },
        { "caf" E_ACUTE_COMBINING, 4 },
        { EMOJI, 2 },
        { "a\xff" "b", 3 },             /* invalid byte: '?' */
        { "\xe4\xbd", 2 },              /* truncated sequence: one '?' per byte */
        { "tab\there", 8 },             /* control character: '?' */
        { "\x1b[31mred", 8 },           /* an escape sequence cannot hide */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (text_width(cases[i].text) != cases[i].width)
            fail_msg("case %zu: width %zu, expected %zu", i, text_width(cases[i].text),
                     cases[i].width);
    assert_int_equal(text_width(NULL), 0);
}

typedef struct {
    const char *text;
    size_t columns;
    unsigned flags;
    const char *out;
    size_t width;
} FitCase;

static void run_fit_cases(const FitCase *cases, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char buf[128];
        memset(buf, 'X', sizeof(buf));
        size_t width = text_fit(buf, sizeof(buf), cases[i].text, cases[i].columns,
                                cases[i].flags);
        if (strcmp(buf, cases[i].out) != 0 || width != cases[i].width)
            fail_msg("case %zu ('%s' in %zu): got '%s' (%zu), expected '%s' (%zu)", i,
                     cases[i].text, cases[i].columns, buf, width, cases[i].out, cases[i].width);
        assert_int_equal(text_width(buf), width);
        char *dup = text_fit_dup(cases[i].text, cases[i].columns, cases[i].flags);
        assert_non_null(dup);
        assert_string_equal(dup, cases[i].out);
        free(dup);
    }
}

static void test_fit_utf8(void **state)
{
    (void)state;
    static const FitCase cases[] = {
        { "labhost1", 10, 0, "labhost1", 8 },
        { "labhost1", 8, 0, "labhost1", 8 },
        { "labhost1", 7, 0, "labhos" ELLIPSIS, 7 },
        { "labhost1", 1, 0, ELLIPSIS, 1 },
        { "labhost1", 0, 0, "", 0 },
        { "labhost1", 10, TEXT_FIT_PAD, "labhost1  ", 10 },
        { "labhost1", 10, TEXT_FIT_PAD | TEXT_FIT_ALIGN_RIGHT, "  labhost1", 10 },
        { "labhost1", 5, TEXT_FIT_NO_ELLIPSIS, "labho", 5 },
        /* CJK: never half a character; the column left over is padded. */
        { CJK_NI CJK_HAO CJK_NI, 6, 0, CJK_NI CJK_HAO CJK_NI, 6 },
        { CJK_NI CJK_HAO CJK_NI, 5, 0, CJK_NI CJK_HAO ELLIPSIS, 5 },
        { CJK_NI CJK_HAO CJK_NI, 4, 0, CJK_NI ELLIPSIS, 3 },
        { CJK_NI CJK_HAO CJK_NI, 4, TEXT_FIT_PAD, CJK_NI ELLIPSIS " ", 4 },
        { CJK_NI CJK_HAO, 1, 0, ELLIPSIS, 1 },
        { CJK_NI CJK_HAO, 3, TEXT_FIT_NO_ELLIPSIS | TEXT_FIT_PAD, CJK_NI " ", 3 },
        /* A combining mark stays with its letter. */
        { "caf" E_ACUTE_COMBINING "s", 5, 0, "caf" E_ACUTE_COMBINING "s", 5 },
        { "caf" E_ACUTE_COMBINING "s!", 5, 0, "caf" E_ACUTE_COMBINING ELLIPSIS, 5 },
        { EMOJI "vm", 3, 0, EMOJI ELLIPSIS, 3 },
        { EMOJI "vm", 2, 0, ELLIPSIS, 1 },
        /* Bad bytes and controls are shown as '?', even when they fit. */
        { "a\xff" "b", 3, 0, "a?b", 3 },
        { "\x1b[1m", 4, 0, "?[1m", 4 },
        { "line\nbreak", 20, 0, "line?break", 10 },
        /* Keeping the end: URIs and paths. */
        { "qemu+tcp://198.18.77.11/system", 12, TEXT_FIT_CUT_LEFT, ELLIPSIS "7.11/system", 12 },
        { "abc", 5, TEXT_FIT_CUT_LEFT | TEXT_FIT_PAD, "abc  ", 5 },
        { CJK_NI CJK_HAO CJK_NI, 4, TEXT_FIT_CUT_LEFT, ELLIPSIS CJK_NI, 3 },
        { "x" E_ACUTE_COMBINING "yz", 3, TEXT_FIT_CUT_LEFT, ELLIPSIS "yz", 3 },
        { NULL, 3, TEXT_FIT_PAD, "   ", 3 },
    };
    run_fit_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_fit_small_buffer(void **state)
{
    (void)state;
    /* Room for 你 and a NUL but not for 好: stops at the boundary. */
    char buf[5];
    size_t width = text_fit(buf, sizeof(buf), CJK_NI CJK_HAO, 10, 0);
    assert_string_equal(buf, CJK_NI);
    assert_int_equal(width, 2);
    char one[1];
    assert_int_equal(text_fit(one, sizeof(one), "abc", 3, 0), 0);
    assert_string_equal(one, "");
    assert_int_equal(text_fit(NULL, 0, "abc", 3, 0), 0);
    /* A long string into a wide buffer is fine too. */
    char long_text[4000];
    memset(long_text, 'a', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    char *dup = text_fit_dup(long_text, 3000, TEXT_FIT_PAD);
    assert_non_null(dup);
    assert_int_equal(strlen(dup), 3000 - 1 + 3);   /* 2999 'a' and the 3-byte ellipsis */
    free(dup);
}

static void test_fit_ascii_locale(void **state)
{
    (void)state;
    assert_false(text_locale_is_utf8());
    static const FitCase cases[] = {
        { "labhost1", 7, 0, "labhos~", 7 },
        /* UTF-8 bytes are not characters in the C locale: each shows as '?'. */
        { CJK_NI, 5, 0, "???", 3 },
        { "abc", 5, TEXT_FIT_PAD | TEXT_FIT_ALIGN_RIGHT, "  abc", 5 },
        { "qemu:///system", 8, TEXT_FIT_CUT_LEFT, "~/system", 8 },
    };
    run_fit_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
    const struct CMUnitTest utf8_tests[] = {
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_fit_utf8),
        cmocka_unit_test(test_fit_small_buffer),
    };
    const struct CMUnitTest ascii_tests[] = {
        cmocka_unit_test(test_fit_ascii_locale),
    };
    int failed = cmocka_run_group_tests_name("utf-8 locale", utf8_tests, utf8_locale, NULL);
    failed += cmocka_run_group_tests_name("C locale", ascii_tests, ascii_locale, NULL);
    return failed;
}
