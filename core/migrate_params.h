/* MigrateOptions (the form, as virsh migrate spells it) -> what libvirt's
 * virDomainMigrate3 / virDomainMigrateToURI3 take: VIR_MIGRATE_* flags and
 * VIR_MIGRATE_PARAM_* typed parameters.
 *
 * Some options are not migrate parameters at all in libvirt 9.0: max downtime
 * (set with virDomainMigrateSetMaxDowntime once the job exists) and --timeout
 * (virsh implements it on the client side). They are handed back separately so
 * migration_run applies them the same way virsh does.
 *
 * The options must have passed migrate_options_validate(): this mapping does not
 * re-check combinations, it only reports what it cannot do (a file it cannot read,
 * out of memory). */
#ifndef VIRTMIG_MIGRATE_PARAMS_H
#define VIRTMIG_MIGRATE_PARAMS_H

#include <stdint.h>
#include <libvirt/libvirt.h>

#include "migrate_options.h"

typedef struct _MigrateParams MigrateParams;
struct _MigrateParams {
    unsigned int flags;               /* VIR_MIGRATE_* */
    virTypedParameterPtr params;      /* owned; virTypedParamsFree */
    int nparams;
    int maxparams;                    /* allocation size, for virTypedParamsAdd* */
    /* Applied by migration_run, not by libvirt's migrate call: */
    uint64_t max_downtime_ms;         /* 0: leave libvirt's default */
    unsigned timeout_s;               /* 0: no client-side timeout */
    TimeoutAction timeout_action;     /* what the timeout does (never NONE when timeout_s) */
};

/* Fills *out (which must be zeroed or cleared) from options. Files named by
 * dest_xml_path / persistent_xml_path are read here. Returns 0, or -1 with
 * *error (malloc'd) saying what is wrong, e.g. "cannot read --xml file
 * /tmp/x.xml: No such file or directory". */
int migrate_params_build(const MigrateOptions *options, MigrateParams *out, char **error);

/* Frees the typed parameters; leaves *params zeroed. Accepts NULL. */
void migrate_params_clear(MigrateParams *params);

/* Adds or replaces the flags for a post-copy recovery of this launch:
 * VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_POSTCOPY_RESUME, same parameters. */
void migrate_params_for_postcopy_resume(MigrateParams *params);

#endif
