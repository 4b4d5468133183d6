/* The console loop: poll() on the terminal and on core's wake fd, take a
 * snapshot when core says something changed, hand keys to whatever is on
 * top (dialog, form, filter, key table), and redraw only the regions that
 * changed (wnoutrefresh + doupdate). It never calls libvirt and never waits
 * on a host: every number comes from a snapshot, every action is a
 * core_request_* that returns at once. */
#include "app.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "actions.h"
#include "app_state.h"
#include "colors.h"
#include "form_preflight.h"
#include "keys.h"
#include "screen.h"

#define KEY_ESCAPE 27
#define TICK_MS 1000          /* clock, retry countdowns, the graph's time axis */
#define MIN_WAIT_MS 50        /* at most ~20 redraws a second */
#define DEMO_KEY_GAP_MS 150   /* a demo types at a pace the audience can follow */

void app_notice(App *app, MessageLevel level, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(app->footer_text, sizeof app->footer_text, format, args);
    va_end(args);
    app->footer_level = level;
    app->footer_says_connecting = false;
    app->redraw |= REDRAW_FOOTER;
}

const DomainView *app_selected_domain(const App *app)
{
    return domain_list_selected(app->domains, &app->snapshot);
}

const MigrationView *app_selected_migration(const App *app)
{
    const DomainView *d = app_selected_domain(app);
    return d ? domain_migration(&app->snapshot, d->uuid, d->host_index) : NULL;
}

void app_open_dialog(App *app, Dialog *dialog, DialogPurpose purpose)
{
    dialog_free(app->dialog);
    app->dialog = dialog;
    app->dialog_purpose = purpose;
    app->redraw = REDRAW_ALL;
}

static void close_dialog(App *app)
{
    dialog_free(app->dialog);
    app->dialog = NULL;
    app->dialog_purpose = DIALOG_FOR_NOTHING;
    app->redraw = REDRAW_ALL;
}

static void close_form(App *app)
{
    migration_form_free(app->form);
    app->form = NULL;
    if (app->form_window)
        delwin(app->form_window);
    app->form_window = NULL;
    touchwin(stdscr);
    app->redraw = REDRAW_ALL;
}

static uint64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static void relayout(App *app)
{
    screen_size(&app->rows, &app->cols);
    app->layout = layout_screen(app->rows, app->cols, app->snapshot.host_count);
    if (app->form_window) {
        wresize(app->form_window, app->rows, app->cols);
        mvwin(app->form_window, 0, 0);
    }
    app->redraw = REDRAW_ALL;
}

/* ---- snapshots ------------------------------------------------------ */

static bool credential_answered(const App *app, unsigned id)
{
    for (size_t i = 0; i < app->answered_count; i++) {
        if (app->answered_credentials[i] == id)
            return true;
    }
    return false;
}

static void mark_credential_answered(App *app, unsigned id)
{
    size_t capacity = sizeof app->answered_credentials / sizeof app->answered_credentials[0];
    if (app->answered_count == capacity) {
        memmove(app->answered_credentials, app->answered_credentials + 1,
                (capacity - 1) * sizeof app->answered_credentials[0]);
        app->answered_count--;
    }
    app->answered_credentials[app->answered_count++] = id;
}

/* libvirt asked for a credential: prompt for it unless something else is on
 * screen (then at the next snapshot). A prompt whose request timed out in
 * core is closed with a word of explanation. */
static void handle_credentials(App *app)
{
    const CoreSnapshot *s = &app->snapshot;
    if (app->dialog && app->dialog_purpose == DIALOG_FOR_CREDENTIAL) {
        bool still_asked = false;
        for (size_t i = 0; i < s->credential_count; i++)
            still_asked = still_asked || s->credentials[i].id == app->dialog_credential_id;
        if (!still_asked) {
            mark_credential_answered(app, app->dialog_credential_id);
            close_dialog(app);
            app_notice(app, MESSAGE_WARNING, "the credential prompt timed out; the host will "
                       "ask again when it retries");
        }
        return;
    }
    if (app->dialog)
        return;
    for (size_t i = 0; i < s->credential_count; i++) {
        const CredentialRequest *request = &s->credentials[i];
        if (credential_answered(app, request->id))
            continue;
        char title[128];
        snprintf(title, sizeof title, "%s asks for a credential",
                 request->host_index < s->host_count && s->hosts[request->host_index].name
                     ? s->hosts[request->host_index].name : "a host");
        Dialog *dialog = dialog_secret_new(title, request->prompt ? request->prompt : "",
                                           request->secret);
        if (!dialog)
            return;
        app_open_dialog(app, dialog, DIALOG_FOR_CREDENTIAL);
        app->dialog_credential_id = request->id;
        return;
    }
}

