/* Fixtures shared by the migrate_options unit tests (test_migrate_options.c,
 * the rule table; test_migrate_options_combos.c, valid combinations): the
 * domain they validate for, its XML files on disk, and small builders.
 * Header-only (static / static inline) because each test file is its own
 * binary; include it after <cmocka.h>. */
#ifndef VIRTMIG_TESTS_SUPPORT_MIGRATE_OPTIONS_FIXTURES_H
#define VIRTMIG_TESTS_SUPPORT_MIGRATE_OPTIONS_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate_options.h"

#define DOMAIN_NAME "vm1"
#define DOMAIN_UUID "0b5d6c8e-1f2a-4c3b-9d4e-5f6a7b8c9d0e"
#define V(major, minor, micro) ((major) * 1000000ul + (minor) * 1000ul + (micro))

/* XML fixtures, written once for the whole group. */
static char good_xml[64], other_name_xml[64], other_uuid_xml[64], renamed_xml[64],
            malformed_xml[64], network_xml[64], missing_xml[64];

static inline void write_fixture(char *path, size_t size, const char *content)
{
    snprintf(path, size, "/tmp/virtmig-test-options-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
}

static inline int setup_fixtures(void **state)
{
    (void)state;
    write_fixture(good_xml, sizeof(good_xml),
                  "<domain type='kvm'><name>vm1</name><uuid>" DOMAIN_UUID "</uuid>"
                  "<memory>65536</memory></domain>");
    write_fixture(other_name_xml, sizeof(other_name_xml),
                  "<domain type='kvm'><name>someone-else</name></domain>");
    write_fixture(other_uuid_xml, sizeof(other_uuid_xml),
                  "<domain type='kvm'><name>vm1</name>"
                  "<uuid>11111111-2222-3333-4444-555555555555</uuid></domain>");
    write_fixture(renamed_xml, sizeof(renamed_xml),
                  "<domain type='kvm'><name>vm1-new</name></domain>");
    write_fixture(malformed_xml, sizeof(malformed_xml),
                  "<domain type='kvm'>\n<name>vm1</name>\n<memory>1</domain>\n");
    write_fixture(network_xml, sizeof(network_xml), "<network><name>vm1</name></network>");
    snprintf(missing_xml, sizeof(missing_xml), "/tmp/virtmig-test-options-does-not-exist");
    return 0;
}

static inline int teardown_fixtures(void **state)
{
    (void)state;
    unlink(good_xml);
    unlink(other_name_xml);
    unlink(other_uuid_xml);
    unlink(renamed_xml);
    unlink(malformed_xml);
    unlink(network_xml);
    return 0;
}

/* A table row's change to the valid defaults. */
typedef void (*Mutate)(MigrateOptions *o, MigrateContext *c);

/* Strings in options are owned (clear frees them): set them with this. */
static inline void set(char **slot, const char *value)
{
    free(*slot);
    *slot = value ? strdup(value) : NULL;
    assert_true(!value || *slot);
}

static inline void set_disks(MigrateOptions *o, const char *a, const char *b)
{
    o->migrate_disks = calloc(2, sizeof(char *));
    assert_non_null(o->migrate_disks);
    o->migrate_disks[0] = strdup(a);
    o->migrate_disks_count = 1;
    if (b) {
        o->migrate_disks[1] = strdup(b);
        o->migrate_disks_count = 2;
    }
}

/* A live, running domain on a source whose libvirt version is unknown. */
static inline MigrateContext base_context(void)
{
    MigrateContext context = {
        .domain_name = DOMAIN_NAME,
        .domain_uuid = DOMAIN_UUID,
        .source_libvirt_version = 0,
        .domain_active = true,
        .domain_state_known = true,
    };
    return context;
}

/* Prints problems as cmocka messages, for a failing row. */
static inline void describe(const OptionProblem *problems, size_t count)
{
    for (size_t i = 0; i < count; i++)
        print_message("    problem %zu: field %d (%s): %s\n", i, problems[i].field,
                      migrate_option_field_name(problems[i].field), problems[i].message);
}

#endif
