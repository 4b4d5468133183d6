/* `virtmig migrate --preflight`: the console form's pre-flight checks, run
 * by the engine before the migration is launched, printed one line per
 * warning or failure (every check with --json). A failed check stops the
 * command before libvirt is asked to migrate: the operator asked to be told. */
#include "cmd.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_writer.h"

/* A dirty-rate measurement is part of the checks and takes a few seconds;
 * a whole minute means something is stuck. */
#define PREFLIGHT_WAIT_MS 60000u

static uint64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

static void print_check_json(FILE *out, const PreflightCheck *check)
{
    JsonWriter *w = json_writer_new();
    if (!w)
        return;
    json_writer_object_open(w);
    json_writer_key(w, "type");   json_writer_string(w, "preflight");
    json_writer_key(w, "check");  json_writer_string(w, preflight_check_name(check->id));
    json_writer_key(w, "status");
    json_writer_string(w, check->status == PREFLIGHT_FAIL ? "fail"
                          : check->status == PREFLIGHT_WARN ? "warning" : "pass");
    json_writer_key(w, "why");    json_writer_string(w, check->why);
    json_writer_key(w, "fix");    json_writer_string(w, check->fix[0] ? check->fix : NULL);
    if (json_writer_object_close(w) == 0 && json_writer_complete(w))
        fprintf(out, "%s\n", json_writer_text(w));
    json_writer_free(w);
}

static int print_report(const PreflightReport *report, const char *dest_name, bool json,
                        const CmdStreams *streams)
{
    size_t by_status[3] = { 0, 0, 0 };
    if (report->error[0]) {
        fprintf(streams->err, "virtmig migrate: the pre-flight checks could not run: %s\n",
                report->error);
        return CMD_EXIT_FAILED;
    }
    for (size_t i = 0; i < report->check_count; i++) {
        const PreflightCheck *check = &report->checks[i];
        by_status[check->status]++;
        if (json) {
            print_check_json(streams->out, check);
        } else if (check->status != PREFLIGHT_PASS) {
            char line[512];
            preflight_check_format(check, line, sizeof(line));
            fprintf(streams->out, "pre-flight: %s\n", line);
        }
    }
    if (!json)
        fprintf(streams->out, "pre-flight towards %s: %zu failed, %zu warning%s, %zu passed\n",
                dest_name, by_status[PREFLIGHT_FAIL], by_status[PREFLIGHT_WARN],
                by_status[PREFLIGHT_WARN] == 1 ? "" : "s", by_status[PREFLIGHT_PASS]);
    fflush(streams->out);
    if (by_status[PREFLIGHT_FAIL] > 0) {
        fprintf(streams->err, "virtmig migrate: a pre-flight check failed: fix what it says, "
                "or leave out --preflight to let libvirt decide\n");
        return CMD_EXIT_USAGE;
    }
    return CMD_EXIT_OK;
}

int cmd_preflight(Core *core, size_t source, const char *domain_uuid, size_t dest,
                  const MigrateOptions *options, bool json, const CmdStreams *streams)
{
    char *error = NULL;
    int generation = core_request_preflight(core, source, domain_uuid, dest, options, &error);
    if (generation <= 0) {
        fprintf(streams->err, "virtmig migrate: pre-flight checks refused: %s\n",
                error ? error : "no reason given");
        free(error);
        return CMD_EXIT_FAILED;
    }

    struct pollfd wake = { .fd = core_wake_fd(core), .events = POLLIN };
    uint64_t deadline = monotonic_ms() + PREFLIGHT_WAIT_MS;
    for (;;) {
        CoreSnapshot snapshot;
        if (core_snapshot(core, &snapshot) < 0) {
            fprintf(streams->err, "virtmig migrate: out of memory\n");
            return CMD_EXIT_FAILED;
        }
        const PreflightReport *report = core_snapshot_find_preflight(&snapshot, domain_uuid,
                                                                     dest);
        if (report && report->done && report->done_generation >= (uint64_t)generation) {
            const char *dest_name = dest < snapshot.host_count ? snapshot.hosts[dest].name : "?";
            int status = print_report(report, dest_name, json, streams);
            core_snapshot_clear(&snapshot);
            return status;
        }
        core_snapshot_clear(&snapshot);
        uint64_t now = monotonic_ms();
        if (now >= deadline) {
            fprintf(streams->err, "virtmig migrate: the pre-flight checks did not finish in "
                    "%u s: check the hosts, or leave out --preflight\n",
                    PREFLIGHT_WAIT_MS / 1000);
            return CMD_EXIT_FAILED;
        }
        uint64_t left = deadline - now;
        if (poll(&wake, 1, (int)(left < 1000 ? left : 1000)) > 0)
            core_wake_drain(core);
    }
}
