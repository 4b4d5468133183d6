/* A host's worker thread: its connection (open, keepalive, close callback,
 * reconnect with backoff), its events, its inventory refresh, and the loop
 * that ties those to the telemetry and the request queue. */
#include "engine_host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libvirt/virterror.h>

#include "inventory.h"
#include "libvirt_error.h"

#define KEEPALIVE_INTERVAL_S 5
#define KEEPALIVE_COUNT 3
#define BACKOFF_FIRST_S 1
#define BACKOFF_MAX_S 30
/* A storm of lifecycle events (a host starting 200 guests) costs at most
 * this many refreshes per second. */
#define EVENT_REFRESH_MIN_INTERVAL_MS 100

/* ---- event sink ---------------------------------------------------- */

static EventSink *event_sink_new(HostWorker *worker)
{
    EventSink *sink = calloc(1, sizeof(*sink));
    if (!sink)
        return NULL;
    pthread_mutex_init(&sink->lock, NULL);
    sink->worker = worker;
    sink->refs = 1;
    return sink;
}

static void event_sink_ref(EventSink *sink)
{
    pthread_mutex_lock(&sink->lock);
    sink->refs++;
    pthread_mutex_unlock(&sink->lock);
}

static void event_sink_unref(void *opaque)
{
    EventSink *sink = opaque;
    if (!sink)
        return;
    pthread_mutex_lock(&sink->lock);
    bool last = --sink->refs == 0;
    pthread_mutex_unlock(&sink->lock);
    if (last) {
        pthread_mutex_destroy(&sink->lock);
        free(sink);
    }
}

/* Runs fn on the worker with Core.lock held, if the sink is still attached. */
static HostWorker *event_sink_lock(EventSink *sink)
{
    pthread_mutex_lock(&sink->lock);
    if (!sink->worker) {
        pthread_mutex_unlock(&sink->lock);
        return NULL;
    }
    pthread_mutex_lock(&sink->worker->core->lock);
    return sink->worker;
}

static void event_sink_unlock(EventSink *sink, HostWorker *worker)
{
    pthread_cond_signal(&worker->cond);
    pthread_mutex_unlock(&worker->core->lock);
    pthread_mutex_unlock(&sink->lock);
}

static void note_job_hint_locked(HostWorker *worker, virDomainPtr domain)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virDomainGetUUIDString(domain, uuid) < 0)
        return;
    for (size_t i = 0; i < worker->job_hint_count; i++) {
        if (strcmp(worker->job_hints[i], uuid) == 0)
            return;
    }
    char (*grown)[VIR_UUID_STRING_BUFLEN] =
        realloc(worker->job_hints, sizeof(*grown) * (worker->job_hint_count + 1));
    if (!grown)
        return;   /* the next inventory refresh finds the job through the state */
    worker->job_hints = grown;
    memcpy(worker->job_hints[worker->job_hint_count++], uuid, VIR_UUID_STRING_BUFLEN);
}

static void on_lifecycle(virConnectPtr conn, virDomainPtr domain, int event, int detail,
                         void *opaque)
{
    (void)conn;
    HostWorker *worker = event_sink_lock(opaque);
    if (!worker)
        return;
    worker->refresh_requested = true;
    /* An incoming migration shows up as a domain started for migration;
     * post-copy pauses the source: both mean a job to follow. */
    if ((event == VIR_DOMAIN_EVENT_STARTED && detail == VIR_DOMAIN_EVENT_STARTED_MIGRATED) ||
        (event == VIR_DOMAIN_EVENT_SUSPENDED &&
         (detail == VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED ||
          detail == VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY)) ||
        (event == VIR_DOMAIN_EVENT_RESUMED && detail == VIR_DOMAIN_EVENT_RESUMED_POSTCOPY))
        note_job_hint_locked(worker, domain);
    event_sink_unlock(opaque, worker);
}

