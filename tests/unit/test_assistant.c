/* assistant: the escalation ladder, parsed and run against recorded-like job
 * sample sequences the way the engine runs it (evaluate on every sample,
 * advance when a step fires, the new downtime becoming the limit in force).
 *
 * The sequences follow QEMU pre-copy as test_convergence.c models it: pass 1
 * copies all of memory, every later pass starts at the dirty set and falls
 * while it is sent (a saw-tooth), the iteration counter rising at each sync.
 * The hot guest is the lab's: 200 MiB rewritten at ~95 MiB/s, 50 MiB/s cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "assistant.h"
#include "units.h"

#define MIB UNITS_MIB
#define MAX_SAMPLES 600

typedef struct {
    JobStats samples[MAX_SAMPLES];
    size_t count;
    uint64_t now_ms;
    uint64_t processed;
} Sequence;

static void push(Sequence *seq, uint64_t iteration, uint64_t remaining, uint64_t bps,
                 uint64_t dirty_bps)
{
    assert_true(seq->count < MAX_SAMPLES);
    JobStats *s = &seq->samples[seq->count++];
    memset(s, 0, sizeof(*s));
    seq->now_ms += 500;
    seq->processed += bps / 2;
    s->type = JOB_TYPE_UNBOUNDED;
    s->sampled_at_ms = seq->now_ms;
    s->present = JS_TIME_ELAPSED | JS_DATA_TOTAL | JS_DATA_PROCESSED | JS_DATA_REMAINING |
                 JS_MEM_TOTAL | JS_MEM_PROCESSED | JS_MEM_REMAINING | JS_MEM_BPS |
                 JS_MEM_DIRTY_RATE | JS_MEM_PAGE_SIZE | JS_MEM_ITERATION;
    s->time_elapsed_ms = seq->now_ms;
    s->data_total = s->mem_total = 512 * MIB;
    s->data_processed = s->mem_processed = seq->processed;
    s->data_remaining = s->mem_remaining = remaining;
    s->mem_bps = bps;
    s->mem_page_size = 4096;
    s->mem_dirty_rate = dirty_bps / 4096;
    s->mem_iteration = iteration;
}

static void hot_first_pass(Sequence *seq)
{
    memset(seq, 0, sizeof(*seq));
    for (int mib = 512; mib >= 12; mib -= 25)
        push(seq, 1, (uint64_t)mib * MIB, 50 * MIB, 95 * MIB);
}

static void hot_pass(Sequence *seq, uint64_t pass)
{
    for (uint64_t left = 200 * MIB; left >= 25 * MIB; left -= 25 * MIB)
        push(seq, pass, left, 50 * MIB, 95 * MIB);
}

/* The engine's loop, on a sequence built in advance: every prefix is judged
 * as it would have arrived. */
typedef struct {
    size_t count;
    AssistantActionKind kind[16];
    uint64_t value[16];
    uint64_t iteration[16];
    char reason[16][ASSISTANT_TEXT];
} Fired;

static void run_ladder(const char *spec, const Sequence *seq, ConvergenceLimits limits,
                       Fired *fired, AssistantDecision *last)
{
    AssistantLadder ladder;
    char error[256];
    if (assistant_ladder_parse(spec, &ladder, error, sizeof(error)) < 0)
        fail_msg("%s: %s", spec, error);
    AssistantState state;
    assistant_state_init(&state, limits.max_downtime_ms,
                         limits.bandwidth_cap_bytes_per_s / MIB, 0);
    memset(fired, 0, sizeof(*fired));
    for (size_t n = 1; n <= seq->count; n++) {
        AssistantDecision decision;
        assistant_evaluate(&ladder, &state, seq->samples, n, &limits, &decision);
        if (last)
            *last = decision;
        if (!decision.fire)
            continue;
        uint64_t iteration = seq->samples[n - 1].mem_iteration;
        assert_true(fired->count < 16);
        fired->kind[fired->count] = decision.kind;
        fired->value[fired->count] = decision.value;
        fired->iteration[fired->count] = iteration;
        snprintf(fired->reason[fired->count], ASSISTANT_TEXT, "%s", decision.reason);
        fired->count++;
        assistant_state_advance(&state, &ladder, &decision, iteration);
        if (decision.kind == ASSIST_DOWNTIME_SET || decision.kind == ASSIST_DOWNTIME_RAISE)
            limits.max_downtime_ms = decision.value;
        if (decision.kind == ASSIST_POSTCOPY)
            limits.postcopy_active = true;
        /* The step fired on the first sample of its iteration, no later. */
        assert_true(n == 1 || seq->samples[n - 2].mem_iteration < iteration);
    }
}

