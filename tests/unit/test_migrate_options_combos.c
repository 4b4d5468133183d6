/* migrate_options: combinations that must pass validation (no problem at all),
 * defaults, copy/clear ownership under ASan, problem counting, version gating
 * bounds and field names. The rule-by-rule table is test_migrate_options.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "migrate_options.h"
#include "support/migrate_options_fixtures.h"

/* ---- combinations that must pass --------------------------------------- */

static void valid_defaults(MigrateOptions *o, MigrateContext *c) { (void)o; (void)c; }
static void valid_defaults_9_0(MigrateOptions *o, MigrateContext *c)
{ (void)o; c->source_libvirt_version = V(9, 0, 0); }
static void valid_postcopy_tuned(MigrateOptions *o, MigrateContext *c)
{
    c->source_libvirt_version = V(9, 0, 0);
    o->postcopy = true;
    o->postcopy_bandwidth_mibs = 200;
    o->auto_converge = true;
    o->auto_converge_initial = 20;
    o->auto_converge_increment = 10;
    o->bandwidth_mibs = MIGRATE_BANDWIDTH_MAX_MIBS;
    o->max_downtime_ms = 2000000;
    o->timeout_s = 60;
    o->timeout_action = TIMEOUT_ACTION_POSTCOPY;
    o->abort_on_error = true;
    o->change_protection = true;
    o->unsafe = true;
}
static void valid_compression_mt_xbzrle(MigrateOptions *o, MigrateContext *c)
{
    c->source_libvirt_version = V(9, 0, 0);
    o->compressed = true;
    o->compression_methods = COMPRESS_MT | COMPRESS_XBZRLE;
    o->comp_mt_level = 9;
    o->comp_mt_threads = 255;
    o->comp_mt_dthreads = 1;
    o->comp_xbzrle_cache = 64ll << 20;
}
static void valid_default_xbzrle_cache(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->compressed = true; o->compression_methods = COMPRESS_XBZRLE; o->comp_xbzrle_cache = 4096; }
static void valid_parallel_zstd_9_4(MigrateOptions *o, MigrateContext *c)
{
    c->source_libvirt_version = V(9, 4, 0);
    o->parallel = true;
    o->parallel_connections = 255;
    o->compressed = true;
    o->compression_methods = COMPRESS_ZSTD;
    o->comp_zstd_level = 20;
}
static void valid_parallel_zerocopy(MigrateOptions *o, MigrateContext *c)
{ c->source_libvirt_version = V(9, 0, 0); o->parallel = true; o->parallel_connections = 1; o->zerocopy = true; }
static void valid_zerocopy_on_8_5(MigrateOptions *o, MigrateContext *c)
{ c->source_libvirt_version = V(8, 5, 0); o->parallel = true; o->zerocopy = true; }
static void valid_tls(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tls = true; set(&o->tls_destination, "labhost2.example"); }
static void valid_copy_storage(MigrateOptions *o, MigrateContext *c)
{
    c->source_libvirt_version = V(9, 0, 0);
    o->copy_storage_all = true;
    set_disks(o, "vda", "vdb");
    o->disks_port = 49200;
}
static void valid_copy_storage_inc_disks_uri(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_inc = true; set(&o->disks_uri, "tcp://[fd00::2]:49200"); }
static void valid_offline(MigrateOptions *o, MigrateContext *c)
{
    c->domain_active = false;
    o->live = false;
    o->offline = true;
    o->undefine_source = true;
}
static void valid_offline_of_running(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->live = false; o->offline = true; }
static void valid_non_live(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->live = false; o->suspend = true; }
static void valid_client_managed_tunnel_free(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->p2p = false; }
static void valid_tunnelled(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->tunnelled = true; o->compressed = true; }
static void valid_addresses(MigrateOptions *o, MigrateContext *c)
{
    (void)c;
    set(&o->migrate_uri, "tcp://198.18.77.12:49152");
    set(&o->listen_address, "::");
    set(&o->graphics_uri, "spice://labhost2.example:5900/?tlsPort=5901");
}
static void valid_rdma(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->migrate_uri, "rdma://[fd00::2]"); set(&o->listen_address, "labhost2"); }
static void valid_unix_everything(MigrateOptions *o, MigrateContext *c)
{
    (void)c;
    set(&o->migrate_uri, "unix:///run/virtmig/mig.sock");
    o->copy_storage_all = true;
    set(&o->disks_uri, "unix:///run/virtmig/disks.sock");
}
static void valid_xml_files(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->dest_xml_path, good_xml); set(&o->persistent_xml_path, good_xml); }
static void valid_dname_with_xml(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->dname, "vm1-new"); set(&o->dest_xml_path, renamed_xml); }
static void valid_dname_keeps_old_name_in_xml(MigrateOptions *o, MigrateContext *c)
{ (void)c; set(&o->dname, "vm1 copy"); set(&o->dest_xml_path, good_xml); }
static void valid_timeout_suspend(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->timeout_s = 1; o->timeout_action = TIMEOUT_ACTION_SUSPEND; }
static void valid_disks_port_zero(MigrateOptions *o, MigrateContext *c)
{ (void)c; o->copy_storage_all = true; o->disks_port = 0; }

