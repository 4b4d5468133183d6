/* What the console's keys do; see actions.h. Each action reads the snapshot,
 * asks core (core_request_* returns at once) or opens a dialog whose answer
 * comes back through action_dialog_accepted(). */
#include "actions.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_state.h"
#include "colors.h"
#include "keys.h"
#include "units.h"

#define SELECTION_MOVED (REDRAW_TABLE | REDRAW_DETAIL | REDRAW_FOOTER)

static const char *host_name(const App *app, size_t index)
{
    return index < app->snapshot.host_count && app->snapshot.hosts[index].name
               ? app->snapshot.hosts[index].name : "?";
}

static const MigrationView *active_migration(const App *app)
{
    const MigrationView *m = app_selected_migration(app);
    return migration_is_active(m) ? m : NULL;
}

/* ---- when actions apply ------------------------------------------- */

bool applies_has_domain(const App *app)
{
    return app_selected_domain(app) != NULL;
}

bool applies_can_migrate(const App *app)
{
    const DomainView *d = app_selected_domain(app);
    if (!d || d->host_index >= app->snapshot.host_count ||
        app->snapshot.hosts[d->host_index].state != HOST_CONNECTED)
        return false;
    /* Neither half of a running migration, nor a guest paused on both hosts
     * by a failed post-copy (it must be resumed, not migrated afresh). */
    const MigrationView *m = domain_migration(&app->snapshot, d->uuid, d->host_index);
    return !migration_is_active(m) && !(m && m->phase == MIGRATION_POSTCOPY_FAILED);
}

bool applies_active_migration(const App *app)
{
    return active_migration(app) != NULL;
}

bool applies_postcopy_possible(const App *app)
{
    const MigrationView *m = active_migration(app);
    return m && m->options.postcopy && m->phase != MIGRATION_POSTCOPY;
}

bool applies_postcopy_failed(const App *app)
{
    const MigrationView *m = app_selected_migration(app);
    return m && m->phase == MIGRATION_POSTCOPY_FAILED;
}

bool applies_running_domain(const App *app)
{
    const DomainView *d = app_selected_domain(app);
    return d && d->state == DOMAIN_RUNNING;
}

bool applies_suspend_resume(const App *app)
{
    const DomainView *d = app_selected_domain(app);
    if (!d || (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED))
        return false;
    /* During a migration libvirt pauses guests itself (the switch-over, the
     * source in post-copy, both halves after a failed post-copy): resuming
     * those is not the operator's move. Suspending a running one is (it lets
     * a stalled migration finish). */
    const MigrationView *m = domain_migration(&app->snapshot, d->uuid, d->host_index);
    if (d->state == DOMAIN_PAUSED && m &&
        (migration_is_active(m) || m->phase == MIGRATION_POSTCOPY_FAILED))
        return false;
    return true;
}

bool applies_host_down(const App *app)
{
    for (size_t h = 0; h < app->snapshot.host_count; h++) {
        HostConnState state = app->snapshot.hosts[h].state;
        if (state == HOST_LOST || state == HOST_AUTH_FAILED)
            return true;
    }
    return false;
}

/* ---- navigation ----------------------------------------------------- */

static int page_size(const App *app)
{
    int visible = app->layout.table.height - 1;
    return visible > 1 ? visible - 1 : 1;
}

unsigned action_up(App *app)
{
    return domain_list_move(app->domains, -1) ? SELECTION_MOVED : 0;
}

unsigned action_down(App *app)
{
    return domain_list_move(app->domains, 1) ? SELECTION_MOVED : 0;
}

unsigned action_page_up(App *app)
{
    return domain_list_move(app->domains, -page_size(app)) ? SELECTION_MOVED : 0;
}

unsigned action_page_down(App *app)
{
    return domain_list_move(app->domains, page_size(app)) ? SELECTION_MOVED : 0;
}

unsigned action_first(App *app)
{
    return domain_list_select_first(app->domains) ? SELECTION_MOVED : 0;
}

unsigned action_last(App *app)
{
    return domain_list_select_last(app->domains) ? SELECTION_MOVED : 0;
}

