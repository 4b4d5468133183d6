/* The migration form's field table: every option core supports has a field,
 * the defaults are virtmig's, dependent fields are disabled until their parent
 * is on (and then add nothing), and typed values parse with their units or
 * say what is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "form_fields.h"
#include "form_ladder.h"

typedef struct {
    FormValues values;
    MigrateOptions options;
    FormParseError errors[FF_COUNT];
} Fixture;

static int setup(void **state)
{
    static Fixture fixture;
    memset(&fixture, 0, sizeof(fixture));
    assert_int_equal(form_values_init(&fixture.values), 0);
    migrate_options_init(&fixture.options);
    *state = &fixture;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    form_values_clear(&f->values);
    migrate_options_clear(&f->options);
    return 0;
}

static void type(Fixture *f, FormFieldId id, const char *text)
{
    assert_int_equal(form_input_set(&f->values.input[id], text), 0);
}

static int build(Fixture *f)
{
    migrate_options_clear(&f->options);
    int bad = form_values_build(&f->values, &f->options, f->errors);
    assert_true(bad >= 0);
    return bad;
}

static void test_every_option_has_a_field(void **state)
{
    (void)state;
    for (int option = OPT_FIELD_NONE + 1; option < OPT_FIELD_COUNT; option++) {
        FormFieldId id = form_field_for_option((OptionField)option);
        assert_int_not_equal(id, FF_COUNT);
        assert_int_equal(form_field_info(id)->option, option);
    }
    assert_int_equal(form_field_for_option(OPT_FIELD_NONE), FF_COUNT);
}

static void test_table_is_consistent(void **state)
{
    (void)state;
    int group = 0;
    for (int id = 0; id < FF_COUNT; id++) {
        const FormFieldInfo *info = form_field_info((FormFieldId)id);
        assert_non_null(info);
        assert_int_equal(info->id, id);
        assert_non_null(info->label);
        assert_true(strlen(info->label) > 0);
        /* groups appear in order, so the form draws each heading once */
        assert_true((int)info->group >= group);
        group = (int)info->group;
        assert_true(strlen(form_group_title(info->group)) > 0);
        assert_true(strlen(form_field_help((FormFieldId)id)) > 10);
        if (form_field_kind_is_text(info->kind) && info->kind != FORM_KIND_TEXT &&
            info->kind != FORM_KIND_LIST)
            assert_non_null(info->example);   /* parse messages show what to type */
        /* the destination and virtmig's own ladder are no virsh option */
        if (id != FF_DESTINATION && id != FF_ASSISTANT && id != FF_ASSISTANT_LADDER)
            assert_int_not_equal(info->option, OPT_FIELD_NONE);
    }
    assert_null(form_field_info(FF_COUNT));
}

static void test_defaults_are_virtmigs(void **state)
{
    Fixture *f = *state;
    assert_int_equal(build(f), 0);
    MigrateOptions expected;
    migrate_options_init(&expected);
    assert_true(f->options.live && f->options.p2p && f->options.persistent);
    assert_false(f->options.offline || f->options.direct || f->options.tunnelled);
    assert_false(f->options.postcopy || f->options.compressed || f->options.tls);
    assert_int_equal(f->options.disks_port, expected.disks_port);
    assert_int_equal(f->options.comp_mt_level, expected.comp_mt_level);
    assert_int_equal(f->options.timeout_action, TIMEOUT_ACTION_NONE);
    assert_int_equal(f->options.bandwidth_mibs, 0);
    assert_null(f->options.dname);
    OptionProblem problems[4];
    assert_int_equal(migrate_options_validate(&f->options, NULL, problems, 4), 0);
    migrate_options_clear(&expected);
}

