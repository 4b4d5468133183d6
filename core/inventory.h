/* One host's domains, read in bulk: one virConnectGetAllDomainStats call
 * (state, vCPUs, balloon) and one virConnectListAllDomains of the transient
 * ones (all others are persistent) per refresh, never a call per domain. */
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

/* Fills *out (cleared first). Returns 0, or -1 with *error =
 * "<host_name>: list domains: <libvirt's message>". */
int inventory_fetch(virConnectPtr conn, const char *host_name, Inventory *out, char **error);
void inventory_clear(Inventory *inventory);    /* accepts NULL */

/* Sorts the records by name (then UUID), the order the domains are
 * published in. inventory_fetch leaves them unsorted so this costly part can
 * run outside any lock. */
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
