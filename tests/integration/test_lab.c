/* Proves the lab is real: three distinct libvirt hosts, live peer-to-peer
 * migrations with real job statistics, real dirty-page rates, and a network
 * that exists on two hosts only. Talks to libvirt directly (no virtmig code),
 * so a failure here points at the lab, not at the engine. */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "support/lab.h"

/* steady's migration is capped so it lasts a few seconds: long enough to
 * see its dirty rate and a second pass in the job statistics. */
#define STEADY_TEST_BANDWIDTH_MIB 20
#define MIGRATION_TIMEOUT_MS 120000

static void put_back_or_fail(const char *name)
{
    char *error = NULL;
    if (lab_put_back(name, &error) < 0)
        fail_msg("%s", error ? error : "lab_put_back failed");
}

/* The <uuid> inside <host> of a capabilities document, copied to out. */
static void host_uuid_from_capabilities(const char *caps, char *out, size_t size)
{
    const char *host = strstr(caps, "<host>");
    assert_non_null(host);
    const char *start = strstr(host, "<uuid>");
    assert_non_null(start);
    start += strlen("<uuid>");
    const char *end = strstr(start, "</uuid>");
    assert_non_null(end);
    assert_true((size_t)(end - start) < size);
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
}

static void test_hosts_are_distinct(void **state)
{
    (void)state;
    char uuids[LAB_HOST_COUNT][64];
    for (int host = 1; host <= LAB_HOST_COUNT; host++) {
        virConnectPtr conn = lab_connect(host);
        char *hostname = virConnectGetHostname(conn);
        if (!hostname)
            fail_msg("%s: virConnectGetHostname: %s", lab_name(host), lab_libvirt_error());
        assert_string_equal(hostname, lab_name(host));
        char *caps = virConnectGetCapabilities(conn);
        if (!caps)
            fail_msg("%s: virConnectGetCapabilities: %s", lab_name(host), lab_libvirt_error());
        host_uuid_from_capabilities(caps, uuids[host - 1], sizeof(uuids[0]));
        fprintf(stderr, "  %s answers as %s, host UUID %s\n", lab_uri(host), hostname,
                uuids[host - 1]);
        free(caps);
        free(hostname);
        virConnectClose(conn);

        /* The same daemon through its unix socket, from the root namespace. */
        char socket_uri[256];
        snprintf(socket_uri, sizeof(socket_uri), "qemu+unix:///system?socket=%s",
                 lab_require()->socks[host - 1]);
        conn = virConnectOpen(socket_uri);
        if (!conn)
            fail_msg("%s: %s", socket_uri, lab_libvirt_error());
        hostname = virConnectGetHostname(conn);
        assert_non_null(hostname);
        assert_string_equal(hostname, lab_name(host));
        free(hostname);
        virConnectClose(conn);
    }
    for (int a = 0; a < LAB_HOST_COUNT; a++)
        for (int b = a + 1; b < LAB_HOST_COUNT; b++)
            assert_string_not_equal(uuids[a], uuids[b]);
}

typedef struct {
    const char *name;
    int from, to;
    unsigned long bandwidth_mib;
    unsigned int flags;             /* 0: lab_migrate's live, persistent move */
    int rc;
    char *error;
    volatile int done;
} MigrationThread;