unsigned action_sort(App *app)
{
    DomainSortKey next = (DomainSortKey)((domain_list_sort(app->domains) + 1) % SORT_KEY_COUNT);
    domain_list_set_sort(app->domains, next);
    domain_list_rebuild(app->domains, &app->snapshot);
    app_notice(app, MESSAGE_INFO, "sorted by %s", domain_sort_key_name(next));
    return REDRAW_TABLE | REDRAW_FOOTER;
}

unsigned action_filter(App *app)
{
    /* A new search starts empty, as in htop: typing replaces the filter. */
    app->filter_editing = true;
    app->filter_text[0] = '\0';
    domain_list_set_filter(app->domains, "");
    domain_list_rebuild(app->domains, &app->snapshot);
    return REDRAW_TABLE | REDRAW_DETAIL | REDRAW_FOOTER;
}

unsigned action_redraw(App *app)
{
    (void)app;
    clearok(curscr, TRUE);
    return REDRAW_ALL;
}

unsigned action_theme(App *app)
{
    char *notice = NULL;
    ui_colors_cycle(&notice);
    app_notice(app, MESSAGE_INFO, "%s", notice ? notice : "theme changed");
    free(notice);
    return REDRAW_ALL;
}

/* ---- the form ------------------------------------------------------- */

unsigned action_migrate(App *app)
{
    const DomainView *d = app_selected_domain(app);
    MigrationForm *form = migration_form_open(&app->snapshot, d->host_index, d->uuid);
    WINDOW *window = form ? newwin(app->rows, app->cols, 0, 0) : NULL;
    if (!window) {
        migration_form_free(form);
        app_notice(app, MESSAGE_ERROR, "cannot open the migration form: out of memory");
        return REDRAW_FOOTER;
    }
    app->form = form;
    app->form_window = window;
    return REDRAW_ALL;
}

/* ---- migration controls --------------------------------------------- */

static void remember_target(App *app, const MigrationView *m, const DomainView *d)
{
    app->dialog_migration_id = m ? m->id : 0;
    app->dialog_host = d ? d->host_index : 0;
    snprintf(app->dialog_uuid, sizeof app->dialog_uuid, "%s", d ? d->uuid : "");
}

static unsigned open_confirm(App *app, DialogPurpose purpose, const char *title,
                             const char *text, const char *yes, const char *no)
{
    Dialog *dialog = dialog_confirm_new(title, text, yes, no);
    if (!dialog) {
        app_notice(app, MESSAGE_ERROR, "%s: out of memory", title);
        return REDRAW_FOOTER;
    }
    app_open_dialog(app, dialog, purpose);
    return REDRAW_ALL;
}

unsigned action_abort(App *app)
{
    const MigrationView *m = active_migration(app);
    remember_target(app, m, app_selected_domain(app));
    char text[1024];
    if (m->phase == MIGRATION_POSTCOPY) {
        snprintf(text, sizeof text,
                 "%s is in post-copy: it already runs on %s and part of its memory is still "
                 "on %s. A plain abort is refused now, because neither host holds the whole "
                 "guest any more.\n\nThe post-copy abort interrupts the transfer and leaves "
                 "the guest paused on both hosts; resume the migration later with %s.",
                 m->domain_name, host_name(app, m->dest_host), host_name(app, m->source_host),
                 keys_label_for(KEY_ACTION_POSTCOPY_RESUME));
        return open_confirm(app, DIALOG_FOR_POSTCOPY_ABORT, "Abort post-copy migration", text,
                            "Post-copy abort", "Keep going");
    }
    snprintf(text, sizeof text,
             "Abort the migration of %s from %s to %s?\n\nThe guest keeps running on %s; "
             "what was copied to %s is discarded.",
             m->domain_name, host_name(app, m->source_host), host_name(app, m->dest_host),
             host_name(app, m->source_host), host_name(app, m->dest_host));
    return open_confirm(app, DIALOG_FOR_ABORT, "Abort migration", text, "Abort", "Keep going");
}

