/* Runs one migration, synchronously, on the caller's thread.
 *
 * The engine gives each migration its own thread and calls migration_run()
 * there; it returns when libvirt's migrate call returns. Meanwhile a watcher
 * thread started here does what `virsh migrate` does beside its blocking call:
 *   - polls the job statistics every poll_ms and reports each sample;
 *   - reports the phase: STARTING until libvirt shows a job (a job of type NONE
 *     while our call runs means "not started yet", never "finished"), RUNNING,
 *     then POSTCOPY once the source is paused for post-copy;
 *   - implements --timeout on the client side (libvirt has no such parameter):
 *     once the migration has run timeout_s seconds, it suspends the domain or
 *     switches to post-copy, once.
 * Max downtime is applied before the migrate call (libvirt accepts it on the
 * source domain before the job starts and the job picks it up).
 *
 * Peer-to-peer (options->p2p, virtmig's default) uses virDomainMigrateToURI3
 * with dest_uri as the destination connection URI; client-managed uses
 * virDomainMigrate3 and needs dest_conn. Other threads may control the running
 * job meanwhile (migration_control.h) through their own virDomainPtr or this one:
 * libvirt's connections are thread-safe. */
#ifndef VIRTMIG_MIGRATION_RUN_H
#define VIRTMIG_MIGRATION_RUN_H

#include <stdbool.h>
#include <libvirt/libvirt.h>

#include "core.h"
#include "job_stats.h"
#include "migrate_options.h"

/* Called while the migrate call runs, mostly on the watcher thread (on_note and
 * on_phase(STARTING) also on the caller's thread), one call at a time, never
 * after migration_run() returns. Any of them may be NULL. A callback may call
 * libvirt (e.g. migration_control_*) on the same domain. */
typedef struct {
    void (*on_sample)(const JobStats *stats, void *opaque);
    void (*on_phase)(MigrationPhase phase, void *opaque);
    /* Something the operator should read, e.g. what the timeout did, or a job
     * statistics error (the migration itself goes on). */
    void (*on_note)(bool is_error, const char *text, void *opaque);
    void *opaque;
} MigrationRunCallbacks;

typedef struct {
    virDomainPtr domain;            /* on the source host */
    const char *source_name;        /* host name for messages, e.g. "labhost1" */
    const char *dest_uri;           /* p2p: libvirt URI of the destination host */
    virConnectPtr dest_conn;        /* client-managed (options->p2p false): required;
                                       p2p: optional, used to read the completed job
                                       statistics on the destination when the source
                                       no longer has the domain */
    const MigrateOptions *options;  /* validated by migrate_options_validate() */
    bool postcopy_resume;           /* recover a failed post-copy (VIR_MIGRATE_POSTCOPY_RESUME) */
    unsigned poll_ms;               /* job statistics period; 0: 500 */
    MigrationRunCallbacks callbacks;
} MigrationRunRequest;

typedef struct {
    int rc;                         /* 0: libvirt's migrate call succeeded */
    char *error;                    /* when rc != 0: "labhost1: migrate steady: <libvirt's message>" */
    int error_code;                 /* virErrorNumber of that failure, VIR_ERR_OK if none */
    bool saw_job;                   /* the watcher saw a running job */
    bool saw_postcopy;              /* the source was seen paused for post-copy */
    bool timeout_fired;             /* the client-side timeout acted */
    bool job_outlived_call;         /* libvirt's call failed but the source's migration job
                                       kept moving data (seen with post-copy recovery in
                                       libvirt 9.0): migration_run followed it to its end;
                                       decide the outcome from the hosts' state, not rc */
    bool have_last;                 JobStats last;       /* last running sample */
    bool have_completed;            JobStats completed;  /* the completed job's statistics:
                                       from the JOB_COMPLETED event when the caller
                                       runs a libvirt event loop, else read back */
} MigrationRunResult;

/* Returns 0 when the call could be made (then result->rc says what libvirt
 * answered), -1 when it could not even start (bad request, unreadable XML file,
 * thread creation failed): result->error says why in both cases. */
int migration_run(const MigrationRunRequest *request, MigrationRunResult *result);

/* Frees result->error and zeroes it. Accepts NULL. */
void migration_run_result_clear(MigrationRunResult *result);

#endif
