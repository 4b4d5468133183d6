/* virtmig's command line: each command and option parses to what it says,
 * options work before or after the command word, and every mistake gives one
 * message naming the argument and how to fix it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli_args.h"

#define MAX_ARGV 16

static int parse(CliArgs *args, const char *const words[], char *error, size_t size)
{
    char *argv[MAX_ARGV + 1] = { (char *)"virtmig" };
    int argc = 1;
    for (size_t i = 0; words[i]; i++) {
        assert_true(argc < MAX_ARGV);
        argv[argc++] = (char *)words[i];
    }
    return cli_args_parse(args, argc, argv, error, size);
}

/* ---- accepted command lines ------------------------------------------- */

typedef struct {
    const char *words[MAX_ARGV];
    CliCommand command;
    void (*check)(const CliArgs *args);   /* more checks, or NULL */
} AcceptCase;

static void check_console_defaults(const CliArgs *a)
{
    assert_int_equal(a->connect_count, 0);
    assert_false(a->lab);
    assert_null(a->hosts_file);
    assert_int_equal(a->refresh_ms, 0);
    assert_int_equal(a->wait_s, CLI_DEFAULT_WAIT_S);
    assert_false(a->help);
    assert_false(a->json);
}

static void check_two_uris(const CliArgs *a)
{
    assert_int_equal(a->connect_count, 2);
    assert_string_equal(a->connect_uris[0], "qemu+tcp://198.18.77.11/system");
    assert_string_equal(a->connect_uris[1], "qemu:///system");
}

static void check_console_options(const CliArgs *a)
{
    assert_true(a->lab);
    assert_string_equal(a->hosts_file, "/etc/h.conf");
    assert_string_equal(a->theme, "mono");
    assert_int_equal(a->refresh_ms, 250);
    assert_string_equal(a->journal_path, "/tmp/j.jsonl");
    assert_string_equal(a->demo_script, "tour");
}

static void check_list_json_wait(const CliArgs *a)
{
    assert_true(a->json);
    assert_int_equal(a->wait_s, 3);
    assert_true(a->lab);
}

static void check_migrate(const CliArgs *a)
{
    assert_string_equal(a->domain, "idle");
    assert_string_equal(a->from_host, "labhost1");
    assert_string_equal(a->to_host, "labhost2");
    assert_true(a->migrate.options.live);
    assert_true(a->migrate.options.p2p);
    assert_int_equal(a->migrate.options.bandwidth_mibs, 50);
    assert_int_equal(a->migrate.options.max_downtime_ms, 400);
    assert_true(a->migrate.options.postcopy);
}

static void check_preflight(const CliArgs *a)
{
    assert_true(a->preflight);
    assert_string_equal(a->domain, "idle");
}

static void check_migrate_offline(const CliArgs *a)
{
    assert_string_equal(a->domain, "vm-2");
    assert_true(a->migrate.options.offline);
    assert_false(a->migrate.options.live);
    assert_true(a->migrate.options.undefine_source);
    assert_false(a->migrate.options.p2p);
}

static void check_dash_domain(const CliArgs *a)
{
    assert_string_equal(a->domain, "-odd-name");
}

static void check_journal(const CliArgs *a)
{
    assert_int_equal(a->tail, 5);
    assert_true(a->json);
    assert_string_equal(a->journal_path, "/tmp/j");
}

static void check_help(const CliArgs *a)
{
    assert_true(a->help);
}

static void check_version(const CliArgs *a)
{
    assert_true(a->version);
}

static const AcceptCase accept_cases[] = {
    { { NULL }, CLI_COMMAND_CONSOLE, check_console_defaults },
    { { "-c", "qemu+tcp://198.18.77.11/system", "--connect=qemu:///system", NULL },
      CLI_COMMAND_CONSOLE, check_two_uris },
    { { "-cqemu+tcp://198.18.77.11/system", "--connect", "qemu:///system", NULL },
      CLI_COMMAND_CONSOLE, check_two_uris },
    { { "--lab", "--hosts", "/etc/h.conf", "--theme=mono", "--refresh", "250",
        "--journal", "/tmp/j.jsonl", "--demo", "tour", NULL },
      CLI_COMMAND_CONSOLE, check_console_options },
    { { "list", "--json", "--wait", "3", "--lab", NULL }, CLI_COMMAND_LIST,
      check_list_json_wait },
    { { "--lab", "--wait=3", "list", "--json", NULL }, CLI_COMMAND_LIST, check_list_json_wait },
    { { "migrate", "idle", "--from", "labhost1", "--to", "labhost2", "--bandwidth", "50",
        "--max-downtime=400", "--postcopy", NULL }, CLI_COMMAND_MIGRATE, check_migrate },
    { { "--from=labhost1", "--bandwidth", "50", "migrate", "--to", "labhost2", "idle",
        "--postcopy", "--max-downtime", "400", NULL }, CLI_COMMAND_MIGRATE, check_migrate },
    { { "migrate", "vm-2", "--offline", "--undefinesource", "--no-p2p", "--from", "a",
        "--to", "b", NULL }, CLI_COMMAND_MIGRATE, check_migrate_offline },
    { { "migrate", "--from", "a", "--to", "b", "--", "-odd-name", NULL }, CLI_COMMAND_MIGRATE,
      check_dash_domain },
    { { "migrate", "idle", "--preflight", "--from", "a", "--to", "b", NULL }, CLI_COMMAND_MIGRATE,
      check_preflight },
    { { "journal", "--tail", "5", "--json", "--journal", "/tmp/j", NULL }, CLI_COMMAND_JOURNAL,
      check_journal },
    { { "-h", NULL }, CLI_COMMAND_CONSOLE, check_help },
    { { "migrate", "--help", NULL }, CLI_COMMAND_MIGRATE, check_help },  /* no domain needed */
    { { "list", "--help", "--tail", "3", NULL }, CLI_COMMAND_LIST, check_help },
    { { "-V", NULL }, CLI_COMMAND_CONSOLE, check_version },
    { { "--version", NULL }, CLI_COMMAND_CONSOLE, check_version },
};