static void test_dependent_fields_disabled_until_parent_on(void **state)
{
    Fixture *f = *state;
    static const struct { FormFieldId child, parent; } pairs[] = {
        { FF_POSTCOPY_BANDWIDTH, FF_POSTCOPY },
        { FF_AUTO_CONVERGE_INITIAL, FF_AUTO_CONVERGE },
        { FF_AUTO_CONVERGE_INCREMENT, FF_AUTO_CONVERGE },
        { FF_COMPRESS_XBZRLE, FF_COMPRESSED },
        { FF_COMPRESS_ZSTD, FF_COMPRESSED },
        { FF_PARALLEL_CONNECTIONS, FF_PARALLEL },
        { FF_TLS_DESTINATION, FF_TLS },
        { FF_MIGRATE_DISKS, FF_COPY_STORAGE_ALL },
        { FF_DISKS_PORT, FF_COPY_STORAGE_INC },
        { FF_DISKS_URI, FF_COPY_STORAGE_ALL },
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        f->values.on[pairs[i].parent] = false;
        assert_false(form_field_enabled(&f->values, pairs[i].child));
        assert_non_null(form_field_info(pairs[i].child)->needs);
        f->values.on[pairs[i].parent] = true;
        assert_true(form_field_enabled(&f->values, pairs[i].child));
        f->values.on[pairs[i].parent] = false;
    }
    /* persistent is on by default, so its XML file applies */
    assert_true(form_field_enabled(&f->values, FF_PERSISTENT_XML));
    f->values.on[FF_PERSISTENT] = false;
    assert_false(form_field_enabled(&f->values, FF_PERSISTENT_XML));
    /* fields with no parent are always enabled */
    assert_true(form_field_enabled(&f->values, FF_BANDWIDTH));
    assert_true(form_field_enabled(&f->values, FF_POSTCOPY));
    assert_true(form_field_enabled(&f->values, FF_DESTINATION));
}

static void test_compression_levels_follow_their_method(void **state)
{
    Fixture *f = *state;
    f->values.on[FF_COMPRESSED] = true;
    /* no method ticked means xbzrle, so its cache applies */
    assert_true(form_field_enabled(&f->values, FF_COMP_XBZRLE_CACHE));
    assert_false(form_field_enabled(&f->values, FF_COMP_MT_LEVEL));
    f->values.on[FF_COMPRESS_MT] = true;
    assert_false(form_field_enabled(&f->values, FF_COMP_XBZRLE_CACHE));
    assert_true(form_field_enabled(&f->values, FF_COMP_MT_LEVEL));
    assert_true(form_field_enabled(&f->values, FF_COMP_MT_THREADS));
    assert_true(form_field_enabled(&f->values, FF_COMP_MT_DTHREADS));
    assert_false(form_field_enabled(&f->values, FF_COMP_ZLIB_LEVEL));
    f->values.on[FF_COMPRESS_ZLIB] = true;
    assert_true(form_field_enabled(&f->values, FF_COMP_ZLIB_LEVEL));
    type(f, FF_COMP_MT_THREADS, "4");
    type(f, FF_COMP_ZLIB_LEVEL, "6");
    assert_int_equal(build(f), 0);
    assert_true(f->options.compressed);
    assert_int_equal(f->options.compression_methods, COMPRESS_MT | COMPRESS_ZLIB);
    assert_int_equal(f->options.comp_mt_threads, 4);
    assert_int_equal(f->options.comp_zlib_level, 6);
    /* turning compression off drops methods and levels from the options */
    f->values.on[FF_COMPRESSED] = false;
    assert_int_equal(build(f), 0);
    assert_false(f->options.compressed);
    assert_int_equal(f->options.compression_methods, 0);
    assert_int_equal(f->options.comp_mt_threads, -1);
    assert_int_equal(f->options.comp_zlib_level, -1);
}

