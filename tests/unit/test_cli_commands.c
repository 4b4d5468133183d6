/* The headless commands' parts that need no host: `virtmig migrate` refuses
 * bad options and unknown hosts before the engine exists (so before any
 * libvirt call), and `virtmig journal` prints a journal written by the real
 * journal writer, as a table, as raw JSON lines, and its last N records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli_args.h"
#include "cmd.h"
#include "hosts_conf.h"
#include "journal.h"

typedef struct {
    char *out_text, *err_text;
    size_t out_length, err_length;
    CmdStreams streams;
} Captured;

static void capture_open(Captured *c)
{
    memset(c, 0, sizeof(*c));
    c->streams.out = open_memstream(&c->out_text, &c->out_length);
    c->streams.err = open_memstream(&c->err_text, &c->err_length);
    assert_non_null(c->streams.out);
    assert_non_null(c->streams.err);
}

static void capture_close(Captured *c)
{
    fclose(c->streams.out);
    fclose(c->streams.err);
}

static void capture_free(Captured *c)
{
    free(c->out_text);
    free(c->err_text);
}

static void parse_ok(CliArgs *args, const char *const words[])
{
    char *argv[24] = { (char *)"virtmig" };
    int argc = 1;
    char error[256] = "";
    for (size_t i = 0; words[i]; i++)
        argv[argc++] = (char *)words[i];
    if (cli_args_parse(args, argc, argv, error, sizeof(error)) != 0)
        fail_msg("parse refused: %s", error);
}

static void lab_like_hosts(HostsConf *conf)
{
    memset(conf, 0, sizeof(*conf));
    assert_int_equal(hosts_conf_parse(conf,
                                      "labhost1 qemu+tcp://198.18.77.11/system\n"
                                      "labhost2 qemu+tcp://198.18.77.12/system\n"
                                      "labhost3 qemu+tcp://198.18.77.13/system\n",
                                      "test"), 0);
    assert_int_equal(conf->host_count, 3);
}

/* ---- migrate: refused before the engine exists -------------------------- */

typedef struct {
    const char *words[16];
    int expect_status;
    const char *expect_in_err[3];
    size_t expect_source, expect_dest;
} PrepareCase;

static const PrepareCase prepare_cases[] = {
    { { "migrate", "idle", "--from", "labhost1", "--to", "labhost2", NULL },
      CMD_EXIT_OK, { NULL }, 0, 1 },
    /* A host may be named by its URI too. */
    { { "migrate", "idle", "--from", "qemu+tcp://198.18.77.13/system", "--to", "labhost1",
        NULL }, CMD_EXIT_OK, { NULL }, 2, 0 },
    { { "migrate", "idle", "--from", "labhost1", "--to", "labhost9", NULL }, CMD_EXIT_USAGE,
      { "--to 'labhost9': no such host: give one of labhost1, labhost2, labhost3", NULL }, 0, 0 },
    { { "migrate", "idle", "--from", "nowhere", "--to", "labhost2", NULL }, CMD_EXIT_USAGE,
      { "--from 'nowhere': no such host", NULL }, 0, 0 },
    { { "migrate", "idle", "--from", "labhost1", "--to", "qemu+tcp://198.18.77.11/system",
        NULL }, CMD_EXIT_USAGE, { "are the same host", NULL }, 0, 0 },
    /* The form's own rules, named by option. */
    { { "migrate", "idle", "--from", "labhost1", "--to", "labhost2", "--tunnelled", "--no-p2p",
        NULL }, CMD_EXIT_USAGE, { "--tunnelled: tunnelled needs p2p", NULL }, 0, 0 },
    { { "migrate", "idle", "--from", "labhost1", "--to", "labhost2", "--copy-storage-all",
        "--copy-storage-inc", NULL }, CMD_EXIT_USAGE, { "exclude each other", NULL }, 0, 0 },
    { { "migrate", "idle", "--from", "labhost1", "--to", "labhost2", "--direct", NULL },
      CMD_EXIT_USAGE, { "--direct: the QEMU driver has no direct migration", NULL }, 0, 0 },
    { { "migrate", "idle", "--from", "labhost1", "--to", "labhost2", "--timeout", "5",
        "--timeout-postcopy", NULL }, CMD_EXIT_USAGE,
      { "post-copy on timeout needs post-copy enabled", NULL }, 0, 0 },
    /* Several problems: every one is printed, and a bad host too. */
    { { "migrate", "idle", "--from", "labhost1", "--to", "elsewhere", "--offline",
        "--no-persistent", "--max-downtime", "100", NULL }, CMD_EXIT_USAGE,
      { "needs persistent", "max downtime applies to a running guest", "no such host" }, 0, 0 },
};