static void test_accepted_command_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(accept_cases) / sizeof(accept_cases[0]); i++) {
        const AcceptCase *c = &accept_cases[i];
        CliArgs args;
        char error[256] = "";
        if (parse(&args, c->words, error, sizeof(error)) != 0)
            fail_msg("case %zu refused: %s", i, error);
        assert_int_equal(args.command, c->command);
        if (c->check)
            c->check(&args);
        cli_args_clear(&args);
    }
}

/* ---- refused command lines: exact piece of the message ----------------- */

typedef struct {
    const char *words[MAX_ARGV];
    const char *expect_in_message;
} RejectCase;

static const RejectCase reject_cases[] = {
    { { "lsit", NULL }, "unknown command 'lsit': the commands are list, migrate and journal" },
    { { "--frobnicate", NULL }, "unknown option '--frobnicate'" },
    { { "-x", NULL }, "unknown option '-x'" },
    { { "-hV", NULL }, "write one option per argument" },
    { { "-c", NULL }, "-c needs a value: -c URI" },
    { { "--connect", NULL }, "--connect needs a value: --connect URI" },
    { { "--hosts=", NULL }, "--hosts needs a value" },
    { { "--lab=yes", NULL }, "--lab takes no value: drop '=yes'" },
    { { "--hosts", "a", "--hosts", "b", NULL }, "--hosts given twice: keep one" },
    { { "--refresh", "fast", NULL }, "--refresh 'fast': give the refresh period in milliseconds" },
    { { "--refresh", "10", NULL }, "from 100 to 60000" },
    { { "list", "--wait", "0", NULL }, "--wait '0': give how many seconds" },
    { { "list", "--wait", "-1", NULL }, "--wait '-1'" },
    { { "journal", "--tail", "x", NULL }, "--tail 'x': give how many of the latest entries" },
    { { "list", "--tail", "3", NULL }, "--tail does not apply to 'virtmig list'" },
    { { "journal", "--lab", NULL }, "--lab does not apply to 'virtmig journal'" },
    { { "list", "--theme", "mono", NULL }, "--theme does not apply to 'virtmig list'" },
    { { "--json", NULL }, "--json needs a command: it applies to 'virtmig list', "
                           "'virtmig migrate' or 'virtmig journal'" },
    { { "--from", "a", NULL }, "--from needs a command: it applies to 'virtmig migrate'" },
    { { "list", "--bandwidth", "5", NULL }, "--bandwidth is a migrate option" },
    { { "list", "--preflight", NULL }, "--preflight does not apply to 'virtmig list'" },
    { { "--live", NULL }, "--live is a migrate option" },
    { { "list", "extra", NULL }, "unexpected argument 'extra': virtmig list takes no arguments" },
    { { "migrate", NULL }, "virtmig migrate: which domain?" },
    { { "migrate", "vm", "--to", "b", NULL }, "--from is missing: name the source host" },
    { { "migrate", "vm", "--from", "a", NULL }, "--to is missing: name the destination host" },
    { { "migrate", "vm", "--from", "a", "--to", "a", NULL },
      "--from and --to both name 'a': the destination must be another host" },
    { { "migrate", "vm", "other", "--from", "a", "--to", "b", NULL },
      "unexpected argument 'other': virtmig migrate takes one domain ('vm' already)" },
    { { "migrate", "vm", "--from", "a", "--to", "b", "--bandwidth", "lots", NULL },
      "--bandwidth 'lots': expected a bandwidth in MiB/s" },
    { { "migrate", "vm", "--from", "a", "--to", "b", "--bandwidth", NULL },
      "--bandwidth needs a value" },
    { { "migrate", "vm", "--from", "a", "--to", "b", "--live", "--no-live", NULL },
      "--live and --no-live contradict" },
    { { "migrate", "vm", "--from", "a", "--to", "b", "--timeout-postcopy", NULL },
      "--timeout-postcopy needs --timeout SECONDS" },
    { { "migrate", "vm", "--from", "a", "--to", "b", "--postcopy-after-precopy", NULL },
      "--postcopy-after-precopy needs --postcopy" },
    { { "migrate", "vm", "--from", "a", "--to", "b", "--comp-methods=gzip", NULL },
      "unknown method 'gzip'" },
    { { "migrate", "vm", "--from", "a", "--to", "b", "--p2p", "--p2p", NULL },
      "--p2p given twice" },
};

