/* Small drawing primitives shared by the parts of the console: text fitted by
 * display width, cleared rectangles, lines, progress bars, sparklines and the
 * dirty-rate graph. Colours by role only (colors.h); characters from
 * ui_glyphs() so ASCII terminals look right. */
#ifndef VIRTMIG_TUI_DRAW_H
#define VIRTMIG_TUI_DRAW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "colors.h"
#include "layout.h"
#include "progress_model.h"

/* Text at (y, x) fitted to max_columns (text_width.h flags: TEXT_FIT_PAD...),
 * in `role`. Returns the columns used; nothing when max_columns <= 0. */
int draw_text(WINDOW *window, int y, int x, int max_columns, ThemeRole role,
              const char *text, unsigned fit_flags);
/* Blank rectangle in `role` (its background shows). */
void draw_fill(WINDOW *window, UiRect area, ThemeRole role);
/* A horizontal rule of `width` cells. */
void draw_hline(WINDOW *window, int y, int x, int width, ThemeRole role);

/* A bar `width` cells wide filled to fraction (eighths in UTF-8). */
void progress_bar_draw(WINDOW *window, int y, int x, int width, double fraction);
/* The same bar with filled and empty cells both in `role` (a selected row:
 * the glyphs alone show the fill). */
void progress_bar_draw_in(WINDOW *window, int y, int x, int width, double fraction,
                          ThemeRole role);
/* One progress line: label, bar, percent, processed/total, rate, ETA (what
 * fits in `width`); a later memory pass shows "pass N, X left of Y". */
void progress_line_draw(WINDOW *window, int y, int x, int width, const char *label,
                        const ProgressValue *value);

/* A sparkline of the newest samples that fit in `width` columns, scaled to
 * its own maximum (at least floor_mibs), in `role` (THEME_GRAPH_DIRTY, or the
 * row's own role so a selected row stays highlighted across the cell). */
void sparkline_draw(WINDOW *window, int y, int x, int width, const double *values,
                    size_t count, double floor_mibs, ThemeRole role);

/* One series of a graph: values in MiB/s at monotonic times. */
typedef struct {
    const uint64_t *at_ms;
    const double *values;
    size_t count;
    ThemeRole role;
    const char *label;        /* legend, e.g. "dirty" */
    bool filled;              /* area (dirty rate) or line (bandwidth) */
} GraphSeries;

/* A time graph of up to two series over `area`: left axis with the scale
 * (MiB/s), bottom axis with the time span, legend on the top line. The right
 * edge is end_ms; each dot column is bucket_ms wide. */
void graph_draw(WINDOW *window, UiRect area, const GraphSeries *series, size_t series_count,
                uint64_t end_ms, uint64_t bucket_ms);

#endif
