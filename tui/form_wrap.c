/* Word wrapping by display width. */
#include "form_wrap.h"

#include <stdbool.h>
#include <string.h>
#include <wchar.h>

size_t form_char_width(const char *text, size_t length, size_t offset, size_t *bytes)
{
    mbstate_t state;
    memset(&state, 0, sizeof(state));
    wchar_t character;
    size_t used = mbrtowc(&character, text + offset, length - offset, &state);
    if (used == (size_t)-1 || used == (size_t)-2 || used == 0) {
        *bytes = 1;            /* shown as '?' */
        return 1;
    }
    *bytes = used;
    int columns = wcwidth(character);
    return columns < 0 ? 1 : (size_t)columns;   /* controls become '?' */
}

static void emit(FormWrapLine *lines, size_t max, size_t *count, size_t start, size_t end)
{
    if (*count < max) {
        lines[*count].start = start;
        lines[*count].length = end - start;
    }
    (*count)++;
}

size_t form_wrap(const char *text, size_t width, FormWrapLine *lines, size_t max)
{
    if (!text || !*text)
        return 0;
    if (width == 0)
        width = 1;
    size_t length = strlen(text);
    size_t count = 0;
    size_t line_start = 0;
    while (line_start < length) {
        size_t offset = line_start, columns = 0;
        size_t last_space = (size_t)-1;     /* offset of the last breakable space */
        bool newline = false;
        while (offset < length) {
            if (text[offset] == '\n') {
                newline = true;
                break;
            }
            size_t bytes;
            size_t cell = form_char_width(text, length, offset, &bytes);
            if (columns + cell > width)
                break;
            if (text[offset] == ' ')
                last_space = offset;
            columns += cell;
            offset += bytes;
        }
        if (newline || offset >= length) {
            emit(lines, max, &count, line_start, offset);
            line_start = offset + (newline ? 1 : 0);
            if (newline && line_start == length)
                break;
            continue;
        }
        /* The line is full. Break at the last space when there is one (and
         * the next character is not itself a space we can drop). */
        if (text[offset] == ' ') {
            emit(lines, max, &count, line_start, offset);
            line_start = offset + 1;
        } else if (last_space != (size_t)-1 && last_space > line_start) {
            emit(lines, max, &count, line_start, last_space);
            line_start = last_space + 1;
        } else {
            if (offset == line_start) {
                /* A character wider than the line: give it a line of its own. */
                size_t bytes;
                form_char_width(text, length, offset, &bytes);
                offset += bytes;
            }
            emit(lines, max, &count, line_start, offset);
            line_start = offset;
        }
    }
    return count;
}
