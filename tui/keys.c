/* The key table; see keys.h. Keep virtmig.1's KEYS section in step with it. */
#include "keys.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "app_state.h"

#define CTRL(c) ((c) & 0x1f)

static const KeyActionInfo actions[KEY_ACTION_COUNT] = {
    [KEY_ACTION_UP] = { KEY_ACTION_UP, action_up, NULL, NULL, "select the previous domain" },
    [KEY_ACTION_DOWN] = { KEY_ACTION_DOWN, action_down, NULL, NULL, "select the next domain" },
    [KEY_ACTION_PAGE_UP] = { KEY_ACTION_PAGE_UP, action_page_up, NULL, NULL,
                             "one page up in the table" },
    [KEY_ACTION_PAGE_DOWN] = { KEY_ACTION_PAGE_DOWN, action_page_down, NULL, NULL,
                               "one page down in the table" },
    [KEY_ACTION_FIRST] = { KEY_ACTION_FIRST, action_first, NULL, NULL, "first domain" },
    [KEY_ACTION_LAST] = { KEY_ACTION_LAST, action_last, NULL, NULL, "last domain" },
    [KEY_ACTION_HELP] = { KEY_ACTION_HELP, action_help, NULL, "Help", "this help: every key" },
    [KEY_ACTION_MIGRATE] = { KEY_ACTION_MIGRATE, action_migrate, applies_can_migrate, "Migrate",
                             "open the migration form for the selected domain" },
    [KEY_ACTION_ABORT] = { KEY_ACTION_ABORT, action_abort, applies_active_migration, "Abort",
                           "abort its migration (asks first; post-copy: the post-copy abort)" },
    [KEY_ACTION_SUSPEND_RESUME] = { KEY_ACTION_SUSPEND_RESUME, action_suspend_resume,
                                    applies_suspend_resume, "Pause",
                                    "suspend the selected domain, or resume it if paused" },
    [KEY_ACTION_POSTCOPY] = { KEY_ACTION_POSTCOPY, action_postcopy, applies_postcopy_possible,
                              "Postcopy", "switch the running migration to post-copy" },
    [KEY_ACTION_MAX_DOWNTIME] = { KEY_ACTION_MAX_DOWNTIME, action_max_downtime,
                                  applies_active_migration, "Downtime",
                                  "set the migration's maximum downtime" },
    [KEY_ACTION_BANDWIDTH] = { KEY_ACTION_BANDWIDTH, action_bandwidth, applies_active_migration,
                               "Bandwidth", "set the migration's bandwidth (MiB/s)" },
    [KEY_ACTION_COMPRESSION_CACHE] = { KEY_ACTION_COMPRESSION_CACHE, action_compression_cache,
                                       applies_active_migration, NULL,
                                       "set the XBZRLE compression cache size" },
    [KEY_ACTION_ASSISTANT] = { KEY_ACTION_ASSISTANT, action_assistant, applies_active_migration,
                               NULL, "pick or edit the convergence assistant's ladder (empty: "
                               "off)" },
    [KEY_ACTION_MEASURE_DIRTY] = { KEY_ACTION_MEASURE_DIRTY, action_measure_dirty,
                                   applies_running_domain, NULL,
                                   "measure the selected domain's dirty rate now" },
    [KEY_ACTION_WATCH_DIRTY] = { KEY_ACTION_WATCH_DIRTY, action_watch_dirty,
                                 applies_running_domain, "Watch",
                                 "sample the dirty rate continuously (on/off)" },
    [KEY_ACTION_POSTCOPY_RESUME] = { KEY_ACTION_POSTCOPY_RESUME, action_postcopy_resume,
                                     applies_postcopy_failed, "Recover",
                                     "resume a failed post-copy migration" },
    [KEY_ACTION_RECONNECT] = { KEY_ACTION_RECONNECT, action_reconnect, applies_host_down,
                               "Reconnect", "connect again now to hosts that are lost or "
                               "failed to authenticate" },
    [KEY_ACTION_JOURNAL] = { KEY_ACTION_JOURNAL, action_journal, NULL, "Journal",
                             "show the migration journal" },
    [KEY_ACTION_MESSAGES] = { KEY_ACTION_MESSAGES, action_messages, NULL, NULL,
                              "show the recent messages (libvirt's errors in full)" },
    [KEY_ACTION_SORT] = { KEY_ACTION_SORT, action_sort, NULL, "Sort",
                          "sort by name, state, memory, dirty rate, vCPUs" },
    [KEY_ACTION_FILTER] = { KEY_ACTION_FILTER, action_filter, NULL, "Filter",
                            "filter by name as you type (Enter keeps, Esc clears)" },
    [KEY_ACTION_THEME] = { KEY_ACTION_THEME, action_theme, NULL, NULL,
                           "next colour theme (saved in virtmig.conf)" },
    [KEY_ACTION_REDRAW] = { KEY_ACTION_REDRAW, action_redraw, NULL, NULL, "redraw the screen" },
    [KEY_ACTION_QUIT] = { KEY_ACTION_QUIT, action_quit, NULL, "Quit",
                          "quit (asks first when migrations run)" },
};

