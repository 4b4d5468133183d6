/* The migration journal, append-only JSON Lines: see journal.h. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_writer.h"
#include "libvirt_error.h"

struct _Journal {
    char *path;
    int fd;
    /* Appends come from several engine threads; one at a time keeps the
     * torn-line repair below simple. */
    pthread_mutex_t lock;
};

char *journal_default_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    char *path = NULL;
    int n;
    /* The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored. */
    if (state && state[0] == '/') {
        n = asprintf(&path, "%s/virtmig/journal.jsonl", state);
    } else {
        const char *home = getenv("HOME");
        if (!home || !*home)
            return NULL;
        n = asprintf(&path, "%s/.local/state/virtmig/journal.jsonl", home);
    }
    return n < 0 ? NULL : path;
}

/* mkdir -p of the file's directory; directories we create are 0700 (the
 * journal tells which guests moved where: not for other users). */
static int make_parent_dirs(const char *path, char **error)
{
    char *dir = strdup(path);
    if (!dir)
        return error_set(error, "journal %s: out of memory", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
            int err = errno;
            error_set(error, "journal %s: cannot create directory %s: %s", path, dir,
                      strerror(err));
            free(dir);
            return -1;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    free(dir);
    return 0;
}

/* A crash in the middle of a write leaves a last line without '\n'; the next
 * record must not be glued to it, so that torn line gets its newline first.
 * The append descriptor is write-only, so the end is read through another. */
static int end_torn_line(const char *path, int append_fd, char **error)
{
    int read_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (read_fd < 0)
        return error_set(error, "journal %s: cannot read its end: %s", path, strerror(errno));
    struct stat st;
    char last = '\n';
    int rc = 0;
    if (fstat(read_fd, &st) < 0)
        rc = error_set(error, "journal %s: %s", path, strerror(errno));
    else if (st.st_size > 0 && pread(read_fd, &last, 1, st.st_size - 1) != 1)
        rc = error_set(error, "journal %s: cannot read its end: %s", path, strerror(errno));
    close(read_fd);
    if (rc == 0 && last != '\n' && write(append_fd, "\n", 1) != 1)
        rc = error_set(error, "journal %s: cannot append: %s", path, strerror(errno));
    return rc;
}

Journal *journal_open(const char *path, char **error)
{
    char *owned = path ? strdup(path) : journal_default_path();
    if (!owned) {
        if (path)
            error_set(error, "journal %s: out of memory", path);
        else
            error_set(error, "journal: neither XDG_STATE_HOME nor HOME is set; "
                      "give the journal's path explicitly");
        return NULL;
    }
    if (make_parent_dirs(owned, error) < 0) {
        free(owned);
        return NULL;
    }
    int fd = open(owned, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_set(error, "journal %s: cannot open for appending: %s", owned, strerror(errno));
        free(owned);
        return NULL;
    }
    Journal *journal = calloc(1, sizeof(*journal));
    if (!journal) {
        close(fd);
        error_set(error, "journal %s: out of memory", owned);
        free(owned);
        return NULL;
    }
    journal->path = owned;
    journal->fd = fd;
    pthread_mutex_init(&journal->lock, NULL);
    if (end_torn_line(owned, fd, error) < 0) {
        journal_close(journal);
        return NULL;
    }
    return journal;
}

void journal_close(Journal *journal)
{
    if (!journal)
        return;
    if (journal->fd >= 0)
        close(journal->fd);
    pthread_mutex_destroy(&journal->lock);
    free(journal->path);
    free(journal);
}

const char *journal_path(const Journal *journal)
{
    return journal ? journal->path : NULL;
}

/* ---- records ------------------------------------------------------- */

static void put_time(JsonWriter *w)
{
    char text[32] = "";
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc))
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
    json_writer_key(w, "time");
    json_writer_string(w, text);
}

