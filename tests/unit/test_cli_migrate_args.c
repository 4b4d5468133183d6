/* virsh-style migrate flags -> MigrateOptions: every option lands in its
 * field, every malformed value is refused with a message naming the option,
 * and the implications settled by cli_migrate_args_finish() hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli_migrate_args.h"

/* ---- every option reaches its field ---------------------------------- */

typedef enum { T_BOOL, T_U64, T_UNSIGNED, T_INT, T_LLONG, T_STRING } FieldType;

typedef struct {
    const char *name, *value;
    size_t offset;
    FieldType type;
    unsigned long long expect_number;   /* bools: 1 or 0 */
    const char *expect_string;
} AcceptCase;

#define AT(member) offsetof(MigrateOptions, member)

static const AcceptCase accept_cases[] = {
    { "live", NULL, AT(live), T_BOOL, 1, NULL },
    { "no-live", NULL, AT(live), T_BOOL, 0, NULL },
    { "offline", NULL, AT(offline), T_BOOL, 1, NULL },
    { "p2p", NULL, AT(p2p), T_BOOL, 1, NULL },
    { "no-p2p", NULL, AT(p2p), T_BOOL, 0, NULL },
    { "direct", NULL, AT(direct), T_BOOL, 1, NULL },
    { "tunnelled", NULL, AT(tunnelled), T_BOOL, 1, NULL },
    { "persistent", NULL, AT(persistent), T_BOOL, 1, NULL },
    { "no-persistent", NULL, AT(persistent), T_BOOL, 0, NULL },
    { "undefinesource", NULL, AT(undefine_source), T_BOOL, 1, NULL },
    { "suspend", NULL, AT(suspend), T_BOOL, 1, NULL },
    { "change-protection", NULL, AT(change_protection), T_BOOL, 1, NULL },
    { "unsafe", NULL, AT(unsafe), T_BOOL, 1, NULL },
    { "abort-on-error", NULL, AT(abort_on_error), T_BOOL, 1, NULL },
    { "copy-storage-all", NULL, AT(copy_storage_all), T_BOOL, 1, NULL },
    { "copy-storage-inc", NULL, AT(copy_storage_inc), T_BOOL, 1, NULL },
    { "disks-port", "49153", AT(disks_port), T_INT, 49153, NULL },
    { "disks-port", "0", AT(disks_port), T_INT, 0, NULL },
    { "disks-uri", "tcp://10.0.0.2:49153", AT(disks_uri), T_STRING, 0, "tcp://10.0.0.2:49153" },
    { "postcopy", NULL, AT(postcopy), T_BOOL, 1, NULL },
    { "postcopy-bandwidth", "200", AT(postcopy_bandwidth_mibs), T_U64, 200, NULL },
    { "auto-converge", NULL, AT(auto_converge), T_BOOL, 1, NULL },
    { "auto-converge-initial", "20", AT(auto_converge_initial), T_INT, 20, NULL },
    { "auto-converge-increment", "100", AT(auto_converge_increment), T_INT, 100, NULL },
    { "bandwidth", "50", AT(bandwidth_mibs), T_U64, 50, NULL },
    { "bandwidth", "8796093022207", AT(bandwidth_mibs), T_U64, MIGRATE_BANDWIDTH_MAX_MIBS, NULL },
    { "max-downtime", "500", AT(max_downtime_ms), T_U64, 500, NULL },
    { "timeout", "30", AT(timeout_s), T_UNSIGNED, 30, NULL },
    { "compressed", NULL, AT(compressed), T_BOOL, 1, NULL },
    { "comp-mt-level", "9", AT(comp_mt_level), T_INT, 9, NULL },
    { "comp-mt-threads", "4", AT(comp_mt_threads), T_INT, 4, NULL },
    { "comp-mt-dthreads", "2", AT(comp_mt_dthreads), T_INT, 2, NULL },
    { "comp-xbzrle-cache", "67108864", AT(comp_xbzrle_cache), T_LLONG, 67108864, NULL },
    { "comp-zlib-level", "0", AT(comp_zlib_level), T_INT, 0, NULL },
    { "comp-zstd-level", "20", AT(comp_zstd_level), T_INT, 20, NULL },
    { "parallel", NULL, AT(parallel), T_BOOL, 1, NULL },
    { "parallel-connections", "4", AT(parallel_connections), T_INT, 4, NULL },
    { "zerocopy", NULL, AT(zerocopy), T_BOOL, 1, NULL },
    { "tls", NULL, AT(tls), T_BOOL, 1, NULL },
    { "tls-destination", "dest.example", AT(tls_destination), T_STRING, 0, "dest.example" },
    { "dname", "vm1-moved", AT(dname), T_STRING, 0, "vm1-moved" },
    { "xml", "/tmp/dest.xml", AT(dest_xml_path), T_STRING, 0, "/tmp/dest.xml" },
    { "persistent-xml", "/tmp/p.xml", AT(persistent_xml_path), T_STRING, 0, "/tmp/p.xml" },
    { "migrateuri", "tcp://198.18.77.12", AT(migrate_uri), T_STRING, 0, "tcp://198.18.77.12" },
    { "listen-address", "0.0.0.0", AT(listen_address), T_STRING, 0, "0.0.0.0" },
    { "graphicsuri", "spice://dest:5900", AT(graphics_uri), T_STRING, 0, "spice://dest:5900" },
};