unsigned action_postcopy(App *app)
{
    const MigrationView *m = active_migration(app);
    remember_target(app, m, app_selected_domain(app));
    char text[1024];
    snprintf(text, sizeof text,
             "Switch the migration of %s to post-copy?\n\nThe guest then runs on %s at once "
             "and fetches the rest of its memory from %s on demand: it always finishes. If "
             "the network or a host fails before that, the guest is paused on both hosts "
             "until the migration is resumed (%s).",
             m->domain_name, host_name(app, m->dest_host), host_name(app, m->source_host),
             keys_label_for(KEY_ACTION_POSTCOPY_RESUME));
    return open_confirm(app, DIALOG_FOR_POSTCOPY, "Switch to post-copy", text, "Switch",
                        "Cancel");
}

static unsigned open_number(App *app, DialogPurpose purpose, const char *title,
                            const char *label, DialogNumberKind kind, uint64_t min, uint64_t max,
                            const char *initial)
{
    Dialog *dialog = dialog_number_new(title, label, kind, min, max, initial);
    if (!dialog) {
        app_notice(app, MESSAGE_ERROR, "%s: out of memory", title);
        return REDRAW_FOOTER;
    }
    app_open_dialog(app, dialog, purpose);
    return REDRAW_ALL;
}

unsigned action_max_downtime(App *app)
{
    const MigrationView *m = active_migration(app);
    remember_target(app, m, app_selected_domain(app));
    /* Offer what the convergence analysis says would fit. */
    ConvergenceReport report;
    migration_convergence(m, &report);
    uint64_t suggested = 0;
    for (size_t i = 0; i < report.remedy_count; i++) {
        if (report.remedies[i].kind == REMEDY_RAISE_MAX_DOWNTIME)
            suggested = report.remedies[i].value;
    }
    uint64_t current = m->current_max_downtime_ms ? m->current_max_downtime_ms
                                                  : CONVERGENCE_DEFAULT_MAX_DOWNTIME_MS;
    char initial[32], label[160];
    snprintf(initial, sizeof initial, "%llu", (unsigned long long)(suggested ? suggested : current));
    snprintf(label, sizeof label, "Max downtime for %s (now %llu ms%s)", m->domain_name,
             (unsigned long long)current, suggested ? "; the value shown would fit" : "");
    return open_number(app, DIALOG_FOR_MAX_DOWNTIME, "Set max downtime", label,
                       DIALOG_NUMBER_MS, 1, 3600000, initial);
}

unsigned action_bandwidth(App *app)
{
    const MigrationView *m = active_migration(app);
    remember_target(app, m, app_selected_domain(app));
    bool postcopy = m->phase == MIGRATION_POSTCOPY;
    char initial[32] = "", label[160];
    if (m->current_bandwidth_mibs)
        snprintf(initial, sizeof initial, "%llu", (unsigned long long)m->current_bandwidth_mibs);
    snprintf(label, sizeof label, "%s bandwidth for %s in MiB/s (now %s)",
             postcopy ? "Post-copy" : "Migration", m->domain_name,
             m->current_bandwidth_mibs ? initial : "unlimited");
    return open_number(app, postcopy ? DIALOG_FOR_POSTCOPY_BANDWIDTH : DIALOG_FOR_BANDWIDTH,
                       "Set bandwidth", label, DIALOG_NUMBER_MIBS, 1, MIGRATE_BANDWIDTH_MAX_MIBS,
                       initial[0] ? initial : NULL);
}

unsigned action_compression_cache(App *app)
{
    const MigrationView *m = active_migration(app);
    remember_target(app, m, app_selected_domain(app));
    char label[160];
    snprintf(label, sizeof label, "XBZRLE cache for %s (bytes; e.g. 64M, 1G)", m->domain_name);
    return open_number(app, DIALOG_FOR_COMPRESSION_CACHE, "Set compression cache", label,
                       DIALOG_NUMBER_BYTES, 4096, UINT64_MAX / 2, NULL);
}

/* The ladder is text: a built-in name or steps; core parses it and refuses
 * with the reason (shown in the notice line), so nothing is checked twice. */
