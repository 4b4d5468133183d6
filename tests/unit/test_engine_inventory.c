/* The engine's pure pieces: merging a host's fresh inventory into the
 * published list (history, watch flag and job survive by UUID), the
 * dirty-rate history, deep copies of the views, and lookups in a snapshot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine_state.h"
#include "inventory.h"
#include "snapshot.h"

#define UUID_A "00000000-0000-4000-8000-00000000000a"
#define UUID_B "00000000-0000-4000-8000-00000000000b"
#define UUID_C "00000000-0000-4000-8000-00000000000c"

static void add_record(Inventory *inventory, const char *uuid, const char *name, int state,
                       uint64_t memory_kib)
{
    inventory->records = realloc(inventory->records,
                                 sizeof(*inventory->records) * (inventory->count + 1));
    assert_non_null(inventory->records);
    InventoryRecord *record = &inventory->records[inventory->count++];
    memset(record, 0, sizeof(*record));
    strcpy(record->uuid, uuid);
    record->name = name;          /* borrowed, as from libvirt's stats */
    record->state = state;
    record->reason = 1;
    record->persistent = true;
    record->vcpus = 2;
    record->memory_kib = memory_kib;
    record->max_memory_kib = memory_kib * 2;
}

static void free_domains(DomainView *domains, size_t count)
{
    for (size_t i = 0; i < count; i++)
        domain_view_clear(&domains[i]);
    free(domains);
}

static void test_merge_into_empty_sorts_by_name(void **state)
{
    (void)state;
    Inventory inventory = { 0 };
    add_record(&inventory, UUID_A, "zeta", DOMAIN_RUNNING, 1024);
    add_record(&inventory, UUID_B, "alpha", DOMAIN_SHUTOFF, 2048);
    add_record(&inventory, UUID_C, "mid", DOMAIN_PAUSED, 512);
    DomainView *domains = NULL;
    size_t count = 0;
    bool changed = false;

    inventory_sort(&inventory);
    assert_int_equal(inventory_merge(&inventory, 2, &domains, &count, &changed), 0);
    assert_true(changed);
    assert_int_equal(count, 3);
    assert_string_equal(domains[0].name, "alpha");
    assert_string_equal(domains[1].name, "mid");
    assert_string_equal(domains[2].name, "zeta");
    assert_string_equal(domains[2].uuid, UUID_A);
    assert_int_equal(domains[0].state, DOMAIN_SHUTOFF);
    assert_int_equal(domains[1].state, DOMAIN_PAUSED);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(domains[i].host_index, 2);
        assert_int_equal(domains[i].vcpus, 2);
        assert_true(domains[i].persistent);
        assert_int_equal(domains[i].max_memory_kib, domains[i].memory_kib * 2);
        assert_int_equal(domains[i].dirty_rate_count, 0);
        assert_false(domains[i].has_job);
    }
    free_domains(domains, count);
    inventory_clear(&inventory);
}

