/* The --demo script parser: every command, key names, comments and blank
 * lines, and a clear "FILE:LINE: reason; fix" for each kind of mistake. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <curses.h>

#include "demo_script.h"

static void test_all_commands(void **state)
{
    (void)state;
    char *error = NULL;
    DemoScript *script = demo_script_parse(
        "# a walkthrough\n"
        "\n"
        "say  Watch the hot guest  \n"
        "wait 1.5\n"
        "keys m Down PgDn F10 Enter Esc BTab space\n"
        "type ab\n"
        "quit\n", "demo.txt", &error);
    assert_null(error);
    assert_non_null(script);
    assert_int_equal(demo_script_length(script), 1 + 1 + 8 + 2 + 1);
    const DemoStep *step = demo_script_next(script);
    assert_int_equal(step->kind, DEMO_SAY);
    assert_string_equal(step->text, "Watch the hot guest");
    step = demo_script_next(script);
    assert_int_equal(step->kind, DEMO_WAIT);
    assert_int_equal(step->wait_ms, 1500);
    struct { int key; bool function_key; } expected[] = {
        { 'm', false }, { KEY_DOWN, true }, { KEY_NPAGE, true }, { KEY_F(10), true },
        { '\r', false }, { 27, false }, { KEY_BTAB, true }, { ' ', false }, { 'a', false },
        { 'b', false },
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        step = demo_script_next(script);
        assert_int_equal(step->kind, DEMO_KEY);
        assert_int_equal(step->key, expected[i].key);
        assert_int_equal(step->function_key, expected[i].function_key);
    }
    step = demo_script_next(script);
    assert_int_equal(step->kind, DEMO_QUIT);
    assert_null(demo_script_next(script));
    assert_null(demo_script_next(script));
    demo_script_free(script);
    demo_script_free(NULL);
}

static void expect_error(const char *text, const char *fragment)
{
    char *error = NULL;
    DemoScript *script = demo_script_parse(text, "demo.txt", &error);
    assert_null(script);
    assert_non_null(error);
    if (!strstr(error, fragment))
        fail_msg("error '%s' lacks '%s'", error, fragment);
    free(error);
}

static void test_mistakes_say_where_and_how(void **state)
{
    (void)state;
    expect_error("say hi\n\nfly away\n", "demo.txt:3: unknown command 'fly'; use say");
    expect_error("wait\n", "demo.txt:1: wait needs a number of seconds");
    expect_error("wait -1\n", "between 0 and 3600");
    expect_error("wait 5000\n", "between 0 and 3600");
    expect_error("wait 2x\n", "e.g. 'wait 2.5'");
    expect_error("keys\n", "keys needs at least one key name");
    expect_error("keys Down Sideways\n", "unknown key 'Sideways'");
    expect_error("keys F13\n", "unknown key 'F13'");
    expect_error("type\n", "type needs the text");
    expect_error("quit now\n", "quit takes nothing");
}

static void test_missing_file(void **state)
{
    (void)state;
    char *error = NULL;
    assert_null(demo_script_load("/nonexistent/virtmig-demo", &error));
    assert_non_null(strstr(error, "/nonexistent/virtmig-demo"));
    free(error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_commands),
        cmocka_unit_test(test_mistakes_say_where_and_how),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
