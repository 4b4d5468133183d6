/* The migration form's field table, enabling rules and value parsing. */
#include "form_fields.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form_ladder.h"
#include "units.h"

#define F(id, group, kind, option, label, unit, flag, example, needs) \
    [id] = { id, group, kind, option, label, unit, flag, example, needs }

static const FormFieldInfo FIELDS[FF_COUNT] = {
    F(FF_DESTINATION, FORM_GROUP_DESTINATION, FORM_KIND_DESTINATION, OPT_FIELD_NONE,
      "Destination host", NULL, NULL, NULL, NULL),

    F(FF_LIVE, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_LIVE,
      "Live (guest keeps running)", NULL, "--live", NULL, NULL),
    F(FF_OFFLINE, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_OFFLINE,
      "Offline (definition only)", NULL, "--offline", NULL, NULL),
    F(FF_P2P, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_P2P,
      "Peer to peer", NULL, "--p2p", NULL, NULL),
    F(FF_DIRECT, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_DIRECT,
      "Direct (hypervisor managed)", NULL, "--direct", NULL, NULL),
    F(FF_TUNNELLED, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_TUNNELLED,
      "Tunnelled through libvirtd", NULL, "--tunnelled", NULL, NULL),
    F(FF_PERSISTENT, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_PERSISTENT,
      "Persistent on destination", NULL, "--persistent", NULL, NULL),
    F(FF_UNDEFINE_SOURCE, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_UNDEFINE_SOURCE,
      "Undefine on source", NULL, "--undefinesource", NULL, NULL),
    F(FF_SUSPEND, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_SUSPEND,
      "Leave paused on destination", NULL, "--suspend", NULL, NULL),
    F(FF_CHANGE_PROTECTION, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_CHANGE_PROTECTION,
      "Change protection", NULL, "--change-protection", NULL, NULL),
    F(FF_UNSAFE, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_UNSAFE,
      "Unsafe (skip safety checks)", NULL, "--unsafe", NULL, NULL),
    F(FF_ABORT_ON_ERROR, FORM_GROUP_MODE, FORM_KIND_BOOL, OPT_FIELD_ABORT_ON_ERROR,
      "Abort on I/O error", NULL, "--abort-on-error", NULL, NULL),

    F(FF_COPY_STORAGE_ALL, FORM_GROUP_STORAGE, FORM_KIND_BOOL, OPT_FIELD_COPY_STORAGE_ALL,
      "Copy all storage", NULL, "--copy-storage-all", NULL, NULL),
    F(FF_COPY_STORAGE_INC, FORM_GROUP_STORAGE, FORM_KIND_BOOL, OPT_FIELD_COPY_STORAGE_INC,
      "Copy storage incrementally", NULL, "--copy-storage-inc", NULL, NULL),
    F(FF_MIGRATE_DISKS, FORM_GROUP_STORAGE, FORM_KIND_LIST, OPT_FIELD_MIGRATE_DISKS,
      "Disks to copy", "targets", "--migrate-disks", "vda,vdb", "needs a storage copy"),
    F(FF_DISKS_PORT, FORM_GROUP_STORAGE, FORM_KIND_INTEGER, OPT_FIELD_DISKS_PORT,
      "Disk copy port", NULL, "--disks-port", "49153", "needs a storage copy"),
    F(FF_DISKS_URI, FORM_GROUP_STORAGE, FORM_KIND_TEXT, OPT_FIELD_DISKS_URI,
      "Disk copy URI", NULL, "--disks-uri", "tcp://10.0.0.2:49153", "needs a storage copy"),

    F(FF_POSTCOPY, FORM_GROUP_CONVERGENCE, FORM_KIND_BOOL, OPT_FIELD_POSTCOPY,
      "Allow post-copy", NULL, "--postcopy", NULL, NULL),
    F(FF_POSTCOPY_BANDWIDTH, FORM_GROUP_CONVERGENCE, FORM_KIND_MIBS,
      OPT_FIELD_POSTCOPY_BANDWIDTH, "Post-copy bandwidth", "MiB/s", "--postcopy-bandwidth",
      "100M", "needs Allow post-copy"),
    F(FF_AUTO_CONVERGE, FORM_GROUP_CONVERGENCE, FORM_KIND_BOOL, OPT_FIELD_AUTO_CONVERGE,
      "Auto-converge (throttle)", NULL, "--auto-converge", NULL, NULL),
    F(FF_AUTO_CONVERGE_INITIAL, FORM_GROUP_CONVERGENCE, FORM_KIND_PERCENT,
      OPT_FIELD_AUTO_CONVERGE_INITIAL, "Initial throttle", "%", "--auto-converge-initial",
      "20", "needs Auto-converge"),
    F(FF_AUTO_CONVERGE_INCREMENT, FORM_GROUP_CONVERGENCE, FORM_KIND_PERCENT,
      OPT_FIELD_AUTO_CONVERGE_INCREMENT, "Throttle increment", "%",
      "--auto-converge-increment", "10", "needs Auto-converge"),
    F(FF_BANDWIDTH, FORM_GROUP_CONVERGENCE, FORM_KIND_MIBS, OPT_FIELD_BANDWIDTH,
      "Bandwidth limit", "MiB/s", "--bandwidth", "50M", NULL),
    F(FF_MAX_DOWNTIME, FORM_GROUP_CONVERGENCE, FORM_KIND_MS, OPT_FIELD_MAX_DOWNTIME,
      "Max downtime", "ms", NULL, "300ms", NULL),
    F(FF_TIMEOUT, FORM_GROUP_CONVERGENCE, FORM_KIND_SECONDS, OPT_FIELD_TIMEOUT,
      "Timeout", "s", "--timeout", "120s", NULL),
    F(FF_TIMEOUT_ACTION, FORM_GROUP_CONVERGENCE, FORM_KIND_CHOICE, OPT_FIELD_TIMEOUT_ACTION,
      "On timeout", NULL, "--timeout-suspend/--timeout-postcopy", NULL, "needs a Timeout"),
    F(FF_ASSISTANT, FORM_GROUP_CONVERGENCE, FORM_KIND_CHOICE, OPT_FIELD_NONE,
      "Assistant ladder", NULL, "virtmig, not virsh", NULL, NULL),
    F(FF_ASSISTANT_LADDER, FORM_GROUP_CONVERGENCE, FORM_KIND_TEXT, OPT_FIELD_NONE,
      "Ladder steps", NULL, "one line, ';' between steps",
      "downtime 500ms after 3; abort after 5", "needs Assistant ladder custom"),

    F(FF_COMPRESSED, FORM_GROUP_PERFORMANCE, FORM_KIND_BOOL, OPT_FIELD_COMPRESSED,
      "Compress", NULL, "--compressed", NULL, NULL),
    F(FF_COMPRESS_XBZRLE, FORM_GROUP_PERFORMANCE, FORM_KIND_BOOL,
      OPT_FIELD_COMPRESSION_METHODS, "Method xbzrle", NULL, "--comp-methods xbzrle", NULL,
      "needs Compress"),
    F(FF_COMPRESS_MT, FORM_GROUP_PERFORMANCE, FORM_KIND_BOOL, OPT_FIELD_COMPRESSION_METHODS,
      "Method mt", NULL, "--comp-methods mt", NULL, "needs Compress"),
    F(FF_COMPRESS_ZLIB, FORM_GROUP_PERFORMANCE, FORM_KIND_BOOL,
      OPT_FIELD_COMPRESSION_METHODS, "Method zlib", NULL, "--comp-methods zlib", NULL,
      "needs Compress"),
    F(FF_COMPRESS_ZSTD, FORM_GROUP_PERFORMANCE, FORM_KIND_BOOL,
      OPT_FIELD_COMPRESSION_METHODS, "Method zstd", NULL, "--comp-methods zstd", NULL,
      "needs Compress"),
    F(FF_COMP_MT_LEVEL, FORM_GROUP_PERFORMANCE, FORM_KIND_INTEGER, OPT_FIELD_COMP_MT_LEVEL,
      "mt level", NULL, "--comp-mt-level", "1", "needs method mt"),
    F(FF_COMP_MT_THREADS, FORM_GROUP_PERFORMANCE, FORM_KIND_INTEGER,
      OPT_FIELD_COMP_MT_THREADS, "mt threads", NULL, "--comp-mt-threads", "8",
      "needs method mt"),
    F(FF_COMP_MT_DTHREADS, FORM_GROUP_PERFORMANCE, FORM_KIND_INTEGER,
      OPT_FIELD_COMP_MT_DTHREADS, "mt decompression threads", NULL, "--comp-mt-dthreads",
      "2", "needs method mt"),
    F(FF_COMP_XBZRLE_CACHE, FORM_GROUP_PERFORMANCE, FORM_KIND_BYTES,
      OPT_FIELD_COMP_XBZRLE_CACHE, "xbzrle cache", "bytes", "--comp-xbzrle-cache", "64M",
      "needs method xbzrle"),
    F(FF_COMP_ZLIB_LEVEL, FORM_GROUP_PERFORMANCE, FORM_KIND_INTEGER,
      OPT_FIELD_COMP_ZLIB_LEVEL, "zlib level", NULL, "--comp-zlib-level", "1",
      "needs method zlib"),
    F(FF_COMP_ZSTD_LEVEL, FORM_GROUP_PERFORMANCE, FORM_KIND_INTEGER,
      OPT_FIELD_COMP_ZSTD_LEVEL, "zstd level", NULL, "--comp-zstd-level", "1",
      "needs method zstd"),
    F(FF_PARALLEL, FORM_GROUP_PERFORMANCE, FORM_KIND_BOOL, OPT_FIELD_PARALLEL,
      "Parallel connections", NULL, "--parallel", NULL, NULL),
    F(FF_PARALLEL_CONNECTIONS, FORM_GROUP_PERFORMANCE, FORM_KIND_INTEGER,
      OPT_FIELD_PARALLEL_CONNECTIONS, "Connections", NULL, "--parallel-connections", "4",
      "needs Parallel"),
    F(FF_ZEROCOPY, FORM_GROUP_PERFORMANCE, FORM_KIND_BOOL, OPT_FIELD_ZEROCOPY,
      "Zero-copy", NULL, "--zerocopy", NULL, NULL),

    F(FF_TLS, FORM_GROUP_SECURITY, FORM_KIND_BOOL, OPT_FIELD_TLS,
      "Encrypt with TLS", NULL, "--tls", NULL, NULL),
    F(FF_TLS_DESTINATION, FORM_GROUP_SECURITY, FORM_KIND_TEXT, OPT_FIELD_TLS_DESTINATION,
      "TLS destination name", NULL, "--tls-destination", "host2.example.com",
      "needs TLS"),

    F(FF_DNAME, FORM_GROUP_ADVANCED, FORM_KIND_TEXT, OPT_FIELD_DNAME,
      "Rename to", NULL, "--dname", "vm1-new", NULL),
    F(FF_DEST_XML, FORM_GROUP_ADVANCED, FORM_KIND_TEXT, OPT_FIELD_DEST_XML,
      "Destination XML file", NULL, "--xml", "/root/vm1-dest.xml", NULL),
    F(FF_PERSISTENT_XML, FORM_GROUP_ADVANCED, FORM_KIND_TEXT, OPT_FIELD_PERSISTENT_XML,
      "Persistent XML file", NULL, "--persistent-xml", "/root/vm1.xml",
      "needs Persistent"),
    F(FF_MIGRATE_URI, FORM_GROUP_ADVANCED, FORM_KIND_TEXT, OPT_FIELD_MIGRATE_URI,
      "Migration URI", NULL, "--migrateuri", "tcp://10.0.0.2", NULL),
    F(FF_LISTEN_ADDRESS, FORM_GROUP_ADVANCED, FORM_KIND_TEXT, OPT_FIELD_LISTEN_ADDRESS,
      "Listen address", NULL, "--listen-address", "0.0.0.0", NULL),
    F(FF_GRAPHICS_URI, FORM_GROUP_ADVANCED, FORM_KIND_TEXT, OPT_FIELD_GRAPHICS_URI,
      "Graphics URI", NULL, "--graphicsuri", "spice://10.0.0.2:5900", NULL),
};

