/* Colour themes as data: the parser of the themes/ directory's .theme files. No curses here;
 * the drawing code maps a ThemeStyle to curses colour pairs and attributes.
 *
 * File format, one role per line, '#' starts a comment:
 *
 *     role = FG,BG[,ATTRIBUTES]
 *
 *   FG, BG      default | black | red | green | yellow | blue | magenta | cyan |
 *               white | brightblack ... brightwhite | colourN (N in 0..255;
 *               "colorN" is accepted too)
 *   ATTRIBUTES  none, or names joined with '+': bold, dim, reverse, underline,
 *               italic, standout   (e.g. "bold+underline")
 *
 * Names are case-insensitive; spaces around tokens are ignored. A bad line is
 * reported as "FILE:LINE: what is wrong; how to fix it" and skipped. A role
 * the file does not set is reported too and keeps the built-in default, so a
 * theme with problems still draws; the caller may fall back to "default". */
#ifndef VIRTMIG_THEME_FILE_H
#define VIRTMIG_THEME_FILE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    THEME_TEXT = 0,                 /* text */
    THEME_HEADER,                   /* header */
    THEME_HOST_CONNECTED,           /* host-connected */
    THEME_HOST_CONNECTING,          /* host-connecting */
    THEME_HOST_LOST,                /* host-lost */
    THEME_HOST_AUTH_FAILED,         /* host-auth-failed */
    THEME_TABLE_HEADER,             /* table-header */
    THEME_ROW,                      /* row */
    THEME_ROW_SELECTED,             /* row-selected */
    THEME_DOMAIN_RUNNING,           /* domain-running */
    THEME_DOMAIN_PAUSED,            /* domain-paused */
    THEME_DOMAIN_SHUTOFF,           /* domain-shutoff */
    THEME_DOMAIN_OTHER,             /* domain-other */
    THEME_MIGRATING,                /* migrating */
    THEME_PROGRESS_FILL,            /* progress-fill */
    THEME_PROGRESS_EMPTY,           /* progress-empty */
    THEME_GRAPH_DIRTY,              /* graph-dirty */
    THEME_GRAPH_BANDWIDTH,          /* graph-bandwidth */
    THEME_GRAPH_AXIS,               /* graph-axis */
    THEME_VERDICT_GOOD,             /* verdict-good */
    THEME_VERDICT_WARN,             /* verdict-warn */
    THEME_VERDICT_BAD,              /* verdict-bad */
    THEME_REMEDY_KEY,               /* remedy-key */
    THEME_FOOTER_KEY,               /* footer-key */
    THEME_FOOTER_LABEL,             /* footer-label */
    THEME_MESSAGE_INFO,             /* message-info */
    THEME_MESSAGE_WARNING,          /* message-warning */
    THEME_MESSAGE_ERROR,            /* message-error */
    THEME_FORM_LABEL,               /* form-label */
    THEME_FORM_FIELD,               /* form-field */
    THEME_FORM_FIELD_FOCUS,         /* form-field-focus */
    THEME_FORM_FIELD_INVALID,       /* form-field-invalid */
    THEME_FORM_ERROR,               /* form-error */
    THEME_DIALOG_BORDER,            /* dialog-border */
    THEME_DIALOG_TITLE,             /* dialog-title */
    THEME_PREVIEW_COMMAND,          /* preview-command */
    THEME_HELP_TEXT,                /* help-text */
    THEME_TOO_SMALL,                /* too-small */
    THEME_ROLE_COUNT
} ThemeRole;

/* Colours: THEME_COLOR_DEFAULT (the terminal's own), 0..7 the basic eight
 * (black red green yellow blue magenta cyan white), 8..15 their bright
 * variants, 16..255 the xterm palette. */
#define THEME_COLOR_DEFAULT (-1)

typedef enum {
    THEME_ATTR_NONE      = 0,
    THEME_ATTR_BOLD      = 1u << 0,
    THEME_ATTR_DIM       = 1u << 1,
    THEME_ATTR_REVERSE   = 1u << 2,
    THEME_ATTR_UNDERLINE = 1u << 3,
    THEME_ATTR_ITALIC    = 1u << 4,
    THEME_ATTR_STANDOUT  = 1u << 5,
} ThemeAttr;

typedef struct {
    short fg, bg;        /* THEME_COLOR_DEFAULT or 0..255 */
    unsigned attrs;      /* ThemeAttr bits */
} ThemeStyle;

typedef struct {
    char name[64];                          /* file name without ".theme" */
    ThemeStyle styles[THEME_ROLE_COUNT];
    bool from_file[THEME_ROLE_COUNT];       /* set by the file (else built-in) */
} Theme;

typedef struct {
    char **items;        /* owned, "FILE:LINE: reason; fix" */
    size_t count;
} ThemeProblems;

/* The built-in dark theme (the same as themes/default.theme), every role set,
 * from_file all false. Used when no theme file can be read. */
void theme_init_builtin(Theme *theme);

/* Parses `text`; filename names the theme and prefixes messages. The theme is
 * first reset to the built-in one, then each good line overrides its role.
 * Problems (bad lines, roles set twice, roles not set) are appended to
 * *problems. Returns 0, or -1 only on allocation failure. */
int theme_parse(Theme *theme, const char *text, const char *filename, ThemeProblems *problems);
/* Reads and parses a file. An unreadable file is one problem and returns -1
 * (theme left built-in); otherwise as theme_parse. */
int theme_load_file(Theme *theme, const char *path, ThemeProblems *problems);

void theme_problems_clear(ThemeProblems *problems);   /* accepts NULL */

/* "form-field-focus"; NULL for an out-of-range role. */
const char *theme_role_name(ThemeRole role);
/* Case-insensitive lookup of a role name; false when unknown. */
bool theme_role_from_name(const char *name, ThemeRole *out);
/* The style a terminal with `colors` colours can show: colours it lacks map to
 * the nearest basic colour (bright ones keep their brightness as bold), and
 * with fewer than 8 colours only the attributes remain. */
ThemeStyle theme_style_for_terminal(ThemeStyle style, int colors);

#endif
