/* The one-line editor behind form fields and dialog inputs, and the word wrap
 * of previews and messages: UTF-8 characters are edited and wrapped whole,
 * never cut in half, and widths are display columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <string.h>

#include "form_input.h"
#include "form_wrap.h"

static int utf8_locale(void **state)
{
    (void)state;
    return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static void type_text(FormInput *input, const wchar_t *text)
{
    for (; *text; text++)
        assert_int_equal(form_input_key(input, (int)*text, false), FORM_INPUT_CHANGED);
}

static void test_typing_and_cursor(void **state)
{
    (void)state;
    FormInput input = { 0 };
    assert_string_equal(form_input_text(&input), "");
    type_text(&input, L"50M");
    assert_string_equal(form_input_text(&input), "50M");
    assert_int_equal(input.cursor, 3);
    assert_int_equal(form_input_key(&input, KEY_LEFT, true), FORM_INPUT_MOVED);
    type_text(&input, L"0");
    assert_string_equal(form_input_text(&input), "500M");
    assert_int_equal(form_input_key(&input, KEY_HOME, true), FORM_INPUT_MOVED);
    assert_int_equal(form_input_key(&input, KEY_DC, true), FORM_INPUT_CHANGED);
    assert_string_equal(form_input_text(&input), "00M");
    assert_int_equal(form_input_key(&input, KEY_END, true), FORM_INPUT_MOVED);
    assert_int_equal(form_input_key(&input, KEY_BACKSPACE, true), FORM_INPUT_CHANGED);
    assert_int_equal(form_input_key(&input, 127, false), FORM_INPUT_CHANGED);
    assert_string_equal(form_input_text(&input), "0");
    /* keys that are not edits are left to the caller */
    assert_int_equal(form_input_key(&input, '\t', false), FORM_INPUT_IGNORED);
    assert_int_equal(form_input_key(&input, 27, false), FORM_INPUT_IGNORED);
    assert_int_equal(form_input_key(&input, KEY_DOWN, true), FORM_INPUT_IGNORED);
    assert_int_equal(form_input_key(&input, KEY_F(5), true), FORM_INPUT_IGNORED);
    assert_string_equal(form_input_text(&input), "0");
    form_input_clear(&input);
    assert_null(input.text);
    assert_string_equal(form_input_text(&input), "");
    form_input_clear(NULL);
}

static void test_utf8_is_edited_whole(void **state)
{
    (void)state;
    FormInput input = { 0 };
    type_text(&input, L"v\u00e9\u4e2d");        /* "vé中": 1 + 2 + 3 bytes */
    assert_string_equal(form_input_text(&input), "v\xc3\xa9\xe4\xb8\xad");
    assert_int_equal(input.cursor, 6);
    assert_int_equal(form_input_key(&input, KEY_LEFT, true), FORM_INPUT_MOVED);
    assert_int_equal(input.cursor, 3);
    assert_int_equal(form_input_key(&input, KEY_BACKSPACE, true), FORM_INPUT_CHANGED);
    assert_string_equal(form_input_text(&input), "v\xe4\xb8\xad");
    assert_int_equal(input.cursor, 1);
    assert_int_equal(form_input_key(&input, KEY_DC, true), FORM_INPUT_CHANGED);
    assert_string_equal(form_input_text(&input), "v");
    form_input_clear(&input);
}

static void test_control_keys(void **state)
{
    (void)state;
    FormInput input = { 0 };
    assert_int_equal(form_input_set(&input, "hello world"), 0);
    assert_int_equal(input.cursor, 11);
    assert_int_equal(form_input_key(&input, 1, false), FORM_INPUT_MOVED);    /* Ctrl-A */
    assert_int_equal(input.cursor, 0);
    assert_int_equal(form_input_key(&input, 5, false), FORM_INPUT_MOVED);    /* Ctrl-E */
    for (int i = 0; i < 5; i++)
        form_input_key(&input, KEY_LEFT, true);
    assert_int_equal(form_input_key(&input, 11, false), FORM_INPUT_CHANGED); /* Ctrl-K */
    assert_string_equal(form_input_text(&input), "hello ");
    assert_int_equal(form_input_key(&input, 21, false), FORM_INPUT_CHANGED); /* Ctrl-U */
    assert_string_equal(form_input_text(&input), "");
    /* a long text grows the buffer */
    for (int i = 0; i < 500; i++)
        assert_int_equal(form_input_key(&input, 'x', false), FORM_INPUT_CHANGED);
    assert_int_equal(strlen(form_input_text(&input)), 500);
    /* moving past either end stays put */
    assert_int_equal(form_input_key(&input, KEY_RIGHT, true), FORM_INPUT_MOVED);
    assert_int_equal(input.cursor, 500);
    form_input_key(&input, KEY_HOME, true);
    assert_int_equal(form_input_key(&input, KEY_LEFT, true), FORM_INPUT_MOVED);
    assert_int_equal(input.cursor, 0);
    assert_int_equal(form_input_key(&input, KEY_BACKSPACE, true), FORM_INPUT_MOVED);
    assert_int_equal(strlen(form_input_text(&input)), 500);
    form_input_clear(&input);
}

