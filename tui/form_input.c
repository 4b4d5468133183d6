/* One-line UTF-8 editing for form fields and dialog inputs. */
#include "form_input.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

enum { CTRL_A = 1, CTRL_E = 5, CTRL_H = 8, CTRL_K = 11, CTRL_U = 21, DEL = 127 };

static bool is_continuation(unsigned char byte)
{
    return (byte & 0xC0) == 0x80;
}

size_t form_utf8_prev(const char *text, size_t offset)
{
    if (!text || offset == 0)
        return 0;
    offset--;
    while (offset > 0 && is_continuation((unsigned char)text[offset]))
        offset--;
    return offset;
}

size_t form_utf8_next(const char *text, size_t length, size_t offset)
{
    if (!text || offset >= length)
        return length;
    offset++;
    while (offset < length && is_continuation((unsigned char)text[offset]))
        offset++;
    return offset;
}

static int reserve(FormInput *input, size_t needed)
{
    if (needed + 1 <= input->capacity)
        return 0;
    size_t capacity = input->capacity ? input->capacity : 32;
    while (capacity < needed + 1)
        capacity *= 2;
    /* Not realloc: the old buffer may hold a password, so it is wiped. */
    char *bigger = calloc(capacity, 1);
    if (!bigger)
        return -1;
    if (input->text) {
        memcpy(bigger, input->text, input->length + 1);
        explicit_bzero(input->text, input->capacity);
        free(input->text);
    }
    input->text = bigger;
    input->capacity = capacity;
    return 0;
}

int form_input_set(FormInput *input, const char *text)
{
    size_t length = text ? strlen(text) : 0;
    if (reserve(input, length) < 0)
        return -1;
    if (length)
        memcpy(input->text, text, length);
    input->text[length] = '\0';
    input->length = length;
    input->cursor = length;
    return 0;
}

const char *form_input_text(const FormInput *input)
{
    return input && input->text ? input->text : "";
}

void form_input_clear(FormInput *input)
{
    if (!input)
        return;
    if (input->text) {
        explicit_bzero(input->text, input->capacity);
        free(input->text);
    }
    input->text = NULL;
    input->length = input->capacity = input->cursor = 0;
}

static FormInputOutcome insert_character(FormInput *input, wchar_t character)
{
    char bytes[MB_LEN_MAX];
    mbstate_t state;
    memset(&state, 0, sizeof(state));
    size_t count = wcrtomb(bytes, character, &state);
    if (count == (size_t)-1)
        return FORM_INPUT_IGNORED;   /* not representable in this locale */
    if (reserve(input, input->length + count) < 0)
        return FORM_INPUT_NO_MEMORY;
    memmove(input->text + input->cursor + count, input->text + input->cursor,
            input->length - input->cursor + 1);
    memcpy(input->text + input->cursor, bytes, count);
    input->length += count;
    input->cursor += count;
    return FORM_INPUT_CHANGED;
}

static void delete_range(FormInput *input, size_t from, size_t to)
{
    if (!input->text || from >= to)
        return;
    memmove(input->text + from, input->text + to, input->length - to + 1);
    input->length -= to - from;
    /* Leave no copy of deleted credential bytes behind the NUL. */
    explicit_bzero(input->text + input->length + 1, to - from);
}

static FormInputOutcome function_key(FormInput *input, int key)
{
    switch (key) {
    case KEY_BACKSPACE:
        if (input->cursor == 0)
            return FORM_INPUT_MOVED;
        {
            size_t previous = form_utf8_prev(input->text, input->cursor);
            delete_range(input, previous, input->cursor);
            input->cursor = previous;
        }
        return FORM_INPUT_CHANGED;
    case KEY_DC:
        if (input->cursor >= input->length)
            return FORM_INPUT_MOVED;
        delete_range(input, input->cursor,
                     form_utf8_next(input->text, input->length, input->cursor));
        return FORM_INPUT_CHANGED;
    case KEY_LEFT:
        input->cursor = form_utf8_prev(input->text, input->cursor);
        return FORM_INPUT_MOVED;
    case KEY_RIGHT:
        input->cursor = form_utf8_next(input->text, input->length, input->cursor);
        return FORM_INPUT_MOVED;
    case KEY_HOME:
        input->cursor = 0;
        return FORM_INPUT_MOVED;
    case KEY_END:
        input->cursor = input->length;
        return FORM_INPUT_MOVED;
    default:
        return FORM_INPUT_IGNORED;
    }
}

FormInputOutcome form_input_key(FormInput *input, int key, bool is_function_key)
{
    if (!input)
        return FORM_INPUT_IGNORED;
    if (is_function_key)
        return function_key(input, key);
    switch (key) {
    case DEL:
    case CTRL_H:
        return function_key(input, KEY_BACKSPACE);
    case CTRL_A:
        return function_key(input, KEY_HOME);
    case CTRL_E:
        return function_key(input, KEY_END);
    case CTRL_U:
        delete_range(input, 0, input->cursor);
        input->cursor = 0;
        return FORM_INPUT_CHANGED;
    case CTRL_K:
        delete_range(input, input->cursor, input->length);
        return FORM_INPUT_CHANGED;
    default:
        break;
    }
    if (key < 32 || key > WCHAR_MAX || !iswprint((wint_t)key))
        return FORM_INPUT_IGNORED;
    return insert_character(input, (wchar_t)key);
}
