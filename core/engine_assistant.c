/* The convergence assistant in the engine: see engine_assistant.h and
 * core_request_assistant in core.h. */
#include "engine_assistant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_worker.h"
#include "libvirt_error.h"

static ConvergenceLimits limits_of(const MigrationView *view)
{
    uint64_t bandwidth = view->current_bandwidth_mibs ? view->current_bandwidth_mibs
                                                      : view->options.bandwidth_mibs;
    ConvergenceLimits limits = {
        .max_downtime_ms = view->current_max_downtime_ms ? view->current_max_downtime_ms
                                                         : view->options.max_downtime_ms,
        .bandwidth_cap_bytes_per_s = bandwidth * 1024ull * 1024ull,
        .postcopy_enabled = view->options.postcopy,
        .postcopy_active = view->phase == MIGRATION_POSTCOPY,
        .auto_converge_enabled = view->options.auto_converge,
        .compression_enabled = view->options.compressed,
    };
    return limits;
}

static uint64_t newest_iteration(const MigrationView *view)
{
    for (size_t i = view->history_count; i > 0; i--)
        if (job_stats_has(&view->history[i - 1], JS_MEM_ITERATION))
            return view->history[i - 1].mem_iteration;
    return 0;
}

static void publish_decision(MigrationView *view, const AssistantDecision *decision)
{
    snprintf(view->assistant_current, sizeof(view->assistant_current), "%s", decision->current);
    snprintf(view->assistant_next, sizeof(view->assistant_next), "%s", decision->next);
}

/* Queues the action on the source's worker, as core_request_* would. */
static int queue_action(EngineMigration *migration, const AssistantDecision *decision)
{
    Core *core = migration->core;
    const MigrationView *view = &migration->view;
    HostRequest request;
    memset(&request, 0, sizeof(request));
    request.migration_id = view->id;
    request.value = decision->value;
    snprintf(request.uuid, sizeof(request.uuid), "%s", view->domain_uuid);
    switch (decision->kind) {
    case ASSIST_DOWNTIME_SET:
    case ASSIST_DOWNTIME_RAISE: request.kind = HOST_REQUEST_MAX_DOWNTIME; break;
    case ASSIST_BANDWIDTH_SET: request.kind = HOST_REQUEST_BANDWIDTH; break;
    case ASSIST_POSTCOPY: request.kind = HOST_REQUEST_POSTCOPY; break;
    case ASSIST_SUSPEND: request.kind = HOST_REQUEST_SUSPEND; break;
    case ASSIST_ABORT: request.kind = HOST_REQUEST_ABORT; break;
    default: return -1;
    }
    if (core->stopping || view->source_host >= core->host_count ||
        !core->hosts[view->source_host].worker)
        return -1;
    request.domain_name = view->domain_name ? strdup(view->domain_name) : NULL;
    if (host_worker_enqueue_locked(core->hosts[view->source_host].worker, &request) < 0) {
        free(request.domain_name);
        return -1;
    }
    return 0;
}

void engine_assistant_sample_locked(EngineMigration *migration, EngineAssistantStep *taken)
{
    memset(taken, 0, sizeof(*taken));
    MigrationView *view = &migration->view;
    if (!view->assistant_on)
        return;
    ConvergenceLimits limits = limits_of(view);
    AssistantDecision decision;
    assistant_evaluate(&migration->assistant_ladder, &migration->assistant_state, view->history,
                       view->history_count, &limits, &decision);
    if (decision.fire) {
        if (queue_action(migration, &decision) < 0) {
            engine_message_locked(migration->core, MESSAGE_ERROR,
                                  "assistant: could not queue \"%s\" for %s (engine stopping or "
                                  "out of memory)", decision.action, view->domain_name);
            view->assistant_on = false;
            snprintf(view->assistant_next, sizeof(view->assistant_next),
                     "assistant stopped: a step could not be queued");
            engine_changed_locked(migration->core);
            return;
        }
        assistant_state_advance(&migration->assistant_state, &migration->assistant_ladder,
                                &decision, newest_iteration(view));
        engine_message_locked(migration->core, MESSAGE_INFO, "assistant: %s of %s: %s",
                              decision.action, view->domain_name, decision.reason);
        snprintf(view->assistant_reason, sizeof(view->assistant_reason), "%s", decision.reason);
        taken->taken = true;
        taken->migration_id = view->id;
        snprintf(taken->step, sizeof(taken->step), "%s", decision.action);
        snprintf(taken->reason, sizeof(taken->reason), "%s", decision.reason);
        /* What the view shows next is judged from the advanced state. */
        assistant_evaluate(&migration->assistant_ladder, &migration->assistant_state,
                           view->history, view->history_count, &limits, &decision);
    }
    publish_decision(view, &decision);
}

