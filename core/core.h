/* virtmig's engine, as the front ends see it.
 *
 * core/ owns every libvirt call and every thread that makes one. A front end
 * (tui/, the headless commands, tests) talks to it only through this header:
 *   - it reads state with core_snapshot(), a deep copy it owns, taken under a
 *     short lock and never waiting on a host;
 *   - it sends requests (core_request_*), which return at once: the outcome
 *     shows up in a later snapshot (a migration's state, an event message);
 *   - it sleeps in poll() on core_wake_fd(), readable whenever published state
 *     changed, then calls core_wake_drain().
 * No libvirt type appears here. */
#ifndef VIRTMIG_CORE_H
#define VIRTMIG_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "job_stats.h"
#include "migrate_options.h"
#include "preflight_rules.h"

typedef struct _Core Core;

/* ---- configuration -------------------------------------------------- */

typedef struct {
    char *name;    /* display name, e.g. "labhost1" */
    char *uri;     /* libvirt URI, e.g. "qemu+tcp://198.18.77.11/system" */
} HostSpec;

typedef struct {
    HostSpec *hosts;
    size_t host_count;
    unsigned refresh_ms;          /* inventory refresh period; 0: 1000 */
    unsigned job_poll_ms;         /* job statistics period; 0: 500 */
    const char *journal_path;     /* NULL: $XDG_STATE_HOME/virtmig/journal.jsonl */
} CoreConfig;

/* ---- published state ---------------------------------------------- */

typedef enum {
    HOST_CONNECTING = 0,
    HOST_CONNECTED,
    HOST_LOST,          /* error holds the reason, next_try when we retry; its
                           domains stay listed as last seen (last_refresh_ms says when) */
    HOST_AUTH_FAILED,   /* error holds libvirt's message; no automatic retry */
} HostConnState;

typedef struct {
    char *name;
    char *uri;
    HostConnState state;
    char *error;                  /* libvirt's own message for the last failure, or NULL */
    time_t next_try;              /* wall clock of the next reconnect attempt (HOST_LOST) */
    char *hostname;               /* virConnectGetHostname, once connected */
    char *host_uuid;              /* from capabilities */
    char *hv_type;                /* "QEMU" */
    unsigned long libvirt_version;    /* major*1000000 + minor*1000 + micro */
    unsigned long hv_version;
    uint64_t free_memory_bytes;   /* read by thorough refreshes: after an event, and every
                                     tenth refresh otherwise (core/inventory.h) */
    bool dirty_rate_unsupported;  /* the driver answered "not supported" (VIR_ERR_NO_SUPPORT)
                                     to a dirty-rate measurement: said once, never tried
                                     again on this host; watch/measure requests refused */
    uint64_t last_refresh_ms;     /* monotonic time of the last inventory refresh.
                                     A refresh that found nothing new updates only
                                     this, without a wakeup or a new generation (so
                                     an idle fleet costs the front end nothing);
                                     core_snapshot() and core_snapshot_update() still
                                     return its current value. */
} HostView;

/* Values mirror virDomainState. */
typedef enum {
    DOMAIN_NOSTATE = 0, DOMAIN_RUNNING, DOMAIN_BLOCKED, DOMAIN_PAUSED,
    DOMAIN_SHUTDOWN, DOMAIN_SHUTOFF, DOMAIN_CRASHED, DOMAIN_PMSUSPENDED,
} DomainRunState;

#define DIRTY_RATE_HISTORY 120    /* samples kept per domain for graphs */

typedef struct {
    double value;                 /* MiB/s */
    uint64_t at_ms;               /* monotonic */
} RateSample;

typedef struct {
    char uuid[37];
    char *name;
    size_t host_index;            /* into CoreSnapshot.hosts */
    DomainRunState state;
    int state_reason;             /* virDomain*Reason for that state */
    bool persistent;
    unsigned vcpus;
    uint64_t memory_kib;          /* current balloon */
    uint64_t max_memory_kib;
    /* Dirty-rate history, oldest first (from dirty-rate sampling, or the
     * migration job's own dirty rate while it migrates): dirty_rate_count
     * samples (at most DIRTY_RATE_HISTORY), NULL when there are none. Out of
     * line so that a snapshot copies only the histories domains really have:
     * most have none, and thousands of inline histories made every snapshot
     * copy megabytes. */
    RateSample *dirty_rate;
    size_t dirty_rate_count;
    bool dirty_rate_watched;      /* core_request_watch_dirty_rate() is on */
    bool has_job;                 /* a libvirt job runs on this domain (either side) */
    JobStats *job;                /* the last sample when has_job, else NULL. The
                                     incoming half of a migration has only type and
                                     operation (MIGRATION_IN): libvirt keeps the
                                     statistics on the source; find them there by UUID. */
} DomainView;