static const KeyBinding bindings[] = {
    { KEY_F(1), true, KEY_ACTION_HELP, "F1" },
    { '?', false, KEY_ACTION_HELP, "?" },
    { 'h', false, KEY_ACTION_HELP, "h" },
    { 'm', false, KEY_ACTION_MIGRATE, "m" },
    { '\r', false, KEY_ACTION_MIGRATE, "Enter" },
    { KEY_ENTER, true, KEY_ACTION_MIGRATE, "Enter" },
    { 'a', false, KEY_ACTION_ABORT, "a" },
    { 's', false, KEY_ACTION_SUSPEND_RESUME, "s" },
    { 'P', false, KEY_ACTION_POSTCOPY, "P" },
    { 'd', false, KEY_ACTION_MAX_DOWNTIME, "d" },
    { 'b', false, KEY_ACTION_BANDWIDTH, "b" },
    { 'c', false, KEY_ACTION_COMPRESSION_CACHE, "c" },
    { 'A', false, KEY_ACTION_ASSISTANT, "A" },
    { 'D', false, KEY_ACTION_MEASURE_DIRTY, "D" },
    { 'w', false, KEY_ACTION_WATCH_DIRTY, "w" },
    { 'R', false, KEY_ACTION_POSTCOPY_RESUME, "R" },
    { 'r', false, KEY_ACTION_RECONNECT, "r" },
    { 'J', false, KEY_ACTION_JOURNAL, "J" },
    { 'M', false, KEY_ACTION_MESSAGES, "M" },
    { 'o', false, KEY_ACTION_SORT, "o" },
    { '/', false, KEY_ACTION_FILTER, "/" },
    { 't', false, KEY_ACTION_THEME, "t" },
    { KEY_UP, true, KEY_ACTION_UP, "Up" },
    { 'k', false, KEY_ACTION_UP, "k" },
    { KEY_DOWN, true, KEY_ACTION_DOWN, "Down" },
    { 'j', false, KEY_ACTION_DOWN, "j" },
    { KEY_PPAGE, true, KEY_ACTION_PAGE_UP, "PgUp" },
    { KEY_NPAGE, true, KEY_ACTION_PAGE_DOWN, "PgDn" },
    { KEY_HOME, true, KEY_ACTION_FIRST, "Home" },
    { 'g', false, KEY_ACTION_FIRST, "g" },
    { KEY_END, true, KEY_ACTION_LAST, "End" },
    { 'G', false, KEY_ACTION_LAST, "G" },
    { CTRL('l'), false, KEY_ACTION_REDRAW, "Ctrl-L" },
    { 'q', false, KEY_ACTION_QUIT, "q" },
    { KEY_F(10), true, KEY_ACTION_QUIT, "F10" },
};

#define BINDING_COUNT (sizeof bindings / sizeof bindings[0])

KeyAction keys_lookup(int key, bool function_key)
{
    for (size_t i = 0; i < BINDING_COUNT; i++) {
        if (bindings[i].key == key && bindings[i].function_key == function_key)
            return bindings[i].action;
    }
    /* Some terminals send '\n' for Enter. */
    if (!function_key && key == '\n')
        return KEY_ACTION_MIGRATE;
    return KEY_ACTION_COUNT;
}

const KeyActionInfo *keys_action_info(KeyAction action)
{
    return action < KEY_ACTION_COUNT ? &actions[action] : NULL;
}

const char *keys_label_for(KeyAction action)
{
    for (size_t i = 0; i < BINDING_COUNT; i++) {
        /* Prefer a letter over a function key: it works in every terminal. */
        if (bindings[i].action == action && !bindings[i].function_key)
            return bindings[i].label;
    }
    for (size_t i = 0; i < BINDING_COUNT; i++) {
        if (bindings[i].action == action)
            return bindings[i].label;
    }
    return "";   /* unbound: the unit test makes sure this never happens */
}

