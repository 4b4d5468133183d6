/* Real migrations through the engine's request interface on the lab:
 * core_request_migrate of steady with its job visible in snapshots on both
 * sides, the outcome read from both hosts, the journal; an abort of hot
 * that leaves it on the source; dirty-rate sampling of a watched guest. */
#include "test_engine_lab.h"

#include <libvirt/libvirt.h>

typedef struct {
    unsigned id;
    MigrationPhase phase;
    size_t min_samples;
    bool need_progress;           /* the last sample shows data moved */
    /* what the waits saw on the way */
    bool saw_source_job;
    bool saw_dest_job;
    size_t max_samples;
} MigrationWatch;

/* Running on at->host and not active anywhere else. */
static bool guest_moved_to(const CoreSnapshot *snapshot, void *opaque)
{
    const EngGuestAt *at = opaque;
    if (!eng_guest_running_at(snapshot, opaque))
        return false;
    size_t there = eng_host(snapshot, at->host);
    for (size_t i = 0; i < snapshot->domain_count; i++) {
        const DomainView *domain = &snapshot->domains[i];
        if (domain->host_index != there && strcmp(domain->name, at->name) == 0 &&
            domain->state != DOMAIN_SHUTOFF)
            return false;
    }
    return true;
}

static bool migration_reached(const CoreSnapshot *snapshot, void *opaque)
{
    MigrationWatch *watch = opaque;
    const MigrationView *view = core_snapshot_find_migration(snapshot, watch->id);
    if (!view)
        return false;
    const DomainView *source = core_snapshot_find_domain(snapshot, view->source_host,
                                                         view->domain_uuid);
    const DomainView *dest = core_snapshot_find_domain(snapshot, view->dest_host,
                                                       view->domain_uuid);
    if (source && source->has_job && source->job->type == JOB_TYPE_UNBOUNDED)
        watch->saw_source_job = true;
    if (dest && dest->has_job && job_stats_has(dest->job, JS_OPERATION) &&
        dest->job->operation == VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN)
        watch->saw_dest_job = true;
    if (view->history_count > watch->max_samples)
        watch->max_samples = view->history_count;
    if (watch->need_progress &&
        !(job_stats_has(&view->last, JS_DATA_PROCESSED) && view->last.data_processed > 0))
        return false;
    return view->phase == watch->phase && view->history_count >= watch->min_samples;
}

static unsigned launch(Core *core, const char *name, const char *from, const char *to,
                       const MigrateOptions *options)
{
    size_t source, dest;
    char uuid[37];
    eng_locate_guest(core, name, from, to, &source, &dest, uuid);
    OptionProblem problems[8];
    size_t count = 0;
    int id = core_request_migrate(core, source, uuid, dest, options, problems, 8, &count);
    for (size_t i = 0; id < 0 && i < count && i < 8; i++)
        fprintf(stderr, "  problem: %s\n", problems[i].message);
    assert_true(id > 0);
    assert_int_equal(count, 0);
    return (unsigned)id;
}

static const MigrationView *wait_phase(Core *core, MigrationWatch *watch, unsigned timeout_ms,
                                       CoreSnapshot *snapshot)
{
    bool reached = eng_wait(core, timeout_ms, migration_reached, watch, snapshot);
    const MigrationView *view = core_snapshot_find_migration(snapshot, watch->id);
    if (!reached) {
        fprintf(stderr, "  migration %u is %s, wanted %s\n", watch->id,
                view ? migration_phase_name(view->phase) : "missing",
                migration_phase_name(watch->phase));
        eng_print_messages(snapshot);
    }
    assert_true(reached);
    return view;
}

/* launch(), then waits until pre-copy runs with data moved and at least
 * min_samples job samples: the point where controls can act on it. */
static unsigned launch_running(Core *core, const char *name, const char *from, const char *to,
                               const MigrateOptions *options, size_t min_samples)
{
    unsigned id = launch(core, name, from, to, options);
    CoreSnapshot snapshot;
    MigrationWatch running = { .id = id, .phase = MIGRATION_RUNNING, .min_samples = min_samples,
                               .need_progress = true };
    wait_phase(core, &running, 20000, &snapshot);
    core_snapshot_clear(&snapshot);
    return id;
}

/* Brings NAME from labhost2 back to labhost1 through post-copy: launched with
 * `options` (post-copy allowed), switched once pre-copy runs with progress,
 * then completed and running at home. */
