/* `virtmig migrate --assistant LADDER`: the ladder's syntax is checked when
 * the option is read, its fit with the launch (a post-copy step needs
 * --postcopy) once every option is in; the text is kept as given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli_migrate_args.h"

static void test_assistant_option(void **state)
{
    (void)state;
    bool takes_value = false;
    assert_true(cli_migrate_args_lookup("assistant", &takes_value));
    assert_true(takes_value);

    CliMigrateArgs args;
    char error[512];
    cli_migrate_args_init(&args);
    assert_int_equal(cli_migrate_args_apply(&args, "assistant", "post-copy", error,
                                            sizeof(error)), 0);
    assert_string_equal(args.assistant, "post-copy");
    /* Without --postcopy the post-copy ladder cannot run: said with the fix. */
    assert_int_equal(cli_migrate_args_finish(&args, error, sizeof(error)), -1);
    assert_non_null(strstr(error, "--assistant: step 2 switches to post-copy"));
    assert_non_null(strstr(error, "add --postcopy"));
    assert_int_equal(cli_migrate_args_apply(&args, "postcopy", NULL, error, sizeof(error)), 0);
    assert_int_equal(cli_migrate_args_finish(&args, error, sizeof(error)), 0);
    cli_migrate_args_clear(&args);

    cli_migrate_args_init(&args);
    assert_int_equal(cli_migrate_args_apply(&args, "assistant", "downtime 1s after 2; "
                                            "suspend after soon", error, sizeof(error)), -1);
    assert_string_equal(error, "--assistant: step 2: \"after soon\" needs a whole number of "
                               "iterations from 1 to 1000");
    assert_null(args.assistant);
    assert_int_equal(cli_migrate_args_apply(&args, "assistant", "minimal-downtime", error,
                                            sizeof(error)), 0);
    assert_int_equal(cli_migrate_args_finish(&args, error, sizeof(error)), 0);
    cli_migrate_args_clear(&args);
    cli_migrate_args_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assistant_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
