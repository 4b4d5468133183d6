/* virDomainGetJobStats / JOB_COMPLETED typed parameters -> JobStats:
 * see job_stats_collect.h. */
#include "job_stats_collect.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libvirt/virterror.h>

#include "libvirt_error.h"

uint64_t job_stats_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

/* Every unsigned long long field libvirt 9.0 reports, with where it goes. */
typedef struct {
    const char *name;
    JobStatsField bit;
    size_t offset;       /* of a uint64_t inside JobStats */
} ULLongField;

#define FIELD(name, bit, member) { name, bit, offsetof(JobStats, member) }
static const ULLongField ullong_fields[] = {
    FIELD(VIR_DOMAIN_JOB_TIME_ELAPSED,        JS_TIME_ELAPSED,       time_elapsed_ms),
    FIELD(VIR_DOMAIN_JOB_TIME_ELAPSED_NET,    JS_TIME_ELAPSED_NET,   time_elapsed_net_ms),
    FIELD(VIR_DOMAIN_JOB_TIME_REMAINING,      JS_TIME_REMAINING,     time_remaining_ms),
    FIELD(VIR_DOMAIN_JOB_DOWNTIME,            JS_DOWNTIME,           downtime_ms),
    FIELD(VIR_DOMAIN_JOB_DOWNTIME_NET,        JS_DOWNTIME_NET,       downtime_net_ms),
    FIELD(VIR_DOMAIN_JOB_SETUP_TIME,          JS_SETUP_TIME,         setup_time_ms),
    FIELD(VIR_DOMAIN_JOB_DATA_TOTAL,          JS_DATA_TOTAL,         data_total),
    FIELD(VIR_DOMAIN_JOB_DATA_PROCESSED,      JS_DATA_PROCESSED,     data_processed),
    FIELD(VIR_DOMAIN_JOB_DATA_REMAINING,      JS_DATA_REMAINING,     data_remaining),
    FIELD(VIR_DOMAIN_JOB_MEMORY_TOTAL,        JS_MEM_TOTAL,          mem_total),
    FIELD(VIR_DOMAIN_JOB_MEMORY_PROCESSED,    JS_MEM_PROCESSED,      mem_processed),
    FIELD(VIR_DOMAIN_JOB_MEMORY_REMAINING,    JS_MEM_REMAINING,      mem_remaining),
    FIELD(VIR_DOMAIN_JOB_MEMORY_CONSTANT,     JS_MEM_CONSTANT,       mem_constant),
    FIELD(VIR_DOMAIN_JOB_MEMORY_NORMAL,       JS_MEM_NORMAL,         mem_normal),
    FIELD(VIR_DOMAIN_JOB_MEMORY_NORMAL_BYTES, JS_MEM_NORMAL_BYTES,   mem_normal_bytes),
    FIELD(VIR_DOMAIN_JOB_MEMORY_BPS,          JS_MEM_BPS,            mem_bps),
    FIELD(VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE,   JS_MEM_DIRTY_RATE,     mem_dirty_rate),
    FIELD(VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE,    JS_MEM_PAGE_SIZE,      mem_page_size),
    FIELD(VIR_DOMAIN_JOB_MEMORY_ITERATION,    JS_MEM_ITERATION,      mem_iteration),
    FIELD(VIR_DOMAIN_JOB_MEMORY_POSTCOPY_REQS, JS_MEM_POSTCOPY_REQS, mem_postcopy_reqs),
    FIELD(VIR_DOMAIN_JOB_DISK_TOTAL,          JS_DISK_TOTAL,         disk_total),
    FIELD(VIR_DOMAIN_JOB_DISK_PROCESSED,      JS_DISK_PROCESSED,     disk_processed),
    FIELD(VIR_DOMAIN_JOB_DISK_REMAINING,      JS_DISK_REMAINING,     disk_remaining),
    FIELD(VIR_DOMAIN_JOB_DISK_BPS,            JS_DISK_BPS,           disk_bps),
    FIELD(VIR_DOMAIN_JOB_DISK_TEMP_USED,      JS_DISK_TEMP_USED,     disk_temp_used),
    FIELD(VIR_DOMAIN_JOB_DISK_TEMP_TOTAL,     JS_DISK_TEMP_TOTAL,    disk_temp_total),
    FIELD(VIR_DOMAIN_JOB_COMPRESSION_CACHE,   JS_COMPRESSION_CACHE,  compression_cache),
    FIELD(VIR_DOMAIN_JOB_COMPRESSION_BYTES,   JS_COMPRESSION_BYTES,  compression_bytes),
    FIELD(VIR_DOMAIN_JOB_COMPRESSION_PAGES,   JS_COMPRESSION_PAGES,  compression_pages),
    FIELD(VIR_DOMAIN_JOB_COMPRESSION_CACHE_MISSES, JS_COMPRESSION_MISSES,
          compression_cache_misses),
    FIELD(VIR_DOMAIN_JOB_COMPRESSION_OVERFLOW, JS_COMPRESSION_OVERFLOW, compression_overflow),
};
#undef FIELD

/* libvirt documents each field's type, but reading any numeric type keeps us
 * correct if a hypervisor driver reports one differently. */