static void postcopy_home(Core *core, const char *name, const MigrateOptions *options)
{
    unsigned id = launch_running(core, name, "labhost2", "labhost1", options, 2);
    CoreSnapshot snapshot;
    char *error = NULL;
    assert_int_equal(core_request_postcopy(core, id, &error), 0);
    assert_null(error);
    MigrationWatch done = { .id = id, .phase = MIGRATION_COMPLETED };
    wait_phase(core, &done, 60000, &snapshot);
    core_snapshot_clear(&snapshot);
    eng_require_guest_running(core, name, "labhost1", 5000);
}

static bool journal_has(const char *needle)
{
    FILE *file = fopen(eng_lab.journal, "r");
    char line[16384];
    bool found = false;
    if (!file)
        return false;
    while (!found && fgets(line, sizeof(line), file))
        found = strstr(line, needle) != NULL;
    fclose(file);
    return found;
}

static void test_migrate_steady_there_and_back(void **state)
{
    (void)state;
    eng_lab.tests_in_flight++;
    Core *core = eng_core_new(NULL);
    MigrateOptions options;
    migrate_options_init(&options);
    /* Slower than the lab's link so the job lives for several samples. */
    options.bandwidth_mibs = 20;

    unsigned id = launch(core, "steady", "labhost1", "labhost2", &options);
    CoreSnapshot snapshot;
    MigrationWatch running = { .id = id, .phase = MIGRATION_RUNNING, .min_samples = 2,
                               .need_progress = true };
    const MigrationView *view = wait_phase(core, &running, 20000, &snapshot);
    assert_string_equal(view->domain_name, "steady");
    assert_non_null(view->virsh_command);
    assert_non_null(strstr(view->virsh_command, "virsh"));
    assert_non_null(strstr(view->virsh_command, "steady"));
    assert_int_equal(view->current_bandwidth_mibs, 20);
    const JobStats *last = &view->last;
    assert_int_equal(last->type, JOB_TYPE_UNBOUNDED);
    assert_true(job_stats_has(last, JS_DATA_TOTAL) && last->data_total > 0);
    assert_true(job_stats_has(last, JS_MEM_TOTAL) && last->mem_total >= 512ull << 20);
    /* History is oldest first and moves forward. */
    assert_true(view->history[0].sampled_at_ms < view->history[view->history_count - 1].sampled_at_ms);
    assert_true(view->history[view->history_count - 1].time_elapsed_ms >=
                view->history[0].time_elapsed_ms);
    core_snapshot_clear(&snapshot);

    MigrationWatch done = { .id = id, .phase = MIGRATION_COMPLETED };
    view = wait_phase(core, &done, 60000, &snapshot);
    fprintf(stderr, "  steady labhost1 -> labhost2: %zu samples, %llu ms, source job seen %d, "
            "incoming job seen %d\n", running.max_samples > done.max_samples ? running.max_samples
                                                                              : done.max_samples,
            (unsigned long long)(view->ended_ms - view->started_ms),
            running.saw_source_job || done.saw_source_job,
            running.saw_dest_job || done.saw_dest_job);
    assert_true(running.saw_source_job || done.saw_source_job);
    /* The incoming half is followed on the destination too. */
    assert_true(running.saw_dest_job || done.saw_dest_job);
    assert_true(view->ended_ms >= view->started_ms);
    assert_null(view->error);
    assert_false(view->source_left_paused);
    /* Completed statistics at the end. */
    assert_int_equal(view->last.type, JOB_TYPE_COMPLETED);
    assert_true(view->last.data_processed > 0);
    size_t second = eng_host(&snapshot, "labhost2");
    size_t first = eng_host(&snapshot, "labhost1");
    core_snapshot_clear(&snapshot);

    /* The guest runs on labhost2 in the inventory (the events update it). */
    EngGuestAt there = { "steady", "labhost2" };
    assert_true(eng_wait(core, 5000, eng_guest_left_labhost1_for, &there, &snapshot));
    const DomainView *moved = eng_domain(&snapshot, second, "steady");
    assert_false(moved->has_job);
    assert_false(eng_domain_running(&snapshot, first, "steady"));
    core_snapshot_clear(&snapshot);
    assert_true(journal_has("\"type\":\"launch\""));
    assert_true(journal_has("\"type\":\"outcome\""));

    /* And back, unthrottled. */
    migrate_options_clear(&options);
    migrate_options_init(&options);
    unsigned back = launch(core, "steady", "labhost2", "labhost1", &options);
    assert_true(back > id);
    MigrationWatch home = { .id = back, .phase = MIGRATION_COMPLETED };
    view = wait_phase(core, &home, 60000, &snapshot);
    assert_int_equal(view->source_host, second);
    core_snapshot_clear(&snapshot);
    eng_require_guest_running(core, "steady", "labhost1", 5000);

    migrate_options_clear(&options);
    core_free(core);
    eng_lab.tests_in_flight--;
}

