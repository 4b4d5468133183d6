/* The inventory's cache: a refresh between thorough ones asks libvirt for the
 * bulk stats only and takes UUIDs, persistence and the published order from
 * what the last thorough refresh learnt; any change in the set of domains
 * (defined, created, undefined) makes it thorough by itself. (A name that
 * came back with a new UUID needs the engine's events: tested on the lab in
 * tests/integration/test_engine_hosts.c.) Runs on libvirt's test driver
 * in-process (a node file; listing, define/undefine and suspend only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "inventory.h"

#define DOMAINS 12

static char node_path[128];

static void quiet_errors(void *opaque, virErrorPtr error)
{
    (void)opaque;
    (void)error;
}

static int write_node_file(void **state)
{
    (void)state;
    virSetErrorFunc(NULL, quiet_errors);
    snprintf(node_path, sizeof(node_path), "/tmp/virtmig-invcache-%d.xml", (int)getpid());
    FILE *file = fopen(node_path, "w");
    if (!file)
        return -1;
    fprintf(file, "<node>\n");
    /* Written in reverse so libvirt's order is not already the published one. */
    for (int i = DOMAINS - 1; i >= 0; i--)
        fprintf(file, "<domain type='test'><name>vm%02d</name>"
                      "<uuid>00000000-0000-4000-8000-%012x</uuid><memory>262144</memory>"
                      "<vcpu>%d</vcpu><os><type>hvm</type></os></domain>\n", i, i, 1 + i % 3);
    fprintf(file, "</node>\n");
    return fclose(file) == 0 ? 0 : -1;
}

static int remove_files(void **state)
{
    (void)state;
    unlink(node_path);
    return 0;
}

static virConnectPtr open_node(void)
{
    char uri[192];
    snprintf(uri, sizeof(uri), "test://%s", node_path);
    virConnectPtr conn = virConnectOpen(uri);
    assert_non_null(conn);
    return conn;
}

static const char *domain_xml(const char *name, const char *uuid)
{
    static char xml[512];
    snprintf(xml, sizeof(xml),
             "<domain type='test'><name>%s</name><uuid>%s</uuid><memory>131072</memory>"
             "<vcpu>2</vcpu><os><type>hvm</type></os></domain>", name, uuid);
    return xml;
}

static const InventoryRecord *find_record(const Inventory *inventory, const char *name)
{
    for (size_t i = 0; i < inventory->count; i++) {
        if (strcmp(inventory->records[i].name, name) == 0)
            return &inventory->records[i];
    }
    return NULL;
}

static void assert_sorted(const Inventory *inventory)
{
    for (size_t i = 1; i < inventory->count; i++)
        assert_true(strcmp(inventory->records[i - 1].name, inventory->records[i].name) < 0);
}

static void fetch(virConnectPtr conn, InventoryCache *cache, bool thorough, Inventory *out,
                  bool *was_thorough)
{
    char *error = NULL;
    assert_int_equal(inventory_fetch(conn, "node", cache, thorough, out, was_thorough, &error), 0);
    assert_null(error);
    assert_sorted(out);
}

