/* The console's modal dialogs, driven one key at a time as the console loop
 * does, and drawn onto a real curses screen (on /dev/null) that is read back:
 * answers, inline refusals with their reason, hidden credentials, scrolling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"

static SCREEN *screen;
static FILE *screen_out, *screen_in;
static WINDOW *window;   /* 24x80, stands for the whole screen */

static int setup_screen(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    screen_out = fopen("/dev/null", "w");
    screen_in = fopen("/dev/null", "r");
    if (!screen_out || !screen_in)
        return -1;
    screen = newterm("xterm", screen_out, screen_in);
    if (!screen)
        return -1;
    window = newwin(24, 80, 0, 0);
    return window ? 0 : -1;
}

static int teardown_screen(void **state)
{
    (void)state;
    delwin(window);
    endwin();
    delscreen(screen);
    fclose(screen_out);
    fclose(screen_in);
    return 0;
}

static char *drawn(Dialog *dialog)
{
    werase(window);
    dialog_draw(dialog, window);
    static char text[24 * (80 * 4 + 1) + 1];
    char *end = text;
    for (int y = 0; y < 24; y++) {
        wchar_t line[81];
        mvwinnwstr(window, y, 0, line, 80);
        size_t bytes = wcstombs(end, line, 80 * 4);
        assert_true(bytes != (size_t)-1);
        end += bytes;
        *end++ = '\n';
    }
    *end = '\0';
    return text;
}

static bool shows(Dialog *dialog, const char *part)
{
    char *text = drawn(dialog);
    if (strstr(text, part))
        return true;
    fprintf(stderr, "\"%s\" not drawn in:\n%s", part, text);
    return false;
}

static void type(Dialog *dialog, const char *text)
{
    for (; *text; text++)
        assert_int_equal(dialog_handle_key(dialog, (unsigned char)*text, false), DIALOG_CONTINUE);
}

static DialogResult enter(Dialog *dialog)
{
    return dialog_handle_key(dialog, '\n', false);
}

static void test_confirm_defaults_to_no(void **state)
{
    (void)state;
    Dialog *dialog = dialog_confirm_new("Abort migration", "Abort the migration of vm1? "
                                        "The guest keeps running on labhost1.", "Abort",
                                        "Keep going");
    assert_non_null(dialog);
    assert_true(shows(dialog, "Abort migration"));
    assert_true(shows(dialog, "The guest keeps running"));
    assert_true(shows(dialog, "[ Abort ]"));
    assert_true(shows(dialog, "[ Keep going ]"));
    /* a stray Enter never confirms */
    assert_int_equal(enter(dialog), DIALOG_CANCELLED);
    assert_int_equal(dialog_handle_key(dialog, '\t', false), DIALOG_CONTINUE);
    assert_int_equal(enter(dialog), DIALOG_ACCEPTED);
    assert_int_equal(dialog_handle_key(dialog, KEY_LEFT, true), DIALOG_CONTINUE);
    assert_int_equal(dialog_handle_key(dialog, KEY_ENTER, true), DIALOG_CANCELLED);
    assert_int_equal(dialog_handle_key(dialog, 'y', false), DIALOG_ACCEPTED);
    assert_int_equal(dialog_handle_key(dialog, 'n', false), DIALOG_CANCELLED);
    assert_int_equal(dialog_handle_key(dialog, 27, false), DIALOG_CANCELLED);
    assert_int_equal(dialog_handle_key(dialog, KEY_RESIZE, true), DIALOG_CONTINUE);
    dialog_free(dialog);
}

static void test_number_with_units(void **state)
{
    (void)state;
    Dialog *dialog = dialog_number_new("Bandwidth", "New bandwidth limit for vm1",
                                       DIALOG_NUMBER_MIBS, 1, 1024, NULL);
    assert_non_null(dialog);
    assert_true(shows(dialog, "New bandwidth limit for vm1"));
    assert_true(shows(dialog, "MiB/s"));
    type(dialog, "50M");
    assert_int_equal(enter(dialog), DIALOG_ACCEPTED);
    assert_int_equal(dialog_number_value(dialog), 50);
    assert_string_equal(dialog_text_value(dialog), "50M");
    dialog_free(dialog);

    dialog = dialog_number_new("Max downtime", "Max downtime", DIALOG_NUMBER_MS, 1, 2000000,
                               "300");
    assert_int_equal(enter(dialog), DIALOG_ACCEPTED);
    assert_int_equal(dialog_number_value(dialog), 300);
    dialog_handle_key(dialog, 21, false);   /* Ctrl-U clears */
    type(dialog, "2s");
    assert_int_equal(enter(dialog), DIALOG_ACCEPTED);
    assert_int_equal(dialog_number_value(dialog), 2000);
    dialog_free(dialog);

    dialog = dialog_number_new("Cache", "xbzrle cache", DIALOG_NUMBER_BYTES, 4096,
                               UINT64_MAX, "64M");
    assert_int_equal(enter(dialog), DIALOG_ACCEPTED);
    assert_int_equal(dialog_number_value(dialog), 64ull * 1024 * 1024);
    dialog_free(dialog);

    dialog = dialog_number_new("Timeout", "Timeout", DIALOG_NUMBER_SECONDS, 1, 86400, "2m");
    assert_int_equal(enter(dialog), DIALOG_ACCEPTED);
    assert_int_equal(dialog_number_value(dialog), 120);
    dialog_free(dialog);
}

