/* Drawing the migration form: the fields (scrolling by group when the window
 * is short), each problem under its field, the virsh preview, the pre-flight
 * section, and the Launch/Cancel line. Recomputed from scratch on every draw,
 * so a resize needs nothing but a redraw. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colors.h"
#include "form_ladder.h"
#include "form_state.h"
#include "form_widgets.h"
#include "form_wrap.h"
#include "text_width.h"

/* Below this the form shows only a request for a larger window. */
#define FORM_MIN_ROWS 12
#define FORM_MIN_COLS 44
#define MAX_MESSAGES_PER_FIELD 4
#define ASSISTANT_NOTE_SIZE 320

typedef enum { LINE_GROUP, LINE_FIELD, LINE_PROBLEM } LineKind;

typedef struct {
    LineKind kind;
    int field;              /* LINE_FIELD, LINE_PROBLEM */
    int group;              /* LINE_GROUP */
    const char *message;    /* LINE_PROBLEM: the whole message */
    int part;               /* LINE_PROBLEM: which wrapped line of it */
} FieldLine;

typedef struct {
    int width;              /* inner width */
    int label_width;
    int value_col, value_width;
} FieldGeometry;

static const char PROBLEM_INDENT[] = "      ";   /* under the label */

static int clamp(int value, int low, int high)
{
    return value < low ? low : value > high ? high : value;
}

/* ---- the field list ------------------------------------------------- */

/* Lines of the scrolling field area. Returns the count (lines may be NULL to
 * count only). */
static size_t build_lines(const MigrationForm *form, int width, FieldLine *lines)
{
    size_t count = 0;
    int group = -1;
    int message_width = width - (int)sizeof(PROBLEM_INDENT) + 1;
    for (int id = 0; id < (int)FF_COUNT; id++) {
        const FormFieldInfo *info = form_field_info((FormFieldId)id);
        if ((int)info->group != group) {
            group = (int)info->group;
            if (lines)
                lines[count] = (FieldLine){ .kind = LINE_GROUP, .group = group };
            count++;
        }
        if (lines)
            lines[count] = (FieldLine){ .kind = LINE_FIELD, .field = id };
        count++;
        const char *messages[MAX_MESSAGES_PER_FIELD];
        size_t found = form_field_problems(form, (FormFieldId)id, messages,
                                           MAX_MESSAGES_PER_FIELD);
        if (found > MAX_MESSAGES_PER_FIELD)
            found = MAX_MESSAGES_PER_FIELD;
        for (size_t m = 0; m < found; m++) {
            int height = form_wrapped_height(messages[m], message_width, 2);
            for (int part = 0; part < height; part++) {
                if (lines)
                    lines[count] = (FieldLine){ .kind = LINE_PROBLEM, .field = id,
                                                .message = messages[m], .part = part };
                count++;
            }
        }
    }
    return count;
}

/* Scrolls so the focused field, the heading above it and its problems show. */
static void follow_focus(MigrationForm *form, const FieldLine *lines, size_t count,
                         size_t visible)
{
    if (form->focus < (int)FF_COUNT) {
        size_t first = SIZE_MAX, last = 0;
        for (size_t i = 0; i < count; i++) {
            if (lines[i].kind != LINE_GROUP && lines[i].field == form->focus) {
                if (first == SIZE_MAX)
                    first = i;
                last = i;
            }
        }
        if (first != SIZE_MAX) {
            if (first > 0 && lines[first - 1].kind == LINE_GROUP)
                first--;
            if (last >= form->scroll + visible)
                form->scroll = last + 1 - visible;
            if (first < form->scroll)
                form->scroll = first;
        }
    }
    if (count <= visible)
        form->scroll = 0;
    else if (form->scroll > count - visible)
        form->scroll = count - visible;
}

