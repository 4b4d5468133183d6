/* Pre-flight checks against the real lab ($LAB_INSTANCE): facts gathered from
 * real daemons and real QEMU guests, decided by the rules, one case that
 * fails for a real reason and one that passes per check where the lab can
 * produce it. Nothing is migrated here: every check runs before a launch.
 *
 * Not here: the host-device rule (no PCI device to assign in the lab: it is
 * covered on crafted XML in tests/unit/test_preflight_rules.c), a libvirt
 * too old for an option (every lab host runs the same libvirt) and the
 * disk-cache refusal (QEMU 7.2 drops caches, so libvirt accepts any mode:
 * the pass is checked here, the refusal on crafted versions in the unit test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core.h"
#include "hosts_conf.h"
#include "preflight.h"
#include "support/lab.h"

/* ---- helpers ------------------------------------------------------------ */

typedef struct {
    PreflightGathered *gathered;
    PreflightCheck checks[PREFLIGHT_CHECK_COUNT];
    PreflightLimits limits;
    bool copy_needed;
} Run;

/* Host (1..3) where the guest is now (the lab starts them on labhost1). */
static int home_of(const char *name)
{
    int host = lab_find_domain_host(name);
    if (host <= 0)
        fail_msg("lab: %s is on no host; reset the lab (tests/lab/lab.sh reset)", name);
    return host;
}

static char *uuid_of(int host, const char *name)
{
    virConnectPtr conn = lab_connect(host);
    virDomainPtr domain = lab_domain(conn, name);
    char *uuid = malloc(VIR_UUID_STRING_BUFLEN);
    assert_non_null(uuid);
    assert_int_equal(virDomainGetUUIDString(domain, uuid), 0);
    virDomainFree(domain);
    virConnectClose(conn);
    return uuid;
}

/* Gathers and decides the way the engine does. measure: seconds of dirty-rate
 * measurement (0: none). */
static void run_checks(Run *run, const char *name, int from, int to,
                       const MigrateOptions *options, unsigned measure)
{
    memset(run, 0, sizeof(*run));
    virConnectPtr source = lab_connect(from);
    virConnectPtr dest = lab_connect(to);
    char *uuid = uuid_of(from, name);
    PreflightInput input = {
        .source_name = lab_name(from),
        .dest_name = lab_name(to),
        .dest_uri = lab_uri(to),
        .measure_seconds = measure,
    };
    char *error = NULL;
    int rc = preflight_gather(source, dest, uuid, options, &input, &run->gathered, &error);
    if (rc < 0)
        fail_msg("gather %s %s -> %s: %s", name, lab_name(from), lab_name(to),
                 error ? error : "?");
    preflight_rules_evaluate(&run->gathered->facts, options, run->checks, &run->limits,
                             &run->copy_needed);
    for (size_t i = 0; i < PREFLIGHT_CHECK_COUNT; i++) {
        char line[512];
        preflight_check_format(&run->checks[i], line, sizeof(line));
        fprintf(stderr, "  %s %s->%s: %s\n", name, lab_name(from), lab_name(to), line);
    }
    free(uuid);
    virConnectClose(dest);
    virConnectClose(source);
}

static void run_clear(Run *run)
{
    preflight_gathered_free(run->gathered);
    memset(run, 0, sizeof(*run));
}

static void assert_status(const Run *run, PreflightCheckId id, PreflightStatus status)
{
    const PreflightCheck *check = &run->checks[id];
    if (check->status != status)
        fail_msg("%s: expected %s, got %s: %s -> %s", preflight_check_name(id),
                 preflight_status_name(status), preflight_status_name(check->status), check->why,
                 check->fix);
}

static void assert_why_contains(const Run *run, PreflightCheckId id, const char *text)
{
    if (!strstr(run->checks[id].why, text))
        fail_msg("%s: \"%s\" not in \"%s\"", preflight_check_name(id), text, run->checks[id].why);
}