static void on_job_event(virConnectPtr conn, virDomainPtr domain, void *opaque)
{
    (void)conn;
    HostWorker *worker = event_sink_lock(opaque);
    if (!worker)
        return;
    note_job_hint_locked(worker, domain);
    worker->refresh_requested = true;
    event_sink_unlock(opaque, worker);
}

static void on_migration_iteration(virConnectPtr conn, virDomainPtr domain, int iteration,
                                   void *opaque)
{
    (void)iteration;
    on_job_event(conn, domain, opaque);
}

static void on_job_completed(virConnectPtr conn, virDomainPtr domain,
                             virTypedParameterPtr params, int nparams, void *opaque)
{
    (void)params;
    (void)nparams;
    on_job_event(conn, domain, opaque);
}

static void on_connection_closed(virConnectPtr conn, int reason, void *opaque)
{
    (void)conn;
    HostWorker *worker = event_sink_lock(opaque);
    if (!worker)
        return;
    worker->connection_closed = true;
    worker->close_reason = reason;
    event_sink_unlock(opaque, worker);
}

static const char *close_reason_text(int reason)
{
    switch (reason) {
    case VIR_CONNECT_CLOSE_REASON_ERROR: return "connection closed after an I/O error";
    case VIR_CONNECT_CLOSE_REASON_EOF: return "connection closed by the daemon (libvirtd stopped?)";
    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE: return "the daemon stopped answering keepalives";
    case VIR_CONNECT_CLOSE_REASON_CLIENT: return "connection closed by us";
    }
    return "connection closed";
}

/* ---- publishing host state ---------------------------------------- */

static void publish_state(HostWorker *worker, HostConnState state, const char *error)
{
    Core *core = worker->core;
    pthread_mutex_lock(&core->lock);
    HostView *view = &core->hosts[worker->index].view;
    view->state = state;
    free(view->error);
    view->error = error ? strdup(error) : NULL;
    view->next_try = 0;
    if (state == HOST_LOST) {
        uint64_t now = engine_now_ms();
        uint64_t wait_ms = worker->next_try_ms > now ? worker->next_try_ms - now : 0;
        view->next_try = time(NULL) + (time_t)((wait_ms + 999) / 1000);
    }
    engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);
}

static char *host_uuid_from_capabilities(virConnectPtr conn)
{
    char *caps = virConnectGetCapabilities(conn);
    char *uuid = NULL;
    if (!caps)
        return NULL;
    /* <capabilities><host><uuid>...</uuid>: the first <uuid> is the host's. */
    const char *start = strstr(caps, "<uuid>");
    const char *end = start ? strstr(start, "</uuid>") : NULL;
    if (start && end)
        uuid = strndup(start + 6, (size_t)(end - start - 6));
    free(caps);
    return uuid;
}

/* Facts about the host that do not change while connected. */
static void publish_host_facts(HostWorker *worker)
{
    char *hostname = virConnectGetHostname(worker->conn);
    char *host_uuid = host_uuid_from_capabilities(worker->conn);
    const char *type = virConnectGetType(worker->conn);
    unsigned long lib_version = 0, hv_version = 0;
    if (virConnectGetLibVersion(worker->conn, &lib_version) < 0)
        lib_version = 0;
    if (virConnectGetVersion(worker->conn, &hv_version) < 0)
        hv_version = 0;

    Core *core = worker->core;
    pthread_mutex_lock(&core->lock);
    HostView *view = &core->hosts[worker->index].view;
    free(view->hostname);
    free(view->host_uuid);
    free(view->hv_type);
    view->hostname = hostname;
    view->host_uuid = host_uuid;
    view->hv_type = type ? strdup(type) : NULL;
    view->libvirt_version = lib_version;
    view->hv_version = hv_version;
    engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);
}

/* ---- connection ---------------------------------------------------- */

