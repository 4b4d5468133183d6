/* What the console's keys do (the handlers the key table in keys.c points
 * to), and when they apply. Every request goes through core_request_* and
 * returns at once; refusals are shown in the footer with core's reason. */
#ifndef VIRTMIG_TUI_ACTIONS_H
#define VIRTMIG_TUI_ACTIONS_H

#include <stdbool.h>

typedef struct _App App;

unsigned action_up(App *app);
unsigned action_down(App *app);
unsigned action_page_up(App *app);
unsigned action_page_down(App *app);
unsigned action_first(App *app);
unsigned action_last(App *app);
unsigned action_help(App *app);
unsigned action_migrate(App *app);
unsigned action_abort(App *app);
unsigned action_suspend_resume(App *app);
unsigned action_postcopy(App *app);
unsigned action_max_downtime(App *app);
unsigned action_bandwidth(App *app);
unsigned action_compression_cache(App *app);
unsigned action_assistant(App *app);
unsigned action_measure_dirty(App *app);
unsigned action_watch_dirty(App *app);
unsigned action_postcopy_resume(App *app);
unsigned action_reconnect(App *app);
unsigned action_journal(App *app);
unsigned action_messages(App *app);
unsigned action_sort(App *app);
unsigned action_filter(App *app);
unsigned action_theme(App *app);
unsigned action_redraw(App *app);
unsigned action_quit(App *app);

bool applies_has_domain(const App *app);
bool applies_can_migrate(const App *app);
bool applies_active_migration(const App *app);
bool applies_postcopy_possible(const App *app);
bool applies_postcopy_failed(const App *app);
bool applies_running_domain(const App *app);
bool applies_suspend_resume(const App *app);
bool applies_host_down(const App *app);

/* Dirty-rate sampling follows the selection: the selected running domain is
 * watched (so its graph is live) and the one watched before for that reason
 * is released. Call after anything that may move the selection. */
void actions_follow_selection(App *app);

/* A dialog closed with DIALOG_ACCEPTED: act on its answer (app->dialog_purpose). */
unsigned action_dialog_accepted(App *app);
/* A dialog closed otherwise (Esc / No). */
unsigned action_dialog_cancelled(App *app);

#endif