typedef enum {
    MIGRATION_STARTING = 0,   /* our migrate call runs, libvirt job not seen yet */
    MIGRATION_RUNNING,
    MIGRATION_POSTCOPY,       /* switched to post-copy */
    MIGRATION_COMPLETED,      /* running on destination, gone/shut off on source */
    MIGRATION_FAILED,         /* still on the source; error says why */
    MIGRATION_CANCELLED,      /* aborted; still on the source */
    MIGRATION_POSTCOPY_FAILED,/* paused on both sides: resume with core_request_postcopy_resume */
} MigrationPhase;

#define MIGRATION_HISTORY 240     /* job samples kept per migration (2 min at 500 ms) */

typedef struct {
    unsigned id;                  /* stable for the program's lifetime */
    char domain_uuid[37];
    char *domain_name;
    size_t source_host, dest_host;   /* indexes into CoreSnapshot.hosts */
    MigrateOptions options;       /* as launched */
    char *virsh_command;          /* the equivalent virsh line */
    MigrationPhase phase;
    bool source_left_paused;      /* a failure left the source paused: say so */
    char *error;                  /* libvirt's message on failure */
    uint64_t started_ms, ended_ms;   /* monotonic; ended_ms 0 while it runs */
    JobStats last;                /* last job sample (completed stats at the end) */
    JobStats history[MIGRATION_HISTORY];  /* oldest first */
    size_t history_count;
    uint64_t current_max_downtime_ms;  /* as last set (0: libvirt default) */
    uint64_t current_bandwidth_mibs;   /* as last set (0: unlimited) */
    /* The convergence assistant (core_request_assistant), "" when off. */
    bool assistant_on;
    char assistant_ladder[256];   /* "post-copy: downtime 1s after 2; postcopy after 2" */
    char assistant_current[256];  /* "1 step taken, last: raise max downtime to 1.0 s" */
    char assistant_next[256];     /* "next: switch to post-copy when remaining has not
                                     fallen for 2 more iterations (...)" */
    char assistant_reason[256];   /* why the last step was taken */
} MigrationView;

typedef enum { MESSAGE_INFO = 0, MESSAGE_WARNING, MESSAGE_ERROR } MessageLevel;

typedef struct {
    uint64_t seq;                 /* increases by one per message */
    time_t at;
    MessageLevel level;
    char *text;                   /* e.g. "labhost1: abort vm1: <libvirt's message>" */
} CoreMessage;

/* A credential libvirt asked for while opening a connection. The host's worker
 * waits until core_answer_credential() (or the connection attempt times out). */
typedef struct {
    unsigned id;
    size_t host_index;
    char *prompt;                 /* libvirt's prompt text */
    bool secret;                  /* hide the input (passwords) */
} CredentialRequest;

#define CORE_MESSAGES_KEPT 64

/* Pre-flight checks of one domain towards one destination (see
 * core_request_preflight). checks[] hold the last finished run; a newer
 * request sets running until its own results replace them. */
typedef struct {
    uint64_t generation;          /* the request these results answer (or will) */
    char domain_uuid[37];
    size_t source_host, dest_host;
    bool running;                 /* a run for `generation` is under way */
    bool done;                    /* checks[] hold a finished run (of done_generation) */
    uint64_t done_generation;
    char error[320];              /* the checks could not run at all (libvirt's message) */
    PreflightCheck checks[PREFLIGHT_CHECK_COUNT];
    size_t check_count;
    PreflightStatus worst;        /* the worst status among checks[] */
    PreflightLimits limits;       /* options the form must not offer (an assigned VF) */
    bool copy_storage_needed;     /* a disk is reachable only by copying it */
    uint64_t finished_ms;         /* monotonic */
} PreflightReport;

typedef struct {
    uint64_t generation;          /* increases whenever anything below changed */
    HostView *hosts;              size_t host_count;
    DomainView *domains;          size_t domain_count;   /* grouped by host, then name */
    MigrationView *migrations;    size_t migration_count;
    CoreMessage *messages;        size_t message_count;  /* newest last, at most CORE_MESSAGES_KEPT */
    CredentialRequest *credentials; size_t credential_count;
    PreflightReport *preflights;  size_t preflight_count;   /* newest request last */
} CoreSnapshot;

/* ---- lifetime ------------------------------------------------------ */

/* Creates the engine and starts its threads (event loop, one worker per host).
 * Returns NULL with *error set (malloc'd) on failure. Never blocks on a host. */
Core *core_new(const CoreConfig *config, char **error);
/* Stops every thread and frees everything. Migrations that libvirt runs
 * peer-to-peer go on without us; client-managed ones are aborted first. */
void core_free(Core *core);

int core_wake_fd(const Core *core);
void core_wake_drain(Core *core);

/* Deep copy of the published state into *out (which the caller owns). Returns 0,
 * or -1 on allocation failure (then *out is empty). */
int core_snapshot(Core *core, CoreSnapshot *out);
void core_snapshot_clear(CoreSnapshot *snapshot);
/* The same into a snapshot the caller keeps from one wakeup to the next
 * (zeroed, or filled by an earlier core_snapshot/core_snapshot_update): its
 * arrays are reused, and nothing is copied when nothing changed. Returns 1
 * when unchanged (the snapshot is as it was, only the hosts' last_refresh_ms
 * brought up to date in place), 0 when copied anew, -1 on
 * allocation failure (then *snapshot is empty). Cheaper than
 * core_snapshot + core_snapshot_clear with thousands of domains. */
