/* Convergence analysis of one migration: see convergence.h.
 *
 * How QEMU pre-copy ends, which is what the judgement rests on: each pass
 * sends the pages that were dirty when the pass began (the dirty bitmap is
 * synced at the start of a pass, and that sync is what libvirt counts as an
 * iteration). Within a pass the remaining data falls; at the next sync it
 * jumps to what the guest dirtied meanwhile. QEMU stops the guest and sends
 * the rest once that rest fits in max downtime at the current bandwidth.
 * So progress shows as either a new low of the remaining data or a pass that
 * starts lower than every pass before it; a guest dirtying memory faster than
 * the link sends it starts every pass as high as the last one. Falls smaller
 * than PROGRESS_FRACTION (or PROGRESS_FLOOR_BYTES) are sampling noise. */
#include "convergence.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

#define DEFAULT_PAGE_SIZE 4096u
#define PROGRESS_FLOOR_BYTES (1024u * 1024u)
#define PROGRESS_FRACTION 16u            /* 1/16: a 6% fall counts as progress */
/* A pass that starts above this fraction of the last one converges slowly. */
#define SLOW_PASS_RATIO 0.9
/* An ETA above this is "slow" even when each pass is smaller. */
#define SLOW_ETA_MS (15ull * 60ull * 1000ull)
/* Passes whose starting size we take as "the dirty set" for a suggestion. */
#define RECENT_PEAKS 4
/* A dirty rate at this fraction of the link's rate or more keeps up with it. */
#define DIRTY_KEEPS_UP 0.9
/* Headroom on a suggested max downtime or bandwidth. */
#define SUGGESTION_HEADROOM 1.25

/* ---- reading one sample -------------------------------------------- */

static bool sample_remaining(const JobStats *sample, uint64_t *out)
{
    if (job_stats_has(sample, JS_MEM_REMAINING)) {
        *out = sample->mem_remaining;
        return true;
    }
    if (job_stats_has(sample, JS_DATA_REMAINING)) {
        *out = sample->data_remaining;
        return true;
    }
    return false;
}

static uint64_t sample_iteration(const JobStats *sample)
{
    return job_stats_has(sample, JS_MEM_ITERATION) ? sample->mem_iteration : 0;
}

static bool sample_moved_data(const JobStats *sample)
{
    return (job_stats_has(sample, JS_MEM_PROCESSED) && sample->mem_processed > 0) ||
           (job_stats_has(sample, JS_DATA_PROCESSED) && sample->data_processed > 0);
}

static bool is_active(const JobStats *sample)
{
    return sample->type == JOB_TYPE_BOUNDED || sample->type == JOB_TYPE_UNBOUNDED;
}

/* ---- progress across passes ---------------------------------------- */

typedef struct {
    bool started;
    uint64_t iteration;              /* of the newest sample */
    uint64_t low_water;              /* exact minimum of remaining */
    uint64_t low_mark;               /* remaining at the last significant fall */
    uint64_t peak_mark;              /* pass start at the last significant fall */
    uint64_t last_progress_iteration;
    uint64_t peaks[RECENT_PEAKS];    /* starts of the newest passes, newest last */
    size_t peak_count;
    uint64_t previous_pass_start;    /* for the pass-to-pass ratio */
    bool ratio_known;
    double pass_ratio;               /* this pass's start / the previous pass's start */
} Progress;

static bool fell_significantly(uint64_t mark, uint64_t value)
{
    if (value >= mark)
        return false;
    uint64_t needed = mark / PROGRESS_FRACTION;
    if (needed < PROGRESS_FLOOR_BYTES)
        needed = PROGRESS_FLOOR_BYTES;
    return mark - value >= needed;
}

