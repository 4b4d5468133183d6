/* Helpers for integration tests against the lab: see lab.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <libvirt/virterror.h>

#include "support/lab.h"

#define POLL_MS 100

static LabInfo lab_loaded;
static bool lab_is_loaded;
static char lab_peer_uris[LAB_HOST_COUNT][64];

double lab_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

static void sleep_ms(unsigned ms)
{
    struct timespec pause = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
        ;
}

static char *format_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
static char *format_error(const char *format, ...)
{
    va_list args;
    char *text = NULL;
    va_start(args, format);
    if (vasprintf(&text, format, args) < 0)
        text = NULL;
    va_end(args);
    return text;
}

static void ignore_libvirt_error(void *opaque, virErrorPtr error)
{
    (void)opaque;
    (void)error;
}

void lab_quiet_libvirt(void)
{
    virSetErrorFunc(NULL, ignore_libvirt_error);
}

const char *lab_libvirt_error(void)
{
    const char *message = virGetLastErrorMessage();
    return message ? message : "(libvirt gave no message)";
}

/* Copies VALUE into a fixed field; a value that does not fit is an error. */
static int set_field(char *field, size_t size, const char *value)
{
    return (size_t)snprintf(field, size, "%s", value) < size ? 0 : -1;
}

/* Applies one "KEY=VALUE" line of lab.env to *info (unknown keys ignored). */
static int apply_env_line(LabInfo *info, char *line)
{
    char *equals = strchr(line, '=');
    if (!equals)
        return 0;
    *equals = '\0';
    const char *key = line;
    char *value = equals + 1;
    size_t length = strlen(value);
    if (length >= 2 && value[0] == '\'' && value[length - 1] == '\'') {
        value[length - 1] = '\0';
        value++;
    }
    if (strcmp(key, "LAB_ACCEL") == 0)
        return set_field(info->accel, sizeof(info->accel), value);
    if (strcmp(key, "LAB_BRIDGE_ADDR") == 0)
        return set_field(info->bridge_addr, sizeof(info->bridge_addr), value);
    if (strcmp(key, "LAB_HOSTS_CONF") == 0)
        return set_field(info->hosts_conf, sizeof(info->hosts_conf), value);
    if (strcmp(key, "LAB_DEFAULT_BANDWIDTH_MIB") == 0) {
        info->default_bandwidth_mib = (unsigned)strtoul(value, NULL, 10);
        return 0;
    }
    int host;
    char kind[8];
    if (sscanf(key, "LAB_%7[A-Z]%d", kind, &host) != 2 || host < 1 || host > LAB_HOST_COUNT)
        return 0;
    if (strcmp(kind, "NAME") == 0)
        return set_field(info->names[host - 1], sizeof(info->names[0]), value);
    if (strcmp(kind, "URI") == 0)
        return set_field(info->uris[host - 1], sizeof(info->uris[0]), value);
    if (strcmp(kind, "SOCK") == 0)
        return set_field(info->socks[host - 1], sizeof(info->socks[0]), value);
    return 0;
}

int lab_info_load(LabInfo *info, char **error)
{
    const char *instance_text = getenv("LAB_INSTANCE");
    memset(info, 0, sizeof(*info));
    *error = NULL;
    if (!instance_text || !*instance_text)
        instance_text = "0";
    if (strlen(instance_text) != 1 || instance_text[0] < '0' || instance_text[0] > '7') {
        *error = format_error("LAB_INSTANCE='%s' is not valid: use a number from 0 to 7", instance_text);
        return -1;
    }
    info->instance = instance_text[0] - '0';
    snprintf(info->run_dir, sizeof(info->run_dir), "/run/virtmig-lab%d", info->instance);

    char path[128];
    snprintf(path, sizeof(path), "%s/lab.env", info->run_dir);
    FILE *file = fopen(path, "r");
    if (!file) {
        *error = format_error("the lab (instance %d) is not up: cannot read %s (%s); start it with "
                              "'LAB_INSTANCE=%d tests/lab/lab.sh up' (or 'make lab-up')",
                              info->instance, path, strerror(errno), info->instance);
        return -1;
    }
    char line[512];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), file)) {
        line[strcspn(line, "\n")] = '\0';
        rc = apply_env_line(info, line);
    }
    fclose(file);
    if (rc != 0) {
        *error = format_error("%s has a value too long for the test helpers: '%s'", path, line);
        return -1;
    }
    for (int host = 0; host < LAB_HOST_COUNT; host++) {
        if (!info->uris[host][0] || !info->names[host][0]) {
            *error = format_error("%s names no URI for host %d: run 'LAB_INSTANCE=%d tests/lab/lab.sh up' "
                                  "again to rewrite it", path, host + 1, info->instance);
            return -1;
        }
    }
    return 0;
}