static void test_migrate_prepare(void **state)
{
    (void)state;
    HostsConf hosts;
    lab_like_hosts(&hosts);
    for (size_t i = 0; i < sizeof(prepare_cases) / sizeof(prepare_cases[0]); i++) {
        const PrepareCase *c = &prepare_cases[i];
        CliArgs args;
        Captured cap;
        size_t source = 99, dest = 99;
        parse_ok(&args, c->words);
        capture_open(&cap);
        int status = cmd_migrate_prepare(&args, &hosts, &source, &dest, &cap.streams);
        capture_close(&cap);
        if (status != c->expect_status)
            fail_msg("case %zu: status %d, stderr: %s", i, status, cap.err_text);
        if (status == CMD_EXIT_OK) {
            assert_int_equal(source, c->expect_source);
            assert_int_equal(dest, c->expect_dest);
            assert_string_equal(cap.err_text, "");
        }
        for (size_t k = 0; k < 3 && c->expect_in_err[k]; k++)
            if (!strstr(cap.err_text, c->expect_in_err[k]))
                fail_msg("case %zu: stderr \"%s\" lacks \"%s\"", i, cap.err_text,
                         c->expect_in_err[k]);
        assert_string_equal(cap.out_text, "");   /* nothing on stdout when refusing */
        capture_free(&cap);
        cli_args_clear(&args);
    }
    hosts_conf_clear(&hosts);
}

/* ---- journal ----------------------------------------------------------- */

static char journal_path_buf[64];

static void write_journal(void)
{
    char *error = NULL;
    snprintf(journal_path_buf, sizeof(journal_path_buf), "/tmp/virtmig-test-journal-XXXXXX");
    int fd = mkstemp(journal_path_buf);
    assert_true(fd >= 0);
    close(fd);
    Journal *journal = journal_open(journal_path_buf, &error);
    if (!journal)
        fail_msg("journal_open: %s", error);
    MigrateOptions options;
    migrate_options_init(&options);
    JobStats completed = { .type = JOB_TYPE_COMPLETED };
    completed.present = JS_TIME_ELAPSED | JS_DOWNTIME;
    completed.time_elapsed_ms = 1800;
    completed.downtime_ms = 24;
    for (unsigned id = 1; id <= 3; id++) {
        JournalLaunch launch = {
            .migration_id = id, .domain_name = "idle",
            .domain_uuid = "5f0c7e38-2f6b-4f7b-9c55-6a0ad0f1a001",
            .source_name = id % 2 ? "labhost1" : "labhost2",
            .source_uri = "qemu+tcp://198.18.77.11/system",
            .dest_name = id % 2 ? "labhost2" : "labhost1",
            .dest_uri = "qemu+tcp://198.18.77.12/system",
            .options = &options, .virsh_command = "virsh migrate idle",
        };
        assert_int_equal(journal_append_launch(journal, &launch, &error), 0);
    }
    JournalAction action = { .migration_id = 2, .action = "set-max-downtime",
                             .has_value = true, .value = 500, .ok = true };
    assert_int_equal(journal_append_action(journal, &action, &error), 0);
    JournalOutcome done = { .migration_id = 1, .phase = MIGRATION_COMPLETED,
                            .completed = &completed };
    assert_int_equal(journal_append_outcome(journal, &done, &error), 0);
    JournalOutcome failed = { .migration_id = 3, .phase = MIGRATION_FAILED,
                              .error = "operation failed: migration out of time" };
    assert_int_equal(journal_append_outcome(journal, &failed, &error), 0);
    journal_close(journal);
    migrate_options_clear(&options);
}

