/* Where each part of the console goes, and the small arithmetic of drawing
 * (bar cells, graph scales, scrolling). Pure: no curses, so the unit tests
 * pin the layout at 80x24, 120x40 and beyond without a terminal. */
#ifndef VIRTMIG_TUI_LAYOUT_H
#define VIRTMIG_TUI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Below this the console shows a "terminal too small" screen instead of a
 * broken layout. */
#define LAYOUT_MIN_COLS 80
#define LAYOUT_MIN_ROWS 24

typedef struct {
    int top, left, height, width;
} UiRect;

typedef struct {
    bool too_small;
    int hosts_per_header_line;   /* host entries side by side in the header */
    UiRect header, table, detail, footer;
    bool side_by_side;           /* detail right of the table (wide screens) */
} ScreenLayout;

/* Splits a rows x cols screen for host_count hosts. When too_small, only
 * too_small is meaningful. */
ScreenLayout layout_screen(int rows, int cols, size_t host_count);

/* Domain table columns, in screen columns; 0 means the column is hidden. */
typedef struct {
    int name, state, vcpus, memory, sparkline, migration;
} TableColumns;
TableColumns layout_table_columns(int width);

/* The detail pane: a graph, the progress bars, the verdict and remedies,
 * then the job statistics (beside the graph when wide enough). */
typedef struct {
    UiRect title, graph, bars, verdict, stats;
    int bar_count;               /* progress bar lines that fit (0..3) */
} DetailLayout;
DetailLayout layout_detail(UiRect pane, bool migrating);

/* Keeps `selected` visible in a window of `visible` lines over `count` lines,
 * moving the old scroll offset as little as possible. */
size_t layout_scroll(size_t selected, size_t scroll, size_t visible, size_t count);

/* A bar of `width` cells filled to fraction (clamped to 0..1): whole cells,
 * plus eighths of the next cell (0..7). full + (eighths ? 1 : 0) <= width. */
void layout_bar_cells(double fraction, int width, int *full, int *eighths);

/* The smallest "nice" axis maximum (1, 2 or 5 times a power of ten) that is
 * >= value; at least `floor_value` so an idle graph does not magnify noise. */
double layout_nice_scale(double value, double floor_value);

/* Sparkline level 0..7 of value on a 0..max scale; 0 when max <= 0. */
int layout_spark_level(double value, double max);

/* Row `y` (0 = bottom) of a graph `height` dots high for value on 0..max:
 * how many dots of the column are lit (0..height). */
int layout_graph_dots(double value, double max, int height);

#endif
