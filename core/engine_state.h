/* The engine's insides, shared by core.c, host_worker.c, engine_migration.c
 * and engine_publish.c. Nothing here is for front ends.
 *
 * Locking: one mutex, Core.lock, guards everything published (the views, the
 * messages, the credential requests, the request queues). It is held only for
 * copying and bookkeeping, never across a libvirt call, so a slow host cannot
 * make anyone wait on it. Event callbacks (libvirt's event loop thread) take
 * it too, which is safe because nobody holding it waits for that thread. */
#ifndef VIRTMIG_ENGINE_STATE_H
#define VIRTMIG_ENGINE_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "journal.h"

typedef struct _HostWorker HostWorker;
typedef struct _EngineMigration EngineMigration;
typedef struct _EnginePreflight EnginePreflight;

/* One configured host: what is published about it and the thread that owns
 * its connection. */
typedef struct {
    HostView view;
    DomainView *domains;          /* sorted by name; published */
    size_t domain_count;
    HostWorker *worker;
} HostSlot;

/* A credential libvirt asked for, waiting for core_answer_credential(). */
typedef struct {
    CredentialRequest request;
    bool answered;
    char *answer;                 /* NULL with answered: the operator cancelled */
} CredentialSlot;

struct _Core {
    pthread_mutex_t lock;
    pthread_cond_t credential_cond;   /* broadcast when a credential is answered */

    uint64_t generation;
    HostSlot *hosts;
    size_t host_count;

    EngineMigration **migrations;     /* in launch order */
    size_t migration_count;
    unsigned next_migration_id;

    CoreMessage messages[CORE_MESSAGES_KEPT];   /* oldest first */
    size_t message_count;
    uint64_t next_message_seq;

    CredentialSlot **credentials;
    size_t credential_count;
    unsigned next_credential_id;

    EnginePreflight *preflight;       /* engine_preflight.c; NULL until the first request */

    unsigned refresh_ms;
    unsigned job_poll_ms;
    Journal *journal;                 /* NULL when it could not be opened (said so) */
    bool stopping;

    /* Wakeups: changes mark notify_pending; the notifier thread turns that into
     * at most one eventfd write per ENGINE_WAKE_MIN_INTERVAL_MS. */
    int wake_fd;
    pthread_t notifier;
    bool notifier_started;
    pthread_cond_t notify_cond;
    bool notify_pending;
    bool event_loop_acquired;

    /* The Core is freed when the last reference goes: core_free() drops the
     * front end's, and a peer-to-peer migration still running at core_free()
     * keeps its own until libvirt's call returns (libvirt finishes it anyway;
     * its thread then records the outcome and lets go). */
    unsigned refs;
};

#define ENGINE_WAKE_MIN_INTERVAL_MS 50

/* ---- engine_publish.c ---------------------------------------------- */

/* Marks published state as changed: bumps the generation and schedules a
 * wakeup. Core.lock held. */
void engine_changed_locked(Core *core);

/* Appends an operator message (dropping the oldest beyond CORE_MESSAGES_KEPT)
 * and marks a change. Core.lock held. */
void engine_message_locked(Core *core, MessageLevel level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* The same, taking the lock. */
void engine_message(Core *core, MessageLevel level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Refuses a request checked under the lock: releases Core.lock (held on
 * entry), sets *error (when error is not NULL) and returns -1, so a check can
 * end with `return engine_refuse_locked(core, error, "...", ...);`. */
int engine_refuse_locked(Core *core, char **error, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* The domain with that UUID in a host's published list, or NULL. Core.lock held. */
DomainView *engine_find_domain_locked(Core *core, size_t host, const char *uuid);
/* The same, or else the first domain of that name (requests name a domain
 * either way). Core.lock held. */
DomainView *engine_find_domain_by_uuid_or_name_locked(Core *core, size_t host,
                                                     const char *uuid_or_name);
/* The migration with that id, or NULL. Core.lock held. */
EngineMigration *engine_find_migration_locked(Core *core, unsigned id);

/* Appends a sample to a domain's dirty-rate history (oldest dropped when
 * full; the history is allocated on the first sample). Returns 0, or -1 when
 * out of memory (the sample is lost, the history kept). */
int engine_push_dirty_rate(DomainView *domain, double mibs, uint64_t at_ms);
/* Publishes a domain's job: has_job and a copy of stats while the job runs
 * (BOUNDED/UNBOUNDED); otherwise (or stats NULL) no job and job NULL.
 * Returns 0, or -1 when out of memory (then published as no job). */
int engine_set_domain_job(DomainView *domain, const JobStats *stats);

/* Starts / stops the notifier thread that writes core->wake_fd. */
int engine_notifier_start(Core *core, char **error);
void engine_notifier_stop(Core *core);

/* Monotonic milliseconds. */
uint64_t engine_now_ms(void);

/* A condition variable timed on CLOCK_MONOTONIC (so wall-clock jumps do not
 * stretch or cut waits), and an absolute deadline ms from now on that clock. */
int engine_cond_init(pthread_cond_t *cond);
void engine_deadline_after_ms(struct timespec *deadline, uint64_t ms);

/* Reference counting (see Core.refs). engine_unref frees the Core when the
 * last reference goes. */
void engine_ref(Core *core);
void engine_unref(Core *core);

/* ---- engine_credentials.c ------------------------------------------ */

/* libvirt's auth callback data for a connection to host host_index: it
 * publishes each credential as a CredentialRequest and waits for the answer
 * (at most ENGINE_CREDENTIAL_TIMEOUT_S). Fill auth with engine_auth_init. */
#define ENGINE_CREDENTIAL_TIMEOUT_S 120
typedef struct {
    Core *core;
    size_t host_index;
} EngineAuthContext;

#include <libvirt/libvirt.h>
void engine_auth_init(virConnectAuth *auth, EngineAuthContext *context);

#endif