static void test_refused_command_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(reject_cases) / sizeof(reject_cases[0]); i++) {
        const RejectCase *c = &reject_cases[i];
        CliArgs args;
        char error[256] = "";
        if (parse(&args, c->words, error, sizeof(error)) != -1)
            fail_msg("case %zu (%s ...) was accepted", i, c->words[0]);
        if (!strstr(error, c->expect_in_message))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, error, c->expect_in_message);
        cli_args_clear(&args);
    }
}

/* ---- paths from the environment ---------------------------------------- */

static void test_default_hosts_path(void **state)
{
    (void)state;
    static const struct {
        const char *xdg, *home, *expect;
    } cases[] = {
        { "/cfg", "/home/u", "/cfg/virtmig/hosts.conf" },
        { NULL, "/home/u", "/home/u/.config/virtmig/hosts.conf" },
        { "", "/home/u", "/home/u/.config/virtmig/hosts.conf" },
        { "relative", "/home/u", "/home/u/.config/virtmig/hosts.conf" },  /* XDG: ignore */
        { NULL, NULL, NULL },
        { NULL, "", NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *path = cli_default_hosts_path(cases[i].xdg, cases[i].home);
        if (cases[i].expect) {
            assert_non_null(path);
            assert_string_equal(path, cases[i].expect);
        } else {
            assert_null(path);
        }
        free(path);
    }
}

static void test_lab_hosts_path(void **state)
{
    (void)state;
    static const struct {
        const char *env_hosts, *instance, *expect, *expect_error;
    } cases[] = {
        { NULL, NULL, "/run/virtmig-lab0/hosts.conf", NULL },
        { NULL, "", "/run/virtmig-lab0/hosts.conf", NULL },
        { NULL, "4", "/run/virtmig-lab4/hosts.conf", NULL },
        { "/tmp/my-lab.conf", "4", "/tmp/my-lab.conf", NULL },
        { NULL, "8", NULL, "LAB_INSTANCE='8': the lab instance is a number from 0 to 7" },
        { NULL, "12", NULL, "LAB_INSTANCE='12'" },
        { NULL, "x", NULL, "LAB_INSTANCE='x'" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char error[256] = "";
        char *path = cli_lab_hosts_path(cases[i].env_hosts, cases[i].instance, error,
                                        sizeof(error));
        if (cases[i].expect) {
            assert_non_null(path);
            assert_string_equal(path, cases[i].expect);
        } else {
            assert_null(path);
            assert_non_null(strstr(error, cases[i].expect_error));
        }
        free(path);
    }
}

/* ---- help ------------------------------------------------------------- */

static char *usage_text(CliCommand command)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    assert_non_null(out);
    cli_print_usage(out, command);
    fclose(out);
    return text;
}

static void test_usage_names_each_commands_options(void **state)
{
    (void)state;
    static const struct {
        CliCommand command;
        const char *needles[6];
    } cases[] = {
        { CLI_COMMAND_CONSOLE, { "virtmig list", "virtmig migrate DOMAIN", "--theme NAME",
                                 "--lab", "--connect URI", NULL } },
        { CLI_COMMAND_LIST, { "Usage: virtmig list", "--json", "--wait SECONDS", "--hosts FILE",
                              NULL } },
        { CLI_COMMAND_MIGRATE, { "--from HOST --to HOST", "--bandwidth MIB/S",
                                 "--max-downtime MS", "--no-p2p", "--postcopy-after-precopy",
                                 NULL } },
        { CLI_COMMAND_JOURNAL, { "Usage: virtmig journal", "--tail N", "--json", NULL } },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = usage_text(cases[i].command);
        for (size_t k = 0; cases[i].needles[k]; k++)
            if (!strstr(text, cases[i].needles[k]))
                fail_msg("'%s' help lacks \"%s\"", cli_command_name(cases[i].command),
                         cases[i].needles[k]);
        free(text);
    }
    assert_string_equal(cli_command_name(CLI_COMMAND_JOURNAL), "journal");
}

static void test_clear_accepts_null(void **state)
{
    (void)state;
    cli_args_clear(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted_command_lines),
        cmocka_unit_test(test_refused_command_lines),
        cmocka_unit_test(test_default_hosts_path),
        cmocka_unit_test(test_lab_hosts_path),
        cmocka_unit_test(test_usage_names_each_commands_options),
        cmocka_unit_test(test_clear_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
