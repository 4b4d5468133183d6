/* Modal dialogs: confirm, number input, secret input, message, text viewer.
 * Driven by the console loop one key at a time; drawn centred over the
 * screen on every redraw. */
#include "dialog.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "form_input.h"
#include "form_widgets.h"
#include "form_wrap.h"
#include "text_width.h"
#include "units.h"

enum { KEY_ESCAPE = 27, KEY_TAB = '\t' };

typedef enum {
    DIALOG_KIND_CONFIRM,
    DIALOG_KIND_NUMBER,
    DIALOG_KIND_SECRET,
    DIALOG_KIND_MESSAGE,
    DIALOG_KIND_VIEWER,
} DialogKind;

struct _Dialog {
    DialogKind kind;
    char *title;
    char *text;               /* explanation, label or prompt */
    char *yes_label, *no_label;
    bool yes_focused;         /* confirm: starts on No, so a stray Enter never confirms */
    FormInput input;          /* number and secret */
    DialogNumberKind number_kind;
    uint64_t min, max, value;
    bool hidden;
    char error[200];          /* number: why the last Enter was refused */
    char **lines;             /* viewer */
    size_t line_count;
    size_t scroll;            /* viewer: first display row shown */
    size_t display_rows;      /* viewer: wrapped rows at the last draw */
    size_t page;              /* viewer: rows visible at the last draw */
    bool follow_end;          /* viewer: stay at the end as lines arrive */
};

/* ---- creation ------------------------------------------------------- */

static Dialog *dialog_new(DialogKind kind, const char *title, const char *text)
{
    Dialog *dialog = calloc(1, sizeof(*dialog));
    if (!dialog)
        return NULL;
    dialog->kind = kind;
    dialog->title = strdup(title ? title : "");
    dialog->text = strdup(text ? text : "");
    if (!dialog->title || !dialog->text) {
        dialog_free(dialog);
        return NULL;
    }
    return dialog;
}

Dialog *dialog_confirm_new(const char *title, const char *text, const char *yes_label,
                           const char *no_label)
{
    Dialog *dialog = dialog_new(DIALOG_KIND_CONFIRM, title, text);
    if (!dialog)
        return NULL;
    dialog->yes_label = strdup(yes_label ? yes_label : "Yes");
    dialog->no_label = strdup(no_label ? no_label : "No");
    if (!dialog->yes_label || !dialog->no_label) {
        dialog_free(dialog);
        return NULL;
    }
    return dialog;
}

Dialog *dialog_number_new(const char *title, const char *label, DialogNumberKind kind,
                          uint64_t min, uint64_t max, const char *initial)
{
    Dialog *dialog = dialog_new(DIALOG_KIND_NUMBER, title, label);
    if (!dialog)
        return NULL;
    dialog->number_kind = kind;
    dialog->min = min;
    dialog->max = max < min ? min : max;
    if (form_input_set(&dialog->input, initial) < 0) {
        dialog_free(dialog);
        return NULL;
    }
    return dialog;
}

Dialog *dialog_secret_new(const char *title, const char *prompt, bool hidden)
{
    Dialog *dialog = dialog_new(DIALOG_KIND_SECRET, title, prompt);
    if (dialog)
        dialog->hidden = hidden;
    return dialog;
}

Dialog *dialog_message_new(const char *title, const char *text)
{
    return dialog_new(DIALOG_KIND_MESSAGE, title, text);
}

static void free_lines(char **lines, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(lines[i]);
    free(lines);
}

int dialog_viewer_set_lines(Dialog *dialog, const char *const *lines, size_t count)
{
    if (!dialog || dialog->kind != DIALOG_KIND_VIEWER)
        return -1;
    char **copy = calloc(count ? count : 1, sizeof(*copy));
    if (!copy)
        return -1;
    for (size_t i = 0; i < count; i++) {
        if (!(copy[i] = strdup(lines[i] ? lines[i] : ""))) {
            free_lines(copy, i);
            return -1;
        }
    }
    free_lines(dialog->lines, dialog->line_count);
    dialog->lines = copy;
    dialog->line_count = count;
    return 0;
}

Dialog *dialog_viewer_new(const char *title, const char *const *lines, size_t count)
{
    Dialog *dialog = dialog_new(DIALOG_KIND_VIEWER, title, "");
    if (!dialog)
        return NULL;
    if (dialog_viewer_set_lines(dialog, lines, count) < 0) {
        dialog_free(dialog);
        return NULL;
    }
    return dialog;
}

