/* MigrateOptions -> libvirt flags and typed parameters (core/migrate_params.c).
 * Uses libvirt's virTypedParams* functions only: no daemon, no migration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "migrate_params.h"

/* Every option off and every number unset, so a test states exactly what it sets. */
static void blank_options(MigrateOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->disks_port = -1;
    o->auto_converge_initial = o->auto_converge_increment = -1;
    o->comp_mt_level = o->comp_mt_threads = o->comp_mt_dthreads = -1;
    o->comp_xbzrle_cache = -1;
    o->comp_zlib_level = o->comp_zstd_level = -1;
    o->parallel_connections = -1;
}

static int count_named(const MigrateParams *p, const char *name)
{
    int count = 0;
    for (int i = 0; i < p->nparams; i++)
        if (strcmp(p->params[i].field, name) == 0)
            count++;
    return count;
}

static const char *string_at(const MigrateParams *p, const char *name, int which)
{
    for (int i = 0; i < p->nparams; i++)
        if (strcmp(p->params[i].field, name) == 0 && which-- == 0)
            return p->params[i].value.s;
    return NULL;
}

static void test_defaults_are_live_p2p_persistent(void **state)
{
    (void)state;
    MigrateOptions options;
    migrate_options_init(&options);
    MigrateParams params;
    char *error = NULL;
    assert_int_equal(migrate_params_build(&options, &params, &error), 0);
    assert_null(error);
    assert_int_equal(params.flags, VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER |
                                   VIR_MIGRATE_PERSIST_DEST);
    assert_int_equal(params.nparams, 0);
    assert_int_equal(params.max_downtime_ms, 0);
    assert_int_equal(params.timeout_s, 0);
    assert_int_equal(params.timeout_action, TIMEOUT_ACTION_NONE);
    migrate_params_clear(&params);
    migrate_options_clear(&options);
}

static void test_every_flag_maps(void **state)
{
    (void)state;
    const struct { size_t offset; unsigned int flag; } table[] = {
        { offsetof(MigrateOptions, live), VIR_MIGRATE_LIVE },
        { offsetof(MigrateOptions, offline), VIR_MIGRATE_OFFLINE },
        { offsetof(MigrateOptions, p2p), VIR_MIGRATE_PEER2PEER },
        { offsetof(MigrateOptions, tunnelled), VIR_MIGRATE_TUNNELLED },
        { offsetof(MigrateOptions, persistent), VIR_MIGRATE_PERSIST_DEST },
        { offsetof(MigrateOptions, undefine_source), VIR_MIGRATE_UNDEFINE_SOURCE },
        { offsetof(MigrateOptions, suspend), VIR_MIGRATE_PAUSED },
        { offsetof(MigrateOptions, change_protection), VIR_MIGRATE_CHANGE_PROTECTION },
        { offsetof(MigrateOptions, unsafe), VIR_MIGRATE_UNSAFE },
        { offsetof(MigrateOptions, abort_on_error), VIR_MIGRATE_ABORT_ON_ERROR },
        { offsetof(MigrateOptions, copy_storage_all), VIR_MIGRATE_NON_SHARED_DISK },
        { offsetof(MigrateOptions, copy_storage_inc), VIR_MIGRATE_NON_SHARED_INC },
        { offsetof(MigrateOptions, postcopy), VIR_MIGRATE_POSTCOPY },
        { offsetof(MigrateOptions, auto_converge), VIR_MIGRATE_AUTO_CONVERGE },
        { offsetof(MigrateOptions, compressed), VIR_MIGRATE_COMPRESSED },
        { offsetof(MigrateOptions, parallel), VIR_MIGRATE_PARALLEL },
        { offsetof(MigrateOptions, zerocopy), VIR_MIGRATE_ZEROCOPY },
        { offsetof(MigrateOptions, tls), VIR_MIGRATE_TLS },
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        MigrateOptions options;
        blank_options(&options);
        *(bool *)((char *)&options + table[i].offset) = true;
        MigrateParams params;
        assert_int_equal(migrate_params_build(&options, &params, NULL), 0);
        assert_int_equal(params.flags, table[i].flag);
        /* A flag alone adds no parameter (compressed alone = libvirt's xbzrle). */
        assert_int_equal(params.nparams, 0);
        migrate_params_clear(&params);
    }
}

