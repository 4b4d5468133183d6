/* Text and JSON-lines output of `virtmig migrate` (see cmd_migrate_report.h). */
#include "cmd_migrate_report.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "units.h"

struct _MigrateReport {
    FILE *out, *err;
    JsonWriter *json;            /* NULL: text */
    bool postcopy_after_precopy;
};

bool migration_phase_finished(MigrationPhase phase)
{
    return phase == MIGRATION_COMPLETED || phase == MIGRATION_FAILED ||
           phase == MIGRATION_CANCELLED || phase == MIGRATION_POSTCOPY_FAILED;
}

MigrateReport *migrate_report_new(const CmdStreams *streams, bool json,
                                  bool postcopy_after_precopy)
{
    MigrateReport *report = calloc(1, sizeof(*report));
    if (!report)
        return NULL;
    report->out = streams->out;
    report->err = streams->err;
    report->postcopy_after_precopy = postcopy_after_precopy;
    if (json && !(report->json = json_writer_new())) {
        free(report);
        return NULL;
    }
    return report;
}

void migrate_report_free(MigrateReport *report)
{
    if (!report)
        return;
    json_writer_free(report->json);
    free(report);
}

/* Ends the object begun by json_begin() and prints it as one line. */
static void json_begin(MigrateReport *report, const char *type)
{
    json_writer_reset(report->json);
    json_writer_object_open(report->json);
    json_writer_key(report->json, "type");
    json_writer_string(report->json, type);
}

static void json_end(MigrateReport *report)
{
    JsonWriter *w = report->json;
    if (json_writer_object_close(w) == 0 && json_writer_complete(w))
        fprintf(report->out, "%s\n", json_writer_text(w));
    else
        fprintf(report->err, "virtmig migrate: cannot write JSON: %s\n",
                json_writer_error(w) ? json_writer_error(w) : "out of memory");
    fflush(report->out);
}

static void json_uint(MigrateReport *report, const char *key, uint64_t value)
{
    json_writer_key(report->json, key);
    json_writer_uint(report->json, value);
}

int migrate_report_virsh_line(MigrateReport *report, const MigrateOptions *options,
                              const char *domain_name, const char *source_uri,
                              const char *dest_uri)
{
    char *line = migrate_options_virsh_command(options, domain_name, source_uri, dest_uri);
    char *full = NULL;
    if (!line || asprintf(&full, "%s%s", line, report->postcopy_after_precopy
                                                   ? " --postcopy-after-precopy" : "") < 0) {
        fprintf(report->err, "virtmig migrate: out of memory\n");
        free(line);
        return -1;
    }
    if (report->json) {
        json_begin(report, "virsh");
        json_writer_key(report->json, "command");
        json_writer_string(report->json, full);
        json_end(report);
    } else {
        fprintf(report->out, "%s\n", full);
        fflush(report->out);
    }
    free(line);
    free(full);
    return 0;
}

void migrate_report_note(MigrateReport *report, const char *text)
{
    if (report->json) {
        json_begin(report, "note");
        json_writer_key(report->json, "text");
        json_writer_string(report->json, text);
        json_end(report);
    } else {
        fprintf(report->out, "%s\n", text);
        fflush(report->out);
    }
}

/* The numbers a progress line shows; has_* false when libvirt did not say. */
typedef struct {
    uint64_t elapsed_ms;
    bool has_iteration, has_progress, has_remaining, has_dirty_rate, has_bandwidth;
    uint64_t iteration, done, total, remaining;
    double dirty_rate, bandwidth;        /* bytes/s */
} ProgressNumbers;

