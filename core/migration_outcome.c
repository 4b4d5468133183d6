/* What became of a migration, from both hosts' view: see migration_outcome.h. */
#include "migration_outcome.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>


static bool postcopy_failed_side(const DomainSide *side)
{
    if (!side->reachable || !side->exists || !side->active)
        return false;
    if (side->state == VIR_DOMAIN_PAUSED)
        return side->reason == VIR_DOMAIN_PAUSED_POSTCOPY_FAILED ||
               side->reason == VIR_DOMAIN_PAUSED_POSTCOPY;
    if (side->state == VIR_DOMAIN_RUNNING)
        return side->reason == VIR_DOMAIN_RUNNING_POSTCOPY_FAILED;
    return false;
}

static bool paused(const DomainSide *side)
{
    return side->reachable && side->active && side->state == VIR_DOMAIN_PAUSED;
}

static int set_outcome(MigrationOutcome *out, MigrationPhase phase, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static int set_outcome(MigrationOutcome *out, MigrationPhase phase, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    out->phase = phase;
    int n = vasprintf(&out->text, format, args);
    va_end(args);
    if (n < 0) {
        out->text = NULL;
        return -1;
    }
    return 0;
}

static const char *because(const OutcomeFacts *facts)
{
    return facts->call_error ? facts->call_error : "libvirt gave no error";
}

static int decide_offline(const DomainSide *source, const DomainSide *dest,
                          const OutcomeFacts *facts, MigrationOutcome *out)
{
    if (dest->reachable && dest->exists)
        return set_outcome(out, MIGRATION_COMPLETED, "defined on the destination%s",
                           source->reachable && !source->exists
                               ? " and undefined on the source"
                               : (source->reachable ? "; still defined on the source" : ""));
    if (!dest->reachable)
        return set_outcome(out, MIGRATION_FAILED, "the destination cannot be asked whether the "
                           "domain is defined there: %s", because(facts));
    return set_outcome(out, facts->aborted ? MIGRATION_CANCELLED : MIGRATION_FAILED,
                       "not defined on the destination: %s", because(facts));
}

int migration_outcome_decide(const DomainSide *source, const DomainSide *dest,
                             const OutcomeFacts *facts, MigrationOutcome *out)
{
    memset(out, 0, sizeof(*out));
    if (facts->offline)
        return decide_offline(source, dest, facts, out);

    /* Post-copy failed: the guest's memory is split between the hosts, so
     * neither may run it alone; both wait for a post-copy recovery. */
    if (postcopy_failed_side(source) && (!dest->reachable || !dest->exists ||
                                         postcopy_failed_side(dest))) {
        out->source_left_paused = true;
        return set_outcome(out, MIGRATION_POSTCOPY_FAILED,
                           "post-copy failed: paused on both hosts; resume the post-copy "
                           "migration to finish it (%s)", because(facts));
    }

    bool source_active = source->reachable && source->exists && source->active;
    bool dest_active = dest->reachable && dest->exists && dest->active;

    if (dest_active && !source_active && source->reachable)
        return set_outcome(out, MIGRATION_COMPLETED, "%s on the destination, %s on the source",
                           paused(dest) ? "paused" : "running",
                           source->exists ? "shut off" : "gone");
    if (dest_active && !source->reachable)
        return set_outcome(out, MIGRATION_COMPLETED, "%s on the destination (the source host "
                           "cannot be asked)", paused(dest) ? "paused" : "running");

    if (source_active) {
        out->source_left_paused = paused(source);
        const char *left = out->source_left_paused
            ? "; the guest is left PAUSED on the source: resume it there" : "";
        if (facts->aborted)
            return set_outcome(out, MIGRATION_CANCELLED, "cancelled: still on the source%s",
                               left);
        if (!facts->call_failed)
            return set_outcome(out, MIGRATION_FAILED, "libvirt reported success but the guest "
                               "still runs on the source%s", left);
        return set_outcome(out, MIGRATION_FAILED, "failed: still on the source%s: %s", left,
                           because(facts));
    }

    if (!source->reachable || !dest->reachable)
        return set_outcome(out, MIGRATION_FAILED, "unknown: %s cannot be asked where the guest "
                           "runs (%s)", !source->reachable ? "the source host" : "the "
                           "destination host", because(facts));
    return set_outcome(out, MIGRATION_FAILED, "the guest runs on neither host (it may have shut "
                       "down during the migration): %s", because(facts));
}

void migration_outcome_read_side(virConnectPtr conn, const char *uuid, DomainSide *side)
{
    memset(side, 0, sizeof(*side));
    if (!conn || !uuid)
        return;
    virDomainPtr domain = virDomainLookupByUUIDString(conn, uuid);
    if (!domain) {
        /* "No such domain" is an answer; any other failure means we could not ask. */
        side->reachable = virGetLastErrorCode() == VIR_ERR_NO_DOMAIN;
        return;
    }
    side->reachable = true;
    side->exists = true;
    int active = virDomainIsActive(domain);
    if (virDomainGetState(domain, &side->state, &side->reason, 0) < 0) {
        /* The domain vanished between the two calls (a transient source going away). */
        side->exists = virGetLastErrorCode() != VIR_ERR_NO_DOMAIN;
        side->reachable = side->exists ? false : true;
    }
    side->active = active == 1 && side->exists;
    virDomainFree(domain);
}

int migration_outcome_determine(virConnectPtr source, virConnectPtr dest, const char *uuid,
                                const OutcomeFacts *facts, MigrationOutcome *out)
{
    DomainSide source_side, dest_side;
    migration_outcome_read_side(source, uuid, &source_side);
    migration_outcome_read_side(dest, uuid, &dest_side);
    return migration_outcome_decide(&source_side, &dest_side, facts, out);
}

void migration_outcome_clear(MigrationOutcome *outcome)
{
    if (!outcome)
        return;
    free(outcome->text);
    memset(outcome, 0, sizeof(*outcome));
}
