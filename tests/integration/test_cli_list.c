/* `virtmig list` against the running lab (read-only: it never migrates, so it
 * is safe on any lab instance). What it prints is checked against what
 * libvirt itself answers on each host, and a host that cannot be reached is
 * reported with libvirt's own message and exit status 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cli_args.h"
#include "cmd.h"
#include "hosts_conf.h"
#include "json_writer.h"

typedef struct {
    char *out_text, *err_text;
    size_t out_length, err_length;
    CmdStreams streams;
} Captured;

static HostsConf lab;

static void load_lab(void)
{
    char error[256] = "";
    char *path = cli_lab_hosts_path(getenv("VIRTMIG_LAB_HOSTS"), getenv("LAB_INSTANCE"), error,
                                    sizeof(error));
    if (!path)
        fail_msg("%s", error);
    memset(&lab, 0, sizeof(lab));
    FILE *probe = fopen(path, "r");
    if (!probe)
        fail_msg("the lab is not running (%s missing): make lab-up", path);
    fclose(probe);
    assert_int_equal(hosts_conf_load_file(&lab, path), 0);
    assert_int_equal(lab.problem_count, 0);
    assert_true(lab.host_count >= 2);
    free(path);
}

static int run_list(const HostSpec *hosts, size_t count, bool json, Captured *cap)
{
    char *error = NULL;
    CoreConfig config = { .hosts = (HostSpec *)hosts, .host_count = count };
    Core *core = core_new(&config, &error);
    if (!core)
        fail_msg("core_new: %s", error);
    CliArgs args;
    char *argv[] = { (char *)"virtmig", (char *)"list", (char *)"--wait", (char *)"20",
                     (char *)"--json" };
    char parse_error[256];
    assert_int_equal(cli_args_parse(&args, json ? 5 : 4, argv, parse_error,
                                    sizeof(parse_error)), 0);
    memset(cap, 0, sizeof(*cap));
    cap->streams.out = open_memstream(&cap->out_text, &cap->out_length);
    cap->streams.err = open_memstream(&cap->err_text, &cap->err_length);
    int status = cmd_list(core, &args, &cap->streams);
    fclose(cap->streams.out);
    fclose(cap->streams.err);
    cli_args_clear(&args);
    core_free(core);
    return status;
}

static void captured_free(Captured *cap)
{
    free(cap->out_text);
    free(cap->err_text);
}

/* The domain names libvirt lists on one host, sorted, comma-joined. */
static char *libvirt_domain_names(const char *uri)
{
    virConnectPtr conn = virConnectOpen(uri);
    if (!conn)
        fail_msg("virConnectOpen %s: %s", uri, virGetLastErrorMessage());
    virDomainPtr *domains = NULL;
    int count = virConnectListAllDomains(conn, &domains, 0);
    assert_true(count >= 0);
    char *joined = calloc(1, 1);
    const char **names = calloc((size_t)count + 1, sizeof(*names));
    for (int i = 0; i < count; i++)
        names[i] = virDomainGetName(domains[i]);
    for (int i = 0; i < count; i++)          /* insertion sort: a handful of names */
        for (int k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
            const char *swap = names[k];
            names[k] = names[k - 1];
            names[k - 1] = swap;
        }
    for (int i = 0; i < count; i++) {
        char *grown = NULL;
        assert_true(asprintf(&grown, "%s%s%s", joined, i ? "," : "", names[i]) >= 0);
        free(joined);
        joined = grown;
    }
    for (int i = 0; i < count; i++)
        virDomainFree(domains[i]);
    free(domains);
    free(names);
    virConnectClose(conn);
    return joined;
}

/* The same from virtmig's JSON lines. */
static char *listed_domain_names(const char *json_lines, const char *host)
{
    char *joined = calloc(1, 1);
    char **names = NULL;
    size_t count = 0;
    const char *line = json_lines;
    while (*line) {
        const char *end = strchr(line, '\n');
        char *copy = strndup(line, end ? (size_t)(end - line) : strlen(line));
        char *type = NULL, *on = NULL, *name = NULL;
        json_line_get_string(copy, "type", &type);
        json_line_get_string(copy, "host", &on);
        if (type && strcmp(type, "domain") == 0 && on && strcmp(on, host) == 0 &&
            json_line_get_string(copy, "name", &name) == 1) {
            names = realloc(names, (count + 1) * sizeof(*names));
            names[count++] = name;
            name = NULL;
        }
        free(type);
        free(on);
        free(name);
        free(copy);
        line = end ? end + 1 : line + strlen(line);
    }
    for (size_t i = 0; i < count; i++)
        for (size_t k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
            char *swap = names[k];
            names[k] = names[k - 1];
            names[k - 1] = swap;
        }
    for (size_t i = 0; i < count; i++) {
        char *grown = NULL;
        assert_true(asprintf(&grown, "%s%s%s", joined, i ? "," : "", names[i]) >= 0);
        free(joined);
        joined = grown;
        free(names[i]);
    }
    free(names);
    return joined;
}

