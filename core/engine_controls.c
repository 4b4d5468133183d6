/* Requests queued for a host worker: controls of a running migration (on the
 * source domain), suspend/resume, dirty-rate watching. Each is answered with
 * an operator message carrying libvirt's own message on failure. */
#include "engine_host.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_migration.h"
#include "libvirt_error.h"
#include "migration_control.h"

static const char *request_action(HostRequestKind kind)
{
    switch (kind) {
    case HOST_REQUEST_ABORT: return "abort";
    case HOST_REQUEST_POSTCOPY: return "postcopy";
    case HOST_REQUEST_MAX_DOWNTIME: return "set-max-downtime";
    case HOST_REQUEST_BANDWIDTH: return "set-bandwidth";
    case HOST_REQUEST_COMPRESSION_CACHE: return "set-compression-cache";
    case HOST_REQUEST_SUSPEND: return "suspend";
    case HOST_REQUEST_RESUME: return "resume";
    case HOST_REQUEST_WATCH_DIRTY_RATE: return "watch-dirty-rate";
    case HOST_REQUEST_MEASURE_DIRTY_RATE: return "measure-dirty-rate";
    case HOST_REQUEST_RECONNECT: return "reconnect";
    }
    return "request";
}

static bool is_migration_control(HostRequestKind kind)
{
    return kind <= HOST_REQUEST_COMPRESSION_CACHE;
}

/* Records what a migration control did in the view and the journal. */
static void record_migration_control(HostWorker *worker, const HostRequest *request, bool ok,
                                     const char *error)
{
    Core *core = worker->core;
    pthread_mutex_lock(&core->lock);
    EngineMigration *migration = engine_find_migration_locked(core, request->migration_id);
    if (migration && ok) {
        switch (request->kind) {
        case HOST_REQUEST_ABORT:
            migration->aborted = true;
            break;
        case HOST_REQUEST_MAX_DOWNTIME:
            migration->view.current_max_downtime_ms = request->value;
            break;
        case HOST_REQUEST_BANDWIDTH:
            if (request->flag)
                migration->postcopy_bandwidth_mibs = request->value;
            else
                migration->view.current_bandwidth_mibs = request->value;
            break;
        default:
            break;
        }
        engine_changed_locked(core);
    }
    Journal *journal = core->journal;
    pthread_mutex_unlock(&core->lock);

    JournalAction record = {
        .migration_id = request->migration_id,
        .action = request->kind == HOST_REQUEST_ABORT && request->flag ? "postcopy-abort"
                  : request->kind == HOST_REQUEST_BANDWIDTH && request->flag
                      ? "set-postcopy-bandwidth"
                      : request_action(request->kind),
        .has_value = request->kind == HOST_REQUEST_MAX_DOWNTIME ||
                     request->kind == HOST_REQUEST_BANDWIDTH ||
                     request->kind == HOST_REQUEST_COMPRESSION_CACHE,
        .value = request->value,
        .ok = ok,
        .result = error,
    };
    char *journal_error = NULL;
    if (journal && journal_append_action(journal, &record, &journal_error) < 0) {
        engine_message(core, MESSAGE_WARNING, "%s", journal_error ? journal_error : "journal");
        free(journal_error);
    }
}

static void success_message(HostWorker *worker, const HostRequest *request, const char *name)
{
    Core *core = worker->core;
    switch (request->kind) {
    case HOST_REQUEST_ABORT:
        engine_message(core, MESSAGE_INFO, "%s: %s of %s accepted", worker->name,
                       request->flag ? "post-copy abort" : "abort", name);
        break;
    case HOST_REQUEST_POSTCOPY:
        engine_message(core, MESSAGE_INFO, "%s: %s switched to post-copy", worker->name, name);
        break;
    case HOST_REQUEST_MAX_DOWNTIME:
        engine_message(core, MESSAGE_INFO, "%s: max downtime of %s set to %" PRIu64 " ms",
                       worker->name, name, request->value);
        break;
    case HOST_REQUEST_BANDWIDTH:
        engine_message(core, MESSAGE_INFO, "%s: %sbandwidth of %s set to %" PRIu64 " MiB/s%s",
                       worker->name, request->flag ? "post-copy " : "", name, request->value,
                       request->value == 0 ? " (unlimited)" : "");
        break;
    case HOST_REQUEST_COMPRESSION_CACHE:
        engine_message(core, MESSAGE_INFO, "%s: compression cache of %s set to %" PRIu64 " bytes",
                       worker->name, name, request->value);
        break;
    case HOST_REQUEST_SUSPEND:
        engine_message(core, MESSAGE_INFO, "%s: %s suspended", worker->name, name);
        break;
    case HOST_REQUEST_RESUME:
        engine_message(core, MESSAGE_INFO, "%s: %s resumed", worker->name, name);
        break;
    default:
        break;
    }
}