static void wrap_lines(const char *text, size_t width, const char *const *expected,
                       size_t expected_count)
{
    FormWrapLine lines[16];
    size_t count = form_wrap(text, width, lines, 16);
    assert_int_equal(count, expected_count);
    for (size_t i = 0; i < count; i++) {
        char line[128];
        snprintf(line, sizeof(line), "%.*s", (int)lines[i].length, text + lines[i].start);
        assert_string_equal(line, expected[i]);
    }
}

static void test_wrap_breaks_at_spaces(void **state)
{
    (void)state;
    const char *command = "virsh migrate --live --p2p --persistent vm1 qemu+tcp://h2/system";
    const char *const expected[] = { "virsh migrate --live", "--p2p --persistent vm1",
                                     "qemu+tcp://h2/system" };
    wrap_lines(command, 22, expected, 3);
    const char *const one[] = { "short" };
    wrap_lines("short", 40, one, 1);
    assert_int_equal(form_wrap("", 10, NULL, 0), 0);
    assert_int_equal(form_wrap(NULL, 10, NULL, 0), 0);
    /* counting only, with no room to store lines */
    assert_int_equal(form_wrap(command, 22, NULL, 0), 3);
}

static void test_wrap_cuts_long_words_and_honours_newlines(void **state)
{
    (void)state;
    const char *const cut[] = { "abcd", "efgh", "ij" };
    wrap_lines("abcdefghij", 4, cut, 3);
    const char *const lines[] = { "first", "", "third line" };
    wrap_lines("first\n\nthird line", 20, lines, 3);
    const char *const exact[] = { "abcd", "efgh" };
    wrap_lines("abcd efgh", 4, exact, 2);
}

static void test_wrap_counts_display_columns(void **state)
{
    (void)state;
    /* each CJK character takes two columns: four fit in 8 columns */
    const char *text = "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad";
    FormWrapLine lines[4];
    assert_int_equal(form_wrap(text, 8, lines, 4), 2);
    assert_int_equal(lines[0].length, 12);
    assert_int_equal(lines[1].length, 3);
    size_t bytes;
    assert_int_equal(form_char_width(text, strlen(text), 0, &bytes), 2);
    assert_int_equal(bytes, 3);
    /* an invalid byte counts one column, one byte */
    assert_int_equal(form_char_width("\xff", 1, 0, &bytes), 1);
    assert_int_equal(bytes, 1);
}

/* Joins wrapped lines with single spaces: must give back the text. */
static void check_rejoins(const char *text, const FormWrapLine *lines, size_t count)
{
    char joined[512] = "";
    for (size_t i = 0; i < count; i++) {
        if (i)
            strcat(joined, " ");
        strncat(joined, text + lines[i].start, lines[i].length);
    }
    assert_string_equal(joined, text);
}

static void test_command_wrap_keeps_options_with_values(void **state)
{
    (void)state;
    const char *command = "virsh -c qemu+tcp://198.18.77.11/system migrate --live --p2p "
                          "--bandwidth 50 --dname 'new name here' vm1 "
                          "qemu+tcp://198.18.77.12/system";
    for (size_t width = 30; width <= 80; width += 5) {
        FormWrapLine lines[16];
        size_t count = form_wrap_rule(command, width, lines, 16, FORM_WRAP_COMMAND);
        assert_true(count >= 2 && count <= 16);
        check_rejoins(command, lines, count);
        for (size_t i = 0; i < count; i++) {
            char line[128];
            snprintf(line, sizeof(line), "%.*s", (int)lines[i].length,
                     command + lines[i].start);
            assert_true(strlen(line) <= width);
            /* an option never ends a line when its value starts the next
             * (once "-c URI" fits on a line at all) */
            const char *last = strrchr(line, ' ');
            last = last ? last + 1 : line;
            if (width >= 40 && i + 1 < count && last[0] == '-')
                assert_int_equal(command[lines[i + 1].start], '-');
            /* a quoted value is never split */
            size_t quotes = 0;
            for (const char *c = line; *c; c++)
                quotes += *c == '\'';
            assert_int_equal(quotes % 2, 0);
        }
    }
    /* the word rule would split "--bandwidth" from "50" at this width */
    const char *short_command = "migrate --bandwidth 50";
    FormWrapLine lines[4];
    assert_int_equal(form_wrap_rule(short_command, 19, lines, 4, FORM_WRAP_WORDS), 2);
    assert_int_equal(lines[0].length, 19);
    assert_int_equal(form_wrap_rule(short_command, 19, lines, 4, FORM_WRAP_COMMAND), 2);
    assert_int_equal(lines[0].length, 7);    /* "migrate" */
    /* with no break the rule allows, any space is used rather than a cut */
    assert_int_equal(form_wrap_rule("--bandwidth 50", 12, lines, 4, FORM_WRAP_COMMAND), 2);
    assert_int_equal(lines[0].length, 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typing_and_cursor),
        cmocka_unit_test(test_utf8_is_edited_whole),
        cmocka_unit_test(test_control_keys),
        cmocka_unit_test(test_wrap_breaks_at_spaces),
        cmocka_unit_test(test_wrap_cuts_long_words_and_honours_newlines),
        cmocka_unit_test(test_wrap_counts_display_columns),
        cmocka_unit_test(test_command_wrap_keeps_options_with_values),
    };
    return cmocka_run_group_tests(tests, utf8_locale, NULL);
}
