/* Display-width-aware fitting of text: see text_width.h. */
#include "text_width.h"

#include <langinfo.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* One character as it will be shown: its bytes (or "?" in its place) and the
 * columns it takes. */
typedef struct {
    const char *bytes;
    size_t length;        /* bytes shown */
    size_t consumed;      /* bytes of the source it stands for */
    size_t width;
} Glyph;

/* Reads the glyph at text (not at its end). */
static Glyph next_glyph(const char *text, mbstate_t *state)
{
    Glyph glyph = { .bytes = "?", .length = 1, .consumed = 1, .width = 1 };
    wchar_t wide;
    size_t rc = mbrtowc(&wide, text, strnlen(text, MB_LEN_MAX), state);
    if (rc == (size_t)-1 || rc == (size_t)-2 || rc == 0) {
        /* An invalid or truncated sequence: one '?' per bad byte, and start
         * afresh after it. */
        memset(state, 0, sizeof(*state));
        return glyph;
    }
    glyph.consumed = rc;
    int width = wcwidth(wide);
    if (width < 0)
        return glyph;      /* control or unprintable: '?' for all its bytes */
    glyph.bytes = text;
    glyph.length = rc;
    glyph.width = (size_t)width;
    return glyph;
}

bool text_locale_is_utf8(void)
{
    const char *codeset = nl_langinfo(CODESET);
    return codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "utf8") == 0);
}

size_t text_width(const char *text)
{
    if (!text)
        return 0;
    mbstate_t state;
    memset(&state, 0, sizeof(state));
    size_t width = 0;
    while (*text) {
        Glyph glyph = next_glyph(text, &state);
        width += glyph.width;
        text += glyph.consumed;
    }
    return width;
}

/* Output into a fixed buffer; buf NULL only counts. Once something does not
 * fit, nothing more is written, so a character is never cut. */
typedef struct {
    char *buf;
    size_t size;
    size_t length;
    size_t columns;
    bool full;
} Out;

static void out_append(Out *out, const char *bytes, size_t length, size_t width)
{
    if (out->full)
        return;
    if (out->buf) {
        if (out->length + length + 1 > out->size) {
            out->full = true;
            return;
        }
        memcpy(out->buf + out->length, bytes, length);
        out->buf[out->length + length] = '\0';
    }
    out->length += length;
    out->columns += width;
}

static void out_spaces(Out *out, size_t count)
{
    for (size_t i = 0; i < count; i++)
        out_append(out, " ", 1, 1);
}

/* Writes the fitted text, without padding. */
static void write_fitted(Out *out, const char *text, size_t columns, unsigned flags)
{
    size_t total = text_width(text);
    bool utf8 = text_locale_is_utf8();
    const char *ellipsis = (flags & TEXT_FIT_NO_ELLIPSIS) ? "" : utf8 ? "\xe2\x80\xa6" : "~";
    size_t ellipsis_width = *ellipsis ? 1 : 0;
    bool cut = total > columns;
    if (cut && columns < ellipsis_width)
        return;
    size_t keep = cut ? columns - ellipsis_width : columns;
    mbstate_t state;
    memset(&state, 0, sizeof(state));
    const char *p = text;

    if (cut && (flags & TEXT_FIT_CUT_LEFT)) {
        /* Drop characters from the front (with the marks that combine with
         * them) until the rest fits after the ellipsis. */
        size_t left = total;
        while (*p && left > keep) {
            Glyph glyph = next_glyph(p, &state);
            left -= glyph.width;
            p += glyph.consumed;
            while (*p) {
                mbstate_t peek_state = state;
                Glyph mark = next_glyph(p, &peek_state);
                if (mark.width != 0)
                    break;
                state = peek_state;
                p += mark.consumed;
            }
        }
        out_append(out, ellipsis, strlen(ellipsis), ellipsis_width);
        while (*p) {
            Glyph glyph = next_glyph(p, &state);
            out_append(out, glyph.bytes, glyph.length, glyph.width);
            p += glyph.consumed;
        }
        return;
    }

    size_t used = 0;
    while (*p) {
        Glyph glyph = next_glyph(p, &state);
        if (used + glyph.width > keep)
            break;         /* a wide character that would straddle the edge stays out */
        out_append(out, glyph.bytes, glyph.length, glyph.width);
        used += glyph.width;
        p += glyph.consumed;
    }
    if (cut)
        out_append(out, ellipsis, strlen(ellipsis), ellipsis_width);
}

static size_t fit_into(Out *out, const char *text, size_t columns, unsigned flags)
{
    if (!text)
        text = "";
    size_t padding = 0;
    if (flags & TEXT_FIT_PAD) {
        Out count = { 0 };
        write_fitted(&count, text, columns, flags);
        padding = columns > count.columns ? columns - count.columns : 0;
    }
    if (flags & TEXT_FIT_ALIGN_RIGHT)
        out_spaces(out, padding);
    write_fitted(out, text, columns, flags);
    if (!(flags & TEXT_FIT_ALIGN_RIGHT))
        out_spaces(out, padding);
    return out->columns;
}

size_t text_fit(char *dest, size_t dest_size, const char *text, size_t columns,
                unsigned flags)
{
    if (!dest || dest_size == 0)
        return 0;
    dest[0] = '\0';
    Out out = { .buf = dest, .size = dest_size };
    return fit_into(&out, text, columns, flags);
}

char *text_fit_dup(const char *text, size_t columns, unsigned flags)
{
    Out count = { 0 };
    fit_into(&count, text, columns, flags);
    char *dest = malloc(count.length + 1);
    if (!dest)
        return NULL;
    text_fit(dest, count.length + 1, text, columns, flags);
    return dest;
}
