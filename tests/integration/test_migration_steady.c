/* Real migrations of the lab guest "steady" (it dirties memory at a limited
 * rate, so pre-copy converges): job statistics while it moves and after, an
 * operator abort, refusal of bad launches before libvirt is asked, and the
 * dirty-rate measurement. Every test puts steady back where it found it. */
#include "test_migration_lab.h"

#include "core.h"
#include "dirty_rate.h"

#define STEADY "steady"
#define IDLE "idle"
/* steady writes 64 MiB at ~8 MB/s. At 10 MiB/s with a tight max downtime
 * pre-copy crawls through many iterations, so the samples surely show
 * iteration 2 and the dirty rate however loaded the machine is; then the test
 * opens the link (a live bandwidth change) and it converges. */
#define STEADY_BANDWIDTH_MIBS 10
#define STEADY_OPEN_BANDWIDTH_MIBS 200
#define STEADY_MAX_DOWNTIME_MS 100

/* Moves steady back home with plain pre-copy (it converges), client-managed:
 * virtmig drives both hosts through virDomainMigrate3. */
static void put_steady_back(size_t home)
{
    int now = mig_where(STEADY, false);
    assert_true(now >= 0);
    if ((size_t)now == home)
        return;
    MigrateOptions options;
    mig_options(&options);
    options.p2p = false;
    MigRun run;
    memset(&run, 0, sizeof(run));
    assert_int_equal(mig_run(&run, STEADY, (size_t)now, home, &options, NULL), 0);
    assert_int_equal(run.outcome.phase, MIGRATION_COMPLETED);
    mig_run_clear(&run);
    migrate_options_clear(&options);
    assert_int_equal(mig_where(STEADY, false), (int)home);
}

typedef struct {
    virDomainPtr domain;
    const char *host;
    unsigned long long downtime_seen;   /* virDomainMigrateGetMaxDowntime during the job */
    unsigned dirty_samples;             /* samples from iteration 2 on with a dirty rate */
    bool opened;
    int open_rc;
    char *open_error;
} SteadyProbe;

/* Reads the max downtime the running job uses; once iteration 2 has shown
 * its dirty rate in two samples, opens the link so the migration can end. */
static void probe_steady(const JobStats *stats, void *opaque)
{
    SteadyProbe *probe = opaque;
    unsigned long long downtime = 0;
    if (probe->downtime_seen == 0 &&
        virDomainMigrateGetMaxDowntime(probe->domain, &downtime, 0) == 0)
        probe->downtime_seen = downtime;
    if (stats->mem_iteration >= 2 && stats->mem_dirty_rate > 0)
        probe->dirty_samples++;
    if (!probe->opened && probe->dirty_samples >= 2) {
        probe->opened = true;
        probe->open_rc = migration_control_set_bandwidth(probe->domain, probe->host,
                                                         STEADY_OPEN_BANDWIDTH_MIBS, false,
                                                         &probe->open_error);
    }
}

