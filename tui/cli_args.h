/* virtmig's command line: which command, which hosts, which options.
 *
 * Pure: parses argv into a CliArgs and nothing else (no environment, no files;
 * main.c resolves paths and loads hosts). Every mistake comes back as one
 * message naming the argument and how to fix it; main() prints it and exits 2.
 *
 *   virtmig [OPTIONS]                               the console
 *   virtmig list [OPTIONS] [--json] [--wait S]      inventory of every host
 *   virtmig migrate DOMAIN --from HOST --to HOST [virsh migrate options]
 *   virtmig journal [--json] [--tail N]             past migrations
 *
 * Options may come before or after the command word. */
#ifndef VIRTMIG_CLI_ARGS_H
#define VIRTMIG_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli_migrate_args.h"

typedef enum {
    CLI_COMMAND_CONSOLE = 0,
    CLI_COMMAND_LIST,
    CLI_COMMAND_MIGRATE,
    CLI_COMMAND_JOURNAL,
} CliCommand;

#define CLI_DEFAULT_WAIT_S 10u

typedef struct {
    CliCommand command;
    bool help, version;
    char **connect_uris;      size_t connect_count;   /* -c/--connect, in order; owned */
    bool lab;                 /* --lab */
    char *hosts_file;         /* --hosts, or NULL: the default file */
    char *theme;              /* --theme */
    unsigned refresh_ms;      /* --refresh; 0: the engine's default */
    char *journal_path;       /* --journal, or NULL: the default journal */
    char *demo_script;        /* --demo */
    bool json;                /* --json: JSON lines instead of text */
    unsigned wait_s;          /* --wait: how long list/migrate wait for hosts */
    size_t tail;              /* --tail N: last N journal entries; 0: all */
    char *domain;             /* migrate: the positional DOMAIN (name or UUID) */
    char *from_host, *to_host;   /* migrate: --from / --to (host name or URI) */
    bool preflight;           /* migrate --preflight: the console's checks first */
    CliMigrateArgs migrate;   /* migrate: the virsh-style options */
} CliArgs;

/* Parses argv[1..argc-1]. Returns 0, or -1 with a message in error (args then
 * holds whatever was parsed; cli_args_clear() still frees it). */
int cli_args_parse(CliArgs *args, int argc, char *const argv[], char *error, size_t error_size);
void cli_args_clear(CliArgs *args);   /* accepts NULL */

const char *cli_command_name(CliCommand command);   /* "list", ...; "console" */

/* --help text for the console or one command. */
void cli_print_usage(FILE *out, CliCommand command);

/* $XDG_CONFIG_HOME/virtmig/hosts.conf, else $HOME/.config/virtmig/hosts.conf.
 * Pass getenv()'s answers. Returns a malloc'd path, or NULL when neither is set
 * (or on allocation failure). */
char *cli_default_hosts_path(const char *xdg_config_home, const char *home);

/* The lab's hosts file: $VIRTMIG_LAB_HOSTS if set, else
 * /run/virtmig-lab${LAB_INSTANCE:-0}/hosts.conf. Returns a malloc'd path, or
 * NULL with error filled (LAB_INSTANCE not 0..7, or no memory). */
char *cli_lab_hosts_path(const char *virtmig_lab_hosts, const char *lab_instance,
                         char *error, size_t error_size);

#endif