void dialog_free(Dialog *dialog)
{
    if (!dialog)
        return;
    free(dialog->title);
    free(dialog->text);
    free(dialog->yes_label);
    free(dialog->no_label);
    form_input_clear(&dialog->input);   /* wipes a typed password */
    free_lines(dialog->lines, dialog->line_count);
    free(dialog);
}

/* ---- answers -------------------------------------------------------- */

uint64_t dialog_number_value(const Dialog *dialog)
{
    return dialog ? dialog->value : 0;
}

const char *dialog_text_value(const Dialog *dialog)
{
    return dialog ? form_input_text(&dialog->input) : "";
}

static const char *number_hint(DialogNumberKind kind)
{
    switch (kind) {
    case DIALOG_NUMBER_BYTES:   return "bytes (e.g. 4096, 64M, 1G)";
    case DIALOG_NUMBER_MIBS:    return "MiB/s (e.g. 50, 50M, 1G)";
    case DIALOG_NUMBER_MS:      return "ms (e.g. 300, 300ms, 2s)";
    case DIALOG_NUMBER_SECONDS: return "s (e.g. 30, 30s, 2m)";
    default:                    return "a whole number";
    }
}

/* Writes a value in the dialog's own unit, for range messages. */
static void format_in_unit(DialogNumberKind kind, uint64_t value, char *buffer, size_t size)
{
    switch (kind) {
    case DIALOG_NUMBER_BYTES:
        units_format_bytes(buffer, size, value);
        break;
    case DIALOG_NUMBER_MIBS:
        snprintf(buffer, size, "%llu MiB/s", (unsigned long long)value);
        break;
    case DIALOG_NUMBER_MS:
        snprintf(buffer, size, "%llu ms", (unsigned long long)value);
        break;
    case DIALOG_NUMBER_SECONDS:
        snprintf(buffer, size, "%llu s", (unsigned long long)value);
        break;
    default:
        snprintf(buffer, size, "%llu", (unsigned long long)value);
        break;
    }
}

static int parse_plain(const char *text, uint64_t *out, char *error, size_t size)
{
    while (isspace((unsigned char)*text))
        text++;
    uint64_t value = 0;
    const char *c = text;
    for (; isdigit((unsigned char)*c); c++) {
        unsigned digit = (unsigned)(*c - '0');
        if (value > (UINT64_MAX - digit) / 10) {
            snprintf(error, size, "\"%s\" is too large; type a smaller whole number.", text);
            return -1;
        }
        value = value * 10 + digit;
    }
    while (isspace((unsigned char)*c))
        c++;
    if (c == text || *c) {
        snprintf(error, size, "\"%s\" is not a whole number; type digits only, e.g. 4.", text);
        return -1;
    }
    *out = value;
    return 0;
}

/* Parses the input; on success stores the value, else sets the error. */
static bool accept_number(Dialog *dialog)
{
    const char *text = form_input_text(&dialog->input);
    uint64_t value = 0;
    int rc;
    char *error = dialog->error;
    size_t size = sizeof(dialog->error);
    switch (dialog->number_kind) {
    case DIALOG_NUMBER_BYTES:   rc = units_parse_size(text, 1, 1, &value, error, size); break;
    case DIALOG_NUMBER_MIBS:
        rc = units_parse_size(text, UNITS_MIB, UNITS_MIB, &value, error, size);
        break;
    case DIALOG_NUMBER_MS:      rc = units_parse_duration(text, 1, 1, &value, error, size); break;
    case DIALOG_NUMBER_SECONDS:
        rc = units_parse_duration(text, 1000, 1000, &value, error, size);
        break;
    default:                    rc = parse_plain(text, &value, error, size); break;
    }
    if (rc < 0)
        return false;
    if (value < dialog->min || value > dialog->max) {
        char low[UNITS_BUF + 16], high[UNITS_BUF + 16];
        format_in_unit(dialog->number_kind, dialog->min, low, sizeof(low));
        format_in_unit(dialog->number_kind, dialog->max, high, sizeof(high));
        snprintf(dialog->error, sizeof(dialog->error),
                 "\"%s\" is out of range; type a value from %s to %s.", text, low, high);
        return false;
    }
    dialog->value = value;
    dialog->error[0] = '\0';
    return true;
}

/* ---- keys ----------------------------------------------------------- */

static bool is_enter(int key, bool is_function_key)
{
    return is_function_key ? key == KEY_ENTER : (key == '\n' || key == '\r');
}

static bool is_escape(int key, bool is_function_key)
{
    return !is_function_key && key == KEY_ESCAPE;
}

