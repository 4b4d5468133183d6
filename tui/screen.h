/* The terminal: curses start and stop, the locale's character set, the
 * terminal size, and the screen shown when the terminal is too small.
 * Only tui/app.c calls these. */
#ifndef VIRTMIG_TUI_SCREEN_H
#define VIRTMIG_TUI_SCREEN_H

#include <stdbool.h>

/* Starts curses on the controlling terminal: raw keys, no echo, keypad,
 * mouse, hidden cursor, non-blocking reads (the loop polls). Picks UTF-8 or
 * ASCII glyphs from nl_langinfo(CODESET). Returns 0, or -1 with *error
 * (malloc'd) saying why (e.g. not a terminal, unknown TERM). */
int screen_start(char **error);
/* Restores the terminal. Safe to call twice. */
void screen_stop(void);

/* The current size (after KEY_RESIZE curses has already updated it). */
void screen_size(int *rows, int *cols);

/* "Terminal too small" over the whole screen: what is needed, what there is. */
void screen_draw_too_small(int rows, int cols);

#endif