unsigned action_assistant(App *app)
{
    const MigrationView *m = active_migration(app);
    remember_target(app, m, app_selected_domain(app));
    char prompt[768];
    snprintf(prompt, sizeof prompt,
             "Ladder for %s (now: %s).\nBuilt-in: minimal-downtime, post-copy%s, "
             "suspend-if-needed; or steps such as\n\"downtime 500ms after 3; downtime x2 upto "
             "2s after 2; bandwidth 200 after 3; postcopy after 2; suspend after 2; abort after "
             "5\"\n(after N: iterations without a new low of the remaining data). Empty: "
             "switch it off.", m->domain_name,
             m->assistant_on ? m->assistant_ladder : "off",
             m->options.postcopy ? "" : " (needs post-copy at launch)");
    Dialog *dialog = dialog_secret_new("Convergence assistant", prompt, false);
    if (!dialog) {
        app_notice(app, MESSAGE_ERROR, "assistant: out of memory");
        return REDRAW_FOOTER;
    }
    app_open_dialog(app, dialog, DIALOG_FOR_ASSISTANT);
    return REDRAW_ALL;
}

unsigned action_postcopy_resume(App *app)
{
    const MigrationView *m = app_selected_migration(app);
    char *error = NULL;
    if (core_request_postcopy_resume(app->core, m->id, &error) < 0) {
        app_notice(app, MESSAGE_ERROR, "resume post-copy of %s refused: %s", m->domain_name,
                   error ? error : "no reason given");
        free(error);
    } else {
        app_notice(app, MESSAGE_INFO, "resuming the post-copy migration of %s", m->domain_name);
    }
    return REDRAW_FOOTER | REDRAW_DETAIL;
}

/* ---- domain controls ------------------------------------------------ */

unsigned action_suspend_resume(App *app)
{
    const DomainView *d = app_selected_domain(app);
    remember_target(app, NULL, d);
    if (d->state == DOMAIN_PAUSED) {
        char *error = NULL;
        if (core_request_resume(app->core, d->host_index, d->uuid, &error) < 0) {
            app_notice(app, MESSAGE_ERROR, "resume %s refused: %s", d->name,
                       error ? error : "no reason given");
            free(error);
        } else {
            app_notice(app, MESSAGE_INFO, "resuming %s on %s", d->name,
                       host_name(app, d->host_index));
        }
        return REDRAW_FOOTER;
    }
    char text[512];
    bool migrating = active_migration(app) != NULL;
    snprintf(text, sizeof text, "Suspend %s on %s?\n\n%s", d->name,
             host_name(app, d->host_index),
             migrating ? "A paused guest dirties no memory, so its migration finishes like an "
                         "offline one; it stays paused on the destination until resumed."
                       : "The guest stops running until it is resumed (s again).");
    return open_confirm(app, DIALOG_FOR_SUSPEND, "Suspend domain", text, "Suspend", "Cancel");
}

/* The domain's host answered once that its driver cannot measure dirty
 * rates: core refuses to try again, and so we do not ask. */
static bool dirty_rate_unsupported(const App *app, const DomainView *d)
{
    return d->host_index < app->snapshot.host_count &&
           app->snapshot.hosts[d->host_index].dirty_rate_unsupported;
}

static unsigned say_dirty_rate_unsupported(App *app, const DomainView *d)
{
    const char *host = app->snapshot.hosts[d->host_index].name;
    app_notice(app, MESSAGE_WARNING, "dirty rate of %s: not supported by %s's driver (libvirt "
               "said so when it was first tried)", d->name, host ? host : "this host");
    return REDRAW_FOOTER;
}

unsigned action_measure_dirty(App *app)
{
    const DomainView *d = app_selected_domain(app);
    if (dirty_rate_unsupported(app, d))
        return say_dirty_rate_unsupported(app, d);
    if (core_request_measure_dirty_rate(app->core, d->host_index, d->uuid) < 0)
        app_notice(app, MESSAGE_ERROR, "cannot measure the dirty rate of %s now (host busy "
                   "or domain gone); try again", d->name);
    else
        app_notice(app, MESSAGE_INFO, "measuring the dirty rate of %s", d->name);
    return REDRAW_FOOTER;
}

