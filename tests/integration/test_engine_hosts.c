/* The engine against the real lab: every host's domains in one snapshot, a
 * host that cannot be reached never delays anyone, bad options are refused
 * before libvirt hears of them, and a daemon that dies and comes back is
 * followed without restarting the Core. */
#include "test_engine_lab.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static int group_teardown(void **state)
{
    (void)state;
    /* A failed partition test must not leave labhost3 cut off. */
    char command[128];
    snprintf(command, sizeof(command), "ip link set vmlab%sh3 up", eng_lab.instance);
    if (system(command) != 0)
        fprintf(stderr, "lab: cannot bring vmlab%sh3 back up\n", eng_lab.instance);
    eng_lab_unload();
    return 0;
}

static bool lab_guests_listed(const CoreSnapshot *snapshot, void *opaque)
{
    (void)opaque;
    if (!eng_all_connected(snapshot, NULL))
        return false;
    /* lab.sh up leaves every guest on labhost1, parked shut off. */
    size_t first = eng_host(snapshot, "labhost1");
    static const char *running[] = { "idle", "steady", "hot", "shared-disk", "local-disk" };
    for (size_t i = 0; i < sizeof(running) / sizeof(running[0]); i++) {
        if (!eng_domain_running(snapshot, first, running[i]))
            return false;
    }
    const DomainView *parked = eng_domain(snapshot, first, "parked");
    return parked && parked->state == DOMAIN_SHUTOFF;
}

static void test_lists_every_host(void **state)
{
    (void)state;
    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    bool listed = eng_wait(core, 15000, lab_guests_listed, NULL, &snapshot);
    if (!listed)
        eng_print_messages(&snapshot);
    assert_true(listed);

    assert_int_equal(snapshot.host_count, eng_lab.host_count);
    for (size_t i = 0; i < snapshot.host_count; i++) {
        const HostView *host = &snapshot.hosts[i];
        assert_int_equal(host->state, HOST_CONNECTED);
        assert_null(host->error);
        /* Each lab host has its own UTS namespace and host UUID. */
        assert_non_null(host->hostname);
        assert_string_equal(host->hostname, host->name);
        assert_non_null(host->host_uuid);
        assert_non_null(host->hv_type);
        assert_string_equal(host->hv_type, "QEMU");
        assert_true(host->libvirt_version >= 9000000);
        assert_true(host->free_memory_bytes > 0);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(host->host_uuid, snapshot.hosts[j].host_uuid);
    }

    /* Domains grouped by host, then sorted by name; every field from the bulk stats. */
    size_t first = eng_host(&snapshot, "labhost1");
    for (size_t i = 0; i < snapshot.domain_count; i++) {
        const DomainView *domain = &snapshot.domains[i];
        assert_true(domain->host_index < snapshot.host_count);
        assert_int_equal(strlen(domain->uuid), 36);
        if (i > 0 && snapshot.domains[i - 1].host_index == domain->host_index)
            assert_true(strcmp(snapshot.domains[i - 1].name, domain->name) < 0);
        if (i > 0)
            assert_true(snapshot.domains[i - 1].host_index <= domain->host_index);
    }
    const DomainView *steady = eng_domain(&snapshot, first, "steady");
    assert_non_null(steady);
    assert_true(steady->persistent);
    assert_int_equal(steady->max_memory_kib, 512 * 1024);
    assert_true(steady->memory_kib > 0 && steady->memory_kib <= steady->max_memory_kib);
    assert_true(steady->vcpus >= 1);
    const DomainView *idle = eng_domain(&snapshot, first, "idle");
    assert_non_null(idle);
    assert_int_equal(idle->max_memory_kib, 256 * 1024);
    /* Found by UUID as well as by name. */
    assert_ptr_equal(eng_domain(&snapshot, first, steady->uuid), steady);

    core_snapshot_clear(&snapshot);
    core_free(core);
}