static void test_number_refusals_are_inline(void **state)
{
    (void)state;
    Dialog *dialog = dialog_number_new("Bandwidth", "New bandwidth limit",
                                       DIALOG_NUMBER_MIBS, 1, 100, NULL);
    type(dialog, "fast");
    assert_int_equal(enter(dialog), DIALOG_CONTINUE);
    assert_true(shows(dialog, "! "));
    assert_true(shows(dialog, "fast"));
    /* editing clears the old refusal */
    for (int i = 0; i < 4; i++)
        dialog_handle_key(dialog, KEY_BACKSPACE, true);
    assert_false(strstr(drawn(dialog), "! "));
    type(dialog, "200");
    assert_int_equal(enter(dialog), DIALOG_CONTINUE);
    assert_true(shows(dialog, "out of range"));
    assert_true(shows(dialog, "from 1 MiB/s to 100 MiB/s"));
    assert_int_equal(dialog_handle_key(dialog, 27, false), DIALOG_CANCELLED);
    dialog_free(dialog);

    dialog = dialog_number_new("Connections", "Parallel connections", DIALOG_NUMBER_PLAIN,
                               1, 255, NULL);
    type(dialog, "1x");
    assert_int_equal(enter(dialog), DIALOG_CONTINUE);
    assert_true(shows(dialog, "not a whole number"));
    dialog_handle_key(dialog, KEY_BACKSPACE, true);
    type(dialog, "6");
    assert_int_equal(enter(dialog), DIALOG_ACCEPTED);
    assert_int_equal(dialog_number_value(dialog), 16);
    dialog_free(dialog);
}

static void test_secret_is_hidden_and_returned(void **state)
{
    (void)state;
    Dialog *dialog = dialog_secret_new("labhost3: credentials", "Password for root:", true);
    assert_non_null(dialog);
    type(dialog, "s3cret");
    assert_true(shows(dialog, "Password for root:"));
    assert_true(shows(dialog, "******"));
    assert_null(strstr(drawn(dialog), "s3cret"));
    assert_int_equal(enter(dialog), DIALOG_ACCEPTED);
    assert_string_equal(dialog_text_value(dialog), "s3cret");
    dialog_free(dialog);

    dialog = dialog_secret_new("labhost3: credentials", "Username:", false);
    type(dialog, "root");
    assert_true(shows(dialog, "root"));
    assert_int_equal(dialog_handle_key(dialog, 27, false), DIALOG_CANCELLED);
    dialog_free(dialog);
}

static void test_message(void **state)
{
    (void)state;
    Dialog *dialog = dialog_message_new("Launch refused", "labhost2 is not connected.");
    assert_true(shows(dialog, "Launch refused"));
    assert_true(shows(dialog, "labhost2 is not connected."));
    assert_true(shows(dialog, "[ OK ]"));
    assert_int_equal(dialog_handle_key(dialog, 'x', false), DIALOG_CONTINUE);
    assert_int_equal(enter(dialog), DIALOG_ACCEPTED);
    assert_int_equal(dialog_handle_key(dialog, 27, false), DIALOG_CANCELLED);
    dialog_free(dialog);
}

