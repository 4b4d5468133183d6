/* Rows of the domain table; see domain_list.h. */
#include "domain_list.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FILTER_MAX 128

struct _DomainList {
    DomainRow *rows;
    size_t count, capacity;
    size_t domain_rows;
    size_t selected;               /* row index or SIZE_MAX */
    /* What is selected, so a rebuild can find it again. */
    bool has_selection;
    char selected_uuid[37];
    size_t selected_host;
    char filter[FILTER_MAX];
    DomainSortKey sort;
    const CoreSnapshot *snapshot;  /* of the last rebuild; used while sorting */
};

DomainList *domain_list_new(void)
{
    DomainList *list = calloc(1, sizeof *list);
    if (list)
        list->selected = SIZE_MAX;
    return list;
}

void domain_list_free(DomainList *list)
{
    if (!list)
        return;
    free(list->rows);
    free(list);
}

double domain_last_dirty_rate(const DomainView *domain)
{
    if (!domain || domain->dirty_rate_count == 0)
        return -1.0;
    size_t count = domain->dirty_rate_count;
    if (count > DIRTY_RATE_HISTORY)
        count = DIRTY_RATE_HISTORY;
    return domain->dirty_rate[count - 1].value;
}

bool migration_is_active(const MigrationView *migration)
{
    return migration && (migration->phase == MIGRATION_STARTING ||
                         migration->phase == MIGRATION_RUNNING ||
                         migration->phase == MIGRATION_POSTCOPY);
}

static int migration_rank(const MigrationView *m)
{
    if (migration_is_active(m))
        return 2;
    /* Paused on both sides: the operator must see it to resume it. */
    if (m->phase == MIGRATION_POSTCOPY_FAILED)
        return 1;
    return 0;
}

const MigrationView *domain_migration(const CoreSnapshot *snapshot, const char *uuid,
                                      size_t host)
{
    if (!snapshot || !uuid)
        return NULL;
    const MigrationView *best = NULL;
    for (size_t i = 0; i < snapshot->migration_count; i++) {
        const MigrationView *m = &snapshot->migrations[i];
        if (strcmp(m->domain_uuid, uuid) != 0)
            continue;
        if (m->source_host != host && m->dest_host != host)
            continue;
        if (!best || migration_rank(m) > migration_rank(best) ||
            (migration_rank(m) == migration_rank(best) && m->id > best->id))
            best = m;
    }
    return best;
}

static bool contains_ignoring_case(const char *haystack, const char *needle)
{
    if (!needle[0])
        return true;
    if (!haystack)
        return false;
    size_t length = strlen(needle);
    for (const char *p = haystack; *p; p++) {
        if (strncasecmp(p, needle, length) == 0)
            return true;
    }
    return false;
}

static bool passes_filter(const DomainList *list, const CoreSnapshot *snapshot,
                          const DomainView *domain)
{
    if (!list->filter[0])
        return true;
    if (contains_ignoring_case(domain->name, list->filter))
        return true;
    return domain->host_index < snapshot->host_count &&
           contains_ignoring_case(snapshot->hosts[domain->host_index].name, list->filter);
}

/* qsort has no context argument in C11: the list being rebuilt is kept here
 * for the duration of one qsort call (the UI is single-threaded). */
static const DomainList *sorting_list;

static int compare_names(const DomainView *a, const DomainView *b)
{
    int by_name = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    return by_name ? by_name : strcmp(a->uuid, b->uuid);
}

