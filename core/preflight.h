/* Pre-flight checks before a migration launches: gathering the facts.
 *
 * Everything here asks libvirt (the source and destination connections) or
 * the resolver; the decisions are in preflight_rules.c. Blocking: call it on
 * one of core's threads (engine_preflight.c), never the UI's. */
#ifndef VIRTMIG_PREFLIGHT_H
#define VIRTMIG_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <libvirt/libvirt.h>

#include "preflight_rules.h"

/* What the caller knows without asking a host (from the engine's published
 * state), and how much the gathering may do. */
typedef struct {
    const char *source_name, *dest_name;
    const char *dest_uri;                  /* for the --migrateuri hint */
    /* A recent dirty-rate sample; else one is measured when measure_seconds > 0. */
    bool dirty_rate_known;
    double dirty_rate_mibs;
    const char *dirty_rate_origin;         /* e.g. "sampled 4 s ago" */
    unsigned measure_seconds;              /* 0: do not measure */
    /* Polled while measuring; true cuts the wait short (engine stopping). */
    bool (*cancelled)(void *opaque);
    void *opaque;
} PreflightInput;

/* Facts and everything they point to. */
typedef struct _PreflightGathered PreflightGathered;
struct _PreflightGathered {
    PreflightFacts facts;                  /* points into the fields below */
    DomainXmlInfo *domain;
    PreflightDiskFacts *disks;
    PreflightNetFacts *interfaces;
    char *source_hv_type, *dest_hv_type;
    char *cpu_error;
    char *dest_cpu_model;
    char *dest_hostname;
    char *hostname_error;
    char *dest_uri_host;
    char *dirty_rate_error;
    char dirty_rate_origin[64];
};

/* Gathers every fact about migrating the domain `uuid` from `source` to
 * `dest` with `options`. Returns 0 (facts that could not be read are marked
 * so, with libvirt's message, and the rules warn about them), or -1 with
 * *error when nothing can be checked (the domain is not on the source, its
 * XML cannot be read or parsed). */
int preflight_gather(virConnectPtr source, virConnectPtr dest, const char *uuid,
                     const MigrateOptions *options, const PreflightInput *input,
                     PreflightGathered **out, char **error);
void preflight_gathered_free(PreflightGathered *gathered);

/* The parts, for tests that craft one fact on real hosts. */

/* virConnectCompareHypervisorCPU on `dest` with the domain's <cpu> (its arch,
 * machine and virt type). *error gets libvirt's message for an incompatible
 * CPU (which features are missing) or a failed compare. */
PreflightCpuResult preflight_compare_cpu(virConnectPtr dest, const DomainXmlInfo *domain,
                                         char **error);

/* getaddrinfo(name): *resolved, *loopback_only (every address is loopback),
 * address (the first non-loopback one, else the first), *error (gai_strerror,
 * malloc'd) when it does not resolve. */
void preflight_resolve(const char *name, bool *resolved, bool *loopback_only,
                       char address[64], char **error);

/* The host part of a libvirt URI ("qemu+tcp://user@host:16509/system" ->
 * "host"), malloc'd, or NULL when it has none (local URIs). */
char *preflight_uri_host(const char *uri);

/* Measures the dirty rate for `seconds` and waits for the result. Returns
 * MiB/s, or -1 with *error (libvirt's message). */
double preflight_measure_dirty_rate(virDomainPtr domain, const char *host_name, unsigned seconds,
                                    bool (*cancelled)(void *opaque), void *opaque, char **error);

#endif
