/* The convergence assistant through the engine on the real lab: `hot`
 * (200 MiB rewritten at ~100 MiB/s) capped at 50 MiB/s never converges in
 * pre-copy; launched with post-copy allowed and the assistant's ladder, the
 * engine raises the downtime, then switches to post-copy on its own, and the
 * migration completes. The snapshot shows the ladder and the next step before
 * it fires; the journal holds each step with its reason. Also: bad ladders are
 * refused before anything is launched, and the ladder can be switched off and
 * replaced mid-migration. */
#include "test_engine_lab.h"


static int group_setup(void **state)
{
    (void)state;
    return eng_lab_load();
}

/* What the waits saw of the assistant while the migration ran. */
typedef struct {
    unsigned id;
    bool saw_next_postcopy;       /* "next: switch to post-copy ..." before it fired */
    bool saw_postcopy_phase;
    char last_next[256];
} AssistantWatch;

static bool migration_ended(const CoreSnapshot *snapshot, void *opaque)
{
    AssistantWatch *watch = opaque;
    const MigrationView *view = core_snapshot_find_migration(snapshot, watch->id);
    if (!view)
        return false;
    if (view->assistant_on && strstr(view->assistant_next, "next: switch to post-copy when "
                                                           "remaining has not fallen for"))
        watch->saw_next_postcopy = true;
    if (view->assistant_next[0])
        snprintf(watch->last_next, sizeof(watch->last_next), "%s", view->assistant_next);
    if (view->phase == MIGRATION_POSTCOPY)
        watch->saw_postcopy_phase = true;
    return view->phase != MIGRATION_STARTING && view->phase != MIGRATION_RUNNING &&
           view->phase != MIGRATION_POSTCOPY;
}

static bool migration_has_samples(const CoreSnapshot *snapshot, void *opaque)
{
    const MigrationView *view = core_snapshot_find_migration(snapshot, *(unsigned *)opaque);
    return view && view->history_count >= 2 && view->phase == MIGRATION_RUNNING;
}

/* The journal's assistant records for migration id, concatenated. */
static char *journal_assistant_lines(unsigned id)
{
    FILE *file = fopen(eng_lab.journal, "r");
    assert_non_null(file);
    char line[16384], wanted[64];
    snprintf(wanted, sizeof(wanted), "\"migration\":%u,", id);
    size_t size = 1, used = 0;
    char *all = calloc(1, 1);
    while (fgets(line, sizeof(line), file)) {
        if (!strstr(line, "\"type\":\"assistant\"") || !strstr(line, wanted))
            continue;
        size_t length = strlen(line);
        size += length;
        all = realloc(all, size);
        assert_non_null(all);
        memcpy(all + used, line, length + 1);
        used += length;
    }
    fclose(file);
    return all;
}

static void test_bad_ladders_launch_nothing(void **state)
{
    (void)state;
    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    size_t source, dest;
    char uuid[37];
    eng_locate_guest(core, "hot", "labhost1", "labhost2", &source, &dest, uuid);

    MigrateOptions options;
    migrate_options_init(&options);
    options.bandwidth_mibs = 50;
    OptionProblem problems[4];
    size_t count = 0;
    /* A post-copy ladder on a launch without post-copy: refused, with the fix. */
    assert_int_equal(core_request_migrate_assisted(core, source, uuid, dest, &options,
                                                   "post-copy", problems, 4, &count), -1);
    assert_int_equal(count, 1);
    assert_non_null(strstr(problems[0].message, "not launched with post-copy"));
    /* A typo in custom text: which step, and how to write it. */
    options.postcopy = true;
    assert_int_equal(core_request_migrate_assisted(core, source, uuid, dest, &options,
                                                   "downtime 500ms after 3; postcopy sometime",
                                                   problems, 4, &count), -1);
    assert_non_null(strstr(problems[0].message, "step 2"));
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    assert_int_equal(snapshot.migration_count, 0);
    core_snapshot_clear(&snapshot);

    char *error = NULL;
    assert_int_equal(core_request_assistant(core, 4242, "post-copy", &error), -1);
    assert_non_null(strstr(error, "No migration 4242"));
    free(error);
    migrate_options_clear(&options);
    core_free(core);
}

