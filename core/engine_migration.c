/* A migration's own thread: its own connections (so a migration never waits
 * on a host worker, nor a worker on it), migration_run(), the outcome read
 * from both hosts, the journal, and post-copy recovery when asked. */
#include "engine_migration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_assistant.h"
#include "libvirt_error.h"
#include "migration_control.h"
#include "migration_outcome.h"
#include "migration_run.h"
#include "snapshot.h"

bool engine_migration_active(const MigrationView *view)
{
    return view->phase == MIGRATION_STARTING || view->phase == MIGRATION_RUNNING ||
           view->phase == MIGRATION_POSTCOPY;
}

void engine_migration_free(EngineMigration *migration)
{
    if (!migration)
        return;
    migration_view_clear(&migration->view);
    free(migration->source_name);
    free(migration->source_uri);
    free(migration->dest_name);
    free(migration->dest_uri);
    pthread_cond_destroy(&migration->cond);
    free(migration);
}

/* ---- callbacks from migration_run's watcher ------------------------ */

static void on_sample(const JobStats *stats, void *opaque)
{
    EngineMigration *migration = opaque;
    Core *core = migration->core;
    MigrationView *view = &migration->view;

    pthread_mutex_lock(&core->lock);
    if (view->history_count == MIGRATION_HISTORY) {
        memmove(&view->history[0], &view->history[1],
                sizeof(view->history[0]) * (MIGRATION_HISTORY - 1));
        view->history_count--;
    }
    view->history[view->history_count++] = *stats;
    view->last = *stats;
    /* The source half's job as the domain list shows it. */
    DomainView *domain = engine_find_domain_locked(core, view->source_host, view->domain_uuid);
    if (domain) {
        if (engine_set_domain_job(domain, stats) < 0)
            engine_message_locked(core, MESSAGE_ERROR, "%s: out of memory publishing its job",
                                  view->domain_name ? view->domain_name : view->domain_uuid);
        if (job_stats_has(stats, JS_MEM_DIRTY_RATE) && job_stats_has(stats, JS_MEM_PAGE_SIZE))
            engine_push_dirty_rate(domain,
                                   (double)stats->mem_dirty_rate * (double)stats->mem_page_size /
                                       (1024.0 * 1024.0),
                                   stats->sampled_at_ms);
    }
    EngineAssistantStep assistant_step;
    engine_assistant_sample_locked(migration, &assistant_step);
    engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);
    engine_assistant_journal(core, &assistant_step);
}

static void on_phase(MigrationPhase phase, void *opaque)
{
    EngineMigration *migration = opaque;
    Core *core = migration->core;
    pthread_mutex_lock(&core->lock);
    if (migration->view.phase != phase) {
        migration->view.phase = phase;
        if (phase == MIGRATION_POSTCOPY)
            engine_message_locked(core, MESSAGE_INFO, "%s: %s runs in post-copy now",
                                  migration->source_name, migration->view.domain_name);
        engine_changed_locked(core);
    }
    pthread_mutex_unlock(&core->lock);
}

static void on_note(bool is_error, const char *text, void *opaque)
{
    EngineMigration *migration = opaque;
    engine_message(migration->core, is_error ? MESSAGE_ERROR : MESSAGE_INFO, "%s", text);
}

/* ---- the thread ---------------------------------------------------- */

/* The outcome goes to the journal before it is published: a front end that
 * sees a migration end can always find how it ended in the journal. (The
 * journal is set once when the Core is made, so no lock is needed to read it.) */
static void journal_outcome_first(Core *core, const JournalOutcome *record)
{
    char *journal_error = NULL;
    if (core->journal && journal_append_outcome(core->journal, record, &journal_error) < 0) {
        engine_message(core, MESSAGE_WARNING, "%s", journal_error ? journal_error : "journal");
        free(journal_error);
    }
}

