/* The detail pane of the selected domain: dirty-rate graph with the
 * migration's send rate on the same axes, progress bars (memory, disk, all
 * data), the convergence verdict with its remedies as keys, and the full job
 * statistics (what `virsh domjobinfo` shows, with units). */
#include "app_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convergence.h"
#include "draw.h"
#include "form_wrap.h"
#include "keys.h"
#include "progress_model.h"
#include "stall_diagnosis.h"
#include "text_width.h"
#include "units.h"

#define GRAPH_BUCKET_MS 1000   /* one braille dot column per second */
#define MIB_F (1024.0 * 1024.0)

static uint64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

void migration_convergence(const MigrationView *m, ConvergenceReport *report)
{
    ConvergenceLimits limits = {
        .max_downtime_ms = m->current_max_downtime_ms ? m->current_max_downtime_ms
                                                      : m->options.max_downtime_ms,
        .bandwidth_cap_bytes_per_s =
            (m->current_bandwidth_mibs ? m->current_bandwidth_mibs : m->options.bandwidth_mibs) *
            1024ull * 1024ull,
        .postcopy_enabled = m->options.postcopy,
        .postcopy_active = m->phase == MIGRATION_POSTCOPY,
        .auto_converge_enabled = m->options.auto_converge,
        .compression_enabled = m->options.compressed,
    };
    convergence_analyze(m->history, m->history_count, &limits, report);
}

static const char *host_name(const CoreSnapshot *snapshot, size_t index)
{
    return index < snapshot->host_count && snapshot->hosts[index].name
               ? snapshot->hosts[index].name : "?";
}

static void draw_title(const App *app, WINDOW *window, UiRect area, const DomainView *d,
                       const MigrationView *m)
{
    char text[512], memory[UNITS_BUF];
    units_format_bytes(memory, sizeof memory, d->memory_kib * 1024ull);
    int used = snprintf(text, sizeof text, " %s on %s: %s, %u vCPU%s, %s",
                        d->name ? d->name : d->uuid, host_name(&app->snapshot, d->host_index),
                        domain_run_state_name(d->state), d->vcpus, d->vcpus == 1 ? "" : "s",
                        memory);
    if (m && used > 0 && (size_t)used < sizeof text) {
        char elapsed[UNITS_BUF];
        uint64_t end = m->ended_ms ? m->ended_ms : monotonic_ms();
        units_format_duration_ms(elapsed, sizeof elapsed,
                                 end > m->started_ms ? end - m->started_ms : 0);
        snprintf(text + used, sizeof text - used, "   migration #%u %s%s%s: %s, %s", m->id,
                 host_name(&app->snapshot, m->source_host), ui_glyphs()->arrow_right,
                 host_name(&app->snapshot, m->dest_host), migration_phase_name(m->phase),
                 elapsed);
    }
    draw_fill(window, area, THEME_TABLE_HEADER);
    draw_text(window, area.top, area.left, area.width, THEME_TABLE_HEADER, text, 0);
}

static bool host_cannot_measure(const App *app, const DomainView *d)
{
    return d->host_index < app->snapshot.host_count &&
           app->snapshot.hosts[d->host_index].dirty_rate_unsupported;
}