#undef F

static const char *const GROUP_TITLES[FORM_GROUP_COUNT] = {
    [FORM_GROUP_DESTINATION] = "Destination",
    [FORM_GROUP_MODE] = "Mode",
    [FORM_GROUP_STORAGE] = "Storage",
    [FORM_GROUP_CONVERGENCE] = "Convergence",
    [FORM_GROUP_PERFORMANCE] = "Performance",
    [FORM_GROUP_SECURITY] = "Security",
    [FORM_GROUP_ADVANCED] = "Advanced",
};

/* One sentence per field, shown under the fields for the focused one. */
static const char *const HELP[FF_COUNT] = {
    [FF_DESTINATION] = "The connected host to move the domain to; Space or Left/Right picks "
                       "another.",
    [FF_LIVE] = "Copy memory while the guest runs; it pauses only for the final switch-over.",
    [FF_OFFLINE] = "Move only the definition, no running state: for a shut-off domain.",
    [FF_P2P] = "The source libvirtd drives the migration, so it goes on if virtmig quits.",
    [FF_DIRECT] = "Hypervisor to hypervisor without libvirt in between (QEMU does not "
                  "support it).",
    [FF_TUNNELLED] = "Carry the migration data over the libvirtd connection instead of a "
                     "QEMU socket.",
    [FF_PERSISTENT] = "Define the domain on the destination, so it survives a shutdown there.",
    [FF_UNDEFINE_SOURCE] = "Remove the definition from the source once the domain has moved.",
    [FF_SUSPEND] = "Leave the domain paused on the destination instead of resuming it.",
    [FF_CHANGE_PROTECTION] = "Refuse changes to the domain's configuration while it migrates.",
    [FF_UNSAFE] = "Migrate even where libvirt sees a risk (disk cache mode, storage not "
                  "shared).",
    [FF_ABORT_ON_ERROR] = "Cancel the migration if an I/O error happens during it.",
    [FF_COPY_STORAGE_ALL] = "Copy whole disk images to the destination (storage not shared).",
    [FF_COPY_STORAGE_INC] = "Copy only the top image layer; the destination has the backing "
                            "files.",
    [FF_MIGRATE_DISKS] = "Copy only these disks (target names, comma-separated); empty: all.",
    [FF_DISKS_PORT] = "TCP port of the destination's NBD server for the disk copy.",
    [FF_DISKS_URI] = "URI of the destination's NBD server for the disk copy.",
    [FF_POSTCOPY] = "Allow switching to post-copy: the guest runs on the destination and "
                    "fetches the rest of its memory on demand.",
    [FF_POSTCOPY_BANDWIDTH] = "Bandwidth cap once the migration is in post-copy.",
    [FF_AUTO_CONVERGE] = "Slow the guest's vCPUs down while it dirties memory faster than it "
                         "is sent.",
    [FF_AUTO_CONVERGE_INITIAL] = "First throttle step, in percent of CPU time taken away.",
    [FF_AUTO_CONVERGE_INCREMENT] = "Throttle added at each step while it still does not "
                                   "converge.",
    [FF_BANDWIDTH] = "Cap on the migration's transfer rate; empty: unlimited.",
    [FF_MAX_DOWNTIME] = "Longest pause allowed for the final switch-over; empty: libvirt's "
                        "300 ms.",
    [FF_TIMEOUT] = "After this long, suspend the guest (or switch to post-copy) to finish.",
    [FF_TIMEOUT_ACTION] = "What the timeout does: suspend the guest, or switch to post-copy.",
    [FF_ASSISTANT] = "virtmig escalates a stalled migration step by step (downtime, "
                     "post-copy, suspend, abort); Space cycles the ladders.",
    [FF_ASSISTANT_LADDER] = "Steps separated by ';', e.g. \"downtime x2 upto 2s after 2; "
                            "postcopy after 2\" (after N: iterations without progress).",
    [FF_COMPRESSED] = "Compress memory on the wire (costs CPU on both hosts).",
    [FF_COMPRESS_XBZRLE] = "Send only the changed bytes of pages sent before (uses a cache).",
    [FF_COMPRESS_MT] = "Multi-threaded compression of pages by QEMU's compress threads.",
    [FF_COMPRESS_ZLIB] = "zlib compression of the parallel (multifd) streams.",
    [FF_COMPRESS_ZSTD] = "zstd compression of the parallel (multifd) streams.",
    [FF_COMP_MT_LEVEL] = "mt compression level, 0 (none) to 9 (best).",
    [FF_COMP_MT_THREADS] = "Compression threads on the source.",
    [FF_COMP_MT_DTHREADS] = "Decompression threads on the destination.",
    [FF_COMP_XBZRLE_CACHE] = "Size of the xbzrle page cache on the source.",
    [FF_COMP_ZLIB_LEVEL] = "zlib compression level, 0 to 9.",
    [FF_COMP_ZSTD_LEVEL] = "zstd compression level, 0 to 20.",
    [FF_PARALLEL] = "Send memory over several connections at once (multifd).",
    [FF_PARALLEL_CONNECTIONS] = "How many parallel connections.",
    [FF_ZEROCOPY] = "Send pages without copying them in the kernel (needs parallel).",
    [FF_TLS] = "Encrypt the migration stream with TLS (hosts need migration certificates).",
    [FF_TLS_DESTINATION] = "Name to expect in the destination's certificate when it differs "
                           "from the URI.",
    [FF_DNAME] = "New name of the domain on the destination.",
    [FF_DEST_XML] = "File with the domain XML to use on the destination (same name and UUID).",
    [FF_PERSISTENT_XML] = "File with the persistent definition to store on the destination.",
    [FF_MIGRATE_URI] = "Where QEMU sends the data, e.g. tcp://10.0.0.2 for a dedicated "
                       "network.",
    [FF_LISTEN_ADDRESS] = "Address the destination QEMU listens on for the incoming data.",
    [FF_GRAPHICS_URI] = "Where graphical (SPICE) clients reconnect after the move.",
};

