/* An idle fleet costs the front end nothing: a refresh that finds what is
 * already published neither wakes the front end nor moves the generation
 * (so core_snapshot_update copies nothing), yet last_refresh_ms keeps
 * advancing in the kept snapshot; a real change (a suspended domain) is
 * published and wakes it. Runs on libvirt's test driver in-process (a node
 * file; listing and a suspend only, never migration). */
#include <poll.h>
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

#include "core.h"

#define DOMAINS 20
#define REFRESH_MS 200

static char node_path[128];
static char journal_path[128];

static uint64_t now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static int write_node_file(void **state)
{
    (void)state;
    snprintf(node_path, sizeof(node_path), "/tmp/virtmig-quiet-%d.xml", (int)getpid());
    snprintf(journal_path, sizeof(journal_path), "/tmp/virtmig-quiet-%d.jsonl", (int)getpid());
    FILE *file = fopen(node_path, "w");
    if (!file)
        return -1;
    fprintf(file, "<node>\n");
    for (int i = 0; i < DOMAINS; i++)
        fprintf(file, "<domain type='test'><name>vm%02d</name>"
                      "<uuid>00000000-0000-4000-8000-%012x</uuid><memory>262144</memory>"
                      "<vcpu>1</vcpu><os><type>hvm</type></os></domain>\n", i, i);
    fprintf(file, "</node>\n");
    return fclose(file) == 0 ? 0 : -1;
}

static int remove_files(void **state)
{
    (void)state;
    unlink(node_path);
    unlink(journal_path);
    return 0;
}

/* Waits up to timeout_ms for the wake fd; true when it fired (then drained). */
static bool wait_wake(Core *core, int timeout_ms)
{
    struct pollfd pfd = { .fd = core_wake_fd(core), .events = POLLIN };
    if (poll(&pfd, 1, timeout_ms) > 0) {
        core_wake_drain(core);
        return true;
    }
    return false;
}

static void test_unchanged_refresh_is_not_published(void **state)
{
    (void)state;
    char uri[192];
    snprintf(uri, sizeof(uri), "test://%s", node_path);
    HostSpec host = { .name = "quiet", .uri = uri };
    CoreConfig config = { .hosts = &host, .host_count = 1, .refresh_ms = REFRESH_MS,
                          .journal_path = journal_path };
    char *error = NULL;
    Core *core = core_new(&config, &error);
    assert_non_null(core);

    CoreSnapshot snapshot;
    memset(&snapshot, 0, sizeof(snapshot));
    uint64_t deadline = now_ms() + 60000;
    while (now_ms() < deadline) {
        assert_true(core_snapshot_update(core, &snapshot) >= 0);
        if (snapshot.domain_count == DOMAINS)
            break;
        wait_wake(core, 100);
    }
    assert_int_equal(snapshot.domain_count, DOMAINS);

    /* Let the first refresh's news (connection, domains, messages) settle. */
    while (wait_wake(core, 3 * REFRESH_MS))
        assert_true(core_snapshot_update(core, &snapshot) >= 0);
    assert_true(core_snapshot_update(core, &snapshot) >= 0);
    uint64_t generation = snapshot.generation;
    uint64_t refreshed = snapshot.hosts[0].last_refresh_ms;
    assert_true(refreshed != 0);

    /* Eight refresh periods of nothing new: no wakeup, no copy. */
    unsigned wakeups = 0, copies = 0;
    uint64_t quiet_end = now_ms() + 8 * REFRESH_MS;
    while (now_ms() < quiet_end) {
        if (wait_wake(core, 50))
            wakeups++;
        int rc = core_snapshot_update(core, &snapshot);
        assert_true(rc >= 0);
        if (rc == 0)
            copies++;
    }
    fprintf(stderr, "  quiet: %u wakeups, %u copies, last refresh %llu -> %llu ms\n", wakeups,
            copies, (unsigned long long)refreshed,
            (unsigned long long)snapshot.hosts[0].last_refresh_ms);
    assert_int_equal(wakeups, 0);
    assert_int_equal(copies, 0);
    assert_int_equal(snapshot.generation, generation);
    /* ...while the refreshes themselves went on and the kept snapshot says so. */
    assert_true(snapshot.hosts[0].last_refresh_ms >= refreshed + 4 * REFRESH_MS);

    /* A real change is published and wakes the front end. */
    const DomainView *target = core_snapshot_find_domain(&snapshot, 0, "vm07");
    assert_non_null(target);
    assert_int_equal(target->state, DOMAIN_RUNNING);
    assert_null(target->dirty_rate);
    assert_null(target->job);
    char uuid[37];
    memcpy(uuid, target->uuid, sizeof(uuid));
    assert_int_equal(core_request_suspend(core, 0, uuid, &error), 0);
    bool woken = false, paused = false;
    deadline = now_ms() + 10000;
    while (!paused && now_ms() < deadline) {
        woken = wait_wake(core, 100) || woken;
        assert_true(core_snapshot_update(core, &snapshot) >= 0);
        target = core_snapshot_find_domain(&snapshot, 0, uuid);
        paused = target && target->state == DOMAIN_PAUSED;
    }
    assert_true(paused);
    assert_true(woken);
    assert_true(snapshot.generation > generation);

    core_snapshot_clear(&snapshot);
    core_free(core);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unchanged_refresh_is_not_published),
    };
    return cmocka_run_group_tests(tests, write_node_file, remove_files);
}
