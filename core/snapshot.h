/* Deep copies of the published views, so core_snapshot() hands the front end
 * state it owns outright and can read without any lock.
 *
 * Each *_copy fills dest from src (dest's previous contents are ignored) and
 * returns 0, or -1 on allocation failure with dest left cleared. Each *_clear
 * frees what the view owns and zeroes it; all accept NULL. */
#ifndef VIRTMIG_SNAPSHOT_H
#define VIRTMIG_SNAPSHOT_H

#include "core.h"

int host_view_copy(HostView *dest, const HostView *src);
void host_view_clear(HostView *view);

int domain_view_copy(DomainView *dest, const DomainView *src);
void domain_view_clear(DomainView *view);

int migration_view_copy(MigrationView *dest, const MigrationView *src);
void migration_view_clear(MigrationView *view);

int core_message_copy(CoreMessage *dest, const CoreMessage *src);
void core_message_clear(CoreMessage *message);

int credential_request_copy(CredentialRequest *dest, const CredentialRequest *src);
void credential_request_clear(CredentialRequest *request);

/* Frees what the items of a snapshot own and empties it, keeping its arrays
 * for reuse (core_snapshot_update refills them). */
void snapshot_release_items(CoreSnapshot *snapshot);

/* strdup that accepts NULL: *dest = copy of src (NULL stays NULL). Returns 0, or
 * -1 when out of memory. */
int snapshot_strdup(char **dest, const char *src);

#endif