static bool has_message(const CoreSnapshot *snapshot, const char *needle)
{
    for (size_t i = 0; i < snapshot->message_count; i++) {
        if (strstr(snapshot->messages[i].text, needle))
            return true;
    }
    return false;
}

static void test_abort_hot_stays_on_source(void **state)
{
    (void)state;
    eng_lab.tests_in_flight++;
    Core *core = eng_core_new(NULL);
    MigrateOptions options;
    migrate_options_init(&options);
    /* hot dirties ~100 MiB/s: at 50 MiB/s pre-copy never converges. */
    options.bandwidth_mibs = 50;
    unsigned id = launch_running(core, "hot", "labhost1", "labhost2", &options, 3);
    CoreSnapshot snapshot;

    /* Refused outright, with the reason: */
    char *error = NULL;
    assert_int_equal(core_request_postcopy(core, id, &error), -1);
    assert_non_null(error);
    assert_non_null(strstr(error, "Post-copy was not enabled"));
    free(error);
    error = NULL;
    assert_int_equal(core_request_abort(core, id, true, &error), -1);
    assert_non_null(strstr(error, "not in post-copy"));
    free(error);
    error = NULL;

    /* A live control, answered by libvirt through a message. */
    assert_int_equal(core_request_set_max_downtime(core, id, 400, &error), 0);
    double asked = eng_now_ms();
    assert_int_equal(core_request_abort(core, id, false, &error), 0);
    assert_null(error);
    double took = eng_now_ms() - asked;
    assert_true(took < 5.0);

    MigrationWatch cancelled = { .id = id, .phase = MIGRATION_CANCELLED };
    const MigrationView *view = wait_phase(core, &cancelled, 30000, &snapshot);
    assert_true(view->ended_ms > 0);
    assert_false(view->source_left_paused);
    assert_int_equal(view->current_max_downtime_ms, 400);
    assert_true(has_message(&snapshot, "max downtime of hot set to 400 ms"));
    assert_true(has_message(&snapshot, "abort of hot accepted"));
    core_snapshot_clear(&snapshot);

    EngGuestAt home = { "hot", "labhost1" };
    assert_true(eng_wait(core, 5000, eng_guest_running_at, &home, &snapshot));
    size_t second = eng_host(&snapshot, "labhost2");
    const DomainView *on_dest = eng_domain(&snapshot, second, "hot");
    assert_true(on_dest == NULL || on_dest->state != DOMAIN_RUNNING);
    core_snapshot_clear(&snapshot);

    /* Controls on an ended migration are refused outright. */
    assert_int_equal(core_request_abort(core, id, false, &error), -1);
    assert_non_null(strstr(error, "already ended"));
    free(error);

    migrate_options_clear(&options);
    core_free(core);
    eng_lab.tests_in_flight--;
}

static void test_postcopy_of_hot(void **state)
{
    (void)state;
    eng_lab.tests_in_flight++;
    Core *core = eng_core_new(NULL);
    MigrateOptions options;
    migrate_options_init(&options);
    options.bandwidth_mibs = 50;
    options.postcopy = true;      /* allowed at launch; switched to by request */
    unsigned id = launch_running(core, "hot", "labhost1", "labhost2", &options, 2);
    CoreSnapshot snapshot;
    char *error = NULL;
    assert_int_equal(core_request_postcopy(core, id, &error), 0);
    assert_null(error);
    /* Once in post-copy, a plain abort is refused outright, with the way out. */
    MigrationWatch postcopy = { .id = id, .phase = MIGRATION_POSTCOPY };
    bool saw_postcopy = eng_wait(core, 20000, migration_reached, &postcopy, &snapshot);
    const MigrationView *view = core_snapshot_find_migration(&snapshot, id);
    if (saw_postcopy) {
        assert_int_equal(core_request_abort(core, id, false, &error), -1);
        assert_non_null(strstr(error, "post-copy"));
        free(error);
        error = NULL;
    } else {
        /* Post-copy can finish between two samples; then it must have completed. */
        assert_non_null(view);
        assert_int_equal(view->phase, MIGRATION_COMPLETED);
    }
    core_snapshot_clear(&snapshot);

    MigrationWatch done = { .id = id, .phase = MIGRATION_COMPLETED };
    view = wait_phase(core, &done, 60000, &snapshot);
    assert_null(view->error);
    assert_true(has_message(&snapshot, "hot switched to post-copy"));
    core_snapshot_clear(&snapshot);
    eng_require_guest_running(core, "hot", "labhost2", 5000);

    /* Back home the same way. */
    postcopy_home(core, "hot", &options);

    migrate_options_clear(&options);
    core_free(core);
    eng_lab.tests_in_flight--;
}

