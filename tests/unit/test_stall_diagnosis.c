/* stall_diagnosis: each cause named with the numbers behind it and its
 * remedy key, on recorded-like job sample sequences (built as in
 * test_convergence.c: 500 ms apart, remaining a saw-tooth per iteration). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "stall_diagnosis.h"
#include "units.h"

#define MIB UNITS_MIB
#define MAX_SAMPLES 200

typedef struct {
    JobStats samples[MAX_SAMPLES];
    size_t count;
    uint64_t now_ms;
    uint64_t processed;
} Sequence;

static JobStats *push(Sequence *seq, uint64_t iteration, uint64_t remaining, uint64_t bps,
                      uint64_t dirty_bps)
{
    assert_true(seq->count < MAX_SAMPLES);
    JobStats *s = &seq->samples[seq->count++];
    memset(s, 0, sizeof(*s));
    seq->now_ms += 500;
    seq->processed += bps / 2;
    s->type = JOB_TYPE_UNBOUNDED;
    s->sampled_at_ms = seq->now_ms;
    s->present = JS_TIME_ELAPSED | JS_DATA_PROCESSED | JS_DATA_REMAINING | JS_MEM_PROCESSED |
                 JS_MEM_REMAINING | JS_MEM_BPS | JS_MEM_DIRTY_RATE | JS_MEM_PAGE_SIZE |
                 JS_MEM_ITERATION;
    s->time_elapsed_ms = seq->now_ms;
    s->data_processed = s->mem_processed = seq->processed;
    s->data_remaining = s->mem_remaining = remaining;
    s->mem_bps = bps;
    s->mem_page_size = 4096;
    s->mem_dirty_rate = dirty_bps / 4096;
    s->mem_iteration = iteration;
    return s;
}

static void build_hot(Sequence *seq, size_t passes, uint64_t bps)
{
    memset(seq, 0, sizeof(*seq));
    for (int mib = 512; mib >= 12; mib -= 25)
        push(seq, 1, (uint64_t)mib * MIB, bps, 95 * MIB);
    for (size_t pass = 2; pass <= passes; pass++)
        for (uint64_t left = 200 * MIB; left >= 25 * MIB; left -= 25 * MIB)
            push(seq, pass, left, bps, 95 * MIB);
}

static const StallFinding *find(const StallDiagnosis *diagnosis, StallCause cause)
{
    for (size_t i = 0; i < diagnosis->count; i++)
        if (diagnosis->findings[i].cause == cause)
            return &diagnosis->findings[i];
    return NULL;
}

static void test_hot_guest_at_a_cap(void **state)
{
    (void)state;
    static Sequence seq;
    build_hot(&seq, 6, 50 * MIB);
    ConvergenceLimits limits = { .bandwidth_cap_bytes_per_s = 50 * MIB, .postcopy_enabled = true };
    StallDiagnosis diagnosis;
    stall_diagnose(seq.samples, seq.count, &limits, NULL, &diagnosis);

    const StallFinding *dirty = find(&diagnosis, STALL_DIRTY_ABOVE_BANDWIDTH);
    assert_non_null(dirty);
    assert_ptr_equal(dirty, &diagnosis.findings[0]);
    assert_string_equal(dirty->text, "dirty rate above bandwidth: dirty 95.0 MiB/s > link "
                                     "50.0 MiB/s");
    assert_string_equal(dirty->remedy_key, "switch-to-postcopy");

    const StallFinding *cap = find(&diagnosis, STALL_BANDWIDTH_CAP);
    assert_non_null(cap);
    assert_string_equal(cap->text, "bandwidth cap lower than the link: transfer 50.0 MiB/s "
                                   "pinned at the 50.0 MiB/s cap");
    assert_string_equal(cap->remedy_key, "raise-bandwidth");
    assert_int_equal(cap->remedy_value, 143);   /* 1.5 x 95 MiB/s */

    /* The newest sample has 25 MiB left: 500 ms at 50 MiB/s, over 300 ms. */
    const StallFinding *downtime = find(&diagnosis, STALL_DOWNTIME_TOO_SMALL);
    assert_non_null(downtime);
    assert_string_equal(downtime->remedy_key, "raise-max-downtime");
    assert_string_equal(downtime->text, "downtime budget too small: expected 500 ms, allowed "
                                        "300 ms");
    assert_int_equal(downtime->remedy_value, 650);
    assert_null(find(&diagnosis, STALL_COMPRESSION_MISSES));
    assert_null(find(&diagnosis, STALL_DISK_NOT_CONVERGING));

    /* libvirt's own expected downtime is preferred and said so. */
    seq.samples[seq.count - 1].present |= JS_DOWNTIME;
    seq.samples[seq.count - 1].downtime_ms = 4000;
    stall_diagnose(seq.samples, seq.count, &limits, NULL, &diagnosis);
    downtime = find(&diagnosis, STALL_DOWNTIME_TOO_SMALL);
    assert_string_equal(downtime->text, "downtime budget too small: expected 4.0 s (libvirt), "
                                        "allowed 300 ms");
    assert_int_equal(downtime->remedy_value, 5000);

    /* Without post-copy the remedy for a dirty rate is suspending the guest;
     * without a cap there is no cap finding. */
    limits.postcopy_enabled = false;
    limits.bandwidth_cap_bytes_per_s = 0;
    stall_diagnose(seq.samples, seq.count, &limits, NULL, &diagnosis);
    assert_string_equal(find(&diagnosis, STALL_DIRTY_ABOVE_BANDWIDTH)->remedy_key,
                        "suspend-guest");
    assert_null(find(&diagnosis, STALL_BANDWIDTH_CAP));

    /* In post-copy, or once ended, there is nothing to diagnose. */
    limits.postcopy_active = true;
    stall_diagnose(seq.samples, seq.count, &limits, NULL, &diagnosis);
    assert_int_equal(diagnosis.count, 0);
    limits.postcopy_active = false;
    seq.samples[seq.count - 1].type = JOB_TYPE_COMPLETED;
    stall_diagnose(seq.samples, seq.count, &limits, NULL, &diagnosis);
    assert_int_equal(diagnosis.count, 0);
}