static void draw_value(const MigrationForm *form, WINDOW *window, int y,
                       const FieldGeometry *geometry, const FormFieldInfo *info,
                       bool enabled, bool focused, bool invalid)
{
    int attrs = focused ? ui_color(THEME_FORM_FIELD_FOCUS)
              : invalid ? ui_color(THEME_FORM_FIELD_INVALID)
                        : ui_color(THEME_FORM_FIELD);
    if (!enabled)
        attrs |= (int)A_DIM;
    const UiGlyphs *glyphs = ui_glyphs();
    int x = geometry->value_col, used = 0;
    char text[160];

    switch (info->kind) {
    case FORM_KIND_BOOL:
        used = form_put(window, y, x, geometry->value_width,
                        form->values.on[info->id] ? glyphs->check_on : glyphs->check_off,
                        attrs, 0);
        break;
    case FORM_KIND_CHOICE:
        snprintf(text, sizeof(text), "< %s >",
                 form_field_choice_name(info->id, form->values.choice[info->id]));
        used = form_put(window, y, x, geometry->value_width, text, attrs, 0);
        break;
    case FORM_KIND_DESTINATION:
        if (form->destination < form->host_count)
            snprintf(text, sizeof(text), "< %s >", form->hosts[form->destination].name);
        else
            snprintf(text, sizeof(text), "(no other connected host)");
        used = form_put(window, y, x, geometry->value_width, text, attrs, 0);
        break;
    default: {
        /* leave room after the box for the unit and the virsh option */
        int box = clamp(geometry->value_width - 24, 10, 28);
        int unit = info->unit ? (int)text_width(info->unit) + 1 : 0;
        if (box + unit > geometry->value_width)
            box = geometry->value_width - unit;
        if (box < 4)
            box = 4;
        /* brackets keep an empty box visible in monochrome themes */
        form_put(window, y, x, 1, "[", ui_color(THEME_FORM_LABEL), 0);
        form_draw_input(window, y, x + 1, box - 2, &form->values.input[info->id],
                        focused && enabled, false, attrs);
        form_put(window, y, x + box - 1, 1, "]", ui_color(THEME_FORM_LABEL), 0);
        used = box;
        if (info->unit)
            used += 1 + form_put(window, y, x + box + 1, unit, info->unit,
                                 ui_color(THEME_FORM_LABEL), 0);
        break;
    }
    }

    /* What the field stands for on virsh's command line, or why it is off. */
    const char *hint = enabled ? info->flag : info->needs;
    int hint_col = x + used + 2;
    int room = geometry->value_col + geometry->value_width - hint_col;
    if (hint && room > 6)
        form_put(window, y, hint_col, room, hint, ui_color(THEME_HELP_TEXT), 0);
}

static void draw_field_line(MigrationForm *form, WINDOW *window, int y, int left,
                            const FieldGeometry *geometry, const FieldLine *line)
{
    const UiGlyphs *glyphs = ui_glyphs();
    if (line->kind == LINE_GROUP) {
        form_rule(window, y, left, geometry->width,
                  form_group_title((FormGroup)line->group), ui_color(THEME_DIALOG_BORDER),
                  ui_color(THEME_HEADER));
        return;
    }
    const FormFieldInfo *info = form_field_info((FormFieldId)line->field);
    if (line->kind == LINE_PROBLEM) {
        int width = geometry->width - (int)sizeof(PROBLEM_INDENT) + 1;
        FormWrapLine parts[32];
        size_t count = form_wrap(line->message, (size_t)(width - 2), parts, 32);
        if ((size_t)line->part >= count || line->part >= 32)
            return;
        const FormWrapLine *part = &parts[line->part];
        char *text = strndup(line->message + part->start, part->length);
        int x = left + (int)sizeof(PROBLEM_INDENT) - 1;
        if (line->part == 0)
            form_put(window, y, x, 2, glyphs->degraded, ui_color(THEME_FORM_ERROR), 0);
        if (text)
            form_put(window, y, x + 2, width - 2, text, ui_color(THEME_FORM_ERROR), 0);
        free(text);
        return;
    }

    bool focused = form->focus == line->field;
    bool enabled = form_field_enabled(&form->values, info->id);
    const char *messages[1];
    bool invalid = form_field_problems(form, info->id, messages, 1) > 0;
    if (focused) {
        /* one space between the mark and the label, whether the mark is "→"
         * or the ASCII "->" (which starts in the margin) */
        int mark = (int)text_width(glyphs->arrow_right);
        form_put(window, y, left + 1 - mark, mark, glyphs->arrow_right,
                 ui_color(THEME_FORM_FIELD_FOCUS), 0);
    }
    int label_attrs = invalid ? ui_color(THEME_FORM_FIELD_INVALID) : ui_color(THEME_FORM_LABEL);
    if (!enabled)
        label_attrs |= (int)A_DIM;
    form_put(window, y, left + 2, geometry->label_width - 1, info->label, label_attrs, 0);
    draw_value(form, window, y, geometry, info, enabled, focused, invalid);
}

/* ---- the fixed sections --------------------------------------------- */

static const char *notice_text(const MigrationForm *form, bool *error)
{
    *error = form->notice_is_error;
    if (form->notice[0])
        return form->notice;
    *error = false;
    if (form->domain_has_job)
        return "This domain already has a job running (a migration?); libvirt will refuse "
               "a second one until it ends.";
    return NULL;
}