/* Ends the migration without libvirt having run it (a connection failed). */
static void fail_before_call(EngineMigration *migration, const char *error)
{
    Core *core = migration->core;
    JournalOutcome record = {
        .migration_id = migration->view.id, .phase = MIGRATION_FAILED, .error = error,
    };
    journal_outcome_first(core, &record);

    pthread_mutex_lock(&core->lock);
    migration->view.phase = MIGRATION_FAILED;
    free(migration->view.error);
    migration->view.error = error ? strdup(error) : NULL;
    migration->view.ended_ms = engine_now_ms();
    engine_message_locked(core, MESSAGE_ERROR, "%s", error ? error : "migration failed");
    engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);
}

static void publish_outcome(EngineMigration *migration, const MigrationRunResult *result,
                            const MigrationOutcome *outcome, bool call_failed)
{
    Core *core = migration->core;
    MigrationView *view = &migration->view;

    JournalOutcome record = {
        .migration_id = view->id,
        .phase = outcome->phase,
        .source_left_paused = outcome->source_left_paused,
        .error = call_failed ? result->error : NULL,
        .completed = result->have_completed ? &result->completed : NULL,
    };
    journal_outcome_first(core, &record);

    pthread_mutex_lock(&core->lock);
    view->phase = outcome->phase;
    view->source_left_paused = outcome->source_left_paused;
    free(view->error);
    view->error = call_failed && result->error ? strdup(result->error) : NULL;
    view->ended_ms = engine_now_ms();
    /* The watcher published the source's job while it ran; it ran out. */
    DomainView *source_domain = engine_find_domain_locked(core, view->source_host,
                                                          view->domain_uuid);
    if (source_domain)
        engine_set_domain_job(source_domain, NULL);
    if (result->have_completed)
        view->last = result->completed;
    else if (result->have_last)
        view->last = result->last;
    MessageLevel level = outcome->phase == MIGRATION_COMPLETED ? MESSAGE_INFO
                         : outcome->phase == MIGRATION_CANCELLED ? MESSAGE_WARNING
                                                                  : MESSAGE_ERROR;
    engine_message_locked(core, level, "%s -> %s: %s: %s", migration->source_name,
                          migration->dest_name, view->domain_name,
                          outcome->text ? outcome->text : migration_phase_name(outcome->phase));
    if (call_failed && result->error && outcome->phase != MIGRATION_COMPLETED)
        engine_message_locked(core, level, "%s", result->error);
    engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);
}

/* Waits for core_request_postcopy_resume() or the end of the engine.
 * Returns true when a resume was asked for. */
static bool wait_for_resume(EngineMigration *migration)
{
    Core *core = migration->core;
    pthread_mutex_lock(&core->lock);
    while (!migration->resume_requested && !core->stopping)
        pthread_cond_wait(&migration->cond, &core->lock);
    bool resume = migration->resume_requested && !core->stopping;
    migration->resume_requested = false;
    if (resume) {
        migration->view.phase = MIGRATION_POSTCOPY;
        migration->view.ended_ms = 0;
        free(migration->view.error);
        migration->view.error = NULL;
        engine_changed_locked(core);
    }
    pthread_mutex_unlock(&core->lock);
    return resume;
}

static bool begin_call(EngineMigration *migration, virDomainPtr domain)
{
    Core *core = migration->core;
    pthread_mutex_lock(&core->lock);
    bool go = !core->stopping;
    if (go) {
        migration->run_domain = domain;
        migration->call_running = true;
    }
    pthread_mutex_unlock(&core->lock);
    return go;
}

static bool end_call(EngineMigration *migration)
{
    Core *core = migration->core;
    pthread_mutex_lock(&core->lock);
    migration->run_domain = NULL;
    migration->call_running = false;
    bool aborted = migration->aborted;
    pthread_mutex_unlock(&core->lock);
    return aborted;
}

/* The launch's options with the limits set since (Core.lock taken here). */
static bool resume_options_now(EngineMigration *migration, MigrateOptions *out)
{
    Core *core = migration->core;
    pthread_mutex_lock(&core->lock);
    bool ok = migrate_options_copy(out, &migration->view.options) == 0;
    if (ok) {
        out->bandwidth_mibs = migration->view.current_bandwidth_mibs;
        out->max_downtime_ms = migration->view.current_max_downtime_ms;
        out->postcopy_bandwidth_mibs = migration->postcopy_bandwidth_mibs;
    }
    pthread_mutex_unlock(&core->lock);
    return ok;
}

