/* Text, rectangles and rules; see draw.h. */
#include "draw.h"

#include <stdlib.h>
#include <string.h>

#include "text_width.h"

int draw_text(WINDOW *window, int y, int x, int max_columns, ThemeRole role,
              const char *text, unsigned fit_flags)
{
    if (max_columns <= 0 || !text)
        return 0;
    /* Room for 4 bytes per column plus combining marks: text_width.h's rule. */
    size_t size = (size_t)max_columns * 4 + 16;
    char stack_buffer[1024];
    char *buffer = size <= sizeof stack_buffer ? stack_buffer : malloc(size);
    if (!buffer)
        return 0;
    size_t used = text_fit(buffer, size, text, (size_t)max_columns, fit_flags);
    int attrs = ui_color(role);
    wattr_on(window, (attr_t)attrs, NULL);
    mvwaddstr(window, y, x, buffer);
    wattr_off(window, (attr_t)attrs, NULL);
    if (buffer != stack_buffer)
        free(buffer);
    return (int)used;
}

void draw_fill(WINDOW *window, UiRect area, ThemeRole role)
{
    int attrs = ui_color(role);
    wattr_on(window, (attr_t)attrs, NULL);
    for (int row = 0; row < area.height; row++) {
        wmove(window, area.top + row, area.left);
        for (int col = 0; col < area.width; col++)
            waddch(window, ' ');
    }
    wattr_off(window, (attr_t)attrs, NULL);
}

void draw_hline(WINDOW *window, int y, int x, int width, ThemeRole role)
{
    int attrs = ui_color(role);
    wattr_on(window, (attr_t)attrs, NULL);
    const char *line = ui_glyphs()->hline;
    wmove(window, y, x);
    for (int i = 0; i < width; i++)
        waddstr(window, line);
    wattr_off(window, (attr_t)attrs, NULL);
}
