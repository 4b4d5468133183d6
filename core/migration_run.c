/* Runs one migration on the caller's thread, with a watcher beside it:
 * see migration_run.h. */
#include "migration_run.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/virterror.h>

#include "job_stats_collect.h"
#include "libvirt_error.h"
#include "migrate_params.h"
#include "migration_control.h"

#define DEFAULT_POLL_MS 500u
/* How long to wait for the JOB_COMPLETED event after the call returned: the
 * daemon queues it before its reply, so it is normally already there. */
#define COMPLETED_EVENT_WAIT_MS 1500u

/* Filled by the JOB_COMPLETED event on the event loop's thread. Heap-allocated
 * and freed by libvirt's free callback, because the event loop may still hold
 * it briefly after we deregister. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool have;
    JobStats stats;
} CompletedCapture;

/* What the watcher thread shares with the caller's thread. */
typedef struct {
    const MigrationRunRequest *request;
    const MigrateParams *params;
    char context[256];             /* "labhost1: migrate steady" */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool call_done;                /* set by the caller's thread, under lock */
    /* The watcher and (while it follows a job that outlived the call) the
     * caller's thread both report: one callback at a time. */
    pthread_mutex_t callback_lock;
    uint64_t started_ms;
    /* Written by the watcher only; read by the caller after joining it. */
    MigrationPhase phase;
    bool saw_job, saw_postcopy, timeout_fired, have_last;
    JobStats last;
} Watch;

static void note(Watch *watch, bool is_error, const char *text)
{
    const MigrationRunCallbacks *cb = &watch->request->callbacks;
    if (!cb->on_note || !text)
        return;
    pthread_mutex_lock(&watch->callback_lock);
    cb->on_note(is_error, text, cb->opaque);
    pthread_mutex_unlock(&watch->callback_lock);
}

static void set_phase(Watch *watch, MigrationPhase phase)
{
    if (watch->phase == phase)
        return;
    watch->phase = phase;
    const MigrationRunCallbacks *cb = &watch->request->callbacks;
    if (!cb->on_phase)
        return;
    pthread_mutex_lock(&watch->callback_lock);
    cb->on_phase(phase, cb->opaque);
    pthread_mutex_unlock(&watch->callback_lock);
}

/* The client-side --timeout, as virsh does it: once, after timeout_s seconds. */
static void act_on_timeout(Watch *watch)
{
    const MigrateParams *params = watch->params;
    const MigrationRunRequest *request = watch->request;
    char *error = NULL;
    char *text = NULL;
    int rc;
    watch->timeout_fired = true;
    if (params->timeout_action == TIMEOUT_ACTION_POSTCOPY) {
        rc = migration_control_start_postcopy(request->domain, request->source_name,
                                              (params->flags & VIR_MIGRATE_POSTCOPY) != 0, &error);
        if (rc == 0 && asprintf(&text, "%s: timeout of %u s reached: switched to post-copy",
                                watch->context, params->timeout_s) < 0)
            text = NULL;
        /* The post-copy phase of a small remainder can end before the next
         * sample would see the source paused for it: report the switch now. */
        if (rc == 0) {
            watch->saw_postcopy = true;
            set_phase(watch, MIGRATION_POSTCOPY);
        }
    } else {
        rc = migration_control_suspend(request->domain, request->source_name, &error);
        if (rc == 0 && asprintf(&text, "%s: timeout of %u s reached: guest suspended so the "
                                "migration can finish", watch->context, params->timeout_s) < 0)
            text = NULL;
    }
    note(watch, rc != 0, rc == 0 ? text : error);
    free(text);
    free(error);
}

