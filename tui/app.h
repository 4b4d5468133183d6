/* The interactive console: runs until the operator quits.
 * main() (tui/main.c) builds the Core from the hosts and hands it here. */
#ifndef VIRTMIG_TUI_APP_H
#define VIRTMIG_TUI_APP_H

#include <stdbool.h>
#include "core.h"

typedef struct {
    const char *theme_name;   /* --theme, or NULL: the saved choice, else "default" */
    const char *themes_dir;   /* NULL: search ./themes, $XDG_CONFIG_HOME/virtmig/themes,
                                 PREFIX/share/virtmig/themes */
    const char *config_path;  /* NULL: $XDG_CONFIG_HOME/virtmig/virtmig.conf */
    const char *demo_script;  /* --demo: a scripted walkthrough, or NULL */
    const char *journal_path; /* --journal, for the journal viewer; NULL: the default path */
} TuiOptions;

/* Returns the process exit status (0 on a normal quit). */
int tui_run(Core *core, const TuiOptions *options);

#endif
