/* The rows of the domain table: every domain of a snapshot grouped under its
 * host, sorted and filtered, with a selection that sticks to the same domain
 * (by UUID and host) across refreshes, and follows a guest to its new host
 * when a migration moved it.
 *
 * Pure (no curses): rows are indexes into the snapshot given to the last
 * domain_list_rebuild(), which must stay alive while the rows are used. */
#ifndef VIRTMIG_TUI_DOMAIN_LIST_H
#define VIRTMIG_TUI_DOMAIN_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "core.h"

typedef enum {
    SORT_BY_NAME = 0,
    SORT_BY_STATE,
    SORT_BY_MEMORY,       /* largest first */
    SORT_BY_DIRTY_RATE,   /* busiest first */
    SORT_BY_VCPUS,        /* most first */
    SORT_KEY_COUNT
} DomainSortKey;

typedef struct {
    bool is_host;         /* a host's group line */
    size_t host;          /* index into snapshot->hosts */
    size_t domain;        /* index into snapshot->domains (when !is_host) */
} DomainRow;

typedef struct _DomainList DomainList;

DomainList *domain_list_new(void);
void domain_list_free(DomainList *list);      /* accepts NULL */

/* Rebuilds rows from a snapshot, keeping the selection. Returns 0, or -1 on
 * allocation failure (the old rows are kept then). */
int domain_list_rebuild(DomainList *list, const CoreSnapshot *snapshot);

size_t domain_list_count(const DomainList *list);
const DomainRow *domain_list_row(const DomainList *list, size_t index);
/* Domains that passed the filter (host lines not counted). */
size_t domain_list_domain_count(const DomainList *list);

/* The selected row index, or SIZE_MAX when no domain is shown. Always a
 * domain row, never a host line. */
size_t domain_list_selected_row(const DomainList *list);
/* The selected domain in the last snapshot, or NULL. */
const DomainView *domain_list_selected(const DomainList *list, const CoreSnapshot *snapshot);

/* Moves the selection by delta domain rows (host lines are skipped), clamped
 * at both ends. Returns true when the selection changed. */
bool domain_list_move(DomainList *list, long delta);
bool domain_list_select_first(DomainList *list);
bool domain_list_select_last(DomainList *list);
/* Selects a row by index (a mouse click); a host line selects its first domain.
 * Returns false when there is nothing to select there. */
bool domain_list_select_row(DomainList *list, size_t index);

/* Case-insensitive substring of the domain's or its host's name; "" shows all.
 * Takes effect at the next rebuild. */
void domain_list_set_filter(DomainList *list, const char *filter);
const char *domain_list_filter(const DomainList *list);
void domain_list_set_sort(DomainList *list, DomainSortKey key);
DomainSortKey domain_list_sort(const DomainList *list);
const char *domain_sort_key_name(DomainSortKey key);   /* "name", "memory"... */

/* The migration to show for a domain on a host: a running one (this host is
 * its source or destination) first, else the newest that involved it. NULL
 * when none. */
const MigrationView *domain_migration(const CoreSnapshot *snapshot, const char *uuid,
                                      size_t host);
/* Latest dirty rate sample in MiB/s, or -1 when none. */
double domain_last_dirty_rate(const DomainView *domain);
/* A migration still in progress (not completed, failed or cancelled). */
bool migration_is_active(const MigrationView *migration);

#endif