static void expect_format(const char *spec, const char *expected)
{
    AssistantLadder ladder;
    char error[256] = "", text[512];
    if (assistant_ladder_parse(spec, &ladder, error, sizeof(error)) < 0)
        fail_msg("%s: %s", spec, error);
    assistant_ladder_format(&ladder, text, sizeof(text));
    assert_string_equal(text, expected);
}

static void expect_error(const char *spec, const char *needle)
{
    AssistantLadder ladder;
    char error[320] = "";
    assert_int_equal(assistant_ladder_parse(spec, &ladder, error, sizeof(error)), -1);
    if (!strstr(error, needle))
        fail_msg("\"%s\": error \"%s\" lacks \"%s\"", spec, error, needle);
    assert_int_equal(ladder.step_count, 0);
}

static void test_parse_builtins_and_custom(void **state)
{
    (void)state;
    expect_format("post-copy", "post-copy: downtime 1s after 2; postcopy after 2");
    expect_format("  Minimal-Downtime ", "minimal-downtime: downtime x2 upto 2s after 2; abort after 3");
    expect_format("suspend-if-needed",
                  "suspend-if-needed: downtime x2 upto 1s after 2; suspend after 2");
    /* The brief's example, and every form the syntax allows. */
    expect_format("downtime 500ms after 3; downtime 1s after 3; postcopy after 2; abort after 5",
                  "custom: downtime 500ms after 3; downtime 1s after 3; postcopy after 2; "
                  "abort after 5");
    expect_format("downtime x1.5 up to 3s after 1 iteration;bandwidth 200MiB/s after 4 "
                  "iterations; bandwidth unlimited after 2; post-copy after 1;",
                  "custom: downtime x1.50 upto 3s after 1; bandwidth 200 after 4; "
                  "bandwidth unlimited after 2; postcopy after 1");
    /* What the format writes parses back to itself. */
    expect_format("downtime x1.50 upto 3s after 1; bandwidth 200 after 4",
                  "custom: downtime x1.50 upto 3s after 1; bandwidth 200 after 4");
    for (size_t i = 0; assistant_builtin_names[i]; i++)
        assert_non_null(assistant_builtin_spec(assistant_builtin_names[i]));
    assert_null(assistant_builtin_spec("post-copy-fast"));
    AssistantStep step = { .kind = ASSIST_DOWNTIME_RAISE, .factor_percent = 200, .cap_ms = 2000 };
    char text[128];
    assistant_step_format(&step, text, sizeof(text));
    assert_string_equal(text, "raise max downtime x2 up to 2.0 s");
}

static void test_parse_errors_say_what_to_write(void **state)
{
    (void)state;
    expect_error("", "the ladder is empty: write steps like");
    expect_error("   ", "the ladder is empty");
    expect_error("downtime 500ms", "step 1 (\"downtime\"): say when it fires, e.g. \"downtime "
                                   "after 2\"");
    expect_error("downtime 500ms after 3; postcopy sometime", "step 2 (\"postcopy\"): say when");
    expect_error("postcopy after soon", "step 1: \"after soon\" needs a whole number of "
                                        "iterations from 1 to 1000");
    expect_error("postcopy after 0", "from 1 to 1000");
    expect_error("postcopy after 1001", "from 1 to 1000");
    expect_error("migrate-harder after 2", "step 1: unknown action \"migrate-harder\": write "
                                           "steps like");
    expect_error("downtime x0.5 upto 1s after 2", "step 1: factor \"x0.5\" must read like x2");
    expect_error("downtime x2 after 2", "write \"downtime 500ms after 3\" or \"downtime x2 upto "
                                        "2s after 2\"");
    expect_error("downtime 5 parsecs after 2", "step 1: write \"downtime 500ms after 3\"");
    expect_error("downtime soon after 2", "step 1: downtime \"soon\":");
    expect_error("downtime 0ms after 2", "step 1: downtime 0ms is out of range: give 1 ms to "
                                         "10 min");
    expect_error("bandwidth 0 after 2", "a bandwidth of 0 stops the migration: write "
                                        "\"unlimited\"");
    expect_error("bandwidth fast after 2", "step 1: bandwidth \"fast\":");
    expect_error("abort now after 2", "\"abort\" takes no value: write \"abort after 2\"");
    expect_error("abort after 2; postcopy after 1", "step 2 can never run: nothing may follow "
                                                    "\"abort\"");
    expect_error("postcopy after 1;; abort after 2", "step 2 is empty: remove the extra ';'");
    char many[1024] = "";
    for (int i = 0; i < ASSISTANT_MAX_STEPS + 1; i++)
        strcat(many, "suspend after 1; ");
    expect_error(many, "more than 16 steps");

    AssistantLadder ladder;
    char error[320];
    assert_int_equal(assistant_ladder_parse("post-copy", &ladder, error, sizeof(error)), 0);
    assert_int_equal(assistant_ladder_check(&ladder, false, error, sizeof(error)), -1);
    assert_non_null(strstr(error, "step 2 switches to post-copy, but the migration was not "
                                  "launched with post-copy: pick a ladder without it"));
    assert_int_equal(assistant_ladder_check(&ladder, true, error, sizeof(error)), 0);
    assert_int_equal(assistant_ladder_parse(NULL, &ladder, error, sizeof(error)), -1);
    assert_int_equal(assistant_ladder_parse("abort after 1", NULL, error, sizeof(error)), -1);
}