static void draw_graph(const App *app, WINDOW *window, UiRect area, const DomainView *d,
                       const MigrationView *m)
{
    uint64_t dirty_at[MIGRATION_HISTORY], send_at[MIGRATION_HISTORY];
    double dirty[MIGRATION_HISTORY], send[MIGRATION_HISTORY];
    size_t dirty_count = 0, send_count = 0;
    size_t own = d->dirty_rate_count < DIRTY_RATE_HISTORY ? d->dirty_rate_count
                                                          : DIRTY_RATE_HISTORY;
    for (size_t i = 0; i < own; i++) {
        dirty_at[dirty_count] = d->dirty_rate[i].at_ms;
        dirty[dirty_count++] = d->dirty_rate[i].value;
    }
    if (m) {
        size_t history = m->history_count < MIGRATION_HISTORY ? m->history_count
                                                              : MIGRATION_HISTORY;
        for (size_t i = 0; i < history; i++) {
            const JobStats *s = &m->history[i];
            if (job_stats_has(s, JS_MEM_BPS)) {
                send_at[send_count] = s->sampled_at_ms;
                send[send_count++] = (double)s->mem_bps / MIB_F;
            }
            /* The destination's copy has no rate of its own: the job's is it.
             * Not the shut-off copy left on the source: that one dirties
             * nothing. */
            if (own == 0 && d->host_index == m->dest_host &&
                job_stats_has(s, JS_MEM_DIRTY_RATE) &&
                job_stats_has(s, JS_MEM_PAGE_SIZE)) {
                dirty_at[dirty_count] = s->sampled_at_ms;
                dirty[dirty_count++] =
                    units_pages_to_bytes_per_second(s->mem_dirty_rate, s->mem_page_size) / MIB_F;
            }
        }
    }
    GraphSeries series[2] = {
        { dirty_at, dirty, dirty_count, THEME_GRAPH_DIRTY, "dirty", true },
        { send_at, send, send_count, THEME_GRAPH_BANDWIDTH, "sent", false },
    };
    graph_draw(window, area, series, m ? 2 : 1, monotonic_ms(), GRAPH_BUCKET_MS);
    if (dirty_count == 0 && area.height >= 4) {
        const char *hint = host_cannot_measure(app, d)
                               ? "dirty rate: not supported by this host's driver"
                               : d->state != DOMAIN_RUNNING
                               ? "no dirty rate: the guest is not running"
                               : d->dirty_rate_watched ? "measuring the dirty rate..."
                               : "no dirty rate yet: w watches it, D measures once";
        draw_text(window, area.top + area.height / 2, area.left + 8, area.width - 9,
                  THEME_HELP_TEXT, hint, 0);
    }
}

static void draw_bars(WINDOW *window, UiRect area, const MigrationView *m)
{
    static const struct { ProgressKind kind; const char *label; } bars[] = {
        { PROGRESS_MEMORY, "Memory" }, { PROGRESS_DISK, "Disk" }, { PROGRESS_DATA, "Total" },
    };
    /* Once completed, libvirt's completed statistics are the final word:
     * the last sample of the running job may predate the switch-over. */
    bool completed = m->phase == MIGRATION_COMPLETED && m->last.type == JOB_TYPE_COMPLETED;
    const JobStats *samples = completed ? &m->last : m->history;
    size_t count = completed ? 1 : m->history_count;
    int line = 0;
    for (size_t i = 0; i < 3 && line < area.height; i++) {
        ProgressValue value;
        progress_compute(samples, count, bars[i].kind, &value);
        if (!migration_is_active(m))
            value.eta_known = false;
        /* No disk copy: no disk bar (it would only say "not reported"). */
        if (bars[i].kind == PROGRESS_DISK && !value.known)
            continue;
        progress_line_draw(window, area.top + line, area.left, area.width, bars[i].label,
                           &value);
        line++;
    }
}

static ThemeRole verdict_role(ConvergenceState state)
{
    switch (state) {
    case CONV_CONVERGING:
    case CONV_POSTCOPY:
    case CONV_SWITCHING_OVER:
    case CONV_DONE:
        return THEME_VERDICT_GOOD;
    case CONV_NOT_CONVERGING:
    case CONV_FAILED:
        return THEME_VERDICT_BAD;
    default:
        return THEME_VERDICT_WARN;
    }
}

