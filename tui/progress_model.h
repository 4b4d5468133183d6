/* What a progress bar shows for one part of a migration (memory, disk, all
 * data), computed from the migration's job samples.
 *
 * The rule the operator relies on: a bar never runs backwards. libvirt's
 * remaining memory jumps up whenever a new pass starts (the pages dirtied
 * during the last pass must be sent again), so the memory bar measures the
 * current pass and says which pass it is, and the overall bar only ever keeps
 * its best value. Pure: no curses, unit-tested. */
#ifndef VIRTMIG_TUI_PROGRESS_MODEL_H
#define VIRTMIG_TUI_PROGRESS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job_stats.h"

typedef enum { PROGRESS_MEMORY = 0, PROGRESS_DISK, PROGRESS_DATA } ProgressKind;

typedef struct {
    bool known;                   /* libvirt reported enough to draw this bar */
    double fraction;              /* 0..1 */
    uint64_t processed, total, remaining;   /* bytes, as libvirt reports them */
    double rate_bytes_per_s;      /* 0 when unknown */
    bool eta_known;
    uint64_t eta_ms;
    uint64_t iteration;           /* memory: the pass (1 = first copy); 0 unknown */
    bool later_pass;              /* memory: fraction is progress within this pass */
    uint64_t pass_start_remaining;   /* memory, later pass: what the pass began with */
    bool holding_best;            /* fraction is the best seen, above what the
                                     newest sample alone would give */
} ProgressValue;

/* history: one migration's samples, oldest first (MigrationView.history). */
void progress_compute(const JobStats *history, size_t count, ProgressKind kind,
                      ProgressValue *out);

#endif