static void show_new_messages(App *app)
{
    const CoreSnapshot *s = &app->snapshot;
    if (s->message_count == 0)
        return;
    const CoreMessage *newest = &s->messages[s->message_count - 1];
    if (newest->seq <= app->footer_seq_seen)
        return;
    app->footer_seq_seen = newest->seq;
    app_notice(app, newest->level, "%s", newest->text ? newest->text : "");
}

/* The start-up notice "connecting to the hosts..." is true only until every
 * host has an answer: then it says how that went (a lost host's reason is in
 * the header), so a stale "connecting" never lingers. */
static void settle_connecting_notice(App *app)
{
    const CoreSnapshot *s = &app->snapshot;
    if (!app->footer_says_connecting)
        return;
    size_t connected = 0;
    for (size_t h = 0; h < s->host_count; h++) {
        if (s->hosts[h].state == HOST_CONNECTING)
            return;
        connected += s->hosts[h].state == HOST_CONNECTED;
    }
    if (connected == s->host_count)
        app_notice(app, MESSAGE_INFO, "%s connected; F1 lists every key",
                   s->host_count == 1 ? "the host is" : "all hosts are");
    else
        app_notice(app, MESSAGE_WARNING, "%zu of %zu hosts connected (the header says why "
                   "not; r reconnects); F1 lists every key", connected, s->host_count);
}

static void take_snapshot(App *app)
{
    /* Updated in place: core reuses the arrays and copies nothing when
     * nothing changed, which matters with thousands of domains. */
    size_t old_hosts = app->snapshot.host_count;
    int rc = core_snapshot_update(app->core, &app->snapshot);
    if (rc < 0)
        app_notice(app, MESSAGE_ERROR, "out of memory while reading core's state");
    else if (rc == 1 && app->drawn_generation != 0)
        return;
    app->drawn_generation = app->snapshot.generation ? app->snapshot.generation : 1;
    /* Rows are indexes into the snapshot: rebuilt whenever it was copied. */
    if (domain_list_rebuild(app->domains, &app->snapshot) < 0)
        app_notice(app, MESSAGE_ERROR, "out of memory while listing domains");
    if (old_hosts != app->snapshot.host_count)
        relayout(app);
    if (app->form)
        migration_form_update(app->form, &app->snapshot);
    show_new_messages(app);
    settle_connecting_notice(app);
    handle_credentials(app);
    app->redraw |= REDRAW_HEADER | REDRAW_TABLE | REDRAW_DETAIL | REDRAW_FOOTER;
}

/* ---- keys ----------------------------------------------------------- */

/* Removes the last UTF-8 character of the filter. */
static void filter_backspace(char *text)
{
    size_t length = strlen(text);
    while (length > 0) {
        length--;
        if (((unsigned char)text[length] & 0xc0) != 0x80)
            break;
    }
    text[length] = '\0';
}

static void filter_changed(App *app)
{
    domain_list_set_filter(app->domains, app->filter_text);
    domain_list_rebuild(app->domains, &app->snapshot);
    app->table_scroll = 0;
    app->redraw |= REDRAW_TABLE | REDRAW_DETAIL | REDRAW_FOOTER;
}

static void handle_filter_key(App *app, wint_t key, bool function_key)
{
    if (!function_key && (key == '\r' || key == '\n')) {
        app->filter_editing = false;
    } else if (!function_key && key == KEY_ESCAPE) {
        app->filter_editing = false;
        app->filter_text[0] = '\0';
    } else if ((function_key && key == KEY_BACKSPACE) || (!function_key && (key == 127 || key == 8))) {
        filter_backspace(app->filter_text);
    } else if (!function_key && key >= ' ') {
        char bytes[MB_LEN_MAX + 1];
        mbstate_t state;
        memset(&state, 0, sizeof state);
        size_t n = wcrtomb(bytes, (wchar_t)key, &state);
        size_t length = strlen(app->filter_text);
        if (n != (size_t)-1 && length + n < sizeof app->filter_text) {
            memcpy(app->filter_text + length, bytes, n);
            app->filter_text[length + n] = '\0';
        }
    } else if (function_key) {
        /* Arrows still move while typing a filter. */
        app->redraw |= keys_dispatch(app, (int)key, true);
        return;
    }
    filter_changed(app);
}

static void handle_form_result(App *app, FormResult result)
{
    if (result == FORM_LAUNCHED) {
        unsigned id = migration_form_launched_id(app->form);
        close_form(app);
        const MigrationView *m = core_snapshot_find_migration(&app->snapshot, id);
        app_notice(app, MESSAGE_INFO, "migration #%u launched%s%s", id, m ? " for " : "",
                   m ? m->domain_name : "");
    } else if (result == FORM_CANCELLED) {
        close_form(app);
    } else {
        app->redraw = REDRAW_ALL;
    }
}