static void progress_note_pass_start(Progress *progress, uint64_t iteration, uint64_t remaining)
{
    /* Pass 1 starts with all of memory; the ratio means something from the
     * second dirty-set pass on (iteration 3 against iteration 2). */
    if (iteration >= 3 && progress->previous_pass_start > 0) {
        progress->pass_ratio = (double)remaining / (double)progress->previous_pass_start;
        progress->ratio_known = true;
    }
    if (iteration < 2)
        return;   /* pass 1 holds all of memory, not a dirty set */
    progress->previous_pass_start = remaining;
    if (progress->peak_count == RECENT_PEAKS) {
        memmove(progress->peaks, progress->peaks + 1, (RECENT_PEAKS - 1) * sizeof(uint64_t));
        progress->peak_count--;
    }
    progress->peaks[progress->peak_count++] = remaining;
    if (fell_significantly(progress->peak_mark, remaining)) {
        progress->peak_mark = remaining;
        progress->last_progress_iteration = iteration;
    }
}

/* libvirt's first sample of a job is taken before anything is copied and
 * reports 0 bytes remaining: it says nothing about progress, and taking it as
 * a low-water mark would make every later pass look like a stall. */
static bool is_setup_sample(const JobStats *sample)
{
    bool processed_known = job_stats_has(sample, JS_MEM_PROCESSED) ||
                           job_stats_has(sample, JS_DATA_PROCESSED);
    return processed_known && sample->mem_processed == 0 && sample->data_processed == 0;
}

static void progress_add(Progress *progress, const JobStats *sample)
{
    uint64_t remaining;
    if (is_setup_sample(sample) || !sample_remaining(sample, &remaining))
        return;
    uint64_t iteration = sample_iteration(sample);
    if (!progress->started) {
        progress->started = true;
        progress->iteration = iteration;
        progress->low_water = progress->low_mark = progress->peak_mark = remaining;
        progress->last_progress_iteration = iteration;
        progress_note_pass_start(progress, iteration, remaining);
        return;
    }
    if (iteration > progress->iteration) {
        progress->iteration = iteration;
        progress_note_pass_start(progress, iteration, remaining);
    } else if (iteration >= 2 && progress->peak_count > 0 &&
               remaining > progress->peaks[progress->peak_count - 1]) {
        /* Sampled later in the same pass yet higher: keep the pass's true start. */
        progress->peaks[progress->peak_count - 1] = remaining;
    }
    if (remaining < progress->low_water)
        progress->low_water = remaining;
    if (fell_significantly(progress->low_mark, remaining)) {
        progress->low_mark = remaining;
        progress->last_progress_iteration = iteration;
    }
}

static uint64_t progress_recent_peak(const Progress *progress)
{
    uint64_t largest = 0;
    for (size_t i = 0; i < progress->peak_count; i++)
        if (progress->peaks[i] > largest)
            largest = progress->peaks[i];
    return largest;
}

/* ---- rates ---------------------------------------------------------- */

/* The link's rate: libvirt's memory_bps, else the processed bytes over the
 * time between the two newest samples that moved data. */
static bool transfer_rate(const JobStats *samples, size_t count, double *out)
{
    const JobStats *last = &samples[count - 1];
    if (job_stats_has(last, JS_MEM_BPS) && last->mem_bps > 0) {
        *out = (double)last->mem_bps;
        return true;
    }
    if (count < 2 || !job_stats_has(last, JS_MEM_PROCESSED))
        return false;
    for (size_t i = count - 1; i > 0; i--) {
        const JobStats *earlier = &samples[i - 1];
        if (!job_stats_has(earlier, JS_MEM_PROCESSED) ||
            earlier->sampled_at_ms >= last->sampled_at_ms)
            continue;
        if (earlier->mem_processed > last->mem_processed)
            return false;
        *out = (double)(last->mem_processed - earlier->mem_processed) * 1000.0 /
               (double)(last->sampled_at_ms - earlier->sampled_at_ms);
        return true;
    }
    return false;
}