static void take_sample(Watch *watch, bool *reported_error)
{
    const MigrationRunRequest *request = watch->request;
    JobStats sample;
    char *error = NULL;
    if (job_stats_collect(request->domain, JOB_STATS_CURRENT, &sample, watch->context,
                          &error) < 0) {
        int code = libvirt_error_code();
        /* "domain is not running" / "no domain": the guest has just left the
         * source and our call is about to return: not worth a message. Other
         * failures once per run of failures: a flaky host must not flood. */
        bool guest_left = code == VIR_ERR_OPERATION_INVALID || code == VIR_ERR_NO_DOMAIN;
        if (!*reported_error && !guest_left)
            note(watch, true, error);
        *reported_error = true;
        free(error);
        return;
    }
    *reported_error = false;
    /* NONE while our call runs: libvirt has not started the job yet (or has
     * just ended it and our call is about to return). Never "finished". */
    if (sample.type == JOB_TYPE_NONE)
        return;
    watch->saw_job = true;
    watch->last = sample;
    watch->have_last = true;
    if (watch->phase == MIGRATION_STARTING)
        set_phase(watch, MIGRATION_RUNNING);
    const MigrationRunCallbacks *cb = &request->callbacks;
    if (cb->on_sample) {
        pthread_mutex_lock(&watch->callback_lock);
        cb->on_sample(&sample, cb->opaque);
        pthread_mutex_unlock(&watch->callback_lock);
    }
    if (watch->phase == MIGRATION_RUNNING && migration_control_in_postcopy(request->domain)) {
        watch->saw_postcopy = true;
        set_phase(watch, MIGRATION_POSTCOPY);
    }
}

/* Waits until `deadline_ms` (monotonic) or until the call is done.
 * Returns true when the call is done. */
static bool wait_until(Watch *watch, uint64_t deadline_ms)
{
    pthread_mutex_lock(&watch->lock);
    while (!watch->call_done) {
        uint64_t now = job_stats_now_ms();
        if (now >= deadline_ms)
            break;
        /* The condition variable uses CLOCK_MONOTONIC (see migration_run). */
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        uint64_t wait_ms = deadline_ms - now;
        until.tv_sec += (time_t)(wait_ms / 1000);
        until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&watch->cond, &watch->lock, &until) == ETIMEDOUT)
            break;
    }
    bool done = watch->call_done;
    pthread_mutex_unlock(&watch->lock);
    return done;
}

static void *watcher_main(void *opaque)
{
    Watch *watch = opaque;
    unsigned poll_ms = watch->request->poll_ms ? watch->request->poll_ms : DEFAULT_POLL_MS;
    uint64_t timeout_at = watch->params->timeout_s
        ? watch->started_ms + (uint64_t)watch->params->timeout_s * 1000u : 0;
    bool reported_error = false;
    uint64_t next_sample = watch->started_ms + poll_ms;
    for (;;) {
        bool timeout_pending = timeout_at && !watch->timeout_fired;
        uint64_t deadline = next_sample;
        if (timeout_pending && timeout_at < deadline)
            deadline = timeout_at;
        if (wait_until(watch, deadline))
            break;
        if (timeout_pending && job_stats_now_ms() >= timeout_at)
            act_on_timeout(watch);
        if (job_stats_now_ms() < next_sample)
            continue;
        take_sample(watch, &reported_error);
        /* Do not try to catch up after a slow host: a full period after the
         * last sample at the earliest. */
        uint64_t now = job_stats_now_ms();
        next_sample += poll_ms;
        if (next_sample <= now)
            next_sample = now + poll_ms;
    }
    return NULL;
}

/* libvirt 9.0 can fail a post-copy recovery call with the previous attempt's
 * error ("job 'migration in' failed in post-copy phase") while QEMU goes on
 * recovering, and the source keeps showing the running job. A post-copy that
 * is merely paused (failed, waiting for a recovery) shows a job too, but one
 * that moves no data. So a job that still moves data is followed to its end;
 * one that has moved nothing for ORPHAN_STALL_MS is left alone. */
#define ORPHAN_STALL_MS 3000u

static bool source_job(virDomainPtr domain, JobStats *stats)
{
    if (job_stats_collect(domain, JOB_STATS_CURRENT, stats, NULL, NULL) < 0)
        return false;
    return stats->type == JOB_TYPE_BOUNDED || stats->type == JOB_TYPE_UNBOUNDED;
}

