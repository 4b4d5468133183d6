/* Inside a host worker: shared by host_worker.c (thread, connection, events),
 * engine_telemetry.c (job statistics, dirty rate) and engine_controls.c
 * (queued requests). Not for anything else. */
#ifndef VIRTMIG_ENGINE_HOST_H
#define VIRTMIG_ENGINE_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <libvirt/libvirt.h>

#include "host_worker.h"
#include "inventory.h"

/* Where libvirt's event callbacks for one connection deliver. The event loop
 * may still run a callback while the worker tears the connection down, so
 * callbacks go through this small refcounted object: the worker detaches
 * itself (worker = NULL) before freeing anything, and libvirt's free
 * callbacks drop the references. */
typedef struct {
    pthread_mutex_t lock;
    HostWorker *worker;           /* NULL once detached */
    unsigned refs;
} EventSink;

/* A domain this worker follows beyond the inventory: a job to sample, or
 * dirty-rate measurements to run. Worker thread only. */
typedef struct {
    char uuid[VIR_UUID_STRING_BUFLEN];
    virDomainPtr domain;          /* cached lookup, or NULL */
    bool watched;                 /* continuous dirty-rate sampling */
    bool measure_once;            /* one measurement asked for */
    bool measuring;               /* a calculation was started, result pending */
    long long last_start_time;    /* start_time of the last result taken */
    bool job_hint;                /* an event or the state says a job may run */
    bool has_job;                 /* the last sample showed a job */
    unsigned busy_tries;          /* starts refused because another client's
                                     measurement of this guest was running */
} TrackedDomain;

struct _HostWorker {
    Core *core;
    size_t index;
    char *name, *uri;             /* copies of the host's spec */
    pthread_t thread;
    bool thread_started;

    /* Core.lock guards these. */
    pthread_cond_t cond;          /* anything below changed, or Core.stopping */
    bool stop;
    HostRequest *queue;
    size_t queue_count;
    bool refresh_requested;       /* a lifecycle event arrived */
    char (*job_hints)[VIR_UUID_STRING_BUFLEN];   /* from migration events */
    size_t job_hint_count;
    bool connection_closed;       /* close callback fired for the current connection */
    bool finished;                /* the thread is about to return */
    bool orphaned;                /* core_free() stopped waiting: the thread frees itself */
    int close_reason;             /* virConnectCloseReason */

    /* Worker thread only. */
    virConnectPtr conn;
    EventSink *sink;
    int event_ids[3];
    unsigned backoff_s;
    uint64_t next_try_ms;         /* 0: now */
    bool auth_failed;             /* wait for HOST_REQUEST_RECONNECT */
    uint64_t next_refresh_ms;
    uint64_t next_poll_ms;
    uint64_t last_refresh_ms;
    char *last_refresh_error;     /* to tell a repeated failure from a new one */
    InventoryCache inventory_cache;   /* what the last thorough refresh learnt */
    unsigned refreshes_since_thorough;
    bool dirty_rate_unsupported;  /* as published in HostView: no measurement tried again */
    TrackedDomain *tracked;
    size_t tracked_count;
};

/* engine_telemetry.c ------------------------------------------------- */

/* The tracked entry for uuid, added when create is true (NULL when out of
 * memory or absent). */
TrackedDomain *host_tracked_get(HostWorker *worker, const char *uuid, bool create);
/* Drops entries nothing needs any more; frees every cached domain when all is true. */
void host_tracked_prune(HostWorker *worker, bool all);
/* Job statistics for every domain with a job on this host, dirty-rate
 * measurements for watched domains; publishes what it reads. */
void host_telemetry_poll(HostWorker *worker);
/* True when some tracked domain needs polling (so the worker keeps its tick). */
bool host_telemetry_wanted(HostWorker *worker);
/* After an inventory refresh: note domains whose state says a migration job runs. */
void host_telemetry_hints_from_inventory(HostWorker *worker);

/* engine_controls.c -------------------------------------------------- */

/* Carries out one queued request on the worker's connection (NULL when not
 * connected: then it answers with the reason). Frees request->domain_name. */
void host_control_execute(HostWorker *worker, HostRequest *request);

#endif
