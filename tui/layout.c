/* Layout arithmetic; see layout.h. Every size here is chosen so that the
 * smallest supported screen (80x24) still shows the header, a few domain
 * rows, a readable graph, the progress bars and the verdict. */
#include "layout.h"

#include <math.h>

#define FOOTER_LINES 2          /* message line + key hints */
#define HEADER_HOST_WIDTH 40    /* columns one host's entry needs in the header */
#define MIN_TABLE_LINES 5       /* column titles + 4 rows */
#define MIN_DETAIL_LINES 10
#define WIDE_SCREEN_COLS 160    /* from here the detail pane sits beside the table */
#define STATS_WIDTH_NARROW 36
#define VERDICT_LINES 2         /* verdict + remedy keys */

static int max_int(int a, int b) { return a > b ? a : b; }
static int min_int(int a, int b) { return a < b ? a : b; }

ScreenLayout layout_screen(int rows, int cols, size_t host_count)
{
    ScreenLayout layout = { 0 };
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        layout.too_small = true;
        return layout;
    }
    layout.hosts_per_header_line = max_int(1, cols / HEADER_HOST_WIDTH);
    size_t per_line = (size_t)layout.hosts_per_header_line;
    int host_lines = (int)((host_count + per_line - 1) / per_line);
    /* Many hosts must not eat the table: past this the header says "+N more". */
    host_lines = min_int(max_int(host_lines, 1), max_int(1, rows / 8));

    layout.header = (UiRect){ 0, 0, 1 + host_lines, cols };
    layout.footer = (UiRect){ rows - FOOTER_LINES, 0, FOOTER_LINES, cols };
    int body_top = layout.header.height;
    int body = rows - layout.header.height - FOOTER_LINES;

    if (cols >= WIDE_SCREEN_COLS) {
        int table_width = cols * 55 / 100;
        layout.side_by_side = true;
        layout.table = (UiRect){ body_top, 0, body, table_width };
        layout.detail = (UiRect){ body_top, table_width, body, cols - table_width };
        return layout;
    }
    int table = body * 2 / 5;
    table = max_int(table, MIN_TABLE_LINES);
    table = min_int(table, body - MIN_DETAIL_LINES);
    layout.table = (UiRect){ body_top, 0, table, cols };
    layout.detail = (UiRect){ body_top + table, 0, body - table, cols };
    return layout;
}

TableColumns layout_table_columns(int width)
{
    /* One column of space between columns: 5 gaps. */
    TableColumns c = { .state = 8, .vcpus = 3, .memory = 8, .sparkline = 10, .migration = 0 };
    int fixed = c.state + c.vcpus + c.memory + c.sparkline + 5;
    int rest = width - fixed;
    if (rest >= 16 + 30) {
        /* A migration cell: small bar, percent and "labhost1->labhost2". */
        c.migration = rest / 2 > 30 ? rest / 2 : 30;
        if (c.migration > 44)
            c.migration = 44;
        rest -= c.migration;
    } else {
        c.migration = 0;
        /* Too narrow for a direction: give the sparkline's room to the name. */
        rest += c.sparkline - 6;
        c.sparkline = 6;
    }
    c.name = max_int(rest, 8);
    return c;
}

DetailLayout layout_detail(UiRect pane, bool migrating)
{
    DetailLayout d = { 0 };
    d.title = (UiRect){ pane.top, pane.left, 1, pane.width };
    d.verdict = (UiRect){ pane.top + pane.height - VERDICT_LINES, pane.left, VERDICT_LINES,
                          pane.width };
    int middle_top = pane.top + 1;
    int middle = pane.height - 1 - VERDICT_LINES;
    if (middle < 0)
        middle = 0;

    int stats_width = pane.width >= 110 ? pane.width * 45 / 100 : STATS_WIDTH_NARROW;
    if (pane.width - stats_width < 30)
        stats_width = 0;   /* too narrow for both: the graph wins */
    int left_width = pane.width - stats_width - (stats_width ? 1 : 0);
    d.stats = (UiRect){ middle_top, pane.left + pane.width - stats_width, middle, stats_width };

    d.bar_count = migrating ? 3 : 0;
    /* The graph keeps at least 3 lines; bars give way first. */
    while (d.bar_count > 0 && middle - d.bar_count < 3)
        d.bar_count--;
    d.graph = (UiRect){ middle_top, pane.left, middle - d.bar_count, left_width };
    d.bars = (UiRect){ middle_top + d.graph.height, pane.left, d.bar_count, left_width };
    return d;
}

size_t layout_scroll(size_t selected, size_t scroll, size_t visible, size_t count)
{
    if (visible == 0 || count <= visible)
        return 0;
    if (selected >= count)
        selected = count - 1;
    if (selected < scroll)
        scroll = selected;
    else if (selected >= scroll + visible)
        scroll = selected - visible + 1;
    /* Never leave empty lines below the last row after the list shrank. */
    if (scroll > count - visible)
        scroll = count - visible;
    return scroll;
}

void layout_bar_cells(double fraction, int width, int *full, int *eighths)
{
    *full = 0;
    *eighths = 0;
    if (width <= 0 || !(fraction > 0.0))   /* also catches NaN */
        return;
    if (fraction >= 1.0) {
        *full = width;
        return;
    }
    long total_eighths = lround(floor(fraction * width * 8.0));
    *full = (int)(total_eighths / 8);
    *eighths = (int)(total_eighths % 8);
    if (*full >= width) {
        *full = width;
        *eighths = 0;
    }
}

double layout_nice_scale(double value, double floor_value)
{
    if (!(value > floor_value))
        value = floor_value;
    if (!(value > 0.0))
        return 1.0;
    double magnitude = pow(10.0, floor(log10(value)));
    static const double steps[] = { 1.0, 2.0, 5.0, 10.0 };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        /* Small tolerance: 100.0000001 from float noise must stay 100. */
        if (steps[i] * magnitude >= value * (1.0 - 1e-9))
            return steps[i] * magnitude;
    }
    return 10.0 * magnitude;
}

int layout_spark_level(double value, double max)
{
    if (!(max > 0.0) || !(value > 0.0))
        return 0;
    if (value >= max)
        return 7;
    int level = (int)(value / max * 8.0);
    return level > 7 ? 7 : level;
}

int layout_graph_dots(double value, double max, int height)
{
    if (height <= 0 || !(max > 0.0) || !(value > 0.0))
        return 0;
    if (value >= max)
        return height;
    int dots = (int)lround(value / max * height);
    /* Any non-zero value shows at least one dot: "a little" is not "nothing". */
    if (dots == 0)
        dots = 1;
    return dots;
}