static void *migration_thread_main(void *opaque)
{
    MigrationThread *run = opaque;
    run->rc = run->flags
        ? lab_migrate_flags(run->name, run->from, run->to, run->bandwidth_mib, run->flags, &run->error)
        : lab_migrate(run->name, run->from, run->to, run->bandwidth_mib, &run->error);
    __atomic_store_n(&run->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

typedef struct {
    long long max_iteration;
    long long max_dirty_rate;       /* pages/s, as QEMU reports it */
    long long page_size;
    size_t samples;
} JobObservation;

static void observe_job(virDomainPtr domain, JobObservation *seen)
{
    int type = 0, count = 0;
    virTypedParameterPtr params = NULL;
    if (virDomainGetJobStats(domain, &type, &params, &count, 0) < 0)
        return;   /* between phases the job can briefly be gone */
    if (type != VIR_DOMAIN_JOB_NONE) {
        unsigned long long value;
        seen->samples++;
        if (virTypedParamsGetULLong(params, count, VIR_DOMAIN_JOB_MEMORY_ITERATION, &value) == 1 &&
            (long long)value > seen->max_iteration)
            seen->max_iteration = (long long)value;
        if (virTypedParamsGetULLong(params, count, VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE, &value) == 1 &&
            (long long)value > seen->max_dirty_rate)
            seen->max_dirty_rate = (long long)value;
        if (virTypedParamsGetULLong(params, count, VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE, &value) == 1)
            seen->page_size = (long long)value;
    }
    virTypedParamsFree(params, count);
}

static void test_steady_migrates_live_with_job_stats(void **state)
{
    (void)state;
    put_back_or_fail("steady");
    virConnectPtr source = lab_connect(1);
    virDomainPtr domain = lab_domain(source, "steady");

    /* A guest that has not started writing would converge in one pass. */
    char *error = NULL;
    long long rate = lab_wait_dirty_rate(domain, 1, 60000, &error);
    if (rate < 0)
        fail_msg("%s", error);
    assert_true(rate >= 1);
    fprintf(stderr, "  steady writes %lld MiB/s before migrating\n", rate);

    MigrationThread run = { "steady", 1, 2, STEADY_TEST_BANDWIDTH_MIB, 0, -1, NULL, 0 };
    pthread_t thread;
    double started = lab_now_ms();
    assert_int_equal(pthread_create(&thread, NULL, migration_thread_main, &run), 0);
    JobObservation seen = { 0, 0, 0, 0 };
    while (!__atomic_load_n(&run.done, __ATOMIC_ACQUIRE) &&
           lab_now_ms() - started < MIGRATION_TIMEOUT_MS) {
        observe_job(domain, &seen);
        usleep(100 * 1000);
    }
    if (!__atomic_load_n(&run.done, __ATOMIC_ACQUIRE))
        virDomainAbortJob(domain);
    pthread_join(thread, NULL);
    double took_ms = lab_now_ms() - started;
    if (run.rc != 0)
        fail_msg("%s", run.error ? run.error : "migration failed");
    fprintf(stderr, "  steady labhost1 -> labhost2 at %d MiB/s: %.1f s, %zu job samples, "
            "max iteration %lld, max dirty rate %lld pages/s (page size %lld)\n",
            STEADY_TEST_BANDWIDTH_MIB, took_ms / 1000.0, seen.samples, seen.max_iteration,
            seen.max_dirty_rate, seen.page_size);
    assert_true(seen.max_dirty_rate > 0);
    assert_true(seen.max_iteration >= 2);
    assert_true(took_ms < 60000);

    /* Runs on labhost2, persistent there, gone from labhost1. */
    assert_true(lab_wait_domain_state(2, "steady", VIR_DOMAIN_RUNNING, 5000));
    virConnectPtr destination = lab_connect(2);
    virDomainPtr moved = lab_domain(destination, "steady");
    assert_int_equal(virDomainIsPersistent(moved), 1);
    virDomainFree(moved);
    virConnectClose(destination);
    assert_true(lab_wait_domain_gone(1, "steady", 5000));
    virDomainFree(domain);
    virConnectClose(source);

    put_back_or_fail("steady");
    assert_int_equal(lab_find_domain_host("steady"), 1);
    assert_int_equal(lab_domain_state(1, "steady"), VIR_DOMAIN_RUNNING);
    assert_int_equal(lab_domain_state(2, "steady"), -1);
}

static void test_hot_dirties_ten_times_more_than_idle(void **state)
{
    (void)state;
    put_back_or_fail("hot");
    put_back_or_fail("idle");
    virConnectPtr conn = lab_connect(1);
    virDomainPtr hot = lab_domain(conn, "hot");
    virDomainPtr idle = lab_domain(conn, "idle");
    char *error = NULL;
    /* Wait until hot writes (a fresh guest needs seconds), then measure both. */
    long long hot_rate = lab_wait_dirty_rate(hot, 10, 60000, &error);
    if (hot_rate < 0)
        fail_msg("%s", error);
    long long idle_rate = lab_measure_dirty_rate(idle, 1, &error);
    if (idle_rate < 0)
        fail_msg("%s", error);
    fprintf(stderr, "  dirty rate: hot %lld MiB/s, idle %lld MiB/s\n", hot_rate, idle_rate);
    assert_true(hot_rate >= 10);
    assert_true(hot_rate >= 10 * idle_rate);
    virDomainFree(hot);
    virDomainFree(idle);
    virConnectClose(conn);
}

static void test_migration_to_labhost3_and_back(void **state)
{
    (void)state;
    put_back_or_fail("idle");
    char *error = NULL;
    double started = lab_now_ms();
    if (lab_migrate("idle", 1, 3, 0, &error) < 0)
        fail_msg("%s", error);
    double there_ms = lab_now_ms() - started;
    assert_int_equal(lab_domain_state(3, "idle"), VIR_DOMAIN_RUNNING);
    assert_int_equal(lab_domain_state(1, "idle"), -1);
    started = lab_now_ms();
    if (lab_migrate("idle", 3, 1, 0, &error) < 0)
        fail_msg("%s", error);
    double back_ms = lab_now_ms() - started;
    assert_int_equal(lab_domain_state(1, "idle"), VIR_DOMAIN_RUNNING);
    assert_int_equal(lab_domain_state(3, "idle"), -1);
    fprintf(stderr, "  idle labhost1 -> labhost3 %.1f s, back %.1f s\n", there_ms / 1000.0,
            back_ms / 1000.0);
}

static void test_labnet_on_labhost1_and_labhost2_only(void **state)
{
    (void)state;
    for (int host = 1; host <= LAB_HOST_COUNT; host++) {
        virConnectPtr conn = lab_connect(host);
        virNetworkPtr network = virNetworkLookupByName(conn, "labnet");
        if (host <= 2) {
            if (!network)
                fail_msg("%s: labnet: %s", lab_name(host), lab_libvirt_error());
            assert_int_equal(virNetworkIsActive(network), 1);
            virNetworkFree(network);
        } else {
            assert_null(network);
            virErrorPtr last = virGetLastError();
            assert_non_null(last);
            assert_int_equal(last->code, VIR_ERR_NO_NETWORK);
        }
        virConnectClose(conn);
    }
}

/* hot is what the lab promises: plain pre-copy at the lab's 50 MiB/s keeps
 * going pass after pass, and switching to post-copy finishes it. */
static void test_hot_needs_post_copy(void **state)
{
    (void)state;
    put_back_or_fail("hot");
    virConnectPtr source = lab_connect(1);
    virDomainPtr domain = lab_domain(source, "hot");
    char *error = NULL;
    long long rate = lab_wait_dirty_rate(domain, 10, 60000, &error);
    if (rate < 0)
        fail_msg("%s", error);
    assert_true(rate >= 10);

    MigrationThread run = { "hot", 1, 2, lab_require()->default_bandwidth_mib, 0, -1, NULL, 0 };
    run.flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE |
                VIR_MIGRATE_POSTCOPY;
    pthread_t thread;
    double started = lab_now_ms();
    assert_int_equal(pthread_create(&thread, NULL, migration_thread_main, &run), 0);
    JobObservation seen = { 0, 0, 0, 0 };
    /* Three passes and fifteen seconds of pre-copy without converging. */
    while (!__atomic_load_n(&run.done, __ATOMIC_ACQUIRE) &&
           (seen.max_iteration < 3 || lab_now_ms() - started < 15000) &&
           lab_now_ms() - started < MIGRATION_TIMEOUT_MS) {
        observe_job(domain, &seen);
        usleep(200 * 1000);
    }
    bool converged_alone = __atomic_load_n(&run.done, __ATOMIC_ACQUIRE);
    double precopy_ms = lab_now_ms() - started;
    int switched = converged_alone ? 0 : virDomainMigrateStartPostCopy(domain, 0);
    const char *switch_error = switched < 0 ? lab_libvirt_error() : "";
    double switched_at = lab_now_ms();
    pthread_join(thread, NULL);
    fprintf(stderr, "  hot at %u MiB/s: pre-copy %.1f s, %lld passes, dirty rate %lld pages/s; "
            "post-copy finished in %.1f s\n", (unsigned)run.bandwidth_mib,
            precopy_ms / 1000.0, seen.max_iteration, seen.max_dirty_rate,
            (lab_now_ms() - switched_at) / 1000.0);
    assert_false(converged_alone);
    if (switched < 0)
        fail_msg("virDomainMigrateStartPostCopy: %s", switch_error);
    if (run.rc != 0)
        fail_msg("%s", run.error ? run.error : "migration failed");
    assert_true(seen.max_iteration >= 3);
    assert_true(lab_wait_domain_state(2, "hot", VIR_DOMAIN_RUNNING, 10000));
    virDomainFree(domain);
    virConnectClose(source);
    put_back_or_fail("hot");
}

/* The storage guests behave as the lab promises: the NBD disk is shared
 * storage (live, no --unsafe), the pool disk is not (refused with libvirt's
 * "Unsafe migration" unless copied), and parked moves offline. */
static void test_storage_and_offline_guests(void **state)
{
    (void)state;
    const unsigned int live = VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST |
                              VIR_MIGRATE_UNDEFINE_SOURCE;
    char *error = NULL;
    put_back_or_fail("shared-disk");
    if (lab_migrate_flags("shared-disk", 1, 2, 0, live, &error) < 0)
        fail_msg("%s", error);
    assert_int_equal(lab_domain_state(2, "shared-disk"), VIR_DOMAIN_RUNNING);
    put_back_or_fail("shared-disk");

    put_back_or_fail("local-disk");
    assert_int_equal(lab_migrate_flags("local-disk", 1, 2, 0, live, &error), -1);
    fprintf(stderr, "  local-disk without a storage copy: %s\n", error);
    assert_non_null(strstr(error, "Unsafe migration"));
    free(error);
    error = NULL;
    assert_int_equal(lab_domain_state(1, "local-disk"), VIR_DOMAIN_RUNNING);
    if (lab_migrate_flags("local-disk", 1, 2, 0, live | VIR_MIGRATE_NON_SHARED_DISK, &error) < 0)
        fail_msg("%s", error);
    assert_int_equal(lab_domain_state(2, "local-disk"), VIR_DOMAIN_RUNNING);

    put_back_or_fail("parked");
    if (lab_migrate_flags("parked", 1, 2, 0, VIR_MIGRATE_OFFLINE | VIR_MIGRATE_PERSIST_DEST |
                          VIR_MIGRATE_UNDEFINE_SOURCE, &error) < 0)
        fail_msg("%s", error);
    assert_int_equal(lab_domain_state(2, "parked"), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(lab_domain_state(1, "parked"), -1);

    /* Both go back through the lab's reset (local-disk's copy is deleted). */
    put_back_or_fail("local-disk");
    assert_int_equal(lab_domain_state(1, "local-disk"), VIR_DOMAIN_RUNNING);
    assert_int_equal(lab_domain_state(2, "local-disk"), -1);
    assert_int_equal(lab_domain_state(1, "parked"), VIR_DOMAIN_SHUTOFF);
    assert_int_equal(lab_domain_state(2, "parked"), -1);
}

/* CPU ticks (user + system) used so far by every QEMU guest of this lab
 * instance, found by the instance's guest kernel path on their command line. */
static unsigned long long lab_guests_cpu_ticks(size_t *guest_count)
{
    char kernel_dir[64];
    snprintf(kernel_dir, sizeof(kernel_dir), "/var/tmp/virtmig-lab%d/guest/", lab_require()->instance);
    unsigned long long total = 0;
    *guest_count = 0;
    DIR *proc = opendir("/proc");
    assert_non_null(proc);
    struct dirent *entry;
    while ((entry = readdir(proc))) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        char path[300], cmdline[4096];
        snprintf(path, sizeof(path), "/proc/%s/cmdline", entry->d_name);
        FILE *file = fopen(path, "r");
        if (!file)
            continue;
        size_t length = fread(cmdline, 1, sizeof(cmdline) - 1, file);
        fclose(file);
        for (size_t i = 0; i < length; i++)
            if (cmdline[i] == '\0')
                cmdline[i] = ' ';
        cmdline[length] = '\0';
        if (!strstr(cmdline, "qemu-system") || !strstr(cmdline, kernel_dir))
            continue;
        snprintf(path, sizeof(path), "/proc/%s/stat", entry->d_name);
        file = fopen(path, "r");
        if (!file)
            continue;
        char stat[1024];
        size_t stat_length = fread(stat, 1, sizeof(stat) - 1, file);
        fclose(file);
        stat[stat_length] = '\0';
        /* Fields after the ")" that ends the command name: state is the
         * 3rd field, utime and stime the 14th and 15th. */
        const char *after_name = strrchr(stat, ')');
        unsigned long long utime = 0, stime = 0;
        if (after_name && sscanf(after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                                 &utime, &stime) == 2) {
            total += utime + stime;
            (*guest_count)++;
        }
    }
    closedir(proc);
    return total;
}

/* On a small machine several labs run side by side: the guests pace their
 * writes and sleep in hlt, so together they must stay well under a core. */
static void test_guests_do_not_burn_cores(void **state)
{
    (void)state;
    assert_int_equal(lab_reset(), 0);
    size_t before_count = 0, after_count = 0;
    unsigned long long before = lab_guests_cpu_ticks(&before_count);
    double started = lab_now_ms();
    sleep(5);
    unsigned long long after = lab_guests_cpu_ticks(&after_count);
    double seconds = (lab_now_ms() - started) / 1000.0;
    double cores = (double)(after - before) / (double)sysconf(_SC_CLK_TCK) / seconds;
    fprintf(stderr, "  %zu running guests used %.1f%% of one core over %.0f s\n", after_count,
            cores * 100.0, seconds);
    /* Five of the lab's own; other tests may have added more (they count too). */
    assert_true(before_count >= 5);
    assert_true(after_count >= 5);
    assert_true(cores < 0.5);
}

int main(void)
{
    lab_quiet_libvirt();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hosts_are_distinct),
        cmocka_unit_test(test_labnet_on_labhost1_and_labhost2_only),
        cmocka_unit_test(test_hot_dirties_ten_times_more_than_idle),
        cmocka_unit_test(test_migration_to_labhost3_and_back),
        cmocka_unit_test(test_steady_migrates_live_with_job_stats),
        cmocka_unit_test(test_hot_needs_post_copy),
        cmocka_unit_test(test_storage_and_offline_guests),
        cmocka_unit_test(test_guests_do_not_burn_cores),
    };
    return cmocka_run_group_tests_name("lab", tests, NULL, NULL);
}
