/* Word wrapping by display width, for the virsh preview, field problems and
 * dialog texts. Pure: works on byte ranges of the caller's string. */
#ifndef VIRTMIG_TUI_FORM_WRAP_H
#define VIRTMIG_TUI_FORM_WRAP_H

#include <stddef.h>

typedef struct {
    size_t start;    /* byte offset into the wrapped text */
    size_t length;   /* bytes, without the space or newline that ended it */
} FormWrapLine;

/* Splits `text` into lines of at most `width` columns, breaking after spaces
 * where it can, at '\n' always, and inside a word only when the word alone is
 * wider than the line. Fills up to `max` lines and returns how many lines the
 * whole text needs (so a caller can show "..." when it is more than max).
 * NULL or "" gives 0 lines; width 0 is treated as 1. */
size_t form_wrap(const char *text, size_t width, FormWrapLine *lines, size_t max);

/* Where a line may break. */
typedef enum {
    FORM_WRAP_WORDS = 0,   /* at any space */
    FORM_WRAP_COMMAND,     /* a shell command: not inside '...' quotes and not
                              between an option and its value ("--bandwidth 50"
                              stays on one line); any space when nothing else fits */
} FormWrapRule;

/* form_wrap() with a choice of break rule. */
size_t form_wrap_rule(const char *text, size_t width, FormWrapLine *lines, size_t max,
                      FormWrapRule rule);

/* Display columns of one character at text[offset] (bytes in *bytes): as
 * tui/text_width.h counts them, so an invalid byte or a control counts 1. */
size_t form_char_width(const char *text, size_t length, size_t offset, size_t *bytes);

#endif
