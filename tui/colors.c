/* Theme roles to curses attributes; see colors.h.
 *
 * One colour pair per role (pair = role + 1), built from the theme file after
 * theme_style_for_terminal() has mapped its colours to what the terminal has.
 * Monochrome (NO_COLOR, or a terminal without colours) keeps only the
 * attributes, taken from the "monochrome" theme when it can be found, so
 * selection and emphasis still show as reverse/bold/underline. */
#include "colors.h"

#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"

#ifndef VIRTMIG_THEMES_DIR
#define VIRTMIG_THEMES_DIR "/usr/local/share/virtmig/themes"
#endif

#define MAX_THEMES 64
#define THEME_NAME_MAX 64

typedef struct {
    bool initialised;
    bool monochrome;
    bool default_colors;        /* use_default_colors() worked: -1 is the terminal's own */
    char theme_name[THEME_NAME_MAX];
    int attrs[THEME_ROLE_COUNT];
    char *themes_dir;           /* from the caller, or NULL: the search path */
    char *config_path;          /* owned */
} ColorState;

static ColorState colors;

static char *format_notice(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = NULL;
    if (vasprintf(&text, format, args) < 0)
        text = NULL;
    va_end(args);
    return text;
}

int ui_color(ThemeRole role)
{
    if (!colors.initialised || (int)role < 0 || role >= THEME_ROLE_COUNT)
        return A_NORMAL;
    return colors.attrs[role];
}

const char *ui_colors_theme_name(void)
{
    return colors.theme_name[0] ? colors.theme_name : "default";
}

bool ui_colors_monochrome(void)
{
    return colors.monochrome;
}

/* Where themes live, first match wins: the caller's directory alone, or
 * ./themes, the user's config directory, then the installed ones. */
static size_t theme_dirs(const char *dirs[4], char *user_dir, size_t user_size)
{
    if (colors.themes_dir) {
        dirs[0] = colors.themes_dir;
        return 1;
    }
    size_t n = 0;
    dirs[n++] = "themes";
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        snprintf(user_dir, user_size, "%s/virtmig/themes", xdg);
    else if (home && home[0])
        snprintf(user_dir, user_size, "%s/.config/virtmig/themes", home);
    else
        user_dir[0] = '\0';
    if (user_dir[0])
        dirs[n++] = user_dir;
    dirs[n++] = VIRTMIG_THEMES_DIR;   /* where make install put them */
    dirs[n++] = "/usr/share/virtmig/themes";
    return n;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Theme names found in the search path, sorted, without duplicates. */
static size_t list_themes(char names[MAX_THEMES][THEME_NAME_MAX])
{
    const char *dirs[4];
    char user_dir[512];
    size_t dir_count = theme_dirs(dirs, user_dir, sizeof user_dir);
    size_t count = 0;
    for (size_t d = 0; d < dir_count; d++) {
        DIR *dir = opendir(dirs[d]);
        if (!dir)
            continue;
        struct dirent *entry;
        while ((entry = readdir(dir)) && count < MAX_THEMES) {
            size_t length = strlen(entry->d_name);
            if (length <= 6 || strcmp(entry->d_name + length - 6, ".theme") != 0 ||
                length - 6 >= THEME_NAME_MAX)
                continue;
            char name[THEME_NAME_MAX];
            snprintf(name, sizeof name, "%.*s", (int)(length - 6), entry->d_name);
            bool seen = false;
            for (size_t i = 0; i < count; i++)
                seen = seen || strcmp(names[i], name) == 0;
            if (!seen)
                snprintf(names[count++], THEME_NAME_MAX, "%s", name);
        }
        closedir(dir);
    }
    char *pointers[MAX_THEMES];
    for (size_t i = 0; i < count; i++)
        pointers[i] = strdup(names[i]);
    qsort(pointers, count, sizeof pointers[0], compare_strings);
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        if (pointers[i])
            snprintf(names[kept++], THEME_NAME_MAX, "%s", pointers[i]);
        free(pointers[i]);
    }
    return kept;
}

/* Loads NAME.theme from the search path into *theme. Returns 0 when found
 * (problems may still be reported in *notice), -1 when not found. */