static void run_migration(EngineMigration *migration, virConnectPtr source_conn,
                          virConnectPtr dest_conn, virDomainPtr domain)
{
    Core *core = migration->core;
    MigrationRunRequest request = {
        .domain = domain,
        .source_name = migration->source_name,
        .dest_uri = migration->dest_uri,
        .dest_conn = migration->view.options.p2p ? NULL : dest_conn,
        .options = &migration->view.options,
        .poll_ms = core->job_poll_ms,
        .callbacks = { on_sample, on_phase, on_note, migration },
    };
    bool resume = false;

    for (;;) {
        MigrationRunResult result;
        memset(&result, 0, sizeof(result));
        /* A recovery runs under the limits as they are now: the operator
         * may have raised the post-copy bandwidth while it stood failed. */
        MigrateOptions resume_options;
        memset(&resume_options, 0, sizeof(resume_options));
        if (resume && !resume_options_now(migration, &resume_options)) {
            fail_before_call(migration, "out of memory preparing the post-copy recovery");
            return;
        }
        request.options = resume ? &resume_options : &migration->view.options;
        if (!begin_call(migration, domain)) {
            migrate_options_clear(&resume_options);
            return;
        }
        int rc = resume ? migration_control_postcopy_resume(&request, &result)
                        : migration_run(&request, &result);
        bool aborted = end_call(migration);
        migrate_options_clear(&resume_options);

        bool call_failed = rc < 0 || result.rc != 0;
        OutcomeFacts facts = {
            .offline = migration->view.options.offline,
            .aborted = aborted,
            .call_failed = call_failed,
            .call_error = result.error,
        };
        MigrationOutcome outcome;
        memset(&outcome, 0, sizeof(outcome));
        if (migration_outcome_determine(source_conn, dest_conn, migration->view.domain_uuid,
                                        &facts, &outcome) < 0) {
            fail_before_call(migration, "out of memory deciding the migration's outcome");
            migration_run_result_clear(&result);
            return;
        }
        publish_outcome(migration, &result, &outcome, call_failed);
        MigrationPhase phase = outcome.phase;
        migration_outcome_clear(&outcome);
        migration_run_result_clear(&result);

        if (phase != MIGRATION_POSTCOPY_FAILED || !wait_for_resume(migration))
            return;
        resume = true;
    }
}

static void *migration_main(void *opaque)
{
    EngineMigration *migration = opaque;
    Core *core = migration->core;
    virConnectAuth source_auth, dest_auth;
    EngineAuthContext source_context = { core, migration->view.source_host };
    EngineAuthContext dest_context = { core, migration->view.dest_host };
    virConnectPtr source_conn = NULL, dest_conn = NULL;
    virDomainPtr domain = NULL;
    char *error = NULL;

    engine_auth_init(&source_auth, &source_context);
    engine_auth_init(&dest_auth, &dest_context);

    source_conn = virConnectOpenAuth(migration->source_uri, &source_auth, 0);
    if (!source_conn) {
        error = libvirt_error_message("%s: migrate %s: connect to %s", migration->source_name,
                                      migration->view.domain_name, migration->source_uri);
        fail_before_call(migration, error);
        goto cleanup;
    }
    /* Client-managed migration needs the destination connection; peer-to-peer
     * only uses it afterwards, to read the outcome on both sides. */
    dest_conn = virConnectOpenAuth(migration->dest_uri, &dest_auth, 0);
    if (!dest_conn) {
        error = libvirt_error_message("%s: migrate %s: connect to %s", migration->dest_name,
                                      migration->view.domain_name, migration->dest_uri);
        if (!migration->view.options.p2p) {
            fail_before_call(migration, error);
            goto cleanup;
        }
        engine_message(core, MESSAGE_WARNING, "%s (the outcome will be judged from %s alone)",
                       error, migration->source_name);
    }
    domain = virDomainLookupByUUIDString(source_conn, migration->view.domain_uuid);
    if (!domain) {
        free(error);
        error = libvirt_error_message("%s: migrate %s", migration->source_name,
                                      migration->view.domain_name);
        fail_before_call(migration, error);
        goto cleanup;
    }
    run_migration(migration, source_conn, dest_conn, domain);

 cleanup:
    free(error);
    if (domain)
        virDomainFree(domain);
    if (dest_conn)
        virConnectClose(dest_conn);
    if (source_conn)
        virConnectClose(source_conn);

    pthread_mutex_lock(&core->lock);
    if (engine_migration_active(&migration->view)) {
        /* Stopped before libvirt was asked (the engine is going away). */
        migration->view.phase = MIGRATION_FAILED;
        migration->view.ended_ms = engine_now_ms();
    }
    migration->finished = true;
    bool detached = migration->detached;
    pthread_mutex_unlock(&core->lock);
    if (detached)
        engine_unref(core);
    return NULL;
}

