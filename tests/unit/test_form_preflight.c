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
#include "form_ladder.h"
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

static void press(MigrationForm *form, int key)
{
    assert_int_equal(migration_form_handle_key(form, key, false, NULL), FORM_CONTINUE);
}

static void focus_on(MigrationForm *form, int target)
{
    for (int i = 0; i < (int)FF_COUNT + 2 && form->focus != target; i++)
        press(form, '\t');
    assert_int_equal(form->focus, target);
}

static bool field_says(MigrationForm *form, FormFieldId id, const char *part)
{
    const char *messages[4];
    size_t count = form_field_problems(form, id, messages, 4);
    for (size_t i = 0; i < count && i < 4; i++) {
        if (strstr(messages[i], part))
            return true;
    }
    return false;
}

/* A crafted report whose limits say the guest has an assigned PCI device:
 * post-copy goes away as an option, as a timeout action and as a ladder; the
 * focus leaves a field that went away; a later report without the device
 * brings them back. A report not done, or one that could not run, changes
 * nothing. */
static void test_report_limits_rule_out_postcopy_everywhere(void **state)
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

    /* post-copy allowed, on timeout too, focus on post-copy's bandwidth */
    focus_on(form, FF_POSTCOPY);
    press(form, ' ');
    focus_on(form, FF_TIMEOUT);
    press(form, '3');
    press(form, '0');
    press(form, '\t');
    assert_int_equal(form->focus, FF_TIMEOUT_ACTION);
    press(form, ' ');
    assert_int_equal(form->options.timeout_action, TIMEOUT_ACTION_POSTCOPY);
    assert_non_null(strstr(form->virsh_command, "--timeout-postcopy"));
    assert_int_equal(form_blocking_problem_count(form), 0);
    focus_on(form, FF_POSTCOPY_BANDWIDTH);

    PreflightReport report;
    memset(&report, 0, sizeof(report));
    report.limits.no_postcopy = true;
    report.limits.no_dirty_rate = true;
    report.limits.no_viommu = true;
    report.running = true;   /* not done yet: says nothing */
    assert_false(form_preflight_apply_limits(form, &report));
    report.running = false;
    report.done = true;
    snprintf(report.error, sizeof(report.error), "labhost1: connect: Connection refused");
    assert_false(form_preflight_apply_limits(form, &report));   /* could not run */
    assert_false(form_preflight_apply_limits(NULL, &report));
    assert_false(form_preflight_apply_limits(form, NULL));
    report.error[0] = '\0';

    assert_true(form_preflight_apply_limits(form, &report));
    assert_false(form_preflight_apply_limits(form, &report));   /* nothing new */
    assert_int_equal(form->focus, FF_AUTO_CONVERGE);   /* the next field still there */
    assert_false(form->options.postcopy);
    assert_null(strstr(form->virsh_command, "--postcopy"));
    assert_null(strstr(form->virsh_command, "--timeout-postcopy"));
    assert_true(field_says(form, FF_TIMEOUT_ACTION, "post-copy is not possible for this guest"));
    assert_int_equal(form_blocking_problem_count(form), 1);

    /* Space on "On timeout" goes to suspend and never back to post-copy */
    focus_on(form, FF_TIMEOUT_ACTION);
    press(form, ' ');
    assert_int_equal(form->values.choice[FF_TIMEOUT_ACTION], 0);
    press(form, ' ');
    assert_int_equal(form->values.choice[FF_TIMEOUT_ACTION], 0);
    assert_int_equal(form_blocking_problem_count(form), 0);
    assert_non_null(strstr(form->virsh_command, "--timeout-suspend"));

    /* the ladders skip post-copy */
    focus_on(form, FF_ASSISTANT);
    press(form, ' ');
    assert_int_equal(form->values.choice[FF_ASSISTANT], FORM_LADDER_MINIMAL_DOWNTIME);
    press(form, ' ');
    assert_int_equal(form->values.choice[FF_ASSISTANT], FORM_LADDER_SUSPEND_IF_NEEDED);
    assert_int_equal(form_blocking_problem_count(form), 0);

    /* focus on the post-copy box itself when the report arrives */
    report.limits.no_postcopy = false;
    assert_true(form_preflight_apply_limits(form, &report));
    assert_true(form->options.postcopy);
    focus_on(form, FF_POSTCOPY);
    report.limits.no_postcopy = true;
    assert_true(form_preflight_apply_limits(form, &report));
    assert_int_equal(form->focus, FF_AUTO_CONVERGE);

    /* a focus elsewhere stays put */
    report.limits.no_postcopy = false;
    assert_true(form_preflight_apply_limits(form, &report));
    focus_on(form, FF_BANDWIDTH);
    report.limits.no_postcopy = true;
    assert_true(form_preflight_apply_limits(form, &report));
    assert_int_equal(form->focus, FF_BANDWIDTH);
    migration_form_free(form);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_then_done),
        cmocka_unit_test(test_could_not_run),
        cmocka_unit_test(test_unavailable_postcopy),
        cmocka_unit_test(test_report_limits_rule_out_postcopy_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
