/* Pre-flight checks before a migration launches: the decisions.
 *
 * Pure: every rule reads facts that core/preflight.c gathered from the source
 * and destination connections (domain XML, versions, free memory, storage,
 * networks, the destination's hostname as resolved here, a dirty rate) and
 * the options the operator chose, and says pass / warning / fail with one
 * line of why and one line of fix. No libvirt call, so the unit tests drive
 * every rule with crafted XML and facts.
 *
 * The report types are public (core.h publishes a PreflightReport per domain
 * and destination in its snapshot); the facts are core's business. */
#ifndef VIRTMIG_PREFLIGHT_RULES_H
#define VIRTMIG_PREFLIGHT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain_xml.h"
#include "migrate_options.h"

typedef enum {
    PREFLIGHT_PASS = 0,
    PREFLIGHT_WARN,
    PREFLIGHT_FAIL,
} PreflightStatus;

typedef enum {
    PREFLIGHT_CHECK_DESTINATION = 0,  /* connected, same hypervisor */
    PREFLIGHT_CHECK_VERSIONS,         /* both libvirts accept the chosen options */
    PREFLIGHT_CHECK_CPU,              /* virConnectCompareHypervisorCPU on the destination */
    PREFLIGHT_CHECK_MEMORY,           /* destination free memory */
    PREFLIGHT_CHECK_NAME,             /* no clash by name or UUID on the destination */
    PREFLIGHT_CHECK_STORAGE,          /* every disk reachable there, or copied */
    PREFLIGHT_CHECK_DISK_CACHE,       /* qemuMigrationSrcIsSafe's cache rule */
    PREFLIGHT_CHECK_NETWORKS,         /* networks and bridges exist (and run) there */
    PREFLIGHT_CHECK_HOSTDEV,          /* assigned PCI devices (VFs) and what they rule out */
    PREFLIGHT_CHECK_HOSTNAME,         /* the destination's hostname resolves, not to loopback */
    PREFLIGHT_CHECK_DIRTY_RATE,       /* pre-copy predicted to converge */
    PREFLIGHT_CHECK_COUNT
} PreflightCheckId;

typedef struct {
    PreflightCheckId id;
    PreflightStatus status;
    char why[256];                /* one line: what was found */
    char fix[192];                /* one line: what to do ("" when nothing is needed) */
} PreflightCheck;

/* What the form must not offer for this domain (an assigned VF, per the
 * Mellanox CX-7 VF live-migration procedure). */
typedef struct {
    bool no_dirty_rate;           /* dirty-rate measurement unavailable */
    bool no_postcopy;             /* post-copy unavailable */
    bool no_viommu;               /* a vIOMMU device is not supported */
} PreflightLimits;

/* ---- the facts (filled by core/preflight.c; crafted by unit tests) ---- */

typedef enum {
    PREFLIGHT_CPU_NOT_COMPARED = 0,   /* no <cpu> element, or the compare failed */
    PREFLIGHT_CPU_INCOMPATIBLE,
    PREFLIGHT_CPU_IDENTICAL,
    PREFLIGHT_CPU_SUPERSET,
} PreflightCpuResult;

typedef struct {
    bool exists;
    bool active;
    bool persistent;
    char uuid[37];                /* of the destination's domain */
    char name[128];
} PreflightDestDomain;

typedef struct {
    bool checked;                 /* false: lookups failed (lookup_error says why) */
    bool dest_volume_exists;      /* virStorageVolLookupByPath on the destination */
    char dest_pool_for_dir[64];   /* active destination pool whose target is the disk's
                                     directory ("" when none) */
    char source_pool_type[16];    /* type of the source pool holding the disk ("" unknown) */
    char lookup_error[192];
} PreflightDiskFacts;

typedef struct {
    bool checked;                 /* false: lookup_error says why */
    bool exists;
    bool active;
    char lookup_error[192];
} PreflightNetFacts;