static JsonWriter *begin_record(const char *type, unsigned migration_id)
{
    JsonWriter *w = json_writer_new();
    if (!w)
        return NULL;
    json_writer_object_open(w);
    json_writer_key(w, "type");
    json_writer_string(w, type);
    put_time(w);
    json_writer_key(w, "migration");
    json_writer_uint(w, migration_id);
    return w;
}

static void put_string(JsonWriter *w, const char *key, const char *value)
{
    json_writer_key(w, key);
    json_writer_string(w, value);
}

static void put_uint(JsonWriter *w, const char *key, uint64_t value)
{
    json_writer_key(w, key);
    json_writer_uint(w, value);
}

static void put_int(JsonWriter *w, const char *key, int64_t value)
{
    json_writer_key(w, key);
    json_writer_int(w, value);
}

static void put_bool(JsonWriter *w, const char *key, bool value)
{
    json_writer_key(w, key);
    json_writer_bool(w, value);
}

/* Finishes the record and appends it: one write() of the whole line, then
 * fsync, so a crash loses at most this record and never an earlier one. */
static int finish_record(Journal *journal, JsonWriter *w, char **error)
{
    if (!journal) {
        json_writer_free(w);
        return error_set(error, "journal: not open");
    }
    if (!w)
        return error_set(error, "journal %s: out of memory", journal->path);
    json_writer_object_close(w);
    const char *text = json_writer_text(w);
    if (!text || !json_writer_complete(w)) {
        const char *why = json_writer_error(w);
        error_set(error, "journal %s: cannot build the record: %s", journal->path,
                  why ? why : "out of memory");
        json_writer_free(w);
        return -1;
    }
    size_t length = json_writer_length(w);
    char *line = malloc(length + 1);
    if (!line) {
        json_writer_free(w);
        return error_set(error, "journal %s: out of memory", journal->path);
    }
    memcpy(line, text, length);
    line[length] = '\n';
    json_writer_free(w);

    int rc = 0;
    pthread_mutex_lock(&journal->lock);
    ssize_t written = write(journal->fd, line, length + 1);
    if (written != (ssize_t)(length + 1)) {
        int err = written < 0 ? errno : ENOSPC;
        /* A partial line stays torn; end it so the next record starts clean. */
        if (written > 0)
            (void)!write(journal->fd, "\n", 1);
        rc = error_set(error, "journal %s: cannot append: %s", journal->path, strerror(err));
    } else if (fsync(journal->fd) < 0) {
        rc = error_set(error, "journal %s: cannot sync to disk: %s", journal->path,
                       strerror(errno));
    }
    pthread_mutex_unlock(&journal->lock);
    free(line);
    return rc;
}

static void put_options(JsonWriter *w, const MigrateOptions *o)
{
    json_writer_key(w, "options");
    json_writer_object_open(w);
    const struct { const char *key; bool value; } flags[] = {
        { "live", o->live }, { "offline", o->offline }, { "p2p", o->p2p },
        { "direct", o->direct }, { "tunnelled", o->tunnelled },
        { "persistent", o->persistent }, { "undefine_source", o->undefine_source },
        { "suspend", o->suspend }, { "change_protection", o->change_protection },
        { "unsafe", o->unsafe }, { "abort_on_error", o->abort_on_error },
        { "copy_storage_all", o->copy_storage_all }, { "copy_storage_inc", o->copy_storage_inc },
        { "postcopy", o->postcopy }, { "auto_converge", o->auto_converge },
        { "compressed", o->compressed }, { "parallel", o->parallel },
        { "zerocopy", o->zerocopy }, { "tls", o->tls },
    };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        put_bool(w, flags[i].key, flags[i].value);
    json_writer_key(w, "migrate_disks");
    json_writer_array_open(w);
    for (size_t i = 0; i < o->migrate_disks_count; i++)
        json_writer_string(w, o->migrate_disks[i]);
    json_writer_array_close(w);
    const struct { const char *key; int64_t value; } numbers[] = {
        { "disks_port", o->disks_port },
        { "postcopy_bandwidth_mibs", (int64_t)o->postcopy_bandwidth_mibs },
        { "auto_converge_initial", o->auto_converge_initial },
        { "auto_converge_increment", o->auto_converge_increment },
        { "bandwidth_mibs", (int64_t)o->bandwidth_mibs },
        { "max_downtime_ms", (int64_t)o->max_downtime_ms },
        { "timeout_s", o->timeout_s }, { "timeout_action", o->timeout_action },
        { "compression_methods", o->compression_methods },
        { "comp_mt_level", o->comp_mt_level }, { "comp_mt_threads", o->comp_mt_threads },
        { "comp_mt_dthreads", o->comp_mt_dthreads },
        { "comp_xbzrle_cache", o->comp_xbzrle_cache },
        { "comp_zlib_level", o->comp_zlib_level }, { "comp_zstd_level", o->comp_zstd_level },
        { "parallel_connections", o->parallel_connections },
    };
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
        put_int(w, numbers[i].key, numbers[i].value);
    const struct { const char *key; const char *value; } strings[] = {
        { "disks_uri", o->disks_uri }, { "tls_destination", o->tls_destination },
        { "dname", o->dname }, { "dest_xml_path", o->dest_xml_path },
        { "persistent_xml_path", o->persistent_xml_path }, { "migrate_uri", o->migrate_uri },
        { "listen_address", o->listen_address }, { "graphics_uri", o->graphics_uri },
    };
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        put_string(w, strings[i].key, strings[i].value);
    json_writer_object_close(w);
}