static void assert_fix_contains(const Run *run, PreflightCheckId id, const char *text)
{
    if (!strstr(run->checks[id].fix, text))
        fail_msg("%s: fix \"%s\" not in \"%s\"", preflight_check_name(id), text,
                 run->checks[id].fix);
}

static int other_host(int host)
{
    return host == 2 ? 1 : 2;
}

/* ---- destination, versions, CPU, memory ---------------------------------- */

static void test_destination_versions_cpu_memory_pass(void **state)
{
    (void)state;
    MigrateOptions options;
    migrate_options_init(&options);
    int from = home_of("steady");
    Run run;
    run_checks(&run, "steady", from, other_host(from), &options, 0);
    assert_status(&run, PREFLIGHT_CHECK_DESTINATION, PREFLIGHT_PASS);
    assert_why_contains(&run, PREFLIGHT_CHECK_DESTINATION, "QEMU");
    assert_status(&run, PREFLIGHT_CHECK_VERSIONS, PREFLIGHT_PASS);
    /* steady has <cpu mode='custom'><model>qemu64</model>: compared for real. */
    assert_non_null(run.gathered->domain->cpu_xml);
    assert_status(&run, PREFLIGHT_CHECK_CPU, PREFLIGHT_PASS);
    assert_why_contains(&run, PREFLIGHT_CHECK_CPU, "qemu64");
    assert_true(run.gathered->facts.cpu_result == PREFLIGHT_CPU_IDENTICAL ||
                run.gathered->facts.cpu_result == PREFLIGHT_CPU_SUPERSET);
    assert_status(&run, PREFLIGHT_CHECK_MEMORY, PREFLIGHT_PASS);
    assert_true(run.gathered->facts.dest_free_memory_known);
    assert_true(run.gathered->facts.dest_free_memory_bytes > 512ull << 20);
    assert_status(&run, PREFLIGHT_CHECK_HOSTDEV, PREFLIGHT_PASS);
    assert_false(run.limits.no_postcopy);

    /* Memory: the same real free memory against a crafted huge guest. */
    run.gathered->domain->memory_kib = run.gathered->facts.dest_free_memory_bytes / 1024 * 4;
    PreflightCheck memory;
    preflight_rule_memory(&run.gathered->facts, &options, &memory);
    assert_int_equal(memory.status, PREFLIGHT_FAIL);
    assert_non_null(strstr(memory.why, "free"));
    run_clear(&run);
    migrate_options_clear(&options);
}

static void test_cpu_impossible_model_fails(void **state)
{
    (void)state;
    int from = home_of("steady");
    virConnectPtr dest = lab_connect(other_host(from));
    /* No x86 host in the lab offers AVX-512 to a guest: TCG has no AVX at
     * all and the lab's KVM hosts are older. */
    static const char xml[] =
        "<domain type='qemu'><name>impossible</name><memory>65536</memory>"
        "<os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>"
        "<cpu mode='custom' match='exact'><model fallback='forbid'>Skylake-Server</model>"
        "<feature policy='require' name='avx512f'/></cpu></domain>";
    DomainXmlInfo *info = NULL;
    char *error = NULL;
    assert_int_equal(domain_xml_parse_string(xml, "crafted", &info, &error), 0);
    char *compare_error = NULL;
    PreflightCpuResult result = preflight_compare_cpu(dest, info, &compare_error);
    assert_int_equal(result, PREFLIGHT_CPU_INCOMPATIBLE);
    assert_non_null(compare_error);

    PreflightFacts facts;
    memset(&facts, 0, sizeof(facts));
    facts.dest_name = lab_name(other_host(from));
    facts.domain = info;
    facts.cpu_result = result;
    facts.cpu_error = compare_error;
    PreflightCheck check;
    preflight_rule_cpu(&facts, &check);
    assert_int_equal(check.status, PREFLIGHT_FAIL);
    assert_non_null(strstr(check.why, "Skylake-Server"));
    /* libvirt's own message, which can be long: its start is in the line. */
    char start[32];
    snprintf(start, sizeof(start), "%s", compare_error);
    assert_non_null(strstr(check.why, start));
    fprintf(stderr, "  crafted CPU: %s\n", check.why);
    free(compare_error);
    domain_xml_free(info);
    virConnectClose(dest);
}

