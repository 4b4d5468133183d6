/* The read-only screens: help (generated from the key table), the journal
 * (read with core/journal.h's reader) and the recent messages in full. All
 * open in the scrollable viewer dialog, so core updates keep flowing. */
#include "app_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions.h"
#include "journal.h"
#include "json_writer.h"
#include "keys.h"

typedef struct {
    char **lines;
    size_t count, capacity;
    bool failed;
} LineList;

static void add_line(LineList *list, char *line)
{
    if (!line) {
        list->failed = true;
        return;
    }
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 64;
        char **lines = realloc(list->lines, capacity * sizeof *lines);
        if (!lines) {
            free(line);
            list->failed = true;
            return;
        }
        list->lines = lines;
        list->capacity = capacity;
    }
    list->lines[list->count++] = line;
}

static void free_lines(LineList *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->lines[i]);
    free(list->lines);
}

static unsigned open_viewer(App *app, const char *title, LineList *list)
{
    if (list->failed) {
        free_lines(list);
        app_notice(app, MESSAGE_ERROR, "%s: out of memory", title);
        return REDRAW_FOOTER;
    }
    Dialog *dialog = dialog_viewer_new(title, (const char *const *)list->lines, list->count);
    free_lines(list);
    if (!dialog) {
        app_notice(app, MESSAGE_ERROR, "%s: out of memory", title);
        return REDRAW_FOOTER;
    }
    app_open_dialog(app, dialog, DIALOG_FOR_INFO);
    return REDRAW_ALL;
}

unsigned action_help(App *app)
{
    char **lines;
    size_t count = keys_help_lines(&lines);
    LineList list = { .lines = lines, .count = count, .capacity = count, .failed = count == 0 };
    return open_viewer(app, "Help", &list);
}

/* One journal record as a readable line; the raw JSON when it is not one of
 * the kinds we know. */
static char *journal_line_text(const char *line)
{
    char *type = NULL, *time_text = NULL, *domain = NULL, *source = NULL, *dest = NULL,
         *action = NULL, *result = NULL, *phase = NULL, *error = NULL, *step = NULL,
         *reason = NULL;
    int64_t id = 0;
    json_line_get_string(line, "type", &type);
    json_line_get_string(line, "time", &time_text);
    json_line_get_int(line, "migration", &id);
    char *text = NULL;
    const char *when = time_text ? time_text : "?";
    int rc = -1;
    if (type && strcmp(type, "launch") == 0) {
        json_line_get_string(line, "domain", &domain);
        json_line_get_string(line, "source", &source);
        json_line_get_string(line, "dest", &dest);
        rc = asprintf(&text, "%s  #%lld launch   %s  %s -> %s", when, (long long)id,
                      domain ? domain : "?", source ? source : "?", dest ? dest : "?");
    } else if (type && strcmp(type, "action") == 0) {
        bool ok = false;
        json_line_get_string(line, "action", &action);
        json_line_get_string(line, "result", &result);
        json_line_get_bool(line, "ok", &ok);
        rc = asprintf(&text, "%s  #%lld action   %s: %s%s%s", when, (long long)id,
                      action ? action : "?", ok ? "ok" : "failed", result ? ": " : "",
                      result ? result : "");
    } else if (type && strcmp(type, "outcome") == 0) {
        json_line_get_string(line, "phase", &phase);
        json_line_get_string(line, "error", &error);
        rc = asprintf(&text, "%s  #%lld outcome  %s%s%s", when, (long long)id,
                      phase ? phase : "?", error ? ": " : "", error ? error : "");
    } else if (type && strcmp(type, "assistant") == 0) {
        json_line_get_string(line, "step", &step);
        json_line_get_string(line, "reason", &reason);
        rc = asprintf(&text, "%s  #%lld advice   %s%s%s", when, (long long)id,
                      step ? step : "?", reason ? " (" : "", reason ? reason : "");
        if (rc >= 0 && reason) {
            char *closed = NULL;
            rc = asprintf(&closed, "%s)", text);
            free(text);
            text = rc >= 0 ? closed : NULL;
        }
    } else {
        text = strdup(line);
        rc = text ? 0 : -1;
    }
    if (rc < 0)
        text = NULL;
    free(type); free(time_text); free(domain); free(source); free(dest); free(action);
    free(result); free(phase); free(error); free(step); free(reason);
    return text;
}

static int add_journal_record(const char *line, size_t length, void *opaque)
{
    (void)length;
    add_line(opaque, journal_line_text(line));
    return 0;
}

unsigned action_journal(App *app)
{
    char *default_path = NULL;
    const char *path = app->options ? app->options->journal_path : NULL;
    if (!path) {
        default_path = journal_default_path();
        path = default_path;
    }
    if (!path) {
        app_notice(app, MESSAGE_ERROR, "journal: no path: set XDG_STATE_HOME or HOME, or "
                   "start virtmig with --journal FILE");
        return REDRAW_FOOTER;
    }
    LineList list = { 0 };
    size_t skipped = 0;
    char *error = NULL;
    if (journal_read(path, add_journal_record, &list, &skipped, &error) < 0) {
        app_notice(app, MESSAGE_ERROR, "%s", error ? error : "journal: cannot read it");
        free(error);
        free_lines(&list);
        free(default_path);
        return REDRAW_FOOTER;
    }
    if (list.count == 0) {
        char *line = NULL;
        if (asprintf(&line, "%s: no migrations recorded yet", path) < 0)
            line = NULL;
        add_line(&list, line);
    }
    if (skipped > 0) {
        char *line = NULL;
        if (asprintf(&line, "(%zu damaged line%s skipped)", skipped, skipped == 1 ? "" : "s") < 0)
            line = NULL;
        add_line(&list, line);
    }
    char title[64];
    snprintf(title, sizeof title, "Journal (%zu records)", list.count);
    free(default_path);
    return open_viewer(app, title, &list);
}

unsigned action_messages(App *app)
{
    LineList list = { 0 };
    const CoreSnapshot *snapshot = &app->snapshot;
    static const char *const levels[] = { "info", "warning", "error" };
    for (size_t i = 0; i < snapshot->message_count; i++) {
        const CoreMessage *message = &snapshot->messages[i];
        char when[32];
        struct tm local;
        localtime_r(&message->at, &local);
        strftime(when, sizeof when, "%H:%M:%S", &local);
        char *line = NULL;
        if (asprintf(&line, "%s %-7s %s", when,
                     message->level <= MESSAGE_ERROR ? levels[message->level] : "?",
                     message->text ? message->text : "") < 0)
            line = NULL;
        add_line(&list, line);
    }
    if (list.count == 0)
        add_line(&list, strdup("no messages yet"));
    return open_viewer(app, "Messages", &list);
}
