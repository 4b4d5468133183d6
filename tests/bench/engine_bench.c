/* The engine's benchmark driver: virtmig's core library with a front end that
 * does what the console does between frames (sleep on the wake fd, drain,
 * bring its kept snapshot up to date with core_snapshot_update, read it), and
 * nothing else, so what it measures is
 * the engine's own cost.
 *
 *   engine_bench HOSTS_FILE SECONDS [CUT_ADDR CUT_CMD RESTORE_CMD PROBE_HOST PROBE_DOMAIN]
 *
 * HOSTS_FILE is a hosts.conf ("name uri" per line). With 2 arguments it waits
 * until every host is connected and refreshed once, then measures SECONDS:
 * CPU time (utime+stime of /proc/self/stat), peak RSS (VmHWM) and each host's
 * refresh intervals (HostView.last_refresh_ms). With the isolation arguments it
 * measures SECONDS normally, runs CUT_CMD (cuts one lab host's link), measures
 * SECONDS more, then runs RESTORE_CMD. Throughout, it suspends and resumes
 * PROBE_DOMAIN on PROBE_HOST once a second and times each request's
 * turnaround (request to the first snapshot showing the new state). Refresh
 * intervals count only hosts whose URI does not hold CUT_ADDR and that are not
 * PROBE_HOST (a lifecycle event makes the engine refresh early, which is right
 * but is not the 1 Hz period measured here).
 *
 * Prints "key=value" lines; tests/bench/scale-bench.sh turns them into a table.
 * Exit status: 0 measured, 1 the engine or a host failed (message on stderr). */
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"

#define MAX_HOSTS 64
#define MAX_SAMPLES 8192

typedef struct {
    double values[MAX_SAMPLES];
    size_t count;
} Samples;

typedef struct {
    Samples intervals;            /* ms between refreshes, hosts not cut, not the probe */
    Samples turnarounds;          /* ms from a probe request to its state in a snapshot */
} PhaseResult;

