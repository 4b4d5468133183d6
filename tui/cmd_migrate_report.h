/* What `virtmig migrate` prints, as text or as JSON lines, kept apart from
 * the waiting loop in cmd_migrate.c.
 *
 * Text (stdout; failures also on stderr with libvirt's message):
 *   virsh -c qemu+tcp://198.18.77.11/system migrate idle qemu+tcp://... --live --p2p ...
 *      1.0 s  running    iteration 1   37.5%  remaining 80.0 MiB  dirty 1.20 MiB/s  bandwidth 112 MiB/s
 *   completed: idle runs on labhost2 (1.8 s, downtime 24 ms, 131 MiB transferred)
 * JSON lines: {"type":"virsh",...}, {"type":"progress",...}, {"type":"note",...},
 * {"type":"result",...}. */
#ifndef VIRTMIG_CMD_MIGRATE_REPORT_H
#define VIRTMIG_CMD_MIGRATE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"

typedef struct _MigrateReport MigrateReport;

/* true for COMPLETED, FAILED, CANCELLED and POSTCOPY_FAILED: nothing more
 * will happen without an operator. */
bool migration_phase_finished(MigrationPhase phase);

/* NULL on allocation failure. postcopy_after_precopy is added to the virsh
 * line, since MigrateOptions does not carry it. */
MigrateReport *migrate_report_new(const CmdStreams *streams, bool json,
                                  bool postcopy_after_precopy);
void migrate_report_free(MigrateReport *report);   /* accepts NULL */

/* The equivalent virsh command. Returns 0, or -1 after saying why on err. */
int migrate_report_virsh_line(MigrateReport *report, const MigrateOptions *options,
                              const char *domain_name, const char *source_uri,
                              const char *dest_uri);
void migrate_report_note(MigrateReport *report, const char *text);
/* One progress line from the migration's last job sample. */
void migrate_report_progress(MigrateReport *report, const MigrationView *migration,
                             uint64_t now_ms);
/* How it ended, with libvirt's message when it did not complete. */
void migrate_report_outcome(MigrateReport *report, const CoreSnapshot *snapshot,
                            const MigrationView *migration);

#endif