static void test_job_stats_during_and_after(void **state)
{
    (void)state;
    int home = mig_where(STEADY, false);
    assert_true(home >= 0);
    mig_wait_writing((size_t)home, STEADY, 2);
    size_t dest = mig_other_host((size_t)home);
    MigrateOptions options;
    mig_options(&options);
    options.bandwidth_mibs = STEADY_BANDWIDTH_MIBS;
    options.max_downtime_ms = STEADY_MAX_DOWNTIME_MS;

    SteadyProbe probe = { .domain = mig_domain((size_t)home, STEADY),
                          .host = mig_host_name((size_t)home) };
    MigRun *run = calloc(1, sizeof(*run));
    run->react = probe_steady;
    run->test = &probe;
    /* p2p with no destination connection, and the source undefines the guest:
     * the completed statistics can only come from the JOB_COMPLETED event. */
    run->no_dest_conn = true;
    assert_int_equal(mig_run(run, STEADY, (size_t)home, dest, &options, NULL), 0);
    assert_int_equal(run->run.rc, 0);
    assert_null(run->run.error);
    assert_int_equal(run->outcome.phase, MIGRATION_COMPLETED);
    assert_false(run->outcome.source_left_paused);
    assert_int_equal(mig_where(STEADY, false), (int)dest);
    assert_true(probe.opened);
    if (probe.open_rc != 0)
        fail_msg("%s", probe.open_error);

    /* The course of the job, as the watcher sampled it. */
    assert_true(run->run.saw_job);
    assert_true(mig_saw_phase(run, MIGRATION_STARTING));
    assert_true(mig_saw_phase(run, MIGRATION_RUNNING));
    assert_false(mig_saw_phase(run, MIGRATION_POSTCOPY));
    assert_true(run->sample_count >= 3);
    uint64_t max_iteration = 0, max_dirty_rate = 0;
    uint64_t first_processed = run->samples[0].data_processed;
    uint64_t last_processed = first_processed;
    for (size_t i = 0; i < run->sample_count; i++) {
        const JobStats *s = &run->samples[i];
        assert_true(s->type == JOB_TYPE_UNBOUNDED || s->type == JOB_TYPE_BOUNDED);
        assert_true(job_stats_has(s, JS_DATA_PROCESSED));
        /* Processed data never goes back. */
        assert_true(s->data_processed >= last_processed);
        last_processed = s->data_processed;
        if (s->mem_iteration > max_iteration)
            max_iteration = s->mem_iteration;
        if (s->mem_dirty_rate > max_dirty_rate)
            max_dirty_rate = s->mem_dirty_rate;
    }
    fprintf(stderr, "    %zu samples, iteration up to %llu, dirty rate up to %llu pages/s, "
            "processed %llu -> %llu bytes\n", run->sample_count,
            (unsigned long long)max_iteration, (unsigned long long)max_dirty_rate,
            (unsigned long long)first_processed, (unsigned long long)last_processed);
    assert_true(max_iteration >= 2);
    assert_true(max_dirty_rate > 0);
    assert_true(last_processed > first_processed);
    /* Max downtime, set before the call, is what the running job uses. */
    assert_int_equal(probe.downtime_seen, STEADY_MAX_DOWNTIME_MS);

    /* The completed job's statistics. */
    assert_true(run->run.have_completed);
    const JobStats *done = &run->run.completed;
    assert_int_equal(done->type, JOB_TYPE_COMPLETED);
    assert_true(job_stats_has(done, JS_DOWNTIME));
    assert_true(job_stats_has(done, JS_TIME_ELAPSED));
    assert_true(done->data_processed >= last_processed);
    assert_true(done->mem_iteration >= max_iteration);
    fprintf(stderr, "    completed: %llu ms elapsed, downtime %llu ms, %llu iterations\n",
            (unsigned long long)done->time_elapsed_ms, (unsigned long long)done->downtime_ms,
            (unsigned long long)done->mem_iteration);

    free(probe.open_error);
    virDomainFree(probe.domain);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);
    put_steady_back((size_t)home);
}

typedef struct {
    virDomainPtr domain;
    const char *host;
    /* Controls tried on the running job before the abort, read back from libvirt. */
    int controls_rc;
    char *controls_error;
    unsigned long bandwidth, postcopy_bandwidth;
    unsigned long long downtime, cache;
    char *refused_postcopy;   /* switching without post-copy at launch */
    bool aborted;
    int abort_rc;
    char *abort_error;
} AbortPlan;