/* Returns true when the job moved data and then ended (or left the source). */
static bool follow_orphan_job(Watch *watch)
{
    unsigned poll_ms = watch->request->poll_ms ? watch->request->poll_ms : DEFAULT_POLL_MS;
    JobStats stats;
    if (!source_job(watch->request->domain, &stats))
        return false;
    uint64_t processed = stats.data_processed;
    uint64_t last_progress_ms = job_stats_now_ms();
    bool announced = false, moved = false;
    for (;;) {
        struct timespec pause = { .tv_sec = poll_ms / 1000,
                                  .tv_nsec = (long)(poll_ms % 1000) * 1000000L };
        nanosleep(&pause, NULL);
        if (!source_job(watch->request->domain, &stats))
            return moved;
        uint64_t now = job_stats_now_ms();
        if (stats.data_processed > processed) {
            processed = stats.data_processed;
            last_progress_ms = now;
            moved = true;
            if (!announced) {
                char *text = NULL;
                if (asprintf(&text, "%s: libvirt reported a failure but the migration job "
                             "goes on; following it to its end", watch->context) >= 0)
                    note(watch, false, text);
                free(text);
                announced = true;
            }
        } else if (now - last_progress_ms >= ORPHAN_STALL_MS) {
            return false;
        }
    }
}

/* ---- JOB_COMPLETED event ------------------------------------------- */

static void on_job_completed(virConnectPtr conn, virDomainPtr domain,
                             virTypedParameterPtr params, int nparams, void *opaque)
{
    (void)conn;
    (void)domain;
    CompletedCapture *capture = opaque;
    JobStats stats;
    job_stats_from_params(JOB_TYPE_COMPLETED, params, nparams, &stats);
    pthread_mutex_lock(&capture->lock);
    capture->stats = stats;
    capture->have = true;
    pthread_cond_broadcast(&capture->cond);
    pthread_mutex_unlock(&capture->lock);
}

static void free_capture(void *opaque)
{
    CompletedCapture *capture = opaque;
    pthread_cond_destroy(&capture->cond);
    pthread_mutex_destroy(&capture->lock);
    free(capture);
}

static void probe_timeout(int timer, void *opaque)
{
    (void)timer;
    (void)opaque;
}

/* True when this process registered a libvirt event loop implementation
 * (virEventRegisterDefaultImpl): without one no event is ever delivered. */
static bool event_loop_registered(void)
{
    int timer = virEventAddTimeout(-1, probe_timeout, NULL, NULL);
    if (timer < 0)
        return false;
    virEventRemoveTimeout(timer);
    return true;
}

/* Registers for the event when the caller runs an event loop. Returns the
 * callback id, or -1 (then *capture is NULL and nothing is registered). */
static int listen_completed(virDomainPtr domain, CompletedCapture **capture)
{
    *capture = NULL;
    if (!event_loop_registered())
        return -1;
    *capture = calloc(1, sizeof(**capture));
    if (!*capture)
        return -1;
    pthread_mutex_init(&(*capture)->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&(*capture)->cond, &attr);
    pthread_condattr_destroy(&attr);
    int id = virConnectDomainEventRegisterAny(virDomainGetConnect(domain), domain,
                                              VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
                                              VIR_DOMAIN_EVENT_CALLBACK(on_job_completed),
                                              *capture, free_capture);
    if (id < 0) {
        /* No event loop registered in this process: we read the statistics back. */
        free_capture(*capture);
        *capture = NULL;
    }
    return id;
}

static bool wait_completed(CompletedCapture *capture, unsigned wait_ms, JobStats *out)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&capture->lock);
    while (!capture->have)
        if (pthread_cond_timedwait(&capture->cond, &capture->lock, &until) == ETIMEDOUT)
            break;
    bool have = capture->have;
    if (have)
        *out = capture->stats;
    pthread_mutex_unlock(&capture->lock);
    return have;
}

/* Without the event: the source keeps the completed job while the domain
 * object lives (persistent, not undefined); the destination keeps its side. */