static void draw_buttons(MigrationForm *form, WINDOW *window, int y, int left, int width)
{
    size_t blocking = form_blocking_problem_count(form);
    int launch_attrs = form->focus == FORM_FOCUS_LAUNCH ? ui_color(THEME_FORM_FIELD_FOCUS)
                                                        : ui_color(THEME_FORM_FIELD);
    if (blocking > 0)
        launch_attrs |= (int)A_DIM;
    int cancel_attrs = form->focus == FORM_FOCUS_CANCEL ? ui_color(THEME_FORM_FIELD_FOCUS)
                                                        : ui_color(THEME_FORM_FIELD);
    form->launch_col = left;
    form->launch_width = form_put(window, y, left, width, "[ Launch ]", launch_attrs, 0);
    form->cancel_col = left + form->launch_width + 2;
    form->cancel_width = form_put(window, y, form->cancel_col, width - form->launch_width - 2,
                                  "[ Cancel ]", cancel_attrs, 0);
    int x = form->cancel_col + form->cancel_width + 2;
    char status[120];
    if (blocking > 0)
        snprintf(status, sizeof(status), "Launch disabled: %zu problem%s", blocking,
                 blocking == 1 ? "" : "s");
    else
        snprintf(status, sizeof(status), "Ready: Enter on Launch starts it");
    int used = form_put(window, y, x, left + width - x, status,
                        blocking ? ui_color(THEME_FORM_ERROR) : ui_color(THEME_VERDICT_GOOD), 0);
    x += used + 2;
    if (left + width - x > 20)
        form_put(window, y, x, left + width - x, "Tab move  Space toggle  Esc cancel",
                 ui_color(THEME_FOOTER_LABEL), 0);
}

static void draw_checks(const MigrationForm *form, WINDOW *window, int y, int left, int width,
                        int height)
{
    if (!form->checks_set) {
        form_put(window, y, left, width, "pre-flight checks: not run yet",
                 ui_color(THEME_HELP_TEXT), 0);
        return;
    }
    for (int i = 0; i < height && (size_t)i < form->check_count; i++) {
        const char *line = form->checks[i];
        if (i + 1 == height && form->check_count > (size_t)height) {
            char more[64];
            snprintf(more, sizeof(more), "... and %zu more", form->check_count - (size_t)i);
            line = more;
            form_put(window, y + i, left, width, line, ui_color(THEME_TEXT), 0);
            break;
        }
        form_put(window, y + i, left, width, line, ui_color(THEME_TEXT), 0);
    }
}

static void mark_rows(MigrationForm *form, int from, int count, FormRowKind kind, int field)
{
    for (int row = from; row < from + count && row < form->row_count; row++) {
        if (row >= 0)
            form->rows[row] = (FormRowTarget){ .kind = kind, .field = field };
    }
}