static void check_field(const MigrateOptions *options, const AcceptCase *c)
{
    const char *field = (const char *)options + c->offset;
    switch (c->type) {
    case T_BOOL:
        assert_int_equal(*(const bool *)(const void *)field, c->expect_number != 0);
        break;
    case T_U64:
        assert_int_equal(*(const uint64_t *)(const void *)field, c->expect_number);
        break;
    case T_UNSIGNED:
        assert_int_equal(*(const unsigned *)(const void *)field, c->expect_number);
        break;
    case T_INT:
        assert_int_equal(*(const int *)(const void *)field, (int)c->expect_number);
        break;
    case T_LLONG:
        assert_int_equal(*(const long long *)(const void *)field, (long long)c->expect_number);
        break;
    case T_STRING:
        assert_non_null(*(char *const *)(const void *)field);
        assert_string_equal(*(char *const *)(const void *)field, c->expect_string);
        break;
    }
}

static void test_every_option_sets_its_field(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(accept_cases) / sizeof(accept_cases[0]); i++) {
        const AcceptCase *c = &accept_cases[i];
        CliMigrateArgs args;
        char error[256] = "";
        bool takes_value = !c->value;
        cli_migrate_args_init(&args);
        assert_true(cli_migrate_args_lookup(c->name, &takes_value));
        assert_int_equal(takes_value, c->value != NULL);
        if (cli_migrate_args_apply(&args, c->name, c->value, error, sizeof(error)) != 0)
            fail_msg("--%s %s refused: %s", c->name, c->value ? c->value : "", error);
        check_field(&args.options, c);
        cli_migrate_args_clear(&args);
    }
}

static void test_lists(void **state)
{
    (void)state;
    CliMigrateArgs args;
    char error[256];
    cli_migrate_args_init(&args);
    assert_int_equal(cli_migrate_args_apply(&args, "migrate-disks", "vda,vdb,sdc", error,
                                            sizeof(error)), 0);
    assert_int_equal(args.options.migrate_disks_count, 3);
    assert_string_equal(args.options.migrate_disks[0], "vda");
    assert_string_equal(args.options.migrate_disks[1], "vdb");
    assert_string_equal(args.options.migrate_disks[2], "sdc");
    assert_int_equal(cli_migrate_args_apply(&args, "comp-methods", "mt,xbzrle,zstd", error,
                                            sizeof(error)), 0);
    assert_int_equal(args.options.compression_methods,
                     COMPRESS_MT | COMPRESS_XBZRLE | COMPRESS_ZSTD);
    cli_migrate_args_clear(&args);

    cli_migrate_args_init(&args);
    assert_int_equal(cli_migrate_args_apply(&args, "comp-methods", "zlib", error,
                                            sizeof(error)), 0);
    assert_int_equal(args.options.compression_methods, COMPRESS_ZLIB);
    cli_migrate_args_clear(&args);
}

/* ---- bad values: refused, and the message names the option ------------ */

typedef struct {
    const char *name, *value;
    const char *expect_in_message;   /* a piece of the message that tells how to fix it */
} RejectCase;