/* ---- name / UUID ------------------------------------------------------------ */

static void test_name_clash_on_destination(void **state)
{
    (void)state;
    MigrateOptions options;
    migrate_options_init(&options);
    int from = home_of("idle");
    int to = other_host(from);
    Run run;
    run_checks(&run, "idle", from, to, &options, 0);
    assert_status(&run, PREFLIGHT_CHECK_NAME, PREFLIGHT_PASS);
    run_clear(&run);

    /* Another domain named idle (another UUID), defined on the destination. */
    virConnectPtr dest = lab_connect(to);
    static const char other[] =
        "<domain type='qemu'><name>idle</name><uuid>5a1ab0ff-0000-4000-9000-0000000000ff</uuid>"
        "<memory>65536</memory><os><type arch='x86_64'>hvm</type></os></domain>";
    virDomainPtr clash = virDomainDefineXML(dest, other);
    if (!clash)
        fail_msg("define a clashing idle on %s: %s", lab_name(to), lab_libvirt_error());
    run_checks(&run, "idle", from, to, &options, 0);
    virDomainUndefine(clash);
    virDomainFree(clash);
    assert_status(&run, PREFLIGHT_CHECK_NAME, PREFLIGHT_FAIL);
    assert_why_contains(&run, PREFLIGHT_CHECK_NAME, "5a1ab0ff-0000-4000-9000-0000000000ff");
    run_clear(&run);

    /* The guest's own definition (same name and UUID), shut off there: the
     * copy a migration there and back without undefine would leave. */
    virConnectPtr source = lab_connect(from);
    virDomainPtr idle = lab_domain(source, "idle");
    char *xml = virDomainGetXMLDesc(idle, VIR_DOMAIN_XML_INACTIVE);
    assert_non_null(xml);
    virDomainPtr copy = virDomainDefineXML(dest, xml);
    free(xml);
    if (!copy)
        fail_msg("define idle's copy on %s: %s", lab_name(to), lab_libvirt_error());
    run_checks(&run, "idle", from, to, &options, 0);
    virDomainUndefine(copy);
    virDomainFree(copy);
    assert_status(&run, PREFLIGHT_CHECK_NAME, PREFLIGHT_WARN);
    assert_why_contains(&run, PREFLIGHT_CHECK_NAME, "shut-off copy");
    assert_why_contains(&run, PREFLIGHT_CHECK_NAME, "live migration replaces");
    run_clear(&run);
    virDomainFree(idle);
    virConnectClose(source);
    virConnectClose(dest);
    migrate_options_clear(&options);
}

/* ---- storage --------------------------------------------------------------- */

static void test_storage_local_disk_needs_copy(void **state)
{
    (void)state;
    MigrateOptions options;
    migrate_options_init(&options);
    int from = home_of("local-disk");
    int to = other_host(from);
    Run run;
    run_checks(&run, "local-disk", from, to, &options, 0);
    assert_status(&run, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_FAIL);
    assert_true(run.copy_needed);
    assert_why_contains(&run, PREFLIGHT_CHECK_STORAGE, "vda");
    assert_fix_contains(&run, PREFLIGHT_CHECK_STORAGE, "copy-storage-all");
    /* It stays in place unless copied: qcow2 with the default cache, which
     * QEMU 7.2 makes safe. */
    assert_status(&run, PREFLIGHT_CHECK_DISK_CACHE, PREFLIGHT_PASS);
    assert_why_contains(&run, PREFLIGHT_CHECK_DISK_CACHE, "vda");
    run_clear(&run);

    options.copy_storage_all = true;
    run_checks(&run, "local-disk", from, to, &options, 0);
    assert_status(&run, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_PASS);
    assert_why_contains(&run, PREFLIGHT_CHECK_STORAGE, "labpool");
    assert_false(run.copy_needed);
    run_clear(&run);
    migrate_options_clear(&options);
}

