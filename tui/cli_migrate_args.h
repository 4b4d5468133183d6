/* `virtmig migrate` options, spelled like `virsh migrate`'s, turned into a
 * MigrateOptions.
 *
 * Pure: no libvirt call, no environment, no I/O except the help listing.
 * The caller (tui/cli_args.c) splits the command line; this file knows every
 * migrate option's name, whether it takes a value, what the value means and
 * which MigrateOptions field it sets. Syntax is checked here (a number is a
 * number, a list names known methods); whether the combination makes sense is
 * migrate_options_validate()'s job, the same check the console's form runs. */
#ifndef VIRTMIG_CLI_MIGRATE_ARGS_H
#define VIRTMIG_CLI_MIGRATE_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "migrate_options.h"

#define CLI_MIGRATE_OPTION_SLOTS 96   /* room for "seen" marks, above the table's size */

typedef struct {
    MigrateOptions options;         /* owned; starts at migrate_options_init()'s defaults */
    /* virsh's --postcopy-after-precopy is a client-side action (virsh itself
     * calls virDomainMigrateStartPostCopy once the first pass is done), so it
     * lives here rather than in MigrateOptions: cmd_migrate.c acts on it. */
    bool postcopy_after_precopy;
    /* --assistant LADDER: the convergence assistant's ladder (a built-in name
     * or ladder text, see core/assistant.h); the engine runs it, libvirt
     * knows nothing of it, hence not in MigrateOptions. Owned; NULL: off. */
    char *assistant;
    /* Which options appeared, so a repeated one is reported and so the
     * implications in cli_migrate_args_finish() respect explicit choices. */
    bool seen[CLI_MIGRATE_OPTION_SLOTS];
} CliMigrateArgs;

void cli_migrate_args_init(CliMigrateArgs *args);
void cli_migrate_args_clear(CliMigrateArgs *args);   /* accepts NULL */

/* Is `name` (without the leading "--") a migrate option? On true, *takes_value
 * says whether it needs a value. */
bool cli_migrate_args_lookup(const char *name, bool *takes_value);

/* Applies one option (name without "--"; value NULL for a flag). Returns 0, or
 * -1 with a message in error saying what is wrong and how to fix it. */
int cli_migrate_args_apply(CliMigrateArgs *args, const char *name, const char *value,
                           char *error, size_t error_size);

/* Once every option is applied: settles what one option implies for another
 * (--offline without --live turns live off, --direct without --p2p turns p2p
 * off, --timeout alone suspends like virsh) and rejects contradictions the
 * parser alone can see (--live with --no-live). Returns 0 or -1 with error. */
int cli_migrate_args_finish(CliMigrateArgs *args, char *error, size_t error_size);

/* Writes one line per option ("  --bandwidth MIB/S   ...") for --help. */
void cli_migrate_args_print_help(FILE *out);

#endif