static bool has_message_after(const CoreSnapshot *snapshot, uint64_t seq, const char *needle)
{
    for (size_t i = 0; i < snapshot->message_count; i++) {
        if (snapshot->messages[i].seq > seq && strstr(snapshot->messages[i].text, needle))
            return true;
    }
    return false;
}

typedef struct {
    uint64_t after_seq;
    const char *needle;
} MessageWanted;

static bool message_arrived(const CoreSnapshot *snapshot, void *opaque)
{
    const MessageWanted *wanted = opaque;
    return has_message_after(snapshot, wanted->after_seq, wanted->needle);
}

static void test_failed_postcopy_is_resumed(void **state)
{
    (void)state;
    eng_lab.tests_in_flight++;
    Core *core = eng_core_new(NULL);
    MigrateOptions options;
    migrate_options_init(&options);
    options.bandwidth_mibs = 50;
    options.postcopy = true;
    /* Slow post-copy, so it can be broken before it finishes. */
    options.postcopy_bandwidth_mibs = 5;
    unsigned id = launch_running(core, "hot", "labhost1", "labhost2", &options, 2);
    CoreSnapshot snapshot;
    char *error = NULL;
    assert_int_equal(core_request_postcopy(core, id, &error), 0);
    MigrationWatch postcopy = { .id = id, .phase = MIGRATION_POSTCOPY };
    wait_phase(core, &postcopy, 20000, &snapshot);
    core_snapshot_clear(&snapshot);

    /* What a broken link does: the post-copy abort pauses both halves. */
    assert_int_equal(core_request_abort(core, id, true, &error), 0);
    MigrationWatch failed = { .id = id, .phase = MIGRATION_POSTCOPY_FAILED };
    const MigrationView *view = wait_phase(core, &failed, 30000, &snapshot);
    assert_true(view->source_left_paused);
    assert_non_null(view->error);
    fprintf(stderr, "  post-copy failed: %s\n", view->error);
    uint64_t seq = snapshot.messages[snapshot.message_count - 1].seq;
    core_snapshot_clear(&snapshot);

    /* Only the bandwidth may change while it waits; then resume. */
    assert_int_equal(core_request_abort(core, id, false, &error), -1);
    assert_non_null(strstr(error, "resume it"));
    free(error);
    error = NULL;
    assert_int_equal(core_request_set_bandwidth(core, id, 1024, true, &error), 0);
    MessageWanted raised = { seq, "post-copy bandwidth of hot set to 1024 MiB/s" };
    bool set = eng_wait(core, 10000, message_arrived, &raised, &snapshot);
    if (!set)
        eng_print_messages(&snapshot);
    assert_true(set);
    core_snapshot_clear(&snapshot);
    assert_int_equal(core_request_postcopy_resume(core, id, &error), 0);
    assert_null(error);
    MigrationWatch done = { .id = id, .phase = MIGRATION_COMPLETED };
    view = wait_phase(core, &done, 60000, &snapshot);
    assert_false(view->source_left_paused);
    core_snapshot_clear(&snapshot);
    eng_require_guest_running(core, "hot", "labhost2", 5000);
    /* Resuming again is refused: it is done. */
    assert_int_equal(core_request_postcopy_resume(core, id, &error), -1);
    assert_non_null(strstr(error, "only a failed post-copy"));
    free(error);
    error = NULL;

    /* Home again through post-copy (at the lab's link speed, so pre-copy
     * alone would not finish). */
    migrate_options_clear(&options);
    migrate_options_init(&options);
    options.postcopy = true;
    options.bandwidth_mibs = 50;
    postcopy_home(core, "hot", &options);
    migrate_options_clear(&options);
    core_free(core);
    eng_lab.tests_in_flight--;
}

