/* Telemetry of one host: job statistics of every domain with a job (both
 * halves of a migration, ours or not) every job_poll_ms, and dirty-rate
 * measurements of watched domains while they do not migrate. */
#include "engine_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "dirty_rate.h"
#include "engine_migration.h"
#include "job_stats_collect.h"
#include "libvirt_error.h"

/* Each measurement covers this many seconds; a new one starts as soon as the
 * previous result is read, so a watched domain gets a sample every ~1.5 s. */
#define DIRTY_RATE_CALC_SECONDS 1

TrackedDomain *host_tracked_get(HostWorker *worker, const char *uuid, bool create)
{
    for (size_t i = 0; i < worker->tracked_count; i++) {
        if (strcmp(worker->tracked[i].uuid, uuid) == 0)
            return &worker->tracked[i];
    }
    if (!create)
        return NULL;
    TrackedDomain *grown = realloc(worker->tracked,
                                   sizeof(*grown) * (worker->tracked_count + 1));
    if (!grown)
        return NULL;
    worker->tracked = grown;
    TrackedDomain *tracked = &worker->tracked[worker->tracked_count++];
    memset(tracked, 0, sizeof(*tracked));
    snprintf(tracked->uuid, sizeof(tracked->uuid), "%s", uuid);
    return tracked;
}

static bool tracked_needed(const TrackedDomain *tracked)
{
    return tracked->watched || tracked->measure_once || tracked->measuring ||
           tracked->job_hint || tracked->has_job;
}

void host_tracked_prune(HostWorker *worker, bool all)
{
    size_t kept = 0;
    for (size_t i = 0; i < worker->tracked_count; i++) {
        TrackedDomain *tracked = &worker->tracked[i];
        if (all && tracked->domain) {
            virDomainFree(tracked->domain);
            tracked->domain = NULL;
            tracked->measuring = false;
        }
        if (!all && !tracked_needed(tracked)) {
            if (tracked->domain)
                virDomainFree(tracked->domain);
            continue;
        }
        worker->tracked[kept++] = *tracked;
    }
    worker->tracked_count = kept;
}

bool host_telemetry_wanted(HostWorker *worker)
{
    if (worker->tracked_count > 0)
        return true;
    bool wanted = false;
    pthread_mutex_lock(&worker->core->lock);
    for (size_t i = 0; i < worker->core->migration_count && !wanted; i++) {
        const MigrationView *view = &worker->core->migrations[i]->view;
        wanted = engine_migration_active(view) &&
                 (view->source_host == worker->index || view->dest_host == worker->index);
    }
    pthread_mutex_unlock(&worker->core->lock);
    return wanted;
}

static bool state_means_job(int state, int reason)
{
    if (state == VIR_DOMAIN_PAUSED)
        return reason == VIR_DOMAIN_PAUSED_MIGRATION || reason == VIR_DOMAIN_PAUSED_POSTCOPY;
    if (state == VIR_DOMAIN_RUNNING)
        return reason == VIR_DOMAIN_RUNNING_POSTCOPY;
    return false;
}

void host_telemetry_hints_from_inventory(HostWorker *worker)
{
    Core *core = worker->core;
    char (*uuids)[VIR_UUID_STRING_BUFLEN] = NULL;
    size_t count = 0;

    pthread_mutex_lock(&core->lock);
    HostSlot *slot = &core->hosts[worker->index];
    for (size_t i = 0; i < slot->domain_count; i++) {
        const DomainView *domain = &slot->domains[i];
        if (!state_means_job((int)domain->state, domain->state_reason))
            continue;
        char (*grown)[VIR_UUID_STRING_BUFLEN] = realloc(uuids, sizeof(*grown) * (count + 1));
        if (!grown)
            break;
        uuids = grown;
        memcpy(uuids[count++], domain->uuid, VIR_UUID_STRING_BUFLEN);
    }
    pthread_mutex_unlock(&core->lock);

    for (size_t i = 0; i < count; i++) {
        TrackedDomain *tracked = host_tracked_get(worker, uuids[i], true);
        if (tracked && !tracked->job_hint && !tracked->has_job) {
            tracked->job_hint = true;
            worker->next_poll_ms = 0;
        }
    }
    free(uuids);
}