static const RejectCase reject_cases[] = {
    { "bandwidth", "fast", "--bandwidth 'fast': expected a bandwidth in MiB/s" },
    { "bandwidth", "-5", "expected a bandwidth in MiB/s" },
    { "bandwidth", "+5", "expected a bandwidth in MiB/s" },
    { "bandwidth", " 5", "expected a bandwidth in MiB/s" },
    { "bandwidth", "5M", "expected a bandwidth in MiB/s" },
    { "bandwidth", "0", "--bandwidth 0: out of range" },
    { "bandwidth", "8796093022208", "out of range: give a bandwidth in MiB/s from 1 to 8796093022207" },
    { "bandwidth", "99999999999999999999999", "expected a bandwidth in MiB/s" },
    { "bandwidth", NULL, "--bandwidth needs a value: --bandwidth MIB/S" },
    { "bandwidth", "", "--bandwidth needs a value" },
    { "max-downtime", "1.5", "expected a time in milliseconds" },
    { "timeout", "0", "--timeout 0: out of range: give a time in seconds" },
    { "timeout", "4294967296", "out of range" },
    { "disks-port", "70000", "--disks-port 70000: out of range: give a TCP port from 0 to 65535" },
    { "auto-converge-initial", "101", "give a percentage of CPU time from 0 to 100" },
    { "comp-mt-level", "10", "give a compression level from 0 to 9" },
    { "comp-xbzrle-cache", "0", "give a size in bytes from 1" },
    { "comp-methods", "xbzrle,lz4", "unknown method 'lz4': use xbzrle, mt, zlib or zstd" },
    { "comp-methods", "xbzrle,", "unknown method ''" },
    { "migrate-disks", "vda,,vdb", "empty disk name" },
    { "migrate-disks", ",vda", "empty disk name" },
    { "live", "yes", "--live takes no value: drop '=yes'" },
    { "dname", "", "--dname needs a value: --dname NAME" },
    { "no-such-option", "1", "not a migrate option" },
};

static void test_bad_values_are_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(reject_cases) / sizeof(reject_cases[0]); i++) {
        const RejectCase *c = &reject_cases[i];
        CliMigrateArgs args;
        char error[256] = "";
        cli_migrate_args_init(&args);
        if (cli_migrate_args_apply(&args, c->name, c->value, error, sizeof(error)) != -1)
            fail_msg("--%s '%s' was accepted", c->name, c->value ? c->value : "(none)");
        if (!strstr(error, c->expect_in_message))
            fail_msg("--%s '%s': message \"%s\" lacks \"%s\"", c->name,
                     c->value ? c->value : "(none)", error, c->expect_in_message);
        cli_migrate_args_clear(&args);
    }
}

static void test_repeated_option_is_refused(void **state)
{
    (void)state;
    CliMigrateArgs args;
    char error[256];
    cli_migrate_args_init(&args);
    assert_int_equal(cli_migrate_args_apply(&args, "dname", "a", error, sizeof(error)), 0);
    assert_int_equal(cli_migrate_args_apply(&args, "dname", "b", error, sizeof(error)), -1);
    assert_string_equal(error, "--dname given twice: keep one");
    assert_string_equal(args.options.dname, "a");
    cli_migrate_args_clear(&args);
}

/* ---- what finish() settles -------------------------------------------- */

typedef struct {
    const char *options[6];        /* "name" or "name=value", NULL-terminated */
    int expect_rc;
    const char *expect_in_message; /* when expect_rc is -1 */
    int expect_live, expect_p2p;   /* -1: not checked */
    TimeoutAction expect_action;
} FinishCase;