unsigned action_watch_dirty(App *app)
{
    const DomainView *d = app_selected_domain(app);
    bool on = !d->dirty_rate_watched;
    if (on && dirty_rate_unsupported(app, d))
        return say_dirty_rate_unsupported(app, d);
    /* The operator decides now: the selection no longer switches it off. */
    if (app->auto_watch_active && d->host_index == app->auto_watch_host &&
        strcmp(d->uuid, app->auto_watch_uuid) == 0)
        app->auto_watch_active = false;
    app->declined_watch_host = d->host_index;
    snprintf(app->declined_watch_uuid, sizeof app->declined_watch_uuid, "%s",
             on ? "" : d->uuid);
    if (core_request_watch_dirty_rate(app->core, d->host_index, d->uuid, on) < 0)
        app_notice(app, MESSAGE_ERROR, "cannot change dirty-rate sampling of %s", d->name);
    else
        app_notice(app, MESSAGE_INFO, "dirty-rate sampling of %s %s", d->name,
                   on ? "on" : "off");
    return REDRAW_FOOTER;
}

void actions_follow_selection(App *app)
{
    const DomainView *d = app_selected_domain(app);
    bool same = d && app->auto_watch_active && d->host_index == app->auto_watch_host &&
                strcmp(d->uuid, app->auto_watch_uuid) == 0;
    if (same)
        return;
    if (app->auto_watch_active) {
        /* Only what we turned on ourselves is turned off again. */
        core_request_watch_dirty_rate(app->core, app->auto_watch_host, app->auto_watch_uuid,
                                      false);
        app->auto_watch_active = false;
    }
    if (!d || d->state != DOMAIN_RUNNING || d->dirty_rate_watched ||
        dirty_rate_unsupported(app, d))
        return;
    if (d->host_index == app->declined_watch_host &&
        strcmp(d->uuid, app->declined_watch_uuid) == 0)
        return;
    if (core_request_watch_dirty_rate(app->core, d->host_index, d->uuid, true) == 0) {
        app->auto_watch_active = true;
        app->auto_watch_host = d->host_index;
        snprintf(app->auto_watch_uuid, sizeof app->auto_watch_uuid, "%s", d->uuid);
    }
}

unsigned action_reconnect(App *app)
{
    size_t asked = 0;
    char names[256] = "";
    for (size_t h = 0; h < app->snapshot.host_count; h++) {
        const HostView *host = &app->snapshot.hosts[h];
        if (host->state != HOST_LOST && host->state != HOST_AUTH_FAILED)
            continue;
        char *error = NULL;
        if (core_request_reconnect(app->core, h, &error) < 0) {
            app_notice(app, MESSAGE_ERROR, "reconnect %s refused: %s", host->name,
                       error ? error : "no reason given");
            free(error);
            return REDRAW_FOOTER;
        }
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", asked ? ", " : "", host->name);
        asked++;
    }
    app_notice(app, MESSAGE_INFO, "reconnecting to %s", names);
    return REDRAW_FOOTER | REDRAW_HEADER;
}

/* ---- quitting ------------------------------------------------------- */

unsigned action_quit(App *app)
{
    size_t p2p = 0, client = 0;
    char p2p_names[256] = "", client_names[256] = "";
    for (size_t i = 0; i < app->snapshot.migration_count; i++) {
        const MigrationView *m = &app->snapshot.migrations[i];
        if (!migration_is_active(m))
            continue;
        char *names = m->options.p2p ? p2p_names : client_names;
        size_t used = strlen(names);
        snprintf(names + used, 256 - used, "%s%s", used ? ", " : "", m->domain_name);
        *(m->options.p2p ? &p2p : &client) += 1;
    }
    if (p2p + client == 0) {
        app->quit = true;
        return 0;
    }
    char text[1024];
    int used = snprintf(text, sizeof text, "%zu migration%s still running.\n\n", p2p + client,
                        p2p + client == 1 ? " is" : "s are");
    if (p2p && used > 0 && (size_t)used < sizeof text)
        used += snprintf(text + used, sizeof text - used,
                         "Peer-to-peer (%s): libvirt carries on without virtmig; watch them "
                         "with virsh domjobinfo or virtmig later.\n", p2p_names);
    if (client && used > 0 && (size_t)used < sizeof text)
        snprintf(text + used, sizeof text - used,
                 "Client-managed (%s): virtmig itself drives them, so they will be ABORTED "
                 "and the guests stay on their source hosts.\n", client_names);
    return open_confirm(app, DIALOG_FOR_QUIT, "Quit virtmig?", text, "Quit", "Stay");
}

/* ---- dialog answers ------------------------------------------------- */

