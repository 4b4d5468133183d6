/* The least any libvirt client can spend on the scale benchmark's refresh:
 * the same bulk call the engine makes (virConnectGetAllDomainStats with
 * state, vCPU and balloon, NOWAIT) on the same hosts at 1 Hz, and nothing
 * else: no UUIDs, no merge, no publishing. scale-bench.sh prints it next to
 * the engine's figure, so the table says how much of the engine's cost is
 * libvirt's client library and how much is virtmig's.
 *
 *   libvirt_floor HOSTS_CONF SECONDS [per-host]
 *
 * One thread calls every host in turn; with "per-host", each host has its
 * own thread, as the engine must (a slow host must not delay the others).
 *
 * Prints key=value lines: hosts, records, cpu_ms_per_s, cpu_pct_one_core. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_HOSTS 64

static int seconds;
static long records;              /* guarded by records_lock */
static pthread_mutex_t records_lock = PTHREAD_MUTEX_INITIALIZER;

static void quiet_errors(void *opaque, virErrorPtr error)
{
    (void)opaque;
    (void)error;
}

/* Keepalive, as the engine sets it, needs a running event loop. */
static void *event_loop(void *opaque)
{
    (void)opaque;
    for (;;)
        virEventRunDefaultImpl();
    return NULL;
}

static double cpu_ms(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
           (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

static double now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

static double now_ms(void);

/* One refresh of each of hosts[0..count), then a pause to the next second. */
static int refresh_each_second(virConnectPtr *hosts, int count)
{
    for (int second = 0; second < seconds; second++) {
        double tick = now_ms();
        for (int i = 0; i < count; i++) {
            virDomainStatsRecordPtr *stats = NULL;
            int n = virConnectGetAllDomainStats(hosts[i],
                                                VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_VCPU |
                                                VIR_DOMAIN_STATS_BALLOON,
                                                &stats, VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT);
            if (n < 0) {
                fprintf(stderr, "libvirt_floor: %s\n", virGetLastErrorMessage());
                return -1;
            }
            for (int r = 0; r < n; r++)
                (void)virDomainGetName(stats[r]->dom);
            virDomainStatsRecordListFree(stats);
            pthread_mutex_lock(&records_lock);
            records += n;
            pthread_mutex_unlock(&records_lock);
        }
        double left = 1000.0 - (now_ms() - tick);
        if (left > 0) {
            struct timespec pause = { (time_t)(left / 1000.0),
                                      (long)((left - (double)(long)(left / 1000.0) * 1000.0) *
                                             1e6) };
            nanosleep(&pause, NULL);
        }
    }
    return 0;
}

static void *host_thread(void *opaque)
{
    return refresh_each_second(opaque, 1) < 0 ? opaque : NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "per-host") != 0)) {
        fprintf(stderr, "usage: %s HOSTS_CONF SECONDS [per-host]\n", argv[0]);
        return 2;
    }
    seconds = atoi(argv[2]);
    if (seconds <= 0) {
        fprintf(stderr, "libvirt_floor: SECONDS must be a positive whole number\n");
        return 2;
    }
    virSetErrorFunc(NULL, quiet_errors);
    if (virEventRegisterDefaultImpl() < 0) {
        fprintf(stderr, "libvirt_floor: no event loop: %s\n", virGetLastErrorMessage());
        return 1;
    }
    pthread_t loop;
    if (pthread_create(&loop, NULL, event_loop, NULL) != 0) {
        fprintf(stderr, "libvirt_floor: cannot start the event loop thread\n");
        return 1;
    }
    pthread_detach(loop);

    FILE *file = fopen(argv[1], "r");
    if (!file) {
        perror(argv[1]);
        return 1;
    }
    virConnectPtr hosts[MAX_HOSTS];
    int host_count = 0;
    char name[128], uri[1024];
    while (host_count < MAX_HOSTS && fscanf(file, "%127s %1023s", name, uri) == 2) {
        hosts[host_count] = virConnectOpen(uri);
        if (!hosts[host_count]) {
            fprintf(stderr, "libvirt_floor: %s: %s\n", uri, virGetLastErrorMessage());
            return 1;
        }
        virConnectSetKeepAlive(hosts[host_count], 5, 3);
        host_count++;
    }
    fclose(file);

    bool per_host = argc == 4 && strcmp(argv[3], "per-host") == 0;
    double start_cpu = cpu_ms(), start = now_ms();
    if (per_host) {
        pthread_t threads[MAX_HOSTS];
        for (int i = 0; i < host_count; i++) {
            if (pthread_create(&threads[i], NULL, host_thread, &hosts[i]) != 0) {
                fprintf(stderr, "libvirt_floor: cannot start a host thread\n");
                return 1;
            }
        }
        bool failed = false;
        for (int i = 0; i < host_count; i++) {
            void *result = NULL;
            pthread_join(threads[i], &result);
            failed = failed || result != NULL;
        }
        if (failed)
            return 1;
    } else if (refresh_each_second(hosts, host_count) < 0) {
        return 1;
    }
    double spent = cpu_ms() - start_cpu;
    double measured_s = (now_ms() - start) / 1000.0;
    printf("hosts=%d\nrecords=%ld\nmeasured_s=%.1f\ncpu_ms_per_s=%.2f\ncpu_pct_one_core=%.2f\n",
           host_count, records, measured_s, spent / measured_s, spent / measured_s / 10.0);
    for (int i = 0; i < host_count; i++)
        virConnectClose(hosts[i]);
    return 0;
}