static void draw_verdict(const App *app, WINDOW *window, UiRect area, const DomainView *d,
                         const MigrationView *m)
{
    char text[512];
    if (!m) {
        snprintf(text, sizeof text, "not migrating: %s migrates it%s",
                 keys_label_for(KEY_ACTION_MIGRATE),
                 host_cannot_measure(app, d) ? ""
                                             : ", w watches its dirty rate, D measures it now");
        draw_text(window, area.top, area.left + 1, area.width - 1, THEME_HELP_TEXT, text, 0);
        return;
    }
    if (!migration_is_active(m)) {
        ThemeRole role = m->phase == MIGRATION_COMPLETED ? THEME_VERDICT_GOOD
                         : m->phase == MIGRATION_CANCELLED ? THEME_VERDICT_WARN
                         : THEME_VERDICT_BAD;
        if (m->phase == MIGRATION_COMPLETED)
            snprintf(text, sizeof text, "completed: %s now runs on %s", m->domain_name,
                     host_name(&app->snapshot, m->dest_host));
        else if (m->phase == MIGRATION_CANCELLED)
            snprintf(text, sizeof text, "cancelled: %s stays on %s%s%s", m->domain_name,
                     host_name(&app->snapshot, m->source_host), m->error ? ": " : "",
                     m->error ? m->error : "");
        else
            snprintf(text, sizeof text, "%s: %s", migration_phase_name(m->phase),
                     m->error ? m->error : "libvirt gave no reason");
        draw_text(window, area.top, area.left + 1, area.width - 1, role, text, 0);
        if (area.height < 2)
            return;
        if (m->phase == MIGRATION_POSTCOPY_FAILED)
            snprintf(text, sizeof text, "paused on both hosts: %s resumes the post-copy "
                     "migration", keys_label_for(KEY_ACTION_POSTCOPY_RESUME));
        else if (m->source_left_paused && d->state == DOMAIN_PAUSED)
            snprintf(text, sizeof text, "the failure left the source paused: %s resumes it",
                     keys_label_for(KEY_ACTION_SUSPEND_RESUME));
        else
            snprintf(text, sizeof text, "%s shows the journal, %s migrates again",
                     keys_label_for(KEY_ACTION_JOURNAL), keys_label_for(KEY_ACTION_MIGRATE));
        draw_text(window, area.top + 1, area.left + 1, area.width - 1, THEME_HELP_TEXT, text, 0);
        return;
    }
    ConvergenceReport report;
    migration_convergence(m, &report);
    draw_text(window, area.top, area.left + 1, area.width - 1, verdict_role(report.state),
              report.verdict[0] ? report.verdict : convergence_state_name(report.state), 0);
    if (area.height < 2)
        return;
    int x = area.left + 1, end = area.left + area.width;
    for (size_t i = 0; i < report.remedy_count && x < end; i++) {
        const Remedy *remedy = &report.remedies[i];
        const char *key = keys_label_for_remedy(remedy->kind);
        if (key) {
            x += draw_text(window, area.top + 1, x, end - x, THEME_REMEDY_KEY, key, 0);
            x += draw_text(window, area.top + 1, x, end - x, THEME_TEXT, " ", 0);
        }
        x += draw_text(window, area.top + 1, x, end - x, THEME_TEXT, remedy->text, 0);
        x += draw_text(window, area.top + 1, x, end - x, THEME_TEXT,
                       key ? "   " : " (next launch)   ", 0);
    }
}

/* One "Label: value" statistics line; returns the next line. */
static int stat_line(WINDOW *window, UiRect area, int line, const char *label, const char *value)
{
    if (line >= area.height)
        return line;
    const int label_width = 19;
    draw_text(window, area.top + line, area.left, label_width, THEME_FORM_LABEL, label,
              TEXT_FIT_PAD);
    draw_text(window, area.top + line, area.left + label_width, area.width - label_width,
              THEME_TEXT, value, 0);
    return line + 1;
}

static const char *job_type_name(JobType type)
{
    switch (type) {
    case JOB_TYPE_NONE: return "None";
    case JOB_TYPE_BOUNDED: return "Bounded";
    case JOB_TYPE_UNBOUNDED: return "Unbounded";
    case JOB_TYPE_COMPLETED: return "Completed";
    case JOB_TYPE_FAILED: return "Failed";
    case JOB_TYPE_CANCELLED: return "Cancelled";
    }
    return "?";
}

/* A stat line whose value wraps at spaces over as many lines as it needs
 * (the ladder, the next step and the stall causes are read whole, not cut
 * off), by display width so arrows and ellipses count as one column. */
