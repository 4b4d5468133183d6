/* One migration launched through core_request_migrate(): its published view
 * and the thread that runs it with its own connections. */
#ifndef VIRTMIG_ENGINE_MIGRATION_H
#define VIRTMIG_ENGINE_MIGRATION_H

#include <pthread.h>
#include <stdbool.h>
#include <libvirt/libvirt.h>

#include "assistant.h"
#include "engine_state.h"

struct _EngineMigration {
    MigrationView view;           /* published; Core.lock */
    Core *core;
    /* Copies made at launch, read by the thread without the lock. */
    char *source_name, *source_uri;
    char *dest_name, *dest_uri;

    /* Core.lock guards the rest. */
    pthread_t thread;
    bool thread_started;
    bool finished;                /* the thread has returned (or is about to) */
    bool detached;                /* core_free() left it running (peer-to-peer) */
    bool aborted;                 /* the operator's abort was accepted by libvirt */
    bool resume_requested;        /* core_request_postcopy_resume() */
    bool call_running;            /* libvirt's migrate call is in progress */
    virDomainPtr run_domain;      /* the source domain the call runs on, while it runs */
    uint64_t postcopy_bandwidth_mibs; /* as launched or last set; a recovery uses it */
    pthread_cond_t cond;          /* resume_requested or Core.stopping changed */
    /* The convergence assistant (engine_assistant.c); view.assistant_on says
     * whether it runs. Core.lock. */
    AssistantLadder assistant_ladder;
    AssistantState assistant_state;
};

/* True while libvirt's job may run (STARTING, RUNNING, POSTCOPY). */
bool engine_migration_active(const MigrationView *view);

/* Builds the record for a validated launch (copies options and names) and
 * appends it to core->migrations with a new id; journals the launch and starts
 * the thread. Core.lock NOT held. Returns the id (> 0), or -1 with *error. */
int engine_migration_launch(Core *core, size_t source_host, size_t dest_host,
                            const char *domain_uuid, const char *domain_name,
                            const MigrateOptions *options, char **error);

/* Asks a migration whose post-copy failed to recover. Core.lock held. */
void engine_migration_request_resume_locked(EngineMigration *migration);

/* core_free(): aborts client-managed migrations and waits for them, leaves
 * peer-to-peer ones to libvirt (their threads keep a Core reference and
 * finish on their own). Core.stopping is already set. */
void engine_migrations_stop(Core *core);

/* Frees the record (the thread must be gone). Accepts NULL. */
void engine_migration_free(EngineMigration *migration);

#endif
