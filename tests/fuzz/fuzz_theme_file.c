/* libFuzzer target for the theme file parser (tui/theme_file.c): any bytes
 * give a theme whose every role holds a valid style, plus problems that each
 * name the file; never a crash, a leak or undefined behaviour.
 *
 * Not built by `make`. Build and run it with clang's libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Itui -Icore \
 *       tests/fuzz/fuzz_theme_file.c tui/theme_file.c core/text_lines.c -o /tmp/fuzz_theme_file
 *   mkdir -p /tmp/fuzz-themes && cp themes/default.theme themes/light.theme /tmp/fuzz-themes/
 *   /tmp/fuzz_theme_file -max_total_time=60 /tmp/fuzz-themes */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "theme_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The parser takes a C string: stop at the first NUL like a file reader. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    Theme theme;
    ThemeProblems problems = { 0 };
    if (theme_parse(&theme, text, "fuzz.theme", &problems) == 0) {
        for (int role = 0; role < THEME_ROLE_COUNT; role++) {
            ThemeStyle style = theme.styles[role];
            if (style.fg < THEME_COLOR_DEFAULT || style.fg > 255 ||
                style.bg < THEME_COLOR_DEFAULT || style.bg > 255 || style.attrs > 0x3f)
                abort();
            /* The fallback for small terminals stays within their colours. */
            ThemeStyle eight = theme_style_for_terminal(style, 8);
            if (eight.fg > 7 || eight.bg > 7)
                abort();
        }
        for (size_t i = 0; i < problems.count; i++)
            if (strncmp(problems.items[i], "fuzz.theme", 10) != 0)
                abort();
    }
    theme_problems_clear(&problems);
    free(text);
    return 0;
}