static bool param_as_u64(const virTypedParameter *param, uint64_t *value)
{
    switch (param->type) {
    case VIR_TYPED_PARAM_ULLONG: *value = param->value.ul; return true;
    case VIR_TYPED_PARAM_LLONG:  *value = param->value.l < 0 ? 0 : (uint64_t)param->value.l; return true;
    case VIR_TYPED_PARAM_UINT:   *value = param->value.ui; return true;
    case VIR_TYPED_PARAM_INT:    *value = param->value.i < 0 ? 0 : (uint64_t)param->value.i; return true;
    default: return false;
    }
}

static void take_param(const virTypedParameter *param, JobStats *out)
{
    uint64_t value = 0;
    for (size_t i = 0; i < sizeof(ullong_fields) / sizeof(ullong_fields[0]); i++) {
        if (strcmp(param->field, ullong_fields[i].name) != 0)
            continue;
        if (param_as_u64(param, &value)) {
            memcpy((char *)out + ullong_fields[i].offset, &value, sizeof(value));
            out->present |= ullong_fields[i].bit;
        }
        return;
    }
    if (strcmp(param->field, VIR_DOMAIN_JOB_OPERATION) == 0 && param_as_u64(param, &value)) {
        out->operation = (int)value;
        out->present |= JS_OPERATION;
    } else if (strcmp(param->field, VIR_DOMAIN_JOB_AUTO_CONVERGE_THROTTLE) == 0 &&
               param_as_u64(param, &value)) {
        out->auto_converge_throttle = (int)value;
        out->present |= JS_AUTO_CONVERGE_THROTTLE;
    } else if (strcmp(param->field, VIR_DOMAIN_JOB_ERRMSG) == 0 &&
               param->type == VIR_TYPED_PARAM_STRING && param->value.s) {
        snprintf(out->errmsg, sizeof(out->errmsg), "%s", param->value.s);
        out->present |= JS_ERRMSG;
    }
}

void job_stats_from_params(int type, virTypedParameterPtr params, int nparams, JobStats *out)
{
    memset(out, 0, sizeof(*out));
    out->type = (JobType)type;
    out->sampled_at_ms = job_stats_now_ms();
    for (int i = 0; params && i < nparams; i++)
        take_param(&params[i], out);
}

void job_stats_from_info(const virDomainJobInfo *info, JobStats *out)
{
    memset(out, 0, sizeof(*out));
    out->type = (JobType)info->type;
    out->sampled_at_ms = job_stats_now_ms();
    if (info->type == VIR_DOMAIN_JOB_NONE)
        return;
    out->time_elapsed_ms = info->timeElapsed;
    out->time_remaining_ms = info->timeRemaining;
    out->data_total = info->dataTotal;
    out->data_processed = info->dataProcessed;
    out->data_remaining = info->dataRemaining;
    out->mem_total = info->memTotal;
    out->mem_processed = info->memProcessed;
    out->mem_remaining = info->memRemaining;
    out->disk_total = info->fileTotal;
    out->disk_processed = info->fileProcessed;
    out->disk_remaining = info->fileRemaining;
    out->present = JS_TIME_ELAPSED | JS_DATA_TOTAL | JS_DATA_PROCESSED | JS_DATA_REMAINING |
                   JS_MEM_TOTAL | JS_MEM_PROCESSED | JS_MEM_REMAINING |
                   JS_DISK_TOTAL | JS_DISK_PROCESSED | JS_DISK_REMAINING;
    if (info->type == VIR_DOMAIN_JOB_BOUNDED)
        out->present |= JS_TIME_REMAINING;
}

int job_stats_collect(virDomainPtr domain, JobStatsWhich which, JobStats *out,
                      const char *context, char **error)
{
    unsigned int flags = 0;
    if (which == JOB_STATS_COMPLETED)
        flags = VIR_DOMAIN_JOB_STATS_COMPLETED;
    else if (which == JOB_STATS_COMPLETED_KEEP)
        flags = VIR_DOMAIN_JOB_STATS_COMPLETED | VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED;

    /* Any libvirt call resets the thread's last error, so the name for the
     * message is read before the call that may fail. */
    const char *name = context ? NULL : virDomainGetName(domain);
    int type = VIR_DOMAIN_JOB_NONE;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    if (virDomainGetJobStats(domain, &type, &params, &nparams, flags) == 0) {
        job_stats_from_params(type, params, nparams, out);
        virTypedParamsFree(params, nparams);
        return 0;
    }
    /* The old call knows only the current job; completed statistics have no
     * fallback, so their absence is reported as libvirt put it. */
    if (virGetLastErrorCode() == VIR_ERR_NO_SUPPORT && which == JOB_STATS_CURRENT) {
        virDomainJobInfo info;
        if (virDomainGetJobInfo(domain, &info) == 0) {
            job_stats_from_info(&info, out);
            return 0;
        }
    }
    memset(out, 0, sizeof(*out));
    return context ? libvirt_error_set(error, "%s", context)
                   : libvirt_error_set(error, "job statistics of %s", name ? name : "?");
}
