/* A one-line text editor for the form's fields and the dialogs' inputs.
 *
 * Pure (no curses calls; it only knows the KEY_* codes): UTF-8 text with a
 * cursor that always sits on a character boundary. Keys are what wget_wch()
 * returns: a wide character, or a KEY_* code when is_function_key. */
#ifndef VIRTMIG_TUI_FORM_INPUT_H
#define VIRTMIG_TUI_FORM_INPUT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *text;        /* NUL-terminated UTF-8, owned; NULL while empty */
    size_t length;     /* bytes, without the NUL */
    size_t capacity;
    size_t cursor;     /* byte offset of the cursor */
} FormInput;

typedef enum {
    FORM_INPUT_IGNORED = 0,   /* not an editing key: the caller may use it */
    FORM_INPUT_MOVED,         /* the cursor moved */
    FORM_INPUT_CHANGED,       /* the text changed */
    FORM_INPUT_NO_MEMORY,     /* the key was an edit but allocation failed */
} FormInputOutcome;

/* Replaces the text (NULL: empty) and puts the cursor at the end. 0 or -1. */
int form_input_set(FormInput *input, const char *text);
/* The text, "" when empty; never NULL. */
const char *form_input_text(const FormInput *input);
/* Handles Backspace, Delete, Left, Right, Home, End, Ctrl-A/E/U/K and
 * printable characters; anything else is FORM_INPUT_IGNORED. */
FormInputOutcome form_input_key(FormInput *input, int key, bool is_function_key);
/* Frees the text after overwriting it (credentials pass through here).
 * Accepts NULL; leaves an empty input that can be reused. */
void form_input_clear(FormInput *input);

/* Byte offset of the character before/after `offset` in text (clamped). */
size_t form_utf8_prev(const char *text, size_t offset);
size_t form_utf8_next(const char *text, size_t length, size_t offset);

#endif
