/* `virtmig journal`: the migration journal as a table, or its raw JSON lines.
 *
 *   TIME                  TYPE       ID  WHAT
 *   2026-11-22T00:41:07Z  launch      1  idle: labhost1 -> labhost2
 *   2026-11-22T00:41:09Z  outcome     1  completed
 *
 * Reading goes through journal_read(), which already skips a torn last line. */
#include "cmd.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "json_writer.h"

typedef struct {
    const CliArgs *args;
    FILE *out;
    /* --tail N: the last N lines, in a ring, printed once the file is read. */
    char **ring;
    size_t ring_size, ring_next, ring_used;
    size_t printed;
} JournalPrinter;

static char *field(const char *line, const char *key)
{
    char *value = NULL;
    if (json_line_get_string(line, key, &value) != 1)
        return NULL;
    return value;
}

static void print_details(FILE *out, const char *line, const char *type)
{
    if (strcmp(type, "launch") == 0) {
        char *domain = field(line, "domain"), *source = field(line, "source");
        char *dest = field(line, "dest");
        fprintf(out, "%s: %s -> %s", domain ? domain : "?", source ? source : "?",
                dest ? dest : "?");
        free(domain);
        free(source);
        free(dest);
    } else if (strcmp(type, "action") == 0) {
        char *action = field(line, "action"), *result = field(line, "result");
        int64_t value;
        bool ok = false;
        fprintf(out, "%s", action ? action : "?");
        if (json_line_get_int(line, "value", &value) == 1)
            fprintf(out, " %" PRId64, value);
        json_line_get_bool(line, "ok", &ok);
        fprintf(out, ": %s%s%s", ok ? "ok" : "refused", result ? ": " : "",
                result ? result : "");
        free(action);
        free(result);
    } else if (strcmp(type, "assistant") == 0) {
        char *what = field(line, "step"), *reason = field(line, "reason");
        fprintf(out, "%s%s%s%s", what ? what : "?", reason ? " (" : "",
                reason ? reason : "", reason ? ")" : "");
        free(what);
        free(reason);
    } else if (strcmp(type, "outcome") == 0) {
        char *phase = field(line, "phase"), *error = field(line, "error");
        bool paused = false;
        json_line_get_bool(line, "source_left_paused", &paused);
        fprintf(out, "%s%s%s%s", phase ? phase : "?", error ? ": " : "", error ? error : "",
                paused ? " (source left paused)" : "");
        free(phase);
        free(error);
    } else {
        fputs("(a record this virtmig does not know)", out);
    }
}

static void print_line(JournalPrinter *printer, const char *line)
{
    FILE *out = printer->out;
    if (printer->args->json) {
        fprintf(out, "%s\n", line);
        return;
    }
    if (printer->printed == 0)
        fprintf(out, "%-20s  %-9s  %4s  %s\n", "TIME", "TYPE", "ID", "WHAT");
    char *time_text = field(line, "time"), *type = field(line, "type");
    int64_t id = 0;
    json_line_get_int(line, "migration", &id);
    fprintf(out, "%-20s  %-9s  %4" PRId64 "  ", time_text ? time_text : "?",
            type ? type : "?", id);
    print_details(out, line, type ? type : "");
    fputc('\n', out);
    free(time_text);
    free(type);
}

static int on_record(const char *line, size_t length, void *opaque)
{
    JournalPrinter *printer = opaque;
    if (!printer->ring) {
        print_line(printer, line);
        printer->printed++;
        return 0;
    }
    char *copy = strndup(line, length);
    if (!copy)
        return -1;
    free(printer->ring[printer->ring_next]);
    printer->ring[printer->ring_next] = copy;
    printer->ring_next = (printer->ring_next + 1) % printer->ring_size;
    if (printer->ring_used < printer->ring_size)
        printer->ring_used++;
    return 0;
}

int cmd_journal(const CliArgs *args, const CmdStreams *streams)
{
    JournalPrinter printer = { .args = args, .out = streams->out };
    char *default_path = NULL, *error = NULL;
    size_t skipped = 0;
    int status = CMD_EXIT_FAILED;
    const char *path = args->journal_path;

    if (!path && !(path = default_path = journal_default_path())) {
        fprintf(streams->err, "virtmig journal: neither XDG_STATE_HOME nor HOME is set: "
                "name the journal with --journal FILE\n");
        return CMD_EXIT_USAGE;
    }
    if (args->tail > 0) {
        /* Never more slots than a journal could have lines worth keeping. */
        printer.ring_size = args->tail < 100000 ? args->tail : 100000;
        if (!(printer.ring = calloc(printer.ring_size, sizeof(*printer.ring)))) {
            fprintf(streams->err, "virtmig journal: out of memory\n");
            goto cleanup;
        }
    }
    if (access(path, F_OK) != 0) {
        fprintf(streams->err, "virtmig journal: no journal yet at %s (it starts with the "
                "first migration)\n", path);
        status = CMD_EXIT_OK;
        goto cleanup;
    }
    int rc = journal_read(path, on_record, &printer, &skipped, &error);
    if (rc != 0) {
        fprintf(streams->err, "virtmig journal: %s\n", error ? error : "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < printer.ring_used; i++) {
        size_t slot = (printer.ring_next + printer.ring_size - printer.ring_used + i) %
                      printer.ring_size;
        print_line(&printer, printer.ring[slot]);
        printer.printed++;
    }
    if (printer.printed == 0)
        fprintf(streams->err, "virtmig journal: %s holds no migration yet\n", path);
    if (skipped > 0)
        fprintf(streams->err, "virtmig journal: skipped %zu unreadable line%s in %s (a torn "
                "last line after a crash is expected)\n", skipped, skipped == 1 ? "" : "s",
                path);
    fflush(streams->out);
    status = CMD_EXIT_OK;

cleanup:
    for (size_t i = 0; printer.ring && i < printer.ring_size; i++)
        free(printer.ring[i]);
    free(printer.ring);
    free(error);
    free(default_path);
    return status;
}