static void disconnect(HostWorker *worker)
{
    if (!worker->conn)
        return;
    for (size_t i = 0; i < 3; i++) {
        if (worker->event_ids[i] >= 0)
            virConnectDomainEventDeregisterAny(worker->conn, worker->event_ids[i]);
        worker->event_ids[i] = -1;
    }
    virConnectUnregisterCloseCallback(worker->conn, on_connection_closed);
    if (worker->sink) {
        pthread_mutex_lock(&worker->sink->lock);
        worker->sink->worker = NULL;
        pthread_mutex_unlock(&worker->sink->lock);
        event_sink_unref(worker->sink);
        worker->sink = NULL;
    }
    host_tracked_prune(worker, true);
    /* Events may have been missed while disconnected: learn it all again. */
    inventory_cache_clear(&worker->inventory_cache);
    virConnectClose(worker->conn);
    worker->conn = NULL;

    pthread_mutex_lock(&worker->core->lock);
    worker->connection_closed = false;
    pthread_mutex_unlock(&worker->core->lock);
}

static int register_events(HostWorker *worker, char **error)
{
    static const struct {
        int id;
        virConnectDomainEventGenericCallback callback;
    } events[3] = {
        { VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle) },
        { VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, VIR_DOMAIN_EVENT_CALLBACK(on_job_completed) },
        { VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION,
          VIR_DOMAIN_EVENT_CALLBACK(on_migration_iteration) },
    };

    if (!(worker->sink = event_sink_new(worker)))
        return error_set(error, "%s: out of memory", worker->name);
    /* No free callback here: drivers without close callbacks (local ones)
     * accept the registration and never call it. The worker's own reference
     * covers it instead: libvirt runs the close callback under the same lock
     * that virConnectUnregisterCloseCallback takes, so once that returns the
     * callback cannot be running. */
    if (virConnectRegisterCloseCallback(worker->conn, on_connection_closed, worker->sink,
                                        NULL) < 0)
        return libvirt_error_set(error, "%s: watch the connection", worker->name);
    for (size_t i = 0; i < 3; i++) {
        event_sink_ref(worker->sink);
        worker->event_ids[i] = virConnectDomainEventRegisterAny(
            worker->conn, NULL, events[i].id, events[i].callback, worker->sink,
            event_sink_unref);
        if (worker->event_ids[i] < 0) {
            event_sink_unref(worker->sink);
            return libvirt_error_set(error, "%s: subscribe to domain events", worker->name);
        }
    }
    return 0;
}

static bool is_auth_failure(int code)
{
    return code == VIR_ERR_AUTH_FAILED || code == VIR_ERR_AUTH_CANCELLED ||
           code == VIR_ERR_AUTH_UNAVAILABLE;
}

static void schedule_retry(HostWorker *worker, const char *reason)
{
    worker->next_try_ms = engine_now_ms() + worker->backoff_s * 1000ull;
    worker->backoff_s = worker->backoff_s * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S
                                                               : worker->backoff_s * 2;
    publish_state(worker, HOST_LOST, reason);
}

static void try_connect(HostWorker *worker)
{
    char *error = NULL;
    virConnectAuth auth;
    EngineAuthContext auth_context = { worker->core, worker->index };
    engine_auth_init(&auth, &auth_context);

    publish_state(worker, HOST_CONNECTING, NULL);
    worker->conn = virConnectOpenAuth(worker->uri, &auth, 0);
    if (!worker->conn) {
        int code = libvirt_error_code();
        error = libvirt_error_message("%s: connect to %s", worker->name, worker->uri);
        if (is_auth_failure(code)) {
            worker->auth_failed = true;
            publish_state(worker, HOST_AUTH_FAILED, error);
            engine_message(worker->core, MESSAGE_ERROR, "%s", error ? error : worker->name);
        } else {
            schedule_retry(worker, error);
        }
        free(error);
        return;
    }
    /* Keepalive needs the event loop (running) and a daemon that supports it;
     * a local driver without it (-1 or 1) is fine: it cannot vanish. */
    virConnectSetKeepAlive(worker->conn, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT);
    if (register_events(worker, &error) < 0) {
        disconnect(worker);
        schedule_retry(worker, error);
        free(error);
        return;
    }
    worker->backoff_s = BACKOFF_FIRST_S;
    publish_host_facts(worker);
    publish_state(worker, HOST_CONNECTED, NULL);
    worker->next_refresh_ms = 0;
    worker->next_poll_ms = 0;
}