static bool read_back_completed(const MigrationRunRequest *request, JobStats *out)
{
    if (job_stats_collect(request->domain, JOB_STATS_COMPLETED_KEEP, out, NULL, NULL) == 0 &&
        out->type != JOB_TYPE_NONE)
        return true;
    if (!request->dest_conn)
        return false;
    unsigned char uuid[VIR_UUID_BUFLEN];
    if (virDomainGetUUID(request->domain, uuid) < 0)
        return false;
    virDomainPtr remote = virDomainLookupByUUID(request->dest_conn, uuid);
    if (!remote)
        return false;
    bool ok = job_stats_collect(remote, JOB_STATS_COMPLETED_KEEP, out, NULL, NULL) == 0 &&
              out->type != JOB_TYPE_NONE;
    virDomainFree(remote);
    return ok;
}

/* ---- the call ------------------------------------------------------ */

static int check_request(const MigrationRunRequest *request, const MigrateParams *params,
                         const char *context, char **error)
{
    if (!request->domain)
        return error_set(error, "%s: no domain given (internal error)", context);
    if ((params->flags & VIR_MIGRATE_PEER2PEER) && (!request->dest_uri || !*request->dest_uri))
        return error_set(error, "%s: a peer-to-peer migration needs the destination host's "
                         "libvirt URI", context);
    if (!(params->flags & VIR_MIGRATE_PEER2PEER) && !request->options->direct &&
        !request->dest_conn)
        return error_set(error, "%s: a client-managed migration needs a connection to the "
                         "destination host; connect to it first or use peer-to-peer", context);
    return 0;
}

/* The blocking migrate call. Returns 0 or -1 with libvirt's error on this thread. */
static int call_migrate(const MigrationRunRequest *request, const MigrateParams *params)
{
    if (params->flags & VIR_MIGRATE_PEER2PEER)
        return virDomainMigrateToURI3(request->domain, request->dest_uri, params->params,
                                      (unsigned)params->nparams, params->flags);
    if (request->options->direct)
        /* Direct: the hypervisor connects itself, the migrate URI parameter says where. */
        return virDomainMigrateToURI3(request->domain, NULL, params->params,
                                      (unsigned)params->nparams, params->flags);
    virDomainPtr moved = virDomainMigrate3(request->domain, request->dest_conn, params->params,
                                           (unsigned)params->nparams, params->flags);
    if (!moved)
        return -1;
    virDomainFree(moved);
    return 0;
}

/* Max downtime is no migrate parameter in 9.0: libvirt stores it in QEMU's
 * migration parameters, which the job then uses, so it is set on the source
 * domain just before the call (verified on the lab: the running job reports
 * it). QEMU keeps it after the job, so a launch that leaves the guest on the
 * source puts the previous limit back (restore_max_downtime): the next launch
 * must not inherit this one's. Returns true when *previous_ms needs restoring. */
static bool apply_max_downtime(const MigrationRunRequest *request, const MigrateParams *params,
                               const char *context, unsigned long long *previous_ms)
{
    if (!params->max_downtime_ms || (params->flags & VIR_MIGRATE_OFFLINE))
        return false;
    bool have_previous = virDomainMigrateGetMaxDowntime(request->domain, previous_ms, 0) == 0;
    if (virDomainMigrateSetMaxDowntime(request->domain, params->max_downtime_ms, 0) == 0)
        return have_previous && *previous_ms != params->max_downtime_ms;
    char *error = libvirt_error_message("%s: set max downtime %llu ms", context,
                                        (unsigned long long)params->max_downtime_ms);
    const MigrationRunCallbacks *cb = &request->callbacks;
    if (cb->on_note && error)
        cb->on_note(true, error, cb->opaque);
    free(error);
    return false;
}

/* Only when the guest is still active on the source: after a completed
 * migration there is nothing left to restore (and no domain to ask). */
static void restore_max_downtime(virDomainPtr domain, unsigned long long previous_ms)
{
    if (virDomainIsActive(domain) == 1)
        virDomainMigrateSetMaxDowntime(domain, previous_ms, 0);
}

static void start_watch(Watch *watch)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&watch->lock, NULL);
    pthread_mutex_init(&watch->callback_lock, NULL);
    pthread_cond_init(&watch->cond, &attr);
    pthread_condattr_destroy(&attr);
}

static void finish_watch(Watch *watch)
{
    pthread_mutex_lock(&watch->lock);
    watch->call_done = true;
    pthread_cond_broadcast(&watch->cond);
    pthread_mutex_unlock(&watch->lock);
}

