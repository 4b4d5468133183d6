/* Modal dialogs of the console, drawn centred over the screen.
 *
 * A dialog never runs its own getch loop: the console loop keeps polling core
 * and the terminal, passes each key to dialog_handle_key() and redraws with
 * dialog_draw(), so snapshots and resizes keep flowing while it is open.
 * The caller remembers what a dialog is for and reads its answer once
 * dialog_handle_key() returns DIALOG_ACCEPTED. */
#ifndef VIRTMIG_TUI_DIALOG_H
#define VIRTMIG_TUI_DIALOG_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct _Dialog Dialog;

typedef enum {
    DIALOG_CONTINUE = 0,   /* still open: redraw */
    DIALOG_ACCEPTED,       /* yes / OK / Enter with a valid value */
    DIALOG_CANCELLED,      /* no / Esc / closed viewer */
} DialogResult;

/* What a number dialog accepts; the unit parsing comes from core/units.h. */
typedef enum {
    DIALOG_NUMBER_PLAIN = 0,   /* a plain count */
    DIALOG_NUMBER_BYTES,       /* "64M", "1G", "4096" (bytes) */
    DIALOG_NUMBER_MIBS,        /* bandwidth in MiB/s: "50", "50M", "1G" */
    DIALOG_NUMBER_MS,          /* a duration in ms: "300", "300ms", "2s" */
    DIALOG_NUMBER_SECONDS,     /* a duration in s: "30", "30s", "2m" */
} DialogNumberKind;

/* Yes/no with an explanation (may hold newlines; wrapped to the width).
 * 'y' accepts and 'n' or Esc cancels at once; Enter answers the focused
 * button, which starts on the "no" one so a stray Enter never confirms;
 * Tab/Left/Right switch buttons. */
Dialog *dialog_confirm_new(const char *title, const char *text,
                           const char *yes_label, const char *no_label);
/* A number with a unit hint shown next to the input, e.g. "MiB/s". `initial`
 * may be NULL. Values outside [min, max] are refused inline with the reason. */
Dialog *dialog_number_new(const char *title, const char *label, DialogNumberKind kind,
                          uint64_t min, uint64_t max, const char *initial);
/* Text input for a credential; `hidden` shows '*' instead of the characters.
 * The typed text is wiped from memory when the dialog is freed. */
Dialog *dialog_secret_new(const char *title, const char *prompt, bool hidden);
/* A message with an OK button (Enter, Space or q: accepted; Esc: cancelled). */
Dialog *dialog_message_new(const char *title, const char *text);
/* A scrollable viewer over lines (copied), long lines wrapped; arrows or j/k,
 * PgUp/PgDn or Space, Home/End or g/G; q, Esc or Enter close it (cancelled). */
Dialog *dialog_viewer_new(const char *title, const char *const *lines, size_t count);
/* Replaces a viewer's lines (e.g. the journal grew); keeps the scroll position,
 * or follows the end when the operator went to the end (End/G or scrolling
 * down to it). Returns 0, or -1 on ENOMEM. */
int dialog_viewer_set_lines(Dialog *dialog, const char *const *lines, size_t count);

DialogResult dialog_handle_key(Dialog *dialog, int key, bool is_function_key);
/* Draws centred over `screen` (usually stdscr), sized to fit it. */
void dialog_draw(Dialog *dialog, WINDOW *screen);

/* Answers, valid after DIALOG_ACCEPTED. */
uint64_t dialog_number_value(const Dialog *dialog);
const char *dialog_text_value(const Dialog *dialog);   /* secret/number input as typed */

void dialog_free(Dialog *dialog);

#endif