static void test_client_managed_idle_and_core_free_aborts(void **state)
{
    (void)state;
    eng_lab.tests_in_flight++;
    Core *core = eng_core_new(NULL);
    MigrateOptions options;
    migrate_options_init(&options);
    options.p2p = false;          /* this process drives the migration */

    /* idle moves in a moment, there and back. */
    unsigned id = launch(core, "idle", "labhost1", "labhost3", &options);
    CoreSnapshot snapshot;
    MigrationWatch done = { .id = id, .phase = MIGRATION_COMPLETED };
    const MigrationView *view = wait_phase(core, &done, 30000, &snapshot);
    assert_false(view->options.p2p);
    assert_null(strstr(view->virsh_command, "--p2p"));
    core_snapshot_clear(&snapshot);
    id = launch(core, "idle", "labhost3", "labhost1", &options);
    done.id = id;
    wait_phase(core, &done, 30000, &snapshot);
    core_snapshot_clear(&snapshot);

    /* A client-managed migration still running when the Core goes away is
     * aborted, not left half-done: hot stays on labhost1. */
    options.bandwidth_mibs = 50;
    id = launch_running(core, "hot", "labhost1", "labhost2", &options, 2);
    double asked = eng_now_ms();
    core_free(core);
    fprintf(stderr, "  core_free with a client-managed migration running took %.0f ms\n",
            eng_now_ms() - asked);

    core = eng_core_new(NULL);
    EngGuestAt home = { "hot", "labhost1" };
    assert_true(eng_wait(core, 15000, eng_guest_running_at, &home, &snapshot));
    const DomainView *on_dest = eng_domain(&snapshot, eng_host(&snapshot, "labhost2"), "hot");
    assert_true(on_dest == NULL || on_dest->state != DOMAIN_RUNNING);
    core_snapshot_clear(&snapshot);
    core_free(core);
    migrate_options_clear(&options);
    eng_lab.tests_in_flight--;
}

static void test_p2p_migration_outlives_core(void **state)
{
    (void)state;
    eng_lab.tests_in_flight++;
    Core *core = eng_core_new(NULL);
    MigrateOptions options;
    migrate_options_init(&options);
    options.bandwidth_mibs = 20;
    unsigned id = launch_running(core, "steady", "labhost1", "labhost2", &options, 1);
    CoreSnapshot snapshot;

    /* libvirt's source daemon drives a peer-to-peer migration: the console
     * quitting must neither wait for it nor stop it. */
    double asked = eng_now_ms();
    core_free(core);
    double took = eng_now_ms() - asked;
    fprintf(stderr, "  core_free with a p2p migration running took %.0f ms\n", took);
    assert_true(took < 1000.0);

    /* Finished without us: running on labhost2, and gone from labhost1 (the
     * source's confirm step comes after the destination's finish, so both
     * hosts' jobs are over then). */
    core = eng_core_new(NULL);
    EngGuestAt there = { "steady", "labhost2" };
    assert_true(eng_wait(core, 60000, guest_moved_to, &there, &snapshot));
    core_snapshot_clear(&snapshot);
    migrate_options_clear(&options);
    migrate_options_init(&options);
    id = launch(core, "steady", "labhost2", "labhost1", &options);
    MigrationWatch done = { .id = id, .phase = MIGRATION_COMPLETED };
    wait_phase(core, &done, 60000, &snapshot);
    core_snapshot_clear(&snapshot);
    eng_require_guest_running(core, "steady", "labhost1", 5000);
    migrate_options_clear(&options);
    core_free(core);
    eng_lab.tests_in_flight--;
}

typedef struct {
    size_t host;
    const char *name;
    size_t min_samples;
} DirtyWanted;

static bool dirty_rate_sampled(const CoreSnapshot *snapshot, void *opaque)
{
    const DirtyWanted *wanted = opaque;
    const DomainView *domain = eng_domain(snapshot, wanted->host, wanted->name);
    /* A freshly started guest takes a few seconds before it writes: wait
     * until its rate shows, rather than sleep. */
    return domain && domain->dirty_rate_watched &&
           domain->dirty_rate_count >= wanted->min_samples &&
           domain->dirty_rate[domain->dirty_rate_count - 1].value > 0;
}