static void test_json_matches_libvirt(void **state)
{
    (void)state;
    Captured cap;
    int status = run_list(lab.hosts, lab.host_count, true, &cap);
    if (status != CMD_EXIT_OK)
        fail_msg("list exit %d: %s", status, cap.err_text);
    for (size_t i = 0; i < lab.host_count; i++) {
        char needle[160];
        snprintf(needle, sizeof(needle), "{\"type\":\"host\",\"name\":\"%s\"", lab.hosts[i].name);
        const char *host_line = strstr(cap.out_text, needle);
        if (!host_line)
            fail_msg("no host line for %s in:\n%s", lab.hosts[i].name, cap.out_text);
        char *line = strndup(host_line, strcspn(host_line, "\n"));
        char *host_state = NULL, *version = NULL;
        assert_int_equal(json_line_get_string(line, "state", &host_state), 1);
        assert_string_equal(host_state, "connected");
        assert_int_equal(json_line_get_string(line, "libvirt_version", &version), 1);
        assert_true(strlen(version) >= 5);
        free(host_state);
        free(version);
        free(line);

        char *expected = libvirt_domain_names(lab.hosts[i].uri);
        char *listed = listed_domain_names(cap.out_text, lab.hosts[i].name);
        if (strcmp(expected, listed) != 0)
            fail_msg("%s: libvirt lists [%s], virtmig list printed [%s]", lab.hosts[i].name,
                     expected, listed);
        free(expected);
        free(listed);
    }
    /* Every domain line carries a UUID and real sizes. */
    size_t domains = 0;
    for (const char *p = strstr(cap.out_text, "\"type\":\"domain\""); p;
         p = strstr(p + 1, "\"type\":\"domain\"")) {
        const char *start = p;
        while (start > cap.out_text && start[-1] != '\n')
            start--;
        char *line = strndup(start, strcspn(start, "\n"));
        char *uuid = NULL;
        int64_t vcpus = 0, memory = 0;
        assert_int_equal(json_line_get_string(line, "uuid", &uuid), 1);
        assert_int_equal(strlen(uuid), 36);
        assert_int_equal(json_line_get_int(line, "vcpus", &vcpus), 1);
        assert_int_equal(json_line_get_int(line, "memory_kib", &memory), 1);
        assert_true(vcpus >= 1);
        assert_true(memory > 0);
        free(uuid);
        free(line);
        domains++;
    }
    assert_true(domains >= 1);
    captured_free(&cap);
}

static void test_text_lists_every_host(void **state)
{
    (void)state;
    Captured cap;
    int status = run_list(lab.hosts, lab.host_count, false, &cap);
    if (status != CMD_EXIT_OK)
        fail_msg("list exit %d: %s", status, cap.err_text);
    for (size_t i = 0; i < lab.host_count; i++) {
        char needle[160];
        snprintf(needle, sizeof(needle), "%s  connected  %s", lab.hosts[i].name,
                 lab.hosts[i].uri);
        if (!strstr(cap.out_text, needle))
            fail_msg("no \"%s\" in:\n%s", needle, cap.out_text);
    }
    assert_non_null(strstr(cap.out_text, "NAME"));
    assert_non_null(strstr(cap.out_text, "UUID"));
    assert_string_equal(cap.err_text, "");
    captured_free(&cap);
}

/* A lab host's address on a port nobody listens on: libvirt answers at once
 * with "Connection refused", which list must show, exiting 1. */
static void test_unreachable_host_fails_with_libvirts_message(void **state)
{
    (void)state;
    const char *uri = lab.hosts[0].uri;
    const char *authority = strstr(uri, "://");
    assert_non_null(authority);
    authority += 3;
    size_t host_length = strcspn(authority, "/:?");
    char *closed = NULL;
    assert_true(asprintf(&closed, "%.*s%.*s:1%s", (int)(authority - uri), uri, (int)host_length,
                         authority, authority + strcspn(authority, "/?")) >= 0);
    HostSpec hosts[2] = {
        lab.hosts[0],
        { .name = (char *)"closed", .uri = closed },
    };
    Captured cap;
    int status = run_list(hosts, 2, false, &cap);
    assert_int_equal(status, CMD_EXIT_FAILED);
    char needle[160];
    snprintf(needle, sizeof(needle), "%s  connected", lab.hosts[0].name);
    assert_non_null(strstr(cap.out_text, needle));
    assert_non_null(strstr(cap.out_text, "closed  lost"));
    if (!strstr(cap.out_text, "Connection refused"))
        fail_msg("libvirt's message is missing:\n%s", cap.out_text);
    assert_non_null(strstr(cap.err_text, "1 of 2 hosts not connected"));
    captured_free(&cap);

    status = run_list(hosts, 2, true, &cap);
    assert_int_equal(status, CMD_EXIT_FAILED);
    assert_non_null(strstr(cap.out_text, "{\"type\":\"host\",\"name\":\"closed\""));
    assert_non_null(strstr(cap.out_text, "Connection refused"));
    captured_free(&cap);
    free(closed);
}

static int setup(void **state)
{
    (void)state;
    load_lab();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hosts_conf_clear(&lab);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_matches_libvirt),
        cmocka_unit_test(test_text_lists_every_host),
        cmocka_unit_test(test_unreachable_host_fails_with_libvirts_message),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