/* A libvirt URI may carry "user:password@host"; the journal keeps the user
 * and drops the password, in every URI of `text` (a URI, or the virsh line
 * that holds two). Returns a malloc'd copy, or NULL (text NULL or ENOMEM). */
static char *without_uri_passwords(const char *text)
{
    if (!text)
        return NULL;
    char *copy = strdup(text);
    if (!copy)
        return NULL;
    for (char *scheme_end = strstr(copy, "://"); scheme_end;
         scheme_end = strstr(scheme_end + 3, "://")) {
        char *authority = scheme_end + 3;
        size_t authority_length = strcspn(authority, "/?#' \t");
        char *at = memrchr(authority, '@', authority_length);
        char *colon = at ? memchr(authority, ':', (size_t)(at - authority)) : NULL;
        if (colon)
            memmove(colon, at, strlen(at) + 1);
    }
    return copy;
}

int journal_append_launch(Journal *journal, const JournalLaunch *record, char **error)
{
    if (!record)
        return error_set(error, "journal: no launch record (internal error)");
    JsonWriter *w = begin_record("launch", record->migration_id);
    if (w) {
        put_string(w, "domain", record->domain_name);
        put_string(w, "uuid", record->domain_uuid);
        put_string(w, "source", record->source_name);
        char *source_uri = without_uri_passwords(record->source_uri);
        char *dest_uri = without_uri_passwords(record->dest_uri);
        put_string(w, "source_uri", source_uri);
        put_string(w, "dest", record->dest_name);
        put_string(w, "dest_uri", dest_uri);
        free(source_uri);
        free(dest_uri);
        char *virsh = without_uri_passwords(record->virsh_command);
        put_string(w, "virsh", virsh);
        free(virsh);
        if (record->options)
            put_options(w, record->options);
    }
    return finish_record(journal, w, error);
}

int journal_append_action(Journal *journal, const JournalAction *record, char **error)
{
    if (!record)
        return error_set(error, "journal: no action record (internal error)");
    JsonWriter *w = begin_record("action", record->migration_id);
    if (w) {
        put_string(w, "action", record->action);
        json_writer_key(w, "value");
        if (record->has_value)
            json_writer_uint(w, record->value);
        else
            json_writer_null(w);
        put_bool(w, "ok", record->ok);
        put_string(w, "result", record->result);
    }
    return finish_record(journal, w, error);
}

int journal_append_assistant(Journal *journal, const JournalAssistantStep *record, char **error)
{
    if (!record)
        return error_set(error, "journal: no assistant record (internal error)");
    JsonWriter *w = begin_record("assistant", record->migration_id);
    if (w) {
        put_string(w, "step", record->step);
        put_string(w, "reason", record->reason);
    }
    return finish_record(journal, w, error);
}

