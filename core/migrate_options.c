/* MigrateOptions: defaults, ownership, names and the libvirt version each
 * option needs. The combination rules live in migrate_options_validate.c. */
#include "migrate_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate_options_rules.h"

void migrate_options_init(MigrateOptions *options)
{
    if (!options)
        return;
    memset(options, 0, sizeof(*options));
    /* virtmig's defaults: the guest keeps running while it moves, the source
     * daemon drives the migration (so it survives the console quitting), and
     * the destination keeps a definition. */
    options->live = true;
    options->p2p = true;
    options->persistent = true;
    options->disks_port = -1;
    options->auto_converge_initial = -1;
    options->auto_converge_increment = -1;
    options->timeout_action = TIMEOUT_ACTION_NONE;
    options->comp_mt_level = -1;
    options->comp_mt_threads = -1;
    options->comp_mt_dthreads = -1;
    options->comp_xbzrle_cache = -1;
    options->comp_zlib_level = -1;
    options->comp_zstd_level = -1;
    options->parallel_connections = -1;
}

static void free_disks(char **disks, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(disks[i]);
    free(disks);
}

void migrate_options_clear(MigrateOptions *options)
{
    if (!options)
        return;
    free_disks(options->migrate_disks, options->migrate_disks_count);
    free(options->disks_uri);
    free(options->tls_destination);
    free(options->dname);
    free(options->dest_xml_path);
    free(options->persistent_xml_path);
    free(options->migrate_uri);
    free(options->listen_address);
    free(options->graphics_uri);
    /* Back to the defaults, so a cleared structure is safe to reuse or clear again. */
    migrate_options_init(options);
}

/* strdup that keeps NULL as NULL; *failed is set on allocation failure. */
static char *copy_string(const char *text, bool *failed)
{
    if (!text)
        return NULL;
    char *copy = strdup(text);
    if (!copy)
        *failed = true;
    return copy;
}

int migrate_options_copy(MigrateOptions *dest, const MigrateOptions *src)
{
    if (!dest || !src)
        return -1;
    MigrateOptions copy = *src;   /* scalars; every pointer is replaced below */
    bool failed = false;
    copy.migrate_disks = NULL;
    copy.migrate_disks_count = 0;
    if (src->migrate_disks_count > 0) {
        copy.migrate_disks = calloc(src->migrate_disks_count, sizeof(char *));
        if (!copy.migrate_disks)
            failed = true;
        for (size_t i = 0; !failed && i < src->migrate_disks_count; i++) {
            copy.migrate_disks[i] = copy_string(src->migrate_disks[i], &failed);
            copy.migrate_disks_count = i + 1;
        }
    }
    copy.disks_uri = copy_string(src->disks_uri, &failed);
    copy.tls_destination = copy_string(src->tls_destination, &failed);
    copy.dname = copy_string(src->dname, &failed);
    copy.dest_xml_path = copy_string(src->dest_xml_path, &failed);
    copy.persistent_xml_path = copy_string(src->persistent_xml_path, &failed);
    copy.migrate_uri = copy_string(src->migrate_uri, &failed);
    copy.listen_address = copy_string(src->listen_address, &failed);
    copy.graphics_uri = copy_string(src->graphics_uri, &failed);
    if (failed) {
        migrate_options_clear(&copy);
        return -1;
    }
    *dest = copy;
    return 0;
}