/* The post-copy ladder on the hot guest: the downtime raise two iterations
 * after the last progress, post-copy two iterations after that, each on the
 * first sample of its iteration; the text says what comes before it does. */
static void test_postcopy_ladder_on_hot_guest(void **state)
{
    (void)state;
    static Sequence seq;
    hot_first_pass(&seq);
    for (uint64_t pass = 2; pass <= 8; pass++)
        hot_pass(&seq, pass);
    ConvergenceLimits limits = { .bandwidth_cap_bytes_per_s = 50 * MIB, .postcopy_enabled = true };
    Fired fired;
    AssistantDecision last;
    run_ladder("post-copy", &seq, limits, &fired, &last);
    assert_int_equal(fired.count, 2);
    assert_int_equal(fired.kind[0], ASSIST_DOWNTIME_SET);
    assert_int_equal(fired.value[0], 1000);
    assert_int_equal(fired.iteration[0], 4);
    assert_int_equal(fired.kind[1], ASSIST_POSTCOPY);
    assert_int_equal(fired.iteration[1], 6);
    assert_string_equal(fired.reason[0],
                        "step 1 (downtime after 2): low-water mark 12.0 MiB not lowered for 2 "
                        "iterations (now iteration 4); dirty 95.0 MiB/s, link 50.0 MiB/s");
    assert_non_null(strstr(fired.reason[1], "step 2 (postcopy after 2): low-water mark"));
    assert_string_equal(last.current, "2 steps taken, last: switch to post-copy");

    /* libvirt's first sample can come while QEMU sets up: nothing moved,
     * remaining 0, iteration 0. It is no low-water mark: same steps, same
     * iterations (seen on the lab before this was handled: a step at 2). */
    static Sequence setup;
    memset(&setup, 0, sizeof(setup));
    push(&setup, 0, 0, 0, 0);
    for (size_t i = 0; i < seq.count; i++) {
        setup.samples[setup.count] = seq.samples[i];
        setup.samples[setup.count++].sampled_at_ms += 500;
    }
    run_ladder("post-copy", &setup, limits, &fired, NULL);
    assert_int_equal(fired.count, 2);
    assert_int_equal(fired.iteration[0], 4);
    assert_int_equal(fired.iteration[1], 6);

    /* Before the second step fires, it is announced with its trigger. */
    AssistantLadder ladder;
    char error[256];
    assert_int_equal(assistant_ladder_parse("post-copy", &ladder, error, sizeof(error)), 0);
    AssistantState st;
    assistant_state_init(&st, 0, 50, 0);
    AssistantDecision decision;
    static Sequence upto;
    hot_first_pass(&upto);
    for (uint64_t pass = 2; pass <= 4; pass++)
        hot_pass(&upto, pass);
    assistant_evaluate(&ladder, &st, upto.samples, upto.count, &limits, &decision);
    assert_true(decision.fire);
    assistant_state_advance(&st, &ladder, &decision, 4);
    limits.max_downtime_ms = 1000;
    assistant_evaluate(&ladder, &st, upto.samples, upto.count, &limits, &decision);
    assert_false(decision.fire);
    assert_string_equal(decision.next, "next: switch to post-copy when remaining has not fallen "
                                       "for 2 more iterations (low-water mark 12.0 MiB)");
    assert_string_equal(decision.current, "1 step taken, last: raise max downtime to 1.0 s");
    hot_pass(&upto, 5);
    assistant_evaluate(&ladder, &st, upto.samples, upto.count, &limits, &decision);
    assert_false(decision.fire);
    assert_non_null(strstr(decision.next, "for 1 more iteration (low"));

    /* Once post-copy runs, nothing is left to do. */
    limits.postcopy_active = true;
    assistant_evaluate(&ladder, &st, upto.samples, upto.count, &limits, &decision);
    assert_false(decision.fire);
}