static bool others_connected_dead_trying(const CoreSnapshot *snapshot, void *opaque)
{
    size_t lab_hosts = *(size_t *)opaque;
    return eng_all_connected(snapshot, &lab_hosts) &&
           snapshot->hosts[lab_hosts].state != HOST_CONNECTED;
}

static bool dead_host_lost(const CoreSnapshot *snapshot, void *opaque)
{
    size_t dead = *(size_t *)opaque;
    return snapshot->hosts[dead].state == HOST_LOST;
}

typedef struct {
    size_t count;
    size_t slow;                  /* calls over 5 ms */
    double worst;
} TimingStats;

static void timing_add(TimingStats *timing, double ms)
{
    timing->count++;
    if (ms >= 5.0)
        timing->slow++;
    if (ms > timing->worst)
        timing->worst = ms;
}

static void test_dead_host_delays_nobody(void **state)
{
    (void)state;
    /* An address on the lab's own subnet that nobody holds: the connection
     * attempt waits for ARP to give up (seconds), the kind of host that must
     * not stall anyone else. */
    char uri[128];
    snprintf(uri, sizeof(uri), "qemu+tcp://198.18.%d.99/system", 77 + atoi(eng_lab.instance));
    HostSpec dead_spec = { .name = "deadhost", .uri = uri };
    size_t lab_hosts = eng_lab.host_count;
    size_t dead = lab_hosts;

    double started = eng_now_ms();
    Core *core = eng_core_new(&dead_spec);
    double new_ms = eng_now_ms() - started;
    assert_true(new_ms < 100.0);

    /* While deadhost is still trying: every snapshot and request is quick.
     * A host that blocked them would make every call take seconds; the
     * allowance of one slow call in fifty is for the scheduler of a busy
     * two-core machine (several labs run side by side), not for waiting. */
    TimingStats snapshot_timing = { 0 }, request_timing = { 0 };
    size_t while_trying = 0;
    CoreSnapshot snapshot;
    memset(&snapshot, 0, sizeof(snapshot));
    MigrateOptions options;
    migrate_options_init(&options);
    options.offline = true;   /* with live: refused by validation */
    while (eng_now_ms() - started < 2500) {
        core_snapshot_clear(&snapshot);
        double t0 = eng_now_ms();
        assert_int_equal(core_snapshot(core, &snapshot), 0);
        timing_add(&snapshot_timing, eng_now_ms() - t0);
        if (snapshot.hosts[dead].state == HOST_CONNECTING)
            while_trying++;

        char *error = NULL;
        /* A request to the dead host itself is queued, not waited for (and
         * keeps it trying: it cuts the backoff short). */
        t0 = eng_now_ms();
        int rc = core_request_reconnect(core, dead, &error);
        timing_add(&request_timing, eng_now_ms() - t0);
        assert_int_equal(rc, 0);
        OptionProblem problems[4];
        size_t problem_count = 0;
        const DomainView *steady = eng_domain(&snapshot, 0, "steady");
        t0 = eng_now_ms();
        rc = core_request_migrate(core, 0, steady ? steady->uuid : "steady", dead, &options,
                                  problems, 4, &problem_count);
        timing_add(&request_timing, eng_now_ms() - t0);
        assert_int_equal(rc, -1);
        assert_true(problem_count >= 1);
        if (steady) {
            t0 = eng_now_ms();
            rc = core_request_measure_dirty_rate(core, 0, steady->uuid);
            timing_add(&request_timing, eng_now_ms() - t0);
            assert_int_equal(rc, 0);
        }
        usleep(20000);
    }
    fprintf(stderr, "  %zu snapshots (%zu while deadhost was connecting): worst %.3f ms, %zu over "
            "5 ms; %zu requests: worst %.3f ms, %zu over 5 ms\n", snapshot_timing.count,
            while_trying, snapshot_timing.worst, snapshot_timing.slow, request_timing.count,
            request_timing.worst, request_timing.slow);
    assert_true(while_trying > 10);
    assert_true(snapshot_timing.slow * 50 <= snapshot_timing.count);
    assert_true(snapshot_timing.worst < 50.0);
    assert_true(request_timing.slow * 50 <= request_timing.count);
    assert_true(request_timing.worst < 50.0);
    core_snapshot_clear(&snapshot);

    /* The lab hosts connected meanwhile, deadhost or not. */
    assert_true(eng_wait(core, 10000, others_connected_dead_trying, &lab_hosts, &snapshot));
    core_snapshot_clear(&snapshot);

    /* In the end deadhost is lost, with libvirt's own reason and a next try. */
    bool lost = eng_wait(core, 20000, dead_host_lost, &dead, &snapshot);
    if (!lost)
        eng_print_messages(&snapshot);
    assert_true(lost);
    const HostView *host = &snapshot.hosts[dead];
    assert_non_null(host->error);
    fprintf(stderr, "  deadhost: %s (next try in %ld s)\n", host->error,
            (long)(host->next_try - time(NULL)));
    assert_non_null(strstr(host->error, "deadhost: connect to"));
    assert_non_null(strstr(host->error, uri));
    assert_true(host->next_try >= time(NULL) - 1);
    core_snapshot_clear(&snapshot);

    migrate_options_clear(&options);
    started = eng_now_ms();
    core_free(core);
    fprintf(stderr, "  core_free took %.0f ms\n", eng_now_ms() - started);
}

