/* The form's pre-flight section, kept current: see form_preflight.h. */
#include "form_preflight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form_state.h"

/* FNV-1a: a change detector for the destination and options, so the form
 * keeps no copy of them. */
static uint64_t hash_text(uint64_t hash, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        hash ^= *p;
        hash *= 1099511628211ull;
    }
    return hash;
}

/* What the checks depend on: the destination and every option (the virsh
 * line spells out all of them, the destination's URI included). */
static uint64_t signature_of(const MigrationForm *form)
{
    char destination[32];
    snprintf(destination, sizeof(destination), "%zu|", form->destination);
    uint64_t hash = hash_text(14695981039346656037ull, destination);
    hash = hash_text(hash, form->domain_uuid);
    return hash_text(hash, form->virsh_command) | 1u;   /* never 0: 0 means "none" */
}

size_t form_preflight_lines(const PreflightReport *report, const char *dest_name,
                            char (*lines)[FORM_PREFLIGHT_LINE], size_t max)
{
    size_t count = 0;
    if (!report || max == 0)
        return 0;
    if (report->done && report->error[0]) {
        snprintf(lines[count++], sizeof(lines[0]), "FAIL    pre-flight: %s", report->error);
    } else if (report->done) {
        size_t by_status[3] = { 0, 0, 0 };
        for (size_t i = 0; i < report->check_count; i++)
            by_status[report->checks[i].status]++;
        snprintf(lines[count++], sizeof(lines[0]),
                 "towards %s: %zu FAIL, %zu warning%s, %zu pass%s%s", dest_name ? dest_name : "?",
                 by_status[PREFLIGHT_FAIL], by_status[PREFLIGHT_WARN],
                 by_status[PREFLIGHT_WARN] == 1 ? "" : "s", by_status[PREFLIGHT_PASS],
                 by_status[PREFLIGHT_PASS] == 1 ? "" : "es",
                 report->running ? " (re-checking the new choices...)" : "");
        /* Failures first, then warnings, then passes: the form shows only a few. */
        for (int status = PREFLIGHT_FAIL; status >= PREFLIGHT_PASS; status--) {
            for (size_t i = 0; i < report->check_count && count < max; i++) {
                if ((int)report->checks[i].status == status)
                    preflight_check_format(&report->checks[i], lines[count++], sizeof(lines[0]));
            }
        }
    } else if (report->running) {
        snprintf(lines[count++], sizeof(lines[0]),
                 "running the pre-flight checks towards %s (a dirty-rate measurement takes a "
                 "few seconds)...", dest_name ? dest_name : "?");
    }
    return count;
}

bool form_preflight_apply_limits(MigrationForm *form, const PreflightReport *report)
{
    /* A run that could not happen says nothing about the guest. */
    if (!form || !report || !report->done || report->error[0])
        return false;
    /* An assigned VF rules post-copy out (the CX-7 VF procedure): the form
     * stops offering it rather than let the operator pick it. That takes
     * post-copy on timeout and the post-copy ladder with it (form_fields.c). */
    return migration_form_set_unavailable(form, FF_POSTCOPY, report->limits.no_postcopy);
}

static bool show_lines(MigrationForm *form, char (*lines)[FORM_PREFLIGHT_LINE], size_t count)
{
    const char *pointers[PREFLIGHT_CHECK_COUNT + 2];
    for (size_t i = 0; i < count; i++)
        pointers[i] = lines[i];
    return migration_form_set_checks(form, pointers, count) == 0;
}

bool form_preflight_follow(MigrationForm *form, Core *core, const CoreSnapshot *snapshot,
                           uint64_t now_ms)
{
    if (!form || !core || !snapshot)
        return false;
    char lines[PREFLIGHT_CHECK_COUNT + 2][FORM_PREFLIGHT_LINE];
    if (form->destination == SIZE_MAX || !form->domain_present)
        return false;   /* the form already says why nothing can be checked */

    uint64_t signature = signature_of(form);
    if (signature != form->preflight_signature) {
        form->preflight_signature = signature;
        form->preflight_changed_ms = now_ms;
    }
    /* A first run at once; later ones once the operator paused. */
    bool quiet = form->preflight_requested == 0 ||
                 now_ms - form->preflight_changed_ms >= FORM_PREFLIGHT_DEBOUNCE_MS;
    if (signature != form->preflight_requested && quiet) {
        char *error = NULL;
        int generation = core_request_preflight(core, form->source_host, form->domain_uuid,
                                                form->destination, &form->options, &error);
        form->preflight_requested = signature;
        form->preflight_generation = generation;
        form->preflight_shown = 0;
        if (generation < 0) {
            snprintf(lines[0], sizeof(lines[0]), "FAIL    pre-flight: %s",
                     error ? error : "core refused the checks");
            free(error);
            return show_lines(form, lines, 1);
        }
    }
    if (form->preflight_generation <= 0)
        return false;
    const PreflightReport *report =
        core_snapshot_find_preflight(snapshot, form->domain_uuid, form->destination);
    if (!report)
        return false;
    /* What is on screen: which finished run, and whether a newer one runs. */
    uint64_t shown = (report->done ? report->done_generation << 2 : 0) |
                     (report->done ? 2u : 0u) | (report->running ? 1u : 0u);
    if (shown == form->preflight_shown)
        return false;
    form->preflight_shown = shown;
    form_preflight_apply_limits(form, report);
    const char *dest_name = form->destination < form->host_count
                                ? form->hosts[form->destination].name : NULL;
    size_t count = form_preflight_lines(report, dest_name, lines,
                                        sizeof(lines) / sizeof(lines[0]));
    return count > 0 && show_lines(form, lines, count);
}
