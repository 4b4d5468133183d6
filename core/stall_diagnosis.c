/* Stall diagnosis: see stall_diagnosis.h. The thresholds follow
 * convergence.c's: a dirty rate at 90% of the link's already loses (QEMU
 * counts a page once per sync), and a transfer at 90% of a cap is pinned. */
#include "stall_diagnosis.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

#define KEEPS_UP 0.9
#define PINNED_AT_CAP 0.9
/* More than this share of xbzrle lookups missing means the cache is too small
 * for the dirty set: pages go uncompressed anyway, and compressing costs CPU. */
#define MISS_SHARE 0.5
#define MISS_MIN_PAGES 256u
/* The disk mirror is judged over this much time: its remaining data must have
 * reached a new low within it. */
#define DISK_WINDOW_MS 10000u

static bool is_active(const JobStats *sample)
{
    return sample->type == JOB_TYPE_BOUNDED || sample->type == JOB_TYPE_UNBOUNDED;
}

static StallFinding *add(StallDiagnosis *out, StallCause cause, const char *key, uint64_t value)
{
    StallFinding *finding = &out->findings[out->count++];
    finding->cause = cause;
    finding->remedy_key = key;
    finding->remedy_value = value;
    return finding;
}

static void diagnose_compression(const JobStats *samples, size_t count, StallDiagnosis *out)
{
    const JobStats *last = &samples[count - 1];
    if (!job_stats_has(last, JS_COMPRESSION_MISSES) || !job_stats_has(last, JS_COMPRESSION_PAGES))
        return;
    /* Over the history kept: misses against pages that went through xbzrle. */
    const JobStats *first = NULL;
    for (size_t i = 0; i < count && !first; i++)
        if (is_active(&samples[i]) && job_stats_has(&samples[i], JS_COMPRESSION_MISSES) &&
            job_stats_has(&samples[i], JS_COMPRESSION_PAGES) && &samples[i] != last)
            first = &samples[i];
    uint64_t misses = last->compression_cache_misses;
    uint64_t pages = last->compression_pages;
    if (first && first->compression_cache_misses <= misses && first->compression_pages <= pages) {
        misses -= first->compression_cache_misses;
        pages -= first->compression_pages;
    }
    uint64_t looked_up = misses + pages;
    if (looked_up < MISS_MIN_PAGES || (double)misses < MISS_SHARE * (double)looked_up)
        return;
    uint64_t cache = job_stats_has(last, JS_COMPRESSION_CACHE) ? last->compression_cache : 0;
    char size[UNITS_BUF];
    StallFinding *finding = add(out, STALL_COMPRESSION_MISSES, "raise-compression-cache",
                                cache ? cache * 4 : 256ull * UNITS_MIB);
    snprintf(finding->text, sizeof(finding->text),
             "compression cache misses: %.0f%% of %" PRIu64 " xbzrle pages missed the %s cache",
             100.0 * (double)misses / (double)looked_up, looked_up,
             cache ? units_format_bytes(size, sizeof(size), cache) : "(unknown size)");
}

static void diagnose_disk(const JobStats *samples, size_t count, StallDiagnosis *out)
{
    const JobStats *last = &samples[count - 1];
    if (!job_stats_has(last, JS_DISK_REMAINING) || last->disk_remaining == 0 ||
        last->sampled_at_ms < DISK_WINDOW_MS)
        return;
    uint64_t window_start = last->sampled_at_ms - DISK_WINDOW_MS;
    bool have_old = false, have_recent = false;
    uint64_t old_low = UINT64_MAX, recent_low = UINT64_MAX;
    for (size_t i = 0; i < count; i++) {
        const JobStats *s = &samples[i];
        if (!is_active(s) || !job_stats_has(s, JS_DISK_REMAINING))
            continue;
        if (s->sampled_at_ms < window_start) {
            have_old = true;
            if (s->disk_remaining < old_low)
                old_low = s->disk_remaining;
        } else {
            have_recent = true;
            if (s->disk_remaining < recent_low)
                recent_low = s->disk_remaining;
        }
    }
    if (!have_old || !have_recent || recent_low < old_low)
        return;
    char left[UNITS_BUF], rate[UNITS_BUF];
    StallFinding *finding = add(out, STALL_DISK_NOT_CONVERGING, "suspend-guest", 0);
    snprintf(finding->text, sizeof(finding->text),
             "disk mirror not converging: %s left, no new low in %u s%s%s",
             units_format_bytes(left, sizeof(left), last->disk_remaining), DISK_WINDOW_MS / 1000,
             job_stats_has(last, JS_DISK_BPS) ? " at " : "",
             job_stats_has(last, JS_DISK_BPS)
                 ? units_format_rate(rate, sizeof(rate), (double)last->disk_bps) : "");
}

