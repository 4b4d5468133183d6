/* virsh-style migrate flags -> MigrateOptions: one table row per option.
 * See cli_migrate_args.h for what belongs here and what validation does. */
#include "cli_migrate_args.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assistant.h"

typedef enum {
    ARG_SET_TRUE,            /* bool field = true */
    ARG_SET_FALSE,           /* bool field = false (--no-p2p and friends) */
    ARG_U64,                 /* uint64_t field within [min, max] */
    ARG_UNSIGNED,            /* unsigned field within [min, max] */
    ARG_INT,                 /* int field within [min, max] */
    ARG_LLONG,               /* long long field within [min, max] */
    ARG_STRING,              /* char * field, non-empty */
    ARG_DISK_LIST,           /* --migrate-disks vda,vdb */
    ARG_COMP_METHODS,        /* --comp-methods xbzrle,mt */
    ARG_TIMEOUT_SUSPEND,
    ARG_TIMEOUT_POSTCOPY,
    ARG_POSTCOPY_AFTER_PRECOPY,
    ARG_ASSISTANT,
} ArgKind;

typedef struct {
    const char *name;
    ArgKind kind;
    size_t offset;                 /* into MigrateOptions */
    unsigned long long min, max;   /* for the numeric kinds */
    const char *metavar;           /* the value's name in --help; NULL for a flag */
    const char *unit;              /* what the number means, for messages */
    const char *help;
} MigrateArgSpec;

#define FIELD(member) offsetof(MigrateOptions, member)
#define FLAG(name, member, help) { name, ARG_SET_TRUE, FIELD(member), 0, 0, NULL, NULL, help }
#define NOFLAG(name, member, help) { name, ARG_SET_FALSE, FIELD(member), 0, 0, NULL, NULL, help }
#define NUM(name, kind, member, lo, hi, metavar, unit, help) \
    { name, kind, FIELD(member), lo, hi, metavar, unit, help }
#define STR(name, member, metavar, help) \
    { name, ARG_STRING, FIELD(member), 0, 0, metavar, NULL, help }
#define SPECIAL(name, kind, metavar, help) { name, kind, 0, 0, 0, metavar, NULL, help }

