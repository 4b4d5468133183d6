/* Progress bars that never run backwards; see progress_model.h. */
#include "progress_model.h"

#include <string.h>

static bool finished_ok(const JobStats *s)
{
    return s->type == JOB_TYPE_COMPLETED;
}

static double clamp_fraction(double value)
{
    if (!(value > 0.0))
        return 0.0;
    return value > 1.0 ? 1.0 : value;
}

static void eta_from_rate(ProgressValue *out)
{
    if (out->rate_bytes_per_s > 0.0) {
        out->eta_known = true;
        out->eta_ms = (uint64_t)((double)out->remaining / out->rate_bytes_per_s * 1000.0);
    }
}

static void compute_memory(const JobStats *history, size_t count, ProgressValue *out)
{
    const JobStats *last = &history[count - 1];
    if (!job_stats_has(last, JS_MEM_TOTAL) || last->mem_total == 0)
        return;
    out->known = true;
    out->total = last->mem_total;
    out->processed = last->mem_processed;
    out->remaining = job_stats_has(last, JS_MEM_REMAINING) ? last->mem_remaining : 0;
    out->rate_bytes_per_s = job_stats_has(last, JS_MEM_BPS) ? (double)last->mem_bps : 0.0;
    out->iteration = job_stats_has(last, JS_MEM_ITERATION) ? last->mem_iteration : 0;
    if (finished_ok(last)) {
        out->fraction = 1.0;
        out->remaining = 0;
        return;
    }
    eta_from_rate(out);
    if (out->iteration <= 1) {
        /* First pass: the whole of memory is the goal. */
        double best = 0.0;
        for (size_t i = 0; i < count; i++) {
            const JobStats *s = &history[i];
            if (!job_stats_has(s, JS_MEM_TOTAL) || !job_stats_has(s, JS_MEM_REMAINING) ||
                s->mem_total == 0)
                continue;
            if (job_stats_has(s, JS_MEM_ITERATION) && s->mem_iteration > 1)
                continue;
            double f = (double)(s->mem_total - (s->mem_remaining > s->mem_total
                                                     ? s->mem_total : s->mem_remaining)) /
                       (double)s->mem_total;
            if (f > best)
                best = f;
        }
        out->fraction = clamp_fraction(best);
        return;
    }
    /* A later pass: its goal is what was dirty when it began, i.e. the highest
     * remaining seen in this pass; progress is how much of that is sent. */
    out->later_pass = true;
    uint64_t start = 0;
    for (size_t i = 0; i < count; i++) {
        const JobStats *s = &history[i];
        if (job_stats_has(s, JS_MEM_ITERATION) && s->mem_iteration == out->iteration &&
            job_stats_has(s, JS_MEM_REMAINING) && s->mem_remaining > start)
            start = s->mem_remaining;
    }
    out->pass_start_remaining = start;
    if (start == 0) {
        out->fraction = 1.0;
        return;
    }
    double best = 0.0;
    for (size_t i = 0; i < count; i++) {
        const JobStats *s = &history[i];
        if (!job_stats_has(s, JS_MEM_ITERATION) || s->mem_iteration != out->iteration ||
            !job_stats_has(s, JS_MEM_REMAINING))
            continue;
        double f = (double)(start - s->mem_remaining) / (double)start;
        if (f > best)
            best = f;
    }
    out->fraction = clamp_fraction(best);
}

static void compute_disk(const JobStats *history, size_t count, ProgressValue *out)
{
    const JobStats *last = &history[count - 1];
    if (!job_stats_has(last, JS_DISK_TOTAL) || last->disk_total == 0)
        return;
    out->known = true;
    out->total = last->disk_total;
    out->processed = last->disk_processed;
    out->remaining = job_stats_has(last, JS_DISK_REMAINING) ? last->disk_remaining
                     : last->disk_total > last->disk_processed
                         ? last->disk_total - last->disk_processed : 0;
    out->rate_bytes_per_s = job_stats_has(last, JS_DISK_BPS) ? (double)last->disk_bps : 0.0;
    if (finished_ok(last)) {
        out->fraction = 1.0;
        out->remaining = 0;
        return;
    }
    eta_from_rate(out);
    double best = 0.0;
    for (size_t i = 0; i < count; i++) {
        const JobStats *s = &history[i];
        if (!job_stats_has(s, JS_DISK_TOTAL) || s->disk_total == 0)
            continue;
        double f = (double)s->disk_processed / (double)s->disk_total;
        if (f > best)
            best = f;
    }
    out->fraction = clamp_fraction(best);
}

static void compute_data(const JobStats *history, size_t count, ProgressValue *out)
{
    const JobStats *last = &history[count - 1];
    if (!job_stats_has(last, JS_DATA_TOTAL) || last->data_total == 0)
        return;
    out->known = true;
    out->total = last->data_total;
    out->processed = last->data_processed;
    out->remaining = job_stats_has(last, JS_DATA_REMAINING) ? last->data_remaining : 0;
    double rate = 0.0;
    if (job_stats_has(last, JS_MEM_BPS))
        rate += (double)last->mem_bps;
    if (job_stats_has(last, JS_DISK_BPS))
        rate += (double)last->disk_bps;
    out->rate_bytes_per_s = rate;
    if (finished_ok(last)) {
        out->fraction = 1.0;
        out->remaining = 0;
        return;
    }
    if (job_stats_has(last, JS_TIME_REMAINING)) {
        out->eta_known = true;
        out->eta_ms = last->time_remaining_ms;
    } else {
        eta_from_rate(out);
    }
    /* processed grows past total on later passes, so measure what is left:
     * total - remaining, the best value seen so far. */
    double best = 0.0;
    for (size_t i = 0; i < count; i++) {
        const JobStats *s = &history[i];
        if (!job_stats_has(s, JS_DATA_TOTAL) || !job_stats_has(s, JS_DATA_REMAINING) ||
            s->data_total == 0)
            continue;
        uint64_t left = s->data_remaining > s->data_total ? s->data_total : s->data_remaining;
        double f = (double)(s->data_total - left) / (double)s->data_total;
        if (f > best)
            best = f;
    }
    out->fraction = clamp_fraction(best);
    uint64_t left_now = out->remaining > out->total ? out->total : out->remaining;
    double now = (double)(out->total - left_now) / (double)out->total;
    out->holding_best = out->fraction > now + 0.005;
}

void progress_compute(const JobStats *history, size_t count, ProgressKind kind,
                      ProgressValue *out)
{
    memset(out, 0, sizeof *out);
    if (!history || count == 0)
        return;
    switch (kind) {
    case PROGRESS_MEMORY:
        compute_memory(history, count, out);
        break;
    case PROGRESS_DISK:
        compute_disk(history, count, out);
        break;
    case PROGRESS_DATA:
        compute_data(history, count, out);
        break;
    }
}