const LabInfo *lab_require(void)
{
    if (lab_is_loaded)
        return &lab_loaded;
    char *error = NULL;
    if (lab_info_load(&lab_loaded, &error) < 0) {
        fprintf(stderr, "lab: %s\n", error ? error : "out of memory");
        free(error);
        fail_msg("the lab is not available (see above)");
    }
    for (int host = 0; host < LAB_HOST_COUNT; host++)
        snprintf(lab_peer_uris[host], sizeof(lab_peer_uris[host]), "qemu+tcp://%s/system",
                 lab_loaded.names[host]);
    lab_is_loaded = true;
    lab_quiet_libvirt();
    return &lab_loaded;
}

static void require_host_number(int host)
{
    if (host < 1 || host > LAB_HOST_COUNT)
        fail_msg("lab: host number %d is out of range: use 1..%d", host, LAB_HOST_COUNT);
}

const char *lab_uri(int host)
{
    require_host_number(host);
    return lab_require()->uris[host - 1];
}

const char *lab_name(int host)
{
    require_host_number(host);
    return lab_require()->names[host - 1];
}

const char *lab_peer_uri(int host)
{
    require_host_number(host);
    lab_require();
    return lab_peer_uris[host - 1];
}

virConnectPtr lab_connect(int host)
{
    const char *uri = lab_uri(host);
    virConnectPtr conn = virConnectOpen(uri);
    if (!conn)
        fail_msg("lab: cannot connect to %s (%s): %s; is the lab up? ('tests/lab/lab.sh status')",
                 lab_name(host), uri, lab_libvirt_error());
    return conn;
}

virDomainPtr lab_domain(virConnectPtr conn, const char *name)
{
    virDomainPtr domain = virDomainLookupByName(conn, name);
    if (!domain)
        fail_msg("lab: domain %s not found on %s: %s", name, virConnectGetURI(conn),
                 lab_libvirt_error());
    return domain;
}

/* State and whether it is active; -1 when NAME is not on HOST or the host
 * does not answer. */
static int domain_state_on(int host, const char *name, bool *active)
{
    virConnectPtr conn = virConnectOpen(lab_uri(host));
    if (!conn)
        return -1;
    int state = -1, reason = 0;
    virDomainPtr domain = virDomainLookupByName(conn, name);
    if (domain && virDomainGetState(domain, &state, &reason, 0) == 0 && active)
        *active = virDomainIsActive(domain) == 1;
    if (domain)
        virDomainFree(domain);
    virConnectClose(conn);
    return state;
}

int lab_domain_state(int host, const char *name)
{
    return domain_state_on(host, name, NULL);
}

int lab_find_domain_host(const char *name)
{
    int defined_on = 0;
    for (int host = 1; host <= LAB_HOST_COUNT; host++) {
        bool active = false;
        if (domain_state_on(host, name, &active) < 0)
            continue;
        if (active)
            return host;
        if (!defined_on)
            defined_on = host;
    }
    return defined_on;
}

