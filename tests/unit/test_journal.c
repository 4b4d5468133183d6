/* The migration journal (core/journal.c): records read back whole, a torn
 * last line is skipped and never spoils the next record, files are private,
 * no password from a URI reaches the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "journal.h"
#include "json_writer.h"
#include "migrate_options.h"

typedef struct {
    char *lines[16];
    size_t count;
} Collected;

static int collect(const char *line, size_t length, void *opaque)
{
    Collected *c = opaque;
    assert_int_equal(strlen(line), length);
    if (c->count < 16)
        c->lines[c->count++] = strdup(line);
    return 0;
}

static void collected_clear(Collected *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->lines[i]);
    c->count = 0;
}

static char *field(const char *line, const char *key)
{
    char *value = NULL;
    assert_int_equal(json_line_get_string(line, key, &value), 1);
    return value;
}

static void assert_field(const char *line, const char *key, const char *expected)
{
    char *value = field(line, key);
    assert_string_equal(value, expected);
    free(value);
}

/* A fresh directory for one test, removed by remove_tree(). */
static char *make_temp_dir(void)
{
    char *dir = strdup("/tmp/virtmig-journal-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_tree(const char *dir)
{
    char *command = NULL;
    assert_true(asprintf(&command, "rm -rf '%s'", dir) > 0);
    assert_int_equal(system(command), 0);
    free(command);
}

static void write_four_records(Journal *journal)
{
    MigrateOptions options;
    migrate_options_init(&options);
    options.bandwidth_mibs = 50;
    options.postcopy = true;
    char *error = NULL;
    JournalLaunch launch = {
        .migration_id = 7, .domain_name = "steady",
        .domain_uuid = "4b1e9f5c-5d3a-4c41-9f37-6a1f0e1d2c3b",
        .source_name = "labhost1", .source_uri = "qemu+tcp://198.18.77.11/system",
        .dest_name = "labhost2", .dest_uri = "qemu+ssh://root:s3cret@198.18.77.12/system",
        .options = &options,
        .virsh_command = "virsh -c qemu+tcp://198.18.77.11/system migrate --live --p2p "
                         "steady qemu+ssh://root:s3cret@198.18.77.12/system",
    };
    assert_int_equal(journal_append_launch(journal, &launch, &error), 0);
    JournalAction action = { .migration_id = 7, .action = "set-bandwidth", .has_value = true,
                             .value = 100, .ok = false,
                             .result = "operation failed: \"quoted\"\nand a newline" };
    assert_int_equal(journal_append_action(journal, &action, &error), 0);
    JournalAssistantStep step = { .migration_id = 7, .step = "switch to post-copy",
                                  .reason = "iteration 5 and remaining not shrinking" };
    assert_int_equal(journal_append_assistant(journal, &step, &error), 0);
    JobStats completed;
    memset(&completed, 0, sizeof(completed));
    completed.type = JOB_TYPE_COMPLETED;
    completed.present = JS_DOWNTIME | JS_MEM_ITERATION;
    completed.downtime_ms = 42;
    completed.mem_iteration = 6;
    JournalOutcome outcome = { .migration_id = 7, .phase = MIGRATION_COMPLETED,
                               .completed = &completed };
    assert_int_equal(journal_append_outcome(journal, &outcome, &error), 0);
    assert_null(error);
    migrate_options_clear(&options);
}

static void test_records_read_back(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char *path = NULL;
    assert_true(asprintf(&path, "%s/a/b/journal.jsonl", dir) > 0);
    char *error = NULL;
    Journal *journal = journal_open(path, &error);
    assert_non_null(journal);
    assert_string_equal(journal_path(journal), path);
    write_four_records(journal);
    journal_close(journal);

    /* Directories we create and the file are private. */
    struct stat st;
    char *sub = NULL;
    assert_true(asprintf(&sub, "%s/a", dir) > 0);
    assert_int_equal(stat(sub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(sub);

    Collected c = { .count = 0 };
    size_t skipped = 99;
    assert_int_equal(journal_read(path, collect, &c, &skipped, &error), 0);
    assert_int_equal(skipped, 0);
    assert_int_equal(c.count, 4);
    assert_field(c.lines[0], "type", "launch");
    assert_field(c.lines[0], "domain", "steady");
    assert_field(c.lines[0], "dest", "labhost2");
    assert_field(c.lines[1], "type", "action");
    assert_field(c.lines[1], "action", "set-bandwidth");
    assert_field(c.lines[1], "result", "operation failed: \"quoted\"\nand a newline");
    int64_t value = 0;
    assert_int_equal(json_line_get_int(c.lines[1], "value", &value), 1);
    assert_int_equal(value, 100);
    bool ok = true;
    assert_int_equal(json_line_get_bool(c.lines[1], "ok", &ok), 1);
    assert_false(ok);
    assert_field(c.lines[2], "type", "assistant");
    assert_field(c.lines[2], "reason", "iteration 5 and remaining not shrinking");
    assert_field(c.lines[3], "type", "outcome");
    assert_field(c.lines[3], "phase", migration_phase_name(MIGRATION_COMPLETED));
    assert_int_equal(json_line_get_int(c.lines[3], "migration", &value), 1);
    assert_int_equal(value, 7);
    /* Completed stats are nested; the present fields are there. */
    assert_non_null(strstr(c.lines[3], "\"downtime_ms\":42"));
    assert_non_null(strstr(c.lines[3], "\"memory_iteration\":6"));
    /* Every record has a UTC time stamp. */
    char *time_text = field(c.lines[2], "time");
    assert_int_equal(strlen(time_text), 20);
    assert_int_equal(time_text[19], 'Z');
    free(time_text);
    /* Options travel with the launch. */
    assert_non_null(strstr(c.lines[0], "\"bandwidth_mibs\":50"));
    assert_non_null(strstr(c.lines[0], "\"postcopy\":true"));
    collected_clear(&c);

    /* No password from a URI reaches the file, the user name stays. */
    FILE *file = fopen(path, "r");
    char whole[8192];
    size_t n = fread(whole, 1, sizeof(whole) - 1, file);
    whole[n] = '\0';
    fclose(file);
    assert_null(strstr(whole, "s3cret"));
    assert_non_null(strstr(whole, "qemu+ssh://root@198.18.77.12/system"));

    remove_tree(dir);
    free(path);
    free(dir);
}

static void append_raw(const char *path, const char *text)
{
    FILE *file = fopen(path, "a");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

static void test_torn_last_line_is_skipped(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char *path = NULL;
    assert_true(asprintf(&path, "%s/journal.jsonl", dir) > 0);
    char *error = NULL;
    Journal *journal = journal_open(path, &error);
    assert_non_null(journal);
    write_four_records(journal);
    journal_close(journal);
    /* What a crash in the middle of a record leaves behind. */
    append_raw(path, "{\"type\":\"action\",\"time\":\"2026-11-22T00:1");

    Collected c = { .count = 0 };
    size_t skipped = 0;
    assert_int_equal(journal_read(path, collect, &c, &skipped, &error), 0);
    assert_int_equal(c.count, 4);
    assert_int_equal(skipped, 1);
    collected_clear(&c);

    /* The next run appends after the torn line, not glued to it. */
    journal = journal_open(path, &error);
    assert_non_null(journal);
    JournalAssistantStep step = { .migration_id = 8, .step = "raise max downtime",
                                  .reason = "expected downtime 320 ms just above 300 ms" };
    assert_int_equal(journal_append_assistant(journal, &step, &error), 0);
    journal_close(journal);
    assert_int_equal(journal_read(path, collect, &c, &skipped, &error), 0);
    assert_int_equal(c.count, 5);
    assert_int_equal(skipped, 1);
    assert_field(c.lines[4], "step", "raise max downtime");
    collected_clear(&c);

    /* A line that is whole but not a JSON object is skipped too. */
    append_raw(path, "garbage\n");
    assert_int_equal(journal_read(path, collect, &c, &skipped, &error), 0);
    assert_int_equal(c.count, 5);
    assert_int_equal(skipped, 2);
    collected_clear(&c);

    remove_tree(dir);
    free(path);
    free(dir);
}

static int stop_after_first(const char *line, size_t length, void *opaque)
{
    (void)line;
    (void)length;
    (*(int *)opaque)++;
    return 1;
}

static void test_reader_stops_and_missing_file_is_empty(void **state)
{
    (void)state;
    char *error = NULL;
    int calls = 0;
    size_t skipped = 5;
    assert_int_equal(journal_read("/nonexistent/virtmig/journal.jsonl", stop_after_first,
                                  &calls, &skipped, &error), 0);
    assert_int_equal(calls, 0);
    assert_int_equal(skipped, 0);

    char *dir = make_temp_dir();
    char *path = NULL;
    assert_true(asprintf(&path, "%s/j.jsonl", dir) > 0);
    Journal *journal = journal_open(path, &error);
    write_four_records(journal);
    journal_close(journal);
    assert_int_equal(journal_read(path, stop_after_first, &calls, NULL, &error), 0);
    assert_int_equal(calls, 1);
    remove_tree(dir);
    free(path);
    free(dir);
}

static void test_open_failure_says_why(void **state)
{
    (void)state;
    char *error = NULL;
    /* A regular file where a directory should be. */
    Journal *journal = journal_open("/etc/hostname/virtmig/journal.jsonl", &error);
    assert_null(journal);
    assert_non_null(error);
    assert_non_null(strstr(error, "/etc/hostname"));
    assert_non_null(strstr(error, "cannot create directory"));
    free(error);
    journal_close(NULL);
}

static void test_default_path(void **state)
{
    (void)state;
    char *saved_state = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;
    char *saved_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

    setenv("XDG_STATE_HOME", "/srv/state", 1);
    char *path = journal_default_path();
    assert_string_equal(path, "/srv/state/virtmig/journal.jsonl");
    free(path);

    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "/home/op", 1);
    path = journal_default_path();
    assert_string_equal(path, "/home/op/.local/state/virtmig/journal.jsonl");
    free(path);

    setenv("XDG_STATE_HOME", "relative/ignored", 1);   /* the XDG spec: ignore relative */
    path = journal_default_path();
    assert_string_equal(path, "/home/op/.local/state/virtmig/journal.jsonl");
    free(path);

    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    assert_null(journal_default_path());
    char *error = NULL;
    assert_null(journal_open(NULL, &error));
    assert_non_null(strstr(error, "HOME"));
    free(error);

    if (saved_state)
        setenv("XDG_STATE_HOME", saved_state, 1);
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_state);
    free(saved_home);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_read_back),
        cmocka_unit_test(test_torn_last_line_is_skipped),
        cmocka_unit_test(test_reader_stops_and_missing_file_is_empty),
        cmocka_unit_test(test_open_failure_says_why),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
