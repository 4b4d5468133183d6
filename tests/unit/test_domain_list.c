/* Rows of the domain table built from a hand-made snapshot (no libvirt: this
 * tests ordering and selection only): grouping by host, sorting, filtering,
 * and a selection that stays on the same guest across refreshes and follows
 * it to the destination host after a migration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "domain_list.h"

typedef struct {
    HostView hosts[3];
    DomainView domains[8];
    RateSample samples[8];        /* domains[i]'s one dirty-rate sample */
    MigrationView migrations[2];
    CoreSnapshot snapshot;
} Fixture;

static void add_domain(Fixture *f, const char *name, const char *uuid, size_t host,
                       uint64_t memory_mib, double dirty)
{
    DomainView *d = &f->domains[f->snapshot.domain_count++];
    memset(d, 0, sizeof *d);
    d->name = (char *)name;
    snprintf(d->uuid, sizeof d->uuid, "%s", uuid);
    d->host_index = host;
    d->state = DOMAIN_RUNNING;
    d->vcpus = 1;
    d->memory_kib = memory_mib * 1024;
    if (dirty >= 0) {
        RateSample *sample = &f->samples[f->snapshot.domain_count - 1];
        sample->value = dirty;
        d->dirty_rate = sample;
        d->dirty_rate_count = 1;
    }
}

static void fixture_init(Fixture *f)
{
    memset(f, 0, sizeof *f);
    static char *names[3] = { "labhost1", "labhost2", "labhost3" };
    for (size_t i = 0; i < 3; i++)
        f->hosts[i].name = names[i];
    f->snapshot.hosts = f->hosts;
    f->snapshot.host_count = 3;
    f->snapshot.domains = f->domains;
    add_domain(f, "steady", "00000000-0000-0000-0000-000000000002", 0, 512, 20);
    add_domain(f, "hot", "00000000-0000-0000-0000-000000000003", 0, 512, 95);
    add_domain(f, "idle", "00000000-0000-0000-0000-000000000001", 0, 256, 0);
    add_domain(f, "web", "00000000-0000-0000-0000-000000000009", 2, 1024, -1);
    f->snapshot.migrations = f->migrations;
}

static const char *row_name(const DomainList *list, const Fixture *f, size_t i)
{
    const DomainRow *row = domain_list_row(list, i);
    return row->is_host ? f->hosts[row->host].name : f->domains[row->domain].name;
}

static void test_grouped_and_sorted_by_name(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    DomainList *list = domain_list_new();
    assert_non_null(list);
    assert_int_equal(domain_list_rebuild(list, &f.snapshot), 0);
    /* 3 host lines + 4 domains; an empty host keeps its line. */
    assert_int_equal(domain_list_count(list), 7);
    assert_int_equal(domain_list_domain_count(list), 4);
    const char *expected[] = { "labhost1", "hot", "idle", "steady", "labhost2", "labhost3",
                               "web" };
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(row_name(list, &f, i), expected[i]);
    /* The first domain is selected, never a host line. */
    assert_int_equal(domain_list_selected_row(list), 1);
    assert_string_equal(domain_list_selected(list, &f.snapshot)->name, "hot");
    domain_list_free(list);
}

static void test_sort_keys(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    DomainList *list = domain_list_new();
    domain_list_set_sort(list, SORT_BY_DIRTY_RATE);
    domain_list_rebuild(list, &f.snapshot);
    assert_string_equal(row_name(list, &f, 1), "hot");
    assert_string_equal(row_name(list, &f, 2), "steady");
    assert_string_equal(row_name(list, &f, 3), "idle");
    domain_list_set_sort(list, SORT_BY_MEMORY);
    domain_list_rebuild(list, &f.snapshot);
    assert_string_equal(row_name(list, &f, 3), "idle");   /* 256 MiB last */
    assert_string_equal(domain_sort_key_name(SORT_BY_MEMORY), "memory");
    domain_list_free(list);
}

static void test_filter(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    DomainList *list = domain_list_new();
    domain_list_set_filter(list, "EAD");   /* case-insensitive: stEADy */
    domain_list_rebuild(list, &f.snapshot);
    assert_int_equal(domain_list_domain_count(list), 1);
    assert_string_equal(domain_list_selected(list, &f.snapshot)->name, "steady");
    domain_list_set_filter(list, "labhost3");   /* a host name shows its guests */
    domain_list_rebuild(list, &f.snapshot);
    assert_int_equal(domain_list_domain_count(list), 1);
    assert_string_equal(domain_list_selected(list, &f.snapshot)->name, "web");
    domain_list_set_filter(list, "nothing-matches");
    domain_list_rebuild(list, &f.snapshot);
    assert_int_equal(domain_list_domain_count(list), 0);
    assert_int_equal(domain_list_selected_row(list), SIZE_MAX);
    assert_null(domain_list_selected(list, &f.snapshot));
    domain_list_set_filter(list, "");
    domain_list_rebuild(list, &f.snapshot);
    assert_int_equal(domain_list_domain_count(list), 4);
    domain_list_free(list);
}

