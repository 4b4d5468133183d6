/* Theme files: see theme_file.h for the format. */
#include "theme_file.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text_lines.h"

#define THEME_FILE_MAX_BYTES (256 * 1024)

static const char *const role_names[THEME_ROLE_COUNT] = {
    [THEME_TEXT] = "text",
    [THEME_HEADER] = "header",
    [THEME_HOST_CONNECTED] = "host-connected",
    [THEME_HOST_CONNECTING] = "host-connecting",
    [THEME_HOST_LOST] = "host-lost",
    [THEME_HOST_AUTH_FAILED] = "host-auth-failed",
    [THEME_TABLE_HEADER] = "table-header",
    [THEME_ROW] = "row",
    [THEME_ROW_SELECTED] = "row-selected",
    [THEME_DOMAIN_RUNNING] = "domain-running",
    [THEME_DOMAIN_PAUSED] = "domain-paused",
    [THEME_DOMAIN_SHUTOFF] = "domain-shutoff",
    [THEME_DOMAIN_OTHER] = "domain-other",
    [THEME_MIGRATING] = "migrating",
    [THEME_PROGRESS_FILL] = "progress-fill",
    [THEME_PROGRESS_EMPTY] = "progress-empty",
    [THEME_GRAPH_DIRTY] = "graph-dirty",
    [THEME_GRAPH_BANDWIDTH] = "graph-bandwidth",
    [THEME_GRAPH_AXIS] = "graph-axis",
    [THEME_VERDICT_GOOD] = "verdict-good",
    [THEME_VERDICT_WARN] = "verdict-warn",
    [THEME_VERDICT_BAD] = "verdict-bad",
    [THEME_REMEDY_KEY] = "remedy-key",
    [THEME_FOOTER_KEY] = "footer-key",
    [THEME_FOOTER_LABEL] = "footer-label",
    [THEME_MESSAGE_INFO] = "message-info",
    [THEME_MESSAGE_WARNING] = "message-warning",
    [THEME_MESSAGE_ERROR] = "message-error",
    [THEME_FORM_LABEL] = "form-label",
    [THEME_FORM_FIELD] = "form-field",
    [THEME_FORM_FIELD_FOCUS] = "form-field-focus",
    [THEME_FORM_FIELD_INVALID] = "form-field-invalid",
    [THEME_FORM_ERROR] = "form-error",
    [THEME_DIALOG_BORDER] = "dialog-border",
    [THEME_DIALOG_TITLE] = "dialog-title",
    [THEME_PREVIEW_COMMAND] = "preview-command",
    [THEME_HELP_TEXT] = "help-text",
    [THEME_TOO_SMALL] = "too-small",
};

enum { BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE, BRIGHT_BLACK };
#define D THEME_COLOR_DEFAULT
#define BOLD THEME_ATTR_BOLD
#define DIM THEME_ATTR_DIM
#define REVERSE THEME_ATTR_REVERSE
#define UNDERLINE THEME_ATTR_UNDERLINE