static ProgressNumbers progress_numbers(const MigrationView *migration, uint64_t now_ms)
{
    const JobStats *s = &migration->last;
    ProgressNumbers n = { 0 };

    if (job_stats_has(s, JS_TIME_ELAPSED))
        n.elapsed_ms = s->time_elapsed_ms;
    else if (now_ms >= migration->started_ms)
        n.elapsed_ms = now_ms - migration->started_ms;
    n.has_iteration = job_stats_has(s, JS_MEM_ITERATION);
    n.iteration = s->mem_iteration;
    /* Done = total - remaining: "processed" counts pages sent again, so it
     * can exceed the total while the guest keeps dirtying memory. */
    if (job_stats_has(s, JS_DATA_TOTAL) && job_stats_has(s, JS_DATA_REMAINING) &&
        s->data_total > 0) {
        n.has_progress = true;
        n.total = s->data_total;
        n.done = s->data_remaining < s->data_total ? s->data_total - s->data_remaining : 0;
    }
    n.has_remaining = job_stats_has(s, JS_DATA_REMAINING);
    n.remaining = s->data_remaining;
    if (job_stats_has(s, JS_MEM_DIRTY_RATE)) {
        n.has_dirty_rate = true;
        n.dirty_rate = units_pages_to_bytes_per_second(
            s->mem_dirty_rate, job_stats_has(s, JS_MEM_PAGE_SIZE) ? s->mem_page_size : 4096);
    }
    n.has_bandwidth = job_stats_has(s, JS_MEM_BPS);
    n.bandwidth = (double)s->mem_bps;
    return n;
}

void migrate_report_progress(MigrateReport *report, const MigrationView *migration,
                             uint64_t now_ms)
{
    ProgressNumbers n = progress_numbers(migration, now_ms);
    const char *phase = migration_phase_name(migration->phase);

    if (report->json) {
        json_begin(report, "progress");
        json_uint(report, "migration", migration->id);
        json_writer_key(report->json, "phase");
        json_writer_string(report->json, phase);
        json_uint(report, "elapsed_ms", n.elapsed_ms);
        if (n.has_iteration)
            json_uint(report, "iteration", n.iteration);
        if (n.has_progress) {
            json_writer_key(report->json, "percent");
            json_writer_double(report->json, 100.0 * (double)n.done / (double)n.total);
        }
        if (n.has_remaining)
            json_uint(report, "data_remaining_bytes", n.remaining);
        if (n.has_dirty_rate) {
            json_writer_key(report->json, "dirty_rate_bytes_per_s");
            json_writer_double(report->json, n.dirty_rate);
        }
        if (n.has_bandwidth)
            json_uint(report, "bandwidth_bytes_per_s", (uint64_t)n.bandwidth);
        json_end(report);
        return;
    }

    char elapsed[UNITS_BUF], value[UNITS_BUF], line[256];
    size_t used = 0;
#define APPEND(...) \
    (used += used < sizeof(line) ? (size_t)snprintf(line + used, sizeof(line) - used, \
                                                    __VA_ARGS__) : 0)
    APPEND("%9s  %-9s", units_format_duration_ms(elapsed, sizeof(elapsed), n.elapsed_ms), phase);
    if (n.has_iteration)
        APPEND("  iteration %" PRIu64, n.iteration);
    if (n.has_progress)
        APPEND("  %6s", units_format_percent(value, sizeof(value), n.done, n.total));
    if (n.has_remaining)
        APPEND("  remaining %s", units_format_bytes(value, sizeof(value), n.remaining));
    if (n.has_dirty_rate)
        APPEND("  dirty %s", units_format_rate(value, sizeof(value), n.dirty_rate));
    if (n.has_bandwidth)
        APPEND("  bandwidth %s", units_format_rate(value, sizeof(value), n.bandwidth));
#undef APPEND
    used = strnlen(line, sizeof(line));
    while (used > 0 && line[used - 1] == ' ')   /* the phase's padding when nothing follows */
        line[--used] = '\0';
    fprintf(report->out, "%s\n", line);
    fflush(report->out);
}

static const char *host_name(const CoreSnapshot *snapshot, size_t index)
{
    return index < snapshot->host_count ? snapshot->hosts[index].name : "?";
}

static const char *host_uri(const CoreSnapshot *snapshot, size_t index)
{
    return index < snapshot->host_count ? snapshot->hosts[index].uri : "?";
}