static void test_disabled_values_are_kept_but_not_sent(void **state)
{
    Fixture *f = *state;
    type(f, FF_POSTCOPY_BANDWIDTH, "100M");
    assert_int_equal(build(f), 0);
    assert_int_equal(f->options.postcopy_bandwidth_mibs, 0);
    f->values.on[FF_POSTCOPY] = true;
    assert_int_equal(build(f), 0);
    assert_true(f->options.postcopy);
    assert_int_equal(f->options.postcopy_bandwidth_mibs, 100);
    /* a bad value in a disabled field is not an error either */
    f->values.on[FF_POSTCOPY] = false;
    type(f, FF_POSTCOPY_BANDWIDTH, "lots");
    assert_int_equal(build(f), 0);
}

static void test_numbers_parse_with_units(void **state)
{
    Fixture *f = *state;
    type(f, FF_BANDWIDTH, "1G");
    type(f, FF_MAX_DOWNTIME, "2s");
    type(f, FF_TIMEOUT, "2m");
    f->values.on[FF_AUTO_CONVERGE] = true;
    type(f, FF_AUTO_CONVERGE_INITIAL, "20%");
    type(f, FF_AUTO_CONVERGE_INCREMENT, " 10 ");
    f->values.on[FF_COMPRESSED] = true;
    type(f, FF_COMP_XBZRLE_CACHE, "64M");
    f->values.on[FF_PARALLEL] = true;
    type(f, FF_PARALLEL_CONNECTIONS, "4");
    assert_int_equal(build(f), 0);
    assert_int_equal(f->options.bandwidth_mibs, 1024);
    assert_int_equal(f->options.max_downtime_ms, 2000);
    assert_int_equal(f->options.timeout_s, 120);
    assert_int_equal(f->options.timeout_action, TIMEOUT_ACTION_SUSPEND);
    assert_int_equal(f->options.auto_converge_initial, 20);
    assert_int_equal(f->options.auto_converge_increment, 10);
    assert_int_equal(f->options.comp_xbzrle_cache, 64ll * 1024 * 1024);
    assert_int_equal(f->options.parallel_connections, 4);

    /* bare numbers count in the field's own unit */
    type(f, FF_BANDWIDTH, "50");
    type(f, FF_MAX_DOWNTIME, "300");
    type(f, FF_TIMEOUT, "30");
    f->values.choice[FF_TIMEOUT_ACTION] = 1;
    assert_int_equal(build(f), 0);
    assert_int_equal(f->options.bandwidth_mibs, 50);
    assert_int_equal(f->options.max_downtime_ms, 300);
    assert_int_equal(f->options.timeout_s, 30);
    assert_int_equal(f->options.timeout_action, TIMEOUT_ACTION_POSTCOPY);
}

static void test_bad_numbers_say_what_is_wrong(void **state)
{
    Fixture *f = *state;
    type(f, FF_BANDWIDTH, "fast");
    type(f, FF_MAX_DOWNTIME, "3 parsecs");
    f->values.on[FF_PARALLEL] = true;
    type(f, FF_PARALLEL_CONNECTIONS, "4x");
    f->values.on[FF_AUTO_CONVERGE] = true;
    type(f, FF_AUTO_CONVERGE_INITIAL, "99999999999");
    assert_int_equal(build(f), 4);
    assert_true(f->errors[FF_BANDWIDTH].bad);
    assert_non_null(strstr(f->errors[FF_BANDWIDTH].message, "Bandwidth limit"));
    assert_true(f->errors[FF_MAX_DOWNTIME].bad);
    assert_non_null(strstr(f->errors[FF_PARALLEL_CONNECTIONS].message, "whole number"));
    assert_non_null(strstr(f->errors[FF_PARALLEL_CONNECTIONS].message, "\"4x\""));
    assert_non_null(strstr(f->errors[FF_AUTO_CONVERGE_INITIAL].message, "too large"));
    /* a field that does not parse stays unset rather than half-set */
    assert_int_equal(f->options.bandwidth_mibs, 0);
    assert_int_equal(f->options.parallel_connections, -1);
    assert_false(f->errors[FF_TIMEOUT].bad);
    /* empty text is "not set", not an error */
    type(f, FF_BANDWIDTH, "   ");
    type(f, FF_MAX_DOWNTIME, "");
    type(f, FF_PARALLEL_CONNECTIONS, NULL);
    type(f, FF_AUTO_CONVERGE_INITIAL, "0");
    assert_int_equal(build(f), 0);
}

