/* Deep copies of the published views, and the lookups and names core.h offers
 * on a snapshot. */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

int snapshot_strdup(char **dest, const char *src)
{
    *dest = NULL;
    if (!src)
        return 0;
    *dest = strdup(src);
    return *dest ? 0 : -1;
}

int host_view_copy(HostView *dest, const HostView *src)
{
    *dest = *src;
    dest->name = dest->uri = dest->error = NULL;
    dest->hostname = dest->host_uuid = dest->hv_type = NULL;
    if (snapshot_strdup(&dest->name, src->name) < 0 ||
        snapshot_strdup(&dest->uri, src->uri) < 0 ||
        snapshot_strdup(&dest->error, src->error) < 0 ||
        snapshot_strdup(&dest->hostname, src->hostname) < 0 ||
        snapshot_strdup(&dest->host_uuid, src->host_uuid) < 0 ||
        snapshot_strdup(&dest->hv_type, src->hv_type) < 0) {
        host_view_clear(dest);
        return -1;
    }
    return 0;
}

void host_view_clear(HostView *view)
{
    if (!view)
        return;
    free(view->name);
    free(view->uri);
    free(view->error);
    free(view->hostname);
    free(view->host_uuid);
    free(view->hv_type);
    memset(view, 0, sizeof(*view));
}

int domain_view_copy(DomainView *dest, const DomainView *src)
{
    *dest = *src;
    dest->name = NULL;
    dest->dirty_rate = NULL;
    dest->job = NULL;
    /* Only the samples there are: the engine's history has room for
     * DIRTY_RATE_HISTORY, a snapshot needs dirty_rate_count. */
    if (src->dirty_rate && src->dirty_rate_count > 0) {
        dest->dirty_rate = malloc(sizeof(*dest->dirty_rate) * src->dirty_rate_count);
        if (!dest->dirty_rate)
            goto fail;
        memcpy(dest->dirty_rate, src->dirty_rate,
               sizeof(*dest->dirty_rate) * src->dirty_rate_count);
    } else {
        dest->dirty_rate_count = 0;
    }
    if (src->job) {
        if (!(dest->job = malloc(sizeof(*dest->job))))
            goto fail;
        *dest->job = *src->job;
    }
    if (snapshot_strdup(&dest->name, src->name) < 0)
        goto fail;
    return 0;

 fail:
    domain_view_clear(dest);
    return -1;
}

void domain_view_clear(DomainView *view)
{
    if (!view)
        return;
    free(view->name);
    free(view->dirty_rate);
    free(view->job);
    memset(view, 0, sizeof(*view));
}

int migration_view_copy(MigrationView *dest, const MigrationView *src)
{
    *dest = *src;
    dest->domain_name = dest->virsh_command = dest->error = NULL;
    memset(&dest->options, 0, sizeof(dest->options));
    if (snapshot_strdup(&dest->domain_name, src->domain_name) < 0 ||
        snapshot_strdup(&dest->virsh_command, src->virsh_command) < 0 ||
        snapshot_strdup(&dest->error, src->error) < 0 ||
        migrate_options_copy(&dest->options, &src->options) < 0) {
        migration_view_clear(dest);
        return -1;
    }
    return 0;
}

void migration_view_clear(MigrationView *view)
{
    if (!view)
        return;
    free(view->domain_name);
    free(view->virsh_command);
    free(view->error);
    migrate_options_clear(&view->options);
    memset(view, 0, sizeof(*view));
}

int core_message_copy(CoreMessage *dest, const CoreMessage *src)
{
    *dest = *src;
    return snapshot_strdup(&dest->text, src->text);
}

void core_message_clear(CoreMessage *message)
{
    if (!message)
        return;
    free(message->text);
    memset(message, 0, sizeof(*message));
}

int credential_request_copy(CredentialRequest *dest, const CredentialRequest *src)
{
    *dest = *src;
    return snapshot_strdup(&dest->prompt, src->prompt);
}

