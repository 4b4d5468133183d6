/* How the console draws: colours by role and the characters for lines, bars
 * and graphs, so every part of tui/ (table, detail pane, form, dialogs) looks
 * the same and follows the theme and the locale.
 *
 * Drawing code never names a colour: it asks for a role,
 *     wattr_on(win, ui_color(THEME_ROLE_X), NULL); ... wattr_off(...)
 * and uses ui_glyphs() for anything beyond ASCII, because LANG=C terminals
 * must look right too (UTF-8 only when nl_langinfo(CODESET) says so).
 *
 * Everything here is process-wide UI state owned by the console loop
 * (tui/app.c); it is set up once curses runs and read from drawing code. */
#ifndef VIRTMIG_TUI_COLORS_H
#define VIRTMIG_TUI_COLORS_H

#include <stdbool.h>
#include <stddef.h>

#include "theme_file.h"   /* ThemeRole, Theme */

/* ---- colours ------------------------------------------------------- */

/* Curses attributes (colour pair | bold/dim/reverse/...) for a role, to pass to
 * wattr_on()/wattron()/wbkgdset(). Before ui_colors_init(), or for an unknown
 * role, A_NORMAL: drawing never fails because of colours. */
int ui_color(ThemeRole role);

/* Chooses and applies the theme, after initscr()/start_color().
 * Order: theme_name (from --theme) if given, else `theme = NAME` from the
 * config file, else "default". With NO_COLOR set (any value) or a terminal
 * without colours, the monochrome attributes are used whatever the theme.
 * Never fatal: when a theme cannot be loaded the built-in defaults are used
 * and *notice (malloc'd, caller frees) says what went wrong and how to fix it;
 * *notice is NULL when all went well. Returns 0, or -1 only on allocation
 * failure. themes_dir / config_path NULL: the defaults of TuiOptions. */
int ui_colors_init(const char *theme_name, const char *themes_dir, const char *config_path,
                   char **notice);
/* Switches to the next theme found (alphabetical, wrapping) and saves the
 * choice to the config file (temp file + rename, other lines kept).
 * *notice (malloc'd) says what is now in use, or why saving failed. */
int ui_colors_cycle(char **notice);
const char *ui_colors_theme_name(void);   /* never NULL */
bool ui_colors_monochrome(void);          /* NO_COLOR or no colour support */
void ui_colors_shutdown(void);

/* ---- characters ---------------------------------------------------- */

typedef struct {
    bool utf8;                  /* the locale's codeset is UTF-8 */
    /* lines and boxes (curses' ACS_* also work in both modes) */
    const char *hline, *vline;
    const char *corner_tl, *corner_tr, *corner_bl, *corner_br;
    const char *tee_left, *tee_right;        /* ├ ┤ */
    /* progress bars: full cell, empty cell, and 1/8..7/8 partial cells
     * (bar_partial[0] is 1/8; in ASCII mode all partials are "" and bars move
     * by whole cells) */
    const char *bar_full, *bar_empty;
    const char *bar_partial[7];
    /* sparklines: spark[0] lowest .. spark[7] highest, one column each */
    const char *spark[8];
    /* small marks */
    const char *arrow_right;    /* "→" or "->" (migration direction) */
    const char *ellipsis;       /* "…" or "~" */
    const char *up, *down;      /* scroll hints "▲" "▼" or "^" "v" */
    const char *bullet;         /* "•" or "*" */
    const char *check_on, *check_off;   /* "[x]" "[ ]" in both modes */
    const char *radio_on, *radio_off;   /* "(*)" "( )" in both modes */
    const char *degraded;       /* "⚠" or "!" */
} UiGlyphs;

/* Picks the character set; the console calls it once after setlocale(), from
 * nl_langinfo(CODESET). Tests may call it directly. */
void ui_glyphs_init(bool utf8);
bool ui_utf8(void);
const UiGlyphs *ui_glyphs(void);   /* never NULL; ASCII until ui_glyphs_init(true) */

/* Graph dots: braille in UTF-8 (2 columns x 4 rows of dots per cell), so a
 * graph gets 4x the vertical resolution of a text row; in ASCII mode one mark
 * per cell. Writes the UTF-8 (or ASCII) bytes for a cell whose dots are set in
 * `dots` (bit 0..3: left column top..bottom, bit 4..7: right column top..bottom)
 * into buf (at least 4 bytes + NUL). Returns buf. */
char *ui_braille_cell(unsigned dots, char buf[8]);

#endif
