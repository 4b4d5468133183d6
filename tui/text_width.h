/* Display-width-aware fitting of text into terminal columns.
 *
 * Strings are multibyte in the current locale (UTF-8 in practice): widths come
 * from mbrtowc()/wcwidth(), so a CJK character takes 2 columns and a combining
 * mark 0. Invalid bytes and control characters are shown as '?' (one column):
 * a domain name must never be able to move the cursor. A character is never
 * cut in half. The ellipsis is "…" when the locale's codeset is UTF-8, else
 * "~". The caller must have called setlocale(LC_ALL, "") (tests: "C.UTF-8"). */
#ifndef VIRTMIG_TEXT_WIDTH_H
#define VIRTMIG_TEXT_WIDTH_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    TEXT_FIT_PAD        = 1u << 0,  /* pad with spaces to exactly `columns` */
    TEXT_FIT_ALIGN_RIGHT = 1u << 1, /* with PAD: spaces go on the left */
    TEXT_FIT_CUT_LEFT   = 1u << 2,  /* keep the end: "…/system" (URIs, paths) */
    TEXT_FIT_NO_ELLIPSIS = 1u << 3, /* cut without marking the cut */
} TextFitFlags;

/* Columns `text` takes once sanitised as above (NULL: 0). */
size_t text_width(const char *text);

/* Writes into dest (always NUL-terminated when dest_size > 0) the text fitted
 * to at most `columns` columns: cut with an ellipsis when too wide, padded
 * when TEXT_FIT_PAD. Returns the columns written. If dest is too small the
 * output stops early at a character boundary; columns * 4 + 1 bytes (UTF-8:
 * MB_LEN_MAX per column, plus combining marks) is enough for normal text. */
size_t text_fit(char *dest, size_t dest_size, const char *text, size_t columns,
                unsigned flags);
/* Like text_fit into a malloc'd string sized to fit; NULL on ENOMEM. */
char *text_fit_dup(const char *text, size_t columns, unsigned flags);

/* true when the current locale's codeset is UTF-8. */
bool text_locale_is_utf8(void);

#endif
