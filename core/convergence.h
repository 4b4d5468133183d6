/* Is a migration going to finish, and what would help if not?
 *
 * Pure: reads the job samples of one migration (oldest first) and the limits
 * it runs under, and returns a verdict. Used by core (to publish), the TUI (to
 * show and to offer remedies) and the escalation assistant.
 *
 * It judges by memory iterations and by the low-water mark of the remaining
 * data, not by raw time: within one iteration the remaining data is a
 * saw-tooth (it drops while a pass copies and jumps up when the next pass
 * starts with the pages dirtied meanwhile). A migration converges when each
 * pass ends lower than the last; it does not when the low-water mark stops
 * falling while the guest dirties memory faster than the link sends it.
 *
 * Known limit: QEMU measures the dirty rate at bitmap syncs, so during the
 * first pass nothing tells a hot guest from a quiet one; the verdict firms up
 * from the second sync on (see the model in tests/unit/test_convergence.c). */
#ifndef VIRTMIG_CONVERGENCE_H
#define VIRTMIG_CONVERGENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job_stats.h"

/* libvirt's (QEMU's) max downtime when none was set. */
#define CONVERGENCE_DEFAULT_MAX_DOWNTIME_MS 300u
/* Iterations without a new low-water mark before we say "stalled" (link keeps
 * up) or "not converging" (guest dirties faster than the link). */
#define CONVERGENCE_STALL_ITERATIONS 3u

typedef enum {
    CONV_STARTING = 0,      /* no data moved yet */
    CONV_CONVERGING,        /* low-water mark falls pass after pass */
    CONV_SLOW,              /* still falling, but the guest dirties about as fast as
                               the link sends, or each pass shrinks < 10%, or ETA > 15 min */
    CONV_STALLED,           /* low-water mark flat though the link keeps up */
    CONV_NOT_CONVERGING,    /* low-water mark flat and dirty rate >= 90% of transfer rate */
    CONV_POSTCOPY,          /* running on the destination, pages pulled on demand */
    CONV_SWITCHING_OVER,    /* the rest fits in the allowed downtime: about to stop */
    CONV_DONE,
    CONV_FAILED,
    CONV_CANCELLED,
    CONV_STATE_COUNT
} ConvergenceState;

typedef enum {
    REMEDY_RAISE_MAX_DOWNTIME = 0,  /* value: a downtime in ms that would fit */
    REMEDY_RAISE_BANDWIDTH,         /* value: a bandwidth in MiB/s (0: remove the cap) */
    REMEDY_SWITCH_TO_POSTCOPY,      /* only when post-copy was enabled at launch */
    REMEDY_AUTO_CONVERGE,           /* auto-converge/compression: next launch only */
    REMEDY_SUSPEND_GUEST,           /* pause the guest: it stops dirtying, finishes offline-like */
    REMEDY_ABORT,
    REMEDY_KIND_COUNT
} RemedyKind;

typedef struct {
    RemedyKind kind;
    uint64_t value;            /* see RemedyKind; 0 when it takes none */
    char text[128];            /* e.g. "raise max downtime to 1200 ms" */
} Remedy;

typedef struct {
    uint64_t max_downtime_ms;           /* allowed now; 0: libvirt's default (300 ms) */
    uint64_t bandwidth_cap_bytes_per_s; /* 0: no cap */
    bool postcopy_enabled;              /* VIR_MIGRATE_POSTCOPY was given at launch */
    bool postcopy_active;               /* the switch to post-copy happened */
    bool auto_converge_enabled;         /* already on: do not suggest it */
    bool compression_enabled;
} ConvergenceLimits;

#define CONVERGENCE_MAX_REMEDIES REMEDY_KIND_COUNT

typedef struct {
    ConvergenceState state;
    uint64_t iteration;                 /* current memory pass (0: unknown) */

    bool eta_known;
    uint64_t eta_ms;

    bool predicted_downtime_known;
    uint64_t predicted_downtime_ms;     /* libvirt's expected downtime, else remaining / rate */
    bool predicted_downtime_from_libvirt;
    uint64_t allowed_downtime_ms;       /* max downtime in force (default applied) */

    bool dirty_rate_known, transfer_rate_known;
    double dirty_bytes_per_s;           /* guest's dirty rate */
    double transfer_bytes_per_s;        /* what the link moves */

    uint64_t remaining_bytes;           /* in the newest sample */
    bool low_water_known;
    uint64_t low_water_bytes;           /* smallest remaining seen */
    /* Iteration of the last real progress: the remaining data fell to a new
     * low, or a pass started lower than every pass before, by more than
     * sampling noise (1/16, at least 1 MiB). */
    uint64_t low_water_iteration;
    uint64_t iterations_since_low_water;

    char verdict[160];                  /* one line, e.g. "not converging: dirty ..." */
    Remedy remedies[CONVERGENCE_MAX_REMEDIES];   /* best first */
    size_t remedy_count;
} ConvergenceReport;

/* Analyses samples[0..count) (oldest first, one migration). count 0 or NULL
 * samples give CONV_STARTING. limits NULL means defaults (no cap, no post-copy). */
void convergence_analyze(const JobStats *samples, size_t count,
                         const ConvergenceLimits *limits, ConvergenceReport *report);

const char *convergence_state_name(ConvergenceState state);   /* "not converging" */
const char *remedy_kind_name(RemedyKind kind);                /* "switch to post-copy" */

#endif