static void test_text_and_lists(void **state)
{
    Fixture *f = *state;
    type(f, FF_DNAME, "  vm1-moved ");
    type(f, FF_MIGRATE_URI, "tcp://198.18.77.12");
    f->values.on[FF_COPY_STORAGE_ALL] = true;
    type(f, FF_MIGRATE_DISKS, "vda, vdb,,vdc ");
    f->values.on[FF_TLS] = true;
    type(f, FF_TLS_DESTINATION, "labhost2.example");
    assert_int_equal(build(f), 0);
    assert_string_equal(f->options.dname, "vm1-moved");
    assert_string_equal(f->options.migrate_uri, "tcp://198.18.77.12");
    assert_string_equal(f->options.tls_destination, "labhost2.example");
    assert_int_equal(f->options.migrate_disks_count, 3);
    assert_string_equal(f->options.migrate_disks[0], "vda");
    assert_string_equal(f->options.migrate_disks[1], "vdb");
    assert_string_equal(f->options.migrate_disks[2], "vdc");
    assert_true(f->options.copy_storage_all);
}

static void test_timeout_action_needs_a_timeout(void **state)
{
    Fixture *f = *state;
    assert_false(form_field_enabled(&f->values, FF_TIMEOUT_ACTION));
    f->values.choice[FF_TIMEOUT_ACTION] = 1;
    assert_int_equal(build(f), 0);
    assert_int_equal(f->options.timeout_action, TIMEOUT_ACTION_NONE);
    type(f, FF_TIMEOUT, "90");
    assert_true(form_field_enabled(&f->values, FF_TIMEOUT_ACTION));
    assert_string_equal(form_timeout_action_name(0), "suspend");
    assert_string_equal(form_timeout_action_name(1), "postcopy");
}

/* A wrong combination lands on the field the form marks. */
static void test_offline_postcopy_marks_postcopy(void **state)
{
    Fixture *f = *state;
    f->values.on[FF_LIVE] = false;
    f->values.on[FF_OFFLINE] = true;
    f->values.on[FF_POSTCOPY] = true;
    assert_int_equal(build(f), 0);
    OptionProblem problems[8];
    size_t count = migrate_options_validate(&f->options, NULL, problems, 8);
    assert_true(count >= 1);
    bool on_postcopy = false;
    for (size_t i = 0; i < count && i < 8; i++) {
        if (form_field_for_option(problems[i].field) == FF_POSTCOPY)
            on_postcopy = true;
    }
    assert_true(on_postcopy);
}

static bool error_contains(const Fixture *f, FormFieldId id, const char *part)
{
    return f->errors[id].bad && strstr(f->errors[id].message, part) != NULL;
}

/* A built-in ladder adds nothing to libvirt's options or the virsh line, only
 * the note under it; off is the default. */