static bool dirty_rate(const JobStats *sample, double *out)
{
    if (!job_stats_has(sample, JS_MEM_DIRTY_RATE))
        return false;
    uint64_t page_size = job_stats_has(sample, JS_MEM_PAGE_SIZE) && sample->mem_page_size > 0
                             ? sample->mem_page_size : DEFAULT_PAGE_SIZE;
    *out = units_pages_to_bytes_per_second(sample->mem_dirty_rate, page_size);
    return true;
}

static uint64_t ms_to_send(uint64_t bytes, double bytes_per_s)
{
    double ms = (double)bytes * 1000.0 / bytes_per_s;
    return ms >= 1.8e19 ? UINT64_MAX : (uint64_t)ceil(ms);
}

/* ---- remedies ------------------------------------------------------- */

static void add_remedy(ConvergenceReport *report, RemedyKind kind, uint64_t value,
                       const char *text)
{
    if (report->remedy_count >= CONVERGENCE_MAX_REMEDIES)
        return;
    Remedy *remedy = &report->remedies[report->remedy_count++];
    remedy->kind = kind;
    remedy->value = value;
    snprintf(remedy->text, sizeof(remedy->text), "%s", text);
}

/* A max downtime (ms) that would let the dirty set go in one stop, rounded up
 * to 50 ms; 0 when we cannot tell. */
static uint64_t suggested_downtime(const ConvergenceReport *report, const Progress *progress)
{
    uint64_t needed = 0;
    if (report->transfer_rate_known && report->transfer_bytes_per_s > 0)
        needed = ms_to_send(progress_recent_peak(progress), report->transfer_bytes_per_s);
    if (report->predicted_downtime_from_libvirt && report->predicted_downtime_ms > needed)
        needed = report->predicted_downtime_ms;
    if (needed == 0 || needed > UINT64_MAX / 2)
        return 0;
    uint64_t with_headroom = (uint64_t)ceil((double)needed * SUGGESTION_HEADROOM);
    uint64_t rounded = (with_headroom + 49) / 50 * 50;
    return rounded > report->allowed_downtime_ms ? rounded : 0;
}

static void suggest_remedies(ConvergenceReport *report, const Progress *progress,
                             const ConvergenceLimits *limits)
{
    char text[128];
    uint64_t downtime = suggested_downtime(report, progress);
    /* A downtime within twice the allowed one is a cheap fix: the guest pauses
     * a little longer, nothing else changes. A bigger one costs more than
     * post-copy, which keeps the guest running on the destination. */
    bool cheap_downtime = downtime > 0 && downtime <= 2 * report->allowed_downtime_ms;
    bool postcopy_first = !cheap_downtime;

    if (downtime > 0 && !postcopy_first) {
        snprintf(text, sizeof(text), "raise max downtime to %llu ms", (unsigned long long)downtime);
        add_remedy(report, REMEDY_RAISE_MAX_DOWNTIME, downtime, text);
    }
    if (limits->postcopy_enabled)
        add_remedy(report, REMEDY_SWITCH_TO_POSTCOPY, 0,
                   "switch to post-copy: the guest runs on the destination now");
    if (downtime > 0 && postcopy_first) {
        snprintf(text, sizeof(text), "raise max downtime to %llu ms", (unsigned long long)downtime);
        add_remedy(report, REMEDY_RAISE_MAX_DOWNTIME, downtime, text);
    }
    /* Raising the cap helps only when the cap is what limits the link. */
    if (limits->bandwidth_cap_bytes_per_s > 0 && report->transfer_rate_known &&
        report->transfer_bytes_per_s >= 0.8 * (double)limits->bandwidth_cap_bytes_per_s) {
        double wanted = 2.0 * (double)limits->bandwidth_cap_bytes_per_s;
        if (report->dirty_rate_known && report->dirty_bytes_per_s * 1.5 > wanted)
            wanted = report->dirty_bytes_per_s * 1.5;
        uint64_t mibs = (uint64_t)ceil(wanted / (double)UNITS_MIB);
        snprintf(text, sizeof(text), "raise bandwidth to %llu MiB/s (or remove the cap)",
                 (unsigned long long)mibs);
        add_remedy(report, REMEDY_RAISE_BANDWIDTH, mibs, text);
    }
    add_remedy(report, REMEDY_SUSPEND_GUEST, 0,
               "suspend the guest: it stops dirtying memory (resume it on the destination)");
    if (!limits->auto_converge_enabled || !limits->compression_enabled)
        add_remedy(report, REMEDY_AUTO_CONVERGE, 0,
                   "next launch: enable auto-converge or compression (not possible now)");
    add_remedy(report, REMEDY_ABORT, 0, "abort: the guest keeps running on the source");
}