static int load_theme(const char *name, Theme *theme, char **notice)
{
    const char *dirs[4];
    char user_dir[512];
    size_t dir_count = theme_dirs(dirs, user_dir, sizeof user_dir);
    if (strchr(name, '/') || !name[0]) {
        *notice = format_notice("theme '%s': a theme is a name such as 'default' or "
                                "'light', not a path; using the built-in theme", name);
        return -1;
    }
    for (size_t d = 0; d < dir_count; d++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.theme", dirs[d], name);
        FILE *probe = fopen(path, "r");
        if (!probe)
            continue;
        fclose(probe);
        ThemeProblems problems = { 0 };
        int rc = theme_load_file(theme, path, &problems);
        if (problems.count > 0)
            *notice = format_notice("%s%s (theme still used; fix the file or pick another "
                                    "with --theme)", problems.items[0],
                                    problems.count > 1 ? ", and more problems" : "");
        theme_problems_clear(&problems);
        return rc < 0 ? -1 : 0;
    }
    char found[MAX_THEMES][THEME_NAME_MAX];
    size_t count = list_themes(found);
    char available[512] = "";
    for (size_t i = 0; i < count; i++) {
        size_t used = strlen(available);
        snprintf(available + used, sizeof available - used, "%s%s", i ? ", " : "", found[i]);
    }
    *notice = format_notice("theme '%s' not found (looked in %s%s); available: %s; "
                            "using the built-in theme", name, dirs[0],
                            dir_count > 1 ? " and the usual places" : "",
                            count ? available : "none");
    return -1;
}

static int curses_attrs(unsigned theme_attrs)
{
    int attrs = A_NORMAL;
    if (theme_attrs & THEME_ATTR_BOLD)
        attrs |= A_BOLD;
    if (theme_attrs & THEME_ATTR_DIM)
        attrs |= A_DIM;
    if (theme_attrs & THEME_ATTR_REVERSE)
        attrs |= A_REVERSE;
    if (theme_attrs & THEME_ATTR_UNDERLINE)
        attrs |= A_UNDERLINE;
    if (theme_attrs & THEME_ATTR_ITALIC)
        attrs |= A_ITALIC;
    if (theme_attrs & THEME_ATTR_STANDOUT)
        attrs |= A_STANDOUT;
    return attrs;
}

/* Attributes that must show even when a monochrome theme file is missing:
 * without them the selection would be invisible. */
static void monochrome_fallback(Theme *theme)
{
    static const ThemeRole reversed[] = {
        THEME_HEADER, THEME_ROW_SELECTED, THEME_FORM_FIELD_FOCUS, THEME_PROGRESS_FILL,
        THEME_FOOTER_KEY, THEME_TOO_SMALL,
    };
    static const ThemeRole bold[] = {
        THEME_TABLE_HEADER, THEME_HOST_LOST, THEME_HOST_AUTH_FAILED, THEME_MIGRATING,
        THEME_VERDICT_BAD, THEME_MESSAGE_ERROR, THEME_FORM_ERROR, THEME_DIALOG_TITLE,
        THEME_REMEDY_KEY, THEME_FORM_FIELD_INVALID,
    };
    for (size_t i = 0; i < sizeof reversed / sizeof reversed[0]; i++)
        theme->styles[reversed[i]].attrs |= THEME_ATTR_REVERSE;
    for (size_t i = 0; i < sizeof bold / sizeof bold[0]; i++)
        theme->styles[bold[i]].attrs |= THEME_ATTR_BOLD;
}

static void apply_theme(const Theme *theme)
{
    int terminal_colors = colors.monochrome ? 0 : COLORS;
    for (int role = 0; role < THEME_ROLE_COUNT; role++) {
        ThemeStyle style = theme_style_for_terminal(theme->styles[role], terminal_colors);
        int attrs = curses_attrs(style.attrs);
        if (!colors.monochrome && role + 1 < COLOR_PAIRS) {
            short fg = style.fg, bg = style.bg;
            if (!colors.default_colors) {
                /* No "terminal default" colour: the classic white on black. */
                if (fg < 0)
                    fg = COLOR_WHITE;
                if (bg < 0)
                    bg = COLOR_BLACK;
            }
            if (init_pair((short)(role + 1), fg, bg) == OK)
                attrs |= (int)COLOR_PAIR(role + 1);
        }
        colors.attrs[role] = attrs;
    }
}

