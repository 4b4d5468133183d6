/* Real migrations of the lab guest "hot", which rewrites a large region as
 * fast as it can: plain pre-copy at the lab's 50 MiB/s never converges. What
 * finishes it: switching to post-copy, the client-side --timeout (post-copy or
 * suspend), or suspending it. Each test brings hot back where it found it,
 * through one of those real ways, so the return trip is tested as well. */
#include "test_migration_lab.h"

#define HOT "hot"
#define LAB_BANDWIDTH_MIBS 50
/* How long pre-copy is given to show it does not converge. */
#define STALL_SECONDS 20.0
#define RETURN_TIMEOUT_S 3
/* hot writes ~100 MiB/s; half of it is enough to know it has started. */
#define HOT_MIN_RATE_MIBS 50

typedef struct {
    virDomainPtr domain;
    const char *host;
    double started;
    /* Evidence of the stall, collected before the switch. */
    uint64_t iteration_at_5s, iteration_at_switch;
    uint64_t min_remaining_before_switch;
    bool switched;
    int switch_rc;
    char *switch_error;
    /* A plain abort attempted during post-copy must be refused. */
    bool tried_plain_abort;
    int plain_abort_rc;
    char *plain_abort_error;
} StallPlan;

static void watch_stall_then_switch(const JobStats *stats, void *opaque)
{
    StallPlan *plan = opaque;
    double elapsed = mig_now_s() - plan->started;
    if (!plan->switched) {
        if (job_stats_has(stats, JS_MEM_REMAINING) &&
            (plan->min_remaining_before_switch == 0 ||
             stats->mem_remaining < plan->min_remaining_before_switch))
            plan->min_remaining_before_switch = stats->mem_remaining;
        if (elapsed >= 5.0 && plan->iteration_at_5s == 0)
            plan->iteration_at_5s = stats->mem_iteration;
        if (elapsed >= STALL_SECONDS) {
            plan->iteration_at_switch = stats->mem_iteration;
            plan->switched = true;
            plan->switch_rc = migration_control_start_postcopy(plan->domain, plan->host, true,
                                                               &plan->switch_error);
        }
        return;
    }
    if (!plan->tried_plain_abort && migration_control_in_postcopy(plan->domain)) {
        plan->tried_plain_abort = true;
        plan->plain_abort_rc = migration_control_abort(plan->domain, plan->host, false,
                                                       &plan->plain_abort_error);
    }
}

/* hot's host, once the guest writes at its usual rate (a freshly started
 * guest needs a few seconds); *dest: the other host, where it goes. */
static int hot_writing_at_home(size_t *dest)
{
    int home = mig_where(HOT, false);
    assert_true(home >= 0);
    mig_wait_writing((size_t)home, HOT, HOT_MIN_RATE_MIBS);
    *dest = mig_other_host((size_t)home);
    return home;
}

/* The lab's defaults capped at the lab's link speed, below hot's dirty rate:
 * pre-copy alone never converges. */
static void hot_options(MigrateOptions *options)
{
    mig_options(options);
    options->bandwidth_mibs = LAB_BANDWIDTH_MIBS;
}

/* Moves hot from `from` to `to` with post-copy switched on by the client-side
 * timeout, and checks it completed: the return trip of the first test. */
static void move_with_timeout_postcopy(size_t from, size_t to)
{
    MigrateOptions options;
    hot_options(&options);
    options.postcopy = true;
    options.timeout_s = RETURN_TIMEOUT_S;
    options.timeout_action = TIMEOUT_ACTION_POSTCOPY;
    MigRun *run = calloc(1, sizeof(*run));
    assert_int_equal(mig_run(run, HOT, from, to, &options, NULL), 0);
    assert_int_equal(run->run.rc, 0);
    assert_true(run->run.timeout_fired);
    assert_true(run->seconds >= RETURN_TIMEOUT_S);
    assert_true(run->note_count >= 1);
    assert_non_null(strstr(run->notes[0], "switched to post-copy"));
    assert_true(mig_saw_phase(run, MIGRATION_POSTCOPY));
    assert_int_equal(run->outcome.phase, MIGRATION_COMPLETED);
    int state = 0, reason = 0;
    mig_domain_state(to, HOT, &state, &reason);
    assert_int_equal(state, VIR_DOMAIN_RUNNING);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);
}