/* The operator's controls on a running job: each one set, then read back. */
static void try_controls(AbortPlan *plan)
{
    char **error = &plan->controls_error;
    plan->controls_rc = -1;
    if (migration_control_set_bandwidth(plan->domain, plan->host, 12, false, error) < 0 ||
        migration_control_set_bandwidth(plan->domain, plan->host, 33, true, error) < 0 ||
        migration_control_set_max_downtime(plan->domain, plan->host, 250, error) < 0 ||
        migration_control_set_compression_cache(plan->domain, plan->host, 32u << 20, error) < 0)
        return;
    if (virDomainMigrateGetMaxSpeed(plan->domain, &plan->bandwidth, 0) < 0 ||
        virDomainMigrateGetMaxSpeed(plan->domain, &plan->postcopy_bandwidth,
                                    VIR_DOMAIN_MIGRATE_MAX_SPEED_POSTCOPY) < 0 ||
        virDomainMigrateGetMaxDowntime(plan->domain, &plan->downtime, 0) < 0 ||
        virDomainMigrateGetCompressionCache(plan->domain, &plan->cache, 0) < 0) {
        libvirt_error_set(error, "reading the controls back");
        return;
    }
    /* Launched without post-copy: the switch is refused before libvirt is asked. */
    assert_int_equal(migration_control_start_postcopy(plan->domain, plan->host, false,
                                                      &plan->refused_postcopy), -1);
    plan->controls_rc = 0;
}

/* Tries the controls, then aborts once the job has moved some memory: a
 * cancel in mid-flight. */
static void abort_when_moving(const JobStats *stats, void *opaque)
{
    AbortPlan *plan = opaque;
    if (plan->aborted || !job_stats_has(stats, JS_MEM_PROCESSED) || stats->mem_processed == 0)
        return;
    try_controls(plan);
    plan->aborted = true;
    plan->abort_rc = migration_control_abort(plan->domain, plan->host, false, &plan->abort_error);
}

static void test_abort_leaves_guest_on_source(void **state)
{
    (void)state;
    int home = mig_where(STEADY, false);
    assert_true(home >= 0);
    size_t dest = mig_other_host((size_t)home);
    MigrateOptions options;
    mig_options(&options);
    options.bandwidth_mibs = 10;   /* slow: the abort lands mid-flight */
    options.max_downtime_ms = 150;

    AbortPlan plan = { .domain = mig_domain((size_t)home, STEADY),
                       .host = mig_host_name((size_t)home) };
    /* The launch's max downtime must not outlive it on the source. */
    unsigned long long downtime_before = 0;
    assert_int_equal(virDomainMigrateGetMaxDowntime(plan.domain, &downtime_before, 0), 0);
    MigRun *run = calloc(1, sizeof(*run));
    run->react = abort_when_moving;
    run->test = &plan;
    assert_int_equal(mig_run(run, STEADY, (size_t)home, dest, &options, &plan.aborted), 0);
    assert_true(plan.aborted);
    if (plan.controls_rc != 0)
        fail_msg("%s", plan.controls_error ? plan.controls_error : "controls failed");
    assert_int_equal(plan.bandwidth, 12);
    assert_int_equal(plan.postcopy_bandwidth, 33);
    assert_int_equal(plan.downtime, 250);
    assert_int_equal(plan.cache, 32u << 20);
    assert_non_null(strstr(plan.refused_postcopy, "launched without post-copy"));
    assert_int_equal(plan.abort_rc, 0);
    assert_null(plan.abort_error);
    /* libvirt's call fails with its own message about the cancel. */
    assert_int_not_equal(run->run.rc, 0);
    assert_non_null(run->run.error);
    assert_non_null(strstr(run->run.error, mig_host_name((size_t)home)));
    assert_non_null(strstr(run->run.error, "migrate steady"));
    assert_int_equal(run->outcome.phase, MIGRATION_CANCELLED);
    assert_false(run->outcome.source_left_paused);
    /* Still running on the source, absent on the destination. */
    int state_now = 0, reason = 0;
    mig_domain_state((size_t)home, STEADY, &state_now, &reason);
    assert_int_equal(state_now, VIR_DOMAIN_RUNNING);
    assert_int_equal(mig_where(STEADY, false), home);
    unsigned long long downtime_after = 0;
    assert_int_equal(virDomainMigrateGetMaxDowntime(plan.domain, &downtime_after, 0), 0);
    assert_int_equal(downtime_after, downtime_before);
    /* The cancelled job's statistics say so. */
    if (run->run.have_completed)
        assert_int_equal(run->run.completed.type, JOB_TYPE_CANCELLED);

    free(plan.abort_error);
    free(plan.controls_error);
    free(plan.refused_postcopy);
    virDomainFree(plan.domain);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);
}