static void put_job_stats(JsonWriter *w, const JobStats *s)
{
    json_writer_key(w, "completed");
    json_writer_object_open(w);
    put_int(w, "job_type", s->type);
    const struct { JobStatsField bit; const char *key; uint64_t value; } fields[] = {
        { JS_TIME_ELAPSED, "time_elapsed_ms", s->time_elapsed_ms },
        { JS_TIME_ELAPSED_NET, "time_elapsed_net_ms", s->time_elapsed_net_ms },
        { JS_DOWNTIME, "downtime_ms", s->downtime_ms },
        { JS_DOWNTIME_NET, "downtime_net_ms", s->downtime_net_ms },
        { JS_SETUP_TIME, "setup_time_ms", s->setup_time_ms },
        { JS_DATA_TOTAL, "data_total", s->data_total },
        { JS_DATA_PROCESSED, "data_processed", s->data_processed },
        { JS_MEM_TOTAL, "memory_total", s->mem_total },
        { JS_MEM_PROCESSED, "memory_processed", s->mem_processed },
        { JS_MEM_BPS, "memory_bps", s->mem_bps },
        { JS_MEM_DIRTY_RATE, "memory_dirty_rate", s->mem_dirty_rate },
        { JS_MEM_ITERATION, "memory_iteration", s->mem_iteration },
        { JS_MEM_POSTCOPY_REQS, "memory_postcopy_requests", s->mem_postcopy_reqs },
        { JS_DISK_TOTAL, "disk_total", s->disk_total },
        { JS_DISK_PROCESSED, "disk_processed", s->disk_processed },
        { JS_COMPRESSION_BYTES, "compression_bytes", s->compression_bytes },
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (job_stats_has(s, fields[i].bit))
            put_uint(w, fields[i].key, fields[i].value);
    if (job_stats_has(s, JS_ERRMSG))
        put_string(w, "errmsg", s->errmsg);
    json_writer_object_close(w);
}

int journal_append_outcome(Journal *journal, const JournalOutcome *record, char **error)
{
    if (!record)
        return error_set(error, "journal: no outcome record (internal error)");
    JsonWriter *w = begin_record("outcome", record->migration_id);
    if (w) {
        put_string(w, "phase", migration_phase_name(record->phase));
        put_bool(w, "source_left_paused", record->source_left_paused);
        put_string(w, "error", record->error);
        if (record->completed)
            put_job_stats(w, record->completed);
    }
    return finish_record(journal, w, error);
}

/* ---- reading ------------------------------------------------------- */

static bool whole_record(const char *line)
{
    char *type = NULL;
    int found = json_line_get_string(line, "type", &type);
    free(type);
    return found == 1;
}

int journal_read(const char *path, JournalRecordFn fn, void *opaque, size_t *skipped,
                 char **error)
{
    if (skipped)
        *skipped = 0;
    if (!path || !fn)
        return error_set(error, "journal: nothing to read (internal error)");
    FILE *file = fopen(path, "re");
    if (!file) {
        if (errno == ENOENT)
            return 0;
        return error_set(error, "journal %s: cannot read: %s", path, strerror(errno));
    }
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    int rc = 0;
    while ((length = getline(&line, &capacity, file)) >= 0) {
        /* Only a line that ends in '\n' was written whole. */
        if (length == 0 || line[length - 1] != '\n') {
            if (skipped && length > 0)
                (*skipped)++;
            continue;
        }
        line[--length] = '\0';
        if (length == 0)
            continue;   /* the newline that ended a torn line */
        if (!whole_record(line)) {
            if (skipped)
                (*skipped)++;
            continue;
        }
        if (fn(line, (size_t)length, opaque) != 0)
            break;
    }
    if (ferror(file))
        rc = error_set(error, "journal %s: cannot read: %s", path, strerror(errno));
    free(line);
    fclose(file);
    return rc;
}