static void test_storage_shared_disk_passes(void **state)
{
    (void)state;
    MigrateOptions options;
    migrate_options_init(&options);
    int from = home_of("shared-disk");
    Run run;
    run_checks(&run, "shared-disk", from, other_host(from), &options, 0);
    assert_status(&run, PREFLIGHT_CHECK_STORAGE, PREFLIGHT_PASS);
    assert_why_contains(&run, PREFLIGHT_CHECK_STORAGE, "nbd");
    assert_false(run.copy_needed);
    run_clear(&run);
    migrate_options_clear(&options);
}

/* ---- networks --------------------------------------------------------------- */

static void test_networks_labnet(void **state)
{
    (void)state;
    MigrateOptions options;
    migrate_options_init(&options);
    int from = home_of("steady");
    Run run;
    run_checks(&run, "steady", from, 3, &options, 0);
    assert_status(&run, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_FAIL);
    assert_why_contains(&run, PREFLIGHT_CHECK_NETWORKS, "labnet");
    assert_why_contains(&run, PREFLIGHT_CHECK_NETWORKS, "labhost3");
    run_clear(&run);

    run_checks(&run, "steady", from, from == 1 ? 2 : 1, &options, 0);
    assert_status(&run, PREFLIGHT_CHECK_NETWORKS, PREFLIGHT_PASS);
    assert_why_contains(&run, PREFLIGHT_CHECK_NETWORKS, "labnet is active");
    run_clear(&run);
    migrate_options_clear(&options);
}

/* ---- hostname --------------------------------------------------------------- */

static void test_hostname(void **state)
{
    (void)state;
    MigrateOptions options;
    migrate_options_init(&options);
    int from = home_of("idle");
    int to = other_host(from);
    Run run;
    run_checks(&run, "idle", from, to, &options, 0);
    /* The lab hosts name themselves labhostK: libvirt's own answer. They
     * resolve inside the lab's namespaces (their hosts file); from here that
     * is a question, not a failure. */
    const PreflightFacts *facts = &run.gathered->facts;
    assert_non_null(facts->dest_hostname);
    assert_string_equal(facts->dest_hostname, lab_name(to));
    assert_int_not_equal(run.checks[PREFLIGHT_CHECK_HOSTNAME].status, PREFLIGHT_FAIL);
    assert_why_contains(&run, PREFLIGHT_CHECK_HOSTNAME, lab_name(to));
    if (facts->hostname_resolved)
        assert_status(&run, PREFLIGHT_CHECK_HOSTNAME, PREFLIGHT_PASS);
    else
        assert_fix_contains(&run, PREFLIGHT_CHECK_HOSTNAME, facts->dest_uri_host);

    /* The address the destination's URI names resolves, and not to loopback:
     * as a hostname it passes. */
    PreflightFacts crafted = *facts;
    char *error = NULL;
    crafted.dest_hostname = facts->dest_uri_host;
    preflight_resolve(crafted.dest_hostname, &crafted.hostname_resolved,
                      &crafted.hostname_loopback_only, crafted.hostname_address, &error);
    assert_null(error);
    PreflightCheck check;
    preflight_rule_hostname(&crafted, &options, &check);
    assert_int_equal(check.status, PREFLIGHT_PASS);

    /* A name that resolves only to loopback fails, with the migrate-URI fix. */
    crafted.dest_hostname = "127.0.0.1";
    preflight_resolve(crafted.dest_hostname, &crafted.hostname_resolved,
                      &crafted.hostname_loopback_only, crafted.hostname_address, &error);
    assert_true(crafted.hostname_resolved);
    assert_true(crafted.hostname_loopback_only);
    preflight_rule_hostname(&crafted, &options, &check);
    assert_int_equal(check.status, PREFLIGHT_FAIL);
    assert_non_null(strstr(check.fix, "--migrateuri tcp://"));
    run_clear(&run);
    migrate_options_clear(&options);
}

