/* Drawing pieces shared by the form and the dialogs. */
#include "form_widgets.h"

#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "form_wrap.h"
#include "text_width.h"

/* Widest run drawn at once; wider windows are cut there. */
#define MAX_COLUMNS 400

int form_put(WINDOW *window, int y, int x, int width, const char *text, int attrs,
             unsigned flags)
{
    if (!window || width <= 0)
        return 0;
    if (width > MAX_COLUMNS)
        width = MAX_COLUMNS;
    char buffer[MAX_COLUMNS * 4 + 1];
    size_t columns = text_fit(buffer, sizeof(buffer), text ? text : "", (size_t)width, flags);
    wattr_on(window, (attr_t)attrs, NULL);
    mvwaddstr(window, y, x, buffer);
    wattr_off(window, (attr_t)attrs, NULL);
    return (int)columns;
}

void form_rule(WINDOW *window, int y, int x, int width, const char *title, int rule_attrs,
               int title_attrs)
{
    if (!window || width <= 0)
        return;
    const char *hline = ui_glyphs()->hline;
    wattr_on(window, (attr_t)rule_attrs, NULL);
    wmove(window, y, x);
    for (int i = 0; i < width; i++)
        waddstr(window, hline);
    wattr_off(window, (attr_t)rule_attrs, NULL);
    if (title && *title && width > 6) {
        mvwaddstr(window, y, x + 2, " ");
        int used = form_put(window, y, x + 3, width - 6, title, title_attrs, 0);
        wattr_on(window, (attr_t)rule_attrs, NULL);
        mvwaddstr(window, y, x + 3 + used, " ");
        wattr_off(window, (attr_t)rule_attrs, NULL);
    }
}

/* Columns of text[from, to). */
static size_t span_width(const char *text, size_t from, size_t to)
{
    size_t columns = 0, length = strlen(text);
    while (from < to && from < length) {
        size_t bytes;
        columns += form_char_width(text, length, from, &bytes);
        from += bytes;
    }
    return columns;
}

void form_draw_input(WINDOW *window, int y, int x, int width, const FormInput *input,
                     bool focused, bool masked, int attrs)
{
    if (!window || width <= 0)
        return;
    const char *text = form_input_text(input);
    size_t cursor = input ? input->cursor : 0;
    char *shown = NULL;
    if (masked) {
        /* one '*' per character, the cursor at the same character */
        size_t length = strlen(text), characters = 0, before = 0;
        for (size_t at = 0; at < length; at = form_utf8_next(text, length, at)) {
            if (at < cursor)
                before++;
            characters++;
        }
        shown = malloc(characters + 1);
        if (!shown)
            return;
        memset(shown, '*', characters);
        shown[characters] = '\0';
        text = shown;
        cursor = before;
    }

    size_t length = strlen(text);
    if (cursor > length)
        cursor = length;
    /* Keep the cursor cell visible: drop characters from the left until the
     * text up to the cursor fits with one cell to spare. */
    size_t start = 0, room = width > 1 ? (size_t)width - 1 : 1;
    while (start < cursor && span_width(text, start, cursor) > room)
        start = form_utf8_next(text, length, start);
    form_put(window, y, x, width, text + start, attrs, TEXT_FIT_PAD | TEXT_FIT_NO_ELLIPSIS);

    if (focused) {
        size_t column = span_width(text, start, cursor);
        if (column < (size_t)width) {
            char cell[16] = " ";
            if (cursor < length) {
                size_t next = form_utf8_next(text, length, cursor);
                if (next - cursor < sizeof(cell)) {
                    memcpy(cell, text + cursor, next - cursor);
                    cell[next - cursor] = '\0';
                }
            }
            form_put(window, y, x + (int)column, width - (int)column, cell,
                     attrs | (int)A_REVERSE, TEXT_FIT_NO_ELLIPSIS);
        }
    }
    free(shown);
}

int form_wrapped_height(const char *text, int width, int prefix_width)
{
    int usable = width - prefix_width;
    if (!text || !*text || usable <= 0)
        return 0;
    return (int)form_wrap(text, (size_t)usable, NULL, 0);
}

int form_command_height(const char *command, int width)
{
    if (!command || !*command || width <= 0)
        return 0;
    return (int)form_wrap_rule(command, (size_t)width, NULL, 0, FORM_WRAP_COMMAND);
}

static int draw_wrapped(WINDOW *window, int y, int x, int width, int max_lines,
                        const char *prefix, const char *text, int attrs, FormWrapRule rule)
{
    if (!window || !text || max_lines <= 0)
        return 0;
    int prefix_width = prefix ? (int)text_width(prefix) : 0;
    int usable = width - prefix_width;
    if (usable <= 0)
        return 0;
    FormWrapLine lines[64];
    size_t max = max_lines < 64 ? (size_t)max_lines : 64;
    size_t needed = form_wrap_rule(text, (size_t)usable, lines, max, rule);
    size_t shown = needed < max ? needed : max;
    if (prefix)
        form_put(window, y, x, prefix_width, prefix, attrs, 0);
    for (size_t i = 0; i < shown; i++) {
        char *line = strndup(text + lines[i].start, lines[i].length);
        if (!line)
            return (int)i;
        bool cut = i + 1 == shown && needed > shown;
        if (cut) {
            /* mark the cut: fit the rest of the text, which ends in an ellipsis */
            free(line);
            line = strdup(text + lines[i].start);
            if (!line)
                return (int)i;
            for (char *c = line; *c; c++) {
                if (*c == '\n')
                    *c = ' ';
            }
        }
        form_put(window, y + (int)i, x + prefix_width, usable, line, attrs, 0);
        free(line);
    }
    return (int)shown;
}

int form_draw_wrapped(WINDOW *window, int y, int x, int width, int max_lines,
                      const char *prefix, const char *text, int attrs)
{
    return draw_wrapped(window, y, x, width, max_lines, prefix, text, attrs, FORM_WRAP_WORDS);
}

int form_draw_command(WINDOW *window, int y, int x, int width, int max_lines,
                      const char *command, int attrs)
{
    return draw_wrapped(window, y, x, width, max_lines, NULL, command, attrs,
                        FORM_WRAP_COMMAND);
}
