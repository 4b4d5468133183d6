/* Everything `virsh migrate` offers on libvirt 9.0 that applies to QEMU, as one
 * structure, with pure validation and the equivalent virsh command line.
 *
 * Pure: no libvirt call here (core/migrate_params.c maps this structure to
 * libvirt flags and typed parameters). Strings are owned by the structure:
 * migrate_options_clear() frees them, migrate_options_copy() duplicates them. */
#ifndef VIRTMIG_MIGRATE_OPTIONS_H
#define VIRTMIG_MIGRATE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest bandwidth libvirt accepts, in MiB/s (ULLONG_MAX >> 20 / 2). */
#define MIGRATE_BANDWIDTH_MAX_MIBS 8796093022207ull

typedef enum {
    COMPRESS_XBZRLE = 1u << 0,
    COMPRESS_MT     = 1u << 1,
    COMPRESS_ZLIB   = 1u << 2,
    COMPRESS_ZSTD   = 1u << 3,
} CompressMethod;

typedef enum {
    TIMEOUT_ACTION_NONE = 0,   /* no --timeout */
    TIMEOUT_ACTION_SUSPEND,    /* --timeout-suspend (virsh's default action) */
    TIMEOUT_ACTION_POSTCOPY,   /* --timeout-postcopy */
} TimeoutAction;

/* -1 means "not set, leave libvirt's default" for every int below. */
typedef struct {
    /* mode */
    bool live, offline, p2p, direct, tunnelled;
    bool persistent, undefine_source, suspend;   /* suspend: paused on destination */
    bool change_protection, unsafe, abort_on_error;
    /* storage */
    bool copy_storage_all, copy_storage_inc;
    char **migrate_disks;            /* target names, e.g. "vda" */
    size_t migrate_disks_count;
    int disks_port;                  /* --disks-port */
    char *disks_uri;                 /* --disks-uri */
    /* convergence */
    bool postcopy;
    uint64_t postcopy_bandwidth_mibs; /* 0: not set */
    bool auto_converge;
    int auto_converge_initial, auto_converge_increment;
    uint64_t bandwidth_mibs;          /* 0: not set */
    uint64_t max_downtime_ms;         /* 0: not set (libvirt default 300 ms) */
    unsigned timeout_s;               /* 0: no timeout */
    TimeoutAction timeout_action;
    /* performance */
    bool compressed;
    unsigned compression_methods;     /* CompressMethod bits; 0 with compressed = xbzrle */
    int comp_mt_level, comp_mt_threads, comp_mt_dthreads;
    long long comp_xbzrle_cache;      /* bytes, -1 unset */
    int comp_zlib_level, comp_zstd_level;
    bool parallel;
    int parallel_connections;
    bool zerocopy;
    /* security */
    bool tls;
    char *tls_destination;
    /* advanced */
    char *dname;
    char *dest_xml_path;             /* --xml FILE */
    char *persistent_xml_path;       /* --persistent-xml FILE */
    char *migrate_uri;               /* --migrateuri */
    char *listen_address;            /* --listen-address */
    char *graphics_uri;              /* --graphicsuri */
} MigrateOptions;