static void test_dirty_rate_of_watched_guest(void **state)
{
    (void)state;
    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    EngGuestAt at = { "steady", "labhost1" };
    assert_true(eng_wait(core, 15000, eng_guest_running_at, &at, &snapshot));
    size_t first = eng_host(&snapshot, "labhost1");
    core_snapshot_clear(&snapshot);

    assert_int_equal(core_request_watch_dirty_rate(core, first, "steady", true), 0);
    DirtyWanted wanted = { first, "steady", 3 };
    bool sampled = eng_wait(core, 30000, dirty_rate_sampled, &wanted, &snapshot);
    if (!sampled)
        eng_print_messages(&snapshot);
    assert_true(sampled);
    const DomainView *steady = eng_domain(&snapshot, first, "steady");
    /* steady writes 2000 pages/s of 4 KiB: about 8 MiB/s. */
    double last = steady->dirty_rate[steady->dirty_rate_count - 1].value;
    fprintf(stderr, "  steady dirty rate samples:");
    for (size_t i = 0; i < steady->dirty_rate_count; i++)
        fprintf(stderr, " %.0f", steady->dirty_rate[i].value);
    fprintf(stderr, " MiB/s\n");
    assert_true(last >= 2.0 && last <= 40.0);
    assert_true(steady->dirty_rate[0].at_ms < steady->dirty_rate[steady->dirty_rate_count - 1].at_ms);
    core_snapshot_clear(&snapshot);

    assert_int_equal(core_request_watch_dirty_rate(core, first, "steady", false), 0);
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    assert_false(eng_domain(&snapshot, first, "steady")->dirty_rate_watched);
    core_snapshot_clear(&snapshot);
    assert_int_equal(core_request_watch_dirty_rate(core, first, "no-such-guest", true), -1);
    core_free(core);
}

/* Another client is measuring steady (as `virsh domdirtyrate-calc` would, or
 * a console that just quit): QEMU refuses a second measurement meanwhile. The
 * engine waits for it to end instead of reporting an error and giving up. */
static void test_watch_waits_for_another_measurement(void **state)
{
    (void)state;
    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    EngGuestAt at = { "steady", "labhost1" };
    assert_true(eng_wait(core, 15000, eng_guest_running_at, &at, &snapshot));
    size_t first = eng_host(&snapshot, "labhost1");
    size_t messages_before = snapshot.message_count;
    core_snapshot_clear(&snapshot);

    virConnectPtr conn = virConnectOpen(eng_lab.hosts[first].uri);
    assert_non_null(conn);
    virDomainPtr steady = virDomainLookupByName(conn, "steady");
    assert_non_null(steady);
    /* The previous test's measurement may still be running: wait it out. */
    int started = -1;
    for (int tries = 0; tries < 50 && started < 0; tries++) {
        started = virDomainStartDirtyRateCalc(steady, 3, 0);
        if (started < 0)
            usleep(100 * 1000);
    }
    assert_int_equal(started, 0);

    assert_int_equal(core_request_watch_dirty_rate(core, first, "steady", true), 0);
    DirtyWanted wanted = { first, "steady", 1 };
    bool sampled = eng_wait(core, 30000, dirty_rate_sampled, &wanted, &snapshot);
    if (!sampled)
        eng_print_messages(&snapshot);
    assert_true(sampled);
    assert_true(eng_domain(&snapshot, first, "steady")->dirty_rate_watched);
    for (size_t i = messages_before; i < snapshot.message_count; i++) {
        if (strstr(snapshot.messages[i].text, "dirty"))
            fail_msg("a message about the busy measurement: %s", snapshot.messages[i].text);
    }
    core_snapshot_clear(&snapshot);

    assert_int_equal(core_request_watch_dirty_rate(core, first, "steady", false), 0);
    virDomainFree(steady);
    virConnectClose(conn);
    core_free(core);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dirty_rate_of_watched_guest),
        cmocka_unit_test(test_watch_waits_for_another_measurement),
        cmocka_unit_test(test_migrate_steady_there_and_back),
        cmocka_unit_test(test_abort_hot_stays_on_source),
        cmocka_unit_test(test_postcopy_of_hot),
        cmocka_unit_test(test_failed_postcopy_is_resumed),
        cmocka_unit_test(test_client_managed_idle_and_core_free_aborts),
        cmocka_unit_test(test_p2p_migration_outlives_core),
    };
    eng_apply_test_filter();
    return cmocka_run_group_tests(tests, eng_group_setup_home, eng_group_teardown);
}