typedef struct {
    const char *name;
    Mutate mutate;
} ValidRow;

static const ValidRow valid_rows[] = {
    {"defaults", valid_defaults},
    {"defaults on libvirt 9.0", valid_defaults_9_0},
    {"post-copy fully tuned", valid_postcopy_tuned},
    {"mt and xbzrle compression", valid_compression_mt_xbzrle},
    {"xbzrle named, with the smallest cache", valid_default_xbzrle_cache},
    {"parallel zstd on 9.4", valid_parallel_zstd_9_4},
    {"parallel zero-copy", valid_parallel_zerocopy},
    {"zero-copy on exactly libvirt 8.5.0", valid_zerocopy_on_8_5},
    {"tls with destination", valid_tls},
    {"copy storage with disks and port", valid_copy_storage},
    {"copy storage inc with IPv6 disks uri", valid_copy_storage_inc_disks_uri},
    {"offline of a shut-off domain", valid_offline},
    {"offline of a running domain", valid_offline_of_running},
    {"non-live, paused on arrival", valid_non_live},
    {"client-managed", valid_client_managed_tunnel_free},
    {"tunnelled", valid_tunnelled},
    {"tcp migrate uri, listen ::, spice graphics", valid_addresses},
    {"rdma with IPv6", valid_rdma},
    {"unix sockets for memory and disks", valid_unix_everything},
    {"destination and persistent XML", valid_xml_files},
    {"dname with a renamed XML", valid_dname_with_xml},
    {"dname with the original name in the XML", valid_dname_keeps_old_name_in_xml},
    {"timeout suspend", valid_timeout_suspend},
    {"disks port 0 (libvirt chooses)", valid_disks_port_zero},
};

static void test_valid_combinations(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(valid_rows) / sizeof(valid_rows[0]); i++) {
        MigrateOptions options;
        migrate_options_init(&options);
        MigrateContext context = base_context();
        valid_rows[i].mutate(&options, &context);
        OptionProblem problems[8];
        size_t count = migrate_options_validate(&options, &context, problems, 8);
        if (count != 0) {
            describe(problems, count < 8 ? count : 8);
            fail_msg("valid combination '%s' got %zu problem(s)", valid_rows[i].name, count);
        }
        migrate_options_clear(&options);
    }
}

/* ---- other behaviour ---------------------------------------------------- */

static void test_defaults(void **state)
{
    (void)state;
    MigrateOptions o;
    memset(&o, 0x5a, sizeof(o));
    migrate_options_init(&o);
    assert_true(o.live);
    assert_true(o.p2p);
    assert_true(o.persistent);
    assert_false(o.offline || o.direct || o.tunnelled || o.undefine_source || o.suspend);
    assert_false(o.postcopy || o.compressed || o.parallel || o.zerocopy || o.tls);
    assert_int_equal(o.disks_port, -1);
    assert_int_equal(o.auto_converge_initial, -1);
    assert_int_equal(o.auto_converge_increment, -1);
    assert_int_equal(o.comp_mt_level, -1);
    assert_int_equal(o.comp_mt_threads, -1);
    assert_int_equal(o.comp_mt_dthreads, -1);
    assert_int_equal(o.comp_xbzrle_cache, -1);
    assert_int_equal(o.comp_zlib_level, -1);
    assert_int_equal(o.comp_zstd_level, -1);
    assert_int_equal(o.parallel_connections, -1);
    assert_int_equal(o.timeout_s, 0);
    assert_int_equal(o.timeout_action, TIMEOUT_ACTION_NONE);
    assert_int_equal(o.bandwidth_mibs, 0);
    assert_int_equal(o.max_downtime_ms, 0);
    assert_null(o.migrate_disks);
    assert_null(o.dname);
    assert_null(o.migrate_uri);
    migrate_options_init(NULL);
}

static void fill_every_string(MigrateOptions *o)
{
    set_disks(o, "vda", "vdb");
    set(&o->disks_uri, "tcp://h:1");
    set(&o->tls_destination, "t");
    set(&o->dname, "d");
    set(&o->dest_xml_path, "/x.xml");
    set(&o->persistent_xml_path, "/p.xml");
    set(&o->migrate_uri, "tcp://h");
    set(&o->listen_address, "0.0.0.0");
    set(&o->graphics_uri, "vnc://h");
}

