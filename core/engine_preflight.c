/* Pre-flight checks on core's own thread: see engine_preflight.h.
 *
 * One thread for every pre-flight request, started with the first one. It
 * keeps its own connection per host (opened on first use, reopened when it
 * died), so a slow check never holds up a host worker's telemetry, and it
 * reads host state from the published views under the lock, never calling
 * libvirt with the lock held. Requests for the same domain and destination
 * coalesce: the form asks again whenever the options change, and only the
 * newest question deserves an answer. */
#include "engine_preflight.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libvirt_error.h"
#include "preflight.h"

/* Reports kept (one per domain and destination asked about; every snapshot
 * copies them, ~5 KiB each). */
#define PREFLIGHT_REPORTS_KEPT 8
/* A published dirty-rate sample younger than this is used as is. */
#define PREFLIGHT_SAMPLE_MAX_AGE_MS 30000u
/* Otherwise one is measured for this long (QEMU: 1..60 s). */
#define PREFLIGHT_MEASURE_SECONDS 2u
#define PREFLIGHT_STOP_WAIT_MS 3000u
/* How long to wait for the host worker's sample of a watched domain. */
#define PREFLIGHT_WATCH_WAIT_MS 8000u

typedef struct {
    uint64_t generation;
    char uuid[37];
    size_t source_host, dest_host;
    MigrateOptions options;
} PreflightJob;

struct _EnginePreflight {
    /* Core.lock guards these. */
    pthread_t thread;
    bool thread_started;
    bool stop;
    pthread_cond_t cond;
    PreflightJob **queue;
    size_t queue_count;
    PreflightReport *reports;        /* oldest request first */
    size_t report_count;
    uint64_t next_generation;

    /* The thread's alone. */
    virConnectPtr *conns;            /* per host index, NULL until used */
    EngineAuthContext *auth;         /* per host index */
    size_t host_count;
};

static void job_free(PreflightJob *job)
{
    if (!job)
        return;
    migrate_options_clear(&job->options);
    free(job);
}

void engine_preflight_free(EnginePreflight *preflight)
{
    if (!preflight)
        return;
    for (size_t i = 0; i < preflight->queue_count; i++)
        job_free(preflight->queue[i]);
    free(preflight->queue);
    free(preflight->reports);
    for (size_t i = 0; i < preflight->host_count; i++) {
        if (preflight->conns[i])
            virConnectClose(preflight->conns[i]);
    }
    free(preflight->conns);
    free(preflight->auth);
    pthread_cond_destroy(&preflight->cond);
    free(preflight);
}

/* ---- snapshot side --------------------------------------------------- */

int engine_preflight_snapshot_locked(Core *core, CoreSnapshot *out)
{
    EnginePreflight *preflight = core->preflight;
    if (!preflight || preflight->report_count == 0)
        return 0;
    out->preflights = malloc(sizeof(*out->preflights) * preflight->report_count);
    if (!out->preflights)
        return -1;
    memcpy(out->preflights, preflight->reports,
           sizeof(*out->preflights) * preflight->report_count);
    out->preflight_count = preflight->report_count;
    return 0;
}

const PreflightReport *core_snapshot_find_preflight(const CoreSnapshot *snapshot,
                                                    const char *domain_uuid, size_t dest_host)
{
    if (!snapshot || !domain_uuid)
        return NULL;
    for (size_t i = 0; i < snapshot->preflight_count; i++) {
        const PreflightReport *report = &snapshot->preflights[i];
        if (report->dest_host == dest_host && strcmp(report->domain_uuid, domain_uuid) == 0)
            return report;
    }
    return NULL;
}

static PreflightReport *find_report_locked(EnginePreflight *preflight, const char *uuid,
                                           size_t dest_host)
{
    for (size_t i = 0; i < preflight->report_count; i++) {
        PreflightReport *report = &preflight->reports[i];
        if (report->dest_host == dest_host && strcmp(report->domain_uuid, uuid) == 0)
            return report;
    }
    return NULL;
}