static void test_unchanged_domains_come_from_the_cache(void **state)
{
    (void)state;
    virConnectPtr conn = open_node();
    InventoryCache cache = { 0 };
    Inventory first, second;
    bool was_thorough = false;

    fetch(conn, &cache, false, &first, &was_thorough);
    assert_true(was_thorough);          /* an empty cache is never trusted */
    assert_true(cache.valid);
    assert_int_equal(first.count, DOMAINS);

    fetch(conn, &cache, false, &second, &was_thorough);
    assert_false(was_thorough);
    assert_int_equal(second.count, first.count);
    assert_int_equal(second.free_memory_bytes, first.free_memory_bytes);
    for (size_t i = 0; i < first.count; i++) {
        assert_string_equal(second.records[i].name, first.records[i].name);
        assert_string_equal(second.records[i].uuid, first.records[i].uuid);
        assert_int_equal(second.records[i].persistent, first.records[i].persistent);
        assert_int_equal(second.records[i].state, first.records[i].state);
        assert_int_equal(second.records[i].vcpus, first.records[i].vcpus);
        assert_int_equal(second.records[i].memory_kib, first.records[i].memory_kib);
    }
    const InventoryRecord *vm04 = find_record(&second, "vm04");
    assert_non_null(vm04);
    assert_string_equal(vm04->uuid, "00000000-0000-4000-8000-000000000004");
    assert_true(vm04->persistent);
    inventory_clear(&first);
    inventory_clear(&second);

    /* What the stats say still comes from libvirt each time: a suspend shows
     * without a thorough fetch. */
    virDomainPtr domain = virDomainLookupByName(conn, "vm07");
    assert_non_null(domain);
    assert_int_equal(virDomainSuspend(domain), 0);
    Inventory third;
    fetch(conn, &cache, false, &third, &was_thorough);
    assert_false(was_thorough);
    assert_int_equal(find_record(&third, "vm07")->state, VIR_DOMAIN_PAUSED);
    assert_int_equal(find_record(&third, "vm06")->state, VIR_DOMAIN_RUNNING);
    inventory_clear(&third);
    assert_int_equal(virDomainResume(domain), 0);
    virDomainFree(domain);

    inventory_cache_clear(&cache);
    assert_false(cache.valid);
    virConnectClose(conn);
}

static void test_a_changed_set_of_domains_reads_everything_again(void **state)
{
    (void)state;
    virConnectPtr conn = open_node();
    InventoryCache cache = { 0 };
    Inventory inventory;
    bool was_thorough = false;
    fetch(conn, &cache, true, &inventory, &was_thorough);
    inventory_clear(&inventory);

    /* A newly defined domain: its own UUID, persistent. */
    virDomainPtr defined = virDomainDefineXML(
        conn, domain_xml("vm-new", "11111111-2222-4333-8444-555555555555"));
    assert_non_null(defined);
    fetch(conn, &cache, false, &inventory, &was_thorough);
    assert_true(was_thorough);
    assert_int_equal(inventory.count, DOMAINS + 1);
    const InventoryRecord *record = find_record(&inventory, "vm-new");
    assert_non_null(record);
    assert_string_equal(record->uuid, "11111111-2222-4333-8444-555555555555");
    assert_true(record->persistent);
    inventory_clear(&inventory);

    /* A transient domain: not persistent, though no one asked for thoroughness. */
    virDomainPtr transient = virDomainCreateXML(
        conn, domain_xml("vm-transient", "66666666-7777-4888-8999-aaaaaaaaaaaa"), 0);
    assert_non_null(transient);
    fetch(conn, &cache, false, &inventory, &was_thorough);
    assert_true(was_thorough);
    record = find_record(&inventory, "vm-transient");
    assert_non_null(record);
    assert_false(record->persistent);
    assert_true(find_record(&inventory, "vm-new")->persistent);
    inventory_clear(&inventory);

    /* The transient one stopped and the defined one undefined: both gone. */
    assert_int_equal(virDomainDestroy(transient), 0);
    assert_int_equal(virDomainUndefine(defined), 0);
    fetch(conn, &cache, false, &inventory, &was_thorough);
    assert_true(was_thorough);
    assert_int_equal(inventory.count, DOMAINS);
    assert_null(find_record(&inventory, "vm-transient"));
    assert_null(find_record(&inventory, "vm-new"));
    inventory_clear(&inventory);

    /* Quiet again from the next fetch on. */
    fetch(conn, &cache, false, &inventory, &was_thorough);
    assert_false(was_thorough);
    inventory_clear(&inventory);

    virDomainFree(transient);
    virDomainFree(defined);
    inventory_cache_clear(&cache);
    virConnectClose(conn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unchanged_domains_come_from_the_cache),
        cmocka_unit_test(test_a_changed_set_of_domains_reads_everything_again),
    };
    return cmocka_run_group_tests(tests, write_node_file, remove_files);
}