static void test_merge_keeps_history_by_uuid(void **state)
{
    (void)state;
    Inventory first = { 0 };
    add_record(&first, UUID_A, "web", DOMAIN_RUNNING, 1024);
    add_record(&first, UUID_B, "db", DOMAIN_RUNNING, 1024);
    DomainView *domains = NULL;
    size_t count = 0;
    bool changed = false;
    inventory_sort(&first);
    assert_int_equal(inventory_merge(&first, 0, &domains, &count, &changed), 0);

    /* What only the engine knows about "web" (sorted second: db, web). */
    DomainView *web = &domains[1];
    assert_string_equal(web->name, "web");
    web->dirty_rate_watched = true;
    engine_push_dirty_rate(web, 12.5, 1000);
    engine_push_dirty_rate(web, 13.5, 2000);
    JobStats job = { .type = JOB_TYPE_UNBOUNDED, .data_total = 42 };
    assert_int_equal(engine_set_domain_job(web, &job), 0);

    /* Next refresh: web renamed and paused, db gone, a new one appears. */
    Inventory second = { 0 };
    add_record(&second, UUID_C, "cache", DOMAIN_RUNNING, 256);
    add_record(&second, UUID_A, "web-renamed", DOMAIN_PAUSED, 2048);
    inventory_sort(&second);
    assert_int_equal(inventory_merge(&second, 0, &domains, &count, &changed), 0);
    assert_int_equal(count, 2);
    assert_string_equal(domains[0].name, "cache");
    assert_false(domains[0].dirty_rate_watched);
    assert_int_equal(domains[0].dirty_rate_count, 0);
    web = &domains[1];
    assert_string_equal(web->name, "web-renamed");
    assert_string_equal(web->uuid, UUID_A);
    assert_int_equal(web->state, DOMAIN_PAUSED);
    assert_int_equal(web->memory_kib, 2048);
    assert_true(web->dirty_rate_watched);
    assert_int_equal(web->dirty_rate_count, 2);
    assert_true(web->dirty_rate[0].value == 12.5 && web->dirty_rate[1].value == 13.5);
    assert_true(web->has_job);
    assert_non_null(web->job);
    assert_int_equal(web->job->data_total, 42);
    assert_true(changed);

    /* The same answer again: nothing to publish. */
    assert_int_equal(inventory_merge(&second, 0, &domains, &count, &changed), 0);
    assert_false(changed);

    /* A job that ended is published as none. */
    job.type = JOB_TYPE_COMPLETED;
    assert_int_equal(engine_set_domain_job(web, &job), 0);
    assert_false(web->has_job);
    assert_null(web->job);

    /* An empty host empties the list. */
    Inventory empty = { 0 };
    assert_int_equal(inventory_merge(&empty, 0, &domains, &count, &changed), 0);
    assert_int_equal(count, 0);
    assert_null(domains);

    free_domains(domains, count);
    inventory_clear(&first);
    inventory_clear(&second);
}

static void test_unchanged_refresh_updates_in_place(void **state)
{
    (void)state;
    Inventory first = { 0 };
    add_record(&first, UUID_A, "a", DOMAIN_RUNNING, 1024);
    add_record(&first, UUID_B, "b", DOMAIN_RUNNING, 1024);
    inventory_sort(&first);
    DomainView *domains = NULL;
    size_t count = 0;
    bool changed = false;
    assert_int_equal(inventory_merge(&first, 1, &domains, &count, &changed), 0);
    DomainView *before = domains;
    char *name_before = domains[1].name;
    engine_push_dirty_rate(&domains[1], 3.0, 10);

    Inventory second = { 0 };
    add_record(&second, UUID_B, "b", DOMAIN_PAUSED, 4096);
    add_record(&second, UUID_A, "a", DOMAIN_RUNNING, 512);
    inventory_sort(&second);
    assert_int_equal(inventory_merge(&second, 1, &domains, &count, &changed), 0);
    assert_true(changed);
    /* Same array, same strings: nothing reallocated or copied. */
    assert_ptr_equal(domains, before);
    assert_ptr_equal(domains[1].name, name_before);
    assert_int_equal(domains[1].state, DOMAIN_PAUSED);
    assert_int_equal(domains[1].memory_kib, 4096);
    assert_int_equal(domains[0].memory_kib, 512);
    assert_int_equal(domains[1].dirty_rate_count, 1);

    free_domains(domains, count);
    inventory_clear(&first);
    inventory_clear(&second);
}

/* A migration without --undefinesource leaves a shut-off copy on the source:
 * the samples taken while it ran there must not be shown as its rate, on
 * either merge path (in place, or reallocated when the set changed). A copy
 * still running keeps its history. */
