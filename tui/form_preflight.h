/* Keeps the migration form's pre-flight section current: asks core to run
 * the checks when the form opens and whenever the destination or an option
 * changed (debounced, so typing a number does not start a run per digit),
 * and hands core's report to the form as lines, failures first.
 *
 * Never blocks: core_request_preflight() only queues; the results arrive in
 * a later snapshot. */
#ifndef VIRTMIG_TUI_FORM_PREFLIGHT_H
#define VIRTMIG_TUI_FORM_PREFLIGHT_H

#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "form.h"

/* Quiet time after the last change before the checks are asked for. */
#define FORM_PREFLIGHT_DEBOUNCE_MS 400u
/* Room for one check's line (status, name, why, fix). */
#define FORM_PREFLIGHT_LINE 512

/* Call after every snapshot and every key (now_ms: a monotonic clock).
 * Returns true when the form's checks changed (redraw it). */
bool form_preflight_follow(MigrationForm *form, Core *core, const CoreSnapshot *snapshot,
                           uint64_t now_ms);

/* Makes the form stop offering what the report's limits rule out for this
 * guest (an assigned PCI device: post-copy, on its own, on timeout and as a
 * ladder), or offer it again; a report that is not done or could not run
 * changes nothing. Returns true when the form changed (redraw it). */
bool form_preflight_apply_limits(MigrationForm *form, const PreflightReport *report);

/* The lines the form shows for a report (at most max):
 * a summary, then failures, warnings and passes. Returns how many. */
size_t form_preflight_lines(const PreflightReport *report, const char *dest_name,
                            char (*lines)[FORM_PREFLIGHT_LINE], size_t max);

#endif