static void test_precopy_stalls_postcopy_completes(void **state)
{
    (void)state;
    size_t dest;
    int home = hot_writing_at_home(&dest);
    MigrateOptions options;
    hot_options(&options);
    options.postcopy = true;      /* allows the switch; pre-copy runs first */
    /* Post-copy is unlimited by default and can finish between two samples;
     * at the lab's link speed it lasts long enough to be seen (and to try a
     * plain abort in it). */
    options.postcopy_bandwidth_mibs = LAB_BANDWIDTH_MIBS;

    StallPlan plan = { .domain = mig_domain((size_t)home, HOT),
                       .host = mig_host_name((size_t)home), .started = mig_now_s() };
    MigRun *run = calloc(1, sizeof(*run));
    run->react = watch_stall_then_switch;
    run->test = &plan;
    assert_int_equal(mig_run(run, HOT, (size_t)home, dest, &options, NULL), 0);
    fprintf(stderr, "    iteration %llu at 5 s, %llu at %.0f s; remaining never below %llu MiB\n",
            (unsigned long long)plan.iteration_at_5s,
            (unsigned long long)plan.iteration_at_switch, STALL_SECONDS,
            (unsigned long long)(plan.min_remaining_before_switch >> 20));

    /* Pre-copy did not converge in STALL_SECONDS: it kept iterating and never
     * got the remaining memory anywhere near zero. */
    assert_true(plan.switched);
    assert_true(plan.iteration_at_switch > plan.iteration_at_5s);
    assert_true(plan.iteration_at_switch >= 3);
    assert_true(plan.min_remaining_before_switch > 0);
    /* The switch worked, and post-copy finished it. */
    assert_int_equal(plan.switch_rc, 0);
    assert_null(plan.switch_error);
    assert_true(run->run.saw_postcopy);
    assert_true(mig_saw_phase(run, MIGRATION_POSTCOPY));
    assert_int_equal(run->run.rc, 0);
    assert_int_equal(run->outcome.phase, MIGRATION_COMPLETED);
    assert_int_equal(mig_where(HOT, false), (int)dest);
    /* In post-copy a plain abort is refused, with the reason and the way out. */
    assert_true(plan.tried_plain_abort);
    assert_int_equal(plan.plain_abort_rc, -1);
    assert_non_null(strstr(plan.plain_abort_error, "post-copy"));
    assert_true(run->run.have_completed);
    assert_true(job_stats_has(&run->run.completed, JS_MEM_POSTCOPY_REQS) ||
                job_stats_has(&run->run.completed, JS_DOWNTIME));
    fprintf(stderr, "    %.1f s in all; a plain abort in post-copy was refused\n", run->seconds);

    free(plan.switch_error);
    free(plan.plain_abort_error);
    virDomainFree(plan.domain);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);

    /* Home again, through the client-side timeout's post-copy switch. */
    move_with_timeout_postcopy(dest, (size_t)home);
    assert_int_equal(mig_where(HOT, false), home);
}

typedef struct {
    virDomainPtr domain;
    const char *host;
    double started;
    bool suspended;
    int suspend_rc;
    char *suspend_error;
} SuspendPlan;

/* Suspends once pre-copy has shown it is stuck (a few iterations in). */
static void suspend_when_stalled(const JobStats *stats, void *opaque)
{
    SuspendPlan *plan = opaque;
    if (plan->suspended || stats->mem_iteration < 3)
        return;
    plan->suspended = true;
    plan->suspend_rc = migration_control_suspend(plan->domain, plan->host, &plan->suspend_error);
}

static void test_suspend_completes_stalled_migration(void **state)
{
    (void)state;
    size_t dest;
    int home = hot_writing_at_home(&dest);
    MigrateOptions options;
    hot_options(&options);

    SuspendPlan plan = { .domain = mig_domain((size_t)home, HOT),
                         .host = mig_host_name((size_t)home), .started = mig_now_s() };
    MigRun *run = calloc(1, sizeof(*run));
    run->react = suspend_when_stalled;
    run->test = &plan;
    assert_int_equal(mig_run(run, HOT, (size_t)home, dest, &options, NULL), 0);
    assert_true(plan.suspended);
    assert_int_equal(plan.suspend_rc, 0);
    assert_int_equal(run->run.rc, 0);
    assert_false(run->run.saw_postcopy);
    assert_int_equal(run->outcome.phase, MIGRATION_COMPLETED);
    assert_int_equal(mig_where(HOT, false), (int)dest);
    int dest_state = 0, reason = 0;
    mig_domain_state(dest, HOT, &dest_state, &reason);
    fprintf(stderr, "    after suspend: %s on the destination (reason %d), %.1f s\n",
            dest_state == VIR_DOMAIN_PAUSED ? "paused" : "running", reason, run->seconds);
    free(plan.suspend_error);
    virDomainFree(plan.domain);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);
    /* A guest suspended for its migration stays paused where it lands:
     * the operator (here: the test) resumes it. */
    mig_resume_if_paused(dest, HOT);

    /* Home again through the client-side timeout's suspend (virsh's default). */
    hot_options(&options);
    options.timeout_s = RETURN_TIMEOUT_S;
    options.timeout_action = TIMEOUT_ACTION_SUSPEND;
    run = calloc(1, sizeof(*run));
    assert_int_equal(mig_run(run, HOT, dest, (size_t)home, &options, NULL), 0);
    assert_int_equal(run->run.rc, 0);
    assert_true(run->run.timeout_fired);
    assert_non_null(strstr(run->notes[0], "suspended"));
    assert_int_equal(run->outcome.phase, MIGRATION_COMPLETED);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);
    mig_resume_if_paused((size_t)home, HOT);
    int home_state = 0;
    mig_domain_state((size_t)home, HOT, &home_state, &reason);
    assert_int_equal(home_state, VIR_DOMAIN_RUNNING);
}