static void test_bad_options_refused_before_libvirt(void **state)
{
    (void)state;
    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    assert_true(eng_wait(core, 15000, lab_guests_listed, NULL, &snapshot));
    size_t first = eng_host(&snapshot, "labhost1");
    size_t second = eng_host(&snapshot, "labhost2");
    const DomainView *steady = eng_domain(&snapshot, first, "steady");
    assert_non_null(steady);
    char uuid[37];
    memcpy(uuid, steady->uuid, sizeof(uuid));
    core_snapshot_clear(&snapshot);
    off_t journal_before = eng_file_size(eng_lab.journal);

    MigrateOptions options;
    migrate_options_init(&options);
    options.offline = true;                  /* live and offline at once */
    options.auto_converge_initial = 250;     /* a percentage above 100, and without auto-converge */
    OptionProblem problems[8];
    size_t count = 0;
    int rc = core_request_migrate(core, first, uuid, second, &options, problems, 8, &count);
    assert_int_equal(rc, -1);
    assert_true(count >= 2);
    for (size_t i = 0; i < count && i < 8; i++) {
        fprintf(stderr, "  problem %zu: %s\n", i + 1, problems[i].message);
        assert_true(strlen(problems[i].message) > 10);
    }

    /* Hosts and domain are checked too, without libvirt. */
    migrate_options_clear(&options);
    migrate_options_init(&options);
    rc = core_request_migrate(core, first, uuid, first, &options, problems, 8, &count);
    assert_int_equal(rc, -1);
    assert_int_equal(count, 1);
    assert_non_null(strstr(problems[0].message, "choose another destination"));
    rc = core_request_migrate(core, first, "no-such-domain", second, &options, problems, 8, &count);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(problems[0].message, "No domain"));
    rc = core_request_migrate(core, first, uuid, 42, &options, problems, 8, &count);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(problems[0].message, "No host number 43"));
    /* More problems than room: the count still says how many. */
    options.offline = true;
    options.auto_converge_initial = 250;
    rc = core_request_migrate(core, first, uuid, first, &options, problems, 1, &count);
    assert_int_equal(rc, -1);
    assert_true(count >= 3);
    migrate_options_clear(&options);

    /* Nothing was launched: no migration record, no journal line, steady
     * still runs where it was. */
    usleep(1200000);
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    assert_int_equal(snapshot.migration_count, 0);
    assert_true(eng_domain_running(&snapshot, first, "steady"));
    const DomainView *again = eng_domain(&snapshot, first, "steady");
    assert_false(again->has_job);
    core_snapshot_clear(&snapshot);
    assert_int_equal(eng_file_size(eng_lab.journal), journal_before);

    /* Controls on a migration that does not exist are refused outright. */
    char *error = NULL;
    assert_int_equal(core_request_abort(core, 999, false, &error), -1);
    assert_non_null(error);
    assert_non_null(strstr(error, "No migration 999"));
    free(error);
    core_free(core);
}

