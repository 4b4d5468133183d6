/* Key bindings as data (htop's Action.c, tmux's key-bindings.c): every key
 * maps to an action; an action has a handler returning what to redraw, a
 * predicate saying when it applies (the footer shows only those), and the
 * words the footer and the help screen use. The help screen and the man page
 * are generated from / kept in step with this table. */
#ifndef VIRTMIG_TUI_KEYS_H
#define VIRTMIG_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "convergence.h"

typedef struct _App App;

typedef enum {
    KEY_ACTION_UP = 0, KEY_ACTION_DOWN, KEY_ACTION_PAGE_UP, KEY_ACTION_PAGE_DOWN,
    KEY_ACTION_FIRST, KEY_ACTION_LAST,
    KEY_ACTION_HELP,
    KEY_ACTION_MIGRATE,
    KEY_ACTION_ABORT,
    KEY_ACTION_SUSPEND_RESUME,
    KEY_ACTION_POSTCOPY,
    KEY_ACTION_MAX_DOWNTIME,
    KEY_ACTION_BANDWIDTH,
    KEY_ACTION_COMPRESSION_CACHE,
    KEY_ACTION_ASSISTANT,
    KEY_ACTION_MEASURE_DIRTY,
    KEY_ACTION_WATCH_DIRTY,
    KEY_ACTION_POSTCOPY_RESUME,
    KEY_ACTION_RECONNECT,
    KEY_ACTION_JOURNAL,
    KEY_ACTION_MESSAGES,
    KEY_ACTION_SORT,
    KEY_ACTION_FILTER,
    KEY_ACTION_THEME,
    KEY_ACTION_REDRAW,
    KEY_ACTION_QUIT,
    KEY_ACTION_COUNT
} KeyAction;

/* A handler's answer: RedrawFlags bits (app_state.h). */
typedef unsigned (*KeyHandler)(App *app);

typedef struct {
    KeyAction action;
    KeyHandler handler;
    bool (*applies)(const App *app);   /* NULL: always */
    const char *footer_label;          /* NULL: not shown in the footer */
    const char *description;           /* one line for the help screen */
} KeyActionInfo;

typedef struct {
    int key;                 /* a character, or a KEY_* code when function_key */
    bool function_key;
    KeyAction action;
    const char *label;       /* "F1", "Up", "m" */
} KeyBinding;

/* The action bound to a key, or KEY_ACTION_COUNT when none. */
KeyAction keys_lookup(int key, bool function_key);
const KeyActionInfo *keys_action_info(KeyAction action);
/* The first key bound to an action ("m"), for hints in the UI; "" if none. */
const char *keys_label_for(KeyAction action);
/* The key of a convergence remedy, or NULL when it has none (next launch). */
const char *keys_label_for_remedy(RemedyKind kind);
/* Runs a key's action if it applies; returns RedrawFlags (0: nothing bound
 * or it does not apply now, which is then explained in the footer). */
unsigned keys_dispatch(App *app, int key, bool function_key);

/* The bindings, for the help screen. */
const KeyBinding *keys_bindings(size_t *count);
/* Lines of the help screen (malloc'd array of malloc'd strings), generated
 * from the table. Returns the count, or 0 on allocation failure. */
size_t keys_help_lines(char ***lines);
void keys_free_lines(char **lines, size_t count);

#endif
