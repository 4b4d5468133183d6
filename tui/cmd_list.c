/* `virtmig list`: every host's state and its domains, as a table or JSON lines.
 *
 *   labhost1  connected  qemu+tcp://198.18.77.11/system  libvirt 9.0.0, QEMU 7.2.0
 *     NAME   STATE    VCPUS  MEMORY   UUID
 *     idle   running      1  128 MiB  5f0c...
 *   labhost3  lost  qemu+tcp://198.18.77.13/system
 *     unable to connect to server at '198.18.77.13:16509': Connection refused */
#include "cmd.h"

#include <string.h>

#include "json_writer.h"
#include "units.h"

/* libvirt's version encoding (major*1000000 + minor*1000 + micro) as text. */
static void format_version(char *buf, size_t size, unsigned long version)
{
    snprintf(buf, size, "%lu.%lu.%lu", version / 1000000, version / 1000 % 1000,
             version % 1000);
}

static const char *host_failure_text(const HostView *host)
{
    if (host->error && host->error[0])
        return host->error;
    if (host->state == HOST_CONNECTING)
        return "still connecting when --wait ran out: try a longer --wait, or check that "
               "the host is reachable";
    return "no reason given";
}

static void print_host_text(FILE *out, const CoreSnapshot *snapshot, size_t index)
{
    const HostView *host = &snapshot->hosts[index];
    fprintf(out, "%s  %s  %s", host->name, host_conn_state_name(host->state), host->uri);
    if (host->state != HOST_CONNECTED) {
        fprintf(out, "\n  %s\n", host_failure_text(host));
        return;
    }
    char libvirt[32], hypervisor[32], free_memory[UNITS_BUF];
    format_version(libvirt, sizeof(libvirt), host->libvirt_version);
    format_version(hypervisor, sizeof(hypervisor), host->hv_version);
    fprintf(out, "  libvirt %s, %s %s, %s free\n", libvirt,
            host->hv_type ? host->hv_type : "?", hypervisor,
            units_format_bytes(free_memory, sizeof(free_memory),
                               host->free_memory_bytes));

    /* Name column as wide as the longest name on this host. */
    int name_width = 4;
    size_t domain_count = 0;
    for (size_t i = 0; i < snapshot->domain_count; i++) {
        const DomainView *domain = &snapshot->domains[i];
        if (domain->host_index != index)
            continue;
        domain_count++;
        int length = (int)strlen(domain->name);
        if (length > name_width)
            name_width = length;
    }
    if (host->last_refresh_ms == 0) {   /* connected, but listing failed so far */
        fputs("  (its domains could not be listed yet: virtmig's messages say why)\n", out);
        return;
    }
    if (domain_count == 0) {
        fputs("  (no domains)\n", out);
        return;
    }
    fprintf(out, "  %-*s  %-11s  %5s  %10s  %s\n", name_width, "NAME", "STATE", "VCPUS",
            "MEMORY", "UUID");
    for (size_t i = 0; i < snapshot->domain_count; i++) {
        const DomainView *domain = &snapshot->domains[i];
        char memory[UNITS_BUF];
        if (domain->host_index != index)
            continue;
        units_format_bytes(memory, sizeof(memory), domain->memory_kib * UNITS_KIB);
        fprintf(out, "  %-*s  %-11s  %5u  %10s  %s%s\n", name_width, domain->name,
                domain_run_state_name(domain->state), domain->vcpus, memory, domain->uuid,
                domain->persistent ? "" : "  (transient)");
    }
}

/* One JSON object per line; the writer is reset and reused per line. */
static int emit_json(FILE *out, JsonWriter *writer)
{
    if (json_writer_object_close(writer) < 0 || !json_writer_complete(writer))
        return -1;
    fprintf(out, "%s\n", json_writer_text(writer));
    json_writer_reset(writer);
    return 0;
}