/* ---- dirty rate --------------------------------------------------------------- */

static void test_dirty_rate_prediction(void **state)
{
    (void)state;
    MigrateOptions options;
    migrate_options_init(&options);
    options.bandwidth_mibs = 50;
    int from = home_of("hot");
    Run run;
    run_checks(&run, "hot", from, other_host(from), &options, 2);
    assert_true(run.gathered->facts.dirty_rate_known);
    assert_status(&run, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_FAIL);
    assert_why_contains(&run, PREFLIGHT_CHECK_DIRTY_RATE, "not to converge");
    assert_fix_contains(&run, PREFLIGHT_CHECK_DIRTY_RATE, "post-copy");
    run_clear(&run);

    from = home_of("idle");
    run_checks(&run, "idle", from, other_host(from), &options, 2);
    assert_true(run.gathered->facts.dirty_rate_known);
    assert_status(&run, PREFLIGHT_CHECK_DIRTY_RATE, PREFLIGHT_PASS);
    assert_why_contains(&run, PREFLIGHT_CHECK_DIRTY_RATE, "predicted to converge");
    run_clear(&run);
    migrate_options_clear(&options);
}

/* ---- through the engine ---------------------------------------------------------- */

typedef struct {
    HostsConf conf;
    HostSpec hosts[4];
    Core *core;
} EngineLab;

static const PreflightReport *wait_report(Core *core, CoreSnapshot *snapshot, const char *uuid,
                                          size_t dest, int generation, unsigned timeout_ms)
{
    double deadline = lab_now_ms() + timeout_ms;
    while (lab_now_ms() < deadline) {
        core_snapshot_clear(snapshot);
        assert_int_equal(core_snapshot(core, snapshot), 0);
        const PreflightReport *report = core_snapshot_find_preflight(snapshot, uuid, dest);
        if (report && report->done && !report->running &&
            report->done_generation == (uint64_t)generation)
            return report;
        usleep(100 * 1000);
    }
    fail_msg("no pre-flight report for %s towards host %zu within %u ms", uuid, dest, timeout_ms);
    return NULL;
}

static void wait_connected(Core *core, size_t count)
{
    double deadline = lab_now_ms() + 30000;
    while (lab_now_ms() < deadline) {
        CoreSnapshot snapshot;
        assert_int_equal(core_snapshot(core, &snapshot), 0);
        size_t connected = 0, domains = snapshot.domain_count;
        for (size_t i = 0; i < snapshot.host_count; i++)
            connected += snapshot.hosts[i].state == HOST_CONNECTED;
        core_snapshot_clear(&snapshot);
        if (connected >= count && domains > 0)
            return;
        usleep(100 * 1000);
    }
    fail_msg("the lab's hosts did not connect within 30 s");
}