static int stat_lines_wrapped(WINDOW *window, UiRect area, int line, const char *label,
                              const char *value)
{
    const int width = area.width - 19;
    if (width < 16 || !value || !value[0])
        return stat_line(window, area, line, label, value ? value : "");
    FormWrapLine pieces[16];
    size_t needed = form_wrap(value, (size_t)width, pieces, 16);
    size_t count = needed < 16 ? needed : 16;
    char piece[512];
    for (size_t i = 0; i < count && line < area.height; i++) {
        size_t length = pieces[i].length < sizeof piece ? pieces[i].length : sizeof piece - 1;
        memcpy(piece, value + pieces[i].start, length);
        piece[length] = '\0';
        line = stat_line(window, area, line, i == 0 ? label : "", piece);
    }
    return line;
}

/* The key that carries out a diagnosis' remedy, or NULL (next launch only). */
static const char *remedy_key_label(const char *remedy_key)
{
    static const struct { const char *key; RemedyKind kind; } remedies[] = {
        { "switch-to-postcopy", REMEDY_SWITCH_TO_POSTCOPY },
        { "raise-bandwidth", REMEDY_RAISE_BANDWIDTH },
        { "raise-max-downtime", REMEDY_RAISE_MAX_DOWNTIME },
        { "suspend-guest", REMEDY_SUSPEND_GUEST },
    };
    for (size_t i = 0; i < sizeof remedies / sizeof remedies[0]; i++)
        if (strcmp(remedies[i].key, remedy_key) == 0)
            return keys_label_for_remedy(remedies[i].kind);
    if (strcmp(remedy_key, "raise-compression-cache") == 0)
        return keys_label_for(KEY_ACTION_COMPRESSION_CACHE);
    return NULL;
}

/* The assistant's ladder, its last and next step (before it fires), and why
 * the migration stalls with the key for each remedy: first, above the
 * statistics, because they say what happens next. Returns the next line. */
static int draw_assistant(WINDOW *window, UiRect area, int line, const MigrationView *m)
{
    char v[512];
    if (m->assistant_on) {
        line = stat_lines_wrapped(window, area, line, "Assistant:", m->assistant_ladder);
        line = stat_lines_wrapped(window, area, line, "Assistant step:", m->assistant_current);
        line = stat_lines_wrapped(window, area, line, "Assistant next:", m->assistant_next);
    } else if (migration_is_active(m)) {
        snprintf(v, sizeof v, "off (%s picks a ladder)", keys_label_for(KEY_ACTION_ASSISTANT));
        line = stat_line(window, area, line, "Assistant:", v);
    }
    if (!migration_is_active(m))
        return line;
    ConvergenceReport report;
    migration_convergence(m, &report);
    if (report.state != CONV_SLOW && report.state != CONV_STALLED &&
        report.state != CONV_NOT_CONVERGING)
        return line;
    ConvergenceLimits limits = {
        .max_downtime_ms = report.allowed_downtime_ms,
        .bandwidth_cap_bytes_per_s =
            (m->current_bandwidth_mibs ? m->current_bandwidth_mibs : m->options.bandwidth_mibs) *
            1024ull * 1024ull,
        .postcopy_enabled = m->options.postcopy,
        .postcopy_active = m->phase == MIGRATION_POSTCOPY,
    };
    StallDiagnosis diagnosis;
    stall_diagnose(m->history, m->history_count, &limits, &report, &diagnosis);
    for (size_t i = 0; i < diagnosis.count; i++) {
        const StallFinding *finding = &diagnosis.findings[i];
        const char *key = remedy_key_label(finding->remedy_key);
        snprintf(v, sizeof v, "%s -> %s%s%s%s", finding->text, finding->remedy_key,
                 key ? " [" : " (next launch)", key ? key : "", key ? "]" : "");
        line = stat_lines_wrapped(window, area, line, i == 0 ? "Stall cause:" : "", v);
    }
    return line;
}