/* virsh 9.0's spelling of each field (tools/virsh-domain.c, opts_migrate). */
static const char *const field_names[OPT_FIELD_COUNT] = {
    [OPT_FIELD_NONE] = "",
    [OPT_FIELD_LIVE] = "--live",
    [OPT_FIELD_OFFLINE] = "--offline",
    [OPT_FIELD_P2P] = "--p2p",
    [OPT_FIELD_DIRECT] = "--direct",
    [OPT_FIELD_TUNNELLED] = "--tunnelled",
    [OPT_FIELD_PERSISTENT] = "--persistent",
    [OPT_FIELD_UNDEFINE_SOURCE] = "--undefinesource",
    [OPT_FIELD_SUSPEND] = "--suspend",
    [OPT_FIELD_CHANGE_PROTECTION] = "--change-protection",
    [OPT_FIELD_UNSAFE] = "--unsafe",
    [OPT_FIELD_ABORT_ON_ERROR] = "--abort-on-error",
    [OPT_FIELD_COPY_STORAGE_ALL] = "--copy-storage-all",
    [OPT_FIELD_COPY_STORAGE_INC] = "--copy-storage-inc",
    [OPT_FIELD_MIGRATE_DISKS] = "--migrate-disks",
    [OPT_FIELD_DISKS_PORT] = "--disks-port",
    [OPT_FIELD_DISKS_URI] = "--disks-uri",
    [OPT_FIELD_POSTCOPY] = "--postcopy",
    [OPT_FIELD_POSTCOPY_BANDWIDTH] = "--postcopy-bandwidth",
    [OPT_FIELD_AUTO_CONVERGE] = "--auto-converge",
    [OPT_FIELD_AUTO_CONVERGE_INITIAL] = "--auto-converge-initial",
    [OPT_FIELD_AUTO_CONVERGE_INCREMENT] = "--auto-converge-increment",
    [OPT_FIELD_BANDWIDTH] = "--bandwidth",
    /* Not a `virsh migrate` option: virsh sets it with migrate-setmaxdowntime. */
    [OPT_FIELD_MAX_DOWNTIME] = "migrate-setmaxdowntime",
    [OPT_FIELD_TIMEOUT] = "--timeout",
    [OPT_FIELD_TIMEOUT_ACTION] = "--timeout-suspend/--timeout-postcopy",
    [OPT_FIELD_COMPRESSED] = "--compressed",
    [OPT_FIELD_COMPRESSION_METHODS] = "--comp-methods",
    [OPT_FIELD_COMP_MT_LEVEL] = "--comp-mt-level",
    [OPT_FIELD_COMP_MT_THREADS] = "--comp-mt-threads",
    [OPT_FIELD_COMP_MT_DTHREADS] = "--comp-mt-dthreads",
    [OPT_FIELD_COMP_XBZRLE_CACHE] = "--comp-xbzrle-cache",
    /* virsh 9.4 and later. */
    [OPT_FIELD_COMP_ZLIB_LEVEL] = "--comp-zlib-level",
    [OPT_FIELD_COMP_ZSTD_LEVEL] = "--comp-zstd-level",
    [OPT_FIELD_PARALLEL] = "--parallel",
    [OPT_FIELD_PARALLEL_CONNECTIONS] = "--parallel-connections",
    [OPT_FIELD_ZEROCOPY] = "--zerocopy",
    [OPT_FIELD_TLS] = "--tls",
    [OPT_FIELD_TLS_DESTINATION] = "--tls-destination",
    [OPT_FIELD_DNAME] = "--dname",
    [OPT_FIELD_DEST_XML] = "--xml",
    [OPT_FIELD_PERSISTENT_XML] = "--persistent-xml",
    [OPT_FIELD_MIGRATE_URI] = "--migrateuri",
    [OPT_FIELD_LISTEN_ADDRESS] = "--listen-address",
    [OPT_FIELD_GRAPHICS_URI] = "--graphicsuri",
};

const char *migrate_option_field_name(OptionField field)
{
    if ((int)field < 0 || field >= OPT_FIELD_COUNT || !field_names[field])
        return "";
    return field_names[field];
}

#define LIBVIRT_VERSION(major, minor, micro) \
    ((unsigned long)(major) * 1000000ul + (unsigned long)(minor) * 1000ul + (micro))

static bool uses_zlib(const MigrateOptions *o)
{
    return (o->compression_methods & COMPRESS_ZLIB) || o->comp_zlib_level >= 0;
}

static bool uses_zstd(const MigrateOptions *o)
{
    return (o->compression_methods & COMPRESS_ZSTD) || o->comp_zstd_level >= 0;
}

/* Only what appeared after libvirt 1.0 matters: older daemons cannot even talk
 * the migration protocol virtmig uses (virDomainMigrate3 needs 1.1.0). Each
 * version is the "Since:" of the flag or VIR_MIGRATE_PARAM_* in libvirt-domain.h
 * (zlib/zstd levels: libvirt 9.4.0's header). */