/* ---- launch and stop ----------------------------------------------- */

static EngineMigration *migration_new(Core *core, size_t source_host, size_t dest_host,
                                      const char *domain_uuid, const char *domain_name,
                                      const MigrateOptions *options)
{
    EngineMigration *migration = calloc(1, sizeof(*migration));
    if (!migration)
        return NULL;
    if (pthread_cond_init(&migration->cond, NULL) != 0) {
        free(migration);
        return NULL;
    }
    migration->core = core;
    MigrationView *view = &migration->view;
    snprintf(view->domain_uuid, sizeof(view->domain_uuid), "%s", domain_uuid);
    view->source_host = source_host;
    view->dest_host = dest_host;
    view->phase = MIGRATION_STARTING;
    view->started_ms = engine_now_ms();
    view->current_max_downtime_ms = options->max_downtime_ms;
    view->current_bandwidth_mibs = options->bandwidth_mibs;
    migration->postcopy_bandwidth_mibs = options->postcopy_bandwidth_mibs;

    /* The host names and URIs never change after core_new(): read unlocked. */
    const HostView *source = &core->hosts[source_host].view;
    const HostView *dest = &core->hosts[dest_host].view;
    if (snapshot_strdup(&view->domain_name, domain_name) < 0 ||
        migrate_options_copy(&view->options, options) < 0 ||
        !(view->virsh_command = migrate_options_virsh_command(options, domain_name, source->uri,
                                                              dest->uri)) ||
        snapshot_strdup(&migration->source_name, source->name) < 0 ||
        snapshot_strdup(&migration->source_uri, source->uri) < 0 ||
        snapshot_strdup(&migration->dest_name, dest->name) < 0 ||
        snapshot_strdup(&migration->dest_uri, dest->uri) < 0) {
        engine_migration_free(migration);
        return NULL;
    }
    return migration;
}

/* Ended migrations kept in the published list (each carries two minutes of
 * job samples, and every snapshot copies them). */
#define ENDED_MIGRATIONS_KEPT 16

/* Drops the oldest ended migrations beyond ENDED_MIGRATIONS_KEPT whose
 * threads are done. Core.lock NOT held. */
static void prune_ended(Core *core)
{
    EngineMigration *victims[8];
    size_t victim_count = 0;

    pthread_mutex_lock(&core->lock);
    size_t ended = 0;
    for (size_t i = 0; i < core->migration_count; i++)
        ended += core->migrations[i]->finished;
    size_t kept = 0;
    for (size_t i = 0; i < core->migration_count; i++) {
        EngineMigration *migration = core->migrations[i];
        if (ended > ENDED_MIGRATIONS_KEPT && migration->finished && !migration->detached &&
            victim_count < sizeof(victims) / sizeof(victims[0])) {
            victims[victim_count++] = migration;
            ended--;
            continue;
        }
        core->migrations[kept++] = migration;
    }
    core->migration_count = kept;
    if (victim_count > 0)
        engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);

    for (size_t i = 0; i < victim_count; i++) {
        /* finished: the thread no longer touches the record, it is returning. */
        if (victims[i]->thread_started)
            pthread_join(victims[i]->thread, NULL);
        engine_migration_free(victims[i]);
    }
}