typedef struct {
    size_t host;
    HostConnState state;
} HostStateWanted;

static bool host_in_state(const CoreSnapshot *snapshot, void *opaque)
{
    const HostStateWanted *wanted = opaque;
    return snapshot->hosts[wanted->host].state == wanted->state &&
           (wanted->state != HOST_CONNECTED || snapshot->hosts[wanted->host].last_refresh_ms);
}

static pid_t read_pid(const char *path)
{
    FILE *file = fopen(path, "r");
    long pid = 0;
    if (!file)
        return 0;
    if (fscanf(file, "%ld", &pid) != 1)
        pid = 0;
    fclose(file);
    return (pid_t)pid;
}

static void test_daemon_killed_then_back(void **state)
{
    (void)state;
    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    assert_true(eng_wait(core, 15000, eng_all_connected, NULL, &snapshot));
    size_t third = eng_host(&snapshot, "labhost3");
    uint64_t generation = snapshot.generation;
    core_snapshot_clear(&snapshot);

    char pid_path[256];
    snprintf(pid_path, sizeof(pid_path), "%s/labhost3/libvirtd.pid", eng_lab.run_dir);
    pid_t pid = read_pid(pid_path);
    assert_true(pid > 1);
    double killed_at = eng_now_ms();
    assert_int_equal(kill(pid, SIGKILL), 0);

    HostStateWanted lost = { third, HOST_LOST };
    bool went_lost = eng_wait(core, 15000, host_in_state, &lost, &snapshot);
    assert_true(went_lost);
    fprintf(stderr, "  labhost3 lost after %.0f ms: %s\n", eng_now_ms() - killed_at,
            snapshot.hosts[third].error ? snapshot.hosts[third].error : "(no reason)");
    assert_non_null(snapshot.hosts[third].error);
    assert_true(snapshot.generation > generation);
    /* The other hosts did not notice. */
    for (size_t i = 0; i < snapshot.host_count; i++) {
        if (i != third)
            assert_int_equal(snapshot.hosts[i].state, HOST_CONNECTED);
    }
    core_snapshot_clear(&snapshot);

    /* Start the daemon again the way lab.sh does; the same Core reconnects
     * on its own (backoff 1, 2, 4... s). */
    for (int tries = 0; tries < 50 && read_pid(pid_path) == pid && kill(pid, 0) == 0; tries++)
        usleep(100000);
    unlink(pid_path);
    assert_int_equal(eng_lab_shell("lab_start_host 3 && lab_wait_host 3 30"), 0);
    double restarted_at = eng_now_ms();
    HostStateWanted back = { third, HOST_CONNECTED };
    bool came_back = eng_wait(core, 40000, host_in_state, &back, &snapshot);
    if (!came_back)
        eng_print_messages(&snapshot);
    assert_true(came_back);
    fprintf(stderr, "  labhost3 connected again %.0f ms after its daemon answered\n",
            eng_now_ms() - restarted_at);
    assert_null(snapshot.hosts[third].error);
    bool warned = false;
    for (size_t i = 0; i < snapshot.message_count; i++)
        warned |= strstr(snapshot.messages[i].text, "labhost3:") != NULL &&
                  strstr(snapshot.messages[i].text, "reconnecting") != NULL;
    assert_true(warned);
    core_snapshot_clear(&snapshot);
    core_free(core);
}

/* A "daemon" that accepts TCP connections (the kernel completes them from the
 * backlog) and never says a word: libvirt's open then waits indefinitely. */
static int silent_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in address = { .sin_family = AF_INET,
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t length = sizeof(address);
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0 ||
        listen(fd, 16) < 0 || getsockname(fd, (struct sockaddr *)&address, &length) < 0)
        return -1;
    *port = ntohs(address.sin_port);
    return fd;
}