static const FinishCase finish_cases[] = {
    { { NULL }, 0, NULL, 1, 1, TIMEOUT_ACTION_NONE },                 /* virtmig's defaults */
    { { "offline", NULL }, 0, NULL, 0, 1, TIMEOUT_ACTION_NONE },      /* offline drops live */
    { { "offline", "live", NULL }, 0, NULL, 1, 1, TIMEOUT_ACTION_NONE }, /* validation's call */
    { { "direct", NULL }, 0, NULL, 1, 0, TIMEOUT_ACTION_NONE },
    { { "direct", "p2p", NULL }, 0, NULL, 1, 1, TIMEOUT_ACTION_NONE },
    { { "no-p2p", NULL }, 0, NULL, 1, 0, TIMEOUT_ACTION_NONE },
    { { "timeout=30", NULL }, 0, NULL, -1, -1, TIMEOUT_ACTION_SUSPEND },
    { { "timeout=30", "timeout-postcopy", "postcopy", NULL }, 0, NULL, -1, -1,
      TIMEOUT_ACTION_POSTCOPY },
    { { "timeout-suspend", NULL }, -1, "--timeout-suspend needs --timeout SECONDS", -1, -1, 0 },
    { { "live", "no-live", NULL }, -1, "--live and --no-live contradict", -1, -1, 0 },
    { { "p2p", "no-p2p", NULL }, -1, "--p2p and --no-p2p contradict", -1, -1, 0 },
    { { "persistent", "no-persistent", NULL }, -1, "contradict", -1, -1, 0 },
    { { "postcopy-after-precopy", NULL }, -1, "--postcopy-after-precopy needs --postcopy",
      -1, -1, 0 },
};

static void test_finish_settles_implications(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(finish_cases) / sizeof(finish_cases[0]); i++) {
        const FinishCase *c = &finish_cases[i];
        CliMigrateArgs args;
        char error[256] = "";
        cli_migrate_args_init(&args);
        for (size_t k = 0; c->options[k]; k++) {
            char name[64];
            const char *equals = strchr(c->options[k], '=');
            snprintf(name, sizeof(name), "%.*s",
                     (int)(equals ? (size_t)(equals - c->options[k]) : strlen(c->options[k])),
                     c->options[k]);
            if (cli_migrate_args_apply(&args, name, equals ? equals + 1 : NULL, error,
                                       sizeof(error)) != 0)
                fail_msg("case %zu: --%s refused: %s", i, c->options[k], error);
        }
        int rc = cli_migrate_args_finish(&args, error, sizeof(error));
        if (rc != c->expect_rc)
            fail_msg("case %zu: finish returned %d (%s)", i, rc, error);
        if (rc == 0) {
            if (c->expect_live >= 0)
                assert_int_equal(args.options.live, c->expect_live);
            if (c->expect_p2p >= 0)
                assert_int_equal(args.options.p2p, c->expect_p2p);
            assert_int_equal(args.options.timeout_action, c->expect_action);
        } else if (!strstr(error, c->expect_in_message)) {
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, error, c->expect_in_message);
        }
        cli_migrate_args_clear(&args);
    }
}

static void test_postcopy_after_precopy_is_kept_aside(void **state)
{
    (void)state;
    CliMigrateArgs args;
    char error[256];
    cli_migrate_args_init(&args);
    assert_int_equal(cli_migrate_args_apply(&args, "postcopy", NULL, error, sizeof(error)), 0);
    assert_int_equal(cli_migrate_args_apply(&args, "postcopy-after-precopy", NULL, error,
                                            sizeof(error)), 0);
    assert_int_equal(cli_migrate_args_finish(&args, error, sizeof(error)), 0);
    assert_true(args.postcopy_after_precopy);
    assert_true(args.options.postcopy);
    cli_migrate_args_clear(&args);
}

static void test_help_lists_every_option(void **state)
{
    (void)state;
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    assert_non_null(out);
    cli_migrate_args_print_help(out);
    fclose(out);
    for (size_t i = 0; i < sizeof(accept_cases) / sizeof(accept_cases[0]); i++) {
        char needle[64];
        snprintf(needle, sizeof(needle), "--%s ", accept_cases[i].name);
        if (!strstr(text, needle))
            fail_msg("--help does not list --%s", accept_cases[i].name);
    }
    assert_non_null(strstr(text, "--migrate-disks DISK,..."));
    assert_non_null(strstr(text, "--postcopy-after-precopy "));
    free(text);
}

static void test_clear_accepts_null(void **state)
{
    (void)state;
    cli_migrate_args_clear(NULL);
    assert_false(cli_migrate_args_lookup("nope", NULL));
    assert_false(cli_migrate_args_lookup(NULL, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_option_sets_its_field),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_bad_values_are_refused),
        cmocka_unit_test(test_repeated_option_is_refused),
        cmocka_unit_test(test_finish_settles_implications),
        cmocka_unit_test(test_postcopy_after_precopy_is_kept_aside),
        cmocka_unit_test(test_help_lists_every_option),
        cmocka_unit_test(test_clear_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