int migration_run(const MigrationRunRequest *request, MigrationRunResult *result)
{
    if (!result)
        return -1;
    memset(result, 0, sizeof(*result));
    if (!request || !request->options)
        return error_set(&result->error, "migrate: no request (internal error)");

    Watch watch;
    memset(&watch, 0, sizeof(watch));
    watch.request = request;
    const char *name = request->domain ? virDomainGetName(request->domain) : NULL;
    snprintf(watch.context, sizeof(watch.context), "%s%s%s %s",
             request->source_name ? request->source_name : "",
             request->source_name ? ": " : "",
             request->postcopy_resume ? "resume post-copy of" : "migrate", name ? name : "?");

    MigrateParams params;
    if (migrate_params_build(request->options, &params, &result->error) < 0) {
        /* The build error names the file or parameter; add what we were doing. */
        char *inner = result->error;
        result->error = NULL;
        error_set(&result->error, "%s: %s", watch.context, inner ? inner : "out of memory");
        free(inner);
        return -1;
    }
    if (request->postcopy_resume)
        migrate_params_for_postcopy_resume(&params);
    watch.params = &params;
    if (check_request(request, &params, watch.context, &result->error) < 0) {
        migrate_params_clear(&params);
        return -1;
    }

    unsigned long long previous_downtime_ms = 0;
    bool restore_downtime = !request->postcopy_resume &&
        apply_max_downtime(request, &params, watch.context, &previous_downtime_ms);
    CompletedCapture *capture = NULL;
    int event_id = listen_completed(request->domain, &capture);

    start_watch(&watch);
    watch.started_ms = job_stats_now_ms();
    watch.phase = MIGRATION_STARTING;
    if (request->callbacks.on_phase)
        request->callbacks.on_phase(MIGRATION_STARTING, request->callbacks.opaque);
    pthread_t watcher;
    int rc = pthread_create(&watcher, NULL, watcher_main, &watch);
    if (rc != 0) {
        error_set(&result->error, "%s: cannot start the job watcher thread: %s", watch.context,
                  strerror(rc));
        if (event_id >= 0)
            virConnectDomainEventDeregisterAny(virDomainGetConnect(request->domain), event_id);
        if (restore_downtime)
            restore_max_downtime(request->domain, previous_downtime_ms);
        pthread_cond_destroy(&watch.cond);
        pthread_mutex_destroy(&watch.lock);
        pthread_mutex_destroy(&watch.callback_lock);
        migrate_params_clear(&params);
        return -1;
    }

    result->rc = call_migrate(request, &params);
    if (result->rc < 0) {
        result->error_code = libvirt_error_code();
        result->error = libvirt_error_message("%s", watch.context);
        /* The watcher keeps sampling meanwhile. */
        result->job_outlived_call = follow_orphan_job(&watch);
    }
    finish_watch(&watch);
    pthread_join(watcher, NULL);
    if (restore_downtime)
        restore_max_downtime(request->domain, previous_downtime_ms);

    result->saw_job = watch.saw_job;
    result->saw_postcopy = watch.saw_postcopy;
    result->timeout_fired = watch.timeout_fired;
    result->have_last = watch.have_last;
    result->last = watch.last;
    /* libvirt emits JOB_COMPLETED only for a success; a failed or cancelled job's
     * statistics (with its errmsg) are read back from the source. */
    if (result->rc == 0 && capture)
        result->have_completed = wait_completed(capture, COMPLETED_EVENT_WAIT_MS,
                                                &result->completed);
    if (!result->have_completed)
        result->have_completed = read_back_completed(request, &result->completed);
    if (event_id >= 0)
        virConnectDomainEventDeregisterAny(virDomainGetConnect(request->domain), event_id);

    pthread_cond_destroy(&watch.cond);
    pthread_mutex_destroy(&watch.lock);
    pthread_mutex_destroy(&watch.callback_lock);
    migrate_params_clear(&params);
    return 0;
}

void migration_run_result_clear(MigrationRunResult *result)
{
    if (!result)
        return;
    free(result->error);
    memset(result, 0, sizeof(*result));
}
