/* ring: order, wrap-around, statistics and copy-out, against a plain array
 * model of the same history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ring.h"

static void test_new_and_null(void **state)
{
    (void)state;
    assert_null(ring_new(0));
    assert_null(ring_new(SIZE_MAX));
    ring_free(NULL);
    ring_clear(NULL);
    ring_push(NULL, 1, 1.0);
    assert_int_equal(ring_count(NULL), 0);
    assert_int_equal(ring_capacity(NULL), 0);
    RingSample sample;
    double value;
    assert_false(ring_get(NULL, 0, &sample));
    assert_false(ring_last(NULL, &sample));
    assert_false(ring_min(NULL, &value));
    assert_false(ring_max(NULL, &value));
    assert_false(ring_window_mean(NULL, 100, &value));
    assert_int_equal(ring_copy_out(NULL, &sample, 1), 0);

    Ring *ring = ring_new(4);
    assert_non_null(ring);
    assert_int_equal(ring_capacity(ring), 4);
    assert_int_equal(ring_count(ring), 0);
    assert_false(ring_get(ring, 0, &sample));
    assert_false(ring_last(ring, &sample));
    assert_false(ring_min(ring, &value));
    assert_false(ring_max(ring, &value));
    assert_false(ring_window_mean(ring, 100, &value));
    ring_free(ring);
}

static void test_fill_without_wrap(void **state)
{
    (void)state;
    Ring *ring = ring_new(5);
    assert_non_null(ring);
    ring_push(ring, 100, 3.0);
    ring_push(ring, 200, -1.0);
    ring_push(ring, 300, 7.5);
    assert_int_equal(ring_count(ring), 3);
    RingSample sample;
    assert_true(ring_get(ring, 0, &sample));
    assert_int_equal(sample.time_ms, 100);
    assert_true(sample.value == 3.0);
    assert_true(ring_get(ring, 2, &sample));
    assert_int_equal(sample.time_ms, 300);
    assert_false(ring_get(ring, 3, &sample));
    assert_true(ring_last(ring, &sample));
    assert_true(sample.value == 7.5);
    double value;
    assert_true(ring_min(ring, &value));
    assert_true(value == -1.0);
    assert_true(ring_max(ring, &value));
    assert_true(value == 7.5);
    ring_free(ring);
}

/* Pushes many more samples than the ring holds, comparing with a model after
 * every push: count, order oldest first, min, max, last, copy-out. */
static void test_wrap_around_matches_model(void **state)
{
    (void)state;
    enum { CAPACITY = 7, PUSHES = 40 };
    Ring *ring = ring_new(CAPACITY);
    assert_non_null(ring);
    double model[PUSHES];
    for (size_t n = 0; n < PUSHES; n++) {
        /* A zig-zag so min and max move around the ring. */
        model[n] = (double)((n * 37) % 11) - 5.0;
        ring_push(ring, 1000 + n * 10, model[n]);
        size_t expect_count = n + 1 < CAPACITY ? n + 1 : CAPACITY;
        size_t first = n + 1 - expect_count;
        assert_int_equal(ring_count(ring), expect_count);
        double lo = model[first], hi = model[first];
        for (size_t i = 0; i < expect_count; i++) {
            RingSample sample;
            assert_true(ring_get(ring, i, &sample));
            assert_true(sample.value == model[first + i]);
            assert_int_equal(sample.time_ms, 1000 + (first + i) * 10);
            if (model[first + i] < lo) lo = model[first + i];
            if (model[first + i] > hi) hi = model[first + i];
        }
        double value;
        assert_true(ring_min(ring, &value));
        assert_true(value == lo);
        assert_true(ring_max(ring, &value));
        assert_true(value == hi);
        RingSample last;
        assert_true(ring_last(ring, &last));
        assert_true(last.value == model[n]);
        RingSample copy[CAPACITY + 2];
        assert_int_equal(ring_copy_out(ring, copy, CAPACITY + 2), expect_count);
        for (size_t i = 0; i < expect_count; i++)
            assert_true(copy[i].value == model[first + i]);
    }
    ring_free(ring);
}

static void test_copy_out_keeps_newest(void **state)
{
    (void)state;
    Ring *ring = ring_new(4);
    assert_non_null(ring);
    for (unsigned i = 1; i <= 6; i++)          /* holds 3,4,5,6 */
        ring_push(ring, i, (double)i);
    RingSample copy[2];
    assert_int_equal(ring_copy_out(ring, copy, 2), 2);
    assert_true(copy[0].value == 5.0);
    assert_true(copy[1].value == 6.0);
    assert_int_equal(ring_copy_out(ring, copy, 0), 0);
    ring_clear(ring);
    assert_int_equal(ring_count(ring), 0);
    assert_int_equal(ring_capacity(ring), 4);
    ring_push(ring, 9, 9.0);
    RingSample sample;
    assert_true(ring_get(ring, 0, &sample));
    assert_true(sample.value == 9.0);
    ring_free(ring);
}

static void test_window_mean(void **state)
{
    (void)state;
    Ring *ring = ring_new(4);
    assert_non_null(ring);
    double mean;
    ring_push(ring, 1000, 10.0);
    assert_true(ring_window_mean(ring, 0, &mean));
    assert_true(mean == 10.0);
    ring_push(ring, 1500, 20.0);
    ring_push(ring, 2000, 30.0);
    assert_true(ring_window_mean(ring, 0, &mean));     /* newest alone */
    assert_true(mean == 30.0);
    assert_true(ring_window_mean(ring, 500, &mean));   /* 1500 and 2000 */
    assert_true(mean == 25.0);
    assert_true(ring_window_mean(ring, 5000, &mean));  /* all, window past time 0 */
    assert_true(mean == 20.0);
    /* After wrapping, the dropped sample no longer counts. */
    ring_push(ring, 2500, 40.0);
    ring_push(ring, 3000, 50.0);                       /* drops 1000 */
    assert_true(ring_window_mean(ring, 1000000, &mean));
    assert_true(mean == (20.0 + 30.0 + 40.0 + 50.0) / 4.0);
    assert_true(ring_window_mean(ring, 999, &mean));   /* 2500, 3000 (2000 is 1000 back) */
    assert_true(mean == 45.0);
    ring_free(ring);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_and_null),
        cmocka_unit_test(test_fill_without_wrap),
        cmocka_unit_test(test_wrap_around_matches_model),
        cmocka_unit_test(test_copy_out_keeps_newest),
        cmocka_unit_test(test_window_mean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
