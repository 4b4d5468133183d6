/* The form's pre-flight lines from a crafted PreflightReport: while running,
 * after a run (summary first, then failures, warnings, passes), a run that
 * could not happen at all, and a new run under way over old results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "form_preflight.h"
#include "form_state.h"

static void add_check(PreflightReport *report, PreflightCheckId id, PreflightStatus status,
                      const char *why, const char *fix)
{
    PreflightCheck *check = &report->checks[report->check_count++];
    check->id = id;
    check->status = status;
    snprintf(check->why, sizeof(check->why), "%s", why);
    snprintf(check->fix, sizeof(check->fix), "%s", fix);
}

static void test_running_then_done(void **state)
{
    (void)state;
    PreflightReport report;
    memset(&report, 0, sizeof(report));
    char lines[PREFLIGHT_CHECK_COUNT + 2][FORM_PREFLIGHT_LINE];

    assert_int_equal(form_preflight_lines(NULL, "labhost2", lines, 4), 0);
    report.running = true;
    report.generation = 1;
    assert_int_equal(form_preflight_lines(&report, "labhost2", lines, 4), 1);
    assert_non_null(strstr(lines[0], "running the pre-flight checks towards labhost2"));

    report.running = false;
    report.done = true;
    report.done_generation = 1;
    add_check(&report, PREFLIGHT_CHECK_DESTINATION, PREFLIGHT_PASS, "labhost2 is connected", "");
    add_check(&report, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_WARN, "within 10%", "free some memory");
    add_check(&report, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_FAIL, "network labnet does not exist",
              "create network labnet");
    add_check(&report, PREFLIGHT_CHECK_CPU, PREFLIGHT_PASS, "qemu64 runs there", "");
    size_t count = form_preflight_lines(&report, "labhost3", lines,
                                        sizeof(lines) / sizeof(lines[0]));
    assert_int_equal(count, 5);
    assert_string_equal(lines[0], "towards labhost3: 1 FAIL, 1 warning, 2 passes");
    assert_int_equal(strncmp(lines[1], "FAIL    networks: network labnet does not exist -> "
                             "create network labnet", 70), 0);
    assert_int_equal(strncmp(lines[2], "warning memory:", 15), 0);
    assert_int_equal(strncmp(lines[3], "pass    destination:", 20), 0);
    assert_int_equal(strncmp(lines[4], "pass    CPU:", 12), 0);

    /* Room for two: the summary and the failure, never a pass before it. */
    assert_int_equal(form_preflight_lines(&report, "labhost3", lines, 2), 2);
    assert_non_null(strstr(lines[1], "FAIL"));

    /* A newer run over these results says so on the summary. */
    report.running = true;
    report.generation = 2;
    form_preflight_lines(&report, "labhost3", lines, 3);
    assert_non_null(strstr(lines[0], "re-checking"));
}

static void test_could_not_run(void **state)
{
    (void)state;
    PreflightReport report;
    memset(&report, 0, sizeof(report));
    report.done = true;
    snprintf(report.error, sizeof(report.error),
             "labhost1: pre-flight checks: connect to qemu+tcp://198.18.77.11/system: "
             "Cannot recv data: Connection reset by peer");
    char lines[4][FORM_PREFLIGHT_LINE];
    assert_int_equal(form_preflight_lines(&report, "labhost2", lines, 4), 1);
    assert_int_equal(strncmp(lines[0], "FAIL    pre-flight: labhost1:", 29), 0);
    assert_non_null(strstr(lines[0], "Connection reset by peer"));
}

/* A report saying post-copy is impossible (an assigned VF) makes the form stop
 * offering it: disabled, left out of the options and of the virsh line. */
static void test_unavailable_postcopy(void **state)
{
    (void)state;
    HostView hosts[2];
    DomainView domain;
    memset(hosts, 0, sizeof(hosts));
    memset(&domain, 0, sizeof(domain));
    hosts[0] = (HostView){ .name = (char *)"labhost1", .uri = (char *)"qemu+tcp://a/system",
                           .state = HOST_CONNECTED, .libvirt_version = 9000000 };
    hosts[1] = (HostView){ .name = (char *)"labhost2", .uri = (char *)"qemu+tcp://b/system",
                           .state = HOST_CONNECTED, .libvirt_version = 9000000 };
    snprintf(domain.uuid, sizeof(domain.uuid), "22222222-2222-4333-8444-555555555555");
    domain.name = (char *)"nfv-1";
    domain.state = DOMAIN_RUNNING;
    CoreSnapshot snapshot = { .hosts = hosts, .host_count = 2, .domains = &domain,
                              .domain_count = 1 };
    MigrationForm *form = migration_form_open(&snapshot, 0, domain.uuid);
    assert_non_null(form);
    form->values.on[FF_POSTCOPY] = true;
    assert_false(migration_form_set_unavailable(form, FF_POSTCOPY, false));   /* no change */
    assert_true(migration_form_set_unavailable(form, FF_POSTCOPY, true));
    assert_false(form_field_enabled(&form->values, FF_POSTCOPY));
    assert_false(form_field_enabled(&form->values, FF_POSTCOPY_BANDWIDTH));
    assert_false(form->options.postcopy);
    assert_null(strstr(form->virsh_command, "--postcopy"));
    assert_true(migration_form_set_unavailable(form, FF_POSTCOPY, false));
    assert_true(form->options.postcopy);
    assert_non_null(strstr(form->virsh_command, "--postcopy"));
    assert_false(migration_form_set_unavailable(form, (int)FF_COUNT, true));
    assert_false(migration_form_set_unavailable(NULL, FF_POSTCOPY, true));
    migration_form_free(form);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_then_done),
        cmocka_unit_test(test_could_not_run),
        cmocka_unit_test(test_unavailable_postcopy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