static bool connection_lost(HostWorker *worker, char **reason)
{
    pthread_mutex_lock(&worker->core->lock);
    bool closed = worker->connection_closed;
    int close_reason = worker->close_reason;
    pthread_mutex_unlock(&worker->core->lock);
    if (closed) {
        *reason = strdup(close_reason_text(close_reason));
        return true;
    }
    if (virConnectIsAlive(worker->conn) == 0) {
        *reason = strdup("connection to the daemon is gone");
        return true;
    }
    return false;
}

/* ---- inventory ----------------------------------------------------- */

/* after_event: a lifecycle or job event arrived since the last refresh; a
 * domain may have been defined, undefined, started or stopped, so what the
 * cache says about UUIDs and persistence is read again. */
static void refresh_inventory(HostWorker *worker, bool after_event)
{
    Inventory inventory;
    char *error = NULL;
    Core *core = worker->core;
    bool thorough = after_event ||
                    worker->refreshes_since_thorough + 1 >= INVENTORY_THOROUGH_EVERY;
    bool was_thorough = false;

    worker->last_refresh_ms = engine_now_ms();
    if (inventory_fetch(worker->conn, worker->name, &worker->inventory_cache, thorough,
                        &inventory, &was_thorough, &error) < 0) {
        /* A failing refresh on a live connection: say it once, retry next period. */
        if (!worker->last_refresh_error || !error ||
            strcmp(worker->last_refresh_error, error) != 0)
            engine_message(core, MESSAGE_ERROR, "%s", error ? error : worker->name);
        free(worker->last_refresh_error);
        worker->last_refresh_error = error;
        return;
    }
    free(worker->last_refresh_error);
    worker->last_refresh_error = NULL;
    worker->refreshes_since_thorough = was_thorough ? 0 : worker->refreshes_since_thorough + 1;

    pthread_mutex_lock(&core->lock);
    HostSlot *slot = &core->hosts[worker->index];
    bool changed = false;
    if (inventory_merge(&inventory, worker->index, &slot->domains, &slot->domain_count,
                        &changed) < 0)
        engine_message_locked(core, MESSAGE_ERROR, "%s: out of memory updating the domain list",
                              worker->name);
    /* The first refresh is news even when empty (front ends wait for it). */
    changed = changed || slot->view.last_refresh_ms == 0 ||
              slot->view.free_memory_bytes != inventory.free_memory_bytes;
    slot->view.free_memory_bytes = inventory.free_memory_bytes;
    /* Published either way, but a refresh that found nothing new neither
     * wakes the front end nor makes it copy thousands of domains again. */
    slot->view.last_refresh_ms = worker->last_refresh_ms;
    if (changed)
        engine_changed_locked(core);
    pthread_mutex_unlock(&core->lock);
    inventory_clear(&inventory);

    host_telemetry_hints_from_inventory(worker);
}

/* ---- the loop ------------------------------------------------------ */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* When the loop next has something to do on its own (without a request). */
static uint64_t next_deadline(HostWorker *worker)
{
    if (!worker->conn)
        return worker->auth_failed ? UINT64_MAX : worker->next_try_ms;
    uint64_t deadline = worker->next_refresh_ms;
    if (host_telemetry_wanted(worker))
        deadline = min_u64(deadline, worker->next_poll_ms);
    return deadline;
}

