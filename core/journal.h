/* The migration journal: an append-only JSON Lines file of what was launched,
 * what the operator did, what the assistant suggested and how it ended.
 *
 * Default path: $XDG_STATE_HOME/virtmig/journal.jsonl, else
 * ~/.local/state/virtmig/journal.jsonl (directories created 0700, file 0600).
 * Each record is one line written whole with a single write() on an O_APPEND
 * descriptor, then fsync'd: a crash can at worst leave a torn LAST line, which
 * the reader skips; earlier records are never damaged. Options hold no
 * secrets (virtmig never puts a password in MigrateOptions), so nothing
 * secret reaches the journal. */
#ifndef VIRTMIG_JOURNAL_H
#define VIRTMIG_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core.h"

typedef struct _Journal Journal;

/* malloc'd default path, or NULL when neither XDG_STATE_HOME nor HOME is set. */
char *journal_default_path(void);

/* Opens (creating directories and the file) for appending. path NULL: the
 * default. Returns NULL with *error = "journal <path>: <reason>". */
Journal *journal_open(const char *path, char **error);
void journal_close(Journal *journal);            /* accepts NULL */
const char *journal_path(const Journal *journal);

typedef struct {
    unsigned migration_id;
    const char *domain_name, *domain_uuid;
    const char *source_name, *source_uri;
    const char *dest_name, *dest_uri;
    const MigrateOptions *options;
    const char *virsh_command;
} JournalLaunch;

typedef struct {
    unsigned migration_id;
    const char *action;        /* "abort", "postcopy", "set-max-downtime", ... */
    bool has_value;
    uint64_t value;            /* the number the action set, when has_value */
    bool ok;
    const char *result;        /* libvirt's message on failure, or NULL */
} JournalAction;

typedef struct {
    unsigned migration_id;
    const char *step;          /* what the assistant did or proposes */
    const char *reason;        /* why */
} JournalAssistantStep;

typedef struct {
    unsigned migration_id;
    MigrationPhase phase;
    bool source_left_paused;
    const char *error;         /* libvirt's message, or NULL */
    const JobStats *completed; /* completed job statistics, or NULL */
} JournalOutcome;

/* Each returns 0, or -1 with *error (malloc'd). The record gets "time" (UTC,
 * ISO 8601) and "type" ("launch", "action", "assistant", "outcome"). */
int journal_append_launch(Journal *journal, const JournalLaunch *record, char **error);
int journal_append_action(Journal *journal, const JournalAction *record, char **error);
int journal_append_assistant(Journal *journal, const JournalAssistantStep *record, char **error);
int journal_append_outcome(Journal *journal, const JournalOutcome *record, char **error);

/* Calls fn for every whole record (a line ending in '\n' that parses as a JSON
 * object), oldest first, with the line without its newline. A torn or
 * unparsable line is skipped and counted in *skipped (may be NULL). fn returns
 * 0 to go on, non-zero to stop. Returns 0, or -1 with *error when the file
 * cannot be read (a missing file is an empty journal). */
typedef int (*JournalRecordFn)(const char *line, size_t length, void *opaque);
int journal_read(const char *path, JournalRecordFn fn, void *opaque, size_t *skipped,
                 char **error);

#endif