/* ---- the thread ------------------------------------------------------- */

static bool stopping(void *opaque)
{
    Core *core = opaque;
    pthread_mutex_lock(&core->lock);
    bool stop = core->stopping || !core->preflight || core->preflight->stop;
    pthread_mutex_unlock(&core->lock);
    return stop;
}

/* The thread's connection to a host, opened (or reopened) as needed. */
static virConnectPtr connection(Core *core, EnginePreflight *preflight, size_t host,
                                const char *uri, const char *name, char **error)
{
    virConnectPtr conn = preflight->conns[host];
    if (conn && virConnectIsAlive(conn) == 1)
        return conn;
    if (conn)
        virConnectClose(conn);
    preflight->conns[host] = NULL;
    virConnectAuth auth;
    preflight->auth[host] = (EngineAuthContext){ core, host };
    engine_auth_init(&auth, &preflight->auth[host]);
    conn = virConnectOpenAuth(uri, &auth, 0);
    if (!conn) {
        libvirt_error_set(error, "%s: pre-flight checks: connect to %s", name, uri);
        return NULL;
    }
    preflight->conns[host] = conn;
    return conn;
}

/* What the run reads from the published state, copied under the lock. */
typedef struct {
    char source_name[64], dest_name[64];
    char source_uri[256], dest_uri[256];
    bool source_connected, dest_connected;
    char source_state[192], dest_state[192];
    bool dirty_rate_known;
    double dirty_rate_mibs;
    char dirty_rate_origin[64];
    bool dirty_rate_watched;       /* the host worker samples it continuously */
} PublishedFacts;

static void read_published(Core *core, const PreflightJob *job, PublishedFacts *facts)
{
    memset(facts, 0, sizeof(*facts));
    pthread_mutex_lock(&core->lock);
    const HostView *source = &core->hosts[job->source_host].view;
    const HostView *dest = &core->hosts[job->dest_host].view;
    snprintf(facts->source_name, sizeof(facts->source_name), "%s", source->name);
    snprintf(facts->dest_name, sizeof(facts->dest_name), "%s", dest->name);
    snprintf(facts->source_uri, sizeof(facts->source_uri), "%s", source->uri);
    snprintf(facts->dest_uri, sizeof(facts->dest_uri), "%s", dest->uri);
    facts->source_connected = source->state == HOST_CONNECTED;
    facts->dest_connected = dest->state == HOST_CONNECTED;
    snprintf(facts->source_state, sizeof(facts->source_state), "%s",
             source->error ? source->error : host_conn_state_name(source->state));
    snprintf(facts->dest_state, sizeof(facts->dest_state), "%s",
             dest->error ? dest->error : host_conn_state_name(dest->state));
    const DomainView *domain = engine_find_domain_locked(core, job->source_host, job->uuid);
    facts->dirty_rate_watched = domain && domain->dirty_rate_watched;
    if (domain && domain->dirty_rate_count > 0) {
        const RateSample *last = &domain->dirty_rate[domain->dirty_rate_count - 1];
        uint64_t now = engine_now_ms();
        uint64_t age = now > last->at_ms ? now - last->at_ms : 0;
        if (age <= PREFLIGHT_SAMPLE_MAX_AGE_MS) {
            facts->dirty_rate_known = true;
            facts->dirty_rate_mibs = last->value;
            snprintf(facts->dirty_rate_origin, sizeof(facts->dirty_rate_origin),
                     "sampled %llu s ago", (unsigned long long)(age / 1000));
        }
    }
    pthread_mutex_unlock(&core->lock);
}

/* A watched domain gets a sample from its host worker every few seconds;
 * waiting for it beats starting a measurement QEMU would refuse ("already
 * being measured"). True when one arrived. */
static bool wait_for_sample(Core *core, const PreflightJob *job, PublishedFacts *facts)
{
    uint64_t deadline = engine_now_ms() + PREFLIGHT_WATCH_WAIT_MS;
    while (engine_now_ms() < deadline && !stopping(core)) {
        struct timespec pause = { 0, 200 * 1000000L };
        nanosleep(&pause, NULL);
        read_published(core, job, facts);
        if (facts->dirty_rate_known)
            return true;
    }
    return false;
}