const char *keys_label_for_remedy(RemedyKind kind)
{
    switch (kind) {
    case REMEDY_RAISE_MAX_DOWNTIME: return keys_label_for(KEY_ACTION_MAX_DOWNTIME);
    case REMEDY_RAISE_BANDWIDTH: return keys_label_for(KEY_ACTION_BANDWIDTH);
    case REMEDY_SWITCH_TO_POSTCOPY: return keys_label_for(KEY_ACTION_POSTCOPY);
    case REMEDY_SUSPEND_GUEST: return keys_label_for(KEY_ACTION_SUSPEND_RESUME);
    case REMEDY_ABORT: return keys_label_for(KEY_ACTION_ABORT);
    case REMEDY_AUTO_CONVERGE:
    case REMEDY_KIND_COUNT:
        break;
    }
    return NULL;
}

unsigned keys_dispatch(App *app, int key, bool function_key)
{
    KeyAction action = keys_lookup(key, function_key);
    if (action == KEY_ACTION_COUNT)
        return 0;
    const KeyActionInfo *info = &actions[action];
    if (info->applies && !info->applies(app)) {
        /* Say why nothing happened rather than ignoring the key. */
        const char *why = "no domain is selected";
        if (info->applies == applies_active_migration || info->applies == applies_postcopy_possible)
            why = info->applies == applies_postcopy_possible && applies_active_migration(app)
                      ? "this migration was launched without post-copy (enable it in the form)"
                      : "the selected domain has no running migration";
        else if (info->applies == applies_host_down)
            why = "every host is connected or connecting";
        else if (info->applies == applies_postcopy_failed)
            why = "the selected domain has no failed post-copy migration";
        else if (info->applies == applies_can_migrate && applies_has_domain(app))
            why = "the selected domain is already migrating, or its host is not connected";
        else if (info->applies == applies_running_domain && applies_has_domain(app))
            why = "the selected domain is not running";
        else if (info->applies == applies_suspend_resume && applies_has_domain(app))
            why = "only a running domain, or one paused outside a migration, can be "
                  "suspended or resumed";
        app_notice(app, MESSAGE_WARNING, "%s: %s", info->description, why);
        return REDRAW_FOOTER;
    }
    return info->handler(app);
}

const KeyBinding *keys_bindings(size_t *count)
{
    *count = BINDING_COUNT;
    return bindings;
}

size_t keys_help_lines(char ***lines_out)
{
    *lines_out = NULL;
    /* One line per action: all its keys, then what it does. */
    size_t capacity = KEY_ACTION_COUNT + 8, count = 0;
    char **lines = calloc(capacity, sizeof *lines);
    if (!lines)
        return 0;
    static const char *const intro[] = {
        "virtmig: live migration console. Keys:",
        "",
    };
    for (size_t i = 0; i < 2; i++)
        lines[count++] = strdup(intro[i]);
    for (int action = 0; action < KEY_ACTION_COUNT; action++) {
        char keys_text[64] = "";
        for (size_t b = 0; b < BINDING_COUNT; b++) {
            if (bindings[b].action != (KeyAction)action)
                continue;
            size_t used = strlen(keys_text);
            snprintf(keys_text + used, sizeof keys_text - used, "%s%s", used ? " " : "",
                     bindings[b].label);
        }
        char *line = NULL;
        if (asprintf(&line, "  %-16s %s", keys_text, actions[action].description) < 0)
            line = NULL;
        lines[count++] = line;
    }
    static const char *const outro[] = {
        "",
        "In the migration form: Tab/Shift-Tab or arrows move, Space toggles, Enter on",
        "Launch launches, Esc cancels. Mouse: click selects a row, the wheel scrolls.",
        "Remedies under the verdict name the key that applies them.",
    };
    for (size_t i = 0; i < 4; i++)
        lines[count++] = strdup(outro[i]);
    for (size_t i = 0; i < count; i++) {
        if (!lines[i]) {
            keys_free_lines(lines, count);
            return 0;
        }
    }
    *lines_out = lines;
    return count;
}

void keys_free_lines(char **lines, size_t count)
{
    if (!lines)
        return;
    for (size_t i = 0; i < count; i++)
        free(lines[i]);
    free(lines);
}
