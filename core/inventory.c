/* Bulk inventory of one host, and its merge into the published domain list. */
#include "inventory.h"

#include <stdlib.h>
#include <string.h>

#include "libvirt_error.h"
#include "snapshot.h"

void inventory_clear(Inventory *inventory)
{
    if (!inventory)
        return;
    for (size_t i = 0; i < inventory->count; i++)
        free(inventory->records[i].name);
    free(inventory->records);
    memset(inventory, 0, sizeof(*inventory));
}

static void record_from_stats(const virDomainStatsRecord *stats, InventoryRecord *record)
{
    int value = 0;
    unsigned int count = 0;
    unsigned long long kib = 0;

    if (virTypedParamsGetInt(stats->params, stats->nparams, "state.state", &value) == 1)
        record->state = value;
    if (virTypedParamsGetInt(stats->params, stats->nparams, "state.reason", &value) == 1)
        record->reason = value;
    if (virTypedParamsGetUInt(stats->params, stats->nparams, "vcpu.current", &count) == 1)
        record->vcpus = count;
    if (virTypedParamsGetULLong(stats->params, stats->nparams, "balloon.current", &kib) == 1)
        record->memory_kib = kib;
    if (virTypedParamsGetULLong(stats->params, stats->nparams, "balloon.maximum", &kib) == 1)
        record->max_memory_kib = kib;
}

static int compare_uuid_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The persistent domains' UUIDs, sorted, for bsearch. */
static int persistent_uuids(virConnectPtr conn, char ***uuids, size_t *count)
{
    virDomainPtr *domains = NULL;
    int n = virConnectListAllDomains(conn, &domains, VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
    int ret = -1;
    *uuids = NULL;
    *count = 0;
    if (n < 0)
        return -1;
    if (n > 0 && !(*uuids = calloc((size_t)n, sizeof(char *))))
        goto cleanup;
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN];
        if (virDomainGetUUIDString(domains[i], uuid) < 0)
            continue;
        if (!((*uuids)[*count] = strdup(uuid)))
            goto cleanup;
        (*count)++;
    }
    if (*count > 1)
        qsort(*uuids, *count, sizeof(char *), compare_uuid_strings);
    ret = 0;

 cleanup:
    for (int i = 0; i < n; i++)
        virDomainFree(domains[i]);
    free(domains);
    return ret;
}

