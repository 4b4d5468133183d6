/* Progress bars and sparklines; see draw.h. The numbers come from
 * progress_model.c, which makes sure a bar never runs backwards. */
#include "draw.h"

#include <stdio.h>
#include <string.h>

#include "text_width.h"
#include "units.h"

static void bar_draw(WINDOW *window, int y, int x, int width, double fraction,
                     ThemeRole fill_role, ThemeRole empty_role)
{
    if (width <= 0)
        return;
    const UiGlyphs *glyphs = ui_glyphs();
    int full, eighths;
    layout_bar_cells(fraction, width, &full, &eighths);
    int fill = ui_color(fill_role), empty = ui_color(empty_role);
    wmove(window, y, x);
    wattr_on(window, (attr_t)fill, NULL);
    for (int i = 0; i < full; i++)
        waddstr(window, glyphs->bar_full);
    int used = full;
    if (eighths > 0 && glyphs->bar_partial[eighths - 1][0]) {
        waddstr(window, glyphs->bar_partial[eighths - 1]);
        used++;
    }
    wattr_off(window, (attr_t)fill, NULL);
    wattr_on(window, (attr_t)empty, NULL);
    for (int i = used; i < width; i++)
        waddstr(window, glyphs->bar_empty);
    wattr_off(window, (attr_t)empty, NULL);
}

void progress_bar_draw(WINDOW *window, int y, int x, int width, double fraction)
{
    bar_draw(window, y, x, width, fraction, THEME_PROGRESS_FILL, THEME_PROGRESS_EMPTY);
}

void progress_bar_draw_in(WINDOW *window, int y, int x, int width, double fraction,
                          ThemeRole role)
{
    bar_draw(window, y, x, width, fraction, role, role);
}

void progress_line_draw(WINDOW *window, int y, int x, int width, const char *label,
                        const ProgressValue *value)
{
    char text[256];
    const int label_width = 8;
    draw_text(window, y, x, label_width, THEME_TEXT, label, TEXT_FIT_PAD);
    int rest = width - label_width;
    if (rest <= 0)
        return;
    if (!value->known) {
        draw_text(window, y, x + label_width, rest, THEME_TEXT, "not reported", 0);
        return;
    }
    char percent[UNITS_BUF], done[UNITS_BUF], total[UNITS_BUF], rate[UNITS_BUF],
        eta[UNITS_BUF], left[UNITS_BUF];
    snprintf(percent, sizeof percent, "%3.0f%%", value->fraction * 100.0);
    if (value->later_pass) {
        /* A new pass: say which and how much is left, so the reset bar is
         * read as "pass 3 of the remainder", not as going backwards. */
        units_format_bytes(left, sizeof left, value->remaining);
        units_format_bytes(total, sizeof total, value->pass_start_remaining);
        snprintf(text, sizeof text, "%s pass %llu, %s left of %s", percent,
                 (unsigned long long)value->iteration, left, total);
    } else if (value->holding_best) {
        /* The bar keeps its best; the numbers say where the job is now. */
        units_format_bytes(left, sizeof left, value->remaining);
        units_format_bytes(total, sizeof total, value->total);
        snprintf(text, sizeof text, "%s best, now %s left of %s", percent, left, total);
    } else {
        units_format_bytes(done, sizeof done,
                           value->total > value->remaining ? value->total - value->remaining
                                                           : 0);
        units_format_bytes(total, sizeof total, value->total);
        snprintf(text, sizeof text, "%s %s/%s", percent, done, total);
    }
    size_t used = strlen(text);
    if (value->rate_bytes_per_s > 0.0)
        used += (size_t)snprintf(text + used, sizeof text - used, "  %s",
                                 units_format_rate(rate, sizeof rate, value->rate_bytes_per_s));
    if (value->eta_known && value->fraction < 1.0 && used < sizeof text)
        snprintf(text + used, sizeof text - used, "  ETA %s",
                 units_format_duration_ms(eta, sizeof eta, value->eta_ms));

    /* The bar takes what the numbers leave, between 10 and 30 cells. */
    int text_columns = (int)strlen(text);
    int bar = rest - 1 - text_columns - 1;
    if (bar > 30)
        bar = 30;
    if (bar < 10)
        bar = rest >= 24 ? 10 : rest - 1;
    if (bar > 0)
        progress_bar_draw(window, y, x + label_width, bar, value->fraction);
    int text_x = x + label_width + (bar > 0 ? bar + 1 : 0);
    draw_text(window, y, text_x, x + width - text_x, THEME_TEXT, text, 0);
}

void sparkline_draw(WINDOW *window, int y, int x, int width, const double *values,
                    size_t count, double floor_mibs, ThemeRole role)
{
    if (width <= 0)
        return;
    size_t shown = count < (size_t)width ? count : (size_t)width;
    const double *newest = values + (count - shown);
    double max = 0.0;
    for (size_t i = 0; i < shown; i++)
        if (newest[i] > max)
            max = newest[i];
    if (max < floor_mibs)
        max = floor_mibs;
    const UiGlyphs *glyphs = ui_glyphs();
    int attrs = ui_color(role);
    wmove(window, y, x);
    wattr_on(window, (attr_t)attrs, NULL);
    /* Right-aligned: the newest sample is always at the right edge. */
    for (int i = 0; i < width - (int)shown; i++)
        waddch(window, ' ');
    for (size_t i = 0; i < shown; i++)
        waddstr(window, glyphs->spark[layout_spark_level(newest[i], max)]);
    wattr_off(window, (attr_t)attrs, NULL);
}
