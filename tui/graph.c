/* The dirty-rate graph: braille dots in UTF-8 (2x4 dots per cell), one mark
 * per cell in ASCII, against time, with the migration's send rate on the same
 * axes so "dirtying faster than we send" shows as the area rising above the
 * line. See draw.h. */
#include "draw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_raster.h"
#include "text_width.h"
#include "units.h"

#define GUTTER 6          /* "1000 " + axis */
#define MAX_SERIES 2
#define SCALE_FLOOR_MIBS 1.0

static void format_axis_value(char *buf, size_t size, double value)
{
    if (value >= 10000.0)
        snprintf(buf, size, "%.0fG", value / 1024.0);
    else if (value >= 10.0 || value == floor(value))
        snprintf(buf, size, "%.0f", value);
    else
        snprintf(buf, size, "%.1f", value);
}

static void format_span(char *buf, size_t size, uint64_t ms)
{
    uint64_t s = ms / 1000;
    if (s >= 120)
        snprintf(buf, size, "-%llum", (unsigned long long)(s / 60));
    else
        snprintf(buf, size, "-%llus", (unsigned long long)s);
}

/* Draws the legend line: each series' label and newest value. */
static void draw_legend(WINDOW *window, UiRect area, const GraphSeries *series, size_t n,
                        double scale)
{
    int x = area.left;
    int end = area.left + area.width;
    char text[96], rate[UNITS_BUF];
    for (size_t i = 0; i < n && x < end; i++) {
        const GraphSeries *s = &series[i];
        const char *mark = s->filled ? ui_glyphs()->bar_full : ui_glyphs()->hline;
        x += draw_text(window, area.top, x, end - x, s->role, mark, 0);
        if (s->count > 0)
            snprintf(text, sizeof text, " %s %s  ", s->label,
                     units_format_rate(rate, sizeof rate,
                                       s->values[s->count - 1] * 1024.0 * 1024.0));
        else
            snprintf(text, sizeof text, " %s: no samples  ", s->label);
        x += draw_text(window, area.top, x, end - x, THEME_TEXT, text, 0);
    }
    char axis[48];
    snprintf(axis, sizeof axis, "scale 0-%g MiB/s", scale);
    int width = (int)strlen(axis);
    if (end - x >= width)
        draw_text(window, area.top, end - width, width, THEME_GRAPH_AXIS, axis, 0);
}

void graph_draw(WINDOW *window, UiRect area, const GraphSeries *series, size_t series_count,
                uint64_t end_ms, uint64_t bucket_ms)
{
    if (area.height < 3 || area.width < GUTTER + 10)
        return;
    if (series_count > MAX_SERIES)
        series_count = MAX_SERIES;
    const UiGlyphs *glyphs = ui_glyphs();
    const int dots_x = glyphs->utf8 ? 2 : 1, dots_y = glyphs->utf8 ? 4 : 1;
    UiRect plot = { area.top + 1, area.left + GUTTER, area.height - 2, area.width - GUTTER };
    size_t columns = (size_t)plot.width * (size_t)dots_x;
    int dot_rows = plot.height * dots_y;

    double *buckets = calloc(columns * MAX_SERIES, sizeof *buckets);
    if (!buckets)
        return;
    double max = 0.0;
    for (size_t s = 0; s < series_count; s++) {
        graph_resample(series[s].at_ms, series[s].values, series[s].count, end_ms, bucket_ms,
                       columns, 3000, buckets + s * columns);
        double series_max = graph_max(buckets + s * columns, columns);
        if (series_max > max)
            max = series_max;
    }
    double scale = layout_nice_scale(max, SCALE_FLOOR_MIBS);
    draw_legend(window, area, series, series_count, scale);

    /* Left axis: top, middle and zero labels. */
    char label[16];
    for (int row = 0; row < plot.height; row++) {
        label[0] = '\0';
        if (row == 0)
            format_axis_value(label, sizeof label, scale);
        else if (row == plot.height / 2 && plot.height >= 4)
            format_axis_value(label, sizeof label, scale / 2.0);
        else if (row == plot.height - 1)
            snprintf(label, sizeof label, "0");
        draw_text(window, plot.top + row, area.left, GUTTER - 1, THEME_GRAPH_AXIS, label,
                  TEXT_FIT_PAD | TEXT_FIT_ALIGN_RIGHT);
        draw_text(window, plot.top + row, area.left + GUTTER - 1, 1, THEME_GRAPH_AXIS,
                  glyphs->vline, 0);
    }

    /* Dot height of every column of every series. */
    int *heights = calloc(columns * MAX_SERIES, sizeof *heights);
    if (!heights) {
        free(buckets);
        return;
    }
    for (size_t i = 0; i < columns * series_count; i++)
        heights[i] = isnan(buckets[i]) ? -1 : layout_graph_dots(buckets[i], scale, dot_rows);

    char cell[8];
    for (int row = 0; row < plot.height; row++) {
        wmove(window, plot.top + row, plot.left);
        for (int col = 0; col < plot.width; col++) {
            unsigned filled_dots = 0, line_dots = 0;
            for (int dx = 0; dx < dots_x; dx++) {
                size_t column = (size_t)(col * dots_x + dx);
                for (int dy = 0; dy < dots_y; dy++) {
                    /* Dot level counted from the bottom, 1-based. */
                    int level = (plot.height - row) * dots_y - dy;
                    unsigned bit = 1u << (dx * 4 + dy);
                    for (size_t s = 0; s < series_count; s++) {
                        int h = heights[s * columns + column];
                        if (h < 0)
                            continue;
                        if (series[s].filled ? level <= h : level == (h ? h : 1))
                            *(series[s].filled ? &filled_dots : &line_dots) |= bit;
                    }
                }
            }
            unsigned dots = filled_dots | line_dots;
            ThemeRole role = THEME_GRAPH_DIRTY;
            for (size_t s = 0; s < series_count; s++) {
                if (!series[s].filled && line_dots)
                    role = series[s].role;
                else if (series[s].filled && filled_dots && !line_dots)
                    role = series[s].role;
            }
            if (!glyphs->utf8) {
                /* ASCII: the line wins its cell, the area is '#'. */
                snprintf(cell, sizeof cell, "%s", line_dots ? "-" : filled_dots ? "#" : " ");
            } else {
                ui_braille_cell(dots, cell);
            }
            int attrs = dots ? ui_color(role) : ui_color(THEME_TEXT);
            wattr_on(window, (attr_t)attrs, NULL);
            waddstr(window, dots ? cell : " ");
            wattr_off(window, (attr_t)attrs, NULL);
        }
    }

    /* Bottom axis: the time span. */
    int bottom = area.top + area.height - 1;
    uint64_t span_ms = (uint64_t)columns * bucket_ms;
    char left[32], middle[32];
    format_span(left, sizeof left, span_ms);
    format_span(middle, sizeof middle, span_ms / 2);
    draw_text(window, bottom, area.left, GUTTER, THEME_GRAPH_AXIS, "", TEXT_FIT_PAD);
    draw_hline(window, bottom, plot.left, plot.width, THEME_GRAPH_AXIS);
    draw_text(window, bottom, plot.left, 8, THEME_GRAPH_AXIS, left, 0);
    int middle_x = plot.left + plot.width / 2 - (int)strlen(middle) / 2;
    draw_text(window, bottom, middle_x, 8, THEME_GRAPH_AXIS, middle, 0);
    draw_text(window, bottom, plot.left + plot.width - 3, 3, THEME_GRAPH_AXIS, "now", 0);
    free(heights);
    free(buckets);
}