static void test_full_parameter_set(void **state)
{
    (void)state;
    MigrateOptions o;
    blank_options(&o);
    o.live = o.p2p = o.copy_storage_all = o.postcopy = o.auto_converge = true;
    o.compressed = o.parallel = o.tls = true;
    char *disks[] = { "vda", "vdb" };
    o.migrate_disks = disks;
    o.migrate_disks_count = 2;
    o.disks_port = 49153;
    o.disks_uri = "tcp://10.0.0.2:49154";
    o.bandwidth_mibs = 50;
    o.postcopy_bandwidth_mibs = 100;
    o.auto_converge_initial = 20;
    o.auto_converge_increment = 10;
    o.compression_methods = COMPRESS_XBZRLE | COMPRESS_MT;
    o.comp_mt_level = 3;
    o.comp_mt_threads = 2;
    o.comp_mt_dthreads = 1;
    o.comp_xbzrle_cache = 64ll << 20;
    o.parallel_connections = 4;
    o.tls_destination = "dest.example";
    o.dname = "renamed";
    o.migrate_uri = "tcp://198.18.77.12";
    o.listen_address = "0.0.0.0";
    o.graphics_uri = "spice://198.18.77.12:5900";
    o.max_downtime_ms = 750;

    MigrateParams p;
    char *error = NULL;
    assert_int_equal(migrate_params_build(&o, &p, &error), 0);
    assert_int_equal(p.flags, VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER |
                     VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_POSTCOPY |
                     VIR_MIGRATE_AUTO_CONVERGE | VIR_MIGRATE_COMPRESSED |
                     VIR_MIGRATE_PARALLEL | VIR_MIGRATE_TLS);

    unsigned long long ull = 0;
    int i = 0;
    const char *s = NULL;
    assert_int_equal(virTypedParamsGetULLong(p.params, p.nparams, VIR_MIGRATE_PARAM_BANDWIDTH, &ull), 1);
    assert_int_equal(ull, 50);
    assert_int_equal(virTypedParamsGetULLong(p.params, p.nparams,
                                             VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY, &ull), 1);
    assert_int_equal(ull, 100);
    assert_int_equal(virTypedParamsGetULLong(p.params, p.nparams,
                                             VIR_MIGRATE_PARAM_COMPRESSION_XBZRLE_CACHE, &ull), 1);
    assert_int_equal(ull, 64ull << 20);

    const struct { const char *name; int value; } ints[] = {
        { VIR_MIGRATE_PARAM_DISKS_PORT, 49153 },
        { VIR_MIGRATE_PARAM_AUTO_CONVERGE_INITIAL, 20 },
        { VIR_MIGRATE_PARAM_AUTO_CONVERGE_INCREMENT, 10 },
        { VIR_MIGRATE_PARAM_COMPRESSION_MT_LEVEL, 3 },
        { VIR_MIGRATE_PARAM_COMPRESSION_MT_THREADS, 2 },
        { VIR_MIGRATE_PARAM_COMPRESSION_MT_DTHREADS, 1 },
        { VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, 4 },
    };
    for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
        assert_int_equal(virTypedParamsGetInt(p.params, p.nparams, ints[k].name, &i), 1);
        assert_int_equal(i, ints[k].value);
    }
    const struct { const char *name; const char *value; } strings[] = {
        { VIR_MIGRATE_PARAM_DISKS_URI, "tcp://10.0.0.2:49154" },
        { VIR_MIGRATE_PARAM_TLS_DESTINATION, "dest.example" },
        { VIR_MIGRATE_PARAM_DEST_NAME, "renamed" },
        { VIR_MIGRATE_PARAM_URI, "tcp://198.18.77.12" },
        { VIR_MIGRATE_PARAM_LISTEN_ADDRESS, "0.0.0.0" },
        { VIR_MIGRATE_PARAM_GRAPHICS_URI, "spice://198.18.77.12:5900" },
    };
    for (size_t k = 0; k < sizeof(strings) / sizeof(strings[0]); k++) {
        assert_int_equal(virTypedParamsGetString(p.params, p.nparams, strings[k].name, &s), 1);
        assert_string_equal(s, strings[k].value);
    }
    /* Lists are repeated parameters of one name, in the order given. */
    assert_int_equal(count_named(&p, VIR_MIGRATE_PARAM_MIGRATE_DISKS), 2);
    assert_string_equal(string_at(&p, VIR_MIGRATE_PARAM_MIGRATE_DISKS, 0), "vda");
    assert_string_equal(string_at(&p, VIR_MIGRATE_PARAM_MIGRATE_DISKS, 1), "vdb");
    assert_int_equal(count_named(&p, VIR_MIGRATE_PARAM_COMPRESSION), 2);
    assert_string_equal(string_at(&p, VIR_MIGRATE_PARAM_COMPRESSION, 0), "xbzrle");
    assert_string_equal(string_at(&p, VIR_MIGRATE_PARAM_COMPRESSION, 1), "mt");
    /* 6 strings + 2 disks + 2 methods + 7 ints + 3 ullongs. */
    assert_int_equal(p.nparams, 20);
    /* Max downtime is no migrate parameter in 9.0: handed back separately. */
    assert_int_equal(p.max_downtime_ms, 750);
    assert_int_equal(count_named(&p, "max_downtime"), 0);
    migrate_params_clear(&p);
    assert_null(p.params);
    assert_int_equal(p.nparams, 0);
}

