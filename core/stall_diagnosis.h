/* Why a migration stalls, with the numbers behind it.
 *
 * Pure: reads the job history (oldest first), the limits in force and the
 * convergence report of the same history, and names each cause that holds,
 * each with a remedy key (what to do, e.g. "raise-bandwidth") and the value
 * that remedy would set. The console shows them under the verdict; the
 * assistant's ladder is about what to do, this is about why. */
#ifndef VIRTMIG_STALL_DIAGNOSIS_H
#define VIRTMIG_STALL_DIAGNOSIS_H

#include <stddef.h>
#include <stdint.h>

#include "convergence.h"
#include "job_stats.h"

typedef enum {
    STALL_DIRTY_ABOVE_BANDWIDTH = 0,  /* the guest dirties as fast as the link sends, or faster */
    STALL_BANDWIDTH_CAP,              /* a cap is set and the transfer is pinned at it */
    STALL_COMPRESSION_MISSES,         /* most xbzrle lookups miss the cache */
    STALL_DOWNTIME_TOO_SMALL,         /* the expected downtime exceeds the allowed one */
    STALL_DISK_NOT_CONVERGING,        /* the disk mirror's remaining data does not fall */
    STALL_CAUSE_COUNT
} StallCause;

typedef struct {
    StallCause cause;
    const char *remedy_key;   /* "switch-to-postcopy", "raise-bandwidth", "raise-compression-cache",
                                 "raise-max-downtime", "suspend-guest" */
    uint64_t remedy_value;    /* MiB/s, bytes or ms as the key says; 0 when it takes none */
    char text[200];           /* "dirty 95.0 MiB/s >= link 50.0 MiB/s" */
} StallFinding;

typedef struct {
    StallFinding findings[STALL_CAUSE_COUNT];   /* most telling first */
    size_t count;
} StallDiagnosis;

/* Fills *out (empty when the migration is not running pre-copy, or nothing
 * holds). limits NULL: defaults; report NULL: analysed here. */
void stall_diagnose(const JobStats *samples, size_t count, const ConvergenceLimits *limits,
                    const ConvergenceReport *report, StallDiagnosis *out);

const char *stall_cause_name(StallCause cause);   /* "dirty rate above bandwidth" */

#endif