static virDomainPtr tracked_domain(HostWorker *worker, TrackedDomain *tracked)
{
    if (!tracked->domain)
        tracked->domain = virDomainLookupByUUIDString(worker->conn, tracked->uuid);
    return tracked->domain;
}

static void forget_domain(TrackedDomain *tracked)
{
    if (tracked->domain)
        virDomainFree(tracked->domain);
    tracked->domain = NULL;
    tracked->measuring = false;
}

/* The UUIDs of our running migrations that touch this host, split by side. */
typedef struct {
    char (*as_source)[VIR_UUID_STRING_BUFLEN];
    size_t source_count;
    char (*as_dest)[VIR_UUID_STRING_BUFLEN];
    size_t dest_count;
} HostMigrations;

static void append_uuid(char (**list)[VIR_UUID_STRING_BUFLEN], size_t *count, const char *uuid)
{
    char (*grown)[VIR_UUID_STRING_BUFLEN] = realloc(*list, sizeof(*grown) * (*count + 1));
    if (!grown)
        return;
    *list = grown;
    snprintf(grown[*count], VIR_UUID_STRING_BUFLEN, "%s", uuid);
    (*count)++;
}

static void host_migrations_read(HostWorker *worker, HostMigrations *out)
{
    Core *core = worker->core;
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&core->lock);
    for (size_t i = 0; i < core->migration_count; i++) {
        const MigrationView *view = &core->migrations[i]->view;
        if (!engine_migration_active(view))
            continue;
        if (view->source_host == worker->index)
            append_uuid(&out->as_source, &out->source_count, view->domain_uuid);
        if (view->dest_host == worker->index)
            append_uuid(&out->as_dest, &out->dest_count, view->domain_uuid);
    }
    pthread_mutex_unlock(&core->lock);
}

static bool uuid_in(char (*list)[VIR_UUID_STRING_BUFLEN], size_t count, const char *uuid)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(list[i], uuid) == 0)
            return true;
    }
    return false;
}

/* Publishes a job sample on the domain (and, while it migrates, the job's own
 * dirty rate into the domain's dirty-rate history). */
static void publish_job(HostWorker *worker, const char *uuid, const JobStats *stats)
{
    Core *core = worker->core;
    pthread_mutex_lock(&core->lock);
    DomainView *domain = engine_find_domain_locked(core, worker->index, uuid);
    if (domain) {
        /* A job that is over is published as none (core.h: job is NULL
         * unless has_job); its migration keeps the last numbers. */
        if (engine_set_domain_job(domain, stats) < 0)
            engine_message_locked(core, MESSAGE_ERROR, "%s: out of memory publishing the job of %s",
                                  worker->name, domain->name ? domain->name : uuid);
        if (domain->has_job && job_stats_has(stats, JS_MEM_DIRTY_RATE) &&
            job_stats_has(stats, JS_MEM_PAGE_SIZE))
            engine_push_dirty_rate(domain,
                                   (double)stats->mem_dirty_rate * (double)stats->mem_page_size /
                                       (1024.0 * 1024.0),
                                   stats->sampled_at_ms);
        engine_changed_locked(core);
    }
    pthread_mutex_unlock(&core->lock);
}