/* Waits until a deadline, a request, an event or stop. Returns false on stop.
 * Takes the queued requests into *requests (caller frees). */
static bool wait_for_work(HostWorker *worker, HostRequest **requests, size_t *count)
{
    Core *core = worker->core;
    uint64_t deadline = next_deadline(worker);

    pthread_mutex_lock(&core->lock);
    for (;;) {
        if (worker->stop || core->stopping)
            break;
        if (worker->queue_count > 0 || worker->connection_closed)
            break;
        if (worker->refresh_requested && worker->conn &&
            engine_now_ms() >= worker->last_refresh_ms + EVENT_REFRESH_MIN_INTERVAL_MS)
            break;
        uint64_t now = engine_now_ms();
        uint64_t until = deadline;
        if (worker->refresh_requested && worker->conn)
            until = min_u64(until, worker->last_refresh_ms + EVENT_REFRESH_MIN_INTERVAL_MS);
        if (now >= until)
            break;
        if (until == UINT64_MAX) {
            pthread_cond_wait(&worker->cond, &core->lock);
        } else {
            struct timespec at;
            engine_deadline_after_ms(&at, until - now);
            pthread_cond_timedwait(&worker->cond, &core->lock, &at);
        }
    }
    bool running = !worker->stop && !core->stopping;
    *requests = worker->queue;
    *count = worker->queue_count;
    worker->queue = NULL;
    worker->queue_count = 0;
    pthread_mutex_unlock(&core->lock);
    return running;
}

static void take_event_hints(HostWorker *worker, bool *refresh)
{
    Core *core = worker->core;
    char (*hints)[VIR_UUID_STRING_BUFLEN] = NULL;
    size_t hint_count = 0;

    pthread_mutex_lock(&core->lock);
    *refresh = worker->refresh_requested;
    worker->refresh_requested = false;
    hints = worker->job_hints;
    hint_count = worker->job_hint_count;
    worker->job_hints = NULL;
    worker->job_hint_count = 0;
    pthread_mutex_unlock(&core->lock);

    for (size_t i = 0; i < hint_count; i++) {
        TrackedDomain *tracked = host_tracked_get(worker, hints[i], true);
        if (tracked)
            tracked->job_hint = true;
    }
    if (hint_count > 0)
        worker->next_poll_ms = 0;
    free(hints);
}

static void worker_free(HostWorker *worker);

static void *host_worker_main(void *opaque)
{
    HostWorker *worker = opaque;
    HostRequest *requests = NULL;
    size_t request_count = 0;

    while (wait_for_work(worker, &requests, &request_count)) {
        if (worker->conn) {
            char *reason = NULL;
            if (connection_lost(worker, &reason)) {
                disconnect(worker);
                worker->backoff_s = BACKOFF_FIRST_S;
                schedule_retry(worker, reason ? reason : "connection lost");
                engine_message(worker->core, MESSAGE_WARNING, "%s: %s; reconnecting",
                               worker->name, reason ? reason : "connection lost");
                free(reason);
            }
        }
        for (size_t i = 0; i < request_count; i++) {
            if (requests[i].kind == HOST_REQUEST_RECONNECT) {
                worker->auth_failed = false;
                worker->next_try_ms = 0;
                free(requests[i].domain_name);
                continue;
            }
            host_control_execute(worker, &requests[i]);
        }
        free(requests);
        requests = NULL;

        uint64_t now = engine_now_ms();
        if (!worker->conn) {
            if (!worker->auth_failed && now >= worker->next_try_ms)
                try_connect(worker);
            continue;
        }

        bool event_refresh = false;
        take_event_hints(worker, &event_refresh);
        if (event_refresh || now >= worker->next_refresh_ms) {
            refresh_inventory(worker, event_refresh);
            worker->next_refresh_ms = engine_now_ms() + worker->core->refresh_ms;
        }
        if (now >= worker->next_poll_ms) {
            host_telemetry_poll(worker);
            worker->next_poll_ms = engine_now_ms() + worker->core->job_poll_ms;
        }
    }
    /* Requests still queued when the engine stops are dropped unanswered:
     * nobody is left to read the answer. */
    for (size_t i = 0; i < request_count; i++)
        free(requests[i].domain_name);
    free(requests);
    disconnect(worker);

    /* core_free() stops waiting for a worker stuck in a connection attempt
     * (a black-holed address takes minutes to time out) and leaves it
     * orphaned: it then cleans up after itself and lets go of the Core. */
    Core *core = worker->core;
    pthread_mutex_lock(&core->lock);
    worker->finished = true;
    bool orphaned = worker->orphaned;
    pthread_mutex_unlock(&core->lock);
    if (orphaned) {
        worker_free(worker);
        engine_unref(core);
    }
    return NULL;
}