static void journal_record(Core *core, Journal *journal, unsigned id, const char *step,
                           const char *reason)
{
    JournalAssistantStep record = { .migration_id = id, .step = step, .reason = reason };
    char *error = NULL;
    if (journal && journal_append_assistant(journal, &record, &error) < 0) {
        engine_message(core, MESSAGE_WARNING, "%s", error ? error : "journal");
        free(error);
    }
}

void engine_assistant_journal(Core *core, const EngineAssistantStep *taken)
{
    if (!core || !taken || !taken->taken)
        return;
    pthread_mutex_lock(&core->lock);
    Journal *journal = core->journal;
    pthread_mutex_unlock(&core->lock);
    journal_record(core, journal, taken->migration_id, taken->step, taken->reason);
}

int core_request_assistant(Core *core, unsigned migration_id, const char *ladder_spec_or_name,
                           char **error)
{
    if (!core)
        return error_set(error, "no engine");
    AssistantLadder ladder;
    char problem[320];
    if (ladder_spec_or_name &&
        assistant_ladder_parse(ladder_spec_or_name, &ladder, problem, sizeof(problem)) < 0)
        return error_set(error, "Assistant ladder: %s.", problem);

    pthread_mutex_lock(&core->lock);
    EngineMigration *migration = engine_find_migration_locked(core, migration_id);
    if (!migration) {
        pthread_mutex_unlock(&core->lock);
        return error_set(error, "No migration %u: pick one from the migrations list.",
                         migration_id);
    }
    MigrationView *view = &migration->view;
    if (!engine_migration_active(view)) {
        int ret = error_set(error, "Migration %u of %s has already ended (%s): nothing to assist.",
                         migration_id, view->domain_name, migration_phase_name(view->phase));
        pthread_mutex_unlock(&core->lock);
        return ret;
    }
    if (ladder_spec_or_name &&
        assistant_ladder_check(&ladder, view->options.postcopy, problem, sizeof(problem)) < 0) {
        pthread_mutex_unlock(&core->lock);
        return error_set(error, "Assistant ladder for %s: %s.", view->domain_name, problem);
    }
    char step[ASSISTANT_TEXT], reason[ASSISTANT_TEXT];
    unsigned id = view->id;
    if (!ladder_spec_or_name) {
        bool was_on = view->assistant_on;
        view->assistant_on = false;
        view->assistant_ladder[0] = view->assistant_current[0] = view->assistant_next[0] = '\0';
        snprintf(step, sizeof(step), "assistant off");
        snprintf(reason, sizeof(reason), was_on ? "switched off by the operator"
                                                : "switched off by the operator (was not on)");
    } else {
        migration->assistant_ladder = ladder;
        assistant_state_init(&migration->assistant_state, limits_of(view).max_downtime_ms,
                             view->current_bandwidth_mibs ? view->current_bandwidth_mibs
                                                          : view->options.bandwidth_mibs,
                             newest_iteration(view));
        view->assistant_on = true;
        assistant_ladder_format(&ladder, view->assistant_ladder, sizeof(view->assistant_ladder));
        snprintf(step, sizeof(step), "assistant on: %.200s", view->assistant_ladder);
        snprintf(reason, sizeof(reason), "ladder set by the operator at iteration %llu",
                 (unsigned long long)newest_iteration(view));
        EngineAssistantStep unused;
        engine_assistant_sample_locked(migration, &unused);
        /* Nothing fires on the set itself: the ladder counts from now. */
    }
    engine_message_locked(core, MESSAGE_INFO, "%s: %s", view->domain_name, step);
    engine_changed_locked(core);
    Journal *journal = core->journal;
    pthread_mutex_unlock(&core->lock);
    journal_record(core, journal, id, step, reason);
    return 0;
}

int core_request_migrate_assisted(Core *core, size_t source_host, const char *domain_uuid,
                                  size_t dest_host, const MigrateOptions *options,
                                  const char *ladder, OptionProblem *problems, size_t max,
                                  size_t *problem_count)
{
    AssistantLadder parsed;
    char problem[320] = "";
    if (ladder && options &&
        (assistant_ladder_parse(ladder, &parsed, problem, sizeof(problem)) < 0 ||
         assistant_ladder_check(&parsed, options->postcopy, problem, sizeof(problem)) < 0)) {
        if (problems && max > 0) {
            problems[0].field = OPT_FIELD_NONE;
            snprintf(problems[0].message, sizeof(problems[0].message), "Assistant ladder: %.230s.",
                     problem);
        }
        if (problem_count)
            *problem_count = 1;
        return -1;
    }
    int id = core_request_migrate(core, source_host, domain_uuid, dest_host, options, problems,
                                  max, problem_count);
    if (id <= 0 || !ladder)
        return id;
    char *error = NULL;
    if (core_request_assistant(core, (unsigned)id, ladder, &error) < 0) {
        /* It ended already (refused by libvirt at once): the launch stands,
         * its outcome says why; the assistant had nothing to do. */
        engine_message(core, MESSAGE_WARNING, "%s", error ? error : "assistant not started");
        free(error);
    }
    return id;
}