static void test_builtin_ladder_is_virtmigs_not_libvirts(void **state)
{
    Fixture *f = *state;
    char note[200];
    assert_int_equal(f->values.choice[FF_ASSISTANT], FORM_LADDER_OFF);
    assert_null(form_ladder_text(&f->values));
    assert_false(form_ladder_preview(&f->values, note, sizeof(note)));
    assert_string_equal(note, "");
    assert_false(form_field_enabled(&f->values, FF_ASSISTANT_LADDER));
    assert_int_equal(form_field_choice_count(FF_ASSISTANT), FORM_LADDER_CHOICE_COUNT);
    assert_string_equal(form_field_choice_name(FF_ASSISTANT, FORM_LADDER_OFF), "off");
    assert_string_equal(form_field_choice_name(FF_ASSISTANT, FORM_LADDER_CUSTOM), "custom");
    assert_string_equal(form_field_choice_name(FF_ASSISTANT, FORM_LADDER_CHOICE_COUNT), "");
    assert_string_equal(form_field_choice_name(FF_TIMEOUT_ACTION, 1), "postcopy");
    assert_int_equal(form_field_choice_count(FF_LIVE), 0);

    assert_int_equal(build(f), 0);
    char *plain = migrate_options_virsh_command(&f->options, "vm1", "qemu:///a", "qemu:///b");
    assert_non_null(plain);

    f->values.choice[FF_ASSISTANT] = FORM_LADDER_MINIMAL_DOWNTIME;
    assert_int_equal(build(f), 0);
    assert_string_equal(form_ladder_text(&f->values), "minimal-downtime");
    assert_true(form_ladder_preview(&f->values, note, sizeof(note)));
    assert_string_equal(note, "assistant: minimal-downtime ladder (virtmig, not libvirt)");
    char *assisted = migrate_options_virsh_command(&f->options, "vm1", "qemu:///a", "qemu:///b");
    assert_non_null(assisted);
    assert_string_equal(plain, assisted);
    free(plain);
    free(assisted);

    f->values.choice[FF_ASSISTANT] = FORM_LADDER_SUSPEND_IF_NEEDED;
    assert_int_equal(build(f), 0);
    assert_string_equal(form_ladder_text(&f->values), "suspend-if-needed");
}

/* The post-copy ladder needs post-copy allowed: the assistant's own reason is
 * shown at the field, and allowing post-copy clears it. */
static void test_postcopy_ladder_needs_postcopy(void **state)
{
    Fixture *f = *state;
    f->values.choice[FF_ASSISTANT] = FORM_LADDER_POSTCOPY;
    assert_int_equal(build(f), 1);
    assert_true(error_contains(f, FF_ASSISTANT, "Assistant ladder: step 2 switches to "
                                                "post-copy"));
    assert_true(error_contains(f, FF_ASSISTANT, "post-copy allowed"));
    f->values.on[FF_POSTCOPY] = true;
    assert_int_equal(build(f), 0);
    assert_false(f->errors[FF_ASSISTANT].bad);
    assert_true(f->options.postcopy);
    char note[200];
    assert_true(form_ladder_preview(&f->values, note, sizeof(note)));
    assert_string_equal(note, "assistant: post-copy ladder (virtmig, not libvirt)");
}

/* Custom text is parsed by the assistant as typed; its message lands at the
 * text field, which is enabled only for "custom". */
static void test_custom_ladder_is_parsed_as_typed(void **state)
{
    Fixture *f = *state;
    type(f, FF_ASSISTANT_LADDER, "abort after 5");
    assert_int_equal(build(f), 0);   /* off: the text is kept, not read */
    assert_null(form_ladder_text(&f->values));

    f->values.choice[FF_ASSISTANT] = FORM_LADDER_CUSTOM;
    assert_true(form_field_enabled(&f->values, FF_ASSISTANT_LADDER));
    assert_int_equal(build(f), 0);
    assert_string_equal(form_ladder_text(&f->values), "abort after 5");
    char note[200];
    assert_true(form_ladder_preview(&f->values, note, sizeof(note)));
    assert_string_equal(note, "assistant: custom ladder \"abort after 5\" (virtmig, not libvirt)");

    type(f, FF_ASSISTANT_LADDER, "   ");
    assert_int_equal(build(f), 1);
    assert_true(form_ladder_preview(&f->values, note, sizeof(note)));
    assert_string_equal(note, "assistant: custom ladder, no steps typed yet (virtmig, not "
                              "libvirt)");
    assert_true(error_contains(f, FF_ASSISTANT_LADDER, "Ladder steps: empty; type steps"));

    type(f, FF_ASSISTANT_LADDER, "downtime 500ms afterr 3");
    assert_int_equal(build(f), 1);
    assert_true(error_contains(f, FF_ASSISTANT_LADDER, "Ladder steps: "));
    assert_false(f->errors[FF_ASSISTANT].bad);

    type(f, FF_ASSISTANT_LADDER, "downtime 500ms after 3; postcopy after 2");
    assert_int_equal(build(f), 1);
    assert_true(error_contains(f, FF_ASSISTANT_LADDER, "step 2 switches to post-copy"));
    f->values.on[FF_POSTCOPY] = true;
    assert_int_equal(build(f), 0);

    type(f, FF_ASSISTANT_LADDER, "abort after 2; downtime 1s after 1");
    assert_int_equal(build(f), 1);   /* nothing may follow abort: the assistant says so */
    assert_true(f->errors[FF_ASSISTANT_LADDER].bad);
}