bool lab_wait_domain_state(int host, const char *name, int state, unsigned timeout_ms)
{
    double deadline = lab_now_ms() + timeout_ms;
    do {
        if (lab_domain_state(host, name) == state)
            return true;
        sleep_ms(POLL_MS);
    } while (lab_now_ms() < deadline);
    return lab_domain_state(host, name) == state;
}

bool lab_wait_domain_gone(int host, const char *name, unsigned timeout_ms)
{
    return lab_wait_domain_state(host, name, -1, timeout_ms);
}

/* Reads one typed parameter by name; false when absent. */
static bool param_ll(virTypedParameterPtr params, int count, const char *name, long long *value)
{
    unsigned long long unsigned_value;
    int int_value;
    if (virTypedParamsGetLLong(params, count, name, value) == 1)
        return true;
    if (virTypedParamsGetULLong(params, count, name, &unsigned_value) == 1) {
        *value = (long long)unsigned_value;
        return true;
    }
    if (virTypedParamsGetInt(params, count, name, &int_value) == 1) {
        *value = int_value;
        return true;
    }
    return false;
}

/* The dirty-rate fields of DOMAIN's stats: status, start time, rate. */
static int dirty_rate_stats(virDomainPtr domain, long long *status, long long *start_time,
                            long long *rate_mib_s, char **error)
{
    virDomainPtr domains[] = { domain, NULL };
    virDomainStatsRecordPtr *records = NULL;
    int count = virDomainListGetStats(domains, VIR_DOMAIN_STATS_DIRTYRATE, &records, 0);
    if (count < 1) {
        *error = format_error("dirty-rate stats of %s: %s", virDomainGetName(domain),
                              count < 0 ? lab_libvirt_error() : "no record returned");
        virDomainStatsRecordListFree(records);
        return -1;
    }
    *status = *start_time = *rate_mib_s = -1;
    param_ll(records[0]->params, records[0]->nparams, "dirtyrate.calc_status", status);
    param_ll(records[0]->params, records[0]->nparams, "dirtyrate.calc_start_time", start_time);
    param_ll(records[0]->params, records[0]->nparams, "dirtyrate.megabytes_per_second", rate_mib_s);
    virDomainStatsRecordListFree(records);
    return 0;
}

long long lab_measure_dirty_rate(virDomainPtr domain, int calc_seconds, char **error)
{
    long long status, previous_start, rate;
    *error = NULL;
    if (dirty_rate_stats(domain, &status, &previous_start, &rate, error) < 0)
        return -1;
    if (virDomainStartDirtyRateCalc(domain, calc_seconds, 0) < 0) {
        *error = format_error("virDomainStartDirtyRateCalc(%s): %s", virDomainGetName(domain),
                              lab_libvirt_error());
        return -1;
    }
    /* Done when the status says measured (2) for a calculation that started
     * after the previous one: a stale result must not count. */
    double deadline = lab_now_ms() + calc_seconds * 1000.0 + 10000.0;
    long long start_time = previous_start;
    while (lab_now_ms() < deadline) {
        sleep_ms(POLL_MS * 2);
        if (dirty_rate_stats(domain, &status, &start_time, &rate, error) < 0)
            return -1;
        if (status == VIR_DOMAIN_DIRTYRATE_MEASURED && start_time != previous_start && rate >= 0)
            return rate;
    }
    *error = format_error("the dirty rate of %s was not measured within %d s (status %lld)",
                          virDomainGetName(domain), calc_seconds + 10, status);
    return -1;
}

long long lab_wait_dirty_rate(virDomainPtr domain, long long min_mib_s, unsigned timeout_ms,
                              char **error)
{
    double deadline = lab_now_ms() + timeout_ms;
    long long rate;
    do {
        rate = lab_measure_dirty_rate(domain, 1, error);
        if (rate < 0 || rate >= min_mib_s)
            return rate;
    } while (lab_now_ms() < deadline);
    return rate;
}