int engine_migration_launch(Core *core, size_t source_host, size_t dest_host,
                            const char *domain_uuid, const char *domain_name,
                            const MigrateOptions *options, char **error)
{
    prune_ended(core);

    EngineMigration *migration = migration_new(core, source_host, dest_host, domain_uuid,
                                               domain_name, options);
    if (!migration)
        return error_set(error, "out of memory preparing the migration of %s", domain_name);

    pthread_mutex_lock(&core->lock);
    EngineMigration **grown = realloc(core->migrations,
                                      sizeof(*grown) * (core->migration_count + 1));
    if (!grown || core->stopping) {
        if (grown)
            core->migrations = grown;
        pthread_mutex_unlock(&core->lock);
        engine_migration_free(migration);
        return error_set(error, core->stopping ? "the engine is shutting down"
                                               : "out of memory preparing the migration");
    }
    core->migrations = grown;
    migration->view.id = ++core->next_migration_id;
    unsigned id = migration->view.id;
    core->migrations[core->migration_count++] = migration;
    engine_message_locked(core, MESSAGE_INFO, "%s -> %s: migrating %s", migration->source_name,
                          migration->dest_name, domain_name);
    engine_changed_locked(core);
    Journal *journal = core->journal;
    pthread_mutex_unlock(&core->lock);

    /* Journal the launch before libvirt hears of it: a crash mid-migration
     * still leaves a record of what was started. */
    JournalLaunch record = {
        .migration_id = id,
        .domain_name = domain_name,
        .domain_uuid = domain_uuid,
        .source_name = migration->source_name,
        .source_uri = migration->source_uri,
        .dest_name = migration->dest_name,
        .dest_uri = migration->dest_uri,
        .options = &migration->view.options,
        .virsh_command = migration->view.virsh_command,
    };
    char *journal_error = NULL;
    if (journal && journal_append_launch(journal, &record, &journal_error) < 0) {
        engine_message(core, MESSAGE_WARNING, "%s", journal_error ? journal_error : "journal");
        free(journal_error);
    }

    pthread_mutex_lock(&core->lock);
    if (pthread_create(&migration->thread, NULL, migration_main, migration) != 0) {
        migration->view.phase = MIGRATION_FAILED;
        migration->view.ended_ms = engine_now_ms();
        migration->view.error = strdup("cannot start the migration's thread (out of resources?)");
        engine_changed_locked(core);
        pthread_mutex_unlock(&core->lock);
        return error_set(error, "cannot start the migration's thread (out of resources?)");
    }
    migration->thread_started = true;
    pthread_mutex_unlock(&core->lock);
    return (int)id;
}

void engine_migration_request_resume_locked(EngineMigration *migration)
{
    migration->resume_requested = true;
    pthread_cond_broadcast(&migration->cond);
}

void engine_migrations_stop(Core *core)
{
    pthread_mutex_lock(&core->lock);
    for (size_t i = 0; i < core->migration_count; i++)
        pthread_cond_broadcast(&core->migrations[i]->cond);
    pthread_cond_broadcast(&core->credential_cond);
    size_t count = core->migration_count;
    pthread_mutex_unlock(&core->lock);

    for (size_t i = 0; i < count; i++) {
        EngineMigration *migration = core->migrations[i];
        pthread_mutex_lock(&core->lock);
        if (!migration->thread_started) {
            pthread_mutex_unlock(&core->lock);
            continue;
        }
        bool client_managed = !migration->view.options.p2p;
        virDomainPtr domain = NULL;
        if (client_managed && migration->run_domain && !migration->finished &&
            virDomainRef(migration->run_domain) == 0)
            domain = migration->run_domain;
        if (!client_managed && !migration->finished) {
            /* libvirt finishes a peer-to-peer migration without us; its thread
             * keeps the Core alive until the call returns. */
            migration->detached = true;
            core->refs++;
            pthread_detach(migration->thread);
            pthread_mutex_unlock(&core->lock);
            continue;
        }
        pthread_mutex_unlock(&core->lock);

        if (domain) {
            /* Client-managed: our process is part of the migration; going away
             * mid-way would leave it to libvirt's cleanup, so end it cleanly. */
            char *error = NULL;
            if (migration_control_abort(domain, migration->source_name, false, &error) < 0)
                free(error);
            virDomainFree(domain);
        }
        pthread_join(migration->thread, NULL);
        migration->thread_started = false;
    }
}