static void draw_job_stats(WINDOW *window, UiRect area, const MigrationView *m)
{
    const JobStats *s = &m->last;
    char v[128], a[UNITS_BUF];
    int line = draw_assistant(window, area, 0, m);
    line = stat_line(window, area, line, "Job type:", job_type_name(s->type));
#define BYTES(field, bit, label)                                                          \
    if (job_stats_has(s, bit))                                                            \
        line = stat_line(window, area, line, label, units_format_bytes(a, sizeof a, s->field))
#define MS(field, bit, label)                                                             \
    if (job_stats_has(s, bit))                                                            \
        line = stat_line(window, area, line, label,                                       \
                         units_format_duration_ms(a, sizeof a, s->field))
#define COUNT(field, bit, label)                                                          \
    if (job_stats_has(s, bit)) {                                                          \
        snprintf(v, sizeof v, "%llu", (unsigned long long)s->field);                      \
        line = stat_line(window, area, line, label, v);                                   \
    }
    MS(time_elapsed_ms, JS_TIME_ELAPSED, "Time elapsed:");
    MS(time_remaining_ms, JS_TIME_REMAINING, "Time remaining:");
    COUNT(mem_iteration, JS_MEM_ITERATION, "Iteration:");
    if (job_stats_has(s, JS_MEM_DIRTY_RATE)) {
        uint64_t page = job_stats_has(s, JS_MEM_PAGE_SIZE) ? s->mem_page_size : 4096;
        snprintf(v, sizeof v, "%llu pages/s (%s)", (unsigned long long)s->mem_dirty_rate,
                 units_format_rate(a, sizeof a,
                                   units_pages_to_bytes_per_second(s->mem_dirty_rate, page)));
        line = stat_line(window, area, line, "Dirty rate:", v);
    }
    if (job_stats_has(s, JS_MEM_BPS))
        line = stat_line(window, area, line, "Memory bandwidth:",
                         units_format_rate(a, sizeof a, (double)s->mem_bps));
    MS(downtime_ms, JS_DOWNTIME, s->type == JOB_TYPE_COMPLETED ? "Total downtime:"
                                                               : "Expected downtime:");
    /* The limits in force now (as launched, or as last set with d / b). */
    if (m->current_max_downtime_ms)
        units_format_duration_ms(v, sizeof v, m->current_max_downtime_ms);
    else
        snprintf(v, sizeof v, "%u ms (default)", CONVERGENCE_DEFAULT_MAX_DOWNTIME_MS);
    line = stat_line(window, area, line, "Max downtime:", v);
    if (m->current_bandwidth_mibs)
        units_format_rate(v, sizeof v, (double)m->current_bandwidth_mibs * MIB_F);
    else
        snprintf(v, sizeof v, "unlimited");
    line = stat_line(window, area, line, "Bandwidth cap:", v);
    BYTES(data_processed, JS_DATA_PROCESSED, "Data processed:");
    BYTES(data_remaining, JS_DATA_REMAINING, "Data remaining:");
    BYTES(data_total, JS_DATA_TOTAL, "Data total:");
    BYTES(mem_processed, JS_MEM_PROCESSED, "Memory processed:");
    BYTES(mem_remaining, JS_MEM_REMAINING, "Memory remaining:");
    BYTES(mem_total, JS_MEM_TOTAL, "Memory total:");
    COUNT(mem_constant, JS_MEM_CONSTANT, "Constant pages:");
    COUNT(mem_normal, JS_MEM_NORMAL, "Normal pages:");
    BYTES(mem_normal_bytes, JS_MEM_NORMAL_BYTES, "Normal data:");
    BYTES(mem_page_size, JS_MEM_PAGE_SIZE, "Page size:");
    COUNT(mem_postcopy_reqs, JS_MEM_POSTCOPY_REQS, "Postcopy requests:");
    BYTES(disk_processed, JS_DISK_PROCESSED, "File processed:");
    BYTES(disk_remaining, JS_DISK_REMAINING, "File remaining:");
    BYTES(disk_total, JS_DISK_TOTAL, "File total:");
    if (job_stats_has(s, JS_DISK_BPS))
        line = stat_line(window, area, line, "File bandwidth:",
                         units_format_rate(a, sizeof a, (double)s->disk_bps));
    MS(downtime_net_ms, JS_DOWNTIME_NET, "Downtime w/o net:");
    MS(setup_time_ms, JS_SETUP_TIME, "Setup time:");
    MS(time_elapsed_net_ms, JS_TIME_ELAPSED_NET, "Elapsed w/o net:");
    BYTES(compression_cache, JS_COMPRESSION_CACHE, "Compression cache:");
    BYTES(compression_bytes, JS_COMPRESSION_BYTES, "Compressed data:");
    COUNT(compression_pages, JS_COMPRESSION_PAGES, "Compressed pages:");
    COUNT(compression_cache_misses, JS_COMPRESSION_MISSES, "Cache misses:");
    COUNT(compression_overflow, JS_COMPRESSION_OVERFLOW, "Compr. overflows:");
    if (job_stats_has(s, JS_AUTO_CONVERGE_THROTTLE)) {
        snprintf(v, sizeof v, "%d%%", s->auto_converge_throttle);
        line = stat_line(window, area, line, "Auto-converge:", v);
    }
    if (job_stats_has(s, JS_ERRMSG) && s->errmsg[0])
        line = stat_line(window, area, line, "Error:", s->errmsg);
#undef BYTES
#undef MS
#undef COUNT
}