/* minimal-downtime doubles the downtime each time, never past its cap, then
 * gives up: 600, 1200, 2000 ms, abort three iterations later. */
static void test_minimal_downtime_repeats_to_cap_then_aborts(void **state)
{
    (void)state;
    static Sequence seq;
    hot_first_pass(&seq);
    for (uint64_t pass = 2; pass <= 16; pass++)
        hot_pass(&seq, pass);
    ConvergenceLimits limits = { .bandwidth_cap_bytes_per_s = 50 * MIB };
    Fired fired;
    run_ladder("minimal-downtime", &seq, limits, &fired, NULL);
    assert_int_equal(fired.count, 4);
    static const uint64_t values[] = { 600, 1200, 2000 };
    static const uint64_t iterations[] = { 4, 6, 8, 11 };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(fired.kind[i], ASSIST_DOWNTIME_RAISE);
        assert_int_equal(fired.value[i], values[i]);
    }
    assert_int_equal(fired.kind[3], ASSIST_ABORT);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(fired.iteration[i], iterations[i]);

    /* A downtime already above the cap (yet below the 4 s the dirty set
     * needs): the raise has nothing to do, the ladder goes on to the abort. */
    limits.max_downtime_ms = 2500;
    run_ladder("minimal-downtime", &seq, limits, &fired, NULL);
    assert_int_equal(fired.count, 1);
    assert_int_equal(fired.kind[0], ASSIST_ABORT);
    assert_int_equal(fired.iteration[0], 5);
}

/* Inside one iteration the remaining data goes up and down: however many
 * samples and however it jumps, nothing fires before the iteration count. */
static void test_sawtooth_within_an_iteration_never_fires_early(void **state)
{
    (void)state;
    static Sequence seq;
    hot_first_pass(&seq);
    hot_pass(&seq, 2);
    hot_pass(&seq, 3);
    /* Iteration 3 drags on: 150 samples (75 s) of a saw-tooth, rising far
     * above and dipping near the low-water mark without reaching it. */
    for (size_t i = 0; i < 150; i++)
        push(&seq, 3, (i % 5 == 0 ? 300 : 14 + (i % 7) * 20) * MIB, 50 * MIB, 95 * MIB);
    ConvergenceLimits limits = { .bandwidth_cap_bytes_per_s = 50 * MIB, .postcopy_enabled = true };
    Fired fired;
    AssistantDecision last;
    run_ladder("downtime 1s after 2; postcopy after 1", &seq, limits, &fired, &last);
    assert_int_equal(fired.count, 0);
    assert_non_null(strstr(last.next, "next: raise max downtime to 1.0 s when remaining has not "
                                      "fallen for 1 more iteration"));
    /* The next sync (iteration 4) is what lets it fire. */
    hot_pass(&seq, 4);
    run_ladder("downtime 1s after 2; postcopy after 1", &seq, limits, &fired, &last);
    assert_int_equal(fired.count, 1);
    assert_int_equal(fired.iteration[0], 4);
}

/* A converging guest never triggers anything; nor does a first pass. */
static void test_converging_guest_takes_no_step(void **state)
{
    (void)state;
    static Sequence seq;
    memset(&seq, 0, sizeof(seq));
    static const uint64_t starts[] = { 512, 200, 100, 50, 25, 12 };
    for (size_t pass = 0; pass < 6; pass++)
        for (uint64_t left = starts[pass] * MIB; left > 5 * MIB; left -= left / 4 + MIB)
            push(&seq, pass + 1, left, 100 * MIB, 20 * MIB);
    Fired fired;
    AssistantDecision last;
    ConvergenceLimits limits = { .postcopy_enabled = true };
    run_ladder("downtime 500ms after 1; postcopy after 1", &seq, limits, &fired, &last);
    assert_int_equal(fired.count, 0);
    assert_non_null(strstr(last.next, "next: raise max downtime to 500 ms when"));

    hot_first_pass(&seq);
    run_ladder("postcopy after 1", &seq, limits, &fired, &last);
    assert_int_equal(fired.count, 0);
    assert_non_null(strstr(last.next, "(first pass: nothing counted yet)"));
}