static bool uses_offline(const MigrateOptions *o) { return o->offline; }
static bool uses_compressed(const MigrateOptions *o) { return o->compressed; }
static bool uses_abort_on_error(const MigrateOptions *o) { return o->abort_on_error; }
static bool uses_migrate_uri(const MigrateOptions *o) { return o->migrate_uri; }
static bool uses_dname(const MigrateOptions *o) { return o->dname; }
static bool uses_dest_xml(const MigrateOptions *o) { return o->dest_xml_path; }
static bool uses_graphics_uri(const MigrateOptions *o) { return o->graphics_uri; }
static bool uses_listen_address(const MigrateOptions *o) { return o->listen_address; }
static bool uses_auto_converge(const MigrateOptions *o) { return o->auto_converge; }
static bool uses_migrate_disks(const MigrateOptions *o) { return o->migrate_disks_count; }
static bool uses_postcopy(const MigrateOptions *o) { return o->postcopy; }
static bool uses_disks_port(const MigrateOptions *o) { return o->disks_port > 0; }
static bool uses_comp_methods(const MigrateOptions *o) { return o->compression_methods; }
static bool uses_mt_tuning(const MigrateOptions *o)
{
    return o->comp_mt_level >= 0 || o->comp_mt_threads >= 0 || o->comp_mt_dthreads >= 0;
}
static bool uses_xbzrle_cache(const MigrateOptions *o) { return o->comp_xbzrle_cache >= 0; }
static bool uses_persistent_xml(const MigrateOptions *o) { return o->persistent_xml_path; }
static bool uses_auto_converge_tuning(const MigrateOptions *o)
{
    return o->auto_converge_initial >= 0 || o->auto_converge_increment >= 0;
}
static bool uses_tls(const MigrateOptions *o) { return o->tls; }
static bool uses_postcopy_bandwidth(const MigrateOptions *o)
{
    return o->postcopy_bandwidth_mibs > 0;
}
static bool uses_parallel(const MigrateOptions *o) { return o->parallel; }
static bool uses_parallel_connections(const MigrateOptions *o)
{
    return o->parallel_connections >= 0;
}
static bool uses_tls_destination(const MigrateOptions *o) { return o->tls_destination; }
static bool uses_disks_uri(const MigrateOptions *o) { return o->disks_uri; }
static bool uses_zerocopy(const MigrateOptions *o) { return o->zerocopy; }

typedef struct {
    bool (*uses)(const MigrateOptions *options);
    OptionField field;
    const char *what;          /* as the message names it */
    unsigned long since;
} VersionRule;