static size_t thread_count(void)
{
    DIR *tasks = opendir("/proc/self/task");
    size_t count = 0;
    struct dirent *entry;
    while (tasks && (entry = readdir(tasks)))
        count += entry->d_name[0] != '.';
    if (tasks)
        closedir(tasks);
    return count;
}

static bool silent_host_connecting(const CoreSnapshot *snapshot, void *opaque)
{
    size_t lab_hosts = *(size_t *)opaque;
    return eng_all_connected(snapshot, &lab_hosts) &&
           snapshot->hosts[lab_hosts].state == HOST_CONNECTING;
}

static void test_silent_host_blocks_nobody(void **state)
{
    (void)state;
    size_t threads_before = thread_count();
    int port = 0;
    int listener = silent_listener(&port);
    assert_true(listener >= 0);
    char uri[128];
    snprintf(uri, sizeof(uri), "qemu+tcp://127.0.0.1:%d/system", port);
    HostSpec silent = { .name = "silenthost", .uri = uri };
    size_t lab_hosts = eng_lab.host_count;

    Core *core = eng_core_new(&silent);
    CoreSnapshot snapshot;
    /* The lab hosts connect and list while silenthost hangs in its open. */
    assert_true(eng_wait(core, 15000, silent_host_connecting, &lab_hosts, &snapshot));
    assert_true(snapshot.domain_count > 0);
    core_snapshot_clear(&snapshot);
    TimingStats timing = { 0 };
    for (int i = 0; i < 50; i++) {
        double t0 = eng_now_ms();
        assert_int_equal(core_snapshot(core, &snapshot), 0);
        char *error = NULL;
        assert_int_equal(core_request_reconnect(core, lab_hosts, &error), 0);
        timing_add(&timing, eng_now_ms() - t0);
        assert_int_equal(snapshot.hosts[lab_hosts].state, HOST_CONNECTING);
        core_snapshot_clear(&snapshot);
        usleep(20000);
    }
    fprintf(stderr, "  silenthost hangs: %zu snapshot+request pairs, worst %.3f ms\n",
            timing.count, timing.worst);
    assert_true(timing.slow * 50 <= timing.count);
    assert_true(timing.worst < 50.0);

    /* core_free does not wait minutes for it: the worker is left to finish
     * on its own and frees itself once libvirt gives up. */
    double asked = eng_now_ms();
    core_free(core);
    double took = eng_now_ms() - asked;
    fprintf(stderr, "  core_free with silenthost hanging took %.0f ms\n", took);
    assert_true(took < 4500.0);
    /* Closing the listener resets the pending connection: the orphaned
     * worker's open fails now and it cleans up after itself. */
    close(listener);
    size_t threads_after = thread_count();
    for (int i = 0; i < 50 && threads_after > threads_before; i++) {
        usleep(100000);
        threads_after = thread_count();
    }
    fprintf(stderr, "  threads: %zu before the Core, %zu after the orphan finished\n",
            threads_before, threads_after);
    assert_int_equal(threads_after, threads_before);
}

/* Suspends and resumes labhost1's idle guest as fast as libvirt answers,
 * on its own connection, until told to stop: a steady stream of real changes. */
typedef struct {
    const char *uri;
    volatile bool stop;
    unsigned toggles;
    bool failed;
} Toggler;

static void *toggle_idle(void *opaque)
{
    Toggler *toggler = opaque;
    virConnectPtr conn = virConnectOpen(toggler->uri);
    virDomainPtr idle = conn ? virDomainLookupByName(conn, "idle") : NULL;
    if (!idle) {
        toggler->failed = true;
    } else {
        while (!toggler->stop) {
            if (virDomainSuspend(idle) < 0 || virDomainResume(idle) < 0) {
                toggler->failed = true;
                break;
            }
            toggler->toggles++;
        }
        virDomainResume(idle);   /* whatever happened, leave it running */
        virDomainFree(idle);
    }
    if (conn)
        virConnectClose(conn);
    return NULL;
}