static const MigrateArgSpec migrate_args[] = {
    /* mode */
    FLAG("live", live, "migrate while the guest runs (virtmig's default)"),
    NOFLAG("no-live", live, "pause the guest while it migrates"),
    FLAG("offline", offline, "move only the definition of a stopped guest"),
    FLAG("p2p", p2p, "source libvirtd drives the migration (virtmig's default)"),
    NOFLAG("no-p2p", p2p, "virtmig drives the migration (client-managed)"),
    FLAG("direct", direct, "hypervisor-native direct migration (not with QEMU)"),
    FLAG("tunnelled", tunnelled, "carry the data inside the libvirtd connection"),
    FLAG("persistent", persistent, "define the guest on the destination (default)"),
    NOFLAG("no-persistent", persistent, "leave the guest transient on the destination"),
    FLAG("undefinesource", undefine_source, "undefine the guest on the source afterwards"),
    FLAG("suspend", suspend, "leave the guest paused on the destination"),
    FLAG("change-protection", change_protection, "forbid changes to the guest while it migrates"),
    FLAG("unsafe", unsafe, "migrate even if libvirt considers it unsafe"),
    FLAG("abort-on-error", abort_on_error, "abort on soft errors during the migration"),
    /* storage */
    FLAG("copy-storage-all", copy_storage_all, "copy the full disk images too"),
    FLAG("copy-storage-inc", copy_storage_inc, "copy disk images incrementally (shared base)"),
    SPECIAL("migrate-disks", ARG_DISK_LIST, "DISK,...", "copy only these disks (e.g. vda,vdb)"),
    NUM("disks-port", ARG_INT, disks_port, 0, 65535, "PORT", "a TCP port",
        "port for the disk copy (0: libvirt picks)"),
    STR("disks-uri", disks_uri, "URI", "URI for the disk copy"),
    /* convergence */
    FLAG("postcopy", postcopy, "allow switching to post-copy"),
    SPECIAL("postcopy-after-precopy", ARG_POSTCOPY_AFTER_PRECOPY, NULL,
            "switch to post-copy after the first pass (needs --postcopy)"),
    SPECIAL("assistant", ARG_ASSISTANT, "LADDER",
            "escalate a stalled migration: minimal-downtime, post-copy, suspend-if-needed, "
            "or steps like \"downtime 1s after 2; postcopy after 2\""),
    NUM("postcopy-bandwidth", ARG_U64, postcopy_bandwidth_mibs, 1, MIGRATE_BANDWIDTH_MAX_MIBS,
        "MIB/S", "a bandwidth in MiB/s", "bandwidth cap during post-copy"),
    FLAG("auto-converge", auto_converge, "throttle the guest's vCPUs until it converges"),
    NUM("auto-converge-initial", ARG_INT, auto_converge_initial, 0, 100, "PERCENT",
        "a percentage of CPU time", "initial throttle"),
    NUM("auto-converge-increment", ARG_INT, auto_converge_increment, 0, 100, "PERCENT",
        "a percentage of CPU time", "throttle added each time it does not converge"),
    NUM("bandwidth", ARG_U64, bandwidth_mibs, 1, MIGRATE_BANDWIDTH_MAX_MIBS, "MIB/S", "a bandwidth in MiB/s",
        "bandwidth cap"),
    NUM("max-downtime", ARG_U64, max_downtime_ms, 1, UINT64_MAX / 1000, "MS", "a time in milliseconds",
        "longest pause allowed at switch-over (libvirt's default: 300)"),
    NUM("timeout", ARG_UNSIGNED, timeout_s, 1, UINT_MAX, "SECONDS", "a time in seconds",
        "after this long, act (suspend unless --timeout-postcopy)"),
    SPECIAL("timeout-suspend", ARG_TIMEOUT_SUSPEND, NULL, "on --timeout, pause the guest"),
    SPECIAL("timeout-postcopy", ARG_TIMEOUT_POSTCOPY, NULL,
            "on --timeout, switch to post-copy (needs --postcopy)"),
    /* performance */
    FLAG("compressed", compressed, "compress memory pages"),
    SPECIAL("comp-methods", ARG_COMP_METHODS, "LIST", "xbzrle, mt, zlib, zstd (comma-separated)"),
    NUM("comp-mt-level", ARG_INT, comp_mt_level, 0, 9, "LEVEL", "a compression level", "mt compression level"),
    NUM("comp-mt-threads", ARG_INT, comp_mt_threads, 1, 255, "N", "a thread count",
        "mt compression threads"),
    NUM("comp-mt-dthreads", ARG_INT, comp_mt_dthreads, 1, 255, "N", "a thread count",
        "mt decompression threads"),
    NUM("comp-xbzrle-cache", ARG_LLONG, comp_xbzrle_cache, 1, LLONG_MAX, "BYTES", "a size in bytes",
        "xbzrle cache size"),
    NUM("comp-zlib-level", ARG_INT, comp_zlib_level, 0, 9, "LEVEL", "a compression level",
        "zlib compression level"),
    NUM("comp-zstd-level", ARG_INT, comp_zstd_level, 0, 20, "LEVEL", "a compression level",
        "zstd compression level"),
    FLAG("parallel", parallel, "migrate over several connections"),
    NUM("parallel-connections", ARG_INT, parallel_connections, 1, 255, "N", "a connection count",
        "number of parallel connections"),
    FLAG("zerocopy", zerocopy, "zero-copy transfer (with --parallel)"),
    /* security */
    FLAG("tls", tls, "encrypt the migration data with TLS"),
    STR("tls-destination", tls_destination, "NAME", "host name the TLS certificate must match"),
    /* advanced */
    STR("dname", dname, "NAME", "rename the guest on the destination"),
    STR("xml", dest_xml_path, "FILE", "domain XML to use on the destination"),
    STR("persistent-xml", persistent_xml_path, "FILE", "persistent domain XML for the destination"),
    STR("migrateuri", migrate_uri, "URI", "where the data goes (e.g. tcp://10.0.0.2)"),
    STR("listen-address", listen_address, "ADDR", "address the destination listens on"),
    STR("graphicsuri", graphics_uri, "URI", "where graphical clients reconnect"),
};

