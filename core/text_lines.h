/* Plumbing shared by the line-oriented text parsers (hosts.conf in core/,
 * theme files in tui/): walking a text line by line, and collecting
 * "file:line: reason" problems into a growing list of strings. */
#ifndef VIRTMIG_TEXT_LINES_H
#define VIRTMIG_TEXT_LINES_H

#include <stdarg.h>
#include <stddef.h>

/* One line, 1-based `number`: a writable copy without its end of line ("\n",
 * or "\r\n" from files written on another system), freed after the call, so
 * the visitor may cut it up in place. Returns 0, or -1 to stop the walk. */
typedef int (*TextLineVisitor)(char *line, size_t number, void *context);

/* Visits every line of text (NULL: none). A last line without "\n" counts.
 * Returns 0, or -1 when out of memory or when visit returned -1. */
int text_lines_each(const char *text, TextLineVisitor visit, void *context);

/* Appends a printf-formatted message to *items (a malloc'd array of *count
 * malloc'd strings, owned by the caller). Returns 0, or -1 when out of memory
 * (the list is then unchanged). */
int text_problems_addv(char ***items, size_t *count, const char *format, va_list args)
    __attribute__((format(printf, 3, 0)));

#endif