static const char *const TIMEOUT_ACTIONS[FORM_TIMEOUT_ACTION_COUNT] = { "suspend", "postcopy" };

const FormFieldInfo *form_field_info(FormFieldId id)
{
    if ((int)id < 0 || id >= FF_COUNT)
        return NULL;
    return &FIELDS[id];
}

const char *form_field_help(FormFieldId id)
{
    if ((int)id < 0 || id >= FF_COUNT || !HELP[id])
        return "";
    return HELP[id];
}

const char *form_group_title(FormGroup group)
{
    if ((int)group < 0 || group >= FORM_GROUP_COUNT)
        return "";
    return GROUP_TITLES[group];
}

const char *form_timeout_action_name(int choice)
{
    if (choice < 0 || choice >= FORM_TIMEOUT_ACTION_COUNT)
        return "";
    return TIMEOUT_ACTIONS[choice];
}

int form_field_choice_count(FormFieldId id)
{
    switch (id) {
    case FF_TIMEOUT_ACTION: return FORM_TIMEOUT_ACTION_COUNT;
    case FF_ASSISTANT: return FORM_LADDER_CHOICE_COUNT;
    default: return 0;
    }
}

const char *form_field_choice_name(FormFieldId id, int choice)
{
    switch (id) {
    case FF_TIMEOUT_ACTION: return form_timeout_action_name(choice);
    case FF_ASSISTANT: return form_ladder_choice_name(choice);
    default: return "";
    }
}