/* ---- verdicts ------------------------------------------------------- */

static void finish_report(ConvergenceReport *report, const JobStats *last)
{
    char a[UNITS_BUF], b[UNITS_BUF];
    switch (report->state) {
    case CONV_DONE:
        if (job_stats_has(last, JS_DOWNTIME) && job_stats_has(last, JS_TIME_ELAPSED))
            snprintf(report->verdict, sizeof(report->verdict), "done: downtime %s, took %s",
                     units_format_duration_ms(a, sizeof(a), last->downtime_ms),
                     units_format_duration_ms(b, sizeof(b), last->time_elapsed_ms));
        else
            snprintf(report->verdict, sizeof(report->verdict), "done");
        break;
    case CONV_FAILED:
        if (job_stats_has(last, JS_ERRMSG) && last->errmsg[0])
            snprintf(report->verdict, sizeof(report->verdict), "failed: %.140s", last->errmsg);
        else
            snprintf(report->verdict, sizeof(report->verdict), "failed");
        break;
    case CONV_CANCELLED:
        snprintf(report->verdict, sizeof(report->verdict), "cancelled");
        break;
    default:
        break;
    }
}

static void write_verdict(ConvergenceReport *report)
{
    char left[UNITS_BUF], rate[UNITS_BUF], dirty[UNITS_BUF], eta[UNITS_BUF], down[UNITS_BUF];
    units_format_bytes(left, sizeof(left), report->remaining_bytes);
    if (report->transfer_rate_known)
        units_format_rate(rate, sizeof(rate), report->transfer_bytes_per_s);
    else
        snprintf(rate, sizeof(rate), "?");
    if (report->dirty_rate_known)
        units_format_rate(dirty, sizeof(dirty), report->dirty_bytes_per_s);
    else
        snprintf(dirty, sizeof(dirty), "?");
    if (report->eta_known)
        units_format_duration_ms(eta, sizeof(eta), report->eta_ms);
    else
        snprintf(eta, sizeof(eta), "unknown");
    units_format_duration_ms(down, sizeof(down), report->allowed_downtime_ms);
    unsigned long long iteration = report->iteration;
    char *out = report->verdict;
    size_t size = sizeof(report->verdict);

    switch (report->state) {
    case CONV_STARTING:
        snprintf(out, size, "starting: no data sent yet");
        break;
    case CONV_CONVERGING:
        snprintf(out, size, "converging: %s left at %s; iteration %llu, ETA %s",
                 left, rate, iteration, eta);
        break;
    case CONV_SLOW:
        snprintf(out, size, "slow: dirty %s against link %s; iteration %llu, ETA %s",
                 dirty, rate, iteration, eta);
        break;
    case CONV_STALLED:
        snprintf(out, size, "stalled: no new low for %llu iterations, dirty set over %s "
                 "downtime; iteration %llu", (unsigned long long)report->iterations_since_low_water,
                 down, iteration);
        break;
    case CONV_NOT_CONVERGING:
        if (report->dirty_bytes_per_s > report->transfer_bytes_per_s)
            snprintf(out, size, "not converging: dirty %s > link %s; iteration %llu",
                     dirty, rate, iteration);
        else
            snprintf(out, size, "not converging: dirty %s keeps up with link %s; "
                     "iteration %llu", dirty, rate, iteration);
        break;
    case CONV_POSTCOPY:
        snprintf(out, size, "post-copy: %s left at %s, ETA %s", left, rate, eta);
        break;
    case CONV_SWITCHING_OVER:
        snprintf(out, size, "switching over: %s left fits in %s downtime", left, down);
        break;
    default:
        break;
    }
}

