/* Helpers shared by the test_migration_*.c integration tests: the lab's hosts
 * (from $LAB_RUN/hosts.conf of instance $LAB_INSTANCE), where a guest is, one
 * real migration with its outcome, and putting a guest back where it was.
 * Header-only (static inline) because each test file is its own binary. */
#ifndef VIRTMIG_TEST_MIGRATION_LAB_H
#define VIRTMIG_TEST_MIGRATION_LAB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "engine_event_loop.h"
#include "support/lab.h"
#include "hosts_conf.h"
#include "job_stats_collect.h"
#include "libvirt_error.h"
#include "migrate_options.h"
#include "migration_control.h"
#include "migration_outcome.h"
#include "migration_run.h"

#define LAB_MAX_HOSTS 8

typedef struct {
    HostsConf conf;
    virConnectPtr conns[LAB_MAX_HOSTS];
    size_t count;
} MigLab;

static MigLab mig_lab;

static inline double mig_now_s(void)
{
    return (double)job_stats_now_ms() / 1000.0;
}

/* cmocka group setup: the lab must run; a test that cannot reach it fails. */
static inline int mig_lab_setup(void **state)
{
    (void)state;
    const char *instance = getenv("LAB_INSTANCE");
    char path[256];
    snprintf(path, sizeof(path), "/run/virtmig-lab%s/hosts.conf",
             instance && *instance ? instance : "0");
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "lab: %s not found: start the lab (LAB_INSTANCE=%s tests/lab/lab.sh up)\n",
                path, instance ? instance : "0");
        return -1;
    }
    memset(&mig_lab, 0, sizeof(mig_lab));
    if (hosts_conf_load_file(&mig_lab.conf, path) < 0 || mig_lab.conf.host_count < 2) {
        fprintf(stderr, "lab: %s lists fewer than two hosts\n", path);
        return -1;
    }
    char *error = NULL;
    if (engine_event_loop_acquire(&error) < 0) {
        fprintf(stderr, "lab: %s\n", error ? error : "event loop");
        free(error);
        return -1;
    }
    mig_lab.count = mig_lab.conf.host_count < LAB_MAX_HOSTS ? mig_lab.conf.host_count
                                                          : LAB_MAX_HOSTS;
    for (size_t i = 0; i < mig_lab.count; i++) {
        mig_lab.conns[i] = virConnectOpen(mig_lab.conf.hosts[i].uri);
        if (!mig_lab.conns[i]) {
            fprintf(stderr, "lab: %s (%s): %s\n", mig_lab.conf.hosts[i].name,
                    mig_lab.conf.hosts[i].uri, virGetLastErrorMessage());
            return -1;
        }
    }
    return 0;
}

/* MIG_TEST_FILTER=pattern runs only the matching tests (while debugging one). */
static inline void mig_apply_test_filter(void)
{
    const char *filter = getenv("MIG_TEST_FILTER");
    if (filter && *filter)
        cmocka_set_test_filter(filter);
}

static inline int mig_lab_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < mig_lab.count; i++)
        if (mig_lab.conns[i])
            virConnectClose(mig_lab.conns[i]);
    hosts_conf_clear(&mig_lab.conf);
    engine_event_loop_release();
    memset(&mig_lab, 0, sizeof(mig_lab));
    return 0;
}

static inline const char *mig_host_name(size_t host)
{
    return mig_lab.conf.hosts[host].name;
}

static inline const char *mig_host_uri(size_t host)
{
    return mig_lab.conf.hosts[host].uri;
}

/* The host where `name` is active (or, with defined_ok, merely defined).
 * Returns its index or -1. */
static inline int mig_where(const char *name, bool defined_ok)
{
    int found_defined = -1;
    for (size_t i = 0; i < mig_lab.count; i++) {
        virDomainPtr domain = virDomainLookupByName(mig_lab.conns[i], name);
        if (!domain)
            continue;
        int active = virDomainIsActive(domain);
        virDomainFree(domain);
        if (active == 1)
            return (int)i;
        if (found_defined < 0)
            found_defined = (int)i;
    }
    return defined_ok ? found_defined : -1;
}

/* The domain on a host; the test fails when it is not there. */
static inline virDomainPtr mig_domain(size_t host, const char *name)
{
    virDomainPtr domain = virDomainLookupByName(mig_lab.conns[host], name);
    if (!domain)
        fail_msg("%s is not on %s: %s", name, mig_host_name(host), virGetLastErrorMessage());
    return domain;
}

static inline void mig_domain_state(size_t host, const char *name, int *state, int *reason)
{
    virDomainPtr domain = mig_domain(host, name);
    assert_int_equal(virDomainGetState(domain, state, reason, 0), 0);
    virDomainFree(domain);
}

/* The lab's guests use the network labnet, defined on the first two hosts
 * only: they migrate between those two. */
static inline size_t mig_other_host(size_t host)
{
    return host == 0 ? 1 : 0;
}

/* A freshly started lab guest needs seconds before its kernel writes memory;
 * a test about dirty pages waits until the guest is seen writing. */
