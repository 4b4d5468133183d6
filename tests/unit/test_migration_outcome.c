/* The outcome decision (core/migration_outcome.c), from both hosts' view:
 * one table row per situation a migration can end in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "migration_outcome.h"

static const DomainSide GONE = { .reachable = true, .exists = false };
static const DomainSide UNREACHABLE = { .reachable = false };
static const DomainSide SHUT_OFF = { .reachable = true, .exists = true, .active = false,
                                     .state = VIR_DOMAIN_SHUTOFF,
                                     .reason = VIR_DOMAIN_SHUTOFF_MIGRATED };
static const DomainSide RUNNING = { .reachable = true, .exists = true, .active = true,
                                    .state = VIR_DOMAIN_RUNNING,
                                    .reason = VIR_DOMAIN_RUNNING_MIGRATED };
static const DomainSide PAUSED_BY_MIGRATION = { .reachable = true, .exists = true,
                                                .active = true, .state = VIR_DOMAIN_PAUSED,
                                                .reason = VIR_DOMAIN_PAUSED_MIGRATION };
static const DomainSide PAUSED_POSTCOPY_FAILED = { .reachable = true, .exists = true,
                                                   .active = true, .state = VIR_DOMAIN_PAUSED,
                                                   .reason = VIR_DOMAIN_PAUSED_POSTCOPY_FAILED };
static const DomainSide RUNNING_POSTCOPY_FAILED = { .reachable = true, .exists = true,
                                                    .active = true, .state = VIR_DOMAIN_RUNNING,
                                                    .reason = VIR_DOMAIN_RUNNING_POSTCOPY_FAILED };
static const DomainSide DEFINED = { .reachable = true, .exists = true, .active = false,
                                    .state = VIR_DOMAIN_SHUTOFF };

typedef struct {
    const char *name;
    const DomainSide *source, *dest;
    OutcomeFacts facts;
    MigrationPhase phase;
    bool source_left_paused;
    const char *text_has;
} Row;

static void test_decision_table(void **state)
{
    (void)state;
    const Row rows[] = {
        { "transient source gone, running on dest", &GONE, &RUNNING, { 0 },
          MIGRATION_COMPLETED, false, "running on the destination" },
        { "persistent source shut off, running on dest", &SHUT_OFF, &RUNNING, { 0 },
          MIGRATION_COMPLETED, false, "shut off on the source" },
        { "--suspend: paused on dest", &GONE, &PAUSED_BY_MIGRATION, { 0 },
          MIGRATION_COMPLETED, false, "paused on the destination" },
        { "source host lost afterwards, running on dest", &UNREACHABLE, &RUNNING, { 0 },
          MIGRATION_COMPLETED, false, "cannot be asked" },
        { "failed, still running on source", &RUNNING, &GONE,
          { .call_failed = true, .call_error = "labhost1: migrate hot: operation failed" },
          MIGRATION_FAILED, false, "operation failed" },
        { "failed, source left paused", &PAUSED_BY_MIGRATION, &GONE,
          { .call_failed = true, .call_error = "job failed" },
          MIGRATION_FAILED, true, "PAUSED" },
        { "aborted, still running on source", &RUNNING, &GONE,
          { .aborted = true, .call_failed = true, .call_error = "operation aborted" },
          MIGRATION_CANCELLED, false, "cancelled" },
        { "aborted while paused: still paused on source", &PAUSED_BY_MIGRATION, &GONE,
          { .aborted = true, .call_failed = true },
          MIGRATION_CANCELLED, true, "resume it" },
        { "post-copy failed: paused on both", &PAUSED_POSTCOPY_FAILED, &PAUSED_POSTCOPY_FAILED,
          { .call_failed = true, .call_error = "post-copy broke" },
          MIGRATION_POSTCOPY_FAILED, true, "resume the post-copy" },
        { "post-copy failed: dest still running its part", &PAUSED_POSTCOPY_FAILED,
          &RUNNING_POSTCOPY_FAILED, { .call_failed = true },
          MIGRATION_POSTCOPY_FAILED, true, "post-copy failed" },
        { "post-copy failed: dest unreachable", &PAUSED_POSTCOPY_FAILED, &UNREACHABLE,
          { .call_failed = true }, MIGRATION_POSTCOPY_FAILED, true, "post-copy failed" },
        { "success reported but still on source", &RUNNING, &GONE, { 0 },
          MIGRATION_FAILED, false, "still runs on the source" },
        { "guest gone everywhere", &GONE, &GONE, { .call_failed = true, .call_error = "x" },
          MIGRATION_FAILED, false, "neither host" },
        { "dest unreachable, source shut off", &SHUT_OFF, &UNREACHABLE, { .call_failed = true },
          MIGRATION_FAILED, false, "destination host" },
        { "offline: defined on dest, undefined on source", &GONE, &DEFINED, { .offline = true },
          MIGRATION_COMPLETED, false, "undefined on the source" },
        { "offline: defined on both", &DEFINED, &DEFINED, { .offline = true },
          MIGRATION_COMPLETED, false, "still defined on the source" },
        { "offline: not on dest", &DEFINED, &GONE,
          { .offline = true, .call_failed = true, .call_error = "no pool" },
          MIGRATION_FAILED, false, "no pool" },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        MigrationOutcome outcome;
        print_message("row: %s\n", rows[i].name);
        assert_int_equal(migration_outcome_decide(rows[i].source, rows[i].dest, &rows[i].facts,
                                                  &outcome), 0);
        assert_int_equal(outcome.phase, rows[i].phase);
        assert_int_equal(outcome.source_left_paused, rows[i].source_left_paused);
        assert_non_null(outcome.text);
        if (!strstr(outcome.text, rows[i].text_has))
            fail_msg("row '%s': text '%s' lacks '%s'", rows[i].name, outcome.text,
                     rows[i].text_has);
        migration_outcome_clear(&outcome);
        assert_null(outcome.text);
    }
    migration_outcome_clear(NULL);
}

static void test_read_side_without_connection(void **state)
{
    (void)state;
    DomainSide side;
    migration_outcome_read_side(NULL, "4b1e9f5c-5d3a-4c41-9f37-6a1f0e1d2c3b", &side);
    assert_false(side.reachable);
    assert_false(side.exists);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decision_table),
        cmocka_unit_test(test_read_side_without_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