static void test_postcopy_ladder_completes_hot(void **state)
{
    (void)state;
    eng_lab.tests_in_flight++;
    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    size_t source, dest;
    char uuid[37];
    eng_locate_guest(core, "hot", "labhost1", "labhost2", &source, &dest, uuid);

    MigrateOptions options;
    migrate_options_init(&options);
    options.bandwidth_mibs = 50;
    options.postcopy = true;
    OptionProblem problems[4];
    size_t count = 0;
    /* Launched with a ladder that would not act for a long time... */
    double started = eng_now_ms();
    int id = core_request_migrate_assisted(core, source, uuid, dest, &options,
                                           "downtime 400ms after 200", problems, 4, &count);
    for (size_t i = 0; id < 0 && i < count && i < 4; i++)
        fprintf(stderr, "  problem: %s\n", problems[i].message);
    assert_true(id > 0);
    unsigned uid = (unsigned)id;
    assert_true(eng_wait(core, 30000, migration_has_samples, &uid, &snapshot));
    const MigrationView *view = core_snapshot_find_migration(&snapshot, uid);
    assert_true(view->assistant_on);
    assert_string_equal(view->assistant_ladder, "custom: downtime 400ms after 200");
    core_snapshot_clear(&snapshot);

    /* ...switched off, then replaced by the post-copy ladder mid-migration. */
    char *error = NULL;
    assert_int_equal(core_request_assistant(core, uid, NULL, &error), 0);
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    assert_false(core_snapshot_find_migration(&snapshot, uid)->assistant_on);
    core_snapshot_clear(&snapshot);
    assert_int_equal(core_request_assistant(core, uid, "post-copy", &error), 0);
    assert_null(error);
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    view = core_snapshot_find_migration(&snapshot, uid);
    assert_true(view->assistant_on);
    assert_string_equal(view->assistant_ladder,
                        "post-copy: downtime 1s after 2; postcopy after 2");
    assert_non_null(strstr(view->assistant_next, "next: raise max downtime to 1.0 s when"));
    core_snapshot_clear(&snapshot);

    AssistantWatch watch = { .id = uid };
    bool ended = eng_wait(core, 110000, migration_ended, &watch, &snapshot);
    view = core_snapshot_find_migration(&snapshot, uid);
    if (!ended || view->phase != MIGRATION_COMPLETED) {
        fprintf(stderr, "  migration %u: %s; assistant: %s | %s\n", uid,
                view ? migration_phase_name(view->phase) : "missing",
                view ? view->assistant_current : "", watch.last_next);
        eng_print_messages(&snapshot);
    }
    assert_true(ended);
    assert_int_equal(view->phase, MIGRATION_COMPLETED);
    double took_s = (eng_now_ms() - started) / 1000.0;
    fprintf(stderr, "  hot completed in %.1f s; assistant: %s\n", took_s,
            view->assistant_current);
    /* The steps, in order, each seen coming before it fired. */
    assert_true(watch.saw_next_postcopy);
    assert_non_null(strstr(view->assistant_current, "2 steps taken, last: switch to post-copy"));
    assert_int_equal(view->current_max_downtime_ms, 1000);
    assert_non_null(strstr(view->assistant_reason, "low-water mark"));
    core_snapshot_clear(&snapshot);

    /* The journal: on, off, on again, then each step with the numbers behind it. */
    char *lines = journal_assistant_lines(uid);
    fprintf(stderr, "%s", lines);
    const char *on = strstr(lines, "\"step\":\"assistant on: post-copy:");
    assert_non_null(strstr(lines, "\"step\":\"assistant off\""));
    assert_non_null(on);
    const char *downtime = strstr(on, "\"step\":\"raise max downtime to 1.0 s\"");
    assert_non_null(downtime);
    assert_non_null(strstr(downtime, "\"reason\":\"step 1 (downtime after 2): low-water mark"));
    const char *postcopy = strstr(downtime, "\"step\":\"switch to post-copy\"");
    assert_non_null(postcopy);
    assert_non_null(strstr(postcopy, "\"reason\":\"step 2 (postcopy after 2): low-water mark"));
    free(lines);
    /* The controls themselves went the ordinary way (journalled as actions). */
    FILE *file = fopen(eng_lab.journal, "r");
    char line[16384];
    bool set_downtime = false, switched = false;
    while (fgets(line, sizeof(line), file)) {
        set_downtime |= strstr(line, "\"action\":\"set-max-downtime\"") && strstr(line, "1000");
        switched |= strstr(line, "\"action\":\"postcopy\"") && strstr(line, "\"ok\":true");
    }
    fclose(file);
    assert_true(set_downtime);
    assert_true(switched);

    size_t back_source, back_dest;
    char back_uuid[37];
    eng_locate_guest(core, "hot", "labhost2", "labhost1", &back_source, &back_dest, back_uuid);
    assert_int_equal(back_source, dest);
    assert_int_equal(back_dest, source);

    /* Home again the same way, the ladder chosen at launch this time. */
    id = core_request_migrate_assisted(core, dest, back_uuid, source, &options, "post-copy",
                                       problems, 4, &count);
    assert_true(id > 0);
    AssistantWatch back = { .id = (unsigned)id };
    ended = eng_wait(core, 110000, migration_ended, &back, &snapshot);
    view = core_snapshot_find_migration(&snapshot, (unsigned)id);
    if (!ended || view->phase != MIGRATION_COMPLETED)
        eng_print_messages(&snapshot);
    assert_true(ended);
    assert_int_equal(view->phase, MIGRATION_COMPLETED);
    assert_non_null(strstr(view->assistant_current, "last: switch to post-copy"));
    core_snapshot_clear(&snapshot);
    eng_require_guest_running(core, "hot", "labhost1", 10000);
    migrate_options_clear(&options);
    core_free(core);
    eng_lab.tests_in_flight--;
}

int main(void)
{
    const char *filter = getenv("MIG_TEST_FILTER");
    if (filter && *filter)
        cmocka_set_test_filter(filter);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_ladders_launch_nothing),
        cmocka_unit_test(test_postcopy_ladder_completes_hot),
    };
    return cmocka_run_group_tests(tests, group_setup, eng_group_teardown);
}