static void publish(Core *core, const PreflightJob *job, const PreflightCheck *checks,
                    size_t check_count, const PreflightLimits *limits, bool copy_needed,
                    const char *error, double measured_mibs)
{
    pthread_mutex_lock(&core->lock);
    EnginePreflight *preflight = core->preflight;
    PreflightReport *report = find_report_locked(preflight, job->uuid, job->dest_host);
    /* A newer request for the same pair supersedes this run's answer. */
    if (report && report->generation == job->generation) {
        report->running = false;
        report->done = true;
        report->done_generation = job->generation;
        snprintf(report->error, sizeof(report->error), "%s", error ? error : "");
        report->check_count = check_count;
        report->worst = PREFLIGHT_PASS;
        for (size_t i = 0; i < check_count; i++) {
            report->checks[i] = checks[i];
            if (checks[i].status > report->worst)
                report->worst = checks[i].status;
        }
        if (error)
            report->worst = PREFLIGHT_FAIL;
        if (limits)
            report->limits = *limits;
        else
            memset(&report->limits, 0, sizeof(report->limits));
        report->copy_storage_needed = copy_needed;
        report->finished_ms = engine_now_ms();
    }
    /* A measurement made here is a sample like any other: graph it. */
    DomainView *domain = measured_mibs >= 0
                             ? engine_find_domain_locked(core, job->source_host, job->uuid)
                             : NULL;
    if (domain)
        engine_push_dirty_rate(domain, measured_mibs, engine_now_ms());
    engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);
}

static void run_job(Core *core, EnginePreflight *preflight, const PreflightJob *job)
{
    PublishedFacts published;
    read_published(core, job, &published);
    char *error = NULL;
    PreflightCheck checks[PREFLIGHT_CHECK_COUNT];
    memset(checks, 0, sizeof(checks));

    if (!published.source_connected) {
        error_set(&error, "%s is not connected (%s): wait until it is, then run the checks again",
                  published.source_name, published.source_state);
        publish(core, job, NULL, 0, NULL, false, error, -1);
        free(error);
        return;
    }
    if (!published.dest_connected) {
        /* Nothing else can be asked of it: the destination check says why. */
        PreflightFacts facts;
        memset(&facts, 0, sizeof(facts));
        facts.source_name = published.source_name;
        facts.dest_name = published.dest_name;
        facts.dest_state_text = published.dest_state;
        preflight_rule_destination(&facts, &checks[0]);
        publish(core, job, checks, 1, NULL, false, NULL, -1);
        return;
    }
    virConnectPtr source = connection(core, preflight, job->source_host, published.source_uri,
                                      published.source_name, &error);
    virConnectPtr dest = source ? connection(core, preflight, job->dest_host,
                                             published.dest_uri, published.dest_name, &error)
                                : NULL;
    if (!source || !dest) {
        publish(core, job, NULL, 0, NULL, false, error, -1);
        free(error);
        return;
    }
    if (!published.dirty_rate_known && published.dirty_rate_watched)
        wait_for_sample(core, job, &published);
    PreflightInput input = {
        .source_name = published.source_name,
        .dest_name = published.dest_name,
        .dest_uri = published.dest_uri,
        .dirty_rate_known = published.dirty_rate_known,
        .dirty_rate_mibs = published.dirty_rate_mibs,
        .dirty_rate_origin = published.dirty_rate_origin,
        .measure_seconds = PREFLIGHT_MEASURE_SECONDS,
        .cancelled = stopping,
        .opaque = core,
    };
    PreflightGathered *gathered = NULL;
    if (preflight_gather(source, dest, job->uuid, &job->options, &input, &gathered, &error) < 0) {
        publish(core, job, NULL, 0, NULL, false, error, -1);
        free(error);
        return;
    }
    PreflightLimits limits;
    bool copy_needed = false;
    preflight_rules_evaluate(&gathered->facts, &job->options, checks, &limits, &copy_needed);
    double measured = !published.dirty_rate_known && gathered->facts.dirty_rate_known
                          ? gathered->facts.dirty_rate_mibs : -1;
    publish(core, job, checks, PREFLIGHT_CHECK_COUNT, &limits, copy_needed, NULL, measured);
    preflight_gathered_free(gathered);
}