/* An assigned PCI device rules post-copy out everywhere: as a timeout action
 * and as a ladder, each shown at its field with a fix that is possible. */
static void test_unavailable_postcopy_choices(void **state)
{
    Fixture *f = *state;
    f->values.on[FF_POSTCOPY] = true;
    type(f, FF_TIMEOUT, "30s");
    f->values.choice[FF_TIMEOUT_ACTION] = 1;
    assert_int_equal(build(f), 0);
    assert_int_equal(f->options.timeout_action, TIMEOUT_ACTION_POSTCOPY);
    assert_true(form_field_choice_available(&f->values, FF_TIMEOUT_ACTION, 1));
    assert_true(form_field_choice_available(&f->values, FF_ASSISTANT, FORM_LADDER_POSTCOPY));

    f->values.unavailable[FF_POSTCOPY] = true;
    assert_false(form_field_choice_available(&f->values, FF_TIMEOUT_ACTION, 1));
    assert_true(form_field_choice_available(&f->values, FF_TIMEOUT_ACTION, 0));
    assert_false(form_field_choice_available(&f->values, FF_ASSISTANT, FORM_LADDER_POSTCOPY));
    assert_true(form_field_choice_available(&f->values, FF_ASSISTANT, FORM_LADDER_CUSTOM));
    assert_false(form_field_choice_available(&f->values, FF_ASSISTANT, -1));
    assert_int_equal(build(f), 1);
    assert_true(error_contains(f, FF_TIMEOUT_ACTION, "post-copy is not possible for this guest"));
    assert_true(error_contains(f, FF_TIMEOUT_ACTION, "choose suspend"));
    /* left out like any bad field: no --timeout-postcopy reaches virsh's line */
    assert_false(f->options.postcopy);
    assert_int_equal(f->options.timeout_s, 0);
    assert_int_equal(f->options.timeout_action, TIMEOUT_ACTION_NONE);

    f->values.choice[FF_TIMEOUT_ACTION] = 0;
    assert_int_equal(build(f), 0);
    assert_int_equal(f->options.timeout_action, TIMEOUT_ACTION_SUSPEND);

    f->values.choice[FF_ASSISTANT] = FORM_LADDER_POSTCOPY;
    assert_int_equal(build(f), 1);
    assert_true(error_contains(f, FF_ASSISTANT, "assigned PCI device"));
    assert_true(error_contains(f, FF_ASSISTANT, "pick minimal-downtime or suspend-if-needed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_option_has_a_field),
        cmocka_unit_test(test_table_is_consistent),
        cmocka_unit_test_setup_teardown(test_defaults_are_virtmigs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dependent_fields_disabled_until_parent_on, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_compression_levels_follow_their_method, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_disabled_values_are_kept_but_not_sent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_numbers_parse_with_units, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_numbers_say_what_is_wrong, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_and_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout_action_needs_a_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offline_postcopy_marks_postcopy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_builtin_ladder_is_virtmigs_not_libvirts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_postcopy_ladder_needs_postcopy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_ladder_is_parsed_as_typed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unavailable_postcopy_choices, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
