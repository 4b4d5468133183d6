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
    free(inventory->records);
    /* The records' names point into these: they go together. */
    if (inventory->stats)
        virDomainStatsRecordListFree(inventory->stats);
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

/* The text form virDomainGetUUIDString gives (lower-case hex, 8-4-4-4-12),
 * written by table lookup: libvirt's own goes through snprintf, which for
 * thousands of domains a second was a visible share of the engine's time. */
static void uuid_format(const unsigned char raw[VIR_UUID_BUFLEN],
                        char text[VIR_UUID_STRING_BUFLEN])
{
    static const char hex[] = "0123456789abcdef";
    size_t at = 0;
    for (size_t i = 0; i < VIR_UUID_BUFLEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text[at++] = '-';
        text[at++] = hex[raw[i] >> 4];
        text[at++] = hex[raw[i] & 0xf];
    }
    text[at] = '\0';
}

static int compare_raw_uuids(const void *a, const void *b)
{
    return memcmp(a, b, VIR_UUID_BUFLEN);
}

/* The transient domains' raw UUIDs, sorted, for bsearch. Every domain is
 * either persistent or transient, and transient ones are few (usually none),
 * so listing them costs one RPC and almost no virDomainPtr to create and
 * free, where listing the persistent ones cost one per domain. */
static int transient_uuids(virConnectPtr conn, unsigned char (**uuids)[VIR_UUID_BUFLEN],
                           size_t *count)
{
    virDomainPtr *domains = NULL;
    int n = virConnectListAllDomains(conn, &domains, VIR_CONNECT_LIST_DOMAINS_TRANSIENT);
    int ret = -1;
    *uuids = NULL;
    *count = 0;
    if (n < 0)
        return -1;
    if (n > 0 && !(*uuids = malloc((size_t)n * sizeof(**uuids))))
        goto cleanup;
    for (int i = 0; i < n; i++) {
        if (virDomainGetUUID(domains[i], (*uuids)[*count]) == 0)
            (*count)++;
    }
    if (*count > 1)
        qsort(*uuids, *count, sizeof(**uuids), compare_raw_uuids);
    ret = 0;

 cleanup:
    for (int i = 0; i < n; i++)
        virDomainFree(domains[i]);
    free(domains);
    return ret;
}

void inventory_cache_clear(InventoryCache *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->count; i++)
        free(cache->domains[i].name);
    free(cache->domains);
    free(cache->order);
    memset(cache, 0, sizeof(*cache));
}