/* The built-in dark theme; themes/default.theme says the same (a test checks). */
static const ThemeStyle builtin_styles[THEME_ROLE_COUNT] = {
    [THEME_TEXT] = { D, D, 0 },
    [THEME_HEADER] = { WHITE, BLUE, BOLD },
    [THEME_HOST_CONNECTED] = { GREEN, D, BOLD },
    [THEME_HOST_CONNECTING] = { YELLOW, D, 0 },
    [THEME_HOST_LOST] = { RED, D, BOLD },
    [THEME_HOST_AUTH_FAILED] = { MAGENTA, D, BOLD },
    [THEME_TABLE_HEADER] = { CYAN, D, BOLD | UNDERLINE },
    [THEME_ROW] = { D, D, 0 },
    [THEME_ROW_SELECTED] = { BLACK, CYAN, 0 },
    [THEME_DOMAIN_RUNNING] = { GREEN, D, 0 },
    [THEME_DOMAIN_PAUSED] = { YELLOW, D, 0 },
    [THEME_DOMAIN_SHUTOFF] = { BRIGHT_BLACK, D, 0 },
    [THEME_DOMAIN_OTHER] = { MAGENTA, D, 0 },
    [THEME_MIGRATING] = { BRIGHT_BLACK + CYAN, D, BOLD },
    [THEME_PROGRESS_FILL] = { BLACK, GREEN, 0 },
    [THEME_PROGRESS_EMPTY] = { WHITE, BRIGHT_BLACK, 0 },
    [THEME_GRAPH_DIRTY] = { RED, D, BOLD },
    [THEME_GRAPH_BANDWIDTH] = { CYAN, D, BOLD },
    [THEME_GRAPH_AXIS] = { BRIGHT_BLACK, D, 0 },
    [THEME_VERDICT_GOOD] = { GREEN, D, BOLD },
    [THEME_VERDICT_WARN] = { YELLOW, D, BOLD },
    [THEME_VERDICT_BAD] = { RED, D, BOLD },
    [THEME_REMEDY_KEY] = { BLACK, YELLOW, BOLD },
    [THEME_FOOTER_KEY] = { BLACK, CYAN, 0 },
    [THEME_FOOTER_LABEL] = { D, D, 0 },
    [THEME_MESSAGE_INFO] = { D, D, 0 },
    [THEME_MESSAGE_WARNING] = { YELLOW, D, BOLD },
    [THEME_MESSAGE_ERROR] = { WHITE, RED, BOLD },
    [THEME_FORM_LABEL] = { D, D, 0 },
    [THEME_FORM_FIELD] = { D, D, UNDERLINE },
    [THEME_FORM_FIELD_FOCUS] = { BLACK, CYAN, 0 },
    [THEME_FORM_FIELD_INVALID] = { RED, D, BOLD | UNDERLINE },
    [THEME_FORM_ERROR] = { RED, D, BOLD },
    [THEME_DIALOG_BORDER] = { CYAN, D, 0 },
    [THEME_DIALOG_TITLE] = { CYAN, D, BOLD },
    [THEME_PREVIEW_COMMAND] = { GREEN, D, 0 },
    [THEME_HELP_TEXT] = { D, D, DIM },
    [THEME_TOO_SMALL] = { WHITE, RED, BOLD },
};

static const char *const color_names[16] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    "brightblack", "brightred", "brightgreen", "brightyellow",
    "brightblue", "brightmagenta", "brightcyan", "brightwhite",
};

static const struct { const char *name; unsigned attr; } attr_names[] = {
    { "bold", THEME_ATTR_BOLD }, { "dim", THEME_ATTR_DIM }, { "reverse", THEME_ATTR_REVERSE },
    { "underline", THEME_ATTR_UNDERLINE }, { "italic", THEME_ATTR_ITALIC },
    { "standout", THEME_ATTR_STANDOUT },
};

const char *theme_role_name(ThemeRole role)
{
    return (unsigned)role < THEME_ROLE_COUNT ? role_names[role] : NULL;
}

bool theme_role_from_name(const char *name, ThemeRole *out)
{
    if (!name)
        return false;
    for (int i = 0; i < THEME_ROLE_COUNT; i++) {
        if (strcasecmp(role_names[i], name) == 0) {
            *out = (ThemeRole)i;
            return true;
        }
    }
    return false;
}

void theme_init_builtin(Theme *theme)
{
    if (!theme)
        return;
    memset(theme, 0, sizeof(*theme));
    snprintf(theme->name, sizeof(theme->name), "default");
    memcpy(theme->styles, builtin_styles, sizeof(builtin_styles));
}

void theme_problems_clear(ThemeProblems *problems)
{
    if (!problems)
        return;
    for (size_t i = 0; i < problems->count; i++)
        free(problems->items[i]);
    free(problems->items);
    problems->items = NULL;
    problems->count = 0;
}