/* Loads `name` (built-in when it cannot), applies it, records the name. */
static void use_theme(const char *name, char **notice)
{
    Theme theme;
    theme_init_builtin(&theme);
    const char *used = "default";
    if (load_theme(name, &theme, notice) == 0) {
        used = name;
    } else {
        theme_init_builtin(&theme);
        /* "default" missing from disk is no problem: it is built in. */
        if (strcmp(name, "default") == 0) {
            free(*notice);
            *notice = NULL;
        }
    }
    if (colors.monochrome) {
        /* The attributes of the monochrome theme, whatever was asked for:
         * colours would be dropped anyway and only these stay readable. */
        Theme mono;
        char *ignored = NULL;
        if (load_theme("monochrome", &mono, &ignored) == 0)
            theme = mono;
        free(ignored);
        monochrome_fallback(&theme);
    }
    snprintf(colors.theme_name, sizeof colors.theme_name, "%s", used);
    apply_theme(&theme);
}

int ui_colors_init(const char *theme_name, const char *themes_dir, const char *config_path,
                   char **notice)
{
    *notice = NULL;
    ui_colors_shutdown();
    if (themes_dir) {
        colors.themes_dir = strdup(themes_dir);
        if (!colors.themes_dir)
            return -1;
    }
    colors.config_path = config_path ? strdup(config_path) : config_file_default_path();

    const char *no_color = getenv("NO_COLOR");
    colors.monochrome = (no_color != NULL) || !has_colors();
    if (!colors.monochrome) {
        if (start_color() == ERR) {
            colors.monochrome = true;
        } else {
            colors.default_colors = use_default_colors() == OK;
            if (COLOR_PAIRS < THEME_ROLE_COUNT + 1 || COLORS < 8)
                colors.monochrome = true;
        }
    }

    char *saved = NULL, *config_error = NULL;
    if (!theme_name && colors.config_path &&
        config_file_get(colors.config_path, "theme", &saved, &config_error) < 0) {
        *notice = config_error;   /* unreadable config: say so, go on with default */
        config_error = NULL;
    }
    char *theme_notice = NULL;
    use_theme(theme_name ? theme_name : saved ? saved : "default", &theme_notice);
    if (theme_notice) {
        free(*notice);
        *notice = theme_notice;
    }
    free(saved);
    free(config_error);
    colors.initialised = true;
    return 0;
}

int ui_colors_cycle(char **notice)
{
    *notice = NULL;
    char names[MAX_THEMES][THEME_NAME_MAX];
    size_t count = list_themes(names);
    if (count == 0) {
        *notice = format_notice("no theme files found (themes/*.theme); only the built-in "
                                "theme is available");
        return 0;
    }
    size_t next = 0;
    for (size_t i = 0; i < count; i++) {
        if (strcmp(names[i], colors.theme_name) == 0) {
            next = (i + 1) % count;
            break;
        }
    }
    char *load_notice = NULL;
    use_theme(names[next], &load_notice);
    char *save_error = NULL;
    if (config_file_set(colors.config_path, "theme", colors.theme_name, &save_error) < 0) {
        *notice = format_notice("theme %s (not saved: %s)", colors.theme_name,
                                save_error ? save_error : "out of memory");
    } else if (load_notice) {
        *notice = format_notice("theme %s: %s", colors.theme_name, load_notice);
    } else {
        *notice = format_notice("theme %s%s (saved in %s)", colors.theme_name,
                                colors.monochrome ? ", monochrome: NO_COLOR or no colours"
                                                  : "", colors.config_path);
    }
    free(save_error);
    free(load_notice);
    return 0;
}

void ui_colors_shutdown(void)
{
    free(colors.themes_dir);
    free(colors.config_path);
    memset(&colors, 0, sizeof colors);
}