void credential_request_clear(CredentialRequest *request)
{
    if (!request)
        return;
    free(request->prompt);
    memset(request, 0, sizeof(*request));
}

/* Frees what the items of a snapshot own, keeping its arrays for reuse. */
void snapshot_release_items(CoreSnapshot *snapshot)
{
    for (size_t i = 0; i < snapshot->host_count; i++)
        host_view_clear(&snapshot->hosts[i]);
    for (size_t i = 0; i < snapshot->domain_count; i++)
        domain_view_clear(&snapshot->domains[i]);
    for (size_t i = 0; i < snapshot->migration_count; i++)
        migration_view_clear(&snapshot->migrations[i]);
    for (size_t i = 0; i < snapshot->message_count; i++)
        core_message_clear(&snapshot->messages[i]);
    for (size_t i = 0; i < snapshot->credential_count; i++)
        credential_request_clear(&snapshot->credentials[i]);
    free(snapshot->preflights);
    snapshot->preflights = NULL;
    snapshot->host_count = snapshot->domain_count = snapshot->migration_count = 0;
    snapshot->message_count = snapshot->credential_count = snapshot->preflight_count = 0;
}

void core_snapshot_clear(CoreSnapshot *snapshot)
{
    if (!snapshot)
        return;
    snapshot_release_items(snapshot);
    free(snapshot->hosts);
    free(snapshot->domains);
    free(snapshot->migrations);
    free(snapshot->messages);
    free(snapshot->credentials);
    memset(snapshot, 0, sizeof(*snapshot));
}

const DomainView *core_snapshot_find_domain(const CoreSnapshot *snapshot, size_t host,
                                            const char *uuid_or_name)
{
    if (!snapshot || !uuid_or_name)
        return NULL;
    /* UUID first: a name can be reused by another domain, a UUID cannot. */
    for (size_t i = 0; i < snapshot->domain_count; i++) {
        const DomainView *domain = &snapshot->domains[i];
        if (domain->host_index == host && strcmp(domain->uuid, uuid_or_name) == 0)
            return domain;
    }
    for (size_t i = 0; i < snapshot->domain_count; i++) {
        const DomainView *domain = &snapshot->domains[i];
        if (domain->host_index == host && domain->name &&
            strcmp(domain->name, uuid_or_name) == 0)
            return domain;
    }
    return NULL;
}

const MigrationView *core_snapshot_find_migration(const CoreSnapshot *snapshot, unsigned id)
{
    if (!snapshot)
        return NULL;
    for (size_t i = 0; i < snapshot->migration_count; i++) {
        if (snapshot->migrations[i].id == id)
            return &snapshot->migrations[i];
    }
    return NULL;
}

const char *host_conn_state_name(HostConnState state)
{
    switch (state) {
    case HOST_CONNECTING: return "connecting";
    case HOST_CONNECTED: return "connected";
    case HOST_LOST: return "lost";
    case HOST_AUTH_FAILED: return "auth failed";
    }
    return "unknown";
}

const char *domain_run_state_name(DomainRunState state)
{
    switch (state) {
    case DOMAIN_NOSTATE: return "no state";
    case DOMAIN_RUNNING: return "running";
    case DOMAIN_BLOCKED: return "blocked";
    case DOMAIN_PAUSED: return "paused";
    case DOMAIN_SHUTDOWN: return "shutting down";
    case DOMAIN_SHUTOFF: return "shut off";
    case DOMAIN_CRASHED: return "crashed";
    case DOMAIN_PMSUSPENDED: return "pm-suspended";
    }
    return "unknown";
}

const char *migration_phase_name(MigrationPhase phase)
{
    switch (phase) {
    case MIGRATION_STARTING: return "starting";
    case MIGRATION_RUNNING: return "running";
    case MIGRATION_POSTCOPY: return "post-copy";
    case MIGRATION_COMPLETED: return "completed";
    case MIGRATION_FAILED: return "failed";
    case MIGRATION_CANCELLED: return "cancelled";
    case MIGRATION_POSTCOPY_FAILED: return "post-copy failed";
    }
    return "unknown";
}