/* Identifies a form field, so a problem can be marked where it is. */
typedef enum {
    OPT_FIELD_NONE = 0,
    OPT_FIELD_LIVE, OPT_FIELD_OFFLINE, OPT_FIELD_P2P, OPT_FIELD_DIRECT, OPT_FIELD_TUNNELLED,
    OPT_FIELD_PERSISTENT, OPT_FIELD_UNDEFINE_SOURCE, OPT_FIELD_SUSPEND,
    OPT_FIELD_CHANGE_PROTECTION, OPT_FIELD_UNSAFE, OPT_FIELD_ABORT_ON_ERROR,
    OPT_FIELD_COPY_STORAGE_ALL, OPT_FIELD_COPY_STORAGE_INC, OPT_FIELD_MIGRATE_DISKS,
    OPT_FIELD_DISKS_PORT, OPT_FIELD_DISKS_URI,
    OPT_FIELD_POSTCOPY, OPT_FIELD_POSTCOPY_BANDWIDTH,
    OPT_FIELD_AUTO_CONVERGE, OPT_FIELD_AUTO_CONVERGE_INITIAL, OPT_FIELD_AUTO_CONVERGE_INCREMENT,
    OPT_FIELD_BANDWIDTH, OPT_FIELD_MAX_DOWNTIME, OPT_FIELD_TIMEOUT, OPT_FIELD_TIMEOUT_ACTION,
    OPT_FIELD_COMPRESSED, OPT_FIELD_COMPRESSION_METHODS, OPT_FIELD_COMP_MT_LEVEL,
    OPT_FIELD_COMP_MT_THREADS, OPT_FIELD_COMP_MT_DTHREADS, OPT_FIELD_COMP_XBZRLE_CACHE,
    OPT_FIELD_COMP_ZLIB_LEVEL, OPT_FIELD_COMP_ZSTD_LEVEL,
    OPT_FIELD_PARALLEL, OPT_FIELD_PARALLEL_CONNECTIONS, OPT_FIELD_ZEROCOPY,
    OPT_FIELD_TLS, OPT_FIELD_TLS_DESTINATION,
    OPT_FIELD_DNAME, OPT_FIELD_DEST_XML, OPT_FIELD_PERSISTENT_XML, OPT_FIELD_MIGRATE_URI,
    OPT_FIELD_LISTEN_ADDRESS, OPT_FIELD_GRAPHICS_URI,
    OPT_FIELD_COUNT
} OptionField;

typedef struct {
    OptionField field;
    char message[256];   /* what is wrong and how to fix it, one sentence or two */
} OptionProblem;

/* What validation needs to know besides the options themselves. A zeroed
 * context (or NULL) skips the checks that need it. */
typedef struct {
    const char *domain_name;          /* the XML files must keep this name (unless dname) */
    unsigned long source_libvirt_version;  /* virConnectGetLibVersion encoding; 0: unknown */
    bool domain_active;               /* running or paused: offline needs it inactive or explicit */
    /* Additions (zero keeps the old behaviour): */
    bool domain_state_known;          /* domain_active is meaningful: a shut-off domain
                                         then needs offline */
    const char *domain_uuid;          /* when set, the XML files must keep this uuid */
} MigrateContext;

void migrate_options_init(MigrateOptions *options);   /* virtmig's defaults: live, p2p, persistent */
void migrate_options_clear(MigrateOptions *options);  /* frees strings; accepts NULL */
/* Deep copy: 0, or -1 (out of memory, or a NULL argument) leaving *dest untouched.
 * *dest is overwritten, not cleared: clear it first if it owned strings. */
int migrate_options_copy(MigrateOptions *dest, const MigrateOptions *src);

/* Fills up to `max` problems, returns how many there are in all (may exceed max).
 * 0 means the options may be sent to libvirt. The rules are libvirt 9.0's, virsh
 * 9.0's and QEMU 7.2's (each cited in migrate_options_validate.c); the --xml and
 * --persistent-xml files are read and parsed here (local files, never a host).
 * `context` may be NULL: the checks that need it are skipped. */
size_t migrate_options_validate(const MigrateOptions *options, const MigrateContext *context,
                                OptionProblem *problems, size_t max);

/* The virsh option a field stands for, e.g. "--comp-mt-level" (OPT_FIELD_NONE:
 * ""), so messages and the command-line front end can name it. */
const char *migrate_option_field_name(OptionField field);

/* The oldest source libvirt (virConnectGetLibVersion encoding) that accepts
 * what `options` asks for, and the option that needs it (*field, may be NULL).
 * Returns 0 when the options use nothing newer than libvirt 1.0.0. */
unsigned long migrate_options_min_libvirt(const MigrateOptions *options, OptionField *field);

/* The equivalent `virsh migrate` command line, shell-quoted so it can be pasted.
 * Returns a malloc'd string the caller frees, or NULL on allocation failure. */
char *migrate_options_virsh_command(const MigrateOptions *options, const char *domain_name,
                                    const char *source_uri, const char *dest_uri);

#endif
