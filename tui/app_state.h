/* The console's state, shared by the loop (app.c), the key actions
 * (actions.c) and the parts that draw (header.c, domain_table.c,
 * detail_pane.c, footer.c). Internal to tui/: the rest of the program sees
 * only tui_run() (app.h). */
#ifndef VIRTMIG_TUI_APP_STATE_H
#define VIRTMIG_TUI_APP_STATE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "core.h"
#include "dialog.h"
#include "domain_list.h"
#include "form.h"
#include "convergence.h"
#include "demo_script.h"
#include "layout.h"

/* Parts of the screen to draw again (htop's reaction flags, tmux's redraw
 * flags): set by whatever changed them, cleared once drawn. */
typedef enum {
    REDRAW_NONE   = 0,
    REDRAW_HEADER = 1u << 0,
    REDRAW_TABLE  = 1u << 1,
    REDRAW_DETAIL = 1u << 2,
    REDRAW_FOOTER = 1u << 3,
    REDRAW_ALL    = 0xfu,
} RedrawFlags;

/* What the open dialog is for, so its answer can be acted on. */
typedef enum {
    DIALOG_FOR_NOTHING = 0,
    DIALOG_FOR_ABORT,
    DIALOG_FOR_POSTCOPY_ABORT,
    DIALOG_FOR_POSTCOPY,
    DIALOG_FOR_MAX_DOWNTIME,
    DIALOG_FOR_BANDWIDTH,
    DIALOG_FOR_POSTCOPY_BANDWIDTH,
    DIALOG_FOR_COMPRESSION_CACHE,
    DIALOG_FOR_ASSISTANT,         /* the assistant's ladder: core_request_assistant */
    DIALOG_FOR_SUSPEND,
    DIALOG_FOR_QUIT,
    DIALOG_FOR_CREDENTIAL,
    DIALOG_FOR_INFO,              /* help, journal, messages: nothing to do after */
} DialogPurpose;

#define FOOTER_TEXT_MAX 512
#define FILTER_TEXT_MAX 128

typedef struct _App App;
struct _App {
    Core *core;
    const TuiOptions *options;

    CoreSnapshot snapshot;        /* the newest; rows of `domains` point into it */
    uint64_t drawn_generation;
    DomainList *domains;
    size_t table_scroll;          /* first row shown */

    int rows, cols;
    ScreenLayout layout;
    unsigned redraw;              /* RedrawFlags */

    /* Overlays: the form over the whole screen, a dialog over everything. */
    MigrationForm *form;
    WINDOW *form_window;
    Dialog *dialog;
    DialogPurpose dialog_purpose;
    unsigned dialog_migration_id;
    size_t dialog_host;
    char dialog_uuid[37];
    unsigned dialog_credential_id;
    unsigned answered_credentials[16];  /* ids already answered: never ask twice */
    size_t answered_count;

    /* Filter typed after '/': live while editing. */
    bool filter_editing;
    char filter_text[FILTER_TEXT_MAX];

    /* The footer's message: the newest core message, or our own notice. */
    char footer_text[FOOTER_TEXT_MAX];
    MessageLevel footer_level;
    uint64_t footer_seq_seen;     /* newest core message already shown */
    /* The footer still says "connecting to the hosts": replaced once no host
     * is connecting any more (unless something else was said since). */
    bool footer_says_connecting;

    /* The domain whose dirty-rate sampling we turned on because it was
     * selected (actions_follow_selection). */
    bool auto_watch_active;
    size_t auto_watch_host;
    char auto_watch_uuid[37];
    /* The domain the operator switched sampling off for: not turned on again. */
    size_t declined_watch_host;
    char declined_watch_uuid[37];

    /* --demo: the walkthrough being played, and when its next step is due. */
    DemoScript *demo;
    uint64_t demo_next_ms;

    bool quit;
};

/* Sets the footer message (and asks for the footer to be redrawn). */
void app_notice(App *app, MessageLevel level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* The selected domain and the migration to show for it (either may be NULL). */
const DomainView *app_selected_domain(const App *app);
const MigrationView *app_selected_migration(const App *app);

/* The convergence verdict of a migration under the limits it runs with now. */
void migration_convergence(const MigrationView *migration, ConvergenceReport *report);

/* Opens a dialog for a purpose (replacing any open one). */
void app_open_dialog(App *app, Dialog *dialog, DialogPurpose purpose);

/* Drawing, each into its rectangle of stdscr (app->layout). */
void header_draw(const App *app, WINDOW *window, UiRect area);
void domain_table_draw(App *app, WINDOW *window, UiRect area);
/* Row of the table under screen line y, or SIZE_MAX (for mouse clicks). */
size_t domain_table_row_at(const App *app, int y);
void detail_pane_draw(const App *app, WINDOW *window, UiRect area);
void footer_draw(const App *app, WINDOW *window, UiRect area);

#endif