void migration_form_draw(MigrationForm *form, WINDOW *window)
{
    if (!form || !window)
        return;
    int rows, cols;
    getmaxyx(window, rows, cols);
    werase(window);

    FormRowTarget *targets = realloc(form->rows, sizeof(*targets) * (size_t)(rows > 0 ? rows : 1));
    if (!targets)
        return;
    form->rows = targets;
    form->row_count = rows;
    memset(form->rows, 0, sizeof(*targets) * (size_t)rows);

    wattr_on(window, (attr_t)ui_color(THEME_DIALOG_BORDER), NULL);
    box(window, 0, 0);
    wattr_off(window, (attr_t)ui_color(THEME_DIALOG_BORDER), NULL);
    char title[256];
    const char *source = form->source_host < form->host_count
                             ? form->hosts[form->source_host].name : "?";
    const char *destination = form->destination < form->host_count
                                  ? form->hosts[form->destination].name : "?";
    snprintf(title, sizeof(title), " Migrate %s (%s) from %s %s %s ",
             form->domain_name ? form->domain_name : form->domain_uuid,
             form->domain_present ? domain_run_state_name(form->domain_state) : "gone", source,
             ui_glyphs()->arrow_right, destination);
    form_put(window, 0, 2, cols - 4, title, ui_color(THEME_DIALOG_TITLE), 0);

    if (rows < FORM_MIN_ROWS || cols < FORM_MIN_COLS) {
        form_put(window, rows / 2, 1, cols - 2, "Make the terminal larger to use the "
                 "migration form (80x24 is enough).", ui_color(THEME_TOO_SMALL), 0);
        return;
    }

    int left = 2, width = cols - 4;
    int buttons_row = rows - 2;

    bool notice_error;
    const char *notice = notice_text(form, &notice_error);
    int notice_height = notice ? clamp(form_wrapped_height(notice, width, 0), 1, 2) : 0;
    int preview_height = clamp(form_command_height(form->virsh_command, width), 1,
                               rows >= 34 ? 8 : rows >= 28 ? 5 : 3);
    int checks_height = form->checks_set ? clamp((int)form->check_count, 1, rows >= 30 ? 6 : 2)
                                         : 1;
    /* libvirt knows nothing of the ladder: a note under its line says who runs it */
    char ladder_note[ASSISTANT_NOTE_SIZE];
    int ladder_height = form_ladder_preview(&form->values, ladder_note, sizeof(ladder_note))
                            ? 1 : 0;
    int fields_top = 1;
    int fields_height = buttons_row - notice_height - (1 + checks_height) -
                        (1 + preview_height + ladder_height) - fields_top;
    if (fields_height < 4) {
        preview_height = 1;
        checks_height = 1;
        fields_height = buttons_row - notice_height - 4 - ladder_height - fields_top;
    }

    /* what the focused field does, when there is room for it */
    const char *help = form->focus < (int)FF_COUNT ? form_field_help((FormFieldId)form->focus)
                     : form->focus == FORM_FOCUS_LAUNCH ? "Start the migration with these "
                                                          "options."
                                                        : "Close the form without migrating.";
    /* a fixed height, so the fields do not jump as the focus moves */
    int help_height = fields_height >= 12 ? 2 : 0;
    fields_height -= help_height;

    /* the fields */
    size_t count = build_lines(form, width - 2, NULL);
    FieldLine *lines = calloc(count ? count : 1, sizeof(*lines));
    if (!lines)
        return;
    build_lines(form, width - 2, lines);
    follow_focus(form, lines, count, (size_t)fields_height);
    /* the last column of the area is kept for the scroll marks */
    FieldGeometry geometry = { .width = width - 2 };
    geometry.label_width = clamp(width * 2 / 5, 20, 32);
    geometry.value_col = left + 2 + geometry.label_width;
    geometry.value_width = left + geometry.width - geometry.value_col;
    for (int i = 0; i < fields_height && form->scroll + (size_t)i < count; i++) {
        const FieldLine *line = &lines[form->scroll + (size_t)i];
        draw_field_line(form, window, fields_top + i, left, &geometry, line);
        if (line->kind != LINE_GROUP)
            mark_rows(form, fields_top + i, 1, FORM_ROW_FIELD, line->field);
    }
    const UiGlyphs *glyphs = ui_glyphs();
    if (form->scroll > 0)
        form_put(window, fields_top, cols - 3, 1, glyphs->up, ui_color(THEME_HELP_TEXT), 0);
    if (form->scroll + (size_t)fields_height < count)
        form_put(window, fields_top + fields_height - 1, cols - 3, 1, glyphs->down,
                 ui_color(THEME_HELP_TEXT), 0);
    free(lines);

    int y = fields_top + fields_height;
    if (help_height > 0) {
        form_draw_wrapped(window, y, left, width, help_height, NULL, help,
                          ui_color(THEME_HELP_TEXT));
        y += help_height;
    }

    /* the virsh preview */
    form_rule(window, y++, left, width, "Equivalent virsh command", ui_color(THEME_DIALOG_BORDER),
              ui_color(THEME_HEADER));
    form_draw_command(window, y, left, width, preview_height,
                      form->virsh_command ? form->virsh_command
                                          : "(out of memory while rendering the command)",
                      ui_color(THEME_PREVIEW_COMMAND));
    y += preview_height;
    if (ladder_height > 0)
        form_put(window, y++, left, width, ladder_note, ui_color(THEME_HELP_TEXT), 0);

    /* room for the pre-flight checks */
    form_rule(window, y++, left, width, "Pre-flight checks", ui_color(THEME_DIALOG_BORDER),
              ui_color(THEME_HEADER));
    draw_checks(form, window, y, left, width, checks_height);
    y += checks_height;

    if (notice)
        form_draw_wrapped(window, y, left, width, notice_height, NULL, notice,
                          notice_error ? ui_color(THEME_FORM_ERROR)
                                       : ui_color(THEME_MESSAGE_WARNING));

    draw_buttons(form, window, buttons_row, left, width);
    mark_rows(form, buttons_row, 1, FORM_ROW_BUTTONS, 0);
}