static int compare_known_by_name(const void *a, const void *b)
{
    const InventoryKnownDomain *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static const InventoryKnownDomain *cache_find(const InventoryCache *cache, const char *name)
{
    InventoryKnownDomain key = { .name = (char *)name };
    return cache->count == 0 ? NULL
           : bsearch(&key, cache->domains, cache->count, sizeof(key), compare_known_by_name);
}

/* Remembers what a thorough fetch read: out's records, already sorted, and
 * the order libvirt returned them in (out->stats). Two domains of one name
 * (libvirt allows none on a host) leave the cache invalid: a name would not
 * tell them apart, so every fetch stays thorough. Out of memory does the same. */
static void cache_remember(InventoryCache *cache, const Inventory *inventory, int stats_count)
{
    inventory_cache_clear(cache);
    if (inventory->count == 0) {
        cache->valid = stats_count == 0;
        cache->free_memory_bytes = inventory->free_memory_bytes;
        return;
    }
    if (!(cache->domains = calloc(inventory->count, sizeof(*cache->domains))) ||
        !(cache->order = calloc(inventory->count, sizeof(*cache->order)))) {
        inventory_cache_clear(cache);
        return;
    }
    for (size_t i = 0; i < inventory->count; i++) {
        InventoryKnownDomain *known = &cache->domains[i];
        if (i > 0 && strcmp(inventory->records[i - 1].name, inventory->records[i].name) == 0) {
            inventory_cache_clear(cache);
            return;
        }
        if (!(known->name = strdup(inventory->records[i].name))) {
            inventory_cache_clear(cache);
            return;
        }
        memcpy(known->uuid, inventory->records[i].uuid, sizeof(known->uuid));
        known->persistent = inventory->records[i].persistent;
        cache->count++;
    }
    /* A record skipped by the thorough fetch (no UUID) would shift the order. */
    if ((size_t)stats_count != cache->count) {
        inventory_cache_clear(cache);
        return;
    }
    for (int i = 0; i < stats_count; i++) {
        const InventoryKnownDomain *known =
            cache_find(cache, virDomainGetName(inventory->stats[i]->dom));
        cache->order[i] = (size_t)(known - cache->domains);
    }
    cache->free_memory_bytes = inventory->free_memory_bytes;
    cache->valid = true;
}

/* The usual refresh: the same domains as the cache knows, so nothing but the
 * bulk call goes to libvirt, and each record goes straight to its published
 * place (no sort). libvirt returns them in the same order each time, so a
 * name is checked against last time's first and looked up only when that
 * differs. False (with out's records cleared) when the domains differ. */
static bool records_from_cache(InventoryCache *cache, Inventory *out, int n)
{
    if ((size_t)n != cache->count)
        return false;
    for (int i = 0; i < n; i++) {
        const char *name = virDomainGetName(out->stats[i]->dom);
        const InventoryKnownDomain *known = &cache->domains[cache->order[i]];
        if (!name || strcmp(known->name, name) != 0)
            known = name ? cache_find(cache, name) : NULL;
        InventoryRecord *record = known ? &out->records[known - cache->domains] : NULL;
        if (!record || record->name) {   /* a name new to the cache, or seen twice */
            memset(out->records, 0, sizeof(*out->records) * (size_t)n);
            out->count = 0;
            return false;
        }
        cache->order[i] = (size_t)(known - cache->domains);
        record->name = name;
        memcpy(record->uuid, known->uuid, sizeof(record->uuid));
        record->persistent = known->persistent;
        record_from_stats(out->stats[i], record);
    }
    out->count = (size_t)n;
    out->free_memory_bytes = cache->free_memory_bytes;
    return true;
}

/* Asks libvirt for what the cache would otherwise give: UUIDs, persistence
 * (through the list of transient domains) and free memory. */
static int records_thorough(virConnectPtr conn, const char *host_name, Inventory *out, int n,
                            char **error)
{
    unsigned char (*transient)[VIR_UUID_BUFLEN] = NULL;
    size_t transient_count = 0;

    if (transient_uuids(conn, &transient, &transient_count) < 0) {
        libvirt_error_set(error, "%s: list transient domains", host_name);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        InventoryRecord *record = &out->records[out->count];
        unsigned char uuid[VIR_UUID_BUFLEN];
        /* Borrowed: the name lives as long as out->stats. */
        const char *name = virDomainGetName(out->stats[i]->dom);
        if (virDomainGetUUID(out->stats[i]->dom, uuid) < 0 || !name)
            continue;
        uuid_format(uuid, record->uuid);
        record->name = name;
        record_from_stats(out->stats[i], record);
        record->persistent = transient_count == 0 ||
                             !bsearch(uuid, transient, transient_count, sizeof(*transient),
                                      compare_raw_uuids);
        out->count++;
    }
    free(transient);

    unsigned long long free_bytes = virNodeGetFreeMemory(conn);
    /* 0 is also its error value; a host with no free memory at all is not a
     * case worth telling apart, so just leave the field at 0. */
    out->free_memory_bytes = free_bytes;
    return 0;
}

int inventory_fetch(virConnectPtr conn, const char *host_name, InventoryCache *cache,
                    bool thorough, Inventory *out, bool *was_thorough, char **error)
{
    memset(out, 0, sizeof(*out));
    /* NOWAIT: a domain busy in a job (a migration) must not stall the whole
     * host's inventory; libvirt then leaves out what needs the job. */
    int n = virConnectGetAllDomainStats(conn,
                                        VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_VCPU |
                                        VIR_DOMAIN_STATS_BALLOON,
                                        &out->stats, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
    if (n < 0) {
        out->stats = NULL;
        libvirt_error_set(error, "%s: list domains", host_name);
        return -1;
    }
    if (n > 0 && !(out->records = calloc((size_t)n, sizeof(*out->records)))) {
        error_set(error, "%s: out of memory reading the domain list", host_name);
        inventory_clear(out);
        return -1;
    }
    thorough = thorough || !cache->valid || !records_from_cache(cache, out, n);
    if (thorough) {
        if (records_thorough(conn, host_name, out, n, error) < 0) {
            inventory_clear(out);
            return -1;
        }
        inventory_sort(out);
        cache_remember(cache, out, n);
    }
    if (was_thorough)
        *was_thorough = thorough;
    return 0;
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

/* Updates the fields a refresh brings; returns whether any of them changed. */
static bool view_update(DomainView *view, const InventoryRecord *record, size_t host_index)
{
    DomainView before = *view;
    view->host_index = host_index;
    view->state = (DomainRunState)record->state;
    view->state_reason = record->reason;
    view->persistent = record->persistent;
    view->vcpus = record->vcpus;
    view->memory_kib = record->memory_kib;
    view->max_memory_kib = record->max_memory_kib;
    /* A dirty-rate history describes one run of this (host, domain) half. Once
     * it is shut off (the source left behind by a migration without
     * --undefinesource, a guest powered off) it dirties nothing, and the old
     * samples would read as the rate of the copy running elsewhere; a new run
     * starts a new history. */
    bool history_dropped = false;
    if ((view->state == DOMAIN_SHUTOFF || view->state == DOMAIN_CRASHED) && view->dirty_rate) {
        free(view->dirty_rate);
        view->dirty_rate = NULL;
        view->dirty_rate_count = 0;
        history_dropped = true;
    }
    return history_dropped || before.host_index != view->host_index || before.state != view->state ||
           before.state_reason != view->state_reason ||
           before.persistent != view->persistent || before.vcpus != view->vcpus ||
           before.memory_kib != view->memory_kib ||
           before.max_memory_kib != view->max_memory_kib;
}

/* The common refresh: the same domains in the same order. Updates in place
 * (no allocation, no copy of the histories) and returns true, with *changed
 * telling whether any value differs; false when the set or the order changed. */
static bool merge_in_place(const Inventory *inventory, size_t host_index, DomainView *domains,
                           size_t domain_count, bool *changed)
{
    if (inventory->count != domain_count)
        return false;
    for (size_t i = 0; i < domain_count; i++) {
        if (strcmp(domains[i].uuid, inventory->records[i].uuid) != 0 ||
            !domains[i].name || strcmp(domains[i].name, inventory->records[i].name) != 0)
            return false;
    }
    for (size_t i = 0; i < domain_count; i++) {
        if (view_update(&domains[i], &inventory->records[i], host_index))
            *changed = true;
    }
    return true;
}

static int compare_view_pointers_by_uuid(const void *a, const void *b)
{
    const DomainView *x = *(DomainView *const *)a, *y = *(DomainView *const *)b;
    return strcmp(x->uuid, y->uuid);
}

int inventory_merge(const Inventory *inventory, size_t host_index,
                    DomainView **domains, size_t *domain_count, bool *changed)
{
    *changed = false;
    if (merge_in_place(inventory, host_index, *domains, *domain_count, changed))
        return 0;

    DomainView *fresh = NULL;
    DomainView **by_uuid = NULL;
    DomainView **origin = NULL;   /* origin[i]: the old view fresh[i] took over, or NULL */
    if (inventory->count > 0 && (!(fresh = calloc(inventory->count, sizeof(*fresh))) ||
                                 !(origin = calloc(inventory->count, sizeof(*origin))))) {
        free(fresh);
        return -1;
    }
    /* Lookups by UUID through a sorted array of pointers. */
    if (*domain_count > 0 && !(by_uuid = malloc(sizeof(*by_uuid) * *domain_count))) {
        free(fresh);
        free(origin);
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
        if (old) {
            *view = **old;         /* takes over history, watch flag and job (once
                                    * all went well, below); the name pointer is
                                    * replaced just below */
            origin[i] = *old;
        }
        memcpy(view->uuid, record->uuid, sizeof(view->uuid));
        view->name = strdup(record->name);
        if (!view->name) {
            /* Out of memory halfway: the old list still owns everything, keep it. */
            for (size_t j = 0; j < i; j++)
                free(fresh[j].name);
            free(fresh);
            free(origin);
            free(by_uuid);
            return -1;
        }
        view_update(view, record, host_index);
    }

    /* The fresh views own what they took over: the old ones must not free it. */
    for (size_t i = 0; i < inventory->count; i++) {
        if (origin[i]) {
            origin[i]->dirty_rate = NULL;
            origin[i]->job = NULL;
        }
    }
    for (size_t i = 0; i < *domain_count; i++)
        domain_view_clear(&(*domains)[i]);
    free(*domains);
    free(by_uuid);
    free(origin);
    *domains = fresh;
    *domain_count = inventory->count;
    *changed = true;
    return 0;
}
