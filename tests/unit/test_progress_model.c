/* Progress bars from recorded-like job samples: within a pass the memory bar
 * only grows, a new pass restarts it with its iteration shown, the overall bar
 * never falls, and a completed job shows full bars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "progress_model.h"

#define MIB (1024ull * 1024ull)

static JobStats memory_sample(uint64_t iteration, uint64_t remaining_mib, uint64_t processed_mib)
{
    JobStats s;
    memset(&s, 0, sizeof s);
    s.type = JOB_TYPE_UNBOUNDED;
    s.present = JS_MEM_TOTAL | JS_MEM_REMAINING | JS_MEM_PROCESSED | JS_MEM_ITERATION |
                JS_MEM_BPS | JS_DATA_TOTAL | JS_DATA_REMAINING | JS_DATA_PROCESSED;
    s.mem_total = 512 * MIB;
    s.mem_remaining = remaining_mib * MIB;
    s.mem_processed = processed_mib * MIB;
    s.mem_iteration = iteration;
    s.mem_bps = 50 * MIB;
    s.data_total = s.mem_total;
    s.data_remaining = s.mem_remaining;
    s.data_processed = s.mem_processed;
    return s;
}

static void test_empty(void **state)
{
    (void)state;
    ProgressValue v;
    progress_compute(NULL, 0, PROGRESS_MEMORY, &v);
    assert_false(v.known);
    JobStats none;
    memset(&none, 0, sizeof none);
    progress_compute(&none, 1, PROGRESS_MEMORY, &v);
    assert_false(v.known);
    progress_compute(&none, 1, PROGRESS_DISK, &v);
    assert_false(v.known);
}

static void test_first_pass(void **state)
{
    (void)state;
    JobStats h[2] = { memory_sample(1, 512, 0), memory_sample(1, 256, 256) };
    ProgressValue v;
    progress_compute(h, 2, PROGRESS_MEMORY, &v);
    assert_true(v.known);
    assert_false(v.later_pass);
    assert_int_equal(v.iteration, 1);
    assert_true(v.fraction > 0.49 && v.fraction < 0.51);
    assert_true(v.eta_known);
    assert_int_equal(v.eta_ms, 256 * 1000 / 50);   /* 256 MiB at 50 MiB/s */
}

static void test_saw_tooth_never_backwards_within_pass(void **state)
{
    (void)state;
    /* Pass 1 sends 512 MiB, pass 2 starts with 120 MiB dirty, pass 3 with 40. */
    JobStats h[] = {
        memory_sample(1, 512, 0), memory_sample(1, 300, 212), memory_sample(1, 10, 502),
        memory_sample(2, 120, 510), memory_sample(2, 60, 570),
        memory_sample(2, 70, 575),  /* noise: remaining rose inside the pass */
        memory_sample(3, 40, 600), memory_sample(3, 30, 610),
    };
    size_t n = sizeof h / sizeof h[0];
    double previous_pass_fraction = -1.0, previous_overall = -1.0;
    uint64_t previous_iteration = 0;
    for (size_t i = 1; i <= n; i++) {
        ProgressValue memory, overall;
        progress_compute(h, i, PROGRESS_MEMORY, &memory);
        progress_compute(h, i, PROGRESS_DATA, &overall);
        assert_true(memory.known);
        if (memory.iteration == previous_iteration)
            assert_true(memory.fraction >= previous_pass_fraction);
        else
            previous_pass_fraction = -1.0;
        assert_true(overall.fraction >= previous_overall);
        previous_pass_fraction = memory.fraction;
        previous_overall = overall.fraction;
        previous_iteration = memory.iteration;
    }
    ProgressValue memory;
    progress_compute(h, 5, PROGRESS_MEMORY, &memory);
    assert_true(memory.later_pass);
    assert_int_equal(memory.iteration, 2);
    assert_int_equal(memory.pass_start_remaining, 120 * MIB);
    assert_true(memory.fraction > 0.49 && memory.fraction < 0.51);   /* 60 of 120 sent */
    ProgressValue overall;
    progress_compute(h, 4, PROGRESS_DATA, &overall);
    assert_true(overall.holding_best);          /* 10 MiB was left, now 120 */
    assert_int_equal(overall.remaining, 120 * MIB);
    progress_compute(h, 2, PROGRESS_DATA, &overall);
    assert_false(overall.holding_best);
    progress_compute(h, 6, PROGRESS_MEMORY, &memory);
    assert_true(memory.fraction > 0.41);            /* best of the pass kept */
    assert_int_equal(memory.remaining, 70 * MIB);   /* but the numbers are libvirt's */
}

static void test_completed_is_full(void **state)
{
    (void)state;
    JobStats h[2] = { memory_sample(3, 30, 610), memory_sample(3, 0, 640) };
    h[1].type = JOB_TYPE_COMPLETED;
    h[1].mem_remaining = 5 * MIB;   /* completed stats may still say something is left */
    ProgressValue v;
    progress_compute(h, 2, PROGRESS_MEMORY, &v);
    assert_true(v.fraction == 1.0);
    assert_int_equal(v.remaining, 0);
    progress_compute(h, 2, PROGRESS_DATA, &v);
    assert_true(v.fraction == 1.0);
}

static void test_disk(void **state)
{
    (void)state;
    JobStats h[3];
    for (size_t i = 0; i < 3; i++) {
        memset(&h[i], 0, sizeof h[i]);
        h[i].type = JOB_TYPE_UNBOUNDED;
        h[i].present = JS_DISK_TOTAL | JS_DISK_PROCESSED | JS_DISK_BPS;
        h[i].disk_total = 100 * MIB;
        h[i].disk_bps = 10 * MIB;
    }
    h[0].disk_processed = 20 * MIB;
    h[1].disk_processed = 60 * MIB;
    h[2].disk_processed = 50 * MIB;   /* a mirror restart: the bar holds */
    ProgressValue v;
    progress_compute(h, 3, PROGRESS_DISK, &v);
    assert_true(v.known);
    assert_true(v.fraction > 0.59 && v.fraction < 0.61);
    assert_int_equal(v.remaining, 50 * MIB);
    assert_int_equal(v.eta_ms, 5000);
    /* No disk data: no disk bar. */
    JobStats m = memory_sample(1, 100, 412);
    progress_compute(&m, 1, PROGRESS_DISK, &v);
    assert_false(v.known);
}

static void test_data_eta_from_libvirt(void **state)
{
    (void)state;
    JobStats s = memory_sample(1, 100, 412);
    s.present |= JS_TIME_REMAINING;
    s.time_remaining_ms = 1234;
    ProgressValue v;
    progress_compute(&s, 1, PROGRESS_DATA, &v);
    assert_true(v.eta_known);
    assert_int_equal(v.eta_ms, 1234);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_first_pass),
        cmocka_unit_test(test_saw_tooth_never_backwards_within_pass),
        cmocka_unit_test(test_completed_is_full),
        cmocka_unit_test(test_disk),
        cmocka_unit_test(test_data_eta_from_libvirt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