static void poll_jobs(HostWorker *worker, const HostMigrations *migrations)
{
    for (size_t i = 0; i < migrations->dest_count; i++) {
        TrackedDomain *tracked = host_tracked_get(worker, migrations->as_dest[i], true);
        if (tracked)
            tracked->job_hint = true;
    }

    for (size_t i = 0; i < worker->tracked_count; i++) {
        TrackedDomain *tracked = &worker->tracked[i];
        if (!tracked->job_hint && !tracked->has_job)
            continue;
        /* Our own migration thread samples the source side already. */
        if (uuid_in(migrations->as_source, migrations->source_count, tracked->uuid))
            continue;
        bool incoming = uuid_in(migrations->as_dest, migrations->dest_count, tracked->uuid);
        virDomainPtr domain = tracked_domain(worker, tracked);
        if (!domain) {
            /* Not (yet) on this host: an incoming domain appears once libvirt
             * prepares the migration; anything else has gone. */
            tracked->has_job = false;
            tracked->job_hint = incoming;
            continue;
        }
        JobStats stats;
        char *error = NULL;
        if (job_stats_collect(domain, JOB_STATS_CURRENT, &stats, NULL, &error) < 0 &&
            libvirt_error_code() == VIR_ERR_OPERATION_UNSUPPORTED) {
            /* The incoming half: libvirt 9.0 keeps migration statistics on the
             * source only ("available only on the source host"). The job is
             * real, so say there is one and what it is; the numbers are on
             * the source half, paired by UUID. */
            free(error);
            memset(&stats, 0, sizeof(stats));
            stats.type = JOB_TYPE_UNBOUNDED;
            stats.operation = VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN;
            stats.present = JS_OPERATION;
            stats.sampled_at_ms = job_stats_now_ms();
            publish_job(worker, tracked->uuid, &stats);
            tracked->has_job = true;
            continue;
        }
        if (error) {
            /* The domain went away between lookup and query (the source half of
             * a finished migration), or the connection is failing: forget the
             * handle, the next poll looks again. */
            free(error);
            forget_domain(tracked);
            tracked->has_job = false;
            tracked->job_hint = incoming;
            continue;
        }
        bool running = stats.type == JOB_TYPE_BOUNDED || stats.type == JOB_TYPE_UNBOUNDED;
        if (running || tracked->has_job)
            publish_job(worker, tracked->uuid, &stats);
        tracked->has_job = running;
        if (!running)
            tracked->job_hint = incoming;
    }
}

static bool domain_is_running(HostWorker *worker, const char *uuid)
{
    Core *core = worker->core;
    pthread_mutex_lock(&core->lock);
    DomainView *domain = engine_find_domain_locked(core, worker->index, uuid);
    bool running = domain && domain->state == DOMAIN_RUNNING;
    pthread_mutex_unlock(&core->lock);
    return running;
}

static void set_watched_flag(HostWorker *worker, const char *uuid, bool on)
{
    Core *core = worker->core;
    pthread_mutex_lock(&core->lock);
    DomainView *domain = engine_find_domain_locked(core, worker->index, uuid);
    if (domain && domain->dirty_rate_watched != on) {
        domain->dirty_rate_watched = on;
        engine_changed_locked(core);
    }
    pthread_mutex_unlock(&core->lock);
}

static void publish_dirty_rate(HostWorker *worker, TrackedDomain *tracked,
                               const DirtyRateReading *reading)
{
    Core *core = worker->core;
    pthread_mutex_lock(&core->lock);
    DomainView *domain = engine_find_domain_locked(core, worker->index, tracked->uuid);
    if (domain) {
        engine_push_dirty_rate(domain, (double)reading->megabytes_per_second, engine_now_ms());
        engine_changed_locked(core);
    }
    if (tracked->measure_once && !tracked->watched)
        engine_message_locked(core, MESSAGE_INFO, "%s: dirty rate of %s: %lld MiB/s",
                              worker->name, domain && domain->name ? domain->name : tracked->uuid,
                              (long long)reading->megabytes_per_second);
    pthread_mutex_unlock(&core->lock);
}

/* Reads the results of every pending measurement with one statistics call. */
static void read_dirty_rates(HostWorker *worker)
{
    virDomainPtr *domains = calloc(worker->tracked_count + 1, sizeof(*domains));
    size_t count = 0;
    if (!domains)
        return;
    for (size_t i = 0; i < worker->tracked_count; i++) {
        if (worker->tracked[i].measuring && worker->tracked[i].domain)
            domains[count++] = worker->tracked[i].domain;
    }
    virDomainStatsRecordPtr *records = NULL;
    int n = count > 0 ? virDomainListGetStats(domains, VIR_DOMAIN_STATS_DIRTYRATE, &records,
                                              VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT)
                      : 0;
    if (n < 0) {
        char *error = libvirt_error_message("%s: read dirty rates", worker->name);
        engine_message(worker->core, MESSAGE_ERROR, "%s", error ? error : worker->name);
        free(error);
    }
    for (int r = 0; r < n; r++) {
        char uuid[VIR_UUID_STRING_BUFLEN];
        if (virDomainGetUUIDString(records[r]->dom, uuid) < 0)
            continue;
        TrackedDomain *tracked = host_tracked_get(worker, uuid, false);
        if (!tracked)
            continue;
        DirtyRateReading reading;
        dirty_rate_from_record(records[r], &reading);
        if (reading.status != DIRTY_RATE_MEASURED || !reading.has_rate ||
            reading.start_time == tracked->last_start_time)
            continue;
        tracked->last_start_time = reading.start_time;
        tracked->measuring = false;
        publish_dirty_rate(worker, tracked, &reading);
        tracked->measure_once = false;
    }
    if (records)
        virDomainStatsRecordListFree(records);
    free(domains);
}

