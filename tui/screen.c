/* Terminal setup and the too-small screen; see screen.h. */
#include "screen.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "colors.h"
#include "layout.h"

static SCREEN *terminal_screen;

static bool locale_is_utf8(void)
{
    const char *codeset = nl_langinfo(CODESET);
    return codeset && (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "utf8") == 0);
}

int screen_start(char **error)
{
    *error = NULL;
    /* main() may have done it already; repeating is harmless and makes the
     * console correct whoever calls it. */
    setlocale(LC_ALL, "");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        *error = strdup("the console needs a terminal on stdin and stdout; for scripts use "
                        "'virtmig list' or 'virtmig migrate'");
        return -1;
    }
    /* newterm, unlike initscr, returns instead of exiting on a bad TERM. */
    terminal_screen = newterm(NULL, stdout, stdin);
    if (!terminal_screen) {
        const char *term = getenv("TERM");
        if (asprintf(error, "cannot start the console on terminal type '%s': set TERM to "
                     "your terminal's type (e.g. TERM=xterm-256color)",
                     term ? term : "(unset)") < 0)
            *error = NULL;
        return -1;
    }
    set_term(terminal_screen);
    ui_glyphs_init(locale_is_utf8());
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    /* Esc closes dialogs: do not make the operator wait a second for it. */
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED |
              BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    return 0;
}

void screen_stop(void)
{
    if (!terminal_screen)
        return;
    endwin();
    delscreen(terminal_screen);
    terminal_screen = NULL;
}

void screen_size(int *rows, int *cols)
{
    getmaxyx(stdscr, *rows, *cols);
}

void screen_draw_too_small(int rows, int cols)
{
    int attrs = ui_color(THEME_TOO_SMALL);
    wattr_set(stdscr, (attr_t)attrs, 0, NULL);
    wbkgdset(stdscr, ' ' | (chtype)attrs);
    werase(stdscr);
    char lines[3][96];
    snprintf(lines[0], sizeof lines[0], "Terminal too small: %dx%d", cols, rows);
    snprintf(lines[1], sizeof lines[1], "virtmig needs at least %dx%d.", LAYOUT_MIN_COLS,
             LAYOUT_MIN_ROWS);
    snprintf(lines[2], sizeof lines[2], "Enlarge the window, or press q to quit.");
    int top = rows / 2 - 1;
    for (int i = 0; i < 3; i++) {
        int length = (int)strlen(lines[i]);
        int x = (cols - length) / 2;
        if (top + i < 0 || top + i >= rows)
            continue;
        mvwaddnstr(stdscr, top + i, x < 0 ? 0 : x, lines[i], cols);
    }
    wbkgdset(stdscr, ' ');
    wattr_set(stdscr, A_NORMAL, 0, NULL);
}