static uint64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static void samples_add(Samples *samples, double value)
{
    if (samples->count < MAX_SAMPLES)
        samples->values[samples->count++] = value;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of the samples, nearest rank; 0 when empty. */
static double samples_quantile(Samples *samples, double q)
{
    if (samples->count == 0)
        return 0.0;
    qsort(samples->values, samples->count, sizeof(double), compare_doubles);
    size_t rank = (size_t)(q * (double)(samples->count - 1) + 0.5);
    return samples->values[rank];
}

static void print_samples(const char *prefix, Samples *samples)
{
    printf("%s_count=%zu\n", prefix, samples->count);
    printf("%s_min=%.1f\n", prefix, samples_quantile(samples, 0.0));
    printf("%s_median=%.1f\n", prefix, samples_quantile(samples, 0.5));
    printf("%s_p95=%.1f\n", prefix, samples_quantile(samples, 0.95));
    printf("%s_max=%.1f\n", prefix, samples_quantile(samples, 1.0));
}

/* utime+stime in clock ticks from a /proc stat file (the process's, or the
 * main thread's: the front end's share); -1 if it cannot be read. */
static long long cpu_ticks(const char *stat_path)
{
    FILE *file = fopen(stat_path, "r");
    if (!file)
        return -1;
    char line[2048];
    bool read_ok = fgets(line, sizeof(line), file) != NULL;
    fclose(file);
    if (!read_ok)
        return -1;
    /* The command name may hold spaces: fields are counted after its ')'. */
    const char *after_name = strrchr(line, ')');
    if (!after_name)
        return -1;
    unsigned long long utime = 0, stime = 0;
    if (sscanf(after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
               &utime, &stime) != 2)
        return -1;
    return (long long)(utime + stime);
}

/* A line of /proc/self/status in KiB (VmHWM, VmRSS); -1 if absent. */
static long status_kib(const char *key)
{
    FILE *file = fopen("/proc/self/status", "r");
    if (!file)
        return -1;
    char line[256];
    long value = -1;
    size_t key_len = strlen(key);
    while (fgets(line, sizeof(line), file)) {
        if (strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
            value = strtol(line + key_len + 1, NULL, 10);
            break;
        }
    }
    fclose(file);
    return value;
}

static int load_hosts(const char *path, HostSpec *hosts, size_t *count)
{
    FILE *file = fopen(path, "r");
    if (!file) {
        fprintf(stderr, "engine_bench: cannot open hosts file %s\n", path);
        return -1;
    }
    char line[1024], name[256], uri[768];
    *count = 0;
    while (fgets(line, sizeof(line), file)) {
        if (line[0] == '#' || sscanf(line, "%255s %767s", name, uri) != 2)
            continue;
        if (*count == MAX_HOSTS) {
            fprintf(stderr, "engine_bench: %s: more than %d hosts\n", path, MAX_HOSTS);
            fclose(file);
            return -1;
        }
        hosts[*count].name = strdup(name);
        hosts[*count].uri = strdup(uri);
        if (!hosts[*count].name || !hosts[*count].uri) {
            fclose(file);
            return -1;
        }
        (*count)++;
    }
    fclose(file);
    if (*count == 0) {
        fprintf(stderr, "engine_bench: %s names no host (\"name uri\" per line)\n", path);
        return -1;
    }
    return 0;
}

/* Waits for the wake fd (at most timeout_ms), then brings the kept snapshot
 * up to date with core_snapshot_update, as the console does (tui/app.c).
 * Returns 1 when nothing changed (no copy), 0 when copied, -1 on failure. */
static int next_snapshot(Core *core, int timeout_ms, CoreSnapshot *snapshot)
{
    struct pollfd wake = { .fd = core_wake_fd(core), .events = POLLIN };
    if (poll(&wake, 1, timeout_ms) > 0)
        core_wake_drain(core);
    return core_snapshot_update(core, snapshot);
}

static bool all_hosts_refreshed(const CoreSnapshot *snapshot)
{
    for (size_t i = 0; i < snapshot->host_count; i++)
        if (snapshot->hosts[i].state != HOST_CONNECTED || snapshot->hosts[i].last_refresh_ms == 0)
            return false;
    return snapshot->host_count > 0;
}

typedef struct {
    Core *core;
    CoreSnapshot snapshot;
    uint64_t last_refresh[MAX_HOSTS];
    bool counted[MAX_HOSTS];      /* this host's intervals go into the results */
    long probe_host;              /* -1: no probe */
    const char *probe_domain;
    bool probe_pending;
    DomainRunState probe_expected;
    uint64_t probe_sent_ms, probe_next_ms;
    size_t domains_seen_max;
    unsigned long long snapshots;   /* copies made while measuring (generation moved) */
} Bench;

static void probe_step(Bench *bench, PhaseResult *result, uint64_t now)
{
    if (bench->probe_host < 0)
        return;
    const DomainView *domain = core_snapshot_find_domain(&bench->snapshot,
                                                         (size_t)bench->probe_host,
                                                         bench->probe_domain);
    if (!domain)
        return;
    if (bench->probe_pending) {
        if (domain->state == bench->probe_expected) {
            samples_add(&result->turnarounds, (double)(now - bench->probe_sent_ms));
            bench->probe_pending = false;
        }
        return;
    }
    if (now < bench->probe_next_ms)
        return;
    char *error = NULL;
    int rc;
    if (domain->state == DOMAIN_PAUSED) {
        bench->probe_expected = DOMAIN_RUNNING;
        rc = core_request_resume(bench->core, (size_t)bench->probe_host, domain->uuid, &error);
    } else {
        bench->probe_expected = DOMAIN_PAUSED;
        rc = core_request_suspend(bench->core, (size_t)bench->probe_host, domain->uuid, &error);
    }
    if (rc != 0) {
        fprintf(stderr, "engine_bench: probe request refused: %s\n", error ? error : "?");
        free(error);
        bench->probe_host = -1;
        return;
    }
    bench->probe_pending = true;
    bench->probe_sent_ms = now;
    bench->probe_next_ms = now + 1000;
}

/* Follows snapshots for `seconds`, like a console between frames. */
static int run_phase(Bench *bench, unsigned seconds, PhaseResult *result)
{
    uint64_t end = now_ms() + (uint64_t)seconds * 1000u;
    bench->probe_pending = false;
    while (now_ms() < end) {
        int rc = next_snapshot(bench->core, 50, &bench->snapshot);
        if (rc < 0) {
            fprintf(stderr, "engine_bench: core_snapshot_update failed (out of memory)\n");
            return -1;
        }
        if (rc == 0)
            bench->snapshots++;
        uint64_t now = now_ms();
        if (bench->snapshot.domain_count > bench->domains_seen_max)
            bench->domains_seen_max = bench->snapshot.domain_count;
        for (size_t i = 0; i < bench->snapshot.host_count && i < MAX_HOSTS; i++) {
            uint64_t refreshed = bench->snapshot.hosts[i].last_refresh_ms;
            if (refreshed != bench->last_refresh[i]) {
                if (bench->counted[i] && bench->last_refresh[i] != 0)
                    samples_add(&result->intervals, (double)(refreshed - bench->last_refresh[i]));
                bench->last_refresh[i] = refreshed;
            }
        }
        probe_step(bench, result, now);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 8) {
        fprintf(stderr, "usage: %s HOSTS_FILE SECONDS "
                        "[CUT_ADDR CUT_CMD RESTORE_CMD PROBE_HOST PROBE_DOMAIN]\n", argv[0]);
        return 2;
    }
    /* Line by line: the script waits for "connect_ms=" while this runs on. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    static HostSpec hosts[MAX_HOSTS];
    size_t host_count = 0;
    if (load_hosts(argv[1], hosts, &host_count) != 0)
        return 1;
    unsigned seconds = (unsigned)strtoul(argv[2], NULL, 10);
    bool isolation = argc == 8;

    char journal[128];
    snprintf(journal, sizeof(journal), "/tmp/virtmig-bench-%d.jsonl", (int)getpid());
    /* BENCH_REFRESH_MS: what a slower full refresh would cost (the issue's
     * refresh, and so the benchmark's, is 1000 ms). */
    const char *refresh_text = getenv("BENCH_REFRESH_MS");
    unsigned refresh_ms = refresh_text ? (unsigned)strtoul(refresh_text, NULL, 10) : 1000;
    if (refresh_ms < 100 || refresh_ms > 60000) {
        fprintf(stderr, "engine_bench: BENCH_REFRESH_MS must be 100 to 60000 (ms)\n");
        return 2;
    }
    CoreConfig config = { .hosts = hosts, .host_count = host_count, .refresh_ms = refresh_ms,
                          .journal_path = journal };
    char *error = NULL;
    uint64_t started = now_ms();
    static Bench bench;
    bench.probe_host = -1;
    bench.core = core_new(&config, &error);
    if (!bench.core) {
        fprintf(stderr, "engine_bench: core_new: %s\n", error ? error : "?");
        free(error);
        return 1;
    }
    int status = 1;
    while (!all_hosts_refreshed(&bench.snapshot)) {
        if (now_ms() - started > 120000) {
            for (size_t i = 0; i < bench.snapshot.host_count; i++)
                if (bench.snapshot.hosts[i].state != HOST_CONNECTED)
                    fprintf(stderr, "engine_bench: %s not connected: %s\n",
                            bench.snapshot.hosts[i].name,
                            bench.snapshot.hosts[i].error ? bench.snapshot.hosts[i].error : "");
            goto cleanup;
        }
        if (next_snapshot(bench.core, 100, &bench.snapshot) < 0)
            goto cleanup;
    }
    printf("hosts=%zu\n", host_count);
    printf("connect_ms=%llu\n", (unsigned long long)(now_ms() - started));

    for (size_t i = 0; i < host_count; i++) {
        bench.counted[i] = true;
        if (isolation) {
            bench.counted[i] = strstr(hosts[i].uri, argv[3]) == NULL &&
                               strcmp(hosts[i].name, argv[6]) != 0;
            if (strcmp(hosts[i].name, argv[6]) == 0)
                bench.probe_host = (long)i;
        }
    }
    if (isolation && bench.probe_host < 0) {
        fprintf(stderr, "engine_bench: probe host %s is not in %s\n", argv[6], argv[1]);
        goto cleanup;
    }
    bench.probe_domain = isolation ? argv[7] : NULL;

    static PhaseResult normal, cut;
    long long ticks_before = cpu_ticks("/proc/self/stat");
    long long front_before = cpu_ticks("/proc/thread-self/stat");
    uint64_t measure_start = now_ms();
    if (run_phase(&bench, seconds, &normal) != 0)
        goto cleanup;
    long long ticks_after = cpu_ticks("/proc/self/stat");
    long long front_after = cpu_ticks("/proc/thread-self/stat");
    uint64_t measured_ms = now_ms() - measure_start;
    double tick_ms = 1000.0 / (double)sysconf(_SC_CLK_TCK);
    double cpu_ms = (double)(ticks_after - ticks_before) * tick_ms;
    printf("measured_s=%.1f\n", (double)measured_ms / 1000.0);
    printf("cpu_ms=%.0f\n", cpu_ms);
    printf("cpu_ms_per_s=%.2f\n", cpu_ms / ((double)measured_ms / 1000.0));
    printf("cpu_pct_one_core=%.2f\n", cpu_ms / (double)measured_ms * 100.0);
    printf("frontend_cpu_ms_per_s=%.2f\n", (double)(front_after - front_before) * tick_ms /
                                           ((double)measured_ms / 1000.0));
    printf("snapshots=%llu\n", (unsigned long long)bench.snapshots);
    printf("domains=%zu\n", bench.domains_seen_max);
    print_samples("interval", &normal.intervals);
    if (isolation) {
        print_samples("turnaround", &normal.turnarounds);
        if (system(argv[4]) != 0)
            fprintf(stderr, "engine_bench: the cut command failed: %s\n", argv[4]);
        uint64_t cut_at = now_ms();
        if (run_phase(&bench, seconds, &cut) != 0)
            goto cleanup;
        size_t lost = 0;
        for (size_t i = 0; i < bench.snapshot.host_count; i++)
            if (bench.snapshot.hosts[i].state != HOST_CONNECTED)
                lost++;
        printf("cut_after_ms=%llu\n", (unsigned long long)(now_ms() - cut_at));
        printf("cut_hosts_not_connected=%zu\n", lost);
        print_samples("cut_interval", &cut.intervals);
        print_samples("cut_turnaround", &cut.turnarounds);
        if (system(argv[5]) != 0)
            fprintf(stderr, "engine_bench: the restore command failed: %s\n", argv[5]);
    }
    printf("vm_hwm_kib=%ld\n", status_kib("VmHWM"));
    status = 0;
cleanup:
    core_snapshot_clear(&bench.snapshot);
    core_free(bench.core);
    unlink(journal);
    for (size_t i = 0; i < host_count; i++) {
        free(hosts[i].name);
        free(hosts[i].uri);
    }
    return status;
}
