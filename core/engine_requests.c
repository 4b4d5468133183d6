/* The request side of core.h: every call checks what it can from the
 * published state, then queues work for a thread and returns at once. */
#include "engine_state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_migration.h"
#include "host_worker.h"
#include "libvirt_error.h"

/* ---- migrate ------------------------------------------------------- */

typedef struct {
    OptionProblem *problems;
    size_t max;
    size_t count;
} ProblemList;

static void add_problem(ProblemList *list, OptionField field, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void add_problem(ProblemList *list, OptionField field, const char *format, ...)
{
    if (list->problems && list->count < list->max) {
        OptionProblem *problem = &list->problems[list->count];
        va_list args;
        va_start(args, format);
        problem->field = field;
        vsnprintf(problem->message, sizeof(problem->message), format, args);
        va_end(args);
    }
    list->count++;
}

static EngineMigration *active_migration_of_locked(Core *core, const char *uuid)
{
    for (size_t i = 0; i < core->migration_count; i++) {
        EngineMigration *migration = core->migrations[i];
        if (engine_migration_active(&migration->view) &&
            strcmp(migration->view.domain_uuid, uuid) == 0)
            return migration;
    }
    return NULL;
}

/* What validation needs from the published state, plus the problems that are
 * not about the options (hosts, domain). Returns false when a problem was
 * added. */
static bool read_launch_context(Core *core, size_t source_host, const char *domain_uuid,
                                size_t dest_host, bool client_managed, ProblemList *list,
                                char uuid_out[37], char **name_out, MigrateContext *context)
{
    size_t before = list->count;
    pthread_mutex_lock(&core->lock);
    if (source_host >= core->host_count || dest_host >= core->host_count) {
        add_problem(list, OPT_FIELD_NONE,
                    "No host number %zu: choose a source and a destination among the %zu hosts.",
                    (source_host >= core->host_count ? source_host : dest_host) + 1,
                    core->host_count);
        goto done;
    }
    const HostView *source = &core->hosts[source_host].view;
    const HostView *dest = &core->hosts[dest_host].view;
    if (source_host == dest_host)
        add_problem(list, OPT_FIELD_NONE,
                    "Source and destination are both %s: choose another destination host.",
                    source->name);
    if (source->state != HOST_CONNECTED)
        add_problem(list, OPT_FIELD_NONE,
                    "%s is not connected (%s): wait until it is, or pick another source.",
                    source->name, source->error ? source->error : host_conn_state_name(source->state));
    if (client_managed && dest->state != HOST_CONNECTED)
        add_problem(list, OPT_FIELD_P2P,
                    "%s is not connected (%s): a client-managed migration needs it; wait, or use "
                    "peer-to-peer.",
                    dest->name, dest->error ? dest->error : host_conn_state_name(dest->state));
    const DomainView *domain =
        domain_uuid ? engine_find_domain_by_uuid_or_name_locked(core, source_host, domain_uuid)
                    : NULL;
    if (!domain) {
        add_problem(list, OPT_FIELD_NONE,
                    "No domain \"%s\" on %s: pick one from the list (it may have just moved).",
                    domain_uuid ? domain_uuid : "", source->name);
        goto done;
    }
    EngineMigration *running = active_migration_of_locked(core, domain->uuid);
    if (running)
        add_problem(list, OPT_FIELD_NONE,
                    "%s is already migrating (migration %u, %s): wait for it or abort it first.",
                    domain->name, running->view.id, migration_phase_name(running->view.phase));
    snprintf(uuid_out, 37, "%s", domain->uuid);
    *name_out = strdup(domain->name ? domain->name : domain->uuid);
    context->source_libvirt_version = source->libvirt_version;
    context->domain_state_known = true;
    context->domain_active = domain->state != DOMAIN_SHUTOFF &&
                             domain->state != DOMAIN_NOSTATE &&
                             domain->state != DOMAIN_CRASHED;

 done:
    pthread_mutex_unlock(&core->lock);
    return list->count == before;
}

int core_request_migrate(Core *core, size_t source_host, const char *domain_uuid,
                         size_t dest_host, const MigrateOptions *options,
                         OptionProblem *problems, size_t max, size_t *problem_count)
{
    ProblemList list = { problems, max, 0 };
    char uuid[37] = "";
    char *name = NULL;
    MigrateContext context;
    memset(&context, 0, sizeof(context));
    int ret = -1;

    if (!core || !options) {
        add_problem(&list, OPT_FIELD_NONE, "No engine or no options given (a program error).");
        goto done;
    }
    read_launch_context(core, source_host, domain_uuid, dest_host, !options->p2p, &list, uuid,
                        &name, &context);
    context.domain_name = name;
    context.domain_uuid = uuid[0] ? uuid : NULL;
    /* Validate the options even when the hosts are wrong: the operator fixes
     * everything in one go. */
    size_t room = list.count < max ? max - list.count : 0;
    list.count += migrate_options_validate(options, &context,
                                           problems ? problems + (max - room) : NULL, room);
    if (list.count > 0)
        goto done;

    char *error = NULL;
    ret = engine_migration_launch(core, source_host, dest_host, uuid, name, options, &error);
    if (ret < 0) {
        add_problem(&list, OPT_FIELD_NONE, "%s", error ? error : "cannot launch");
        free(error);
    }

 done:
    free(name);
    if (problem_count)
        *problem_count = list.count;
    return ret;
}

/* ---- migration controls -------------------------------------------- */

static int queue_locked(Core *core, size_t host, const char *uuid, const char *domain_name,
                        HostRequestKind kind, unsigned migration_id, uint64_t value, bool flag,
                        char **error)
{
    HostRequest request;
    memset(&request, 0, sizeof(request));
    request.kind = kind;
    request.migration_id = migration_id;
    snprintf(request.uuid, sizeof(request.uuid), "%s", uuid);
    request.domain_name = domain_name ? strdup(domain_name) : NULL;
    request.value = value;
    request.flag = flag;
    if (core->stopping || !core->hosts[host].worker ||
        host_worker_enqueue_locked(core->hosts[host].worker, &request) < 0) {
        free(request.domain_name);
        return engine_refuse_locked(core, error, core->stopping
                                                     ? "the engine is shutting down"
                                                     : "out of memory queueing the request");
    }
    pthread_mutex_unlock(&core->lock);
    return 0;
}

/* The migration a control names, returned with Core.lock held; NULL (lock
 * released, *error set) when there is no engine or no such migration. */
static EngineMigration *lock_migration(Core *core, unsigned id, char **error)
{
    if (!core) {
        error_set(error, "no engine");
        return NULL;
    }
    pthread_mutex_lock(&core->lock);
    EngineMigration *migration = engine_find_migration_locked(core, id);
    if (!migration)
        engine_refuse_locked(core, error, "No migration %u: pick one from the migrations list.",
                             id);
    return migration;
}

static int control_migration(Core *core, unsigned id, HostRequestKind kind, uint64_t value,
                             bool flag, char **error)
{
    EngineMigration *migration = lock_migration(core, id, error);
    if (!migration)
        return -1;
    const MigrationView *view = &migration->view;
    const char *name = view->domain_name;
    /* A failed post-copy waits for core_request_postcopy_resume(); its
     * bandwidth may be changed meanwhile (the recovery then uses it). */
    if (view->phase == MIGRATION_POSTCOPY_FAILED && kind != HOST_REQUEST_BANDWIDTH)
        return engine_refuse_locked(core, error,
                "Migration %u of %s failed in post-copy and waits, paused: resume it "
                "(post-copy resume); only its bandwidth can be changed meanwhile.",
                id, name);
    if (!engine_migration_active(view) && view->phase != MIGRATION_POSTCOPY_FAILED)
        return engine_refuse_locked(core, error, "Migration %u of %s has already ended (%s).",
                id, name, migration_phase_name(view->phase));

    switch (kind) {
    case HOST_REQUEST_ABORT:
        if (!flag && view->phase == MIGRATION_POSTCOPY)
            return engine_refuse_locked(core, error,
                    "%s is in post-copy: the destination already runs it, so a "
                    "plain abort is not possible. Use the post-copy abort (pauses "
                    "it, resumable) or let it finish.", name);
        if (flag && view->phase != MIGRATION_POSTCOPY)
            return engine_refuse_locked(core, error,
                    "%s is not in post-copy: a post-copy abort does not apply; use "
                    "a plain abort.", name);
        break;
    case HOST_REQUEST_POSTCOPY:
        if (!view->options.postcopy)
            return engine_refuse_locked(core, error,
                    "Post-copy was not enabled when %s was launched: abort and "
                    "launch again with post-copy allowed.", name);
        if (view->phase == MIGRATION_POSTCOPY)
            return engine_refuse_locked(core, error, "%s is already in post-copy.", name);
        break;
    case HOST_REQUEST_MAX_DOWNTIME:
        if (value == 0)
            return engine_refuse_locked(core, error,
                    "A max downtime of 0 ms can never be met: give at least 1 ms "
                    "(libvirt's default is 300 ms).");
        break;
    case HOST_REQUEST_BANDWIDTH:
        if (value > MIGRATE_BANDWIDTH_MAX_MIBS)
            return engine_refuse_locked(core, error,
                    "A bandwidth of %llu MiB/s is more than libvirt accepts (at most "
                    "%llu); use 0 for unlimited.",
                    (unsigned long long)value, MIGRATE_BANDWIDTH_MAX_MIBS);
        break;
    case HOST_REQUEST_COMPRESSION_CACHE:
        if (value == 0)
            return engine_refuse_locked(core, error,
                    "A compression cache of 0 bytes is not possible: give a size "
                    "such as 64M.");
        break;
    default:
        break;
    }
    return queue_locked(core, view->source_host, view->domain_uuid, name, kind, id, value, flag,
                        error);
}

int core_request_abort(Core *core, unsigned migration_id, bool postcopy_abort, char **error)
{
    return control_migration(core, migration_id, HOST_REQUEST_ABORT, 0, postcopy_abort, error);
}

int core_request_postcopy(Core *core, unsigned migration_id, char **error)
{
    return control_migration(core, migration_id, HOST_REQUEST_POSTCOPY, 0, false, error);
}

int core_request_set_max_downtime(Core *core, unsigned migration_id, uint64_t ms, char **error)
{
    return control_migration(core, migration_id, HOST_REQUEST_MAX_DOWNTIME, ms, false, error);
}

int core_request_set_bandwidth(Core *core, unsigned migration_id, uint64_t mibs,
                               bool postcopy, char **error)
{
    return control_migration(core, migration_id, HOST_REQUEST_BANDWIDTH, mibs, postcopy, error);
}

int core_request_set_compression_cache(Core *core, unsigned migration_id, uint64_t bytes,
                                       char **error)
{
    return control_migration(core, migration_id, HOST_REQUEST_COMPRESSION_CACHE, bytes, false,
                             error);
}

int core_request_postcopy_resume(Core *core, unsigned migration_id, char **error)
{
    EngineMigration *migration = lock_migration(core, migration_id, error);
    if (!migration)
        return -1;
    if (migration->view.phase != MIGRATION_POSTCOPY_FAILED)
        return engine_refuse_locked(core, error,
                "Migration %u of %s is %s: only a failed post-copy can be resumed.",
                migration_id, migration->view.domain_name,
                migration_phase_name(migration->view.phase));
    engine_migration_request_resume_locked(migration);
    engine_message_locked(core, MESSAGE_INFO, "resuming the post-copy migration of %s",
                          migration->view.domain_name);
    pthread_mutex_unlock(&core->lock);
    return 0;
}

/* ---- domain requests ----------------------------------------------- */

static int control_domain(Core *core, size_t host, const char *uuid_or_name,
                          HostRequestKind kind, bool flag, char **error)
{
    if (!core)
        return error_set(error, "no engine");
    pthread_mutex_lock(&core->lock);
    if (host >= core->host_count)
        return engine_refuse_locked(core, error, "No host number %zu (there are %zu).", host + 1,
                core->host_count);
    DomainView *domain = engine_find_domain_by_uuid_or_name_locked(core, host, uuid_or_name);
    if (!domain)
        return engine_refuse_locked(core, error, "No domain \"%s\" on %s.",
                uuid_or_name ? uuid_or_name : "", core->hosts[host].view.name);
    bool wants_measurement = kind == HOST_REQUEST_MEASURE_DIRTY_RATE ||
                             (kind == HOST_REQUEST_WATCH_DIRTY_RATE && flag);
    if (wants_measurement && core->hosts[host].view.dirty_rate_unsupported)
        return engine_refuse_locked(core, error,
                "%s cannot measure dirty rates: its driver does not "
                "support it (libvirt said so once already)",
                core->hosts[host].view.name);
    if (kind == HOST_REQUEST_WATCH_DIRTY_RATE && domain->dirty_rate_watched != flag) {
        /* Shown at once; the worker starts or stops measuring on its next tick. */
        domain->dirty_rate_watched = flag;
        engine_changed_locked(core);
    }
    return queue_locked(core, host, domain->uuid, domain->name, kind, 0, 0, flag, error);
}

int core_request_suspend(Core *core, size_t host, const char *domain_uuid, char **error)
{
    return control_domain(core, host, domain_uuid, HOST_REQUEST_SUSPEND, false, error);
}

int core_request_resume(Core *core, size_t host, const char *domain_uuid, char **error)
{
    return control_domain(core, host, domain_uuid, HOST_REQUEST_RESUME, false, error);
}

int core_request_watch_dirty_rate(Core *core, size_t host, const char *domain_uuid, bool on)
{
    return control_domain(core, host, domain_uuid, HOST_REQUEST_WATCH_DIRTY_RATE, on, NULL);
}

int core_request_measure_dirty_rate(Core *core, size_t host, const char *domain_uuid)
{
    return control_domain(core, host, domain_uuid, HOST_REQUEST_MEASURE_DIRTY_RATE, false, NULL);
}

int core_request_reconnect(Core *core, size_t host, char **error)
{
    if (!core)
        return error_set(error, "no engine");
    pthread_mutex_lock(&core->lock);
    if (host >= core->host_count)
        return engine_refuse_locked(core, error, "No host number %zu (there are %zu).", host + 1,
                core->host_count);
    return queue_locked(core, host, "", NULL, HOST_REQUEST_RECONNECT, 0, 0, false, error);
}