typedef struct {
    /* hosts */
    const char *source_name, *dest_name;
    bool dest_connected;
    const char *dest_state_text;           /* why not connected ("connection refused"...) */
    const char *source_hv_type, *dest_hv_type;    /* "QEMU" */
    unsigned long source_libvirt_version, dest_libvirt_version;   /* 0: unknown */
    unsigned long source_hv_version, dest_hv_version;             /* QEMU's, 0: unknown */
    const char *dest_uri_host;             /* the host part of the destination's URI */

    /* the domain, from its migratable XML */
    const DomainXmlInfo *domain;
    bool domain_active;

    /* CPU */
    PreflightCpuResult cpu_result;
    const char *cpu_error;                 /* libvirt's message when the compare failed */
    const char *dest_cpu_model;            /* destination host CPU (capabilities), may be NULL */

    /* memory */
    bool dest_free_memory_known;
    uint64_t dest_free_memory_bytes;

    /* name / UUID */
    PreflightDestDomain dest_by_uuid;
    PreflightDestDomain dest_by_name;      /* by the name it will have there (dname) */

    /* storage: one entry per domain->disks[i] (NULL: not gathered) */
    const PreflightDiskFacts *disks;
    /* networks: one entry per domain->interfaces[i] (NULL: not gathered) */
    const PreflightNetFacts *interfaces;

    /* hostname */
    const char *dest_hostname;             /* virConnectGetHostname on the destination */
    bool hostname_resolved;
    bool hostname_loopback_only;           /* every address it resolved to is loopback */
    char hostname_address[64];             /* first non-loopback address (or the loopback) */
    const char *hostname_error;            /* gai_strerror when it did not resolve */

    /* dirty rate */
    bool dirty_rate_known;
    double dirty_rate_mibs;                /* MiB/s */
    const char *dirty_rate_origin;         /* "measured just now", "last sample"... */
    const char *dirty_rate_error;          /* why it is unknown (libvirt's message) */
} PreflightFacts;

/* ---- the rules ------------------------------------------------------ */

/* Each fills *out (id, status, why, fix) from the facts and options. */
void preflight_rule_destination(const PreflightFacts *facts, PreflightCheck *out);
void preflight_rule_versions(const PreflightFacts *facts, const MigrateOptions *options,
                             PreflightCheck *out);
void preflight_rule_cpu(const PreflightFacts *facts, PreflightCheck *out);
void preflight_rule_memory(const PreflightFacts *facts, const MigrateOptions *options,
                           PreflightCheck *out);
void preflight_rule_name(const PreflightFacts *facts, const MigrateOptions *options,
                         PreflightCheck *out);
/* *copy_storage_needed: a disk is reachable only by copying it. */
void preflight_rule_storage(const PreflightFacts *facts, const MigrateOptions *options,
                            PreflightCheck *out, bool *copy_storage_needed);
void preflight_rule_disk_cache(const PreflightFacts *facts, const MigrateOptions *options,
                               PreflightCheck *out);
void preflight_rule_networks(const PreflightFacts *facts, const MigrateOptions *options,
                             PreflightCheck *out);
void preflight_rule_hostdev(const PreflightFacts *facts, const MigrateOptions *options,
                            PreflightCheck *out, PreflightLimits *limits);
void preflight_rule_hostname(const PreflightFacts *facts, const MigrateOptions *options,
                             PreflightCheck *out);
void preflight_rule_dirty_rate(const PreflightFacts *facts, const MigrateOptions *options,
                               PreflightCheck *out);

/* What an assigned PCI device rules out (also used before any fact is
 * gathered, straight from the XML). */
void preflight_limits_from_domain(const DomainXmlInfo *domain, PreflightLimits *limits);

/* The pre-copy prediction the dirty-rate rule makes: with a dirty rate of
 * dirty_mibs and a link of link_mibs, does each pass shrink enough to end
 * within max_downtime_ms (0: libvirt's 300 ms), for a guest of memory_bytes?
 * *passes and *eta_ms (may be NULL) get the predicted passes and duration
 * when it converges. */
bool preflight_precopy_converges(double dirty_mibs, double link_mibs, uint64_t memory_bytes,
                                 uint64_t max_downtime_ms, unsigned *passes, uint64_t *eta_ms);

/* Runs every rule, in PreflightCheckId order, into checks[PREFLIGHT_CHECK_COUNT]. */
void preflight_rules_evaluate(const PreflightFacts *facts, const MigrateOptions *options,
                              PreflightCheck checks[PREFLIGHT_CHECK_COUNT],
                              PreflightLimits *limits, bool *copy_storage_needed);

const char *preflight_status_name(PreflightStatus status);    /* "pass", "warning", "FAIL" */
const char *preflight_check_name(PreflightCheckId id);        /* "CPU", "memory"... */

/* "FAIL memory: <why> -> <fix>" into buffer (always NUL-terminated). */
void preflight_check_format(const PreflightCheck *check, char *buffer, size_t size);

/* Whether a storage pool type is storage every host reaches (netfs, gluster,
 * rbd, iscsi...), as opposed to a host's own (dir, fs, logical, disk, zfs). */
bool preflight_pool_type_is_shared(const char *type);

#endif