int inventory_fetch(virConnectPtr conn, const char *host_name, Inventory *out, char **error)
{
    virDomainStatsRecordPtr *stats = NULL;
    char **persistent = NULL;
    size_t persistent_count = 0;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    /* NOWAIT: a domain busy in a job (a migration) must not stall the whole
     * host's inventory; libvirt then leaves out what needs the job. */
    int n = virConnectGetAllDomainStats(conn,
                                        VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_VCPU |
                                        VIR_DOMAIN_STATS_BALLOON,
                                        &stats, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
    if (n < 0) {
        libvirt_error_set(error, "%s: list domains", host_name);
        return -1;
    }
    if (persistent_uuids(conn, &persistent, &persistent_count) < 0) {
        libvirt_error_set(error, "%s: list persistent domains", host_name);
        goto cleanup;
    }
    if (n > 0 && !(out->records = calloc((size_t)n, sizeof(*out->records)))) {
        error_set(error, "%s: out of memory reading the domain list", host_name);
        goto cleanup;
    }
    for (int i = 0; i < n; i++) {
        InventoryRecord *record = &out->records[out->count];
        const char *name = virDomainGetName(stats[i]->dom);
        if (virDomainGetUUIDString(stats[i]->dom, record->uuid) < 0 || !name)
            continue;
        if (!(record->name = strdup(name))) {
            error_set(error, "%s: out of memory reading the domain list", host_name);
            goto cleanup;
        }
        record_from_stats(stats[i], record);
        const char *key = record->uuid;
        record->persistent = persistent_count > 0 && bsearch(&key, persistent, persistent_count, sizeof(char *),
                                     compare_uuid_strings) != NULL;
        out->count++;
    }

    unsigned long long free_bytes = virNodeGetFreeMemory(conn);
    /* 0 is also its error value; a host with no free memory at all is not a
     * case worth telling apart, so just leave the field at 0. */
    out->free_memory_bytes = free_bytes;
    ret = 0;

 cleanup:
    if (ret < 0)
        inventory_clear(out);
    if (stats)
        virDomainStatsRecordListFree(stats);
    for (size_t i = 0; i < persistent_count; i++)
        free(persistent[i]);
    free(persistent);
    return ret;
}

static int compare_records_by_name(const void *a, const void *b)
{
    const InventoryRecord *x = a, *y = b;
    int by_name = strcmp(x->name, y->name);
    return by_name ? by_name : strcmp(x->uuid, y->uuid);
}

void inventory_sort(Inventory *inventory)
{
    if (inventory->count > 1)
        qsort(inventory->records, inventory->count, sizeof(*inventory->records),
              compare_records_by_name);
}

static void view_update(DomainView *view, const InventoryRecord *record, size_t host_index)
{
    view->host_index = host_index;
    view->state = (DomainRunState)record->state;
    view->state_reason = record->reason;
    view->persistent = record->persistent;
    view->vcpus = record->vcpus;
    view->memory_kib = record->memory_kib;
    view->max_memory_kib = record->max_memory_kib;
}

/* The common refresh: the same domains in the same order. Updates in place
 * (no allocation, no copy of the histories) and returns true; false when the
 * set or the order changed. */
static bool merge_in_place(const Inventory *inventory, size_t host_index, DomainView *domains,
                           size_t domain_count)
{
    if (inventory->count != domain_count)
        return false;
    for (size_t i = 0; i < domain_count; i++) {
        if (strcmp(domains[i].uuid, inventory->records[i].uuid) != 0 ||
            !domains[i].name || strcmp(domains[i].name, inventory->records[i].name) != 0)
            return false;
    }
    for (size_t i = 0; i < domain_count; i++)
        view_update(&domains[i], &inventory->records[i], host_index);
    return true;
}

static int compare_view_pointers_by_uuid(const void *a, const void *b)
{
    const DomainView *x = *(DomainView *const *)a, *y = *(DomainView *const *)b;
    return strcmp(x->uuid, y->uuid);
}

int inventory_merge(const Inventory *inventory, size_t host_index,
                    DomainView **domains, size_t *domain_count)
{
    if (merge_in_place(inventory, host_index, *domains, *domain_count))
        return 0;

    DomainView *fresh = NULL;
    DomainView **by_uuid = NULL;
    if (inventory->count > 0 && !(fresh = calloc(inventory->count, sizeof(*fresh))))
        return -1;
    /* Lookups by UUID through a sorted array of pointers: the views are big
     * (their histories), sorting pointers keeps this cheap for thousands. */
    if (*domain_count > 0 && !(by_uuid = malloc(sizeof(*by_uuid) * *domain_count))) {
        free(fresh);
        return -1;
    }
    for (size_t i = 0; i < *domain_count; i++)
        by_uuid[i] = &(*domains)[i];
    if (*domain_count > 1)
        qsort(by_uuid, *domain_count, sizeof(*by_uuid), compare_view_pointers_by_uuid);

    for (size_t i = 0; i < inventory->count; i++) {
        const InventoryRecord *record = &inventory->records[i];
        DomainView key;
        DomainView *key_pointer = &key;
        memcpy(key.uuid, record->uuid, sizeof(key.uuid));
        DomainView **old = *domain_count == 0 ? NULL
                           : bsearch(&key_pointer, by_uuid, *domain_count, sizeof(*by_uuid),
                                     compare_view_pointers_by_uuid);
        DomainView *view = &fresh[i];
        if (old)
            *view = **old;         /* keeps history, watch flag and job; the name
                                    * pointer is replaced just below */
        memcpy(view->uuid, record->uuid, sizeof(view->uuid));
        view->name = strdup(record->name);
        if (!view->name) {
            /* Out of memory halfway: the old list is untouched, keep it. */
            for (size_t j = 0; j < i; j++)
                free(fresh[j].name);
            free(fresh);
            free(by_uuid);
            return -1;
        }
        view_update(view, record, host_index);
    }

    for (size_t i = 0; i < *domain_count; i++)
        domain_view_clear(&(*domains)[i]);
    free(*domains);
    free(by_uuid);
    *domains = fresh;
    *domain_count = inventory->count;
    return 0;
}