static int compare_rows(const void *left, const void *right)
{
    const DomainRow *ra = left, *rb = right;
    const CoreSnapshot *snapshot = sorting_list->snapshot;
    if (ra->host != rb->host)
        return ra->host < rb->host ? -1 : 1;
    if (ra->is_host != rb->is_host)
        return ra->is_host ? -1 : 1;
    if (ra->is_host)
        return 0;
    const DomainView *a = &snapshot->domains[ra->domain];
    const DomainView *b = &snapshot->domains[rb->domain];
    switch (sorting_list->sort) {
    case SORT_BY_STATE:
        if (a->state != b->state)
            return a->state < b->state ? -1 : 1;
        break;
    case SORT_BY_MEMORY:
        if (a->memory_kib != b->memory_kib)
            return a->memory_kib > b->memory_kib ? -1 : 1;
        break;
    case SORT_BY_DIRTY_RATE: {
        double da = domain_last_dirty_rate(a), db = domain_last_dirty_rate(b);
        if (da != db)
            return da > db ? -1 : 1;
        break;
    }
    case SORT_BY_VCPUS:
        if (a->vcpus != b->vcpus)
            return a->vcpus > b->vcpus ? -1 : 1;
        break;
    case SORT_BY_NAME:
    case SORT_KEY_COUNT:
        break;
    }
    return compare_names(a, b);
}

static size_t find_row(const DomainList *list, const CoreSnapshot *snapshot, const char *uuid,
                       bool any_host, size_t host)
{
    for (size_t i = 0; i < list->count; i++) {
        const DomainRow *row = &list->rows[i];
        if (row->is_host || (!any_host && row->host != host))
            continue;
        if (strcmp(snapshot->domains[row->domain].uuid, uuid) == 0)
            return i;
    }
    return SIZE_MAX;
}

static void remember_selection(DomainList *list)
{
    if (list->selected == SIZE_MAX || !list->snapshot) {
        list->has_selection = false;
        return;
    }
    const DomainRow *row = &list->rows[list->selected];
    list->has_selection = true;
    list->selected_host = row->host;
    memcpy(list->selected_uuid, list->snapshot->domains[row->domain].uuid,
           sizeof list->selected_uuid);
    list->selected_uuid[sizeof list->selected_uuid - 1] = '\0';
}

/* The nearest domain row at or after `index`, else before it. */
static size_t nearest_domain_row(const DomainList *list, size_t index)
{
    if (list->count == 0)
        return SIZE_MAX;
    if (index >= list->count)
        index = list->count - 1;
    for (size_t i = index; i < list->count; i++) {
        if (!list->rows[i].is_host)
            return i;
    }
    for (size_t i = index + 1; i-- > 0;) {
        if (!list->rows[i].is_host)
            return i;
    }
    return SIZE_MAX;
}

int domain_list_rebuild(DomainList *list, const CoreSnapshot *snapshot)
{
    if (!list || !snapshot)
        return -1;
    size_t needed = snapshot->host_count + snapshot->domain_count;
    if (needed > list->capacity) {
        DomainRow *rows = realloc(list->rows, needed * sizeof *rows);
        if (!rows)
            return -1;
        list->rows = rows;
        list->capacity = needed;
    }
    size_t old_selected = list->selected;
    list->count = 0;
    list->domain_rows = 0;
    for (size_t h = 0; h < snapshot->host_count; h++)
        list->rows[list->count++] = (DomainRow){ .is_host = true, .host = h };
    for (size_t d = 0; d < snapshot->domain_count; d++) {
        const DomainView *domain = &snapshot->domains[d];
        if (domain->host_index >= snapshot->host_count || !passes_filter(list, snapshot, domain))
            continue;
        list->rows[list->count++] = (DomainRow){ .host = domain->host_index, .domain = d };
        list->domain_rows++;
    }
    list->snapshot = snapshot;
    sorting_list = list;
    qsort(list->rows, list->count, sizeof *list->rows, compare_rows);
    sorting_list = NULL;

    list->selected = SIZE_MAX;
    if (list->has_selection) {
        list->selected = find_row(list, snapshot, list->selected_uuid, false,
                                  list->selected_host);
        /* Gone from that host: a migration moved it, follow it. */
        if (list->selected == SIZE_MAX)
            list->selected = find_row(list, snapshot, list->selected_uuid, true, 0);
    }
    if (list->selected == SIZE_MAX)
        list->selected = nearest_domain_row(list, old_selected == SIZE_MAX ? 0 : old_selected);
    remember_selection(list);
    return 0;
}