static void test_move_skips_host_lines(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    DomainList *list = domain_list_new();
    domain_list_rebuild(list, &f.snapshot);
    assert_true(domain_list_move(list, 2));
    assert_string_equal(domain_list_selected(list, &f.snapshot)->name, "steady");
    assert_true(domain_list_move(list, 1));   /* over labhost2 and labhost3 */
    assert_string_equal(domain_list_selected(list, &f.snapshot)->name, "web");
    assert_false(domain_list_move(list, 5));  /* clamped at the end */
    assert_true(domain_list_move(list, -100));
    assert_string_equal(domain_list_selected(list, &f.snapshot)->name, "hot");
    assert_true(domain_list_select_last(list));
    assert_string_equal(domain_list_selected(list, &f.snapshot)->name, "web");
    /* A click on a host line selects its first guest; on an empty host, nothing. */
    assert_true(domain_list_select_row(list, 0));
    assert_string_equal(domain_list_selected(list, &f.snapshot)->name, "hot");
    assert_false(domain_list_select_row(list, 4));
    assert_false(domain_list_select_row(list, 99));
    domain_list_free(list);
}

static void test_selection_sticks_and_follows_migration(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    DomainList *list = domain_list_new();
    domain_list_rebuild(list, &f.snapshot);
    domain_list_move(list, 2);   /* steady */
    /* A new guest sorting before it appears: the selection stays on steady. */
    add_domain(&f, "alpha", "00000000-0000-0000-0000-00000000000a", 0, 128, 0);
    domain_list_rebuild(list, &f.snapshot);
    assert_string_equal(domain_list_selected(list, &f.snapshot)->name, "steady");
    /* Mid-migration the guest exists on both hosts: still the source copy. */
    add_domain(&f, "steady", "00000000-0000-0000-0000-000000000002", 1, 512, -1);
    domain_list_rebuild(list, &f.snapshot);
    const DomainView *selected = domain_list_selected(list, &f.snapshot);
    assert_int_equal(selected->host_index, 0);
    /* Migration done: gone from labhost1, the selection follows it. */
    f.domains[0].host_index = 1;   /* the source copy now reports the new host */
    f.snapshot.domain_count--;     /* and the duplicate goes */
    domain_list_rebuild(list, &f.snapshot);
    selected = domain_list_selected(list, &f.snapshot);
    assert_non_null(selected);
    assert_string_equal(selected->name, "steady");
    assert_int_equal(selected->host_index, 1);
    domain_list_free(list);
}

static void test_domain_migration_prefers_active(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f);
    const char *uuid = f.domains[0].uuid;
    MigrationView *old = &f.migrations[0], *now = &f.migrations[1];
    memset(old, 0, sizeof *old);
    memset(now, 0, sizeof *now);
    old->id = 1; snprintf(old->domain_uuid, sizeof old->domain_uuid, "%s", uuid);
    old->source_host = 0; old->dest_host = 1; old->phase = MIGRATION_CANCELLED;
    now->id = 2; snprintf(now->domain_uuid, sizeof now->domain_uuid, "%s", uuid);
    now->source_host = 0; now->dest_host = 2; now->phase = MIGRATION_RUNNING;
    f.snapshot.migration_count = 2;
    assert_ptr_equal(domain_migration(&f.snapshot, uuid, 0), now);
    assert_ptr_equal(domain_migration(&f.snapshot, uuid, 2), now);
    assert_ptr_equal(domain_migration(&f.snapshot, uuid, 1), old);
    assert_null(domain_migration(&f.snapshot, f.domains[1].uuid, 0));
    assert_true(migration_is_active(now));
    assert_false(migration_is_active(old));
    assert_false(migration_is_active(NULL));
    now->phase = MIGRATION_COMPLETED;
    /* Neither active: the newest wins. */
    assert_ptr_equal(domain_migration(&f.snapshot, uuid, 0), now);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grouped_and_sorted_by_name),
        cmocka_unit_test(test_sort_keys),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_move_skips_host_lines),
        cmocka_unit_test(test_selection_sticks_and_follows_migration),
        cmocka_unit_test(test_domain_migration_prefers_active),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