static bool launched_with_postcopy(HostWorker *worker, unsigned migration_id)
{
    pthread_mutex_lock(&worker->core->lock);
    EngineMigration *migration = engine_find_migration_locked(worker->core, migration_id);
    bool postcopy = migration && migration->view.options.postcopy;
    pthread_mutex_unlock(&worker->core->lock);
    return postcopy;
}

static int run_control(HostWorker *worker, virDomainPtr domain, const HostRequest *request,
                       char **error)
{
    switch (request->kind) {
    case HOST_REQUEST_ABORT:
        return migration_control_abort(domain, worker->name, request->flag, error);
    case HOST_REQUEST_POSTCOPY:
        return migration_control_start_postcopy(
            domain, worker->name, launched_with_postcopy(worker, request->migration_id), error);
    case HOST_REQUEST_MAX_DOWNTIME:
        return migration_control_set_max_downtime(domain, worker->name, request->value, error);
    case HOST_REQUEST_BANDWIDTH:
        return migration_control_set_bandwidth(domain, worker->name, request->value,
                                               request->flag, error);
    case HOST_REQUEST_COMPRESSION_CACHE:
        return migration_control_set_compression_cache(domain, worker->name, request->value,
                                                       error);
    case HOST_REQUEST_SUSPEND:
        return migration_control_suspend(domain, worker->name, error);
    case HOST_REQUEST_RESUME:
        return migration_control_resume(domain, worker->name, error);
    default:
        return error_set(error, "%s: unexpected request", worker->name);
    }
}

static void watch_request(HostWorker *worker, const HostRequest *request)
{
    TrackedDomain *tracked = host_tracked_get(worker, request->uuid, true);
    if (!tracked) {
        engine_message(worker->core, MESSAGE_ERROR, "%s: out of memory", worker->name);
        return;
    }
    if (request->kind == HOST_REQUEST_WATCH_DIRTY_RATE)
        tracked->watched = request->flag;
    else
        tracked->measure_once = true;
    worker->next_poll_ms = 0;
}

void host_control_execute(HostWorker *worker, HostRequest *request)
{
    const char *name = request->domain_name ? request->domain_name : request->uuid;
    char *error = NULL;

    if (request->kind == HOST_REQUEST_WATCH_DIRTY_RATE ||
        request->kind == HOST_REQUEST_MEASURE_DIRTY_RATE) {
        watch_request(worker, request);
        goto cleanup;
    }

    if (!worker->conn) {
        pthread_mutex_lock(&worker->core->lock);
        const char *reason = worker->core->hosts[worker->index].view.error;
        error_set(&error, "%s: %s %s: not connected to %s (%s); try again once it reconnects",
                  worker->name, request_action(request->kind), name, worker->name,
                  reason ? reason : "connecting");
        pthread_mutex_unlock(&worker->core->lock);
    } else {
        virDomainPtr domain = virDomainLookupByUUIDString(worker->conn, request->uuid);
        if (!domain) {
            libvirt_error_set(&error, "%s: %s %s", worker->name, request_action(request->kind),
                              name);
        } else {
            if (run_control(worker, domain, request, &error) == 0)
                success_message(worker, request, name);
            virDomainFree(domain);
        }
    }
    if (error)
        engine_message(worker->core, MESSAGE_ERROR, "%s", error);
    if (is_migration_control(request->kind))
        record_migration_control(worker, request, error == NULL, error);
    free(error);

 cleanup:
    free(request->domain_name);
    request->domain_name = NULL;
}
