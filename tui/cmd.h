/* The headless commands: `virtmig list`, `virtmig migrate`, `virtmig journal`.
 *
 * They use the same engine as the console, through core.h only, and write to
 * the streams they are given (stdout/stderr from main(), memory streams in
 * tests). Each returns the process exit status. */
#ifndef VIRTMIG_CMD_H
#define VIRTMIG_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "cli_args.h"
#include "core.h"
#include "hosts_conf.h"

/* Exit statuses, as virtmig.1 documents them. */
#define CMD_EXIT_OK        0
#define CMD_EXIT_FAILED    1   /* a host failed, the migration failed or was aborted */
#define CMD_EXIT_USAGE     2   /* bad arguments or options; nothing was sent to libvirt */
#define CMD_EXIT_INTERRUPT 130 /* a second Ctrl-C: stopped waiting */

typedef struct {
    FILE *out;   /* results: the inventory, progress lines, journal entries */
    FILE *err;   /* diagnostics */
} CmdStreams;

/* ---- waiting for hosts (cmd_wait.c) --------------------------------- */

/* Is this host done connecting, one way or the other? Connected counts only
 * once its inventory was read, so a listing is never empty by accident. */
bool cmd_host_settled(const HostView *host);

/* Waits until every host in `wanted` (indexes into the snapshot's hosts; NULL
 * with count 0: every host) is settled, or wait_s seconds pass. A credential
 * prompt cannot be answered headless: it is cancelled, with a message on err.
 * Returns 0 with *snapshot filled (the caller clears it; hosts still not
 * settled show as connecting), or -1 on allocation failure. */
int cmd_wait_hosts(Core *core, const size_t *wanted, size_t count, unsigned wait_s,
                   CoreSnapshot *snapshot, FILE *err);

/* ---- the commands --------------------------------------------------- */

/* Prints every host and its domains. Exits 1 if any host is not connected. */
int cmd_list(Core *core, const CliArgs *args, const CmdStreams *streams);

/* Before the engine exists (so no libvirt call happens on bad input): runs
 * the form's validation on the options and resolves --from/--to against the
 * configured hosts (by name, else by URI). Returns CMD_EXIT_OK with the host
 * indexes set, or CMD_EXIT_USAGE after printing every problem. */
int cmd_migrate_prepare(const CliArgs *args, const HostsConf *hosts, size_t *source,
                        size_t *dest, const CmdStreams *streams);

/* Launches the migration, prints the equivalent virsh line and progress about
 * once a second; Ctrl-C asks the engine to abort. Exits 0 when the migration
 * completed, 1 when it failed or was cancelled (with libvirt's message). */
int cmd_migrate(Core *core, const CliArgs *args, size_t source, size_t dest,
                const CmdStreams *streams);

/* migrate --preflight (cmd_preflight.c): runs the engine's pre-flight checks
 * and prints them. Returns CMD_EXIT_OK to go on, CMD_EXIT_USAGE when a check
 * failed, CMD_EXIT_FAILED when the checks could not run. */
int cmd_preflight(Core *core, size_t source, const char *domain_uuid, size_t dest,
                  const MigrateOptions *options, bool json, const CmdStreams *streams);

/* Prints the journal (a table, or the raw JSON lines with --json). */
int cmd_journal(const CliArgs *args, const CmdStreams *streams);

#endif