/* ---- lifetime ------------------------------------------------------ */

HostWorker *host_worker_new(Core *core, size_t index, char **error)
{
    HostWorker *worker = calloc(1, sizeof(*worker));
    if (!worker) {
        error_set(error, "out of memory");
        return NULL;
    }
    worker->core = core;
    worker->index = index;
    worker->backoff_s = BACKOFF_FIRST_S;
    for (size_t i = 0; i < 3; i++)
        worker->event_ids[i] = -1;
    worker->name = strdup(core->hosts[index].view.name);
    worker->uri = strdup(core->hosts[index].view.uri);
    if (!worker->name || !worker->uri || engine_cond_init(&worker->cond) < 0) {
        free(worker->name);
        free(worker->uri);
        free(worker);
        error_set(error, "out of memory");
        return NULL;
    }
    if (pthread_create(&worker->thread, NULL, host_worker_main, worker) != 0) {
        error_set(error, "%s: cannot start the host's thread (out of resources?)", worker->name);
        pthread_cond_destroy(&worker->cond);
        free(worker->name);
        free(worker->uri);
        free(worker);
        return NULL;
    }
    worker->thread_started = true;
    return worker;
}

void host_worker_request_stop(HostWorker *worker)
{
    if (!worker)
        return;
    pthread_mutex_lock(&worker->core->lock);
    worker->stop = true;
    pthread_cond_signal(&worker->cond);
    pthread_mutex_unlock(&worker->core->lock);
}

static void worker_free(HostWorker *worker)
{
    for (size_t i = 0; i < worker->queue_count; i++)
        free(worker->queue[i].domain_name);
    free(worker->queue);
    free(worker->job_hints);
    free(worker->tracked);
    free(worker->last_refresh_error);
    inventory_cache_clear(&worker->inventory_cache);
    pthread_cond_destroy(&worker->cond);
    free(worker->name);
    free(worker->uri);
    free(worker);
}

void host_worker_join_free(HostWorker *worker, unsigned timeout_ms)
{
    if (!worker)
        return;
    if (worker->thread_started) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);   /* pthread_timedjoin_np's clock */
        deadline.tv_sec += timeout_ms / 1000u;
        deadline.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        if (pthread_timedjoin_np(worker->thread, NULL, &deadline) != 0) {
            Core *core = worker->core;
            pthread_mutex_lock(&core->lock);
            if (!worker->finished) {
                worker->orphaned = true;
                core->refs++;
                pthread_detach(worker->thread);
                pthread_mutex_unlock(&core->lock);
                return;
            }
            pthread_mutex_unlock(&core->lock);
            pthread_join(worker->thread, NULL);
        }
    }
    worker_free(worker);
}

int host_worker_enqueue_locked(HostWorker *worker, const HostRequest *request)
{
    HostRequest *grown = realloc(worker->queue, sizeof(*grown) * (worker->queue_count + 1));
    if (!grown)
        return -1;
    worker->queue = grown;
    worker->queue[worker->queue_count++] = *request;
    pthread_cond_signal(&worker->cond);
    return 0;
}