static int add_problem(ThemeProblems *problems, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int add_problem(ThemeProblems *problems, const char *format, ...)
{
    if (!problems)
        return 0;
    va_list args;
    va_start(args, format);
    int rc = text_problems_addv(&problems->items, &problems->count, format, args);
    va_end(args);
    return rc;
}

/* Trims blanks at both ends, in place. */
static char *trim(char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t'))
        text[--length] = '\0';
    return text;
}

/* NULL when fine, else what is wrong with the colour (static or in `why`). */
static const char *parse_color(const char *word, short *out, char *why, size_t why_size)
{
    if (strcasecmp(word, "default") == 0) {
        *out = THEME_COLOR_DEFAULT;
        return NULL;
    }
    for (int i = 0; i < 16; i++) {
        if (strcasecmp(word, color_names[i]) == 0) {
            *out = (short)i;
            return NULL;
        }
    }
    const char *digits = NULL;
    if (strncasecmp(word, "colour", 6) == 0)
        digits = word + 6;
    else if (strncasecmp(word, "color", 5) == 0)
        digits = word + 5;
    if (digits && *digits) {
        unsigned value = 0;
        for (const char *p = digits; *p; p++) {
            if (!isdigit((unsigned char)*p) || value > 255)
                goto bad_number;
            value = value * 10 + (unsigned)(*p - '0');
        }
        if (value > 255)
            goto bad_number;
        *out = (short)value;
        return NULL;
    }
    snprintf(why, why_size, "unknown colour '%.40s'; use default, black, red, green, yellow, "
             "blue, magenta, cyan, white, their bright forms (brightred...) or colour0..colour255",
             word);
    return why;

bad_number:
    snprintf(why, why_size, "'%.40s' is not a colour number; write colourN with N from 0 to 255",
             word);
    return why;
}

static const char *parse_attrs(char *text, unsigned *out, char *why, size_t why_size)
{
    *out = THEME_ATTR_NONE;
    if (strcasecmp(trim(text), "none") == 0)
        return NULL;
    for (char *save = NULL, *word = strtok_r(text, "+", &save); ; word = strtok_r(NULL, "+", &save)) {
        if (!word) {
            if (*out == THEME_ATTR_NONE) {
                snprintf(why, why_size, "the attributes are empty; write none, or names "
                         "joined with '+' such as bold+underline");
                return why;
            }
            return NULL;
        }
        word = trim(word);
        bool known = false;
        for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
            if (strcasecmp(word, attr_names[i].name) == 0) {
                *out |= attr_names[i].attr;
                known = true;
            }
        }
        if (!known) {
            snprintf(why, why_size, "unknown attribute '%.40s'; use none, or bold, dim, "
                     "reverse, underline, italic, standout joined with '+'", word);
            return why;
        }
    }
}

