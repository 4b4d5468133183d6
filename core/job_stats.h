/* Job statistics of one libvirt domain job, as plain numbers.
 *
 * Pure data: filled from virDomainGetJobStats typed parameters by
 * core/job_stats_collect.c, read by the convergence analysis and the front end.
 * A field is meaningful only when its bit is set in `present`, because libvirt
 * omits what the hypervisor does not report and 0 is a real value. */
#ifndef VIRTMIG_JOB_STATS_H
#define VIRTMIG_JOB_STATS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    JOB_TYPE_NONE = 0,      /* values mirror virDomainJobType */
    JOB_TYPE_BOUNDED,
    JOB_TYPE_UNBOUNDED,
    JOB_TYPE_COMPLETED,
    JOB_TYPE_FAILED,
    JOB_TYPE_CANCELLED,
} JobType;

/* One bit per optional field below. */
typedef enum {
    JS_TIME_ELAPSED       = 1ull << 0,
    JS_TIME_REMAINING     = 1ull << 1,
    JS_DATA_TOTAL         = 1ull << 2,
    JS_DATA_PROCESSED     = 1ull << 3,
    JS_DATA_REMAINING     = 1ull << 4,
    JS_MEM_TOTAL          = 1ull << 5,
    JS_MEM_PROCESSED      = 1ull << 6,
    JS_MEM_REMAINING      = 1ull << 7,
    JS_MEM_CONSTANT       = 1ull << 8,
    JS_MEM_NORMAL         = 1ull << 9,
    JS_MEM_NORMAL_BYTES   = 1ull << 10,
    JS_MEM_BPS            = 1ull << 11,
    JS_MEM_DIRTY_RATE     = 1ull << 12,
    JS_MEM_PAGE_SIZE      = 1ull << 13,
    JS_MEM_ITERATION      = 1ull << 14,
    JS_MEM_POSTCOPY_REQS  = 1ull << 15,
    JS_DISK_TOTAL         = 1ull << 16,
    JS_DISK_PROCESSED     = 1ull << 17,
    JS_DISK_REMAINING     = 1ull << 18,
    JS_DISK_BPS           = 1ull << 19,
    JS_DOWNTIME           = 1ull << 20,
    JS_DOWNTIME_NET       = 1ull << 21,
    JS_SETUP_TIME         = 1ull << 22,
    JS_COMPRESSION_CACHE  = 1ull << 23,
    JS_COMPRESSION_BYTES  = 1ull << 24,
    JS_COMPRESSION_PAGES  = 1ull << 25,
    JS_COMPRESSION_MISSES = 1ull << 26,
    JS_COMPRESSION_OVERFLOW = 1ull << 27,
    JS_AUTO_CONVERGE_THROTTLE = 1ull << 28,
    JS_OPERATION          = 1ull << 29,
    JS_TIME_ELAPSED_NET   = 1ull << 30,
    JS_DISK_TEMP_USED     = 1ull << 31,
    JS_DISK_TEMP_TOTAL    = 1ull << 32,
    JS_ERRMSG             = 1ull << 33,
} JobStatsField;

typedef struct {
    JobType type;
    int operation;                    /* virDomainJobOperation */
    uint64_t present;                 /* JobStatsField bits */
    uint64_t sampled_at_ms;           /* monotonic clock of the sample */

    uint64_t time_elapsed_ms, time_elapsed_net_ms, time_remaining_ms;
    uint64_t data_total, data_processed, data_remaining;              /* bytes */
    uint64_t mem_total, mem_processed, mem_remaining;                 /* bytes */
    uint64_t mem_constant, mem_normal, mem_normal_bytes;              /* pages, pages, bytes */
    uint64_t mem_bps;                 /* bytes/s transferred */
    uint64_t mem_dirty_rate;          /* pages/s */
    uint64_t mem_page_size;           /* bytes */
    uint64_t mem_iteration;
    uint64_t mem_postcopy_reqs;
    uint64_t disk_total, disk_processed, disk_remaining, disk_bps;
    uint64_t disk_temp_used, disk_temp_total;
    uint64_t downtime_ms, downtime_net_ms, setup_time_ms;
    uint64_t compression_cache, compression_bytes, compression_pages;
    uint64_t compression_cache_misses, compression_overflow;
    int auto_converge_throttle;       /* percent */
    char errmsg[256];
} JobStats;

static inline bool job_stats_has(const JobStats *stats, JobStatsField field)
{
    return (stats->present & (uint64_t)field) != 0;
}

#endif