static void *preflight_main(void *opaque)
{
    Core *core = opaque;
    pthread_mutex_lock(&core->lock);
    EnginePreflight *preflight = core->preflight;
    for (;;) {
        while (!preflight->stop && !core->stopping && preflight->queue_count == 0)
            pthread_cond_wait(&preflight->cond, &core->lock);
        if (preflight->stop || core->stopping)
            break;
        PreflightJob *job = preflight->queue[0];
        memmove(&preflight->queue[0], &preflight->queue[1],
                sizeof(*preflight->queue) * (preflight->queue_count - 1));
        preflight->queue_count--;
        pthread_mutex_unlock(&core->lock);
        run_job(core, preflight, job);
        job_free(job);
        pthread_mutex_lock(&core->lock);
    }
    pthread_mutex_unlock(&core->lock);
    for (size_t i = 0; i < preflight->host_count; i++) {
        if (preflight->conns[i])
            virConnectClose(preflight->conns[i]);
        preflight->conns[i] = NULL;
    }
    engine_unref(core);
    return NULL;
}

/* ---- requests ------------------------------------------------------------ */

/* Creates the state and starts the thread. Core.lock held. */
static int start_locked(Core *core, char **error)
{
    EnginePreflight *preflight = calloc(1, sizeof(*preflight));
    if (!preflight)
        return error_set(error, "out of memory starting the pre-flight checks");
    preflight->host_count = core->host_count;
    preflight->conns = calloc(core->host_count ? core->host_count : 1, sizeof(*preflight->conns));
    preflight->auth = calloc(core->host_count ? core->host_count : 1, sizeof(*preflight->auth));
    if (!preflight->conns || !preflight->auth || pthread_cond_init(&preflight->cond, NULL) != 0) {
        free(preflight->conns);
        free(preflight->auth);
        free(preflight);
        return error_set(error, "out of memory starting the pre-flight checks");
    }
    core->preflight = preflight;
    /* The thread's own reference: a run stuck in libvirt at core_free() keeps
     * the Core alive until it returns. */
    core->refs++;
    if (pthread_create(&preflight->thread, NULL, preflight_main, core) != 0) {
        core->refs--;
        core->preflight = NULL;
        engine_preflight_free(preflight);
        return error_set(error, "cannot start the pre-flight thread (out of resources?)");
    }
    preflight->thread_started = true;
    return 0;
}

/* The report for the pair, created (dropping the oldest beyond the limit)
 * when absent. Core.lock held. NULL when out of memory. */
static PreflightReport *report_for_locked(EnginePreflight *preflight, const char *uuid,
                                          size_t source_host, size_t dest_host)
{
    PreflightReport *report = find_report_locked(preflight, uuid, dest_host);
    if (report)
        return report;
    if (preflight->report_count == PREFLIGHT_REPORTS_KEPT) {
        memmove(&preflight->reports[0], &preflight->reports[1],
                sizeof(*preflight->reports) * (PREFLIGHT_REPORTS_KEPT - 1));
        preflight->report_count--;
    } else {
        PreflightReport *grown = realloc(preflight->reports,
                                         sizeof(*grown) * (preflight->report_count + 1));
        if (!grown)
            return NULL;
        preflight->reports = grown;
    }
    report = &preflight->reports[preflight->report_count++];
    memset(report, 0, sizeof(*report));
    snprintf(report->domain_uuid, sizeof(report->domain_uuid), "%s", uuid);
    report->source_host = source_host;
    report->dest_host = dest_host;
    return report;
}

