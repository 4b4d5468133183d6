/* The engine listing many domains: 300 guests of libvirt's test driver
 * (a node file, in-process; listing only, never migration) through one host
 * worker. Measures what the front end pays per snapshot at that size and
 * that the bulk refresh keeps every domain, sorted, with its state. */
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

#define DOMAINS 300

static char node_path[128];
static char journal_path[128];

static double now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

static int write_node_file(void **state)
{
    (void)state;
    snprintf(node_path, sizeof(node_path), "/tmp/virtmig-scale-%d.xml", (int)getpid());
    snprintf(journal_path, sizeof(journal_path), "/tmp/virtmig-scale-%d.jsonl", (int)getpid());
    FILE *file = fopen(node_path, "w");
    if (!file)
        return -1;
    fprintf(file, "<node>\n");
    /* Written in reverse order: the engine sorts by name. */
    for (int i = DOMAINS - 1; i >= 0; i--)
        fprintf(file, "<domain type='test'><name>vm%04d</name>"
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

static void test_snapshot_of_three_hundred_domains(void **state)
{
    (void)state;
    char uri[192];
    snprintf(uri, sizeof(uri), "test://%s", node_path);
    HostSpec host = { .name = "scale", .uri = uri };
    CoreConfig config = { .hosts = &host, .host_count = 1, .refresh_ms = 500,
                          .journal_path = journal_path };
    char *error = NULL;
    Core *core = core_new(&config, &error);
    assert_non_null(core);

    /* The test driver parses the node file on open: give it time. */
    CoreSnapshot snapshot;
    memset(&snapshot, 0, sizeof(snapshot));
    double deadline = now_ms() + 90000;
    while (now_ms() < deadline) {
        core_snapshot_clear(&snapshot);
        assert_int_equal(core_snapshot(core, &snapshot), 0);
        if (snapshot.domain_count == DOMAINS)
            break;
        struct pollfd pfd = { .fd = core_wake_fd(core), .events = POLLIN };
        if (poll(&pfd, 1, 200) > 0)
            core_wake_drain(core);
    }
    assert_int_equal(snapshot.domain_count, DOMAINS);
    fprintf(stderr, "  %d domains listed %.0f ms after core_new (the test driver parses its "
            "node file on open)\n", DOMAINS, now_ms() - (deadline - 90000));
    assert_int_equal(snapshot.hosts[0].state, HOST_CONNECTED);
    for (size_t i = 0; i < DOMAINS; i++) {
        char name[16];
        snprintf(name, sizeof(name), "vm%04zu", i);
        assert_string_equal(snapshot.domains[i].name, name);
        assert_int_equal(snapshot.domains[i].state, DOMAIN_RUNNING);
        assert_int_equal(snapshot.domains[i].host_index, 0);
    }
    assert_non_null(core_snapshot_find_domain(&snapshot, 0, "vm0299"));
    core_snapshot_clear(&snapshot);

    /* What a front end pays per wakeup at this size, refreshes going on. */
    double worst = 0, total = 0;
    const int rounds = 40;
    for (int i = 0; i < rounds; i++) {
        double t0 = now_ms();
        assert_int_equal(core_snapshot(core, &snapshot), 0);
        double took = now_ms() - t0;
        total += took;
        worst = took > worst ? took : worst;
        assert_int_equal(snapshot.domain_count, DOMAINS);
        core_snapshot_clear(&snapshot);
        usleep(25000);
    }
    fprintf(stderr, "  core_snapshot of %d domains: mean %.2f ms, worst %.2f ms\n",
            DOMAINS, total / rounds, worst);

    /* The same through core_snapshot_update: arrays reused, nothing copied
     * while nothing changed. Sanitizers slow copying down several times, so
     * the bound is generous; the ratio to a fresh snapshot is the point. */
    CoreSnapshot kept;
    memset(&kept, 0, sizeof(kept));
    assert_int_equal(core_snapshot_update(core, &kept), 0);
    assert_int_equal(kept.domain_count, DOMAINS);
    double update_total = 0, update_worst = 0;
    int copies = 0;
    for (int i = 0; i < rounds; i++) {
        double t0 = now_ms();
        int rc = core_snapshot_update(core, &kept);
        double took = now_ms() - t0;
        assert_true(rc == 0 || rc == 1);
        copies += rc == 0;
        update_total += took;
        update_worst = took > update_worst ? took : update_worst;
        assert_int_equal(kept.domain_count, DOMAINS);
        assert_string_equal(kept.domains[DOMAINS - 1].name, "vm0299");
        usleep(25000);
    }
    fprintf(stderr, "  core_snapshot_update: mean %.2f ms, worst %.2f ms (%d of %d copied)\n",
            update_total / rounds, update_worst, copies, rounds);
    /* An unchanged state costs nothing; a refresh every 500 ms changes it. */
    assert_true(copies < rounds);
    assert_true(update_total < total);
    /* Right after an update, another finds nothing new (unless a refresh
     * changed something in between: then the one after). */
    int unchanged = 0;
    for (int i = 0; i < 5 && unchanged != 1; i++) {
        assert_true(core_snapshot_update(core, &kept) >= 0);
        unchanged = core_snapshot_update(core, &kept);
    }
    assert_int_equal(unchanged, 1);
    core_snapshot_clear(&kept);

    /* Watching a domain on a host that cannot measure dirty rates (the test
     * driver has no virDomainStartDirtyRateCalc: VIR_ERR_NO_SUPPORT): the
     * engine says so once with libvirt's message, stops watching, and
     * remembers it for the host, rather than retry every tick or for every
     * domain selected next. */
    assert_int_equal(core_request_watch_dirty_rate(core, 0, "vm0042", true), 0);
    bool told = false;
    for (int i = 0; i < 100 && !told; i++) {
        assert_int_equal(core_snapshot(core, &snapshot), 0);
        for (size_t m = 0; m < snapshot.message_count; m++)
            told |= strstr(snapshot.messages[m].text, "not supported") != NULL &&
                    strstr(snapshot.messages[m].text, "will not try again") != NULL;
        if (told) {
            assert_false(core_snapshot_find_domain(&snapshot, 0, "vm0042")->dirty_rate_watched);
            assert_true(snapshot.hosts[0].dirty_rate_unsupported);
        }
        core_snapshot_clear(&snapshot);
        usleep(50000);
    }
    assert_true(told);
    /* Remembered: another domain of that host is refused at once, and said
     * nothing new (the one message above stays the only one). */
    assert_int_equal(core_request_watch_dirty_rate(core, 0, "vm0043", true), -1);
    assert_int_equal(core_request_measure_dirty_rate(core, 0, "vm0043"), -1);
    /* Switching a watch off is still accepted. */
    assert_int_equal(core_request_watch_dirty_rate(core, 0, "vm0043", false), 0);
    usleep(300000);
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    size_t said = 0;
    for (size_t m = 0; m < snapshot.message_count; m++)
        said += strstr(snapshot.messages[m].text, "dirty rate") != NULL;
    assert_int_equal(said, 1);
    assert_false(core_snapshot_find_domain(&snapshot, 0, "vm0043")->dirty_rate_watched);
    core_snapshot_clear(&snapshot);
    core_free(core);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_of_three_hundred_domains),
    };
    return cmocka_run_group_tests(tests, write_node_file, remove_files);
}
