/* The migration form: every option core supports for one domain, grouped,
 * validated as the operator types, with the equivalent `virsh migrate` line.
 *
 * Pure UI driven by the console loop: it never blocks and never talks to
 * libvirt. Keys come from the loop (wget_wch: a character, or a KEY_* code
 * when is_function_key); snapshots come from the loop whenever core changed.
 * Launching calls core_request_migrate() (core_request_migrate_assisted()
 * when an assistant ladder is chosen), which validates again: its problems
 * are shown in the form, which then stays open. */
#ifndef VIRTMIG_TUI_FORM_H
#define VIRTMIG_TUI_FORM_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "core.h"

typedef struct _MigrationForm MigrationForm;

typedef enum {
    FORM_CONTINUE = 0,   /* keep the form open (and redraw it) */
    FORM_CANCELLED,      /* Esc or Cancel: the caller frees the form */
    FORM_LAUNCHED,       /* core accepted it: migration_form_launched_id(); caller frees */
} FormResult;

/* Opens the form on a domain of `source_host` (an index into snapshot->hosts),
 * with virtmig's defaults (live, p2p, persistent) and the first connected
 * host other than the source as destination. Copies what it needs from the
 * snapshot. Returns NULL only on allocation failure. */
MigrationForm *migration_form_open(const CoreSnapshot *snapshot, size_t source_host,
                                   const char *domain_uuid);

/* Hosts come and go, the domain may change state or vanish: call after every
 * new snapshot. Keeps the chosen destination if it is still connected. */
void migration_form_update(MigrationForm *form, const CoreSnapshot *snapshot);

/* One key from the console loop. `core` is used only to launch. */
FormResult migration_form_handle_key(MigrationForm *form, int key, bool is_function_key,
                                     Core *core);

/* A mouse click at (row, col) relative to the window last drawn into: focuses
 * the field there, toggles a check box, presses a button. Returns
 * FORM_CONTINUE when the click stays in the form. */
FormResult migration_form_click(MigrationForm *form, int row, int col, Core *core);

/* Draws the whole form into `window` (sized by the caller; usable from 80x24,
 * adapts on every call, so a resize needs only a redraw). */
void migration_form_draw(MigrationForm *form, WINDOW *window);

/* Pre-flight check results, one line each (copied). Until called, the form
 * shows "pre-flight checks: not run yet". count 0 clears the section. */
int migration_form_set_checks(MigrationForm *form, const char *const *lines, size_t count);

/* Marks a field impossible for this guest (pre-flight: an assigned VF rules
 * out post-copy) or possible again: it is disabled and left out of the
 * options. Returns true when that changed anything. */
bool migration_form_set_unavailable(MigrationForm *form, int field, bool unavailable);

/* The id core returned for the launch, once handle_key returned FORM_LAUNCHED. */
unsigned migration_form_launched_id(const MigrationForm *form);

void migration_form_free(MigrationForm *form);

#endif