typedef struct {
    virDomainPtr domain;
    const char *host;
    bool switched, paused_postcopy;
    int switch_rc, pause_rc;
    char *error;
} BreakPlan;

/* Switches to post-copy once pre-copy has made one pass, then pauses the
 * post-copy phase with the post-copy abort: what a broken link does. */
static void switch_then_break(const JobStats *stats, void *opaque)
{
    BreakPlan *plan = opaque;
    if (!plan->switched) {
        if (stats->mem_iteration < 2)
            return;
        plan->switched = true;
        plan->switch_rc = migration_control_start_postcopy(plan->domain, plan->host, true,
                                                           &plan->error);
        return;
    }
    if (!plan->paused_postcopy && plan->switch_rc == 0 &&
        migration_control_in_postcopy(plan->domain)) {
        plan->paused_postcopy = true;
        plan->pause_rc = migration_control_abort(plan->domain, plan->host, true, &plan->error);
    }
}

static void test_failed_postcopy_is_resumed(void **state)
{
    (void)state;
    size_t dest;
    int home = hot_writing_at_home(&dest);
    MigrateOptions options;
    hot_options(&options);
    options.postcopy = true;
    /* Post-copy is unlimited by default and would finish before it can be
     * broken: slow it down (this also sends VIR_MIGRATE_PARAM_BANDWIDTH_POSTCOPY). */
    options.postcopy_bandwidth_mibs = 5;

    BreakPlan plan = { .domain = mig_domain((size_t)home, HOT),
                       .host = mig_host_name((size_t)home) };
    MigRun *run = calloc(1, sizeof(*run));
    run->react = switch_then_break;
    run->test = &plan;
    assert_int_equal(mig_run(run, HOT, (size_t)home, dest, &options, NULL), 0);
    if (plan.error)
        fail_msg("%s", plan.error);
    assert_true(plan.switched);
    assert_int_equal(plan.switch_rc, 0);
    assert_true(plan.paused_postcopy);
    assert_int_equal(plan.pause_rc, 0);
    /* libvirt's call fails; the guest is split between the hosts, paused on
     * both, and the outcome says it can be resumed. */
    assert_int_not_equal(run->run.rc, 0);
    assert_non_null(run->run.error);
    assert_int_equal(run->outcome.phase, MIGRATION_POSTCOPY_FAILED);
    assert_true(run->outcome.source_left_paused);
    int source_state = 0, source_reason = 0;
    mig_domain_state((size_t)home, HOT, &source_state, &source_reason);
    assert_int_equal(source_state, VIR_DOMAIN_PAUSED);
    assert_int_equal(source_reason, VIR_DOMAIN_PAUSED_POSTCOPY_FAILED);

    /* Recovery: the same launch again with VIR_MIGRATE_POSTCOPY_RESUME, the
     * post-copy phase no longer slowed down (QEMU keeps the last limit unless
     * told another). */
    options.postcopy_bandwidth_mibs = 1024;
    run->react = NULL;
    mig_run_clear(run);
    run->postcopy_resume = true;
    assert_int_equal(mig_run(run, HOT, (size_t)home, dest, &options, NULL), 0);
    /* libvirt 9.0 may answer the recovery with the old failure while QEMU
     * recovers: then migration_run follows the job to its end. Either way the
     * outcome comes from the hosts' state. */
    if (run->run.rc != 0) {
        assert_true(run->run.job_outlived_call);
        fprintf(stderr, "    recovery reported \"%s\" but the job went on to its end\n",
                run->run.error);
    }
    assert_int_equal(run->outcome.phase, MIGRATION_COMPLETED);
    int dest_state = 0, dest_reason = 0;
    mig_domain_state(dest, HOT, &dest_state, &dest_reason);
    assert_int_equal(dest_state, VIR_DOMAIN_RUNNING);
    assert_int_equal(mig_where(HOT, false), (int)dest);
    /* The recovery may leave the source's (inactive) definition behind even with
     * undefine-source; the outcome counts it as shut off. Remove it so the lab
     * is as it was. */
    virDomainPtr stale = virDomainLookupByName(mig_lab.conns[home], HOT);
    if (stale) {
        assert_int_equal(virDomainIsActive(stale), 0);
        fprintf(stderr, "    source kept an inactive definition after the recovery: removed\n");
        assert_int_equal(virDomainUndefine(stale), 0);
        virDomainFree(stale);
    }

    virDomainFree(plan.domain);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);

    move_with_timeout_postcopy(dest, (size_t)home);
    assert_int_equal(mig_where(HOT, false), home);
}

int main(void)
{
    libvirt_error_install_quiet_handler();
    mig_apply_test_filter();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precopy_stalls_postcopy_completes),
        cmocka_unit_test(test_suspend_completes_stalled_migration),
        cmocka_unit_test(test_failed_postcopy_is_resumed),
    };
    return cmocka_run_group_tests(tests, mig_lab_setup, mig_lab_teardown);
}