static int print_host_json(FILE *out, JsonWriter *w, const CoreSnapshot *snapshot, size_t index)
{
    const HostView *host = &snapshot->hosts[index];
    char version[32];

    json_writer_object_open(w);
    json_writer_key(w, "type");      json_writer_string(w, "host");
    json_writer_key(w, "name");      json_writer_string(w, host->name);
    json_writer_key(w, "uri");       json_writer_string(w, host->uri);
    json_writer_key(w, "state");     json_writer_string(w, host_conn_state_name(host->state));
    json_writer_key(w, "error");
    json_writer_string(w, host->state == HOST_CONNECTED ? NULL : host_failure_text(host));
    if (host->state == HOST_CONNECTED) {
        json_writer_key(w, "hostname");    json_writer_string(w, host->hostname);
        format_version(version, sizeof(version), host->libvirt_version);
        json_writer_key(w, "libvirt_version"); json_writer_string(w, version);
        json_writer_key(w, "hypervisor");  json_writer_string(w, host->hv_type);
        format_version(version, sizeof(version), host->hv_version);
        json_writer_key(w, "hypervisor_version"); json_writer_string(w, version);
        json_writer_key(w, "free_memory_bytes"); json_writer_uint(w, host->free_memory_bytes);
        json_writer_key(w, "domains_listed"); json_writer_bool(w, host->last_refresh_ms != 0);
    }
    if (emit_json(out, w) < 0)
        return -1;

    for (size_t i = 0; host->state == HOST_CONNECTED && i < snapshot->domain_count; i++) {
        const DomainView *domain = &snapshot->domains[i];
        if (domain->host_index != index)
            continue;
        json_writer_object_open(w);
        json_writer_key(w, "type");       json_writer_string(w, "domain");
        json_writer_key(w, "host");       json_writer_string(w, host->name);
        json_writer_key(w, "name");       json_writer_string(w, domain->name);
        json_writer_key(w, "uuid");       json_writer_string(w, domain->uuid);
        json_writer_key(w, "state");      json_writer_string(w, domain_run_state_name(domain->state));
        json_writer_key(w, "persistent"); json_writer_bool(w, domain->persistent);
        json_writer_key(w, "vcpus");      json_writer_uint(w, domain->vcpus);
        json_writer_key(w, "memory_kib"); json_writer_uint(w, domain->memory_kib);
        json_writer_key(w, "max_memory_kib"); json_writer_uint(w, domain->max_memory_kib);
        if (emit_json(out, w) < 0)
            return -1;
    }
    return 0;
}

int cmd_list(Core *core, const CliArgs *args, const CmdStreams *streams)
{
    CoreSnapshot snapshot;
    JsonWriter *writer = NULL;
    int status = CMD_EXIT_FAILED;

    if (cmd_wait_hosts(core, NULL, 0, args->wait_s, &snapshot, streams->err) < 0) {
        fprintf(streams->err, "virtmig list: out of memory\n");
        return CMD_EXIT_FAILED;
    }
    if (args->json && !(writer = json_writer_new())) {
        fprintf(streams->err, "virtmig list: out of memory\n");
        goto cleanup;
    }

    /* What went wrong besides a host's own state (a failed listing...). */
    for (size_t i = 0; i < snapshot.message_count; i++) {
        const CoreMessage *message = &snapshot.messages[i];
        bool host_error = false;
        for (size_t h = 0; h < snapshot.host_count; h++)
            host_error |= snapshot.hosts[h].error &&
                          strcmp(snapshot.hosts[h].error, message->text) == 0;
        if (message->level != MESSAGE_INFO && !host_error)
            fprintf(streams->err, "virtmig: %s\n", message->text);
    }

    size_t failed = 0;
    for (size_t i = 0; i < snapshot.host_count; i++) {
        if (snapshot.hosts[i].state != HOST_CONNECTED)
            failed++;
        if (!writer) {
            print_host_text(streams->out, &snapshot, i);
        } else if (print_host_json(streams->out, writer, &snapshot, i) < 0) {
            fprintf(streams->err, "virtmig list: cannot write JSON: %s\n",
                    json_writer_error(writer) ? json_writer_error(writer) : "out of memory");
            goto cleanup;
        }
    }
    fflush(streams->out);
    if (failed > 0)
        fprintf(streams->err, "virtmig list: %zu of %zu hosts not connected\n", failed,
                snapshot.host_count);
    status = failed > 0 ? CMD_EXIT_FAILED : CMD_EXIT_OK;

cleanup:
    json_writer_free(writer);
    core_snapshot_clear(&snapshot);
    return status;
}
