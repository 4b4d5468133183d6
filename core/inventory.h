/* One host's domains, read in bulk: one virConnectGetAllDomainStats call
 * (state, vCPUs, balloon) per refresh, never a call per domain. A thorough
 * refresh also lists the transient domains (all others are persistent), asks
 * each domain for its UUID and reads the host's free memory; the refreshes in
 * between reuse what the last thorough one learnt (InventoryCache). */
#ifndef VIRTMIG_INVENTORY_H
#define VIRTMIG_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libvirt/libvirt.h>

#include "core.h"

typedef struct {
    char uuid[VIR_UUID_STRING_BUFLEN];
    const char *name;             /* borrowed: from Inventory.stats (or the caller's) */
    int state, reason;
    bool persistent;
    unsigned vcpus;
    uint64_t memory_kib, max_memory_kib;
} InventoryRecord;

typedef struct {
    InventoryRecord *records;
    size_t count;
    uint64_t free_memory_bytes;
    virDomainStatsRecordPtr *stats;   /* libvirt's answer, owning the records' names;
                                         NULL for an inventory built by hand */
} Inventory;

/* What a thorough refresh learnt, by domain name (unique on a host): each
 * domain's UUID and persistence, and the host's free memory. libvirt's client
 * formats a domain's UUID for a debug message it never prints in every call on
 * a virDomainPtr, virDomainGetUUID included: asking 250 domains for their UUID
 * each second was a sixth of the engine's time. A domain's UUID and
 * persistence change only with a lifecycle event (defined, undefined, started,
 * stopped), and those make the host worker ask for a thorough refresh; it also
 * asks for one every INVENTORY_THOROUGH_EVERY refreshes in case an event was
 * lost. Owned by the host worker; cleared when its connection goes. */
typedef struct {
    char *name;                   /* owned */
    char uuid[VIR_UUID_STRING_BUFLEN];
    bool persistent;
} InventoryKnownDomain;

typedef struct {
    InventoryKnownDomain *domains;    /* sorted by name: a domain's index is its
                                         place in the published order */
    size_t *order;                    /* order[i]: the index in domains of the
                                         i-th record libvirt returned last time
                                         (libvirt keeps its order) */
    size_t count;
    uint64_t free_memory_bytes;
    bool valid;                       /* false: the next fetch is thorough */
} InventoryCache;

#define INVENTORY_THOROUGH_EVERY 10

void inventory_cache_clear(InventoryCache *cache);    /* accepts NULL */

/* Fills *out (cleared first) with the records sorted for publishing
 * (inventory_sort). Thorough when asked, when the cache is not valid, or when
 * the domains are not those it knows (a name new to the host, a domain gone);
 * otherwise UUIDs, persistence, free memory and the order come from the cache.
 * *was_thorough (may be NULL) tells which it was. Returns 0, or -1 with
 * *error = "<host_name>: list domains: <libvirt's message>". */
int inventory_fetch(virConnectPtr conn, const char *host_name, InventoryCache *cache,
                    bool thorough, Inventory *out, bool *was_thorough, char **error);
void inventory_clear(Inventory *inventory);    /* accepts NULL */

/* Sorts the records by name (then UUID), the order the domains are
 * published in. */
void inventory_sort(Inventory *inventory);

/* Replaces a host's published domains with the (sorted) inventory, keeping
 * what the inventory does not carry (dirty-rate history and watch flag, job)
 * for domains already known by UUID. When the same domains come back in the
 * same order (the usual refresh) they are updated in place; otherwise
 * *domains is reallocated. *changed tells whether anything published differs
 * now (an unchanged refresh need not wake the front end). Returns 0, or -1
 * when out of memory (then *domains is unchanged). */
int inventory_merge(const Inventory *inventory, size_t host_index,
                    DomainView **domains, size_t *domain_count, bool *changed);

#endif