bool form_field_choice_available(const FormValues *values, FormFieldId id, int choice)
{
    if (choice < 0 || choice >= form_field_choice_count(id))
        return false;
    bool postcopy_possible = !values->unavailable[FF_POSTCOPY];
    if (id == FF_TIMEOUT_ACTION && choice == 1)
        return postcopy_possible;
    if (id == FF_ASSISTANT && choice == FORM_LADDER_POSTCOPY)
        return postcopy_possible;
    return true;
}

bool form_field_kind_is_text(FormFieldKind kind)
{
    return kind != FORM_KIND_DESTINATION && kind != FORM_KIND_BOOL && kind != FORM_KIND_CHOICE;
}

FormFieldId form_field_for_option(OptionField option)
{
    if (option == OPT_FIELD_NONE)
        return FF_COUNT;
    for (size_t i = 0; i < FF_COUNT; i++) {
        if (FIELDS[i].option == option)
            return (FormFieldId)i;
    }
    return FF_COUNT;
}

int form_values_init(FormValues *values)
{
    memset(values, 0, sizeof(*values));
    MigrateOptions defaults;
    migrate_options_init(&defaults);
    values->on[FF_LIVE] = defaults.live;
    values->on[FF_OFFLINE] = defaults.offline;
    values->on[FF_P2P] = defaults.p2p;
    values->on[FF_DIRECT] = defaults.direct;
    values->on[FF_TUNNELLED] = defaults.tunnelled;
    values->on[FF_PERSISTENT] = defaults.persistent;
    values->on[FF_UNDEFINE_SOURCE] = defaults.undefine_source;
    values->on[FF_SUSPEND] = defaults.suspend;
    values->on[FF_CHANGE_PROTECTION] = defaults.change_protection;
    values->on[FF_UNSAFE] = defaults.unsafe;
    values->on[FF_ABORT_ON_ERROR] = defaults.abort_on_error;
    values->on[FF_POSTCOPY] = defaults.postcopy;
    values->on[FF_AUTO_CONVERGE] = defaults.auto_converge;
    values->on[FF_COMPRESSED] = defaults.compressed;
    values->on[FF_PARALLEL] = defaults.parallel;
    values->on[FF_ZEROCOPY] = defaults.zerocopy;
    values->on[FF_TLS] = defaults.tls;
    /* suspend is virsh's own default action once a timeout is given */
    values->choice[FF_TIMEOUT_ACTION] =
        defaults.timeout_action == TIMEOUT_ACTION_POSTCOPY ? 1 : 0;
    migrate_options_clear(&defaults);
    return 0;
}