static void test_engine_publishes_reports(void **state)
{
    (void)state;
    const LabInfo *lab = lab_require();
    EngineLab engine;
    memset(&engine, 0, sizeof(engine));
    assert_int_equal(hosts_conf_load_file(&engine.conf, lab->hosts_conf), 0);
    assert_true(engine.conf.host_count >= 3);
    for (size_t i = 0; i < 3; i++)
        engine.hosts[i] = engine.conf.hosts[i];
    /* A fourth host nobody answers at (an unused address of the lab's subnet). */
    char dead_uri[128];
    snprintf(dead_uri, sizeof(dead_uri), "qemu+tcp://%.*s99/system",
             (int)(strrchr(lab->bridge_addr, '.') - lab->bridge_addr + 1), lab->bridge_addr);
    engine.hosts[3] = (HostSpec){ "deadhost", dead_uri };
    char journal[128];
    snprintf(journal, sizeof(journal), "/tmp/virtmig-preflight-test-%d.jsonl", (int)getpid());
    CoreConfig config = { .hosts = engine.hosts, .host_count = 4, .journal_path = journal };
    char *error = NULL;
    engine.core = core_new(&config, &error);
    if (!engine.core)
        fail_msg("core_new: %s", error ? error : "?");
    wait_connected(engine.core, 3);

    int from = home_of("steady");
    char *uuid = uuid_of(from, "steady");
    MigrateOptions options;
    migrate_options_init(&options);
    CoreSnapshot snapshot;
    memset(&snapshot, 0, sizeof(snapshot));

    /* The request returns at once; the report arrives in a snapshot. */
    double before = lab_now_ms();
    int to_third = core_request_preflight(engine.core, (size_t)from - 1, uuid, 2, &options, &error);
    assert_true(to_third > 0);
    assert_true(lab_now_ms() - before < 50);
    int to_other = core_request_preflight(engine.core, (size_t)from - 1, uuid,
                                          (size_t)other_host(from) - 1, &options, &error);
    assert_true(to_other > to_third);
    int to_dead = core_request_preflight(engine.core, (size_t)from - 1, uuid, 3, &options, &error);
    assert_true(to_dead > to_other);

    const PreflightReport *report = wait_report(engine.core, &snapshot, uuid, 2, to_third, 60000);
    assert_int_equal(report->check_count, PREFLIGHT_CHECK_COUNT);
    assert_int_equal(report->checks[PREFLIGHT_CHECK_NETWORKS].status, PREFLIGHT_FAIL);
    assert_int_equal(report->worst, PREFLIGHT_FAIL);

    report = wait_report(engine.core, &snapshot, uuid, (size_t)other_host(from) - 1, to_other,
                         60000);
    assert_int_equal(report->check_count, PREFLIGHT_CHECK_COUNT);
    assert_int_equal(report->checks[PREFLIGHT_CHECK_NETWORKS].status, PREFLIGHT_PASS);
    assert_int_equal(report->checks[PREFLIGHT_CHECK_CPU].status, PREFLIGHT_PASS);
    assert_string_equal(report->error, "");

    /* The dead host: the destination check alone, failing, saying why. */
    report = wait_report(engine.core, &snapshot, uuid, 3, to_dead, 60000);
    assert_int_equal(report->check_count, 1);
    assert_int_equal(report->checks[0].id, PREFLIGHT_CHECK_DESTINATION);
    assert_int_equal(report->checks[0].status, PREFLIGHT_FAIL);
    assert_non_null(strstr(report->checks[0].why, "deadhost is not connected"));

    /* Refused outright: unknown domain, same host. */
    assert_int_equal(core_request_preflight(engine.core, 0, "no-such-domain", 1, &options, &error),
                     -1);
    assert_non_null(error);
    assert_non_null(strstr(error, "no-such-domain"));
    free(error);
    error = NULL;
    assert_int_equal(core_request_preflight(engine.core, 0, uuid, 0, &options, &error), -1);
    assert_non_null(strstr(error, "choose another destination"));
    free(error);

    core_snapshot_clear(&snapshot);
    migrate_options_clear(&options);
    free(uuid);
    core_free(engine.core);
    hosts_conf_clear(&engine.conf);
    unlink(journal);
}

int main(void)
{
    lab_quiet_libvirt();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_destination_versions_cpu_memory_pass),
        cmocka_unit_test(test_cpu_impossible_model_fails),
        cmocka_unit_test(test_name_clash_on_destination),
        cmocka_unit_test(test_storage_local_disk_needs_copy),
        cmocka_unit_test(test_storage_shared_disk_passes),
        cmocka_unit_test(test_networks_labnet),
        cmocka_unit_test(test_hostname),
        cmocka_unit_test(test_dirty_rate_prediction),
        cmocka_unit_test(test_engine_publishes_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
