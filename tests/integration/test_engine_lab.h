/* Helpers shared by the test_engine_*.c integration tests: the lab's hosts
 * (instance $LAB_INSTANCE), a Core on them, and waiting on published state the
 * way a front end does (poll on core_wake_fd, then core_snapshot).
 * Header-only (static inline) because each test file is its own binary. */
#ifndef VIRTMIG_TEST_ENGINE_LAB_H
#define VIRTMIG_TEST_ENGINE_LAB_H

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core.h"
#include "hosts_conf.h"

#define ENG_MAX_HOSTS 8

typedef struct {
    HostsConf conf;               /* the lab's hosts, from its hosts.conf */
    HostSpec hosts[ENG_MAX_HOSTS];
    size_t host_count;
    char run_dir[128];            /* /run/virtmig-labN */
    char instance[8];
    char journal[256];
    Core *core;
    unsigned tests_in_flight;     /* migrating tests started and not finished: a failed
                                     one may have left guests away from labhost1 */
} EngLab;

static EngLab eng_lab;

static inline double eng_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

/* Loads the lab's hosts; fails (never skips) when the lab is not up. */
static inline int eng_lab_load(void)
{
    const char *instance = getenv("LAB_INSTANCE");
    memset(&eng_lab, 0, sizeof(eng_lab));
    snprintf(eng_lab.instance, sizeof(eng_lab.instance), "%s",
             instance && *instance ? instance : "0");
    snprintf(eng_lab.run_dir, sizeof(eng_lab.run_dir), "/run/virtmig-lab%s", eng_lab.instance);
    char path[256];
    snprintf(path, sizeof(path), "%s/hosts.conf", eng_lab.run_dir);
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "lab: %s not found: start the lab (LAB_INSTANCE=%s tests/lab/lab.sh up)\n",
                path, eng_lab.instance);
        return -1;
    }
    if (hosts_conf_load_file(&eng_lab.conf, path) < 0 || eng_lab.conf.host_count < 3) {
        fprintf(stderr, "lab: %s lists fewer than three hosts\n", path);
        return -1;
    }
    eng_lab.host_count = eng_lab.conf.host_count;
    for (size_t i = 0; i < eng_lab.host_count && i < ENG_MAX_HOSTS; i++)
        eng_lab.hosts[i] = eng_lab.conf.hosts[i];
    snprintf(eng_lab.journal, sizeof(eng_lab.journal), "/tmp/virtmig-engine-test-%d.jsonl",
             (int)getpid());
    return 0;
}

/* Puts every guest back on labhost1 in its starting state (lab.sh reset),
 * after a test that failed halfway through a migration. */
static inline void eng_lab_reset_guests(void)
{
    char command[256];
    snprintf(command, sizeof(command), "LAB_INSTANCE=%s tests/lab/lab.sh reset >&2",
             eng_lab.instance);
    if (system(command) != 0)
        fprintf(stderr, "lab: reset failed; 'LAB_INSTANCE=%s tests/lab/lab.sh up' restores it\n",
                eng_lab.instance);
}

/* Every lab guest where lab.sh up leaves it: on labhost1 (parked shut off),
 * active nowhere else. */
static inline bool eng_guests_home(const CoreSnapshot *snapshot, void *opaque)
{
    (void)opaque;
    static const char *guests[] = { "idle", "steady", "hot", "parked", "shared-disk",
                                    "local-disk" };
    if (snapshot->host_count < 3)
        return false;
    for (size_t i = 0; i < snapshot->host_count; i++) {
        if (snapshot->hosts[i].state != HOST_CONNECTED || snapshot->hosts[i].last_refresh_ms == 0)
            return false;
    }
    for (size_t g = 0; g < sizeof(guests) / sizeof(guests[0]); g++) {
        const DomainView *home = core_snapshot_find_domain(snapshot, 0, guests[g]);
        bool parked = strcmp(guests[g], "parked") == 0;
        if (!home || home->state != (parked ? DOMAIN_SHUTOFF : DOMAIN_RUNNING))
            return false;
        for (size_t h = 1; h < snapshot->host_count; h++) {
            const DomainView *away = core_snapshot_find_domain(snapshot, h, guests[g]);
            if (away && away->state != DOMAIN_SHUTOFF)
                return false;
        }
    }
    return true;
}

