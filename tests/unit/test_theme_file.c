/* theme_file: the shipped themes load cleanly and cover every role; bad lines
 * give "file:line: reason; fix"; colour fallbacks for smaller terminals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "theme_file.h"

/* The themes/ directory: tests run from the source tree's top (make unit), or
 * from elsewhere with the path this file was compiled under. */
static const char *themes_dir(void)
{
    static char dir[512];
    if (access("themes/default.theme", R_OK) == 0)
        return "themes";
    snprintf(dir, sizeof(dir), "%s", __FILE__);
    char *cut = strstr(dir, "tests/unit/");
    if (cut) {
        snprintf(cut, sizeof(dir) - (size_t)(cut - dir), "themes");
        return dir;
    }
    return "themes";
}

static void dump_problems(const ThemeProblems *problems)
{
    for (size_t i = 0; i < problems->count; i++)
        print_error("problem: %s\n", problems->items[i]);
}

static void test_shipped_themes(void **state)
{
    (void)state;
    static const char *const names[] = { "default", "light", "high-contrast", "monochrome" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[600];
        snprintf(path, sizeof(path), "%s/%s.theme", themes_dir(), names[i]);
        Theme theme;
        ThemeProblems problems = { 0 };
        assert_int_equal(theme_load_file(&theme, path, &problems), 0);
        dump_problems(&problems);
        assert_int_equal(problems.count, 0);
        assert_string_equal(theme.name, names[i]);
        for (int role = 0; role < THEME_ROLE_COUNT; role++) {
            if (!theme.from_file[role])
                fail_msg("%s: role %s not set", names[i], theme_role_name((ThemeRole)role));
            assert_true(theme.styles[role].fg >= THEME_COLOR_DEFAULT &&
                        theme.styles[role].fg <= 255);
            assert_true(theme.styles[role].bg >= THEME_COLOR_DEFAULT &&
                        theme.styles[role].bg <= 255);
            if (strcmp(names[i], "monochrome") == 0) {
                /* Only the terminal's own colours, and only attributes any
                 * terminal has. */
                assert_int_equal(theme.styles[role].fg, THEME_COLOR_DEFAULT);
                assert_int_equal(theme.styles[role].bg, THEME_COLOR_DEFAULT);
                assert_int_equal(theme.styles[role].attrs &
                                 ~(unsigned)(THEME_ATTR_BOLD | THEME_ATTR_DIM |
                                             THEME_ATTR_REVERSE | THEME_ATTR_UNDERLINE), 0);
            }
        }
        theme_problems_clear(&problems);
    }
}

/* default.theme and the built-in fallback must not drift apart. */
static void test_builtin_matches_default_file(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof(path), "%s/default.theme", themes_dir());
    Theme from_file, builtin;
    ThemeProblems problems = { 0 };
    assert_int_equal(theme_load_file(&from_file, path, &problems), 0);
    assert_int_equal(problems.count, 0);
    theme_init_builtin(&builtin);
    assert_string_equal(builtin.name, "default");
    for (int role = 0; role < THEME_ROLE_COUNT; role++) {
        const ThemeStyle *a = &from_file.styles[role], *b = &builtin.styles[role];
        if (a->fg != b->fg || a->bg != b->bg || a->attrs != b->attrs)
            fail_msg("role %s: file %d,%d,%u, built-in %d,%d,%u",
                     theme_role_name((ThemeRole)role), a->fg, a->bg, a->attrs,
                     b->fg, b->bg, b->attrs);
        assert_false(builtin.from_file[role]);
    }
    theme_problems_clear(&problems);
}

