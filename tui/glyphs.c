/* The two character sets of the console (see colors.h): Unicode box drawing,
 * block elements and braille when the locale is UTF-8, plain ASCII otherwise,
 * so LANG=C terminals never show mojibake. */
#include "colors.h"

#include <stdio.h>

static const UiGlyphs ascii_glyphs = {
    .utf8 = false,
    .hline = "-", .vline = "|",
    .corner_tl = "+", .corner_tr = "+", .corner_bl = "+", .corner_br = "+",
    .tee_left = "+", .tee_right = "+",
    .bar_full = "#", .bar_empty = ".",
    .bar_partial = { "", "", "", "", "", "", "" },
    .spark = { "_", ".", ".", "-", "-", "=", "*", "#" },
    .arrow_right = "->", .ellipsis = "~",
    .up = "^", .down = "v", .bullet = "*",
    .check_on = "[x]", .check_off = "[ ]",
    .radio_on = "(*)", .radio_off = "( )",
    .degraded = "!",
};

static const UiGlyphs utf8_glyphs = {
    .utf8 = true,
    .hline = "\u2500", .vline = "\u2502",
    .corner_tl = "\u250c", .corner_tr = "\u2510", .corner_bl = "\u2514", .corner_br = "\u2518",
    .tee_left = "\u251c", .tee_right = "\u2524",
    .bar_full = "\u2588", .bar_empty = "\u2591",
    .bar_partial = { "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589" },
    .spark = { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" },
    .arrow_right = "\u2192", .ellipsis = "\u2026",
    .up = "\u25b2", .down = "\u25bc", .bullet = "\u2022",
    .check_on = "[x]", .check_off = "[ ]",
    .radio_on = "(*)", .radio_off = "( )",
    .degraded = "\u26a0",
};

static const UiGlyphs *current_glyphs = &ascii_glyphs;

void ui_glyphs_init(bool utf8)
{
    current_glyphs = utf8 ? &utf8_glyphs : &ascii_glyphs;
}

bool ui_utf8(void)
{
    return current_glyphs->utf8;
}

const UiGlyphs *ui_glyphs(void)
{
    return current_glyphs;
}

/* Unicode numbers braille dots 1-2-3 down the left column, 4-5-6 down the
 * right, and 7 / 8 below them (added later to the standard), hence the
 * shuffle from our top-to-bottom bit order. */
static const unsigned braille_left[4] = { 0x01, 0x02, 0x04, 0x40 };
static const unsigned braille_right[4] = { 0x08, 0x10, 0x20, 0x80 };

char *ui_braille_cell(unsigned dots, char buf[8])
{
    dots &= 0xffu;
    if (!current_glyphs->utf8) {
        /* One mark per cell: how full the cell is decides which. */
        unsigned count = 0;
        for (unsigned bit = 0; bit < 8; bit++)
            count += (dots >> bit) & 1u;
        const char *mark = count == 0 ? " " : count <= 2 ? "." : count <= 5 ? ":" : "#";
        snprintf(buf, 8, "%s", mark);
        return buf;
    }
    unsigned code = 0x2800;
    for (unsigned row = 0; row < 4; row++) {
        if (dots & (1u << row))
            code |= braille_left[row];
        if (dots & (1u << (row + 4)))
            code |= braille_right[row];
    }
    /* U+2800..U+28FF is always three bytes of UTF-8. */
    buf[0] = (char)(0xe0 | (code >> 12));
    buf[1] = (char)(0x80 | ((code >> 6) & 0x3f));
    buf[2] = (char)(0x80 | (code & 0x3f));
    buf[3] = '\0';
    return buf;
}