/* A launch that cannot be valid never reaches libvirt: validation in the
 * engine refuses it, and migration_run itself refuses what it cannot send. */
static void test_bad_launches_refused_before_libvirt(void **state)
{
    (void)state;
    int home = mig_where(STEADY, false);
    assert_true(home >= 0);
    size_t dest = mig_other_host((size_t)home);

    /* 1. Through the engine: core_request_migrate validates first. */
    HostSpec specs[LAB_MAX_HOSTS];
    for (size_t i = 0; i < mig_lab.count; i++)
        specs[i] = mig_lab.conf.hosts[i];
    char journal_path[] = "/tmp/virtmig-steady-journal-XXXXXX";
    int fd = mkstemp(journal_path);
    assert_true(fd >= 0);
    close(fd);
    CoreConfig config = { .hosts = specs, .host_count = mig_lab.count,
                          .journal_path = journal_path };
    char *error = NULL;
    Core *core = core_new(&config, &error);
    assert_non_null(core);
    char uuid[VIR_UUID_STRING_BUFLEN];
    virDomainPtr domain = mig_domain((size_t)home, STEADY);
    assert_int_equal(virDomainGetUUIDString(domain, uuid), 0);
    /* Wait until the engine sees both hosts and the guest, so what it refuses
     * is the options, not a host still connecting. */
    bool ready = false;
    for (double deadline = mig_now_s() + 15; !ready && mig_now_s() < deadline; ) {
        CoreSnapshot seen;
        assert_int_equal(core_snapshot(core, &seen), 0);
        ready = seen.host_count > dest && seen.hosts[home].state == HOST_CONNECTED &&
                seen.hosts[dest].state == HOST_CONNECTED &&
                core_snapshot_find_domain(&seen, (size_t)home, uuid) != NULL;
        core_snapshot_clear(&seen);
        if (!ready)
            usleep(100 * 1000);
    }
    assert_true(ready);

    MigrateOptions bad;
    mig_options(&bad);
    bad.offline = true;            /* with live: they exclude each other */
    bad.tunnelled = true;
    bad.postcopy = true;           /* not with tunnelled */
    bad.p2p = false;               /* tunnelled needs p2p */
    OptionProblem problems[8];
    size_t problem_count = 0;
    int rc = core_request_migrate(core, (size_t)home, uuid, dest, &bad, problems, 8,
                                  &problem_count);
    assert_int_equal(rc, -1);
    assert_true(problem_count >= 3);
    for (size_t i = 0; i < problem_count && i < 8; i++) {
        assert_true(strlen(problems[i].message) > 20);
        fprintf(stderr, "    refused: %s\n", problems[i].message);
    }
    CoreSnapshot snapshot;
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    assert_int_equal(snapshot.migration_count, 0);
    core_snapshot_clear(&snapshot);
    core_free(core);
    unlink(journal_path);
    migrate_options_clear(&bad);

    /* 2. migration_run: an unreadable --xml file stops it before libvirt. */
    MigrateOptions options;
    mig_options(&options);
    options.dest_xml_path = strdup("/nonexistent/steady-dest.xml");
    MigRun *run = calloc(1, sizeof(*run));
    assert_int_equal(mig_run(run, STEADY, (size_t)home, dest, &options, NULL), -1);
    assert_non_null(run->run.error);
    assert_non_null(strstr(run->run.error, "--xml"));
    assert_non_null(strstr(run->run.error, "/nonexistent/steady-dest.xml"));
    assert_false(run->run.saw_job);
    assert_int_equal(run->phase_count, 0);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);

    /* 3. A client-managed launch without a destination connection. */
    mig_options(&options);
    options.p2p = false;
    MigrationRunRequest request = { .domain = domain, .source_name = mig_host_name((size_t)home),
                                    .options = &options };
    MigrationRunResult result;
    assert_int_equal(migration_run(&request, &result), -1);
    assert_non_null(strstr(result.error, "needs a connection to the destination"));
    migration_run_result_clear(&result);
    migrate_options_clear(&options);

    /* Nothing moved, no job ran. */
    JobStats stats;
    assert_int_equal(job_stats_collect(domain, JOB_STATS_CURRENT, &stats, NULL, NULL), 0);
    assert_int_equal(stats.type, JOB_TYPE_NONE);
    assert_int_equal(mig_where(STEADY, false), home);
    virDomainFree(domain);
}

