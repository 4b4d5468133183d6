/* Controls on a running migration, from the source domain's side.
 *
 * Each returns 0, or -1 with *error (malloc'd) = "<source_name>: <what> <domain>:
 * <libvirt's message>", or our own reason when we refuse before asking libvirt
 * (e.g. a plain abort during post-copy, which libvirt would refuse anyway: the
 * destination already runs the guest). source_name may be NULL. */
#ifndef VIRTMIG_MIGRATION_CONTROL_H
#define VIRTMIG_MIGRATION_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <libvirt/libvirt.h>

#include "migration_run.h"

/* True when the source domain is paused for post-copy (or its post-copy failed). */
bool migration_control_in_postcopy(virDomainPtr domain);

/* postcopy_abort false: virDomainAbortJob, refused here in post-copy with the
 * reason and the way out. postcopy_abort true: virDomainAbortJobFlags(
 * VIR_DOMAIN_ABORT_JOB_POSTCOPY), which leaves the migration paused and resumable. */
int migration_control_abort(virDomainPtr domain, const char *source_name, bool postcopy_abort,
                            char **error);

int migration_control_suspend(virDomainPtr domain, const char *source_name, char **error);
int migration_control_resume(virDomainPtr domain, const char *source_name, char **error);

/* virDomainMigrateStartPostCopy. launched_with_postcopy: the launch set
 * VIR_MIGRATE_POSTCOPY (options->postcopy); without it we refuse and say how. */
int migration_control_start_postcopy(virDomainPtr domain, const char *source_name,
                                     bool launched_with_postcopy, char **error);

int migration_control_set_max_downtime(virDomainPtr domain, const char *source_name,
                                       uint64_t ms, char **error);
/* postcopy: the post-copy phase bandwidth (VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY). */
int migration_control_set_bandwidth(virDomainPtr domain, const char *source_name,
                                    uint64_t mibs, bool postcopy, char **error);
int migration_control_set_compression_cache(virDomainPtr domain, const char *source_name,
                                            uint64_t bytes, char **error);

/* Recovers a failed post-copy migration: the same launch again with
 * VIR_MIGRATE_POSTCOPY_RESUME (request->postcopy_resume is forced on). Blocks
 * like migration_run() and returns what it returns. */
int migration_control_postcopy_resume(const MigrationRunRequest *request,
                                      MigrationRunResult *result);

#endif