static void test_syntax(void **state)
{
    (void)state;
    Theme theme;
    ThemeProblems problems = { 0 };
    const char *text =
        "# comment\r\n"
        "  TEXT = Default , default , none   # trailing comment\r\n"
        "header=brightwhite,colour17,bold+underline\n"
        "row-selected = black,color200,reverse + bold\n"
        "graph-axis = brightblack,default\n"
        "\n";
    assert_int_equal(theme_parse(&theme, text, "/x/y/mine.theme", &problems), 0);
    assert_string_equal(theme.name, "mine");
    assert_int_equal(theme.styles[THEME_TEXT].fg, THEME_COLOR_DEFAULT);
    assert_int_equal(theme.styles[THEME_TEXT].attrs, THEME_ATTR_NONE);
    assert_true(theme.from_file[THEME_TEXT]);
    assert_int_equal(theme.styles[THEME_HEADER].fg, 15);
    assert_int_equal(theme.styles[THEME_HEADER].bg, 17);
    assert_int_equal(theme.styles[THEME_HEADER].attrs, THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE);
    assert_int_equal(theme.styles[THEME_ROW_SELECTED].bg, 200);
    assert_int_equal(theme.styles[THEME_ROW_SELECTED].attrs, THEME_ATTR_REVERSE | THEME_ATTR_BOLD);
    assert_int_equal(theme.styles[THEME_GRAPH_AXIS].fg, 8);
    assert_int_equal(theme.styles[THEME_GRAPH_AXIS].attrs, THEME_ATTR_NONE);
    /* The rest is reported as not set, and keeps the built-in style. */
    assert_int_equal(problems.count, THEME_ROLE_COUNT - 4);
    assert_non_null(strstr(problems.items[0], "/x/y/mine.theme: role '"));
    assert_non_null(strstr(problems.items[0], "is not set; add '"));
    Theme builtin;
    theme_init_builtin(&builtin);
    assert_false(theme.from_file[THEME_TOO_SMALL]);
    assert_memory_equal(&theme.styles[THEME_TOO_SMALL], &builtin.styles[THEME_TOO_SMALL],
                        sizeof(ThemeStyle));
    theme_problems_clear(&problems);
    theme_problems_clear(&problems);
    theme_problems_clear(NULL);
}

