/* MigrateOptions -> libvirt migrate flags and typed parameters: see migrate_params.h. */
#include "migrate_params.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt_error.h"

/* Names libvirt 9.1 introduced for the multifd zlib/zstd levels. 9.0's headers
 * do not define them; we still pass them when the operator set a level, so a
 * 9.0 host answers with its own "parameter not supported" message. */
#ifndef VIR_MIGRATE_PARAM_COMPRESSION_ZLIB_LEVEL
#define VIR_MIGRATE_PARAM_COMPRESSION_ZLIB_LEVEL "compression.zlib.level"
#endif
#ifndef VIR_MIGRATE_PARAM_COMPRESSION_ZSTD_LEVEL
#define VIR_MIGRATE_PARAM_COMPRESSION_ZSTD_LEVEL "compression.zstd.level"
#endif

/* Largest XML file we accept: a domain definition is a few KiB. */
#define MIGRATE_XML_MAX_BYTES (16u << 20)

static unsigned int flags_from_options(const MigrateOptions *o)
{
    unsigned int flags = 0;
    const struct { bool on; unsigned int flag; } table[] = {
        { o->live,              VIR_MIGRATE_LIVE },
        { o->offline,           VIR_MIGRATE_OFFLINE },
        { o->p2p,               VIR_MIGRATE_PEER2PEER },
        { o->tunnelled,         VIR_MIGRATE_TUNNELLED },
        { o->persistent,        VIR_MIGRATE_PERSIST_DEST },
        { o->undefine_source,   VIR_MIGRATE_UNDEFINE_SOURCE },
        { o->suspend,           VIR_MIGRATE_PAUSED },
        { o->change_protection, VIR_MIGRATE_CHANGE_PROTECTION },
        { o->unsafe,            VIR_MIGRATE_UNSAFE },
        { o->abort_on_error,    VIR_MIGRATE_ABORT_ON_ERROR },
        { o->copy_storage_all,  VIR_MIGRATE_NON_SHARED_DISK },
        { o->copy_storage_inc,  VIR_MIGRATE_NON_SHARED_INC },
        { o->postcopy,          VIR_MIGRATE_POSTCOPY },
        { o->auto_converge,     VIR_MIGRATE_AUTO_CONVERGE },
        { o->compressed || o->compression_methods != 0, VIR_MIGRATE_COMPRESSED },
        { o->parallel,          VIR_MIGRATE_PARALLEL },
        { o->zerocopy,          VIR_MIGRATE_ZEROCOPY },
        { o->tls,               VIR_MIGRATE_TLS },
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (table[i].on)
            flags |= table[i].flag;
    return flags;
}

/* Reads a whole XML file into a malloc'd string; *error names the option and file. */
static char *read_xml_file(const char *path, const char *option, char **error)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        error_set(error, "cannot read %s file %s: %s; check the path and its permissions",
                  option, path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    size_t length = 0, capacity = 0;
    for (;;) {
        if (length + 4096 + 1 > capacity) {
            size_t grown = capacity ? capacity * 2 : 8192;
            char *bigger = realloc(text, grown);
            if (!bigger) {
                error_set(error, "cannot read %s file %s: out of memory", option, path);
                goto fail;
            }
            text = bigger;
            capacity = grown;
        }
        size_t got = fread(text + length, 1, capacity - length - 1, file);
        length += got;
        if (length > MIGRATE_XML_MAX_BYTES) {
            error_set(error, "%s file %s is larger than %u MiB: is it really a domain XML?",
                      option, path, MIGRATE_XML_MAX_BYTES >> 20);
            goto fail;
        }
        if (got == 0)
            break;
    }
    if (ferror(file)) {
        error_set(error, "cannot read %s file %s: %s", option, path, strerror(errno));
        goto fail;
    }
    fclose(file);
    text[length] = '\0';
    if (length == 0 || strspn(text, " \t\r\n") == length) {
        error_set(error, "%s file %s is empty: give a file holding the domain XML", option, path);
        free(text);
        return NULL;
    }
    return text;

fail:
    fclose(file);
    free(text);
    return NULL;
}

/* The add helpers below keep the first failure: libvirt only fails here on
 * allocation, and its message says so. */
static int add_string(MigrateParams *p, const char *name, const char *value, char **error)
{
    if (!value || !*value)
        return 0;
    if (virTypedParamsAddString(&p->params, &p->nparams, &p->maxparams, name, value) < 0)
        return libvirt_error_set(error, "migrate parameter %s", name);
    return 0;
}

static int add_int(MigrateParams *p, const char *name, int value, char **error)
{
    if (virTypedParamsAddInt(&p->params, &p->nparams, &p->maxparams, name, value) < 0)
        return libvirt_error_set(error, "migrate parameter %s", name);
    return 0;
}

static int add_ullong(MigrateParams *p, const char *name, unsigned long long value,
                      char **error)
{
    if (virTypedParamsAddULLong(&p->params, &p->nparams, &p->maxparams, name, value) < 0)
        return libvirt_error_set(error, "migrate parameter %s", name);
    return 0;
}

static int add_xml_file(MigrateParams *p, const char *name, const char *path,
                        const char *option, char **error)
{
    if (!path || !*path)
        return 0;
    char *xml = read_xml_file(path, option, error);
    if (!xml)
        return -1;
    int rc = add_string(p, name, xml, error);
    free(xml);
    return rc;
}

static int add_compression(MigrateParams *p, const MigrateOptions *o, char **error)
{
    static const struct { unsigned bit; const char *name; } methods[] = {
        { COMPRESS_XBZRLE, "xbzrle" }, { COMPRESS_MT, "mt" },
        { COMPRESS_ZLIB, "zlib" },     { COMPRESS_ZSTD, "zstd" },
    };
    /* Several methods are several parameters of the same name, as virsh sends them. */
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if ((o->compression_methods & methods[i].bit) &&
            add_string(p, VIR_MIGRATE_PARAM_COMPRESSION, methods[i].name, error) < 0)
            return -1;
    if (o->comp_mt_level >= 0 &&
        add_int(p, VIR_MIGRATE_PARAM_COMPRESSION_MT_LEVEL, o->comp_mt_level, error) < 0)
        return -1;
    if (o->comp_mt_threads >= 0 &&
        add_int(p, VIR_MIGRATE_PARAM_COMPRESSION_MT_THREADS, o->comp_mt_threads, error) < 0)
        return -1;
    if (o->comp_mt_dthreads >= 0 &&
        add_int(p, VIR_MIGRATE_PARAM_COMPRESSION_MT_DTHREADS, o->comp_mt_dthreads, error) < 0)
        return -1;
    if (o->comp_xbzrle_cache >= 0 &&
        add_ullong(p, VIR_MIGRATE_PARAM_COMPRESSION_XBZRLE_CACHE,
                   (unsigned long long)o->comp_xbzrle_cache, error) < 0)
        return -1;
    if (o->comp_zlib_level >= 0 &&
        add_int(p, VIR_MIGRATE_PARAM_COMPRESSION_ZLIB_LEVEL, o->comp_zlib_level, error) < 0)
        return -1;
    if (o->comp_zstd_level >= 0 &&
        add_int(p, VIR_MIGRATE_PARAM_COMPRESSION_ZSTD_LEVEL, o->comp_zstd_level, error) < 0)
        return -1;
    return 0;
}

static int add_storage(MigrateParams *p, const MigrateOptions *o, char **error)
{
    for (size_t i = 0; i < o->migrate_disks_count; i++)
        if (add_string(p, VIR_MIGRATE_PARAM_MIGRATE_DISKS, o->migrate_disks[i], error) < 0)
            return -1;
    /* virsh sends a disks port only when it is not 0 (0: libvirt picks one). */
    if (o->disks_port > 0 && add_int(p, VIR_MIGRATE_PARAM_DISKS_PORT, o->disks_port, error) < 0)
        return -1;
    return add_string(p, VIR_MIGRATE_PARAM_DISKS_URI, o->disks_uri, error);
}

static int add_convergence(MigrateParams *p, const MigrateOptions *o, char **error)
{
    if (o->bandwidth_mibs &&
        add_ullong(p, VIR_MIGRATE_PARAM_BANDWIDTH, o->bandwidth_mibs, error) < 0)
        return -1;
    if (o->postcopy_bandwidth_mibs &&
        add_ullong(p, VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY, o->postcopy_bandwidth_mibs,
                   error) < 0)
        return -1;
    if (o->auto_converge_initial >= 0 &&
        add_int(p, VIR_MIGRATE_PARAM_AUTO_CONVERGE_INITIAL, o->auto_converge_initial, error) < 0)
        return -1;
    if (o->auto_converge_increment >= 0 &&
        add_int(p, VIR_MIGRATE_PARAM_AUTO_CONVERGE_INCREMENT, o->auto_converge_increment,
                error) < 0)
        return -1;
    if (o->parallel_connections >= 0 &&
        add_int(p, VIR_MIGRATE_PARAM_PARALLEL_CONNECTIONS, o->parallel_connections, error) < 0)
        return -1;
    return 0;
}

static int add_addresses(MigrateParams *p, const MigrateOptions *o, char **error)
{
    if (add_string(p, VIR_MIGRATE_PARAM_DEST_NAME, o->dname, error) < 0 ||
        add_string(p, VIR_MIGRATE_PARAM_URI, o->migrate_uri, error) < 0 ||
        add_string(p, VIR_MIGRATE_PARAM_LISTEN_ADDRESS, o->listen_address, error) < 0 ||
        add_string(p, VIR_MIGRATE_PARAM_GRAPHICS_URI, o->graphics_uri, error) < 0 ||
        add_string(p, VIR_MIGRATE_PARAM_TLS_DESTINATION, o->tls_destination, error) < 0)
        return -1;
    if (add_xml_file(p, VIR_MIGRATE_PARAM_DEST_XML, o->dest_xml_path, "--xml", error) < 0)
        return -1;
    return add_xml_file(p, VIR_MIGRATE_PARAM_PERSIST_XML, o->persistent_xml_path,
                        "--persistent-xml", error);
}

int migrate_params_build(const MigrateOptions *options, MigrateParams *out, char **error)
{
    if (!options || !out)
        return error_set(error, "internal error: migrate_params_build without options");
    memset(out, 0, sizeof(*out));
    out->flags = flags_from_options(options);
    if (add_addresses(out, options, error) < 0 ||
        add_storage(out, options, error) < 0 ||
        add_convergence(out, options, error) < 0 ||
        add_compression(out, options, error) < 0) {
        migrate_params_clear(out);
        return -1;
    }
    out->max_downtime_ms = options->max_downtime_ms;
    out->timeout_s = options->timeout_s;
    out->timeout_action = options->timeout_s == 0 ? TIMEOUT_ACTION_NONE
                        : options->timeout_action == TIMEOUT_ACTION_NONE ? TIMEOUT_ACTION_SUSPEND
                        : options->timeout_action;
    return 0;
}

void migrate_params_clear(MigrateParams *params)
{
    if (!params)
        return;
    virTypedParamsFree(params->params, params->nparams);
    memset(params, 0, sizeof(*params));
}

void migrate_params_for_postcopy_resume(MigrateParams *params)
{
    if (params)
        params->flags |= VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_POSTCOPY_RESUME;
}