void form_values_clear(FormValues *values)
{
    if (!values)
        return;
    for (size_t i = 0; i < FF_COUNT; i++)
        form_input_clear(&values->input[i]);
}

/* The text of a field without the spaces around it, in a malloc'd copy. */
static char *trimmed_copy(const FormInput *input)
{
    const char *text = form_input_text(input);
    while (isspace((unsigned char)*text))
        text++;
    size_t length = strlen(text);
    while (length > 0 && isspace((unsigned char)text[length - 1]))
        length--;
    return strndup(text, length);
}

static bool has_text(const FormValues *values, FormFieldId id)
{
    for (const char *c = form_input_text(&values->input[id]); *c; c++) {
        if (!isspace((unsigned char)*c))
            return true;
    }
    return false;
}

bool form_field_enabled(const FormValues *values, FormFieldId id)
{
    const bool *on = values->on;
    if (id < FF_COUNT && values->unavailable[id])
        return false;
    bool compress = on[FF_COMPRESSED];
    bool no_method = !on[FF_COMPRESS_XBZRLE] && !on[FF_COMPRESS_MT] &&
                     !on[FF_COMPRESS_ZLIB] && !on[FF_COMPRESS_ZSTD];
    switch (id) {
    case FF_MIGRATE_DISKS:
    case FF_DISKS_PORT:
    case FF_DISKS_URI:
        return on[FF_COPY_STORAGE_ALL] || on[FF_COPY_STORAGE_INC];
    case FF_POSTCOPY_BANDWIDTH:
        return on[FF_POSTCOPY] && !values->unavailable[FF_POSTCOPY];
    case FF_AUTO_CONVERGE_INITIAL:
    case FF_AUTO_CONVERGE_INCREMENT:
        return on[FF_AUTO_CONVERGE];
    case FF_TIMEOUT_ACTION:
        return has_text(values, FF_TIMEOUT);
    case FF_ASSISTANT_LADDER:
        return values->choice[FF_ASSISTANT] == FORM_LADDER_CUSTOM;
    case FF_COMPRESS_XBZRLE:
    case FF_COMPRESS_MT:
    case FF_COMPRESS_ZLIB:
    case FF_COMPRESS_ZSTD:
        return compress;
    case FF_COMP_MT_LEVEL:
    case FF_COMP_MT_THREADS:
    case FF_COMP_MT_DTHREADS:
        return compress && on[FF_COMPRESS_MT];
    case FF_COMP_XBZRLE_CACHE:
        /* compression with no method chosen means xbzrle */
        return compress && (on[FF_COMPRESS_XBZRLE] || no_method);
    case FF_COMP_ZLIB_LEVEL:
        return compress && on[FF_COMPRESS_ZLIB];
    case FF_COMP_ZSTD_LEVEL:
        return compress && on[FF_COMPRESS_ZSTD];
    case FF_PARALLEL_CONNECTIONS:
        return on[FF_PARALLEL];
    case FF_TLS_DESTINATION:
        return on[FF_TLS];
    case FF_PERSISTENT_XML:
        return on[FF_PERSISTENT];
    default:
        return id < FF_COUNT;
    }
}