static DialogResult confirm_key(Dialog *dialog, int key, bool is_function_key)
{
    if (is_function_key) {
        if (key == KEY_LEFT || key == KEY_RIGHT || key == KEY_BTAB)
            dialog->yes_focused = !dialog->yes_focused;
        else if (key == KEY_ENTER)
            return dialog->yes_focused ? DIALOG_ACCEPTED : DIALOG_CANCELLED;
        return DIALOG_CONTINUE;
    }
    switch (key) {
    case 'y': case 'Y':
        return DIALOG_ACCEPTED;
    case 'n': case 'N': case 'q': case KEY_ESCAPE:
        return DIALOG_CANCELLED;
    case KEY_TAB:
        dialog->yes_focused = !dialog->yes_focused;
        return DIALOG_CONTINUE;
    case '\n': case '\r': case ' ':
        return dialog->yes_focused ? DIALOG_ACCEPTED : DIALOG_CANCELLED;
    default:
        return DIALOG_CONTINUE;
    }
}

static DialogResult input_key(Dialog *dialog, int key, bool is_function_key)
{
    if (is_escape(key, is_function_key))
        return DIALOG_CANCELLED;
    if (is_enter(key, is_function_key)) {
        if (dialog->kind == DIALOG_KIND_NUMBER && !accept_number(dialog))
            return DIALOG_CONTINUE;
        return DIALOG_ACCEPTED;
    }
    FormInputOutcome outcome = form_input_key(&dialog->input, key, is_function_key);
    if (outcome == FORM_INPUT_CHANGED)
        dialog->error[0] = '\0';     /* the refusal was about the old text */
    else if (outcome == FORM_INPUT_NO_MEMORY)
        snprintf(dialog->error, sizeof(dialog->error), "Out of memory; press Esc.");
    return DIALOG_CONTINUE;
}

static DialogResult viewer_key(Dialog *dialog, int key, bool is_function_key)
{
    size_t page = dialog->page ? dialog->page : 1;
    size_t last = dialog->display_rows > page ? dialog->display_rows - page : 0;
    if (!is_function_key) {
        switch (key) {
        case KEY_ESCAPE: case 'q': case 'Q': case '\n': case '\r':
            return DIALOG_CANCELLED;
        case ' ':
            key = KEY_NPAGE;
            break;
        case 'j':
            key = KEY_DOWN;
            break;
        case 'k':
            key = KEY_UP;
            break;
        case 'g':
            key = KEY_HOME;
            break;
        case 'G':
            key = KEY_END;
            break;
        default:
            return DIALOG_CONTINUE;
        }
    }
    switch (key) {
    case KEY_DOWN:  dialog->scroll += 1; break;
    case KEY_UP:    dialog->scroll = dialog->scroll > 0 ? dialog->scroll - 1 : 0; break;
    case KEY_NPAGE: dialog->scroll += page; break;
    case KEY_PPAGE: dialog->scroll = dialog->scroll > page ? dialog->scroll - page : 0; break;
    case KEY_HOME:  dialog->scroll = 0; break;
    case KEY_END:   dialog->scroll = last; break;
    case KEY_ENTER: return DIALOG_CANCELLED;
    default:        return DIALOG_CONTINUE;
    }
    if (dialog->scroll > last)
        dialog->scroll = last;
    dialog->follow_end = dialog->scroll >= last;
    return DIALOG_CONTINUE;
}

DialogResult dialog_handle_key(Dialog *dialog, int key, bool is_function_key)
{
    if (!dialog)
        return DIALOG_CANCELLED;
    if (is_function_key && key == KEY_RESIZE)
        return DIALOG_CONTINUE;
    switch (dialog->kind) {
    case DIALOG_KIND_CONFIRM:
        return confirm_key(dialog, key, is_function_key);
    case DIALOG_KIND_NUMBER:
    case DIALOG_KIND_SECRET:
        return input_key(dialog, key, is_function_key);
    case DIALOG_KIND_MESSAGE:
        if (is_escape(key, is_function_key))
            return DIALOG_CANCELLED;
        if (is_enter(key, is_function_key) || (!is_function_key && (key == ' ' || key == 'q')))
            return DIALOG_ACCEPTED;
        return DIALOG_CONTINUE;
    case DIALOG_KIND_VIEWER:
        return viewer_key(dialog, key, is_function_key);
    }
    return DIALOG_CONTINUE;
}

/* ---- drawing -------------------------------------------------------- */

typedef struct {
    int top, left, height, width;   /* the frame, on the screen */
} Frame;

static int clamp(int value, int low, int high)
{
    return value < low ? low : value > high ? high : value;
}

