/* Controls on a running migration: see migration_control.h. */
#include "migration_control.h"

#include <stdio.h>

#include <libvirt/virterror.h>

#include "libvirt_error.h"

/* The message prefix: "labhost1: abort steady". The domain name is read before
 * the control call because every libvirt call clears the thread's last error. */
typedef struct {
    char text[256];
} Context;

static void context_init(Context *context, virDomainPtr domain, const char *source_name,
                         const char *what)
{
    const char *name = domain ? virDomainGetName(domain) : NULL;
    if (source_name)
        snprintf(context->text, sizeof(context->text), "%s: %s %s", source_name, what,
                 name ? name : "?");
    else
        snprintf(context->text, sizeof(context->text), "%s %s", what, name ? name : "?");
}

static int no_domain(char **error, const char *what)
{
    return error_set(error, "%s: no domain given (internal error)", what);
}

bool migration_control_in_postcopy(virDomainPtr domain)
{
    int state = 0, reason = 0;
    if (!domain || virDomainGetState(domain, &state, &reason, 0) < 0)
        return false;
    if (state == VIR_DOMAIN_PAUSED)
        return reason == VIR_DOMAIN_PAUSED_POSTCOPY || reason == VIR_DOMAIN_PAUSED_POSTCOPY_FAILED;
    if (state == VIR_DOMAIN_RUNNING)
        return reason == VIR_DOMAIN_RUNNING_POSTCOPY || reason == VIR_DOMAIN_RUNNING_POSTCOPY_FAILED;
    return false;
}

int migration_control_abort(virDomainPtr domain, const char *source_name, bool postcopy_abort,
                            char **error)
{
    if (!domain)
        return no_domain(error, "abort");
    Context context;
    context_init(&context, domain, source_name, postcopy_abort ? "abort post-copy of" : "abort");
    if (!postcopy_abort) {
        if (migration_control_in_postcopy(domain))
            return error_set(error, "%s: the migration is in post-copy: the destination already "
                             "runs the guest, so it cannot be cancelled back to the source; "
                             "use the post-copy abort, which pauses it so it can be resumed later",
                             context.text);
        if (virDomainAbortJob(domain) < 0)
            return libvirt_error_set(error, "%s", context.text);
        return 0;
    }
    if (virDomainAbortJobFlags(domain, VIR_DOMAIN_ABORT_JOB_POSTCOPY) < 0)
        return libvirt_error_set(error, "%s", context.text);
    return 0;
}

int migration_control_suspend(virDomainPtr domain, const char *source_name, char **error)
{
    if (!domain)
        return no_domain(error, "suspend");
    Context context;
    context_init(&context, domain, source_name, "suspend");
    if (virDomainSuspend(domain) < 0)
        return libvirt_error_set(error, "%s", context.text);
    return 0;
}

int migration_control_resume(virDomainPtr domain, const char *source_name, char **error)
{
    if (!domain)
        return no_domain(error, "resume");
    Context context;
    context_init(&context, domain, source_name, "resume");
    if (virDomainResume(domain) < 0)
        return libvirt_error_set(error, "%s", context.text);
    return 0;
}

int migration_control_start_postcopy(virDomainPtr domain, const char *source_name,
                                     bool launched_with_postcopy, char **error)
{
    if (!domain)
        return no_domain(error, "switch to post-copy");
    Context context;
    context_init(&context, domain, source_name, "switch to post-copy");
    if (!launched_with_postcopy)
        return error_set(error, "%s: this migration was launched without post-copy; libvirt "
                         "can switch only a migration started with --postcopy: abort it and "
                         "launch again with post-copy enabled", context.text);
    if (virDomainMigrateStartPostCopy(domain, 0) < 0)
        return libvirt_error_set(error, "%s", context.text);
    return 0;
}

int migration_control_set_max_downtime(virDomainPtr domain, const char *source_name,
                                       uint64_t ms, char **error)
{
    if (!domain)
        return no_domain(error, "set max downtime");
    Context context;
    context_init(&context, domain, source_name, "set max downtime of");
    if (ms == 0)
        return error_set(error, "%s: a max downtime of 0 ms cannot be reached; give at least "
                         "1 ms (libvirt's default is 300 ms)", context.text);
    if (virDomainMigrateSetMaxDowntime(domain, ms, 0) < 0)
        return libvirt_error_set(error, "%s", context.text);
    return 0;
}

int migration_control_set_bandwidth(virDomainPtr domain, const char *source_name,
                                    uint64_t mibs, bool postcopy, char **error)
{
    if (!domain)
        return no_domain(error, "set bandwidth");
    Context context;
    context_init(&context, domain, source_name,
                 postcopy ? "set post-copy bandwidth of" : "set bandwidth of");
    if (mibs > MIGRATE_BANDWIDTH_MAX_MIBS)
        return error_set(error, "%s: %llu MiB/s is more than libvirt accepts (%llu MiB/s); "
                         "use 0 for unlimited", context.text, (unsigned long long)mibs,
                         (unsigned long long)MIGRATE_BANDWIDTH_MAX_MIBS);
    unsigned int flags = postcopy ? VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY : 0;
    if (virDomainMigrateSetMaxSpeed(domain, (unsigned long)mibs, flags) < 0)
        return libvirt_error_set(error, "%s", context.text);
    return 0;
}

int migration_control_set_compression_cache(virDomainPtr domain, const char *source_name,
                                            uint64_t bytes, char **error)
{
    if (!domain)
        return no_domain(error, "set compression cache");
    Context context;
    context_init(&context, domain, source_name, "set compression cache of");
    if (virDomainMigrateSetCompressionCache(domain, bytes, 0) < 0)
        return libvirt_error_set(error, "%s", context.text);
    return 0;
}

int migration_control_postcopy_resume(const MigrationRunRequest *request,
                                      MigrationRunResult *result)
{
    if (!request)
        return -1;
    MigrationRunRequest resume = *request;
    resume.postcopy_resume = true;
    return migration_run(&resume, result);
}