static void test_converging_guest_has_no_cause(void **state)
{
    (void)state;
    static Sequence seq;
    memset(&seq, 0, sizeof(seq));
    static const uint64_t starts[] = { 512, 200, 100, 50 };
    for (size_t pass = 0; pass < 4; pass++)
        for (uint64_t left = starts[pass] * MIB; left > 10 * MIB; left -= left / 4 + MIB)
            push(&seq, pass + 1, left, 100 * MIB, 20 * MIB);
    StallDiagnosis diagnosis;
    stall_diagnose(seq.samples, seq.count, NULL, NULL, &diagnosis);
    assert_int_equal(diagnosis.count, 0);
    stall_diagnose(NULL, 0, NULL, NULL, &diagnosis);
    assert_int_equal(diagnosis.count, 0);
    stall_diagnose(seq.samples, seq.count, NULL, NULL, NULL);
}

static void test_compression_cache_misses(void **state)
{
    (void)state;
    static Sequence seq;
    build_hot(&seq, 4, 50 * MIB);
    /* xbzrle with a 64 MiB cache against a 200 MiB dirty set: over the
     * history, 9000 misses against 3000 compressed pages. */
    for (size_t i = 0; i < seq.count; i++) {
        JobStats *s = &seq.samples[i];
        s->present |= JS_COMPRESSION_CACHE | JS_COMPRESSION_PAGES | JS_COMPRESSION_MISSES;
        s->compression_cache = 64 * MIB;
        s->compression_pages = 1000 + 3000 * i / (seq.count - 1);
        s->compression_cache_misses = 500 + 9000 * i / (seq.count - 1);
    }
    StallDiagnosis diagnosis;
    stall_diagnose(seq.samples, seq.count, NULL, NULL, &diagnosis);
    const StallFinding *misses = find(&diagnosis, STALL_COMPRESSION_MISSES);
    assert_non_null(misses);
    assert_string_equal(misses->text, "compression cache misses: 75% of 12000 xbzrle pages "
                                      "missed the 64.0 MiB cache");
    assert_string_equal(misses->remedy_key, "raise-compression-cache");
    assert_int_equal(misses->remedy_value, 256 * MIB);

    /* Mostly hits: no finding. */
    for (size_t i = 0; i < seq.count; i++)
        seq.samples[i].compression_cache_misses = 500 + 100 * i / (seq.count - 1);
    stall_diagnose(seq.samples, seq.count, NULL, NULL, &diagnosis);
    assert_null(find(&diagnosis, STALL_COMPRESSION_MISSES));
}

static void test_disk_mirror_not_converging(void **state)
{
    (void)state;
    static Sequence seq;
    build_hot(&seq, 6, 50 * MIB);
    /* The disk mirror hovers around 300 MiB for the whole (29 s) history. */
    for (size_t i = 0; i < seq.count; i++) {
        JobStats *s = &seq.samples[i];
        s->present |= JS_DISK_REMAINING | JS_DISK_BPS;
        s->disk_remaining = (300 + (i % 4) * 8) * MIB;
        s->disk_bps = 20 * MIB;
    }
    StallDiagnosis diagnosis;
    stall_diagnose(seq.samples, seq.count, NULL, NULL, &diagnosis);
    const StallFinding *disk = find(&diagnosis, STALL_DISK_NOT_CONVERGING);
    assert_non_null(disk);
    assert_non_null(strstr(disk->text, "disk mirror not converging: "));
    assert_non_null(strstr(disk->text, "left, no new low in 10 s at 20.0 MiB/s"));
    assert_string_equal(disk->remedy_key, "suspend-guest");

    /* A falling mirror is fine. */
    for (size_t i = 0; i < seq.count; i++)
        seq.samples[i].disk_remaining = (300 - i) * MIB;
    stall_diagnose(seq.samples, seq.count, NULL, NULL, &diagnosis);
    assert_null(find(&diagnosis, STALL_DISK_NOT_CONVERGING));
    assert_string_equal(stall_cause_name(STALL_DISK_NOT_CONVERGING), "disk mirror not converging");
    assert_string_equal(stall_cause_name(STALL_CAUSE_COUNT), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hot_guest_at_a_cap),
        cmocka_unit_test(test_converging_guest_has_no_cause),
        cmocka_unit_test(test_compression_cache_misses),
        cmocka_unit_test(test_disk_mirror_not_converging),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