/* Centres a frame of the wanted inner size on the screen, clipped to it. */
static Frame place(WINDOW *screen, int inner_height, int inner_width)
{
    int rows, cols;
    getmaxyx(screen, rows, cols);
    Frame frame;
    frame.height = clamp(inner_height + 2, 3, rows);
    frame.width = clamp(inner_width + 4, 8, cols);
    frame.top = (rows - frame.height) / 2;
    frame.left = (cols - frame.width) / 2;
    return frame;
}

static void draw_frame(WINDOW *screen, const Frame *frame, const char *title)
{
    int text = ui_color(THEME_TEXT);
    wattr_on(screen, (attr_t)text, NULL);
    for (int y = 0; y < frame->height; y++)
        mvwhline(screen, frame->top + y, frame->left, ' ', frame->width);
    wattr_off(screen, (attr_t)text, NULL);

    int border = ui_color(THEME_DIALOG_BORDER);
    int right = frame->left + frame->width - 1, bottom = frame->top + frame->height - 1;
    wattr_on(screen, (attr_t)border, NULL);
    mvwhline(screen, frame->top, frame->left + 1, ACS_HLINE, frame->width - 2);
    mvwhline(screen, bottom, frame->left + 1, ACS_HLINE, frame->width - 2);
    mvwvline(screen, frame->top + 1, frame->left, ACS_VLINE, frame->height - 2);
    mvwvline(screen, frame->top + 1, right, ACS_VLINE, frame->height - 2);
    mvwaddch(screen, frame->top, frame->left, ACS_ULCORNER);
    mvwaddch(screen, frame->top, right, ACS_URCORNER);
    mvwaddch(screen, bottom, frame->left, ACS_LLCORNER);
    mvwaddch(screen, bottom, right, ACS_LRCORNER);
    wattr_off(screen, (attr_t)border, NULL);
    if (title && *title) {
        char decorated[256];
        snprintf(decorated, sizeof(decorated), " %s ", title);
        form_put(screen, frame->top, frame->left + 2, frame->width - 4, decorated,
                 ui_color(THEME_DIALOG_TITLE), 0);
    }
}

/* Draws "[ label ]" and returns its width. */
static int draw_button(WINDOW *screen, int y, int x, int room, const char *label, bool focused)
{
    char text[96];
    snprintf(text, sizeof(text), "[ %s ]", label);
    return form_put(screen, y, x, room, text,
                    focused ? ui_color(THEME_FORM_FIELD_FOCUS) : ui_color(THEME_FORM_FIELD), 0);
}

static int preferred_width(const char *text, int low, int high)
{
    int widest = 0;
    FormWrapLine lines[256];
    size_t count = form_wrap(text, (size_t)high, lines, 256);
    for (size_t i = 0; i < count && i < 256; i++) {
        char *line = strndup(text + lines[i].start, lines[i].length);
        if (line) {
            widest = (int)text_width(line) > widest ? (int)text_width(line) : widest;
            free(line);
        }
    }
    return clamp(widest, low, high);
}

static void draw_text_dialog(Dialog *dialog, WINDOW *screen)
{
    int rows, cols;
    getmaxyx(screen, rows, cols);
    int width = preferred_width(dialog->text, 36, clamp(cols - 8, 20, 72));
    int text_height = clamp(form_wrapped_height(dialog->text, width, 0), 1, rows - 6);
    Frame frame = place(screen, text_height + 2, width);
    width = frame.width - 4;
    text_height = frame.height - 4;
    draw_frame(screen, &frame, dialog->title);
    int x = frame.left + 2, y = frame.top + 1;
    form_draw_wrapped(screen, y, x, width, text_height, NULL, dialog->text,
                      ui_color(THEME_TEXT));
    int buttons = frame.top + frame.height - 2;
    if (dialog->kind == DIALOG_KIND_MESSAGE) {
        draw_button(screen, buttons, x, width, "OK", true);
        return;
    }
    int used = draw_button(screen, buttons, x, width, dialog->yes_label, dialog->yes_focused);
    used += 2;
    used += draw_button(screen, buttons, x + used, width - used, dialog->no_label,
                        !dialog->yes_focused);
    form_put(screen, buttons, x + used + 2, width - used - 2, "y/n, Tab, Enter",
             ui_color(THEME_HELP_TEXT), 0);
}