int core_snapshot_update(Core *core, CoreSnapshot *snapshot);

/* ---- requests (all return at once) --------------------------------- */

/* Validates, then launches on its own thread (domain_uuid may also be the
 * domain's name on source_host). On a validation failure returns -1
 * and fills problems (up to max) without touching libvirt; *problem_count gets
 * the total. On success returns the migration id (> 0). */
int core_request_migrate(Core *core, size_t source_host, const char *domain_uuid,
                         size_t dest_host, const MigrateOptions *options,
                         OptionProblem *problems, size_t max, size_t *problem_count);

/* Controls on a running migration (by id). Each returns 0 if the request was
 * queued, -1 with *error (malloc'd) if it is refused outright (unknown id, a
 * plain abort during post-copy, post-copy not enabled at launch...). libvirt's
 * answer arrives later as a message. */
int core_request_abort(Core *core, unsigned migration_id, bool postcopy_abort, char **error);
int core_request_postcopy(Core *core, unsigned migration_id, char **error);
int core_request_postcopy_resume(Core *core, unsigned migration_id, char **error);
int core_request_set_max_downtime(Core *core, unsigned migration_id, uint64_t ms, char **error);
int core_request_set_bandwidth(Core *core, unsigned migration_id, uint64_t mibs,
                               bool postcopy, char **error);
int core_request_set_compression_cache(Core *core, unsigned migration_id, uint64_t bytes,
                                       char **error);

/* The convergence assistant (core/assistant.h): ladder_spec_or_name is a
 * built-in ladder ("minimal-downtime", "post-copy", "suspend-if-needed") or
 * ladder text ("downtime 500ms after 3; postcopy after 2"); it switches the
 * assistant on, or replaces the ladder (starting again at its first step);
 * NULL switches it off. On each new job sample the engine then takes the
 * step that is due through the same path as the controls above and journals
 * it with its reason. Returns 0, or -1 with *error (malloc'd): a parse error
 * saying what to write, a post-copy step on a migration launched without
 * post-copy, an ended migration. */
int core_request_assistant(Core *core, unsigned migration_id, const char *ladder_spec_or_name,
                           char **error);

/* core_request_migrate with the assistant on from the start (ladder NULL: as
 * core_request_migrate). The ladder is checked before anything is launched:
 * a bad ladder is one more problem (OPT_FIELD_NONE) and nothing runs. */
int core_request_migrate_assisted(Core *core, size_t source_host, const char *domain_uuid,
                                  size_t dest_host, const MigrateOptions *options,
                                  const char *ladder, OptionProblem *problems, size_t max,
                                  size_t *problem_count);

/* Domain controls (the domain on a given host). */
int core_request_suspend(Core *core, size_t host, const char *domain_uuid, char **error);
int core_request_resume(Core *core, size_t host, const char *domain_uuid, char **error);

/* Dirty-rate sampling: continuous while watched, one measurement for *_now.
 * Never runs during that domain's migration (the job's own rate is used). */
int core_request_watch_dirty_rate(Core *core, size_t host, const char *domain_uuid, bool on);
int core_request_measure_dirty_rate(Core *core, size_t host, const char *domain_uuid);

/* Connects again now: after HOST_AUTH_FAILED (which never retries by itself),
 * or to cut a HOST_LOST backoff short. */
int core_request_reconnect(Core *core, size_t host, char **error);

/* Runs the pre-flight checks of migrating a domain from source_host to
 * dest_host with `options`, on core's own thread (never blocking the caller):
 * the results arrive as a PreflightReport in a later snapshot. A newer request
 * for the same domain and destination replaces one not yet started. Returns
 * the request's generation (> 0), or -1 with *error (malloc'd) when refused
 * outright (no such host or domain). */
int core_request_preflight(Core *core, size_t source_host, const char *domain_uuid,
                           size_t dest_host, const MigrateOptions *options, char **error);

/* Answers a CredentialRequest (answer NULL: cancel the connection attempt). */
int core_answer_credential(Core *core, unsigned request_id, const char *answer);

/* Finds a domain in a snapshot; NULL when absent. */
const DomainView *core_snapshot_find_domain(const CoreSnapshot *snapshot, size_t host,
                                            const char *uuid_or_name);
const MigrationView *core_snapshot_find_migration(const CoreSnapshot *snapshot, unsigned id);
/* The pre-flight report of a domain (by uuid) towards dest_host; NULL when none. */
const PreflightReport *core_snapshot_find_preflight(const CoreSnapshot *snapshot,
                                                    const char *domain_uuid, size_t dest_host);

const char *host_conn_state_name(HostConnState state);
const char *domain_run_state_name(DomainRunState state);
const char *migration_phase_name(MigrationPhase phase);

#endif