static void set_error(FormParseError *error, const char *format, const char *label,
                      const char *text, const char *example)
{
    error->bad = true;
    snprintf(error->message, sizeof(error->message), format, label, text, example);
}

/* A whole number in 0..INT_MAX; `percent` allows a trailing '%'. */
static int parse_integer(const FormFieldInfo *info, const char *text, bool percent, int *out,
                         FormParseError *error)
{
    const char *c = text;
    long long value = 0;
    bool digits = false;
    while (isdigit((unsigned char)*c)) {
        value = value * 10 + (*c - '0');
        if (value > INT_MAX) {
            set_error(error, "%s: \"%s\" is too large; type a smaller whole number, e.g. %s",
                      info->label, text, info->example);
            return -1;
        }
        digits = true;
        c++;
    }
    if (percent && *c == '%')
        c++;
    if (!digits || *c) {
        set_error(error, percent ? "%s: \"%s\" is not a percentage; type a whole number "
                                   "of percent, e.g. %s"
                                 : "%s: \"%s\" is not a whole number; type digits only, "
                                   "e.g. %s",
                  info->label, text, info->example);
        return -1;
    }
    *out = (int)value;
    return 0;
}

static int parse_units(const FormFieldInfo *info, const char *text, uint64_t *out,
                       FormParseError *error)
{
    char message[160];
    int rc;
    switch (info->kind) {
    case FORM_KIND_MIBS:
        rc = units_parse_size(text, UNITS_MIB, UNITS_MIB, out, message, sizeof(message));
        break;
    case FORM_KIND_BYTES:
        rc = units_parse_size(text, 1, 1, out, message, sizeof(message));
        break;
    case FORM_KIND_MS:
        rc = units_parse_duration(text, 1, 1, out, message, sizeof(message));
        break;
    default:   /* FORM_KIND_SECONDS */
        rc = units_parse_duration(text, 1000, 1000, out, message, sizeof(message));
        break;
    }
    if (rc < 0) {
        error->bad = true;
        snprintf(error->message, sizeof(error->message), "%s: %s", info->label, message);
    }
    return rc;
}