static void handle_dialog_result(App *app, DialogResult result)
{
    if (result == DIALOG_CONTINUE) {
        app->redraw = REDRAW_ALL;
        return;
    }
    if (app->dialog_purpose == DIALOG_FOR_CREDENTIAL)
        mark_credential_answered(app, app->dialog_credential_id);
    if (result == DIALOG_ACCEPTED)
        action_dialog_accepted(app);
    else
        action_dialog_cancelled(app);
    close_dialog(app);
    /* Another host may be waiting for its credential. */
    handle_credentials(app);
}

static void handle_mouse(App *app)
{
    MEVENT event;
    if (getmouse(&event) != OK)
        return;
    if (app->dialog)
        return;   /* modal: keys only */
    if (app->form) {
        if (event.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
            handle_form_result(app, migration_form_click(app->form, event.y, event.x, app->core));
        return;
    }
    if (app->layout.too_small)
        return;
    if (event.bstate & BUTTON4_PRESSED) {
        app->redraw |= action_up(app);
    } else if (event.bstate & BUTTON5_PRESSED) {
        app->redraw |= action_down(app);
    } else if (event.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
        size_t row = domain_table_row_at(app, event.y);
        if (row != SIZE_MAX && domain_list_select_row(app->domains, row))
            app->redraw |= REDRAW_TABLE | REDRAW_DETAIL | REDRAW_FOOTER;
    }
}

static void handle_key(App *app, wint_t key, bool function_key)
{
    if (function_key && key == KEY_RESIZE) {
        relayout(app);
        return;
    }
    if (function_key && key == KEY_MOUSE) {
        handle_mouse(app);
        return;
    }
    if (app->dialog) {
        handle_dialog_result(app, dialog_handle_key(app->dialog, (int)key, function_key));
        return;
    }
    if (app->layout.too_small) {
        /* Only quitting makes sense on the too-small screen: keys must not
         * change a form or a selection the operator cannot see. */
        if (!function_key && (key == 'q' || key == 'Q'))
            app->redraw |= action_quit(app);
        else if (function_key && key == KEY_F(10))
            app->redraw |= action_quit(app);
        return;
    }
    if (app->form) {
        handle_form_result(app, migration_form_handle_key(app->form, (int)key, function_key,
                                                          app->core));
        return;
    }
    if (app->filter_editing) {
        handle_filter_key(app, key, function_key);
        return;
    }
    if (!function_key && key == KEY_ESCAPE) {
        if (domain_list_filter(app->domains)[0]) {
            app->filter_text[0] = '\0';
            filter_changed(app);
        }
        return;
    }
    app->redraw |= keys_dispatch(app, (int)key, function_key);
}

static void read_keys(App *app)
{
    wint_t key;
    int rc;
    while (!app->quit && (rc = wget_wch(stdscr, &key)) != ERR)
        handle_key(app, key, rc == KEY_CODE_YES);
}

/* ---- drawing -------------------------------------------------------- */

static void draw(App *app)
{
    if (!app->redraw)
        return;
    if (app->layout.too_small) {
        screen_draw_too_small(app->rows, app->cols);
        if (app->dialog)
            dialog_draw(app->dialog, stdscr);
        wnoutrefresh(stdscr);
    } else if (app->form) {
        werase(app->form_window);
        migration_form_draw(app->form, app->form_window);
        if (app->dialog)
            dialog_draw(app->dialog, app->form_window);
        wnoutrefresh(app->form_window);
    } else {
        if (app->redraw & REDRAW_HEADER)
            header_draw(app, stdscr, app->layout.header);
        if (app->redraw & REDRAW_TABLE)
            domain_table_draw(app, stdscr, app->layout.table);
        if (app->redraw & REDRAW_DETAIL)
            detail_pane_draw(app, stdscr, app->layout.detail);
        if (app->redraw & REDRAW_FOOTER)
            footer_draw(app, stdscr, app->layout.footer);
        if (app->dialog)
            dialog_draw(app->dialog, stdscr);
        wnoutrefresh(stdscr);
    }
    doupdate();
    app->redraw = REDRAW_NONE;
}

/* ---- the demo walkthrough ------------------------------------------ */

/* Plays the steps that are due: keys as if typed, messages in the footer,
 * waits as deadlines (never a sleep: core updates keep flowing). */
static void play_demo(App *app, uint64_t now)
{
    while (app->demo && !app->quit && now >= app->demo_next_ms) {
        const DemoStep *step = demo_script_next(app->demo);
        if (!step) {
            demo_script_free(app->demo);
            app->demo = NULL;
            app_notice(app, MESSAGE_INFO, "demo finished: the console is yours (q quits)");
            return;
        }
        switch (step->kind) {
        case DEMO_SAY:
            app_notice(app, MESSAGE_INFO, "%s", step->text);
            break;
        case DEMO_WAIT:
            app->demo_next_ms = now + step->wait_ms;
            break;
        case DEMO_KEY:
            handle_key(app, (wint_t)step->key, step->function_key);
            app->demo_next_ms = now + DEMO_KEY_GAP_MS;
            break;
        case DEMO_QUIT:
            app->quit = true;
            break;
        }
    }
}

/* ---- the loop ------------------------------------------------------- */

static int run_loop(App *app)
{
    int wake_fd = core_wake_fd(app->core);
    uint64_t next_tick = monotonic_ms() + TICK_MS;
    uint64_t last_draw = 0;
    while (!app->quit) {
        uint64_t now = monotonic_ms();
        int wait = now >= next_tick ? 0 : (int)(next_tick - now);
        /* Something to draw but drawn very recently: wait out the frame. */
        if (app->redraw && now - last_draw < MIN_WAIT_MS)
            wait = (int)(MIN_WAIT_MS - (now - last_draw));
        else if (app->redraw)
            wait = 0;
        if (app->demo && app->demo_next_ms <= now)
            wait = 0;
        else if (app->demo && (int)(app->demo_next_ms - now) < wait)
            wait = (int)(app->demo_next_ms - now);
        struct pollfd fds[2] = {
            { .fd = STDIN_FILENO, .events = POLLIN },
            { .fd = wake_fd, .events = POLLIN },
        };
        int ready = poll(fds, wake_fd >= 0 ? 2 : 1, wait);
        if (ready < 0 && errno != EINTR) {
            app_notice(app, MESSAGE_ERROR, "poll: %s", strerror(errno));
            return 1;
        }
        if (ready > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) &&
            !(fds[0].revents & POLLIN))
            return 1;   /* the terminal went away */
        if (ready > 0 && wake_fd >= 0 && (fds[1].revents & POLLIN)) {
            core_wake_drain(app->core);
            take_snapshot(app);
        }
        /* Always: a resize arrives as SIGWINCH (EINTR) and then KEY_RESIZE. */
        read_keys(app);
        now = monotonic_ms();
        play_demo(app, now);
        actions_follow_selection(app);
        if (app->form && form_preflight_follow(app->form, app->core, &app->snapshot, now))
            app->redraw = REDRAW_ALL;
        if (now >= next_tick) {
            next_tick = now + TICK_MS - now % TICK_MS;
            app->redraw |= REDRAW_HEADER | REDRAW_DETAIL;
        }
        if (app->redraw && now - last_draw >= MIN_WAIT_MS) {
            draw(app);
            last_draw = now;
        }
    }
    return 0;
}