static void test_viewer_scrolls_and_follows(void **state)
{
    (void)state;
    char storage[120][32];
    const char *lines[120];
    for (int i = 0; i < 120; i++) {
        snprintf(storage[i], sizeof(storage[i]), "journal line %d", i + 1);
        lines[i] = storage[i];
    }
    Dialog *dialog = dialog_viewer_new("Journal", lines, 100);
    assert_non_null(dialog);
    assert_true(shows(dialog, "journal line 1 "));
    assert_null(strstr(drawn(dialog), "journal line 50 "));
    assert_true(shows(dialog, "of 100"));
    dialog_handle_key(dialog, KEY_END, true);
    assert_true(shows(dialog, "journal line 100"));
    assert_null(strstr(drawn(dialog), "journal line 1 "));
    /* at the end, new lines keep it at the end */
    assert_int_equal(dialog_viewer_set_lines(dialog, lines, 120), 0);
    assert_true(shows(dialog, "journal line 120"));
    dialog_handle_key(dialog, KEY_HOME, true);
    assert_true(shows(dialog, "journal line 1 "));
    dialog_handle_key(dialog, KEY_NPAGE, true);
    assert_null(strstr(drawn(dialog), "journal line 1 "));
    dialog_handle_key(dialog, KEY_PPAGE, true);
    assert_true(shows(dialog, "journal line 1 "));
    /* up at the top stays there */
    dialog_handle_key(dialog, KEY_UP, true);
    assert_true(shows(dialog, "journal line 1 "));
    assert_int_equal(dialog_handle_key(dialog, 'q', false), DIALOG_CANCELLED);
    dialog_free(dialog);

    /* a long line wraps instead of being cut */
    char long_line[300];
    memset(long_line, 'a', sizeof(long_line) - 1);
    long_line[sizeof(long_line) - 1] = '\0';
    memcpy(long_line + 280, "THE-END", 7);
    const char *one[] = { long_line };
    dialog = dialog_viewer_new("Help", one, 1);
    assert_true(shows(dialog, "THE-END"));
    dialog_free(dialog);
}

static void test_null_is_safe(void **state)
{
    (void)state;
    dialog_free(NULL);
    assert_int_equal(dialog_handle_key(NULL, 'y', false), DIALOG_CANCELLED);
    dialog_draw(NULL, window);
    assert_int_equal(dialog_number_value(NULL), 0);
    assert_string_equal(dialog_text_value(NULL), "");
    assert_int_equal(dialog_viewer_set_lines(NULL, NULL, 0), -1);
}

/* Every kind of dialog, fed pseudo-random keys and drawn after each on
 * screens from tiny to wide: nothing breaks under ASan/UBSan. */
static void test_random_keys_and_tiny_screens(void **state)
{
    (void)state;
    static const int sizes[][2] = { { 3, 8 }, { 6, 20 }, { 24, 80 }, { 50, 200 } };
    static const int function_keys[] = { KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_NPAGE,
                                         KEY_PPAGE, KEY_HOME, KEY_END, KEY_BACKSPACE, KEY_DC,
                                         KEY_BTAB, KEY_RESIZE };
    static const int characters[] = { 'a', '5', 'M', ' ', '\t', 'j', 'k', 'g', 'G', 21, 0x4e2d };
    const char *lines[] = { "one", "", "a much longer line that wraps on a small screen", "x" };
    WINDOW *windows[4];
    for (int i = 0; i < 4; i++)
        windows[i] = newwin(sizes[i][0], sizes[i][1], 0, 0);
    Dialog *dialogs[] = {
        dialog_confirm_new("Confirm", "A question\nwith two lines?", "Yes", "No"),
        dialog_number_new("Number", "A number", DIALOG_NUMBER_MS, 0, 1000, "5"),
        dialog_secret_new("Secret", "Password:", true),
        dialog_message_new("Message", "Something happened."),
        dialog_viewer_new("Viewer", lines, 4),
    };
    unsigned seed = 99;
    for (int step = 0; step < 3000; step++) {
        seed = seed * 1103515245u + 12345u;
        Dialog *dialog = dialogs[(seed >> 8) % 5];
        if ((seed >> 12) % 2)
            dialog_handle_key(dialog, function_keys[(seed >> 16) % 12], true);
        else
            dialog_handle_key(dialog, characters[(seed >> 16) % 11], false);
        WINDOW *screen_part = windows[(seed >> 20) % 4];
        werase(screen_part);
        dialog_draw(dialog, screen_part);
    }
    for (size_t i = 0; i < sizeof(dialogs) / sizeof(dialogs[0]); i++)
        dialog_free(dialogs[i]);
    for (int i = 0; i < 4; i++)
        delwin(windows[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confirm_defaults_to_no),
        cmocka_unit_test(test_number_with_units),
        cmocka_unit_test(test_number_refusals_are_inline),
        cmocka_unit_test(test_secret_is_hidden_and_returned),
        cmocka_unit_test(test_message),
        cmocka_unit_test(test_viewer_scrolls_and_follows),
        cmocka_unit_test(test_null_is_safe),
        cmocka_unit_test(test_random_keys_and_tiny_screens),
    };
    return cmocka_run_group_tests(tests, setup_screen, teardown_screen);
}