static void draw_input_dialog(Dialog *dialog, WINDOW *screen)
{
    int cols = getmaxx(screen);
    int width = clamp(cols - 8, 20, 64);
    bool number = dialog->kind == DIALOG_KIND_NUMBER;
    int label_height = clamp(form_wrapped_height(dialog->text, width, 0), 1, 4);
    int error_height = dialog->error[0] ? clamp(form_wrapped_height(dialog->error, width, 2),
                                                1, 3) : 0;
    Frame frame = place(screen, label_height + 1 + error_height + 2, width);
    width = frame.width - 4;
    draw_frame(screen, &frame, dialog->title);
    int x = frame.left + 2, y = frame.top + 1;
    y += form_draw_wrapped(screen, y, x, width, label_height, NULL, dialog->text,
                           ui_color(THEME_FORM_LABEL));
    const char *hint = number ? number_hint(dialog->number_kind) : NULL;
    int hint_width = hint ? (int)text_width(hint) + 1 : 0;
    int box = hint && width - hint_width >= 12 ? width - hint_width : width;
    if (box > 32)
        box = 32;
    /* brackets keep the box visible in monochrome themes */
    form_put(screen, y, x, 1, "[", ui_color(THEME_FORM_LABEL), 0);
    form_draw_input(screen, y, x + 1, box - 2, &dialog->input, true, dialog->hidden,
                    dialog->error[0] ? ui_color(THEME_FORM_FIELD_INVALID)
                                     : ui_color(THEME_FORM_FIELD_FOCUS));
    form_put(screen, y, x + box - 1, 1, "]", ui_color(THEME_FORM_LABEL), 0);
    if (hint && box + 1 < width)
        form_put(screen, y, x + box + 1, width - box - 1, hint, ui_color(THEME_HELP_TEXT), 0);
    y++;
    if (dialog->error[0])
        y += form_draw_wrapped(screen, y, x, width, error_height, "! ", dialog->error,
                               ui_color(THEME_FORM_ERROR));
    form_put(screen, frame.top + frame.height - 2, x, width, "Enter accepts  Esc cancels",
             ui_color(THEME_HELP_TEXT), 0);
}

static void draw_viewer(Dialog *dialog, WINDOW *screen)
{
    int rows, cols;
    getmaxyx(screen, rows, cols);
    Frame frame = place(screen, rows - 4, cols - 8);
    int width = frame.width - 4, height = frame.height - 4;
    if (width < 1 || height < 1)
        return;
    draw_frame(screen, &frame, dialog->title);

    /* Wrapped rows of all lines; a long journal line wraps rather than hides. */
    size_t total = 0;
    for (size_t i = 0; i < dialog->line_count; i++) {
        size_t needed = form_wrap(dialog->lines[i], (size_t)width, NULL, 0);
        total += needed ? needed : 1;
    }
    dialog->display_rows = total;
    dialog->page = (size_t)height;
    size_t last = total > (size_t)height ? total - (size_t)height : 0;
    if (dialog->follow_end)
        dialog->scroll = last;
    if (dialog->scroll > last)
        dialog->scroll = last;

    int x = frame.left + 2, y = frame.top + 1;
    size_t row = 0;
    for (size_t i = 0; i < dialog->line_count && y < frame.top + 1 + height; i++) {
        const char *line = dialog->lines[i];
        FormWrapLine parts[64];
        size_t count = form_wrap(line, (size_t)width, parts, 64);
        if (count == 0)
            count = 1, parts[0] = (FormWrapLine){ 0, 0 };
        if (count > 64)
            count = 64;
        for (size_t p = 0; p < count && y < frame.top + 1 + height; p++, row++) {
            if (row < dialog->scroll)
                continue;
            char *part = strndup(line + parts[p].start, parts[p].length);
            if (part)
                form_put(screen, y, x, width, part, ui_color(THEME_TEXT), 0);
            free(part);
            y++;
        }
    }
    char footer[160];
    const UiGlyphs *glyphs = ui_glyphs();
    snprintf(footer, sizeof(footer), "%zu-%zu of %zu  %s%s PgUp PgDn Home End  q/Esc closes",
             total ? dialog->scroll + 1 : 0,
             dialog->scroll + (size_t)height < total ? dialog->scroll + (size_t)height : total,
             total, glyphs->up, glyphs->down);
    form_put(screen, frame.top + frame.height - 2, x, width, footer, ui_color(THEME_HELP_TEXT),
             0);
}

void dialog_draw(Dialog *dialog, WINDOW *screen)
{
    if (!dialog || !screen)
        return;
    switch (dialog->kind) {
    case DIALOG_KIND_CONFIRM:
    case DIALOG_KIND_MESSAGE:
        draw_text_dialog(dialog, screen);
        break;
    case DIALOG_KIND_NUMBER:
    case DIALOG_KIND_SECRET:
        draw_input_dialog(dialog, screen);
        break;
    case DIALOG_KIND_VIEWER:
        draw_viewer(dialog, screen);
        break;
    }
}