/* Splits "vda, vdb vdc" into names. */
static int parse_list(const char *text, char ***names_out, size_t *count_out)
{
    char **names = NULL;
    size_t count = 0;
    const char *c = text;
    while (*c) {
        while (*c == ',' || isspace((unsigned char)*c))
            c++;
        const char *start = c;
        while (*c && *c != ',' && !isspace((unsigned char)*c))
            c++;
        if (c == start)
            continue;
        char **bigger = realloc(names, (count + 1) * sizeof(*names));
        if (!bigger)
            goto no_memory;
        names = bigger;
        if (!(names[count] = strndup(start, (size_t)(c - start))))
            goto no_memory;
        count++;
    }
    *names_out = names;
    *count_out = count;
    return 0;

no_memory:
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return -1;
}

/* Parses one enabled text field into the options. Returns -1 on ENOMEM only. */
static int build_text_field(const FormFieldInfo *info, const char *text,
                            MigrateOptions *options, FormParseError *error)
{
    int integer = -1;
    uint64_t number = 0;

    switch (info->kind) {
    case FORM_KIND_INTEGER:
    case FORM_KIND_PERCENT:
        if (parse_integer(info, text, info->kind == FORM_KIND_PERCENT, &integer, error) < 0)
            return 0;
        break;
    case FORM_KIND_MIBS:
    case FORM_KIND_BYTES:
    case FORM_KIND_MS:
    case FORM_KIND_SECONDS:
        if (parse_units(info, text, &number, error) < 0)
            return 0;
        break;
    default:
        break;
    }

    char **string = NULL;
    switch (info->id) {
    case FF_MIGRATE_DISKS:
        return parse_list(text, &options->migrate_disks, &options->migrate_disks_count);
    case FF_DISKS_PORT: options->disks_port = integer; break;
    case FF_DISKS_URI: string = &options->disks_uri; break;
    case FF_POSTCOPY_BANDWIDTH: options->postcopy_bandwidth_mibs = number; break;
    case FF_AUTO_CONVERGE_INITIAL: options->auto_converge_initial = integer; break;
    case FF_AUTO_CONVERGE_INCREMENT: options->auto_converge_increment = integer; break;
    case FF_BANDWIDTH: options->bandwidth_mibs = number; break;
    case FF_MAX_DOWNTIME: options->max_downtime_ms = number; break;
    case FF_TIMEOUT:
        if (number > UINT_MAX) {
            set_error(error, "%s: \"%s\" is too long; type at most a few days, e.g. %s",
                      info->label, text, info->example);
            return 0;
        }
        options->timeout_s = (unsigned)number;
        break;
    case FF_COMP_MT_LEVEL: options->comp_mt_level = integer; break;
    case FF_COMP_MT_THREADS: options->comp_mt_threads = integer; break;
    case FF_COMP_MT_DTHREADS: options->comp_mt_dthreads = integer; break;
    case FF_COMP_XBZRLE_CACHE:
        if (number > (uint64_t)LLONG_MAX) {
            set_error(error, "%s: \"%s\" is too large; type a size like %s",
                      info->label, text, info->example);
            return 0;
        }
        options->comp_xbzrle_cache = (long long)number;
        break;
    case FF_COMP_ZLIB_LEVEL: options->comp_zlib_level = integer; break;
    case FF_COMP_ZSTD_LEVEL: options->comp_zstd_level = integer; break;
    case FF_PARALLEL_CONNECTIONS: options->parallel_connections = integer; break;
    case FF_TLS_DESTINATION: string = &options->tls_destination; break;
    case FF_DNAME: string = &options->dname; break;
    case FF_DEST_XML: string = &options->dest_xml_path; break;
    case FF_PERSISTENT_XML: string = &options->persistent_xml_path; break;
    case FF_MIGRATE_URI: string = &options->migrate_uri; break;
    case FF_LISTEN_ADDRESS: string = &options->listen_address; break;
    case FF_GRAPHICS_URI: string = &options->graphics_uri; break;
    default: break;
    }
    if (string) {
        free(*string);
        if (!(*string = strdup(text)))
            return -1;
    }
    return 0;
}

