/* The key table: every action is reachable by a key and described for the
 * help screen, no key is bound twice, remedies map to the keys that apply
 * them, and the generated help lists every action with its keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <curses.h>

#include "keys.h"

static void test_every_action_has_a_key_and_words(void **state)
{
    (void)state;
    size_t count;
    const KeyBinding *bindings = keys_bindings(&count);
    for (int action = 0; action < KEY_ACTION_COUNT; action++) {
        const KeyActionInfo *info = keys_action_info((KeyAction)action);
        assert_non_null(info);
        assert_int_equal(info->action, action);
        assert_non_null(info->handler);
        assert_non_null(info->description);
        assert_true(strlen(info->description) > 5);
        bool bound = false;
        for (size_t i = 0; i < count; i++)
            bound = bound || bindings[i].action == (KeyAction)action;
        assert_true(bound);
        assert_true(strlen(keys_label_for((KeyAction)action)) > 0);
    }
    assert_null(keys_action_info(KEY_ACTION_COUNT));
}

static void test_no_key_bound_twice(void **state)
{
    (void)state;
    size_t count;
    const KeyBinding *bindings = keys_bindings(&count);
    for (size_t i = 0; i < count; i++) {
        for (size_t j = i + 1; j < count; j++)
            assert_false(bindings[i].key == bindings[j].key &&
                         bindings[i].function_key == bindings[j].function_key);
        assert_int_equal(keys_lookup(bindings[i].key, bindings[i].function_key),
                         bindings[i].action);
    }
    /* Unbound keys and a character vs the same code as a function key. */
    assert_int_equal(keys_lookup('Z', false), KEY_ACTION_COUNT);
    assert_int_equal(keys_lookup('m', true), KEY_ACTION_COUNT);
    assert_int_equal(keys_lookup('\n', false), KEY_ACTION_MIGRATE);
}

static void test_documented_keys(void **state)
{
    (void)state;
    /* The keys the man page and the footer promise. */
    assert_int_equal(keys_lookup('q', false), KEY_ACTION_QUIT);
    assert_int_equal(keys_lookup(KEY_F(10), true), KEY_ACTION_QUIT);
    assert_int_equal(keys_lookup(KEY_F(1), true), KEY_ACTION_HELP);
    assert_int_equal(keys_lookup('m', false), KEY_ACTION_MIGRATE);
    assert_int_equal(keys_lookup('a', false), KEY_ACTION_ABORT);
    assert_int_equal(keys_lookup('P', false), KEY_ACTION_POSTCOPY);
    assert_int_equal(keys_lookup('/', false), KEY_ACTION_FILTER);
    assert_string_equal(keys_label_for(KEY_ACTION_MIGRATE), "m");
    assert_string_equal(keys_label_for(KEY_ACTION_HELP), "?");
}

static void test_remedy_keys(void **state)
{
    (void)state;
    assert_string_equal(keys_label_for_remedy(REMEDY_SWITCH_TO_POSTCOPY), "P");
    assert_string_equal(keys_label_for_remedy(REMEDY_RAISE_MAX_DOWNTIME), "d");
    assert_string_equal(keys_label_for_remedy(REMEDY_RAISE_BANDWIDTH), "b");
    assert_string_equal(keys_label_for_remedy(REMEDY_SUSPEND_GUEST), "s");
    assert_string_equal(keys_label_for_remedy(REMEDY_ABORT), "a");
    /* Auto-converge can only be chosen at launch: no key. */
    assert_null(keys_label_for_remedy(REMEDY_AUTO_CONVERGE));
}

static void test_help_lists_every_action(void **state)
{
    (void)state;
    char **lines;
    size_t count = keys_help_lines(&lines);
    assert_true(count >= KEY_ACTION_COUNT);
    for (int action = 0; action < KEY_ACTION_COUNT; action++) {
        const char *description = keys_action_info((KeyAction)action)->description;
        bool found = false;
        for (size_t i = 0; i < count; i++)
            found = found || strstr(lines[i], description) != NULL;
        assert_true(found);
    }
    bool quit_keys = false;
    for (size_t i = 0; i < count; i++)
        quit_keys = quit_keys || (strstr(lines[i], "q F10") && strstr(lines[i], "quit"));
    assert_true(quit_keys);
    keys_free_lines(lines, count);
    keys_free_lines(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_action_has_a_key_and_words),
        cmocka_unit_test(test_no_key_bound_twice),
        cmocka_unit_test(test_documented_keys),
        cmocka_unit_test(test_remedy_keys),
        cmocka_unit_test(test_help_lists_every_action),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