/* The driver cannot measure dirty rates at all (the test driver, a QEMU
 * without calc-dirty-rate): remembered for the host and published, so the
 * front end says it once and stops asking; every watch on it ends. */
static void mark_dirty_rate_unsupported(HostWorker *worker)
{
    worker->dirty_rate_unsupported = true;
    Core *core = worker->core;
    pthread_mutex_lock(&core->lock);
    core->hosts[worker->index].view.dirty_rate_unsupported = true;
    engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);
}

static void stop_watching(HostWorker *worker, TrackedDomain *tracked)
{
    tracked->watched = tracked->measure_once = false;
    set_watched_flag(worker, tracked->uuid, false);
    forget_domain(tracked);
}

static void start_dirty_rates(HostWorker *worker, const HostMigrations *migrations)
{
    for (size_t i = 0; i < worker->tracked_count; i++) {
        TrackedDomain *tracked = &worker->tracked[i];
        if (!(tracked->watched || tracked->measure_once) || tracked->measuring)
            continue;
        if (worker->dirty_rate_unsupported) {
            /* A request queued before the answer was published. */
            stop_watching(worker, tracked);
            continue;
        }
        /* Never measure during the domain's migration: QEMU would refuse, and
         * the job's own dirty rate is the better number then. */
        if (tracked->has_job ||
            uuid_in(migrations->as_source, migrations->source_count, tracked->uuid) ||
            uuid_in(migrations->as_dest, migrations->dest_count, tracked->uuid) ||
            !domain_is_running(worker, tracked->uuid))
            continue;
        virDomainPtr domain = tracked_domain(worker, tracked);
        char *error = NULL;
        if (!domain ||
            dirty_rate_start(domain, worker->name, DIRTY_RATE_CALC_SECONDS, false, NULL,
                             &error) < 0) {
            /* Read at once: the code is libvirt's answer to the failed call. */
            bool unsupported = domain && libvirt_error_code() == VIR_ERR_NO_SUPPORT;
            /* QEMU measures one guest's dirty rate for one client at a time.
             * Another client's measurement (a second console, `virsh
             * domdirtyrate-calc`, a console that just quit) ends within its
             * calc-time: try again next tick, and complain only if it never
             * ends. QEMU says so in words only, no code of its own. */
            if (domain && !unsupported && error && dirty_rate_busy_message(error) &&
                ++tracked->busy_tries < DIRTY_RATE_BUSY_TRIES) {
                free(error);
                continue;
            }
            if (!error)
                error = libvirt_error_message("%s: find domain %s", worker->name, tracked->uuid);
            /* Stop watching rather than repeat the same failure every tick. */
            if (unsupported)
                engine_message(worker->core, MESSAGE_WARNING,
                               "%s; %s's driver cannot measure dirty rates, virtmig will not "
                               "try again there", error ? error : worker->name, worker->name);
            else
                engine_message(worker->core, MESSAGE_ERROR, "%s; dirty-rate sampling stopped",
                               error ? error : worker->name);
            free(error);
            stop_watching(worker, tracked);
            if (unsupported)
                mark_dirty_rate_unsupported(worker);
            continue;
        }
        tracked->measuring = true;
        tracked->busy_tries = 0;
    }
}

void host_telemetry_poll(HostWorker *worker)
{
    HostMigrations migrations;
    host_migrations_read(worker, &migrations);
    poll_jobs(worker, &migrations);
    read_dirty_rates(worker);
    start_dirty_rates(worker, &migrations);
    host_tracked_prune(worker, false);
    free(migrations.as_source);
    free(migrations.as_dest);
}