/* Progress after a stall starts the count again: a pass that starts lower
 * than all before it is a new low-water mark. */
static void test_progress_restarts_the_count(void **state)
{
    (void)state;
    static Sequence seq;
    hot_first_pass(&seq);
    hot_pass(&seq, 2);
    hot_pass(&seq, 3);
    /* Iteration 4 starts at half the dirty set and drains lower than ever. */
    for (int mib = 100; mib >= 4; mib -= 16)
        push(&seq, 4, (uint64_t)mib * MIB, 50 * MIB, 40 * MIB);
    hot_pass(&seq, 5);
    ConvergenceLimits limits = { .bandwidth_cap_bytes_per_s = 50 * MIB };
    Fired fired;
    run_ladder("downtime 1s after 2", &seq, limits, &fired, NULL);
    assert_int_equal(fired.count, 0);
    hot_pass(&seq, 6);
    run_ladder("downtime 1s after 2", &seq, limits, &fired, NULL);
    assert_int_equal(fired.count, 1);
    assert_int_equal(fired.iteration[0], 6);
}

/* Without post-copy at launch a post-copy step is skipped, suspend follows;
 * a bandwidth step raises the cap and only raises it. */
static void test_skips_and_bandwidth(void **state)
{
    (void)state;
    static Sequence seq;
    hot_first_pass(&seq);
    for (uint64_t pass = 2; pass <= 10; pass++)
        hot_pass(&seq, pass);
    ConvergenceLimits limits = { .bandwidth_cap_bytes_per_s = 50 * MIB };
    Fired fired;
    run_ladder("bandwidth 200 after 2; bandwidth 100 after 1; postcopy after 1; suspend after 2",
               &seq, limits, &fired, NULL);
    assert_int_equal(fired.count, 2);
    assert_int_equal(fired.kind[0], ASSIST_BANDWIDTH_SET);
    assert_int_equal(fired.value[0], 200);
    assert_int_equal(fired.iteration[0], 4);
    assert_int_equal(fired.kind[1], ASSIST_SUSPEND);
    assert_int_equal(fired.iteration[1], 6);

    /* No cap at all: raising bandwidth has nothing to do. */
    limits.bandwidth_cap_bytes_per_s = 0;
    run_ladder("bandwidth 200 after 1; abort after 2", &seq, limits, &fired, NULL);
    assert_int_equal(fired.count, 1);
    assert_int_equal(fired.kind[0], ASSIST_ABORT);

    /* NULLs are harmless; an ended job fires nothing. */
    AssistantDecision decision;
    assistant_evaluate(NULL, NULL, NULL, 0, NULL, &decision);
    assert_false(decision.fire);
    assistant_evaluate(NULL, NULL, NULL, 0, NULL, NULL);
    assistant_state_advance(NULL, NULL, NULL, 0);
    AssistantLadder ladder;
    char error[128];
    assert_int_equal(assistant_ladder_parse("abort after 1", &ladder, error, sizeof(error)), 0);
    AssistantState st;
    assistant_state_init(&st, 0, 0, 0);
    seq.samples[seq.count - 1].type = JOB_TYPE_COMPLETED;
    assistant_evaluate(&ladder, &st, seq.samples, seq.count, NULL, &decision);
    assert_false(decision.fire);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_builtins_and_custom),
        cmocka_unit_test(test_parse_errors_say_what_to_write),
        cmocka_unit_test(test_postcopy_ladder_on_hot_guest),
        cmocka_unit_test(test_minimal_downtime_repeats_to_cap_then_aborts),
        cmocka_unit_test(test_sawtooth_within_an_iteration_never_fires_early),
        cmocka_unit_test(test_converging_guest_takes_no_step),
        cmocka_unit_test(test_progress_restarts_the_count),
        cmocka_unit_test(test_skips_and_bandwidth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