static void run_journal(const char *const words[], Captured *cap, int expect_status)
{
    CliArgs args;
    parse_ok(&args, words);
    capture_open(cap);
    int status = cmd_journal(&args, &cap->streams);
    capture_close(cap);
    if (status != expect_status)
        fail_msg("journal status %d, stderr: %s", status, cap->err_text);
    cli_args_clear(&args);
}

static size_t count_lines(const char *text)
{
    size_t lines = 0;
    for (; *text; text++)
        lines += *text == '\n';
    return lines;
}

static void test_journal_table(void **state)
{
    (void)state;
    Captured cap;
    write_journal();
    const char *const words[] = { "journal", "--journal", journal_path_buf, NULL };
    run_journal(words, &cap, CMD_EXIT_OK);
    assert_int_equal(count_lines(cap.out_text), 1 + 6);   /* header + six records */
    assert_non_null(strstr(cap.out_text, "TIME"));
    assert_non_null(strstr(cap.out_text, "launch"));
    assert_non_null(strstr(cap.out_text, "idle: labhost1 -> labhost2"));
    assert_non_null(strstr(cap.out_text, "idle: labhost2 -> labhost1"));
    assert_non_null(strstr(cap.out_text, "set-max-downtime 500: ok"));
    assert_non_null(strstr(cap.out_text, "completed"));
    assert_non_null(strstr(cap.out_text, "failed: operation failed: migration out of time"));
    assert_string_equal(cap.err_text, "");
    capture_free(&cap);

    /* A torn last line (a crash mid-write) is skipped and counted. */
    FILE *file = fopen(journal_path_buf, "a");
    assert_non_null(file);
    fputs("{\"type\":\"outcome\",\"migra", file);
    fclose(file);
    const char *const tail_words[] = { "journal", "--journal", journal_path_buf, "--tail", "2",
                                       "--json", NULL };
    run_journal(tail_words, &cap, CMD_EXIT_OK);
    assert_int_equal(count_lines(cap.out_text), 2);
    char *second = strchr(cap.out_text, '\n') + 1;
    assert_true(strncmp(cap.out_text, "{\"type\":\"outcome\"", 17) == 0);
    assert_non_null(strstr(cap.out_text, "\"phase\":\"completed\""));
    assert_non_null(strstr(second, "\"error\":\"operation failed: migration out of time\""));
    assert_non_null(strstr(cap.err_text, "skipped 1 unreadable line"));
    capture_free(&cap);
    unlink(journal_path_buf);
}

static void test_journal_missing_file(void **state)
{
    (void)state;
    Captured cap;
    const char *const words[] = { "journal", "--journal", "/tmp/virtmig-no-such-journal.jsonl",
                                  NULL };
    run_journal(words, &cap, CMD_EXIT_OK);
    assert_string_equal(cap.out_text, "");
    assert_non_null(strstr(cap.err_text, "no journal yet at /tmp/virtmig-no-such-journal.jsonl"));
    capture_free(&cap);
}

static void test_journal_empty_file(void **state)
{
    (void)state;
    Captured cap;
    char path[] = "/tmp/virtmig-empty-journal-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    const char *const words[] = { "journal", "--journal", path, NULL };
    run_journal(words, &cap, CMD_EXIT_OK);
    assert_string_equal(cap.out_text, "");
    assert_non_null(strstr(cap.err_text, "holds no migration yet"));
    capture_free(&cap);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_prepare),
        cmocka_unit_test(test_journal_table),
        cmocka_unit_test(test_journal_missing_file),
        cmocka_unit_test(test_journal_empty_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