static void test_copy_and_clear(void **state)
{
    (void)state;
    MigrateOptions src, dest;
    migrate_options_init(&src);
    fill_every_string(&src);
    src.postcopy = true;
    src.bandwidth_mibs = 123;
    src.comp_mt_level = 4;
    assert_int_equal(migrate_options_copy(&dest, &src), 0);

    /* Equal values, separate storage. */
    assert_int_equal(dest.migrate_disks_count, 2);
    assert_ptr_not_equal(dest.migrate_disks, src.migrate_disks);
    assert_string_equal(dest.migrate_disks[1], "vdb");
    assert_ptr_not_equal(dest.migrate_disks[1], src.migrate_disks[1]);
    assert_string_equal(dest.disks_uri, "tcp://h:1");
    assert_string_equal(dest.tls_destination, "t");
    assert_string_equal(dest.dname, "d");
    assert_ptr_not_equal(dest.dname, src.dname);
    assert_string_equal(dest.dest_xml_path, "/x.xml");
    assert_string_equal(dest.persistent_xml_path, "/p.xml");
    assert_string_equal(dest.migrate_uri, "tcp://h");
    assert_string_equal(dest.listen_address, "0.0.0.0");
    assert_string_equal(dest.graphics_uri, "vnc://h");
    assert_true(dest.postcopy);
    assert_int_equal(dest.bandwidth_mibs, 123);
    assert_int_equal(dest.comp_mt_level, 4);

    /* Clearing the source leaves the copy intact (ASan would catch a shared
     * pointer), and clear resets to the defaults so it can run twice. */
    migrate_options_clear(&src);
    assert_null(src.dname);
    assert_int_equal(src.migrate_disks_count, 0);
    assert_true(src.live && src.p2p && src.persistent);
    assert_string_equal(dest.migrate_disks[0], "vda");
    migrate_options_clear(&src);
    migrate_options_clear(&dest);
    migrate_options_clear(NULL);

    /* A copy of defaults has no strings. */
    migrate_options_init(&src);
    assert_int_equal(migrate_options_copy(&dest, &src), 0);
    assert_null(dest.migrate_disks);
    assert_null(dest.graphics_uri);
    migrate_options_clear(&dest);
    assert_int_equal(migrate_options_copy(NULL, &src), -1);
    assert_int_equal(migrate_options_copy(&dest, NULL), -1);
}

static void test_problem_count_beyond_max(void **state)
{
    (void)state;
    MigrateOptions o;
    migrate_options_init(&o);
    o.offline = true;                     /* live + offline */
    o.direct = true;                      /* direct + p2p */
    o.parallel_connections = 300;         /* range */
    o.zerocopy = true;                    /* needs parallel */
    OptionProblem one[1];
    size_t count = migrate_options_validate(&o, NULL, one, 1);
    assert_true(count >= 4);
    assert_int_equal(one[0].field, OPT_FIELD_OFFLINE);
    /* Counting only. */
    assert_int_equal(migrate_options_validate(&o, NULL, NULL, 0), count);
    /* NULL options is itself a problem, not a crash. */
    assert_int_equal(migrate_options_validate(NULL, NULL, one, 1), 1);
    migrate_options_clear(&o);
}

static void test_unknown_version_skips_gating(void **state)
{
    (void)state;
    MigrateOptions o;
    migrate_options_init(&o);
    o.parallel = true;
    o.compressed = true;
    o.compression_methods = COMPRESS_ZSTD;
    MigrateContext context = base_context();
    context.source_libvirt_version = 0;
    assert_int_equal(migrate_options_validate(&o, &context, NULL, 0), 0);
    context.source_libvirt_version = V(9, 0, 0);
    assert_int_equal(migrate_options_validate(&o, &context, NULL, 0), 1);

    OptionField field = OPT_FIELD_NONE;
    assert_int_equal(migrate_options_min_libvirt(&o, &field), V(9, 4, 0));
    assert_int_equal(field, OPT_FIELD_COMP_ZSTD_LEVEL);
    MigrateOptions defaults;
    migrate_options_init(&defaults);
    assert_int_equal(migrate_options_min_libvirt(&defaults, &field), 0);
    assert_int_equal(field, OPT_FIELD_NONE);
    migrate_options_clear(&o);
}

static void test_field_names(void **state)
{
    (void)state;
    assert_string_equal(migrate_option_field_name(OPT_FIELD_NONE), "");
    assert_string_equal(migrate_option_field_name(OPT_FIELD_COMP_MT_LEVEL), "--comp-mt-level");
    assert_string_equal(migrate_option_field_name(OPT_FIELD_UNDEFINE_SOURCE), "--undefinesource");
    assert_string_equal(migrate_option_field_name(OPT_FIELD_MIGRATE_URI), "--migrateuri");
    assert_string_equal(migrate_option_field_name(OPT_FIELD_COUNT), "");
    for (int f = OPT_FIELD_NONE + 1; f < OPT_FIELD_COUNT; f++)
        assert_true(migrate_option_field_name((OptionField)f)[0] != '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_combinations),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_copy_and_clear),
        cmocka_unit_test(test_problem_count_beyond_max),
        cmocka_unit_test(test_unknown_version_skips_gating),
        cmocka_unit_test(test_field_names),
    };
    return cmocka_run_group_tests(tests, setup_fixtures, teardown_fixtures);
}