static inline void mig_wait_writing(size_t host, const char *name, long long min_mib_s)
{
    virDomainPtr domain = mig_domain(host, name);
    char *error = NULL;
    long long rate = lab_wait_dirty_rate(domain, min_mib_s, 30000, &error);
    if (rate < 0)
        fail_msg("%s", error ? error : "dirty rate");
    if (rate < min_mib_s)
        fail_msg("%s on %s writes %lld MiB/s, expected at least %lld within 30 s", name,
                 mig_host_name(host), rate, min_mib_s);
    virDomainFree(domain);
}

/* Everything a test wants to look at after one migration. */
typedef struct {
    MigrationRunResult run;
    MigrationOutcome outcome;
    double seconds;
    /* Samples seen by on_sample, for assertions on their course. */
    JobStats samples[512];
    size_t sample_count;
    MigrationPhase phases[8];
    size_t phase_count;
    char notes[4][512];
    size_t note_count;
    /* Set before mig_run: p2p without a destination connection (completed
     * statistics then can only come from the JOB_COMPLETED event), and a
     * post-copy recovery instead of a fresh launch. */
    bool no_dest_conn;
    bool postcopy_resume;
    /* A test's own reaction to samples, run on the watcher thread. */
    void (*react)(const JobStats *stats, void *test);
    void *test;
} MigRun;

static inline void mig_on_sample(const JobStats *stats, void *opaque)
{
    MigRun *run = opaque;
    if (run->sample_count < sizeof(run->samples) / sizeof(run->samples[0]))
        run->samples[run->sample_count++] = *stats;
    if (run->react)
        run->react(stats, run->test);
}

static inline void mig_on_phase(MigrationPhase phase, void *opaque)
{
    MigRun *run = opaque;
    if (run->phase_count < sizeof(run->phases) / sizeof(run->phases[0]))
        run->phases[run->phase_count++] = phase;
}

static inline void mig_on_note(bool is_error, const char *text, void *opaque)
{
    MigRun *run = opaque;
    fprintf(stderr, "    note%s: %s\n", is_error ? " (error)" : "", text);
    if (run->note_count < 4)
        snprintf(run->notes[run->note_count++], sizeof(run->notes[0]), "%s", text);
}

static inline bool mig_saw_phase(const MigRun *run, MigrationPhase phase)
{
    for (size_t i = 0; i < run->phase_count; i++)
        if (run->phases[i] == phase)
            return true;
    return false;
}

/* Runs one real migration of `name` from host `from` to host `to` and decides
 * its outcome from both hosts. `aborted` tells the outcome that the test
 * aborted it. Returns migration_run's return value. */
static inline int mig_run(MigRun *run, const char *name, size_t from, size_t to,
                          const MigrateOptions *options, const bool *aborted)
{
    virDomainPtr domain = mig_domain(from, name);
    char uuid[VIR_UUID_STRING_BUFLEN];
    assert_int_equal(virDomainGetUUIDString(domain, uuid), 0);
    MigrationRunRequest request = {
        .domain = domain,
        .source_name = mig_host_name(from),
        .dest_uri = mig_host_uri(to),
        .dest_conn = run->no_dest_conn ? NULL : mig_lab.conns[to],
        .options = options,
        .poll_ms = 250,
        .callbacks = { mig_on_sample, mig_on_phase, mig_on_note, run },
    };
    double start = mig_now_s();
    int rc = run->postcopy_resume ? migration_control_postcopy_resume(&request, &run->run)
                                  : migration_run(&request, &run->run);
    run->seconds = mig_now_s() - start;
    OutcomeFacts facts = {
        .offline = options->offline,
        .aborted = aborted && *aborted,
        .call_failed = run->run.rc != 0,
        .call_error = run->run.error,
    };
    if (rc == 0)
        assert_int_equal(migration_outcome_determine(mig_lab.conns[from], mig_lab.conns[to],
                                                     uuid, &facts, &run->outcome), 0);
    fprintf(stderr, "    %s %s -> %s: %.1f s, %s%s%s\n", name, mig_host_name(from),
            mig_host_name(to), run->seconds,
            rc == 0 ? migration_phase_name(run->outcome.phase) : "not launched",
            run->run.error ? ": " : "", run->run.error ? run->run.error : "");
    virDomainFree(domain);
    return rc;
}

/* Frees what the last run produced, ready for another (settings are kept). */
static inline void mig_run_clear(MigRun *run)
{
    migration_run_result_clear(&run->run);
    migration_outcome_clear(&run->outcome);
    MigRun settings = { .no_dest_conn = run->no_dest_conn, .react = run->react,
                        .test = run->test };
    *run = settings;
}

/* Options the lab's tests start from: virtmig's defaults (live, p2p,
 * persistent) and undefine-source, so the definition moves with the guest
 * and a round trip leaves no stale copy behind. */
static inline void mig_options(MigrateOptions *options)
{
    migrate_options_init(options);
    options->undefine_source = true;
}

/* Resumes `name` on `host` if something left it paused. */
static inline void mig_resume_if_paused(size_t host, const char *name)
{
    int state = 0, reason = 0;
    mig_domain_state(host, name, &state, &reason);
    if (state == VIR_DOMAIN_PAUSED) {
        virDomainPtr domain = mig_domain(host, name);
        char *error = NULL;
        if (migration_control_resume(domain, mig_host_name(host), &error) < 0)
            fail_msg("%s", error);
        virDomainFree(domain);
    }
}

#endif