/* error is passed by address and read here: callers write the request as an
 * argument, and C leaves the order in which arguments are evaluated open, so
 * a plain `error` could be read before the request has set it. */
static void report_request(App *app, int rc, char **error, const char *what, const char *name)
{
    if (rc < 0)
        app_notice(app, MESSAGE_ERROR, "%s %s refused: %s", what, name,
                   *error ? *error : "no reason given");
    else
        app_notice(app, MESSAGE_INFO, "%s %s: requested", what, name);
    free(*error);
    *error = NULL;
}

unsigned action_dialog_accepted(App *app)
{
    char *error = NULL;
    const MigrationView *m = core_snapshot_find_migration(&app->snapshot,
                                                          app->dialog_migration_id);
    const char *name = m ? m->domain_name : app->dialog_uuid;
    uint64_t value;
    switch (app->dialog_purpose) {
    case DIALOG_FOR_ABORT:
    case DIALOG_FOR_POSTCOPY_ABORT: {
        bool postcopy = app->dialog_purpose == DIALOG_FOR_POSTCOPY_ABORT;
        int rc = core_request_abort(app->core, app->dialog_migration_id, postcopy, &error);
        report_request(app, rc, &error, postcopy ? "post-copy abort of" : "abort of", name);
        break;
    }
    case DIALOG_FOR_POSTCOPY:
        report_request(app, core_request_postcopy(app->core, app->dialog_migration_id, &error),
                       &error, "switch to post-copy of", name);
        break;
    case DIALOG_FOR_MAX_DOWNTIME:
        value = dialog_number_value(app->dialog);
        report_request(app, core_request_set_max_downtime(app->core, app->dialog_migration_id,
                                                          value, &error),
                       &error, "max downtime for", name);
        break;
    case DIALOG_FOR_BANDWIDTH:
    case DIALOG_FOR_POSTCOPY_BANDWIDTH:
        value = dialog_number_value(app->dialog);
        report_request(app, core_request_set_bandwidth(app->core, app->dialog_migration_id, value,
                                                       app->dialog_purpose ==
                                                           DIALOG_FOR_POSTCOPY_BANDWIDTH,
                                                       &error),
                       &error, "bandwidth for", name);
        break;
    case DIALOG_FOR_COMPRESSION_CACHE:
        value = dialog_number_value(app->dialog);
        report_request(app, core_request_set_compression_cache(app->core,
                                                               app->dialog_migration_id, value,
                                                               &error),
                       &error, "compression cache for", name);
        break;
    case DIALOG_FOR_ASSISTANT: {
        const char *ladder = dialog_text_value(app->dialog);
        bool off = !ladder || strspn(ladder, " \t") == strlen(ladder);
        int rc = core_request_assistant(app->core, app->dialog_migration_id,
                                        off ? NULL : ladder, &error);
        report_request(app, rc, &error, off ? "assistant off for" : "assistant ladder for", name);
        break;
    }
    case DIALOG_FOR_SUSPEND: {
        const DomainView *d = core_snapshot_find_domain(&app->snapshot, app->dialog_host,
                                                        app->dialog_uuid);
        report_request(app, core_request_suspend(app->core, app->dialog_host, app->dialog_uuid,
                                                 &error),
                       &error, "suspend", d && d->name ? d->name : app->dialog_uuid);
        break;
    }
    case DIALOG_FOR_QUIT:
        app->quit = true;
        break;
    case DIALOG_FOR_CREDENTIAL:
        if (core_answer_credential(app->core, app->dialog_credential_id,
                                   dialog_text_value(app->dialog)) < 0)
            app_notice(app, MESSAGE_WARNING, "the credential request expired before the "
                       "answer; the host will ask again when it retries");
        break;
    case DIALOG_FOR_NOTHING:
    case DIALOG_FOR_INFO:
        break;
    }
    return REDRAW_ALL;
}

unsigned action_dialog_cancelled(App *app)
{
    if (app->dialog_purpose == DIALOG_FOR_CREDENTIAL) {
        /* Cancelling a credential gives up this connection attempt. */
        core_answer_credential(app->core, app->dialog_credential_id, NULL);
        app_notice(app, MESSAGE_INFO, "credential request cancelled");
    }
    return REDRAW_ALL;
}
