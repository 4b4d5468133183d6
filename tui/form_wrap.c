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

/* May a command line break at the space at text[offset]? Not inside single
 * quotes, and not right after an option ("-c", "--bandwidth") when a value
 * (a word not starting with '-') follows. */
static bool command_can_break(const char *text, size_t offset)
{
    bool quoted = false;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\'')
            quoted = !quoted;
    }
    if (quoted)
        return false;
    size_t start = offset;
    while (start > 0 && text[start - 1] != ' ')
        start--;
    bool after_option = text[start] == '-';
    bool before_value = text[offset + 1] != '-' && text[offset + 1] != '\0';
    return !(after_option && before_value);
}

size_t form_wrap(const char *text, size_t width, FormWrapLine *lines, size_t max)
{
    return form_wrap_rule(text, width, lines, max, FORM_WRAP_WORDS);
}

size_t form_wrap_rule(const char *text, size_t width, FormWrapLine *lines, size_t max,
                      FormWrapRule rule)
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
        size_t any_space = (size_t)-1;      /* offset of the last space of any kind */
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
            if (text[offset] == ' ') {
                any_space = offset;
                if (rule == FORM_WRAP_WORDS || command_can_break(text, offset))
                    last_space = offset;
            }
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
        /* The line is full: break at the space right here or the last
         * breakable one; when the rule leaves none, at any space; a word
         * wider than the line is cut. */
        bool preferred = last_space != (size_t)-1 && last_space > line_start;
        bool space_here = text[offset] == ' ';
        size_t at = (size_t)-1;
        if (space_here && (rule == FORM_WRAP_WORDS || command_can_break(text, offset)))
            at = offset;
        else if (preferred)
            at = last_space;
        else if (space_here)
            at = offset;
        else if (any_space != (size_t)-1 && any_space > line_start)
            at = any_space;
        if (at != (size_t)-1) {
            emit(lines, max, &count, line_start, at);
            line_start = at + 1;
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