static const VersionRule version_rules[] = {
    {uses_offline, OPT_FIELD_OFFLINE, "offline migration", LIBVIRT_VERSION(1, 0, 1)},
    {uses_compressed, OPT_FIELD_COMPRESSED, "compression", LIBVIRT_VERSION(1, 0, 3)},
    {uses_abort_on_error, OPT_FIELD_ABORT_ON_ERROR, "abort-on-error",
     LIBVIRT_VERSION(1, 1, 0)},
    {uses_migrate_uri, OPT_FIELD_MIGRATE_URI, "a migration URI", LIBVIRT_VERSION(1, 1, 0)},
    {uses_dname, OPT_FIELD_DNAME, "renaming (dname)", LIBVIRT_VERSION(1, 1, 0)},
    {uses_dest_xml, OPT_FIELD_DEST_XML, "a destination XML", LIBVIRT_VERSION(1, 1, 0)},
    {uses_graphics_uri, OPT_FIELD_GRAPHICS_URI, "a graphics URI", LIBVIRT_VERSION(1, 1, 0)},
    {uses_listen_address, OPT_FIELD_LISTEN_ADDRESS, "a listen address",
     LIBVIRT_VERSION(1, 1, 4)},
    {uses_auto_converge, OPT_FIELD_AUTO_CONVERGE, "auto-converge", LIBVIRT_VERSION(1, 2, 3)},
    {uses_migrate_disks, OPT_FIELD_MIGRATE_DISKS, "choosing disks to migrate",
     LIBVIRT_VERSION(1, 2, 17)},
    {uses_postcopy, OPT_FIELD_POSTCOPY, "post-copy", LIBVIRT_VERSION(1, 3, 3)},
    {uses_disks_port, OPT_FIELD_DISKS_PORT, "a disks port", LIBVIRT_VERSION(1, 3, 3)},
    {uses_comp_methods, OPT_FIELD_COMPRESSION_METHODS, "choosing compression methods",
     LIBVIRT_VERSION(1, 3, 4)},
    {uses_mt_tuning, OPT_FIELD_COMP_MT_LEVEL, "multithread compression tuning",
     LIBVIRT_VERSION(1, 3, 4)},
    {uses_xbzrle_cache, OPT_FIELD_COMP_XBZRLE_CACHE, "the xbzrle cache size",
     LIBVIRT_VERSION(1, 3, 4)},
    {uses_persistent_xml, OPT_FIELD_PERSISTENT_XML, "a persistent XML",
     LIBVIRT_VERSION(1, 3, 4)},
    {uses_auto_converge_tuning, OPT_FIELD_AUTO_CONVERGE_INITIAL, "auto-converge tuning",
     LIBVIRT_VERSION(2, 0, 0)},
    {uses_tls, OPT_FIELD_TLS, "TLS migration", LIBVIRT_VERSION(3, 2, 0)},
    {uses_postcopy_bandwidth, OPT_FIELD_POSTCOPY_BANDWIDTH, "a post-copy bandwidth",
     LIBVIRT_VERSION(5, 1, 0)},
    {uses_parallel, OPT_FIELD_PARALLEL, "parallel migration", LIBVIRT_VERSION(5, 2, 0)},
    {uses_parallel_connections, OPT_FIELD_PARALLEL_CONNECTIONS, "parallel connections",
     LIBVIRT_VERSION(5, 2, 0)},
    {uses_tls_destination, OPT_FIELD_TLS_DESTINATION, "a TLS destination name",
     LIBVIRT_VERSION(6, 0, 0)},
    {uses_disks_uri, OPT_FIELD_DISKS_URI, "a disks URI", LIBVIRT_VERSION(6, 8, 0)},
    {uses_zerocopy, OPT_FIELD_ZEROCOPY, "zero-copy", LIBVIRT_VERSION(8, 5, 0)},
    {uses_zlib, OPT_FIELD_COMP_ZLIB_LEVEL, "zlib compression", LIBVIRT_VERSION(9, 4, 0)},
    {uses_zstd, OPT_FIELD_COMP_ZSTD_LEVEL, "zstd compression", LIBVIRT_VERSION(9, 4, 0)},
};

static void format_version(char *buf, size_t size, unsigned long version)
{
    snprintf(buf, size, "%lu.%lu.%lu", version / 1000000ul, version / 1000ul % 1000ul,
             version % 1000ul);
}

void migrate_options_check_versions(const MigrateOptions *options, unsigned long version,
                                    ProblemList *list)
{
    if (version == 0)
        return;   /* unknown: libvirt itself will say what it lacks */
    char have[32], need[32];
    format_version(have, sizeof(have), version);
    for (size_t i = 0; i < sizeof(version_rules) / sizeof(version_rules[0]); i++) {
        const VersionRule *rule = &version_rules[i];
        if (version >= rule->since || !rule->uses(options))
            continue;
        format_version(need, sizeof(need), rule->since);
        migrate_options_problem_add(list, rule->field,
                                    "%s (%s) needs libvirt %s on the source host, which "
                                    "runs %s: turn it off or upgrade libvirt there",
                                    rule->what, migrate_option_field_name(rule->field),
                                    need, have);
    }
}

unsigned long migrate_options_min_libvirt(const MigrateOptions *options, OptionField *field)
{
    unsigned long needed = 0;
    if (field)
        *field = OPT_FIELD_NONE;
    if (!options)
        return 0;
    for (size_t i = 0; i < sizeof(version_rules) / sizeof(version_rules[0]); i++) {
        const VersionRule *rule = &version_rules[i];
        if (rule->since > needed && rule->uses(options)) {
            needed = rule->since;
            if (field)
                *field = rule->field;
        }
    }
    return needed;
}
