/* Line walking and problem lists for text parsers: see text_lines.h. */
#include "text_lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int text_lines_each(const char *text, TextLineVisitor visit, void *context)
{
    size_t number = 0;
    for (const char *start = text ? text : ""; *start; ) {
        size_t length = strcspn(start, "\n");
        number++;
        char *line = strndup(start, length);
        if (!line)
            return -1;
        if (length > 0 && line[length - 1] == '\r')
            line[length - 1] = '\0';
        int rc = visit(line, number, context);
        free(line);
        if (rc < 0)
            return -1;
        start += length;
        if (*start == '\n')
            start++;
    }
    return 0;
}

int text_problems_addv(char ***items, size_t *count, const char *format, va_list args)
{
    char *text = NULL;
    if (vasprintf(&text, format, args) < 0)
        return -1;
    char **grown = realloc(*items, (*count + 1) * sizeof(*grown));
    if (!grown) {
        free(text);
        return -1;
    }
    *items = grown;
    (*items)[(*count)++] = text;
    return 0;
}