int lab_migrate(const char *name, int from, int to, unsigned long bandwidth_mib, char **error)
{
    return lab_migrate_flags(name, from, to, bandwidth_mib,
                             VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE,
                             error);
}

int lab_migrate_flags(const char *name, int from, int to, unsigned long bandwidth_mib,
                      unsigned int flags, char **error)
{
    *error = NULL;
    virConnectPtr conn = virConnectOpen(lab_uri(from));
    if (!conn) {
        *error = format_error("%s: connect: %s", lab_name(from), lab_libvirt_error());
        return -1;
    }
    int rc = -1;
    virTypedParameterPtr params = NULL;
    int count = 0, capacity = 0;
    virDomainPtr domain = virDomainLookupByName(conn, name);
    if (!domain) {
        *error = format_error("%s: %s: %s", lab_name(from), name, lab_libvirt_error());
        goto cleanup;
    }
    if (bandwidth_mib &&
        virTypedParamsAddULLong(&params, &count, &capacity, VIR_MIGRATE_PARAM_BANDWIDTH,
                                bandwidth_mib) < 0) {
        *error = format_error("migration parameters: %s", lab_libvirt_error());
        goto cleanup;
    }
    if (virDomainMigrateToURI3(domain, lab_peer_uri(to), params, count,
                               flags | VIR_MIGRATE_PEER2PEER) < 0) {
        *error = format_error("%s -> %s: migrate %s: %s", lab_name(from), lab_name(to), name,
                              lab_libvirt_error());
        goto cleanup;
    }
    rc = 0;
cleanup:
    virTypedParamsFree(params, count);
    if (domain)
        virDomainFree(domain);
    virConnectClose(conn);
    return rc;
}

int lab_reset(void)
{
    const LabInfo *info = lab_require();
    const char *script = getenv("LAB_SH");
    if (!script || !*script)
        script = "tests/lab/lab.sh";
    if (access(script, X_OK) != 0) {
        fprintf(stderr, "lab: cannot run %s (%s): run the tests from the source tree's top "
                        "directory, or set LAB_SH to the lab script\n", script, strerror(errno));
        return -1;
    }
    char command[512];
    snprintf(command, sizeof(command), "LAB_INSTANCE=%d '%s' reset", info->instance, script);
    int status = system(command);
    return status == 0 ? 0 : (status < 0 ? -1 : status);
}

int lab_put_back(const char *name, char **error)
{
    *error = NULL;
    bool parked = strcmp(name, "parked") == 0;
    int want = parked ? VIR_DOMAIN_SHUTOFF : VIR_DOMAIN_RUNNING;
    int host = lab_find_domain_host(name);
    if (host == 1 && lab_domain_state(1, name) == want) {
        bool stray = false;
        for (int other = 2; other <= LAB_HOST_COUNT; other++)
            stray |= lab_domain_state(other, name) >= 0;
        if (!stray)
            return 0;
    }
    /* Running elsewhere: a live migration back keeps the guest's workload
     * going (no reboot). `hot` may never converge and local-disk would need
     * a storage copy, so those two are reset instead. */
    if (host > 1 && !parked && strcmp(name, "hot") != 0 && strcmp(name, "local-disk") != 0 &&
        lab_domain_state(host, name) == VIR_DOMAIN_RUNNING &&
        lab_domain_state(1, name) < 0) {
        char *migrate_error = NULL;
        if (lab_migrate(name, host, 1, 0, &migrate_error) == 0 &&
            lab_domain_state(1, name) == VIR_DOMAIN_RUNNING) {
            free(migrate_error);
            return lab_put_back(name, error);   /* checks for strays too */
        }
        fprintf(stderr, "lab: migrating %s back failed (%s); resetting the lab's guests\n", name,
                migrate_error ? migrate_error : "?");
        free(migrate_error);
    }
    if (lab_reset() != 0) {
        *error = format_error("'tests/lab/lab.sh reset' failed to put %s back on labhost1 (see its "
                              "output above)", name);
        return -1;
    }
    return 0;
}
