/* Small drawing pieces shared by the migration form and the dialogs: text
 * fitted by display width, rules with a title, input boxes, wrapped text.
 * Colours come from the caller as ui_color() attributes. */
#ifndef VIRTMIG_TUI_FORM_WIDGETS_H
#define VIRTMIG_TUI_FORM_WIDGETS_H

#include <curses.h>
#include <stdbool.h>

#include "form_input.h"

/* Draws `text` fitted to `width` columns at (y, x) (TextFitFlags in flags).
 * Returns the columns drawn. */
int form_put(WINDOW *window, int y, int x, int width, const char *text, int attrs,
             unsigned flags);
/* "── Title ─────" across `width` columns (title NULL: a plain rule). */
void form_rule(WINDOW *window, int y, int x, int width, const char *title, int rule_attrs,
               int title_attrs);
/* An input box `width` columns wide showing the part of the text around the
 * cursor; the cursor cell is drawn reversed when focused; `masked` shows one
 * '*' per character (credentials). */
void form_draw_input(WINDOW *window, int y, int x, int width, const FormInput *input,
                     bool focused, bool masked, int attrs);
/* Text wrapped to `width`, at most max_lines lines (the last one ends with an
 * ellipsis when more was needed). `prefix` (may be NULL) starts the first
 * line, later lines are indented by its width. Returns lines drawn. */
int form_draw_wrapped(WINDOW *window, int y, int x, int width, int max_lines,
                      const char *prefix, const char *text, int attrs);
/* Lines `text` needs at `width` after a prefix of `prefix_width` columns. */
int form_wrapped_height(const char *text, int width, int prefix_width);
/* A shell command wrapped between options (an option stays with its value),
 * and the lines it needs. */
int form_draw_command(WINDOW *window, int y, int x, int width, int max_lines,
                      const char *command, int attrs);
int form_command_height(const char *command, int width);

#endif