/* ---- the analysis --------------------------------------------------- */

void convergence_analyze(const JobStats *samples, size_t count,
                         const ConvergenceLimits *limits, ConvergenceReport *report)
{
    static const ConvergenceLimits no_limits = { 0 };
    if (!report)
        return;
    memset(report, 0, sizeof(*report));
    if (!limits)
        limits = &no_limits;
    report->allowed_downtime_ms = limits->max_downtime_ms ? limits->max_downtime_ms
                                                          : CONVERGENCE_DEFAULT_MAX_DOWNTIME_MS;
    report->state = CONV_STARTING;
    if (!samples || count == 0) {
        write_verdict(report);
        return;
    }

    const JobStats *newest = &samples[count - 1];
    switch (newest->type) {
    case JOB_TYPE_COMPLETED: report->state = CONV_DONE; break;
    case JOB_TYPE_FAILED: report->state = CONV_FAILED; break;
    case JOB_TYPE_CANCELLED: report->state = CONV_CANCELLED; break;
    default: break;
    }
    if (report->state != CONV_STARTING) {
        uint64_t remaining;
        if (sample_remaining(newest, &remaining))
            report->remaining_bytes = remaining;
        report->iteration = sample_iteration(newest);
        finish_report(report, newest);
        return;
    }

    /* The analysis reads the active samples; a trailing NONE (the job just
     * vanished) is skipped so the last known state stands. */
    size_t active_count = count;
    while (active_count > 0 && !is_active(&samples[active_count - 1]))
        active_count--;
    bool moved = false;
    for (size_t i = 0; i < active_count; i++)
        moved = moved || (is_active(&samples[i]) && sample_moved_data(&samples[i]));
    if (active_count == 0 || !moved) {
        write_verdict(report);
        return;
    }
    const JobStats *last = &samples[active_count - 1];

    Progress progress = { 0 };
    for (size_t i = 0; i < active_count; i++)
        if (is_active(&samples[i]))
            progress_add(&progress, &samples[i]);

    report->iteration = sample_iteration(last);
    sample_remaining(last, &report->remaining_bytes);
    report->low_water_known = progress.started;
    report->low_water_bytes = progress.low_water;
    report->low_water_iteration = progress.last_progress_iteration;
    report->iterations_since_low_water = progress.iteration - progress.last_progress_iteration;
    report->transfer_rate_known = transfer_rate(samples, active_count,
                                                &report->transfer_bytes_per_s);
    if (!report->transfer_rate_known && limits->bandwidth_cap_bytes_per_s > 0) {
        report->transfer_bytes_per_s = (double)limits->bandwidth_cap_bytes_per_s;
        report->transfer_rate_known = true;
    }
    /* QEMU measures the dirty rate at bitmap syncs, so during the first pass
     * it reports 0: that means "not measured yet", not "idle guest". */
    report->dirty_rate_known = dirty_rate(last, &report->dirty_bytes_per_s) &&
                               !(report->dirty_bytes_per_s == 0.0 && report->iteration <= 1);
    bool link_ok = report->transfer_rate_known && report->transfer_bytes_per_s > 0;

    if (job_stats_has(last, JS_DOWNTIME)) {
        report->predicted_downtime_known = true;
        report->predicted_downtime_from_libvirt = true;
        report->predicted_downtime_ms = last->downtime_ms;
    } else if (link_ok) {
        report->predicted_downtime_known = true;
        report->predicted_downtime_ms = ms_to_send(report->remaining_bytes,
                                                   report->transfer_bytes_per_s);
    }

    if (limits->postcopy_active) {
        report->state = CONV_POSTCOPY;
        if (link_ok) {
            report->eta_known = true;
            report->eta_ms = ms_to_send(report->remaining_bytes, report->transfer_bytes_per_s);
        }
        write_verdict(report);
        return;
    }

    /* ETA: libvirt's when it has one; else the remaining data over the net
     * rate (what the link sends minus what the guest dirties again). */
    if (job_stats_has(last, JS_TIME_REMAINING)) {
        report->eta_known = true;
        report->eta_ms = last->time_remaining_ms;
    } else if (link_ok) {
        double net = report->transfer_bytes_per_s -
                     (report->dirty_rate_known ? report->dirty_bytes_per_s : 0.0);
        if (net > 0) {
            report->eta_known = true;
            report->eta_ms = ms_to_send(report->remaining_bytes, net);
        }
    }

    /* QEMU counts a page once per sync, so a guest that rewrites a working set
     * larger than the link can drain shows a dirty rate close to the link's
     * rate, hardly ever far above it: "about as fast" already means losing. */
    bool dirty_wins = report->dirty_rate_known && link_ok &&
                      report->dirty_bytes_per_s >= DIRTY_KEEPS_UP * report->transfer_bytes_per_s;
    /* Switching over: the dirty set of this pass (its start, not the falling
     * remainder, which would flicker) fits in the allowed downtime. */
    uint64_t pass_start = progress.peak_count ? progress.peaks[progress.peak_count - 1] : 0;
    bool fits = report->predicted_downtime_known &&
                report->predicted_downtime_ms <= report->allowed_downtime_ms &&
                link_ok && ms_to_send(pass_start, report->transfer_bytes_per_s) <=
                               report->allowed_downtime_ms;
    if (report->iteration >= 2 && fits) {
        report->state = CONV_SWITCHING_OVER;
    } else if (report->iterations_since_low_water >= CONVERGENCE_STALL_ITERATIONS) {
        report->state = dirty_wins ? CONV_NOT_CONVERGING : CONV_STALLED;
        report->eta_known = false;
    } else if (dirty_wins || (progress.ratio_known && progress.pass_ratio > SLOW_PASS_RATIO) ||
               (report->eta_known && report->eta_ms > SLOW_ETA_MS)) {
        report->state = CONV_SLOW;
    } else {
        report->state = CONV_CONVERGING;
    }

    if (report->state == CONV_SLOW || report->state == CONV_STALLED ||
        report->state == CONV_NOT_CONVERGING)
        suggest_remedies(report, &progress, limits);
    write_verdict(report);
}

