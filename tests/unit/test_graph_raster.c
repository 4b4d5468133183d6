/* Graph columns against time: samples land in their slice, the largest wins,
 * short gaps hold the last value, long gaps and the time before the first
 * sample show as no data, and samples past the window are ignored. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "graph_raster.h"

static void test_buckets_take_the_largest(void **state)
{
    (void)state;
    uint64_t at[] = { 1000, 1400, 1600, 2500 };
    double v[] = { 5, 9, 3, 7 };
    double out[3];
    /* Window 0..3000 in 1 s slices. */
    graph_resample(at, v, 4, 3000, 1000, 3, 0, out);
    assert_true(isnan(out[0]));     /* nothing before t=1000 */
    assert_true(out[1] == 9.0);     /* 1000..2000: max(5, 9, 3) */
    assert_true(out[2] == 7.0);
}

static void test_hold_and_gaps(void **state)
{
    (void)state;
    uint64_t at[] = { 500, 5500 };
    double v[] = { 4, 8 };
    double out[6];
    /* Slices of 1 s over 0..6000; hold 2 s. */
    graph_resample(at, v, 2, 6000, 1000, 6, 2000, out);
    assert_true(out[0] == 4.0);
    assert_true(out[1] == 4.0);     /* 1.5 s after: held */
    assert_true(out[2] == 4.0);     /* 2.5 s after: within hold + one slice */
    assert_true(isnan(out[3]));     /* 3.5 s: a real gap */
    assert_true(isnan(out[4]));
    assert_true(out[5] == 8.0);
}

static void test_window_edges(void **state)
{
    (void)state;
    uint64_t at[] = { 100, 9000, 20000 };
    double v[] = { 1, 2, 3 };
    double out[2];
    /* Window 8000..10000: the old sample is only "previous", the future one ignored. */
    graph_resample(at, v, 3, 10000, 1000, 2, 0, out);
    assert_true(isnan(out[0]));
    assert_true(out[1] == 2.0);
    /* end before the span: the window starts at 0 without wrapping. */
    graph_resample(at, v, 3, 1000, 1000, 2, 0, out);
    assert_true(out[0] == 1.0);
    assert_true(isnan(out[1]));
    /* Nothing at all. */
    graph_resample(NULL, NULL, 0, 1000, 100, 2, 1000, out);
    assert_true(isnan(out[0]) && isnan(out[1]));
    graph_resample(at, v, 3, 10000, 0, 0, 0, out);   /* no columns: no write */
}

static void test_max(void **state)
{
    (void)state;
    double v[] = { NAN, 3, 7, INFINITY, 2 };
    assert_true(graph_max(v, 5) == 7.0);
    assert_true(graph_max(v, 0) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buckets_take_the_largest),
        cmocka_unit_test(test_hold_and_gaps),
        cmocka_unit_test(test_window_edges),
        cmocka_unit_test(test_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