#define MIGRATE_ARG_COUNT (sizeof(migrate_args) / sizeof(migrate_args[0]))
_Static_assert(sizeof(migrate_args) / sizeof(migrate_args[0]) <= CLI_MIGRATE_OPTION_SLOTS,
               "CLI_MIGRATE_OPTION_SLOTS is too small for the option table");

static void set_error(char *error, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *error, size_t size, const char *format, ...)
{
    va_list ap;
    if (!error || size == 0)
        return;
    va_start(ap, format);
    vsnprintf(error, size, format, ap);
    va_end(ap);
}

static const MigrateArgSpec *find_spec(const char *name, size_t *index)
{
    for (size_t i = 0; i < MIGRATE_ARG_COUNT; i++) {
        if (strcmp(migrate_args[i].name, name) == 0) {
            if (index)
                *index = i;
            return &migrate_args[i];
        }
    }
    return NULL;
}

static bool was_seen(const CliMigrateArgs *args, const char *name)
{
    size_t index;
    return find_spec(name, &index) && args->seen[index];
}

void cli_migrate_args_init(CliMigrateArgs *args)
{
    memset(args, 0, sizeof(*args));
    migrate_options_init(&args->options);
}

void cli_migrate_args_clear(CliMigrateArgs *args)
{
    if (!args)
        return;
    migrate_options_clear(&args->options);
    free(args->assistant);
    memset(args, 0, sizeof(*args));
}

bool cli_migrate_args_lookup(const char *name, bool *takes_value)
{
    const MigrateArgSpec *spec = name ? find_spec(name, NULL) : NULL;
    if (spec && takes_value)
        *takes_value = spec->metavar != NULL;
    return spec != NULL;
}