static void test_bad_lines(void **state)
{
    (void)state;
    static const struct { const char *line; const char *part; } cases[] = {
        { "header white,blue,bold", "expected 'role = fg,bg,attributes'" },
        { " = white,blue", "no role before '='" },
        { "headr = white,blue", "unknown role 'headr'" },
        { "header = white", "needs a foreground and a background" },
        { "header = white,blue,bold,extra", "too many fields" },
        { "header = ,blue", "the foreground is empty" },
        { "header = white,", "the background is empty" },
        { "header = white,blue,", "the attribute list is empty" },
        { "header = purple,blue", "unknown colour 'purple'" },
        { "header = white,colour256", "'colour256' is not a colour number" },
        { "header = white,colour99999999999", "not a colour number" },
        { "header = white,colourx", "not a colour number" },
        { "header = white,colour", "unknown colour 'colour'" },
        { "header = white,blue,blink", "unknown attribute 'blink'" },
        { "header = white,blue,bold|underline", "unknown attribute 'bold|underline'" },
        { "header = white,blue,+", "the attributes are empty" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Theme theme;
        ThemeProblems problems = { 0 };
        char text[200];
        snprintf(text, sizeof(text), "text = default,default\n%s\n", cases[i].line);
        assert_int_equal(theme_parse(&theme, text, "t.theme", &problems), 0);
        /* the bad line comes first; then the unset roles */
        assert_true(problems.count >= 1);
        const char *first = problems.items[0];
        if (strncmp(first, "t.theme:2: ", 11) != 0 || !strstr(first, cases[i].part) ||
            !strchr(first, ';'))
            fail_msg("'%s': got '%s', expected t.theme:2: ... '%s'; ...", cases[i].line, first,
                     cases[i].part);
        assert_false(theme.from_file[THEME_HEADER]);
        theme_problems_clear(&problems);
    }
}

static void test_duplicate_role(void **state)
{
    (void)state;
    Theme theme;
    ThemeProblems problems = { 0 };
    assert_int_equal(theme_parse(&theme, "row = red,default\n# x\nrow = blue,default\n",
                                 "d.theme", &problems), 0);
    assert_string_equal(problems.items[0],
                        "d.theme:3: role 'row' is set twice (first on line 1); keep one");
    assert_int_equal(theme.styles[THEME_ROW].fg, 1);   /* the first one stands */
    theme_problems_clear(&problems);
    /* problems NULL: still parses */
    assert_int_equal(theme_parse(&theme, "row = green,default\n", "n.theme", NULL), 0);
    assert_int_equal(theme.styles[THEME_ROW].fg, 2);
    assert_int_equal(theme_parse(NULL, "", "x", NULL), -1);
    assert_int_equal(theme_parse(&theme, NULL, NULL, NULL), 0);
    assert_string_equal(theme.name, "theme");
}

static void test_load_errors(void **state)
{
    (void)state;
    Theme theme;
    ThemeProblems problems = { 0 };
    assert_int_equal(theme_load_file(&theme, "/nonexistent/x.theme", &problems), -1);
    assert_int_equal(problems.count, 1);
    assert_non_null(strstr(problems.items[0], "/nonexistent/x.theme: cannot open it: "));
    /* The theme is still usable: the built-in one. */
    assert_string_equal(theme.name, "default");
    assert_int_equal(theme.styles[THEME_HEADER].bg, 4);
    theme_problems_clear(&problems);

    char path[] = "/tmp/virtmig-test-theme-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "row = red,\0default\n", 19), 19);
    close(fd);
    assert_int_equal(theme_load_file(&theme, path, &problems), -1);
    assert_non_null(strstr(problems.items[0], "contains a NUL byte"));
    unlink(path);
    theme_problems_clear(&problems);
    assert_int_equal(theme_load_file(&theme, NULL, &problems), -1);
}

static void test_role_names(void **state)
{
    (void)state;
    ThemeRole role;
    for (int i = 0; i < THEME_ROLE_COUNT; i++) {
        const char *name = theme_role_name((ThemeRole)i);
        assert_non_null(name);
        assert_true(theme_role_from_name(name, &role));
        assert_int_equal(role, i);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(name, theme_role_name((ThemeRole)j));
    }
    assert_null(theme_role_name(THEME_ROLE_COUNT));
    assert_true(theme_role_from_name("Form-Field-Focus", &role));
    assert_int_equal(role, THEME_FORM_FIELD_FOCUS);
    assert_false(theme_role_from_name("nope", &role));
    assert_false(theme_role_from_name(NULL, &role));
}

static void test_terminal_fallback(void **state)
{
    (void)state;
    ThemeStyle style = { 200, 17, THEME_ATTR_UNDERLINE };
    ThemeStyle out = theme_style_for_terminal(style, 256);
    assert_memory_equal(&out, &style, sizeof(style));

    static const struct { short in; int colors; short out; bool bold; } cases[] = {
        { 1, 8, 1, false },       /* basic stays */
        { 9, 16, 9, false },      /* bright red on 16 colours */
        { 9, 8, 1, true },        /* bright red on 8: red + bold */
        { 196, 16, 9, false },    /* pure red of the cube: bright red */
        { 196, 8, 1, true },
        { 17, 16, 0, false },     /* very dark blue: black */
        { 28, 16, 2, false },     /* dark green */
        { 231, 16, 15, false },   /* white of the cube */
        { 232, 16, 0, false },    /* darkest grey */
        { 244, 16, 8, false },    /* mid grey: bright black (stays visible on white) */
        { 250, 16, 7, false },    /* light grey: white */
        { 240, 16, 8, false },    /* darker grey: bright black */
        { 255, 8, 7, true },      /* lightest grey, 8 colours */
        { THEME_COLOR_DEFAULT, 8, THEME_COLOR_DEFAULT, false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ThemeStyle in = { cases[i].in, THEME_COLOR_DEFAULT, THEME_ATTR_NONE };
        out = theme_style_for_terminal(in, cases[i].colors);
        if (out.fg != cases[i].out || ((out.attrs & THEME_ATTR_BOLD) != 0) != cases[i].bold)
            fail_msg("colour %d on %d colours: %d%s, expected %d%s", cases[i].in,
                     cases[i].colors, out.fg, out.attrs ? " bold" : "", cases[i].out,
                     cases[i].bold ? " bold" : "");
    }
    /* A bright background on 8 colours loses brightness but gains no bold. */
    ThemeStyle background = { THEME_COLOR_DEFAULT, 12, THEME_ATTR_NONE };
    out = theme_style_for_terminal(background, 8);
    assert_int_equal(out.bg, 4);
    assert_int_equal(out.attrs, THEME_ATTR_NONE);
    /* No colours at all: attributes only. */
    out = theme_style_for_terminal(style, 0);
    assert_int_equal(out.fg, THEME_COLOR_DEFAULT);
    assert_int_equal(out.bg, THEME_COLOR_DEFAULT);
    assert_int_equal(out.attrs, THEME_ATTR_UNDERLINE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_themes),
        cmocka_unit_test(test_builtin_matches_default_file),
        cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_duplicate_role),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_terminal_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