/* "1.8 s, downtime 24 ms, 131 MiB transferred" from the completed job. */
static void completed_summary(char *buf, size_t size, const MigrationView *migration)
{
    const JobStats *s = &migration->last;
    char a[UNITS_BUF];
    size_t used = 0;
    buf[0] = '\0';
    uint64_t elapsed = job_stats_has(s, JS_TIME_ELAPSED) ? s->time_elapsed_ms
                       : migration->ended_ms > migration->started_ms
                       ? migration->ended_ms - migration->started_ms : 0;
    used += (size_t)snprintf(buf + used, size - used, "%s",
                             units_format_duration_ms(a, sizeof(a), elapsed));
    if (job_stats_has(s, JS_DOWNTIME) && used < size)
        used += (size_t)snprintf(buf + used, size - used, ", downtime %s",
                                 units_format_duration_ms(a, sizeof(a), s->downtime_ms));
    if (job_stats_has(s, JS_DATA_PROCESSED) && used < size)
        snprintf(buf + used, size - used, ", %s transferred",
                 units_format_bytes(a, sizeof(a), s->data_processed));
}

static void outcome_text(MigrateReport *report, const CoreSnapshot *snapshot,
                         const MigrationView *m)
{
    const char *domain = m->domain_name;
    const char *source = host_name(snapshot, m->source_host);
    const char *why = m->error && m->error[0] ? m->error : NULL;
    char summary[160];

    switch (m->phase) {
    case MIGRATION_COMPLETED:
        completed_summary(summary, sizeof(summary), m);
        fprintf(report->out, "completed: %s runs on %s (%s)\n", m->options.dname ?
                m->options.dname : domain, host_name(snapshot, m->dest_host), summary);
        break;
    case MIGRATION_CANCELLED:
        fprintf(report->err, "virtmig migrate: cancelled: %s; %s stays on %s\n",
                why ? why : "aborted on request", domain, source);
        break;
    case MIGRATION_POSTCOPY_FAILED:
        fprintf(report->err, "virtmig migrate: post-copy failed: %s\n"
                "virtmig migrate: %s is paused on both %s and %s: resume the post-copy "
                "migration from the console (virtmig) or with virsh migrate "
                "--postcopy-resume\n", why ? why : "no reason given", domain, source,
                host_name(snapshot, m->dest_host));
        break;
    case MIGRATION_FAILED:
    default:
        fprintf(report->err, "virtmig migrate: failed: %s\n", why ? why : "no reason given");
        break;
    }
    if (m->source_left_paused && m->phase != MIGRATION_POSTCOPY_FAILED)
        fprintf(report->err, "virtmig migrate: %s is left paused on %s: once the cause is "
                "fixed, resume it with 'virsh -c %s resume %s'\n", domain, source,
                host_uri(snapshot, m->source_host), domain);
}

void migrate_report_outcome(MigrateReport *report, const CoreSnapshot *snapshot,
                            const MigrationView *migration)
{
    const JobStats *s = &migration->last;
    if (report->json) {
        json_begin(report, "result");
        json_uint(report, "migration", migration->id);
        json_writer_key(report->json, "phase");
        json_writer_string(report->json, migration_phase_name(migration->phase));
        json_writer_key(report->json, "ok");
        json_writer_bool(report->json, migration->phase == MIGRATION_COMPLETED);
        json_writer_key(report->json, "domain");
        json_writer_string(report->json, migration->domain_name);
        json_writer_key(report->json, "source");
        json_writer_string(report->json, host_name(snapshot, migration->source_host));
        json_writer_key(report->json, "dest");
        json_writer_string(report->json, host_name(snapshot, migration->dest_host));
        json_writer_key(report->json, "error");
        json_writer_string(report->json, migration->error);
        json_writer_key(report->json, "source_left_paused");
        json_writer_bool(report->json, migration->source_left_paused);
        if (job_stats_has(s, JS_TIME_ELAPSED))
            json_uint(report, "time_elapsed_ms", s->time_elapsed_ms);
        if (job_stats_has(s, JS_DOWNTIME))
            json_uint(report, "downtime_ms", s->downtime_ms);
        if (job_stats_has(s, JS_DATA_PROCESSED))
            json_uint(report, "data_processed_bytes", s->data_processed);
        json_end(report);
        if (migration->phase == MIGRATION_COMPLETED)
            return;
    }
    /* Failures go to stderr in text even with --json: someone reads them. */
    outcome_text(report, snapshot, migration);
    fflush(report->out);
}
