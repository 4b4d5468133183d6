/* What became of a migration, decided from the domain's state on BOTH hosts
 * after libvirt's migrate call returned, never from events alone (the source
 * emits SUSPENDED_MIGRATED on failure too).
 *
 *   running on the destination, gone or shut off on the source -> COMPLETED
 *   offline: defined on the destination, source gone or inactive -> COMPLETED
 *   paused on both with post-copy reasons -> POSTCOPY_FAILED (resumable)
 *   still active on the source -> CANCELLED if we aborted, else FAILED;
 *     a source left paused is flagged so the operator can resume it. */
#ifndef VIRTMIG_MIGRATION_OUTCOME_H
#define VIRTMIG_MIGRATION_OUTCOME_H

#include <stdbool.h>
#include <libvirt/libvirt.h>

#include "core.h"

/* One side's view of the domain. */
typedef struct {
    bool reachable;       /* we could ask this host */
    bool exists;          /* the domain is known there (running or defined) */
    bool active;          /* running, paused... (virDomainIsActive) */
    int state, reason;    /* virDomainGetState */
} DomainSide;

typedef struct {
    bool offline;         /* the launch was --offline */
    bool aborted;         /* the operator aborted it */
    bool call_failed;     /* libvirt's migrate call returned an error */
    const char *call_error;  /* its message, or NULL */
} OutcomeFacts;

typedef struct {
    MigrationPhase phase;
    bool source_left_paused;
    char *text;           /* one sentence for the operator, malloc'd */
} MigrationOutcome;

/* Pure decision from what both sides report. Returns 0, -1 when out of memory. */
int migration_outcome_decide(const DomainSide *source, const DomainSide *dest,
                             const OutcomeFacts *facts, MigrationOutcome *out);

/* Reads one side: looks the domain up by UUID string on conn (NULL conn: not
 * reachable). Never fails: what it cannot learn stays false. */
void migration_outcome_read_side(virConnectPtr conn, const char *uuid, DomainSide *side);

/* Both of the above. */
int migration_outcome_determine(virConnectPtr source, virConnectPtr dest, const char *uuid,
                                const OutcomeFacts *facts, MigrationOutcome *out);

void migration_outcome_clear(MigrationOutcome *outcome);

#endif
