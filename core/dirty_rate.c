/* Dirty page rate measurement without a migration: see dirty_rate.h. */
#include "dirty_rate.h"

#include <stdio.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "libvirt_error.h"

const char *dirty_rate_mode_name(DirtyRateMode mode)
{
    switch (mode) {
    case DIRTY_RATE_PAGE_SAMPLING: return "page-sampling";
    case DIRTY_RATE_DIRTY_RING:    return "dirty-ring";
    case DIRTY_RATE_DIRTY_BITMAP:  return "dirty-bitmap";
    }
    return "?";
}

static void context_text(char *buffer, size_t size, virDomainPtr domain, const char *host_name,
                         const char *what)
{
    const char *name = virDomainGetName(domain);
    if (host_name)
        snprintf(buffer, size, "%s: %s %s", host_name, what, name ? name : "?");
    else
        snprintf(buffer, size, "%s %s", what, name ? name : "?");
}

bool dirty_rate_busy_message(const char *message)
{
    return message && strstr(message, "already being measured") != NULL;
}

int dirty_rate_start(virDomainPtr domain, const char *host_name, int seconds,
                     bool prefer_dirty_ring, DirtyRateMode *mode_used, char **error)
{
    if (!domain)
        return error_set(error, "measure dirty rate: no domain given (internal error)");
    char context[256];
    context_text(context, sizeof(context), domain, host_name, "measure dirty rate of");
    /* QEMU measures for 1..60 s (its MAX_CALC_TIME_MS); say so rather than let it refuse. */
    if (seconds < 1 || seconds > 60)
        return error_set(error, "%s: a measurement lasts 1 to 60 seconds, not %d", context,
                         seconds);
    /* The dirty ring is exact but exists only when the guest was started with
     * KVM's dirty ring enabled; QEMU refuses otherwise, and page sampling
     * works on every guest. */
    if (prefer_dirty_ring &&
        virDomainStartDirtyRateCalc(domain, seconds, VIR_DOMAIN_DIRTYRATE_MODE_DIRTY_RING) == 0) {
        if (mode_used)
            *mode_used = DIRTY_RATE_DIRTY_RING;
        return 0;
    }
    if (virDomainStartDirtyRateCalc(domain, seconds, VIR_DOMAIN_DIRTYRATE_MODE_PAGE_SAMPLING) < 0)
        return libvirt_error_set(error, "%s", context);
    if (mode_used)
        *mode_used = DIRTY_RATE_PAGE_SAMPLING;
    return 0;
}

static bool param_as_i64(const virTypedParameter *param, int64_t *value)
{
    switch (param->type) {
    case VIR_TYPED_PARAM_INT:    *value = param->value.i; return true;
    case VIR_TYPED_PARAM_UINT:   *value = param->value.ui; return true;
    case VIR_TYPED_PARAM_LLONG:  *value = param->value.l; return true;
    case VIR_TYPED_PARAM_ULLONG: *value = (int64_t)param->value.ul; return true;
    default: return false;
    }
}

void dirty_rate_from_record(const virDomainStatsRecord *record, DirtyRateReading *out)
{
    memset(out, 0, sizeof(*out));
    if (!record)
        return;
    for (int i = 0; i < record->nparams; i++) {
        const virTypedParameter *param = &record->params[i];
        int64_t value = 0;
        if (strcmp(param->field, "dirtyrate.calc_mode") == 0 &&
            param->type == VIR_TYPED_PARAM_STRING && param->value.s) {
            snprintf(out->mode, sizeof(out->mode), "%s", param->value.s);
            continue;
        }
        if (!param_as_i64(param, &value))
            continue;
        if (strcmp(param->field, "dirtyrate.calc_status") == 0) {
            out->status = (DirtyRateStatus)value;
        } else if (strcmp(param->field, "dirtyrate.megabytes_per_second") == 0) {
            out->megabytes_per_second = value;
            out->has_rate = true;
        } else if (strcmp(param->field, "dirtyrate.calc_start_time") == 0) {
            out->start_time = value;
        } else if (strcmp(param->field, "dirtyrate.calc_period") == 0) {
            out->calc_period = (int)value;
        }
    }
    /* The rate of a measurement still running is the previous one's (or 0). */
    if (out->status != DIRTY_RATE_MEASURED)
        out->has_rate = false;
}

int dirty_rate_read(virDomainPtr domain, const char *host_name, DirtyRateReading *out,
                    char **error)
{
    if (!domain)
        return error_set(error, "read dirty rate: no domain given (internal error)");
    memset(out, 0, sizeof(*out));
    char context[256];
    context_text(context, sizeof(context), domain, host_name, "read dirty rate of");
    virDomainPtr domains[2] = { domain, NULL };
    virDomainStatsRecordPtr *records = NULL;
    int count = virDomainListGetStats(domains, VIR_DOMAIN_STATS_DIRTYRATE, &records, 0);
    if (count < 0)
        return libvirt_error_set(error, "%s", context);
    if (count == 0) {
        virDomainStatsRecordListFree(records);
        return error_set(error, "%s: the host returned no statistics for it (is it running?)",
                         context);
    }
    dirty_rate_from_record(records[0], out);
    virDomainStatsRecordListFree(records);
    return 0;
}