/* Strict decimal: digits only, no sign, no spaces, no overflow. */
static bool parse_decimal(const char *text, unsigned long long *out)
{
    char *end;
    if (!text || text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = value;
    return true;
}

static int apply_number(CliMigrateArgs *args, const MigrateArgSpec *spec, const char *value,
                        char *error, size_t size)
{
    unsigned long long number;
    if (!parse_decimal(value, &number)) {
        set_error(error, size, "--%s '%s': expected %s, a whole number from %llu to %llu",
                  spec->name, value, spec->unit, spec->min, spec->max);
        return -1;
    }
    if (number < spec->min || number > spec->max) {
        set_error(error, size, "--%s %s: out of range: give %s from %llu to %llu",
                  spec->name, value, spec->unit, spec->min, spec->max);
        return -1;
    }
    char *field = (char *)&args->options + spec->offset;
    switch (spec->kind) {
    case ARG_U64:      *(uint64_t *)(void *)field = number; break;
    case ARG_UNSIGNED: *(unsigned *)(void *)field = (unsigned)number; break;
    case ARG_INT:      *(int *)(void *)field = (int)number; break;
    case ARG_LLONG:    *(long long *)(void *)field = (long long)number; break;
    default: break;
    }
    return 0;
}

static void free_disks(MigrateOptions *options)
{
    for (size_t i = 0; i < options->migrate_disks_count; i++)
        free(options->migrate_disks[i]);
    free(options->migrate_disks);
    options->migrate_disks = NULL;
    options->migrate_disks_count = 0;
}

/* "vda,vdb" -> {"vda", "vdb"}; an empty item is a mistake worth naming. */
static int apply_disk_list(CliMigrateArgs *args, const char *value, char *error, size_t size)
{
    MigrateOptions *options = &args->options;
    const char *item = value;
    free_disks(options);
    for (;;) {
        size_t length = strcspn(item, ",");
        if (length == 0) {
            set_error(error, size,
                      "--migrate-disks '%s': empty disk name: list target names separated "
                      "by commas, e.g. --migrate-disks vda,vdb", value);
            goto error;
        }
        char **grown = realloc(options->migrate_disks,
                               (options->migrate_disks_count + 1) * sizeof(*grown));
        if (!grown)
            goto nomem;
        options->migrate_disks = grown;
        if (!(grown[options->migrate_disks_count] = strndup(item, length)))
            goto nomem;
        options->migrate_disks_count++;
        if (item[length] == '\0')
            return 0;
        item += length + 1;
    }
nomem:
    set_error(error, size, "--migrate-disks: out of memory");
error:
    free_disks(options);
    return -1;
}

static const struct {
    const char *name;
    CompressMethod bit;
} compress_names[] = {
    { "xbzrle", COMPRESS_XBZRLE }, { "mt", COMPRESS_MT },
    { "zlib", COMPRESS_ZLIB },     { "zstd", COMPRESS_ZSTD },
};

static int apply_comp_methods(CliMigrateArgs *args, const char *value, char *error, size_t size)
{
    unsigned methods = 0;
    const char *item = value;
    for (;;) {
        size_t length = strcspn(item, ",");
        bool known = false;
        for (size_t i = 0; i < sizeof(compress_names) / sizeof(compress_names[0]); i++) {
            if (strlen(compress_names[i].name) == length &&
                strncmp(compress_names[i].name, item, length) == 0) {
                methods |= compress_names[i].bit;
                known = true;
            }
        }
        if (!known) {
            set_error(error, size,
                      "--comp-methods '%s': unknown method '%.*s': use xbzrle, mt, zlib or "
                      "zstd, separated by commas", value, (int)length, item);
            return -1;
        }
        if (item[length] == '\0')
            break;
        item += length + 1;
    }
    args->options.compression_methods = methods;
    return 0;
}

int cli_migrate_args_apply(CliMigrateArgs *args, const char *name, const char *value,
                           char *error, size_t error_size)
{
    size_t index;
    const MigrateArgSpec *spec = name ? find_spec(name, &index) : NULL;
    if (!spec) {
        set_error(error, error_size, "--%s: not a migrate option; 'virtmig migrate --help' "
                  "lists them", name ? name : "");
        return -1;
    }
    if (args->seen[index]) {
        set_error(error, error_size, "--%s given twice: keep one", spec->name);
        return -1;
    }
    if (spec->metavar && (!value || value[0] == '\0')) {
        set_error(error, error_size, "--%s needs a value: --%s %s", spec->name, spec->name,
                  spec->metavar);
        return -1;
    }
    if (!spec->metavar && value) {
        set_error(error, error_size, "--%s takes no value: drop '=%s'", spec->name, value);
        return -1;
    }

    char *field = (char *)&args->options + spec->offset;
    switch (spec->kind) {
    case ARG_SET_TRUE:
        *(bool *)(void *)field = true;
        break;
    case ARG_SET_FALSE:
        *(bool *)(void *)field = false;
        break;
    case ARG_U64: case ARG_UNSIGNED: case ARG_INT: case ARG_LLONG:
        if (apply_number(args, spec, value, error, error_size) < 0)
            return -1;
        break;
    case ARG_STRING: {
        char *copy = strdup(value);
        if (!copy) {
            set_error(error, error_size, "--%s: out of memory", spec->name);
            return -1;
        }
        free(*(char **)(void *)field);
        *(char **)(void *)field = copy;
        break;
    }
    case ARG_DISK_LIST:
        if (apply_disk_list(args, value, error, error_size) < 0)
            return -1;
        break;
    case ARG_COMP_METHODS:
        if (apply_comp_methods(args, value, error, error_size) < 0)
            return -1;
        break;
    case ARG_TIMEOUT_SUSPEND:
    case ARG_TIMEOUT_POSTCOPY: {
        TimeoutAction action = spec->kind == ARG_TIMEOUT_SUSPEND ? TIMEOUT_ACTION_SUSPEND
                                                                 : TIMEOUT_ACTION_POSTCOPY;
        if (args->options.timeout_action != TIMEOUT_ACTION_NONE &&
            args->options.timeout_action != action) {
            set_error(error, error_size, "--timeout-suspend and --timeout-postcopy contradict: "
                      "choose one action for --timeout");
            return -1;
        }
        args->options.timeout_action = action;
        break;
    }
    case ARG_POSTCOPY_AFTER_PRECOPY:
        args->postcopy_after_precopy = true;
        break;
    case ARG_ASSISTANT: {
        AssistantLadder ladder;
        char why[256];
        if (assistant_ladder_parse(value, &ladder, why, sizeof(why)) < 0) {
            set_error(error, error_size, "--assistant: %s", why);
            return -1;
        }
        char *copy = strdup(value);
        if (!copy) {
            set_error(error, error_size, "--assistant: out of memory");
            return -1;
        }
        free(args->assistant);
        args->assistant = copy;
        break;
    }
    }
    args->seen[index] = true;
    return 0;
}

/* "--a and --b contradict" for each pair of opposite switches given together. */
static const struct {
    const char *yes, *no;
} opposites[] = {
    { "live", "no-live" }, { "p2p", "no-p2p" }, { "persistent", "no-persistent" },
};

int cli_migrate_args_finish(CliMigrateArgs *args, char *error, size_t error_size)
{
    MigrateOptions *options = &args->options;

    for (size_t i = 0; i < sizeof(opposites) / sizeof(opposites[0]); i++) {
        if (was_seen(args, opposites[i].yes) && was_seen(args, opposites[i].no)) {
            set_error(error, error_size, "--%s and --%s contradict: keep one",
                      opposites[i].yes, opposites[i].no);
            return -1;
        }
    }
    /* virtmig starts from live + p2p; an explicit --offline or --direct means
     * the user wants the other mode, unless they also asked for the default
     * explicitly (then validation reports the conflict by name). */
    if (options->offline && !was_seen(args, "live"))
        options->live = false;
    if (options->direct && !was_seen(args, "p2p"))
        options->p2p = false;
    if (options->timeout_s > 0 && options->timeout_action == TIMEOUT_ACTION_NONE)
        options->timeout_action = TIMEOUT_ACTION_SUSPEND;   /* virsh's default action */
    if (options->timeout_s == 0 && options->timeout_action != TIMEOUT_ACTION_NONE) {
        set_error(error, error_size, "--%s needs --timeout SECONDS: add how long to wait",
                  options->timeout_action == TIMEOUT_ACTION_SUSPEND ? "timeout-suspend"
                                                                    : "timeout-postcopy");
        return -1;
    }
    if (args->postcopy_after_precopy && !options->postcopy) {
        set_error(error, error_size,
                  "--postcopy-after-precopy needs --postcopy: add --postcopy to allow it");
        return -1;
    }
    if (args->assistant) {
        AssistantLadder ladder;
        char why[256];
        if (assistant_ladder_parse(args->assistant, &ladder, why, sizeof(why)) < 0 ||
            assistant_ladder_check(&ladder, options->postcopy, why, sizeof(why)) < 0) {
            set_error(error, error_size, "--assistant: %s (add --postcopy to allow it)", why);
            return -1;
        }
    }
    return 0;
}

void cli_migrate_args_print_help(FILE *out)
{
    for (size_t i = 0; i < MIGRATE_ARG_COUNT; i++) {
        const MigrateArgSpec *spec = &migrate_args[i];
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", spec->name, spec->metavar ? " " : "",
                 spec->metavar ? spec->metavar : "");
        fprintf(out, "      %-32s %s\n", left, spec->help);
    }
}