static void test_shut_off_domain_drops_its_history(void **state)
{
    (void)state;
    Inventory first = { 0 };
    add_record(&first, UUID_A, "a", DOMAIN_RUNNING, 1024);
    add_record(&first, UUID_B, "b", DOMAIN_RUNNING, 1024);
    inventory_sort(&first);
    DomainView *domains = NULL;
    size_t count = 0;
    bool changed = false;
    assert_int_equal(inventory_merge(&first, 0, &domains, &count, &changed), 0);
    assert_int_equal(engine_push_dirty_rate(&domains[0], 40.0, 10), 0);
    assert_int_equal(engine_push_dirty_rate(&domains[1], 7.0, 10), 0);

    /* Same set, same order: the in-place path. Only a's history goes. */
    Inventory second = { 0 };
    add_record(&second, UUID_A, "a", DOMAIN_SHUTOFF, 1024);
    add_record(&second, UUID_B, "b", DOMAIN_RUNNING, 1024);
    inventory_sort(&second);
    assert_int_equal(inventory_merge(&second, 0, &domains, &count, &changed), 0);
    assert_true(changed);
    assert_int_equal(domains[0].state, DOMAIN_SHUTOFF);
    assert_null(domains[0].dirty_rate);
    assert_int_equal(domains[0].dirty_rate_count, 0);
    assert_int_equal(domains[1].dirty_rate_count, 1);

    /* Started again, sampled, then shut off while another domain appears:
     * the reallocating path drops it too. */
    assert_int_equal(engine_push_dirty_rate(&domains[0], 41.0, 20), 0);
    Inventory third = { 0 };
    add_record(&third, UUID_A, "a", DOMAIN_SHUTOFF, 1024);
    add_record(&third, UUID_B, "b", DOMAIN_RUNNING, 1024);
    add_record(&third, UUID_C, "c", DOMAIN_RUNNING, 1024);
    inventory_sort(&third);
    assert_int_equal(inventory_merge(&third, 0, &domains, &count, &changed), 0);
    assert_int_equal(count, 3);
    assert_string_equal(domains[0].name, "a");
    assert_null(domains[0].dirty_rate);
    assert_int_equal(domains[0].dirty_rate_count, 0);
    assert_int_equal(domains[1].dirty_rate_count, 1);
    assert_true(domains[1].dirty_rate[0].value == 7.0);

    /* Nothing left to drop: an unchanged shut-off refresh changes nothing. */
    assert_int_equal(inventory_merge(&third, 0, &domains, &count, &changed), 0);
    assert_false(changed);

    free_domains(domains, count);
    inventory_clear(&first);
    inventory_clear(&second);
    inventory_clear(&third);
}

static void test_dirty_rate_history_drops_oldest(void **state)
{
    (void)state;
    DomainView domain;
    memset(&domain, 0, sizeof(domain));
    for (unsigned i = 0; i < DIRTY_RATE_HISTORY + 5; i++)
        engine_push_dirty_rate(&domain, (double)i, 100u * i);
    assert_int_equal(domain.dirty_rate_count, DIRTY_RATE_HISTORY);
    assert_true(domain.dirty_rate[0].value == 5.0);
    assert_int_equal(domain.dirty_rate[0].at_ms, 500);
    assert_true(domain.dirty_rate[DIRTY_RATE_HISTORY - 1].value == DIRTY_RATE_HISTORY + 4);
    domain_view_clear(&domain);
    assert_null(domain.dirty_rate);
}

/* A snapshot's view owns copies of exactly the samples and the job there
 * are, and a view without them copies no history at all. */
static void test_domain_view_copy_is_proportional(void **state)
{
    (void)state;
    DomainView source;
    memset(&source, 0, sizeof(source));
    strcpy(source.uuid, UUID_A);
    source.name = strdup("web");
    DomainView copy;
    assert_int_equal(domain_view_copy(&copy, &source), 0);
    assert_null(copy.dirty_rate);
    assert_null(copy.job);
    assert_int_equal(copy.dirty_rate_count, 0);
    domain_view_clear(&copy);

    assert_int_equal(engine_push_dirty_rate(&source, 7.0, 10), 0);
    assert_int_equal(engine_push_dirty_rate(&source, 8.0, 20), 0);
    JobStats job = { .type = JOB_TYPE_BOUNDED, .mem_iteration = 3 };
    assert_int_equal(engine_set_domain_job(&source, &job), 0);
    assert_int_equal(domain_view_copy(&copy, &source), 0);
    assert_ptr_not_equal(copy.dirty_rate, source.dirty_rate);
    assert_ptr_not_equal(copy.job, source.job);
    assert_ptr_not_equal(copy.name, source.name);
    domain_view_clear(&source);
    /* The copy outlives the original (ASan would catch a shared block). */
    assert_int_equal(copy.dirty_rate_count, 2);
    assert_true(copy.dirty_rate[0].value == 7.0 && copy.dirty_rate[1].value == 8.0);
    assert_int_equal(copy.dirty_rate[1].at_ms, 20);
    assert_true(copy.has_job);
    assert_int_equal(copy.job->mem_iteration, 3);
    assert_string_equal(copy.name, "web");
    domain_view_clear(&copy);
}

