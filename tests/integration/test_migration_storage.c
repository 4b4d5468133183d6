/* Real migrations that move a definition or a disk: offline migration of the
 * shut-off guest "parked" (persistent + undefine source), and a live
 * --copy-storage-all of "local-disk", whose qcow2 image is private to its host.
 * Each test moves its guest back and removes what the trip left behind. */
#include "test_migration_lab.h"

#define PARKED "parked"
#define LOCAL_DISK "local-disk"

static void move_offline(size_t from, size_t to)
{
    MigrateOptions options;
    mig_options(&options);
    options.live = false;
    options.offline = true;      /* with persistent and undefine-source from mig_options */
    MigRun *run = calloc(1, sizeof(*run));
    assert_int_equal(mig_run(run, PARKED, from, to, &options, NULL), 0);
    assert_int_equal(run->run.rc, 0);
    assert_null(run->run.error);
    assert_int_equal(run->outcome.phase, MIGRATION_COMPLETED);
    assert_non_null(strstr(run->outcome.text, "undefined on the source"));
    /* No memory moves: the job, if any was seen, carried no RAM. */
    assert_false(run->run.saw_postcopy);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);

    /* Defined (and still shut off) on the destination only. */
    assert_int_equal(mig_where(PARKED, true), (int)to);
    virDomainPtr gone = virDomainLookupByName(mig_lab.conns[from], PARKED);
    assert_null(gone);
    virDomainPtr there = mig_domain(to, PARKED);
    assert_int_equal(virDomainIsActive(there), 0);
    assert_int_equal(virDomainIsPersistent(there), 1);
    virDomainFree(there);
}

static void test_offline_moves_definition(void **state)
{
    (void)state;
    int home = mig_where(PARKED, true);
    assert_true(home >= 0);
    virDomainPtr domain = mig_domain((size_t)home, PARKED);
    assert_int_equal(virDomainIsActive(domain), 0);
    virDomainFree(domain);
    size_t dest = mig_other_host((size_t)home);
    move_offline((size_t)home, dest);
    move_offline(dest, (size_t)home);
}

/* Deletes the image a copy-storage trip left on `host`, so the lab is as it was. */
static void delete_leftover_image(size_t host, const char *path)
{
    virStorageVolPtr volume = virStorageVolLookupByPath(mig_lab.conns[host], path);
    if (!volume)
        return;
    assert_int_equal(virStorageVolDelete(volume, 0), 0);
    virStorageVolFree(volume);
}

static void copy_storage(size_t from, size_t to, MigRun *run)
{
    MigrateOptions options;
    mig_options(&options);
    options.copy_storage_all = true;
    assert_int_equal(mig_run(run, LOCAL_DISK, from, to, &options, NULL), 0);
    migrate_options_clear(&options);
}

static void test_copy_storage_all_moves_disk(void **state)
{
    (void)state;
    const char *image = "/var/lib/libvirt/images/local-disk.qcow2";
    int home = mig_where(LOCAL_DISK, false);
    assert_true(home >= 0);
    size_t dest = mig_other_host((size_t)home);
    /* The image is private to its host: the destination has none before. */
    virStorageVolPtr before = virStorageVolLookupByPath(mig_lab.conns[dest], image);
    if (before) {
        virStorageVolFree(before);
        fail_msg("%s already has %s: a previous run left it", mig_host_name(dest), image);
    }

    MigRun *run = calloc(1, sizeof(*run));
    copy_storage((size_t)home, dest, run);
    assert_int_equal(run->run.rc, 0);
    assert_int_equal(run->outcome.phase, MIGRATION_COMPLETED);
    assert_int_equal(mig_where(LOCAL_DISK, false), (int)dest);
    /* libvirt created the image on the destination and the job copied it. */
    virStorageVolPtr copied = virStorageVolLookupByPath(mig_lab.conns[dest], image);
    assert_non_null(copied);
    virStorageVolFree(copied);
    bool saw_disk = false;
    for (size_t i = 0; i < run->sample_count; i++)
        if (job_stats_has(&run->samples[i], JS_DISK_TOTAL) && run->samples[i].disk_total > 0)
            saw_disk = true;
    if (run->run.have_completed && job_stats_has(&run->run.completed, JS_DISK_TOTAL) &&
        run->run.completed.disk_total > 0)
        saw_disk = true;
    fprintf(stderr, "    disk copy seen in job stats: %s\n", saw_disk ? "yes" : "no");
    assert_true(saw_disk);
    mig_run_clear(run);

    /* Back home the same way; then the copy on the destination goes. */
    copy_storage(dest, (size_t)home, run);
    assert_int_equal(run->run.rc, 0);
    assert_int_equal(run->outcome.phase, MIGRATION_COMPLETED);
    assert_int_equal(mig_where(LOCAL_DISK, false), home);
    mig_run_clear(run);
    free(run);
    delete_leftover_image(dest, image);
}

/* Without copy-storage, a private disk makes libvirt refuse; the run reports
 * libvirt's own message and the outcome keeps the guest on the source. */
static void test_private_disk_without_copy_is_refused(void **state)
{
    (void)state;
    int home = mig_where(LOCAL_DISK, false);
    assert_true(home >= 0);
    size_t dest = mig_other_host((size_t)home);
    MigrateOptions options;
    mig_options(&options);
    MigRun *run = calloc(1, sizeof(*run));
    assert_int_equal(mig_run(run, LOCAL_DISK, (size_t)home, dest, &options, NULL), 0);
    assert_int_not_equal(run->run.rc, 0);
    assert_non_null(run->run.error);
    assert_non_null(strstr(run->run.error, "migrate local-disk"));
    assert_int_equal(run->outcome.phase, MIGRATION_FAILED);
    assert_false(run->outcome.source_left_paused);
    assert_int_equal(mig_where(LOCAL_DISK, false), home);
    mig_run_clear(run);
    free(run);
    migrate_options_clear(&options);
}

int main(void)
{
    libvirt_error_install_quiet_handler();
    mig_apply_test_filter();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offline_moves_definition),
        cmocka_unit_test(test_copy_storage_all_moves_disk),
        cmocka_unit_test(test_private_disk_without_copy_is_refused),
    };
    return cmocka_run_group_tests(tests, mig_lab_setup, mig_lab_teardown);
}