static void test_unset_numbers_add_nothing(void **state)
{
    (void)state;
    MigrateOptions o;
    blank_options(&o);
    o.p2p = true;
    o.disks_port = 0;            /* 0: libvirt picks the port, as virsh sends nothing */
    o.dname = "";                /* empty strings are "not given" */
    MigrateParams p;
    assert_int_equal(migrate_params_build(&o, &p, NULL), 0);
    assert_int_equal(p.nparams, 0);
    migrate_params_clear(&p);
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/virtmig-test-xml-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_xml_files_are_read(void **state)
{
    (void)state;
    const char *dest_xml = "<domain type='kvm'><name>steady</name></domain>\n";
    const char *persist_xml = "<domain type='kvm'><name>steady</name><memory>1</memory></domain>";
    char *dest_path = write_temp(dest_xml);
    char *persist_path = write_temp(persist_xml);
    MigrateOptions o;
    blank_options(&o);
    o.dest_xml_path = dest_path;
    o.persistent_xml_path = persist_path;
    MigrateParams p;
    char *error = NULL;
    assert_int_equal(migrate_params_build(&o, &p, &error), 0);
    const char *s = NULL;
    assert_int_equal(virTypedParamsGetString(p.params, p.nparams, VIR_MIGRATE_PARAM_DEST_XML, &s), 1);
    assert_string_equal(s, dest_xml);
    assert_int_equal(virTypedParamsGetString(p.params, p.nparams, VIR_MIGRATE_PARAM_PERSIST_XML, &s), 1);
    assert_string_equal(s, persist_xml);
    migrate_params_clear(&p);
    unlink(dest_path);
    unlink(persist_path);
    free(dest_path);
    free(persist_path);
}

static void test_missing_xml_file_names_option_and_file(void **state)
{
    (void)state;
    MigrateOptions o;
    blank_options(&o);
    o.persistent_xml_path = "/nonexistent/virtmig/steady.xml";
    MigrateParams p;
    char *error = NULL;
    assert_int_equal(migrate_params_build(&o, &p, &error), -1);
    assert_non_null(error);
    assert_non_null(strstr(error, "--persistent-xml"));
    assert_non_null(strstr(error, "/nonexistent/virtmig/steady.xml"));
    assert_non_null(strstr(error, "No such file"));
    assert_null(p.params);
    free(error);

    char *empty = write_temp(" \n");
    blank_options(&o);
    o.dest_xml_path = empty;
    error = NULL;
    assert_int_equal(migrate_params_build(&o, &p, &error), -1);
    assert_non_null(strstr(error, "--xml"));
    assert_non_null(strstr(error, "empty"));
    free(error);
    unlink(empty);
    free(empty);
}

static void test_timeout_defaults_to_suspend(void **state)
{
    (void)state;
    MigrateOptions o;
    blank_options(&o);
    o.timeout_s = 30;
    o.timeout_action = TIMEOUT_ACTION_NONE;   /* virsh: --timeout alone suspends */
    MigrateParams p;
    assert_int_equal(migrate_params_build(&o, &p, NULL), 0);
    assert_int_equal(p.timeout_s, 30);
    assert_int_equal(p.timeout_action, TIMEOUT_ACTION_SUSPEND);
    migrate_params_clear(&p);

    o.timeout_action = TIMEOUT_ACTION_POSTCOPY;
    assert_int_equal(migrate_params_build(&o, &p, NULL), 0);
    assert_int_equal(p.timeout_action, TIMEOUT_ACTION_POSTCOPY);
    migrate_params_clear(&p);

    o.timeout_s = 0;   /* an action without a timeout does nothing */
    assert_int_equal(migrate_params_build(&o, &p, NULL), 0);
    assert_int_equal(p.timeout_action, TIMEOUT_ACTION_NONE);
    migrate_params_clear(&p);
}

static void test_offline_and_postcopy_resume_flags(void **state)
{
    (void)state;
    MigrateOptions o;
    blank_options(&o);
    o.offline = o.p2p = o.persistent = o.undefine_source = true;
    MigrateParams p;
    assert_int_equal(migrate_params_build(&o, &p, NULL), 0);
    assert_int_equal(p.flags, VIR_MIGRATE_OFFLINE | VIR_MIGRATE_PEER2PEER |
                     VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE);
    migrate_params_clear(&p);

    blank_options(&o);
    o.live = o.p2p = true;
    o.bandwidth_mibs = 50;
    assert_int_equal(migrate_params_build(&o, &p, NULL), 0);
    migrate_params_for_postcopy_resume(&p);
    assert_int_equal(p.flags, VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_POSTCOPY |
                     VIR_MIGRATE_POSTCOPY_RESUME);
    assert_int_equal(p.nparams, 1);   /* the same parameters as the launch */
    migrate_params_clear(&p);
    migrate_params_clear(NULL);
}

static void test_zlib_zstd_methods_and_levels(void **state)
{
    (void)state;
    MigrateOptions o;
    blank_options(&o);
    o.parallel = true;
    o.compression_methods = COMPRESS_ZSTD;
    o.comp_zstd_level = 5;
    MigrateParams p;
    assert_int_equal(migrate_params_build(&o, &p, NULL), 0);
    assert_int_equal(p.flags, VIR_MIGRATE_PARALLEL | VIR_MIGRATE_COMPRESSED);
    assert_string_equal(string_at(&p, VIR_MIGRATE_PARAM_COMPRESSION, 0), "zstd");
    int level = 0;
    assert_int_equal(virTypedParamsGetInt(p.params, p.nparams, "compression.zstd.level", &level), 1);
    assert_int_equal(level, 5);
    migrate_params_clear(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_live_p2p_persistent),
        cmocka_unit_test(test_every_flag_maps),
        cmocka_unit_test(test_full_parameter_set),
        cmocka_unit_test(test_unset_numbers_add_nothing),
        cmocka_unit_test(test_xml_files_are_read),
        cmocka_unit_test(test_missing_xml_file_names_option_and_file),
        cmocka_unit_test(test_timeout_defaults_to_suspend),
        cmocka_unit_test(test_offline_and_postcopy_resume_flags),
        cmocka_unit_test(test_zlib_zstd_methods_and_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
