/* Typed parameters -> JobStats (core/job_stats_collect.c): the parser shared
 * by virDomainGetJobStats and the JOB_COMPLETED event. The parameters are built
 * with libvirt's virTypedParams* functions, as the daemon sends them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "job_stats_collect.h"

static void test_every_field_parsed(void **state)
{
    (void)state;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    const struct { const char *name; unsigned long long value; JobStatsField bit;
                   size_t offset; } table[] = {
#define ROW(name, value, bit, member) { name, value, bit, offsetof(JobStats, member) }
        ROW(VIR_DOMAIN_JOB_TIME_ELAPSED, 6000, JS_TIME_ELAPSED, time_elapsed_ms),
        ROW(VIR_DOMAIN_JOB_TIME_ELAPSED_NET, 5990, JS_TIME_ELAPSED_NET, time_elapsed_net_ms),
        ROW(VIR_DOMAIN_JOB_TIME_REMAINING, 1200, JS_TIME_REMAINING, time_remaining_ms),
        ROW(VIR_DOMAIN_JOB_DOWNTIME, 4000, JS_DOWNTIME, downtime_ms),
        ROW(VIR_DOMAIN_JOB_DOWNTIME_NET, 3990, JS_DOWNTIME_NET, downtime_net_ms),
        ROW(VIR_DOMAIN_JOB_SETUP_TIME, 12, JS_SETUP_TIME, setup_time_ms),
        ROW(VIR_DOMAIN_JOB_DATA_TOTAL, 537919488, JS_DATA_TOTAL, data_total),
        ROW(VIR_DOMAIN_JOB_DATA_PROCESSED, 314572800, JS_DATA_PROCESSED, data_processed),
        ROW(VIR_DOMAIN_JOB_DATA_REMAINING, 209715200, JS_DATA_REMAINING, data_remaining),
        ROW(VIR_DOMAIN_JOB_MEMORY_TOTAL, 537919488, JS_MEM_TOTAL, mem_total),
        ROW(VIR_DOMAIN_JOB_MEMORY_PROCESSED, 314572801, JS_MEM_PROCESSED, mem_processed),
        ROW(VIR_DOMAIN_JOB_MEMORY_REMAINING, 209715201, JS_MEM_REMAINING, mem_remaining),
        ROW(VIR_DOMAIN_JOB_MEMORY_CONSTANT, 70000, JS_MEM_CONSTANT, mem_constant),
        ROW(VIR_DOMAIN_JOB_MEMORY_NORMAL, 60000, JS_MEM_NORMAL, mem_normal),
        ROW(VIR_DOMAIN_JOB_MEMORY_NORMAL_BYTES, 245760000, JS_MEM_NORMAL_BYTES, mem_normal_bytes),
        ROW(VIR_DOMAIN_JOB_MEMORY_BPS, 52428800, JS_MEM_BPS, mem_bps),
        ROW(VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE, 12600, JS_MEM_DIRTY_RATE, mem_dirty_rate),
        ROW(VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE, 4096, JS_MEM_PAGE_SIZE, mem_page_size),
        ROW(VIR_DOMAIN_JOB_MEMORY_ITERATION, 2, JS_MEM_ITERATION, mem_iteration),
        ROW(VIR_DOMAIN_JOB_MEMORY_POSTCOPY_REQS, 31, JS_MEM_POSTCOPY_REQS, mem_postcopy_reqs),
        ROW(VIR_DOMAIN_JOB_DISK_TOTAL, 1048576, JS_DISK_TOTAL, disk_total),
        ROW(VIR_DOMAIN_JOB_DISK_PROCESSED, 524288, JS_DISK_PROCESSED, disk_processed),
        ROW(VIR_DOMAIN_JOB_DISK_REMAINING, 524288, JS_DISK_REMAINING, disk_remaining),
        ROW(VIR_DOMAIN_JOB_DISK_BPS, 1000, JS_DISK_BPS, disk_bps),
        ROW(VIR_DOMAIN_JOB_DISK_TEMP_USED, 7, JS_DISK_TEMP_USED, disk_temp_used),
        ROW(VIR_DOMAIN_JOB_DISK_TEMP_TOTAL, 8, JS_DISK_TEMP_TOTAL, disk_temp_total),
        ROW(VIR_DOMAIN_JOB_COMPRESSION_CACHE, 67108864, JS_COMPRESSION_CACHE, compression_cache),
        ROW(VIR_DOMAIN_JOB_COMPRESSION_BYTES, 99, JS_COMPRESSION_BYTES, compression_bytes),
        ROW(VIR_DOMAIN_JOB_COMPRESSION_PAGES, 98, JS_COMPRESSION_PAGES, compression_pages),
        ROW(VIR_DOMAIN_JOB_COMPRESSION_CACHE_MISSES, 97, JS_COMPRESSION_MISSES,
            compression_cache_misses),
        ROW(VIR_DOMAIN_JOB_COMPRESSION_OVERFLOW, 96, JS_COMPRESSION_OVERFLOW,
            compression_overflow),
#undef ROW
    };
    size_t rows = sizeof(table) / sizeof(table[0]);
    for (size_t i = 0; i < rows; i++)
        assert_int_equal(virTypedParamsAddULLong(&params, &n, &max, table[i].name,
                                                 table[i].value), 0);
    assert_int_equal(virTypedParamsAddInt(&params, &n, &max, VIR_DOMAIN_JOB_OPERATION,
                                          VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT), 0);
    assert_int_equal(virTypedParamsAddInt(&params, &n, &max,
                                          VIR_DOMAIN_JOB_AUTO_CONVERGE_THROTTLE, 30), 0);
    assert_int_equal(virTypedParamsAddString(&params, &n, &max, VIR_DOMAIN_JOB_ERRMSG,
                                             "migration was active, but no RAM info was set"), 0);
    assert_int_equal(virTypedParamsAddULLong(&params, &n, &max, "some_future_field", 1), 0);

    JobStats stats;
    job_stats_from_params(VIR_DOMAIN_JOB_UNBOUNDED, params, n, &stats);
    assert_int_equal(stats.type, JOB_TYPE_UNBOUNDED);
    for (size_t i = 0; i < rows; i++) {
        uint64_t value;
        memcpy(&value, (char *)&stats + table[i].offset, sizeof(value));
        assert_int_equal(value, table[i].value);
        assert_true(job_stats_has(&stats, table[i].bit));
    }
    assert_int_equal(stats.operation, VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT);
    assert_true(job_stats_has(&stats, JS_OPERATION));
    assert_int_equal(stats.auto_converge_throttle, 30);
    assert_true(job_stats_has(&stats, JS_AUTO_CONVERGE_THROTTLE));
    assert_string_equal(stats.errmsg, "migration was active, but no RAM info was set");
    assert_true(job_stats_has(&stats, JS_ERRMSG));
    assert_true(stats.sampled_at_ms > 0);
    virTypedParamsFree(params, n);
}

static void test_absent_fields_are_not_present(void **state)
{
    (void)state;
    virTypedParameterPtr params = NULL;
    int n = 0, max = 0;
    assert_int_equal(virTypedParamsAddULLong(&params, &n, &max, VIR_DOMAIN_JOB_MEMORY_ITERATION,
                                             0), 0);
    JobStats stats;
    job_stats_from_params(VIR_DOMAIN_JOB_COMPLETED, params, n, &stats);
    assert_int_equal(stats.type, JOB_TYPE_COMPLETED);
    /* 0 is a real value when libvirt sends it ... */
    assert_true(job_stats_has(&stats, JS_MEM_ITERATION));
    /* ... and nothing else is claimed. */
    assert_int_equal(stats.present, JS_MEM_ITERATION);
    virTypedParamsFree(params, n);

    job_stats_from_params(VIR_DOMAIN_JOB_NONE, NULL, 0, &stats);
    assert_int_equal(stats.type, JOB_TYPE_NONE);
    assert_int_equal(stats.present, 0);
}

static void test_job_info_fallback(void **state)
{
    (void)state;
    virDomainJobInfo info;
    memset(&info, 0, sizeof(info));
    info.type = VIR_DOMAIN_JOB_UNBOUNDED;
    info.timeElapsed = 3000;
    info.memTotal = 100;
    info.memProcessed = 40;
    info.memRemaining = 60;
    JobStats stats;
    job_stats_from_info(&info, &stats);
    assert_int_equal(stats.type, JOB_TYPE_UNBOUNDED);
    assert_int_equal(stats.time_elapsed_ms, 3000);
    assert_int_equal(stats.mem_remaining, 60);
    assert_true(job_stats_has(&stats, JS_MEM_PROCESSED));
    /* Unbounded jobs have no time estimate; the old call does not give dirty rates. */
    assert_false(job_stats_has(&stats, JS_TIME_REMAINING));
    assert_false(job_stats_has(&stats, JS_MEM_DIRTY_RATE));

    info.type = VIR_DOMAIN_JOB_NONE;
    job_stats_from_info(&info, &stats);
    assert_int_equal(stats.present, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field_parsed),
        cmocka_unit_test(test_absent_fields_are_not_present),
        cmocka_unit_test(test_job_info_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