int core_request_preflight(Core *core, size_t source_host, const char *domain_uuid,
                           size_t dest_host, const MigrateOptions *options, char **error)
{
    if (!core)
        return error_set(error, "no engine");
    if (!options || !domain_uuid)
        return error_set(error, "pre-flight checks: no domain or options given (a program error)");
    PreflightJob *job = calloc(1, sizeof(*job));
    if (!job || migrate_options_copy(&job->options, options) < 0) {
        free(job);
        return error_set(error, "out of memory queueing the pre-flight checks");
    }
    job->source_host = source_host;
    job->dest_host = dest_host;

    pthread_mutex_lock(&core->lock);
    int rc = -1;
    if (core->stopping) {
        rc = engine_refuse_locked(core, error, "the engine is shutting down");
        goto done;
    }
    if (source_host >= core->host_count || dest_host >= core->host_count) {
        rc = engine_refuse_locked(core, error,
                "No host number %zu: choose a source and a destination among the %zu "
                "hosts.",
                (source_host >= core->host_count ? source_host : dest_host) + 1,
                core->host_count);
        goto done;
    }
    if (source_host == dest_host) {
        rc = engine_refuse_locked(core, error,
                "Source and destination are both %s: choose another destination host.",
                core->hosts[source_host].view.name);
        goto done;
    }
    const DomainView *domain =
        engine_find_domain_by_uuid_or_name_locked(core, source_host, domain_uuid);
    if (!domain) {
        rc = engine_refuse_locked(
            core, error, "No domain \"%s\" on %s: pick one from the list (it may have just moved).",
            domain_uuid, core->hosts[source_host].view.name);
        goto done;
    }
    snprintf(job->uuid, sizeof(job->uuid), "%s", domain->uuid);
    if (!core->preflight && start_locked(core, error) < 0) {
        pthread_mutex_unlock(&core->lock);
        goto done;
    }
    EnginePreflight *preflight = core->preflight;
    PreflightReport *report = report_for_locked(preflight, job->uuid, source_host, dest_host);
    PreflightJob **grown = report ? realloc(preflight->queue,
                                            sizeof(*grown) * (preflight->queue_count + 1))
                                  : NULL;
    if (!grown) {
        rc = engine_refuse_locked(core, error, "out of memory queueing the pre-flight checks");
        goto done;
    }
    preflight->queue = grown;
    job->generation = ++preflight->next_generation;
    report->generation = job->generation;
    report->source_host = source_host;
    report->running = true;
    /* A queued, not yet started run for the same pair gives way to this one. */
    for (size_t i = 0; i < preflight->queue_count; i++) {
        PreflightJob *queued = preflight->queue[i];
        if (queued->dest_host == dest_host && strcmp(queued->uuid, job->uuid) == 0) {
            job_free(queued);
            preflight->queue[i] = job;
            job = NULL;
            break;
        }
    }
    if (job)
        preflight->queue[preflight->queue_count++] = job;
    rc = (int)(report->generation & 0x7fffffff);
    job = NULL;
    pthread_cond_broadcast(&preflight->cond);
    engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);

 done:
    job_free(job);
    return rc;
}

/* ---- stop ------------------------------------------------------------------ */

void engine_preflight_stop(Core *core)
{
    pthread_mutex_lock(&core->lock);
    EnginePreflight *preflight = core->preflight;
    if (!preflight || !preflight->thread_started) {
        pthread_mutex_unlock(&core->lock);
        return;
    }
    preflight->stop = true;
    pthread_cond_broadcast(&preflight->cond);
    pthread_mutex_unlock(&core->lock);

    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += PREFLIGHT_STOP_WAIT_MS / 1000;
    if (pthread_timedjoin_np(preflight->thread, NULL, &deadline) != 0) {
        /* Inside libvirt (a connection to a black-holed host): it finishes on
         * its own and drops its Core reference then. */
        pthread_detach(preflight->thread);
    }
    pthread_mutex_lock(&core->lock);
    preflight->thread_started = false;
    pthread_mutex_unlock(&core->lock);
}