int tui_run(Core *core, const TuiOptions *options)
{
    static const TuiOptions no_options;
    App app;
    memset(&app, 0, sizeof app);
    app.core = core;
    app.options = options ? options : &no_options;
    app.domains = domain_list_new();
    if (!core || !app.domains) {
        fprintf(stderr, "virtmig: cannot start the console: %s\n",
                core ? "out of memory" : "no engine");
        domain_list_free(app.domains);
        return 1;
    }
    char *error = NULL;
    if (app.options->demo_script) {
        /* A bad script is reported before the screen is taken over. */
        app.demo = demo_script_load(app.options->demo_script, &error);
        if (!app.demo) {
            fprintf(stderr, "virtmig: %s\n", error ? error : "cannot load the demo script");
            free(error);
            domain_list_free(app.domains);
            return 2;
        }
    }
    if (screen_start(&error) < 0) {
        fprintf(stderr, "virtmig: %s\n", error ? error : "cannot start the console");
        free(error);
        demo_script_free(app.demo);
        domain_list_free(app.domains);
        return 1;
    }
    char *notice = NULL;
    if (ui_colors_init(app.options->theme_name, app.options->themes_dir,
                       app.options->config_path, &notice) < 0)
        app_notice(&app, MESSAGE_ERROR, "out of memory while loading the theme");
    else if (notice)
        app_notice(&app, MESSAGE_WARNING, "%s", notice);
    free(notice);
    if (!notice && app.footer_text[0] == '\0') {
        app_notice(&app, MESSAGE_INFO, "connecting to the hosts%s F1 lists every key",
                   ui_glyphs()->ellipsis);
        app.footer_says_connecting = true;
    }

    take_snapshot(&app);
    relayout(&app);
    int status = run_loop(&app);

    if (app.dialog_purpose == DIALOG_FOR_CREDENTIAL)
        core_answer_credential(core, app.dialog_credential_id, NULL);
    demo_script_free(app.demo);
    dialog_free(app.dialog);
    migration_form_free(app.form);
    if (app.form_window)
        delwin(app.form_window);
    screen_stop();
    ui_colors_shutdown();
    core_snapshot_clear(&app.snapshot);
    domain_list_free(app.domains);
    return status;
}