static void draw_domain_facts(const App *app, WINDOW *window, UiRect area, const DomainView *d)
{
    char v[128], a[UNITS_BUF], b[UNITS_BUF];
    int line = 0;
    line = stat_line(window, area, line, "Host:", host_name(&app->snapshot, d->host_index));
    line = stat_line(window, area, line, "State:", domain_run_state_name(d->state));
    line = stat_line(window, area, line, "Persistent:", d->persistent ? "yes" : "no");
    snprintf(v, sizeof v, "%u", d->vcpus);
    line = stat_line(window, area, line, "vCPUs:", v);
    snprintf(v, sizeof v, "%s of %s", units_format_bytes(a, sizeof a, d->memory_kib * 1024ull),
             units_format_bytes(b, sizeof b, d->max_memory_kib * 1024ull));
    line = stat_line(window, area, line, "Memory:", v);
    double rate = domain_last_dirty_rate(d);
    bool unsupported = host_cannot_measure(app, d);
    if (rate >= 0)
        units_format_rate(v, sizeof v, rate * MIB_F);
    else
        snprintf(v, sizeof v, "%s", unsupported ? "not supported by this host's driver"
                                                : "not measured");
    line = stat_line(window, area, line, "Dirty rate:", v);
    line = stat_line(window, area, line, "Dirty sampling:",
                     unsupported ? "unavailable on this host"
                     : d->dirty_rate_watched ? "on (w: off)" : "off (w: on)");
    line = stat_line(window, area, line, "UUID:", d->uuid);
    if (d->has_job)
        stat_line(window, area, line, "Job:", "a libvirt job runs (not started here)");
}

void detail_pane_draw(const App *app, WINDOW *window, UiRect area)
{
    draw_fill(window, area, THEME_TEXT);
    const DomainView *d = app_selected_domain(app);
    if (!d) {
        draw_text(window, area.top + 1, area.left + 2, area.width - 2, THEME_HELP_TEXT,
                  "no domain selected", 0);
        return;
    }
    const MigrationView *m = app_selected_migration(app);
    DetailLayout layout = layout_detail(area, m != NULL);
    draw_title(app, window, layout.title, d, m);
    draw_graph(app, window, layout.graph, d, m);
    if (m && layout.bar_count > 0)
        draw_bars(window, layout.bars, m);
    draw_verdict(app, window, layout.verdict, d, m);
    if (layout.stats.width > 0) {
        if (m)
            draw_job_stats(window, layout.stats, m);
        else
            draw_domain_facts(app, window, layout.stats, d);
    }
}