static void build_flags(const FormValues *values, MigrateOptions *options)
{
    const bool *on = values->on;
    options->live = on[FF_LIVE];
    options->offline = on[FF_OFFLINE];
    options->p2p = on[FF_P2P];
    options->direct = on[FF_DIRECT];
    options->tunnelled = on[FF_TUNNELLED];
    options->persistent = on[FF_PERSISTENT];
    options->undefine_source = on[FF_UNDEFINE_SOURCE];
    options->suspend = on[FF_SUSPEND];
    options->change_protection = on[FF_CHANGE_PROTECTION];
    options->unsafe = on[FF_UNSAFE];
    options->abort_on_error = on[FF_ABORT_ON_ERROR];
    options->copy_storage_all = on[FF_COPY_STORAGE_ALL];
    options->copy_storage_inc = on[FF_COPY_STORAGE_INC];
    options->postcopy = on[FF_POSTCOPY] && !values->unavailable[FF_POSTCOPY];
    options->auto_converge = on[FF_AUTO_CONVERGE];
    options->compressed = on[FF_COMPRESSED];
    options->compression_methods = 0;
    if (on[FF_COMPRESSED]) {
        if (on[FF_COMPRESS_XBZRLE]) options->compression_methods |= COMPRESS_XBZRLE;
        if (on[FF_COMPRESS_MT])     options->compression_methods |= COMPRESS_MT;
        if (on[FF_COMPRESS_ZLIB])   options->compression_methods |= COMPRESS_ZLIB;
        if (on[FF_COMPRESS_ZSTD])   options->compression_methods |= COMPRESS_ZSTD;
    }
    options->parallel = on[FF_PARALLEL];
    options->zerocopy = on[FF_ZEROCOPY];
    options->tls = on[FF_TLS];
}

int form_values_build(const FormValues *values, MigrateOptions *options,
                      FormParseError errors[FF_COUNT])
{
    migrate_options_init(options);
    memset(errors, 0, sizeof(FormParseError) * FF_COUNT);
    build_flags(values, options);

    int bad = 0;
    for (size_t i = 0; i < FF_COUNT; i++) {
        const FormFieldInfo *info = &FIELDS[i];
        if (!form_field_kind_is_text(info->kind) || !form_field_enabled(values, info->id))
            continue;
        char *text = trimmed_copy(&values->input[i]);
        if (!text)
            goto no_memory;
        int rc = *text ? build_text_field(info, text, options, &errors[i]) : 0;
        free(text);
        if (rc < 0)
            goto no_memory;
        if (errors[i].bad)
            bad++;
    }
    if (options->timeout_s > 0 &&
        !form_field_choice_available(values, FF_TIMEOUT_ACTION,
                                     values->choice[FF_TIMEOUT_ACTION])) {
        /* Not switched to suspend behind the operator's back: pausing the
         * guest is a choice of its own. Left out like any bad field. */
        FormParseError *error = &errors[FF_TIMEOUT_ACTION];
        error->bad = true;
        snprintf(error->message, sizeof(error->message),
                 "On timeout: post-copy is not possible for this guest (pre-flight: an "
                 "assigned PCI device rules it out); press Space to choose suspend, or "
                 "clear the Timeout");
        options->timeout_s = 0;
        bad++;
    }
    if (options->timeout_s > 0)
        options->timeout_action = values->choice[FF_TIMEOUT_ACTION] == 1
                                      ? TIMEOUT_ACTION_POSTCOPY : TIMEOUT_ACTION_SUSPEND;
    else
        options->timeout_action = TIMEOUT_ACTION_NONE;
    bad += form_ladder_validate(values, options->postcopy, errors);
    return bad;

no_memory:
    migrate_options_clear(options);
    return -1;
}
