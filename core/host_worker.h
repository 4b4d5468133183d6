/* The thread that owns one host's connection: connects (with backoff),
 * keeps the inventory and telemetry of that host published, and carries out
 * the requests queued for it. A dead or slow host only ever stalls its own
 * worker. */
#ifndef VIRTMIG_HOST_WORKER_H
#define VIRTMIG_HOST_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "engine_state.h"

typedef enum {
    HOST_REQUEST_ABORT = 0,       /* flag: post-copy abort */
    HOST_REQUEST_POSTCOPY,
    HOST_REQUEST_MAX_DOWNTIME,    /* value: ms */
    HOST_REQUEST_BANDWIDTH,       /* value: MiB/s; flag: post-copy bandwidth */
    HOST_REQUEST_COMPRESSION_CACHE, /* value: bytes */
    HOST_REQUEST_SUSPEND,
    HOST_REQUEST_RESUME,
    HOST_REQUEST_WATCH_DIRTY_RATE,  /* flag: on */
    HOST_REQUEST_MEASURE_DIRTY_RATE,
    HOST_REQUEST_RECONNECT,
} HostRequestKind;

typedef struct {
    HostRequestKind kind;
    unsigned migration_id;        /* migration controls */
    char uuid[37];                /* the domain (for migrations: the source domain) */
    char *domain_name;            /* for messages; owned by the request */
    uint64_t value;
    bool flag;
} HostRequest;

/* Creates the worker for core->hosts[index] and starts its thread. Returns
 * NULL with *error. */
HostWorker *host_worker_new(Core *core, size_t index, char **error);

/* Asks the thread to finish (Core.stopping must be set, or soon be). */
void host_worker_request_stop(HostWorker *worker);
/* Waits for the thread (at most timeout_ms) and frees the worker. A thread
 * still inside libvirt after that (a connection attempt to a black-holed
 * address) is orphaned instead: it keeps a Core reference, and frees itself
 * and lets go once libvirt returns. Accepts NULL. */
void host_worker_join_free(HostWorker *worker, unsigned timeout_ms);

/* Queues a request (ownership of request->domain_name passes to the queue)
 * and wakes the worker. Core.lock held. Returns 0, or -1 when out of memory
 * (then the caller still owns domain_name). */
int host_worker_enqueue_locked(HostWorker *worker, const HostRequest *request);

#endif