static void test_wakeups_are_coalesced(void **state)
{
    (void)state;
    /* Refreshing every 2 ms while labhost1's idle guest is suspended and
     * resumed over and over, the published state changes a hundred times a
     * second or more; the front end is woken at most ~20 times a second. */
    HostSpec hosts[ENG_MAX_HOSTS];
    memcpy(hosts, eng_lab.hosts, sizeof(HostSpec) * eng_lab.host_count);
    CoreConfig config = { .hosts = hosts, .host_count = eng_lab.host_count, .refresh_ms = 2,
                          .journal_path = eng_lab.journal };
    char *error = NULL;
    Core *core = core_new(&config, &error);
    assert_non_null(core);
    CoreSnapshot snapshot;
    assert_true(eng_wait(core, 15000, eng_all_connected, NULL, &snapshot));
    uint64_t generation_before = snapshot.generation;
    core_snapshot_clear(&snapshot);

    Toggler toggler = { .uri = NULL };
    for (size_t i = 0; i < eng_lab.host_count; i++) {
        if (strcmp(eng_lab.hosts[i].name, "labhost1") == 0)
            toggler.uri = eng_lab.hosts[i].uri;
    }
    assert_non_null(toggler.uri);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, toggle_idle, &toggler), 0);

    unsigned wakeups = 0;
    double started = eng_now_ms();
    while (eng_now_ms() - started < 2000) {
        struct pollfd pfd = { .fd = core_wake_fd(core), .events = POLLIN };
        if (poll(&pfd, 1, 100) > 0) {
            core_wake_drain(core);
            wakeups++;
        }
    }
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    toggler.stop = true;
    pthread_join(thread, NULL);
    uint64_t changes = snapshot.generation - generation_before;
    core_snapshot_clear(&snapshot);
    fprintf(stderr, "  2 s: %u suspend/resume pairs, %llu changes, %u wakeups\n",
            toggler.toggles, (unsigned long long)changes, wakeups);
    assert_false(toggler.failed);
    assert_true(changes > 100);
    assert_true(wakeups >= 10);
    assert_true(wakeups <= 42);
    core_free(core);
}

static int set_host_link(int host_number, bool up)
{
    char command[128];
    snprintf(command, sizeof(command), "ip link set vmlab%sh%d %s", eng_lab.instance,
             host_number, up ? "up" : "down");
    return system(command);
}

static void test_partitioned_host_lost_by_keepalive(void **state)
{
    (void)state;
    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    assert_true(eng_wait(core, 15000, eng_all_connected, NULL, &snapshot));
    size_t third = eng_host(&snapshot, "labhost3");
    core_snapshot_clear(&snapshot);

    /* Pull labhost3's cable: no RST, no EOF, the daemon just goes quiet.
     * Only keepalive (5 s x 3) can tell. */
    double cut_at = eng_now_ms();
    assert_int_equal(set_host_link(3, false), 0);
    HostStateWanted lost = { third, HOST_LOST };
    bool went_lost = eng_wait(core, 40000, host_in_state, &lost, &snapshot);
    assert_int_equal(set_host_link(3, true), 0);
    assert_true(went_lost);
    fprintf(stderr, "  labhost3 partitioned: lost after %.0f ms: %s\n", eng_now_ms() - cut_at,
            snapshot.hosts[third].error);
    assert_non_null(snapshot.hosts[third].error);
    for (size_t i = 0; i < snapshot.host_count; i++) {
        if (i != third)
            assert_int_equal(snapshot.hosts[i].state, HOST_CONNECTED);
    }
    core_snapshot_clear(&snapshot);

    /* Cable back: the operator's reconnect cuts the backoff short. */
    char *error = NULL;
    assert_int_equal(core_request_reconnect(core, third, &error), 0);
    HostStateWanted back = { third, HOST_CONNECTED };
    double asked = eng_now_ms();
    bool came_back = eng_wait(core, 30000, host_in_state, &back, &snapshot);
    if (!came_back)
        eng_print_messages(&snapshot);
    assert_true(came_back);
    fprintf(stderr, "  labhost3 connected again %.0f ms after the link came back\n",
            eng_now_ms() - asked);
    core_snapshot_clear(&snapshot);
    core_free(core);
}