/* Parses "fg,bg[,attrs]". NULL when fine. */
static const char *parse_style(char *value, ThemeStyle *style, char *why, size_t why_size)
{
    char *fields[3] = { NULL, NULL, NULL };
    size_t count = 0;
    for (char *p = value; ; ) {
        char *comma = strchr(p, ',');
        if (count == 3) {
            snprintf(why, why_size, "too many fields; write FG,BG,ATTRIBUTES, "
                     "e.g. white,blue,bold");
            return why;
        }
        fields[count++] = p;
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    if (count < 2) {
        snprintf(why, why_size, "a style needs a foreground and a background; write "
                 "FG,BG[,ATTRIBUTES], e.g. white,blue,bold");
        return why;
    }
    for (size_t i = 0; i < count; i++) {
        fields[i] = trim(fields[i]);
        if (*fields[i] == '\0') {
            snprintf(why, why_size, "the %s is empty; write FG,BG[,ATTRIBUTES], "
                     "e.g. default,default,bold",
                     i == 0 ? "foreground" : i == 1 ? "background" : "attribute list");
            return why;
        }
    }
    if (parse_color(fields[0], &style->fg, why, why_size) ||
        parse_color(fields[1], &style->bg, why, why_size))
        return why;
    if (count == 3)
        return parse_attrs(fields[2], &style->attrs, why, why_size);
    style->attrs = THEME_ATTR_NONE;
    return NULL;
}

/* The theme's name: the file's base name without ".theme". */
static void set_name(Theme *theme, const char *filename)
{
    const char *base = strrchr(filename, '/');
    base = base ? base + 1 : filename;
    size_t length = strlen(base);
    if (length > 6 && strcmp(base + length - 6, ".theme") == 0)
        length -= 6;
    if (length >= sizeof(theme->name))
        length = sizeof(theme->name) - 1;
    memcpy(theme->name, base, length);
    theme->name[length] = '\0';
}

typedef struct {
    Theme *theme;
    const char *filename;
    size_t first_line[THEME_ROLE_COUNT];   /* where each role was set, 0: not yet */
    ThemeProblems *problems;
} ThemeReading;

/* One line, without its end of line (a TextLineVisitor on a ThemeReading).
 * Returns 0, or -1 on ENOMEM. */
static int parse_line(char *line, size_t number, void *context)
{
    ThemeReading *reading = context;
    Theme *theme = reading->theme;
    const char *filename = reading->filename;
    size_t *first_line = reading->first_line;
    ThemeProblems *problems = reading->problems;
    char why[256];
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    line = trim(line);
    if (*line == '\0')
        return 0;
    char *equals = strchr(line, '=');
    if (!equals)
        return add_problem(problems, "%s:%zu: expected 'role = fg,bg,attributes'; "
                           "e.g. header = white,blue,bold", filename, number);
    *equals = '\0';
    char *role_name = trim(line);
    ThemeRole role;
    if (*role_name == '\0')
        return add_problem(problems, "%s:%zu: no role before '='; write "
                           "'role = fg,bg,attributes'", filename, number);
    if (!theme_role_from_name(role_name, &role))
        return add_problem(problems, "%s:%zu: unknown role '%.40s'; the roles are listed "
                           "in themes/default.theme", filename, number, role_name);
    ThemeStyle style = { THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, THEME_ATTR_NONE };
    if (parse_style(trim(equals + 1), &style, why, sizeof(why)))
        return add_problem(problems, "%s:%zu: %s: %s", filename, number, role_names[role], why);
    if (first_line[role])
        return add_problem(problems, "%s:%zu: role '%s' is set twice (first on line %zu); "
                           "keep one", filename, number, role_names[role], first_line[role]);
    first_line[role] = number;
    theme->styles[role] = style;
    theme->from_file[role] = true;
    return 0;
}

int theme_parse(Theme *theme, const char *text, const char *filename, ThemeProblems *problems)
{
    if (!theme)
        return -1;
    if (!filename)
        filename = "theme";
    theme_init_builtin(theme);
    set_name(theme, filename);
    ThemeReading reading = { .theme = theme, .filename = filename, .problems = problems };
    if (text_lines_each(text, parse_line, &reading) < 0)
        return -1;
    for (int role = 0; role < THEME_ROLE_COUNT; role++) {
        if (!theme->from_file[role] &&
            add_problem(problems, "%s: role '%s' is not set; add '%s = fg,bg,attributes' "
                        "(the built-in style is used)", filename, role_names[role],
                        role_names[role]) < 0)
            return -1;
    }
    return 0;
}

int theme_load_file(Theme *theme, const char *path, ThemeProblems *problems)
{
    if (!theme || !path)
        return -1;
    theme_init_builtin(theme);
    FILE *file = fopen(path, "r");
    if (!file) {
        add_problem(problems, "%s: cannot open it: %s; check the theme name (--theme) and "
                    "that the file exists", path, strerror(errno));
        return -1;
    }
    char *text = malloc(THEME_FILE_MAX_BYTES + 1);
    int rc = -1;
    if (!text)
        goto cleanup;
    size_t length = fread(text, 1, THEME_FILE_MAX_BYTES + 1, file);
    if (ferror(file)) {
        add_problem(problems, "%s: cannot read it: %s; a theme must be a regular text file",
                    path, strerror(errno));
        goto cleanup;
    }
    if (length > THEME_FILE_MAX_BYTES) {
        add_problem(problems, "%s: larger than %d KiB; a theme is a short text file",
                    path, THEME_FILE_MAX_BYTES / 1024);
        goto cleanup;
    }
    text[length] = '\0';
    if (strlen(text) != length) {
        add_problem(problems, "%s: contains a NUL byte; a theme must be a text file", path);
        goto cleanup;
    }
    rc = theme_parse(theme, text, path, problems);

cleanup:
    free(text);
    fclose(file);
    return rc;
}

/* The nearest of the 16 basic colours to an xterm palette colour (16..255). */
static short nearest_basic(short color)
{
    if (color >= 232) {                       /* grey ramp: 8..238 */
        int level = 8 + 10 * (color - 232);
        return level < 64 ? BLACK : level < 160 ? BRIGHT_BLACK : level < 216 ? WHITE : 15;
    }
    int index = color - 16;                   /* 6x6x6 cube, levels 0..5 */
    int r = index / 36, g = (index / 6) % 6, b = index % 6;
    int top = r > g ? (r > b ? r : b) : (g > b ? g : b);
    if (top < 2)
        return BLACK;
    /* A component counts when it is close to the brightest one. */
    short basic = (short)((r >= top - 1 ? 1 : 0) | (g >= top - 1 ? 2 : 0) | (b >= top - 1 ? 4 : 0));
    if (basic == 7 && top < 4)
        return BRIGHT_BLACK;
    return top >= 4 ? (short)(basic + 8) : basic;
}

ThemeStyle theme_style_for_terminal(ThemeStyle style, int colors)
{
    if (colors >= 256)
        return style;
    if (colors < 8) {
        style.fg = style.bg = THEME_COLOR_DEFAULT;
        return style;
    }
    short *slots[2] = { &style.fg, &style.bg };
    for (int i = 0; i < 2; i++) {
        short *color = slots[i];
        if (*color >= colors && *color >= 16)
            *color = nearest_basic(*color);
        if (*color >= colors && *color >= 8) {
            /* Only eight colours: keep the brightness of a foreground as bold. */
            *color = (short)(*color - 8);
            if (i == 0)
                style.attrs |= THEME_ATTR_BOLD;
        }
    }
    return style;
}
