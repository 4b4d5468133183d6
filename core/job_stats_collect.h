/* Reads a libvirt domain job into a JobStats (core/job_stats.h).
 *
 * One parser for both sources of job statistics: virDomainGetJobStats typed
 * parameters and the typed parameters of the VIR_DOMAIN_EVENT_ID_JOB_COMPLETED
 * event. Hypervisors that cannot give statistics (VIR_ERR_NO_SUPPORT) fall back
 * to virDomainGetJobInfo, which has fewer fields. */
#ifndef VIRTMIG_JOB_STATS_COLLECT_H
#define VIRTMIG_JOB_STATS_COLLECT_H

#include <stdbool.h>
#include <libvirt/libvirt.h>

#include "job_stats.h"

typedef enum {
    JOB_STATS_CURRENT = 0,        /* the job running now (type NONE when none) */
    JOB_STATS_COMPLETED,          /* the last completed job; libvirt then drops it */
    JOB_STATS_COMPLETED_KEEP,     /* the last completed job, left for later readers */
} JobStatsWhich;

/* Fills *out (fully overwritten, sampled_at_ms set to the monotonic clock).
 * Returns 0, or -1 with *error = "<context>: <libvirt's message>". context may
 * be NULL. */
int job_stats_collect(virDomainPtr domain, JobStatsWhich which, JobStats *out,
                      const char *context, char **error);

/* Parses typed parameters (from virDomainGetJobStats or the JOB_COMPLETED event)
 * into *out. Unknown fields are ignored; type is the job type libvirt gave. */
void job_stats_from_params(int type, virTypedParameterPtr params, int nparams, JobStats *out);

/* The older, smaller virDomainJobInfo into *out. */
void job_stats_from_info(const virDomainJobInfo *info, JobStats *out);

/* Monotonic clock in milliseconds (the clock of JobStats.sampled_at_ms). */
uint64_t job_stats_now_ms(void);

#endif