static void test_view_copies_are_deep(void **state)
{
    (void)state;
    MigrationView source;
    memset(&source, 0, sizeof(source));
    source.id = 7;
    source.domain_name = strdup("steady");
    source.virsh_command = strdup("virsh migrate steady");
    source.error = NULL;
    migrate_options_init(&source.options);
    source.options.dname = strdup("steady-new");
    source.history_count = 2;
    source.history[1].data_total = 99;

    MigrationView copy;
    assert_int_equal(migration_view_copy(&copy, &source), 0);
    assert_int_equal(copy.id, 7);
    assert_ptr_not_equal(copy.domain_name, source.domain_name);
    assert_string_equal(copy.domain_name, "steady");
    assert_ptr_not_equal(copy.options.dname, source.options.dname);
    assert_string_equal(copy.options.dname, "steady-new");
    assert_null(copy.error);
    assert_int_equal(copy.history[1].data_total, 99);
    migration_view_clear(&source);
    /* The copy outlives the original. */
    assert_string_equal(copy.virsh_command, "virsh migrate steady");
    migration_view_clear(&copy);
    migration_view_clear(NULL);

    HostView host = { .name = "labhost1", .uri = "qemu+tcp://h/system", .state = HOST_LOST,
                      .error = "gone" };
    HostView host_copy;
    assert_int_equal(host_view_copy(&host_copy, &host), 0);
    assert_string_equal(host_copy.error, "gone");
    assert_ptr_not_equal(host_copy.error, host.error);
    assert_null(host_copy.hostname);
    host_view_clear(&host_copy);
    host_view_clear(NULL);
    domain_view_clear(NULL);
    core_snapshot_clear(NULL);
}

static void test_snapshot_lookups(void **state)
{
    (void)state;
    DomainView domains[3];
    memset(domains, 0, sizeof(domains));
    strcpy(domains[0].uuid, UUID_A);
    domains[0].name = "web";
    domains[0].host_index = 0;
    strcpy(domains[1].uuid, UUID_B);
    domains[1].name = UUID_A;       /* a name that looks like another's UUID */
    domains[1].host_index = 0;
    strcpy(domains[2].uuid, UUID_A);
    domains[2].name = "web";
    domains[2].host_index = 1;      /* the other half of a migrating guest */
    MigrationView migrations[1];
    memset(migrations, 0, sizeof(migrations));
    migrations[0].id = 3;
    CoreSnapshot snapshot = { .domains = domains, .domain_count = 3,
                              .migrations = migrations, .migration_count = 1 };

    assert_ptr_equal(core_snapshot_find_domain(&snapshot, 0, UUID_A), &domains[0]);
    assert_ptr_equal(core_snapshot_find_domain(&snapshot, 1, UUID_A), &domains[2]);
    assert_ptr_equal(core_snapshot_find_domain(&snapshot, 1, "web"), &domains[2]);
    assert_null(core_snapshot_find_domain(&snapshot, 2, "web"));
    assert_null(core_snapshot_find_domain(&snapshot, 0, NULL));
    assert_null(core_snapshot_find_domain(NULL, 0, "web"));
    assert_ptr_equal(core_snapshot_find_migration(&snapshot, 3), &migrations[0]);
    assert_null(core_snapshot_find_migration(&snapshot, 4));

    assert_string_equal(host_conn_state_name(HOST_AUTH_FAILED), "auth failed");
    assert_string_equal(domain_run_state_name(DOMAIN_SHUTOFF), "shut off");
    assert_string_equal(migration_phase_name(MIGRATION_POSTCOPY_FAILED), "post-copy failed");
    assert_string_equal(migration_phase_name((MigrationPhase)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_into_empty_sorts_by_name),
        cmocka_unit_test(test_merge_keeps_history_by_uuid),
        cmocka_unit_test(test_unchanged_refresh_updates_in_place),
        cmocka_unit_test(test_shut_off_domain_drops_its_history),
        cmocka_unit_test(test_dirty_rate_history_drops_oldest),
        cmocka_unit_test(test_view_copies_are_deep),
        cmocka_unit_test(test_domain_view_copy_is_proportional),
        cmocka_unit_test(test_snapshot_lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