static inline void eng_lab_unload(void)
{
    if (eng_lab.tests_in_flight > 0)
        eng_lab_reset_guests();
    hosts_conf_clear(&eng_lab.conf);
    unlink(eng_lab.journal);
    memset(&eng_lab, 0, sizeof(eng_lab));
}

/* cmocka group teardown: unloads the lab (resetting the guests when a
 * migrating test did not finish). */
static inline int eng_group_teardown(void **state)
{
    (void)state;
    eng_lab_unload();
    return 0;
}

/* A Core on the lab's hosts plus `extra` (may be NULL). */
static inline Core *eng_core_new(const HostSpec *extra)
{
    HostSpec hosts[ENG_MAX_HOSTS + 1];
    size_t count = eng_lab.host_count;
    memcpy(hosts, eng_lab.hosts, sizeof(HostSpec) * count);
    if (extra)
        hosts[count++] = *extra;
    CoreConfig config = {
        .hosts = hosts, .host_count = count, .refresh_ms = 1000, .job_poll_ms = 500,
        .journal_path = eng_lab.journal,
    };
    char *error = NULL;
    Core *core = core_new(&config, &error);
    if (!core)
        fail_msg("core_new: %s", error ? error : "?");
    return core;
}

/* ENGINE_TEST_FILTER=test_name (cmocka's pattern) runs only matching tests. */
static inline void eng_apply_test_filter(void)
{
    const char *filter = getenv("ENGINE_TEST_FILTER");
    if (filter && *filter)
        cmocka_set_test_filter(filter);
}

typedef bool (*EngPredicate)(const CoreSnapshot *snapshot, void *opaque);

/* Waits like a front end: poll on the wake fd, snapshot, test. Leaves the
 * last snapshot in *out (caller clears). Returns true when the predicate held
 * within timeout_ms. */
static inline bool eng_wait(Core *core, unsigned timeout_ms, EngPredicate predicate,
                            void *opaque, CoreSnapshot *out)
{
    double deadline = eng_now_ms() + timeout_ms;
    memset(out, 0, sizeof(*out));
    for (;;) {
        core_snapshot_clear(out);
        assert_int_equal(core_snapshot(core, out), 0);
        if (predicate(out, opaque))
            return true;
        double left = deadline - eng_now_ms();
        if (left <= 0)
            return false;
        struct pollfd pfd = { .fd = core_wake_fd(core), .events = POLLIN };
        if (poll(&pfd, 1, left < 250 ? (int)left : 250) > 0)
            core_wake_drain(core);
    }
}

static inline size_t eng_host(const CoreSnapshot *snapshot, const char *name)
{
    for (size_t i = 0; i < snapshot->host_count; i++) {
        if (strcmp(snapshot->hosts[i].name, name) == 0)
            return i;
    }
    fail_msg("no host %s in the snapshot", name);
    return 0;
}

static inline const DomainView *eng_domain(const CoreSnapshot *snapshot, size_t host,
                                           const char *name)
{
    return core_snapshot_find_domain(snapshot, host, name);
}

static inline bool eng_domain_running(const CoreSnapshot *snapshot, size_t host,
                                      const char *name)
{
    const DomainView *domain = eng_domain(snapshot, host, name);
    return domain && domain->state == DOMAIN_RUNNING;
}

static inline bool eng_all_connected(const CoreSnapshot *snapshot, void *opaque)
{
    size_t count = opaque ? *(size_t *)opaque : snapshot->host_count;
    for (size_t i = 0; i < count; i++) {
        if (snapshot->hosts[i].state != HOST_CONNECTED || snapshot->hosts[i].last_refresh_ms == 0)
            return false;
    }
    return true;
}