void stall_diagnose(const JobStats *samples, size_t count, const ConvergenceLimits *limits,
                    const ConvergenceReport *report, StallDiagnosis *out)
{
    static const ConvergenceLimits no_limits = { 0 };
    if (!out)
        return;
    memset(out, 0, sizeof(*out));
    if (!samples || count == 0 || !is_active(&samples[count - 1]))
        return;
    if (!limits)
        limits = &no_limits;
    ConvergenceReport own;
    if (!report) {
        convergence_analyze(samples, count, limits, &own);
        report = &own;
    }
    if (report->state == CONV_POSTCOPY || report->state == CONV_STARTING)
        return;

    char a[UNITS_BUF], b[UNITS_BUF];
    bool link = report->transfer_rate_known && report->transfer_bytes_per_s > 0;
    if (link && report->dirty_rate_known &&
        report->dirty_bytes_per_s >= KEEPS_UP * report->transfer_bytes_per_s) {
        StallFinding *finding = add(out, STALL_DIRTY_ABOVE_BANDWIDTH,
                                    limits->postcopy_enabled ? "switch-to-postcopy"
                                                             : "suspend-guest", 0);
        snprintf(finding->text, sizeof(finding->text), "dirty rate above bandwidth: dirty %s %s "
                 "link %s", units_format_rate(a, sizeof(a), report->dirty_bytes_per_s),
                 report->dirty_bytes_per_s > report->transfer_bytes_per_s ? ">" : "~",
                 units_format_rate(b, sizeof(b), report->transfer_bytes_per_s));
    }
    double cap = (double)limits->bandwidth_cap_bytes_per_s;
    if (cap > 0 && link && report->transfer_bytes_per_s >= PINNED_AT_CAP * cap) {
        double wanted = 2.0 * cap;
        if (report->dirty_rate_known && 1.5 * report->dirty_bytes_per_s > wanted)
            wanted = 1.5 * report->dirty_bytes_per_s;
        StallFinding *finding = add(out, STALL_BANDWIDTH_CAP, "raise-bandwidth",
                                    (uint64_t)ceil(wanted / (double)UNITS_MIB));
        snprintf(finding->text, sizeof(finding->text), "bandwidth cap lower than the link: "
                 "transfer %s pinned at the %s cap",
                 units_format_rate(a, sizeof(a), report->transfer_bytes_per_s),
                 units_format_rate(b, sizeof(b), cap));
    }
    diagnose_compression(samples, count, out);
    if (report->predicted_downtime_known &&
        report->predicted_downtime_ms > report->allowed_downtime_ms &&
        report->state != CONV_CONVERGING && report->state != CONV_SWITCHING_OVER) {
        uint64_t wanted = (report->predicted_downtime_ms * 5 / 4 + 49) / 50 * 50;
        StallFinding *finding = add(out, STALL_DOWNTIME_TOO_SMALL, "raise-max-downtime", wanted);
        snprintf(finding->text, sizeof(finding->text),
                 "downtime budget too small: expected %s%s, allowed %s",
                 units_format_duration_ms(a, sizeof(a), report->predicted_downtime_ms),
                 report->predicted_downtime_from_libvirt ? " (libvirt)" : "",
                 units_format_duration_ms(b, sizeof(b), report->allowed_downtime_ms));
    }
    diagnose_disk(samples, count, out);
}

const char *stall_cause_name(StallCause cause)
{
    static const char *const names[STALL_CAUSE_COUNT] = {
        [STALL_DIRTY_ABOVE_BANDWIDTH] = "dirty rate above bandwidth",
        [STALL_BANDWIDTH_CAP] = "bandwidth cap lower than the link",
        [STALL_COMPRESSION_MISSES] = "compression cache misses",
        [STALL_DOWNTIME_TOO_SMALL] = "downtime budget too small",
        [STALL_DISK_NOT_CONVERGING] = "disk mirror not converging",
    };
    return (unsigned)cause < STALL_CAUSE_COUNT ? names[cause] : "unknown";
}