const char *convergence_state_name(ConvergenceState state)
{
    static const char *const names[CONV_STATE_COUNT] = {
        [CONV_STARTING] = "starting",
        [CONV_CONVERGING] = "converging",
        [CONV_SLOW] = "slow",
        [CONV_STALLED] = "stalled",
        [CONV_NOT_CONVERGING] = "not converging",
        [CONV_POSTCOPY] = "post-copy",
        [CONV_SWITCHING_OVER] = "switching over",
        [CONV_DONE] = "done",
        [CONV_FAILED] = "failed",
        [CONV_CANCELLED] = "cancelled",
    };
    return (unsigned)state < CONV_STATE_COUNT ? names[state] : "unknown";
}

const char *remedy_kind_name(RemedyKind kind)
{
    static const char *const names[REMEDY_KIND_COUNT] = {
        [REMEDY_RAISE_MAX_DOWNTIME] = "raise max downtime",
        [REMEDY_RAISE_BANDWIDTH] = "raise bandwidth",
        [REMEDY_SWITCH_TO_POSTCOPY] = "switch to post-copy",
        [REMEDY_AUTO_CONVERGE] = "auto-converge/compression (next launch)",
        [REMEDY_SUSPEND_GUEST] = "suspend guest",
        [REMEDY_ABORT] = "abort",
    };
    return (unsigned)kind < REMEDY_KIND_COUNT ? names[kind] : "unknown";
}