/* Measures a guest's dirty rate (no migration) until QEMU reports it. */
static int64_t measure_dirty_rate(size_t host, const char *name)
{
    virDomainPtr domain = mig_domain(host, name);
    char *error = NULL;
    /* A reading belongs to our measurement once its start time changed. */
    DirtyRateReading before;
    if (dirty_rate_read(domain, mig_host_name(host), &before, &error) < 0)
        fail_msg("%s", error);
    DirtyRateMode mode = DIRTY_RATE_DIRTY_BITMAP;
    /* The lab's guests have no dirty ring: this exercises the fallback. */
    if (dirty_rate_start(domain, mig_host_name(host), 1, true, &mode, &error) < 0)
        fail_msg("%s", error);
    assert_int_equal(mode, DIRTY_RATE_PAGE_SAMPLING);
    DirtyRateReading reading;
    double deadline = mig_now_s() + 10;
    do {
        usleep(250 * 1000);
        if (dirty_rate_read(domain, mig_host_name(host), &reading, &error) < 0)
            fail_msg("%s", error);
    } while ((reading.status != DIRTY_RATE_MEASURED || reading.start_time == before.start_time) &&
             mig_now_s() < deadline);
    assert_int_not_equal(reading.start_time, before.start_time);
    assert_int_equal(reading.status, DIRTY_RATE_MEASURED);
    assert_true(reading.has_rate);
    assert_int_equal(reading.calc_period, 1);
    fprintf(stderr, "    %s dirty rate: %lld MiB/s (%s)\n", name,
            (long long)reading.megabytes_per_second, reading.mode);
    virDomainFree(domain);
    return reading.megabytes_per_second;
}

static void test_dirty_rate_measurement(void **state)
{
    (void)state;
    int steady_host = mig_where(STEADY, false);
    int idle_host = mig_where(IDLE, false);
    assert_true(steady_host >= 0);
    assert_true(idle_host >= 0);
    /* Page sampling looks at a few hundred pages per GiB: steady's small
     * region can be missed once; it is not missed three times. */
    int64_t steady_rate = 0;
    for (int attempt = 0; attempt < 3 && steady_rate == 0; attempt++)
        steady_rate = measure_dirty_rate((size_t)steady_host, STEADY);
    int64_t idle_rate = measure_dirty_rate((size_t)idle_host, IDLE);
    assert_true(steady_rate > 0);
    assert_true(idle_rate < steady_rate);

    /* A bad period is refused with the reason, before QEMU is asked. */
    virDomainPtr domain = mig_domain((size_t)steady_host, STEADY);
    char *error = NULL;
    assert_int_equal(dirty_rate_start(domain, NULL, 0, false, NULL, &error), -1);
    assert_non_null(strstr(error, "1 to 60 seconds"));
    free(error);
    virDomainFree(domain);
}

int main(void)
{
    libvirt_error_install_quiet_handler();
    mig_apply_test_filter();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_job_stats_during_and_after),
        cmocka_unit_test(test_abort_leaves_guest_on_source),
        cmocka_unit_test(test_bad_launches_refused_before_libvirt),
        cmocka_unit_test(test_dirty_rate_measurement),
    };
    return cmocka_run_group_tests(tests, mig_lab_setup, mig_lab_teardown);
}