size_t domain_list_count(const DomainList *list)
{
    return list ? list->count : 0;
}

const DomainRow *domain_list_row(const DomainList *list, size_t index)
{
    return list && index < list->count ? &list->rows[index] : NULL;
}

size_t domain_list_domain_count(const DomainList *list)
{
    return list ? list->domain_rows : 0;
}

size_t domain_list_selected_row(const DomainList *list)
{
    return list ? list->selected : SIZE_MAX;
}

const DomainView *domain_list_selected(const DomainList *list, const CoreSnapshot *snapshot)
{
    if (!list || list->selected == SIZE_MAX || snapshot != list->snapshot || !snapshot)
        return NULL;
    return &snapshot->domains[list->rows[list->selected].domain];
}

static bool select_index(DomainList *list, size_t index)
{
    if (index == list->selected)
        return false;
    list->selected = index;
    remember_selection(list);
    return true;
}

bool domain_list_move(DomainList *list, long delta)
{
    if (!list || list->selected == SIZE_MAX || delta == 0)
        return false;
    size_t index = list->selected;
    long step = delta > 0 ? 1 : -1;
    long remaining = delta > 0 ? delta : -delta;
    while (remaining > 0) {
        size_t next = index;
        /* Next domain row in that direction, skipping host lines. */
        do {
            if ((step < 0 && next == 0) || (step > 0 && next + 1 >= list->count)) {
                next = SIZE_MAX;
                break;
            }
            next = (size_t)((long)next + step);
        } while (list->rows[next].is_host);
        if (next == SIZE_MAX)
            break;
        index = next;
        remaining--;
    }
    return select_index(list, index);
}

bool domain_list_select_first(DomainList *list)
{
    if (!list)
        return false;
    size_t index = nearest_domain_row(list, 0);
    return index != SIZE_MAX && select_index(list, index);
}

bool domain_list_select_last(DomainList *list)
{
    if (!list || list->count == 0)
        return false;
    size_t index = SIZE_MAX;
    for (size_t i = list->count; i-- > 0;) {
        if (!list->rows[i].is_host) {
            index = i;
            break;
        }
    }
    return index != SIZE_MAX && select_index(list, index);
}

bool domain_list_select_row(DomainList *list, size_t index)
{
    if (!list || index >= list->count)
        return false;
    if (list->rows[index].is_host) {
        size_t host = list->rows[index].host;
        if (index + 1 >= list->count || list->rows[index + 1].is_host ||
            list->rows[index + 1].host != host)
            return false;
        index++;
    }
    select_index(list, index);
    return true;
}

void domain_list_set_filter(DomainList *list, const char *filter)
{
    if (!list)
        return;
    size_t length = filter ? strlen(filter) : 0;
    if (length >= sizeof list->filter)
        length = sizeof list->filter - 1;
    if (length)
        memcpy(list->filter, filter, length);
    list->filter[length] = '\0';
}

const char *domain_list_filter(const DomainList *list)
{
    return list ? list->filter : "";
}

void domain_list_set_sort(DomainList *list, DomainSortKey key)
{
    if (list && key < SORT_KEY_COUNT)
        list->sort = key;
}

DomainSortKey domain_list_sort(const DomainList *list)
{
    return list ? list->sort : SORT_BY_NAME;
}

const char *domain_sort_key_name(DomainSortKey key)
{
    static const char *const names[SORT_KEY_COUNT] = {
        [SORT_BY_NAME] = "name", [SORT_BY_STATE] = "state", [SORT_BY_MEMORY] = "memory",
        [SORT_BY_DIRTY_RATE] = "dirty rate", [SORT_BY_VCPUS] = "vCPUs",
    };
    return key < SORT_KEY_COUNT ? names[key] : "?";
}