static inline void eng_print_messages(const CoreSnapshot *snapshot)
{
    for (size_t i = 0; i < snapshot->message_count; i++)
        fprintf(stderr, "  message: %s\n", snapshot->messages[i].text);
}

/* Where a guest is wanted: its name and the name of its host. */
typedef struct {
    const char *name;
    const char *host;
} EngGuestAt;

/* Every host connected and the guest running on its host (opaque: EngGuestAt). */
static inline bool eng_guest_running_at(const CoreSnapshot *snapshot, void *opaque)
{
    const EngGuestAt *at = opaque;
    if (!eng_all_connected(snapshot, NULL))
        return false;
    return eng_domain_running(snapshot, eng_host(snapshot, at->host), at->name);
}

/* The guest runs on `host` and no longer on labhost1 (opaque: EngGuestAt).
 * The two hosts' lifecycle events arrive independently, so a test that has
 * seen the destination must still wait for the source's refresh. */
static inline bool eng_guest_left_labhost1_for(const CoreSnapshot *snapshot, void *opaque)
{
    const EngGuestAt *at = opaque;
    return eng_guest_running_at(snapshot, opaque) &&
           !eng_domain_running(snapshot, eng_host(snapshot, "labhost1"), at->name);
}

/* Waits until NAME runs on HOST; fails the test (with the engine's messages)
 * when it does not within timeout_ms. */
static inline void eng_require_guest_running(Core *core, const char *name, const char *host,
                                             unsigned timeout_ms)
{
    EngGuestAt at = { name, host };
    CoreSnapshot snapshot;
    bool running = eng_wait(core, timeout_ms, eng_guest_running_at, &at, &snapshot);
    if (!running) {
        fprintf(stderr, "  %s is not running on %s\n", name, host);
        eng_print_messages(&snapshot);
    }
    core_snapshot_clear(&snapshot);
    assert_true(running);
}

/* Waits until NAME runs on host FROM, then gives the snapshot indexes of FROM
 * and TO and the guest's UUID: what a migration request names. */
static inline void eng_locate_guest(Core *core, const char *name, const char *from,
                                    const char *to, size_t *source, size_t *dest,
                                    char uuid[37])
{
    EngGuestAt at = { name, from };
    CoreSnapshot snapshot;
    assert_true(eng_wait(core, 15000, eng_guest_running_at, &at, &snapshot));
    *source = eng_host(&snapshot, from);
    *dest = eng_host(&snapshot, to);
    snprintf(uuid, 37, "%s", eng_domain(&snapshot, *source, name)->uuid);
    core_snapshot_clear(&snapshot);
}

/* Runs a lab shell function for this instance, e.g. "lab_start_host 3". */
static inline int eng_lab_shell(const char *function_call)
{
    char command[1024];
    snprintf(command, sizeof(command),
             "cd tests/lab && LAB_INSTANCE=%s bash -c 'source lib/common.sh && "
             "source lib/net.sh && source lib/hosts.sh && source lib/guests.sh && "
             "lab_init_instance && %s'",
             eng_lab.instance, function_call);
    return system(command);
}

static inline off_t eng_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

/* Test binaries run one after another on the same lab: when an earlier one
 * left a guest elsewhere, put everything back before starting. */
static inline void eng_lab_ensure_home(void)
{
    Core *core = eng_core_new(NULL);
    CoreSnapshot snapshot;
    bool home = eng_wait(core, 10000, eng_guests_home, NULL, &snapshot);
    core_snapshot_clear(&snapshot);
    core_free(core);
    if (!home) {
        fprintf(stderr, "lab: guests are not where lab.sh up leaves them: resetting\n");
        eng_lab_reset_guests();
    }
}

/* cmocka group setup for tests that migrate: the lab loaded and every guest
 * where lab.sh up leaves it. */
static inline int eng_group_setup_home(void **state)
{
    (void)state;
    if (eng_lab_load() < 0)
        return -1;
    eng_lab_ensure_home();
    return 0;
}

#endif