/* The inventory keeps each domain's UUID by name between thorough refreshes
 * (core/inventory.h says why). A name undefined and defined again with a new
 * UUID is the one change its cache cannot see: the lifecycle events must make
 * the next refresh read UUIDs again, well before the periodic thorough one. */
#define PROBE_NAME "virtmig-uuid-probe"

static bool probe_has_uuid(const CoreSnapshot *snapshot, void *opaque)
{
    const char *uuid = opaque;
    size_t third = eng_host(snapshot, "labhost3");
    const DomainView *probe = eng_domain(snapshot, third, PROBE_NAME);
    return probe && strcmp(probe->uuid, uuid) == 0;
}

static virDomainPtr define_probe(virConnectPtr conn, const char *uuid)
{
    char xml[512];
    snprintf(xml, sizeof(xml),
             "<domain type='qemu'><name>" PROBE_NAME "</name><uuid>%s</uuid>"
             "<memory>65536</memory><os><type arch='x86_64'>hvm</type></os></domain>", uuid);
    virDomainPtr domain = virDomainDefineXML(conn, xml);
    if (!domain)
        fail_msg("define %s: %s", PROBE_NAME, virGetLastErrorMessage());
    return domain;
}

static void test_redefined_name_gets_its_new_uuid(void **state)
{
    (void)state;
    const char *old_uuid = "5e1f0000-0000-4000-8000-00000000000a";
    const char *new_uuid = "5e1f0000-0000-4000-8000-00000000000b";
    const char *uri = NULL;
    for (size_t i = 0; i < eng_lab.host_count; i++) {
        if (strcmp(eng_lab.hosts[i].name, "labhost3") == 0)
            uri = eng_lab.hosts[i].uri;
    }
    assert_non_null(uri);
    virConnectPtr conn = virConnectOpen(uri);
    assert_non_null(conn);
    virDomainPtr stale = virDomainLookupByName(conn, PROBE_NAME);
    if (stale) {   /* left by an interrupted run */
        virDomainUndefine(stale);
        virDomainFree(stale);
    }
    virDomainPtr probe = define_probe(conn, old_uuid);

    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    assert_true(eng_wait(core, 15000, probe_has_uuid, (void *)old_uuid, &snapshot));
    core_snapshot_clear(&snapshot);
    /* Two quiet refreshes: the cache is now what the refreshes go by. */
    usleep(2500 * 1000);

    assert_int_equal(virDomainUndefine(probe), 0);
    virDomainFree(probe);
    probe = define_probe(conn, new_uuid);
    double redefined_ms = eng_now_ms();
    bool seen = eng_wait(core, 4000, probe_has_uuid, (void *)new_uuid, &snapshot);
    double seen_after_ms = eng_now_ms() - redefined_ms;
    fprintf(stderr, "  new UUID of a redefined name published after %.0f ms\n", seen_after_ms);
    assert_true(seen);
    assert_null(eng_domain(&snapshot, eng_host(&snapshot, "labhost3"), old_uuid));
    core_snapshot_clear(&snapshot);

    assert_int_equal(virDomainUndefine(probe), 0);
    virDomainFree(probe);
    virConnectClose(conn);
    core_free(core);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists_every_host),
        cmocka_unit_test(test_redefined_name_gets_its_new_uuid),
        cmocka_unit_test(test_bad_options_refused_before_libvirt),
        cmocka_unit_test(test_dead_host_delays_nobody),
        cmocka_unit_test(test_silent_host_blocks_nobody),
        cmocka_unit_test(test_wakeups_are_coalesced),
        cmocka_unit_test(test_daemon_killed_then_back),
        cmocka_unit_test(test_partitioned_host_lost_by_keepalive),
    };
    eng_apply_test_filter();
    return cmocka_run_group_tests(tests, eng_group_setup_home, group_teardown);
}
