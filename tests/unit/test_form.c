/* The migration form as the console drives it: keys in, a drawn window out.
 * The snapshot is built by hand (the form only reads it); nothing here
 * migrates, so core is never called: a form with problems refuses to launch
 * before it would reach core_request_migrate. Drawing goes to a real curses
 * screen on /dev/null and is read back cell by cell at 80x24 and 120x40. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "form_ladder.h"
#include "form_state.h"

#define VM1_UUID "6b7c2f1e-0d7a-4a5e-9a43-1f0d7c2a9b01"
#define OFF_UUID "0c0ffee0-1111-4222-8333-944455566677"

static HostView hosts[3];
static DomainView domains[2];
static CoreSnapshot snapshot;
static SCREEN *screen;
static FILE *screen_out, *screen_in;

static void set_hosts(HostConnState h1, HostConnState h2, HostConnState h3)
{
    static const char *const names[] = { "labhost1", "labhost2", "labhost3" };
    static const char *const uris[] = { "qemu+tcp://198.18.77.11/system",
                                        "qemu+tcp://198.18.77.12/system",
                                        "qemu+tcp://198.18.77.13/system" };
    HostConnState states[] = { h1, h2, h3 };
    for (int i = 0; i < 3; i++) {
        hosts[i].name = (char *)names[i];
        hosts[i].uri = (char *)uris[i];
        hosts[i].state = states[i];
        hosts[i].libvirt_version = 9000000;
    }
}

static int setup(void **state)
{
    (void)state;
    memset(&snapshot, 0, sizeof(snapshot));
    memset(domains, 0, sizeof(domains));
    set_hosts(HOST_CONNECTED, HOST_CONNECTED, HOST_LOST);
    snprintf(domains[0].uuid, sizeof(domains[0].uuid), "%s", VM1_UUID);
    domains[0].name = (char *)"vm1";
    domains[0].host_index = 0;
    domains[0].state = DOMAIN_RUNNING;
    domains[0].persistent = true;
    snprintf(domains[1].uuid, sizeof(domains[1].uuid), "%s", OFF_UUID);
    domains[1].name = (char *)"vm-off";
    domains[1].host_index = 0;
    domains[1].state = DOMAIN_SHUTOFF;
    domains[1].persistent = true;
    snapshot.hosts = hosts;
    snapshot.host_count = 3;
    snapshot.domains = domains;
    snapshot.domain_count = 2;
    return 0;
}

static int setup_screen(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TERM", "xterm", 0);
    screen_out = fopen("/dev/null", "w");
    screen_in = fopen("/dev/null", "r");
    if (!screen_out || !screen_in)
        return -1;
    screen = newterm("xterm", screen_out, screen_in);
    return screen ? 0 : -1;
}

static int teardown_screen(void **state)
{
    (void)state;
    endwin();
    delscreen(screen);
    fclose(screen_out);
    fclose(screen_in);
    return 0;
}

static FormResult key(MigrationForm *form, int k)
{
    return migration_form_handle_key(form, k, false, NULL);
}

static FormResult fkey(MigrationForm *form, int k)
{
    return migration_form_handle_key(form, k, true, NULL);
}

static void focus_on(MigrationForm *form, int target)
{
    for (int i = 0; i < (int)FF_COUNT + 2 && form->focus != target; i++)
        key(form, '\t');
    assert_int_equal(form->focus, target);
}

static void type_text(MigrationForm *form, const char *text)
{
    for (; *text; text++)
        assert_int_equal(key(form, (unsigned char)*text), FORM_CONTINUE);
}

/* The whole window as text, one line per row. */
static char *window_text(WINDOW *window)
{
    int rows, cols;
    getmaxyx(window, rows, cols);
    assert_true(rows > 0 && cols > 0 && cols < 512);
    size_t row_count = rows > 0 ? (size_t)rows : 1, row_bytes = cols > 0 ? (size_t)cols * 4 + 2 : 2;
    char *text = calloc(row_count, row_bytes);
    assert_non_null(text);
    char *end = text;
    for (int y = 0; y < rows; y++) {
        wchar_t line[512];
        mvwinnwstr(window, y, 0, line, cols < 511 ? cols : 511);
        size_t bytes = wcstombs(end, line, (size_t)cols * 4);
        assert_true(bytes != (size_t)-1);
        end += bytes;
        *end++ = '\n';
    }
    *end = '\0';
    return text;
}

static bool first_problem_contains(MigrationForm *form, FormFieldId id, const char *part)
{
    const char *messages[4];
    size_t count = form_field_problems(form, id, messages, 4);
    for (size_t i = 0; i < count && i < 4; i++) {
        if (strstr(messages[i], part))
            return true;
    }
    return false;
}

static void test_opens_with_defaults_and_a_destination(void **state)
{
    (void)state;
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    assert_non_null(form);
    assert_int_equal(form->destination, 1);   /* labhost2: connected, not the source */
    assert_int_equal(form_blocking_problem_count(form), 0);
    assert_true(form->options.live && form->options.p2p && form->options.persistent);
    assert_non_null(form->virsh_command);
    assert_non_null(strstr(form->virsh_command, "virsh"));
    assert_non_null(strstr(form->virsh_command, "--live"));
    assert_non_null(strstr(form->virsh_command, "--p2p"));
    assert_non_null(strstr(form->virsh_command, "vm1"));
    assert_non_null(strstr(form->virsh_command, "198.18.77.12"));
    assert_int_equal(form->focus, FF_DESTINATION);
    assert_int_equal(migration_form_launched_id(form), 0);
    migration_form_free(form);
    /* opening by name works too, and keeps the uuid */
    form = migration_form_open(&snapshot, 0, "vm1");
    assert_non_null(form);
    assert_string_equal(form->domain_uuid, VM1_UUID);
    migration_form_free(form);
    migration_form_free(NULL);
}

static void test_shut_off_domain_opens_offline(void **state)
{
    (void)state;
    MigrationForm *form = migration_form_open(&snapshot, 0, OFF_UUID);
    assert_non_null(form);
    assert_true(form->values.on[FF_OFFLINE]);
    assert_false(form->values.on[FF_LIVE]);
    assert_true(form->options.offline);
    migration_form_free(form);
}

static void test_tab_skips_disabled_fields(void **state)
{
    (void)state;
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    key(form, '\t');
    assert_int_equal(form->focus, FF_LIVE);
    fkey(form, KEY_BTAB);
    assert_int_equal(form->focus, FF_DESTINATION);
    focus_on(form, FF_POSTCOPY);
    key(form, '\t');
    assert_int_equal(form->focus, FF_AUTO_CONVERGE);   /* post-copy bandwidth is off */
    fkey(form, KEY_UP);
    assert_int_equal(form->focus, FF_POSTCOPY);
    key(form, ' ');
    assert_true(form->values.on[FF_POSTCOPY]);
    fkey(form, KEY_DOWN);
    assert_int_equal(form->focus, FF_POSTCOPY_BANDWIDTH);
    /* PgDn jumps a group: Convergence -> Performance */
    fkey(form, KEY_NPAGE);
    assert_int_equal(form->focus, FF_COMPRESSED);
    fkey(form, KEY_PPAGE);
    assert_int_equal(form->focus, FF_POSTCOPY);
    /* past the last field come the buttons, then it wraps */
    focus_on(form, FORM_FOCUS_LAUNCH);
    fkey(form, KEY_RIGHT);
    assert_int_equal(form->focus, FORM_FOCUS_CANCEL);
    key(form, '\t');
    assert_int_equal(form->focus, FF_DESTINATION);
    migration_form_free(form);
}

static void test_offline_postcopy_is_marked_and_blocks_launch(void **state)
{
    (void)state;
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    focus_on(form, FF_LIVE);
    key(form, ' ');
    focus_on(form, FF_OFFLINE);
    key(form, ' ');
    focus_on(form, FF_POSTCOPY);
    key(form, ' ');
    assert_false(form->options.live);
    assert_true(form->options.offline && form->options.postcopy);
    assert_true(first_problem_contains(form, FF_POSTCOPY, "post-copy needs a live migration"));
    assert_true(form_blocking_problem_count(form) >= 1);

    /* Enter on Launch refuses without calling core (which is NULL here) */
    focus_on(form, FORM_FOCUS_LAUNCH);
    assert_int_equal(key(form, '\n'), FORM_CONTINUE);
    assert_non_null(strstr(form->notice, "Launch is disabled"));
    assert_int_equal(form->focus, FF_POSTCOPY);   /* taken to the first problem */
    assert_int_equal(migration_form_launched_id(form), 0);

    /* fixing it clears the problem and the notice */
    key(form, ' ');
    assert_false(first_problem_contains(form, FF_POSTCOPY, "post-copy"));
    assert_string_equal(form->notice, "");
    migration_form_free(form);
}

static void test_numbers_with_units_reach_the_preview(void **state)
{
    (void)state;
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    focus_on(form, FF_BANDWIDTH);
    type_text(form, "50M");
    assert_int_equal(form->options.bandwidth_mibs, 50);
    assert_non_null(strstr(form->virsh_command, "--bandwidth 50"));
    assert_int_equal(form_blocking_problem_count(form), 0);
    type_text(form, "x");
    assert_true(form->parse_errors[FF_BANDWIDTH].bad);
    assert_true(first_problem_contains(form, FF_BANDWIDTH, "Bandwidth limit"));
    assert_int_equal(form_blocking_problem_count(form), 1);
    assert_null(strstr(form->virsh_command, "--bandwidth"));
    fkey(form, KEY_BACKSPACE);
    assert_int_equal(form_blocking_problem_count(form), 0);
    /* Home and End move the cursor in a text field, between ends elsewhere */
    fkey(form, KEY_HOME);
    assert_int_equal(form->focus, FF_BANDWIDTH);
    assert_int_equal(form->values.input[FF_BANDWIDTH].cursor, 0);
    fkey(form, KEY_UP);   /* the throttle fields are off: Auto-converge */
    assert_int_equal(form->focus, FF_AUTO_CONVERGE);
    fkey(form, KEY_END);
    assert_int_equal(form->focus, FORM_FOCUS_LAUNCH);
    fkey(form, KEY_HOME);
    assert_int_equal(form->focus, FF_DESTINATION);
    /* Space in a number field is not a toggle; the text is untouched */
    focus_on(form, FF_TIMEOUT);
    type_text(form, "2m");
    assert_int_equal(form->options.timeout_s, 120);
    key(form, '\t');
    assert_int_equal(form->focus, FF_TIMEOUT_ACTION);
    fkey(form, KEY_RIGHT);
    assert_int_equal(form->options.timeout_action, TIMEOUT_ACTION_POSTCOPY);
    /* timeout-postcopy needs post-copy: the reason lands on the action */
    assert_true(form_blocking_problem_count(form) >= 1);
    migration_form_free(form);
}

static void test_destination_follows_hosts(void **state)
{
    (void)state;
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    assert_int_equal(form->destination, 1);
    set_hosts(HOST_CONNECTED, HOST_LOST, HOST_CONNECTED);
    migration_form_update(form, &snapshot);
    assert_int_equal(form->destination, 2);
    assert_non_null(strstr(form->virsh_command, "198.18.77.13"));
    set_hosts(HOST_CONNECTED, HOST_CONNECTED, HOST_CONNECTED);
    migration_form_update(form, &snapshot);
    assert_int_equal(form->destination, 2);   /* a still-connected choice is kept */
    fkey(form, KEY_RIGHT);                    /* focus is on the destination */
    assert_int_equal(form->destination, 1);   /* wraps past the source */
    fkey(form, KEY_LEFT);
    assert_int_equal(form->destination, 2);
    set_hosts(HOST_CONNECTED, HOST_AUTH_FAILED, HOST_CONNECTING);
    migration_form_update(form, &snapshot);
    assert_int_equal(form->destination, SIZE_MAX);
    assert_true(first_problem_contains(form, FF_DESTINATION, "No other host is connected"));
    assert_int_equal(form_blocking_problem_count(form), 1);
    migration_form_free(form);
}

static void test_vanished_domain_blocks_launch(void **state)
{
    (void)state;
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    snapshot.domains = &domains[1];
    snapshot.domain_count = 1;
    migration_form_update(form, &snapshot);
    assert_false(form->domain_present);
    assert_non_null(strstr(form->notice, "vm1 is no longer on labhost1"));
    assert_true(form_blocking_problem_count(form) >= 1);
    /* an edit keeps the notice: the domain is still gone */
    focus_on(form, FF_BANDWIDTH);
    type_text(form, "5");
    assert_non_null(strstr(form->notice, "no longer"));
    migration_form_free(form);
}

static void test_escape_and_cancel(void **state)
{
    (void)state;
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    assert_int_equal(key(form, 27), FORM_CANCELLED);
    focus_on(form, FORM_FOCUS_CANCEL);
    assert_int_equal(key(form, '\n'), FORM_CANCELLED);
    migration_form_free(form);
}

static bool contains(const char *text, const char *part)
{
    if (!strstr(text, part)) {
        fprintf(stderr, "missing \"%s\" in:\n%s\n", part, text);
        return false;
    }
    return true;
}

static void draw_at(int rows, int cols)
{
    WINDOW *window = newwin(rows, cols, 0, 0);
    assert_non_null(window);
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    migration_form_draw(form, window);
    char *text = window_text(window);
    assert_true(contains(text, "Migrate vm1 (running) from labhost1"));
    assert_true(contains(text, "Destination host"));
    assert_true(contains(text, "< labhost2 >"));
    assert_true(contains(text, "Equivalent virsh command"));
    assert_true(contains(text, "migrate --live --p2p"));
    assert_true(contains(text, "Pre-flight checks"));
    assert_true(contains(text, "pre-flight checks: not run yet"));
    assert_true(contains(text, "[ Launch ]"));
    assert_true(contains(text, "Ready"));
    free(text);

    /* the bad combination: its reason is drawn under Post-copy */
    focus_on(form, FF_LIVE);
    key(form, ' ');
    focus_on(form, FF_OFFLINE);
    key(form, ' ');
    focus_on(form, FF_POSTCOPY);
    key(form, ' ');
    migration_form_draw(form, window);
    text = window_text(window);
    assert_true(contains(text, "Allow post-copy"));
    assert_true(contains(text, "post-copy needs a live"));
    assert_true(contains(text, "Launch disabled"));
    assert_true(contains(text, "--offline"));
    /* the reason sits on the line(s) right below its field */
    char *field = strstr(text, "Allow post-copy");
    char *reason = strstr(text, "post-copy needs a live");
    assert_true(field < reason);
    int newlines = 0;
    for (char *c = field; c < reason; c++)
        newlines += *c == '\n';
    assert_true(newlines >= 1 && newlines <= 2);
    free(text);

    /* pre-flight results replace the placeholder */
    const char *const checks[] = { "ok  destination has the CPU model", "ok  storage is shared" };
    assert_int_equal(migration_form_set_checks(form, checks, 2), 0);
    migration_form_draw(form, window);
    text = window_text(window);
    assert_true(contains(text, "storage is shared"));
    assert_null(strstr(text, "not run yet"));
    free(text);

    /* clicking Cancel on the button line closes the form */
    int button_row = rows - 2;
    assert_int_equal(form->rows[button_row].kind, FORM_ROW_BUTTONS);
    assert_int_equal(migration_form_click(form, button_row, form->cancel_col + 1, NULL),
                     FORM_CANCELLED);
    migration_form_free(form);
    delwin(window);
}

static void test_draws_at_80x24(void **state)
{
    (void)state;
    draw_at(24, 80);
}

static void test_draws_at_120x40(void **state)
{
    (void)state;
    draw_at(40, 120);
}

static void test_click_toggles_a_check_box(void **state)
{
    (void)state;
    WINDOW *window = newwin(24, 80, 0, 0);
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    migration_form_draw(form, window);
    int row = -1;
    for (int y = 0; y < form->row_count; y++) {
        if (form->rows[y].kind == FORM_ROW_FIELD && form->rows[y].field == FF_UNSAFE)
            row = y;
    }
    assert_true(row > 0);
    assert_false(form->values.on[FF_UNSAFE]);
    assert_int_equal(migration_form_click(form, row, 40, NULL), FORM_CONTINUE);
    assert_true(form->values.on[FF_UNSAFE]);
    assert_int_equal(form->focus, FF_UNSAFE);
    /* a tiny window asks to be larger instead of drawing a broken form */
    WINDOW *tiny = newwin(8, 30, 0, 0);
    migration_form_draw(form, tiny);
    char *text = window_text(tiny);
    assert_true(contains(text, "larger"));
    free(text);
    delwin(tiny);
    migration_form_free(form);
    delwin(window);
}

static void test_scrolling_keeps_focus_visible(void **state)
{
    (void)state;
    WINDOW *window = newwin(24, 80, 0, 0);
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    focus_on(form, FF_GRAPHICS_URI);
    migration_form_draw(form, window);
    char *text = window_text(window);
    assert_true(contains(text, "Graphics URI"));
    assert_true(contains(text, "Where graphical (SPICE) clients reconnect"));   /* its help */
    assert_true(contains(text, "Advanced"));
    assert_null(strstr(text, "Destination host"));   /* scrolled off the top */
    free(text);
    key(form, '\t');
    key(form, '\t');
    key(form, '\t');   /* Launch, Cancel, back to the top */
    migration_form_draw(form, window);
    text = window_text(window);
    assert_true(contains(text, "Destination host"));
    free(text);
    migration_form_free(form);
    delwin(window);
}

/* Thousands of keys, clicks and host changes in a fixed pseudo-random order,
 * drawing after each at a size that changes too: under ASan/UBSan nothing may
 * break, the focus stays on something focusable, and a form without blocking
 * problems always holds options that validate. */
static void test_random_keys_never_break_the_form(void **state)
{
    (void)state;
    static const int function_keys[] = { KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_BTAB,
                                         KEY_NPAGE, KEY_PPAGE, KEY_HOME, KEY_END,
                                         KEY_BACKSPACE, KEY_DC, KEY_ENTER, KEY_RESIZE };
    static const int characters[] = { '\t', ' ', '\n', '5', '0', 'M', 's', 'x', ',', '%',
                                      '-', 21, 11, 0xe9, 0x4e2d, 'v', 'd', 'a', '/' };
    static const int sizes[][2] = { { 24, 80 }, { 40, 120 }, { 30, 90 }, { 12, 44 } };
    WINDOW *windows[4];
    for (int i = 0; i < 4; i++)
        windows[i] = newwin(sizes[i][0], sizes[i][1], 0, 0);
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    unsigned seed = 12345;
    for (int step = 0; step < 4000; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned pick = (seed >> 8) % 100;
        FormResult result = FORM_CONTINUE;
        if (pick < 45) {
            result = fkey(form, function_keys[(seed >> 16) % 13]);
        } else if (pick < 92) {
            result = key(form, characters[(seed >> 16) % 19]);
        } else if (pick < 97) {
            WINDOW *window = windows[(seed >> 12) % 4];
            result = migration_form_click(form, (int)((seed >> 16) % 40),
                                          (int)((seed >> 20) % 120), NULL);
            migration_form_draw(form, window);
        } else {
            HostConnState states[] = { HOST_CONNECTED, HOST_LOST, HOST_CONNECTING };
            set_hosts(HOST_CONNECTED, states[(seed >> 16) % 3], states[(seed >> 20) % 3]);
            migration_form_update(form, &snapshot);
        }
        assert_int_not_equal(result, FORM_LAUNCHED);   /* core is NULL: never launches */
        assert_true(form->focus >= 0 && form->focus <= FORM_FOCUS_CANCEL);
        if (form_blocking_problem_count(form) == 0) {
            OptionProblem problems[4];
            assert_int_equal(migrate_options_validate(&form->options, NULL, problems, 4), 0);
            assert_non_null(form->virsh_command);
        }
        migration_form_draw(form, windows[step % 4]);
    }
    migration_form_free(form);
    for (int i = 0; i < 4; i++)
        delwin(windows[i]);
}

/* The Assistant ladder: cycled like any choice, the post-copy ladder marked
 * until post-copy is allowed, custom text checked as typed, and a note under
 * the virsh line, which itself does not change (libvirt runs no ladder). */
static void test_assistant_ladder_choice(void **state)
{
    (void)state;
    MigrationForm *form = migration_form_open(&snapshot, 0, VM1_UUID);
    char *plain = strdup(form->virsh_command);
    assert_non_null(plain);
    focus_on(form, FF_TIMEOUT);
    key(form, '\t');   /* "On timeout" is off without a timeout */
    assert_int_equal(form->focus, FF_ASSISTANT);
    key(form, ' ');
    assert_int_equal(form->values.choice[FF_ASSISTANT], FORM_LADDER_MINIMAL_DOWNTIME);
    assert_int_equal(form_blocking_problem_count(form), 0);
    fkey(form, KEY_RIGHT);
    assert_int_equal(form->values.choice[FF_ASSISTANT], FORM_LADDER_POSTCOPY);
    assert_int_equal(form_blocking_problem_count(form), 1);
    assert_true(first_problem_contains(form, FF_ASSISTANT, "switches to post-copy"));
    fkey(form, KEY_LEFT);
    assert_int_equal(form_blocking_problem_count(form), 0);
    fkey(form, KEY_LEFT);
    assert_int_equal(form->values.choice[FF_ASSISTANT], FORM_LADDER_OFF);
    fkey(form, KEY_LEFT);   /* wraps */
    assert_int_equal(form->values.choice[FF_ASSISTANT], FORM_LADDER_CUSTOM);
    assert_true(first_problem_contains(form, FF_ASSISTANT_LADDER, "empty"));
    key(form, '\t');
    assert_int_equal(form->focus, FF_ASSISTANT_LADDER);
    type_text(form, "abort after");
    assert_int_equal(form_blocking_problem_count(form), 1);
    assert_true(first_problem_contains(form, FF_ASSISTANT_LADDER, "Ladder steps: "));
    type_text(form, " 5");
    assert_int_equal(form_blocking_problem_count(form), 0);
    assert_string_equal(form->virsh_command, plain);

    WINDOW *window = newwin(40, 120, 0, 0);
    assert_non_null(window);
    migration_form_draw(form, window);
    char *text = window_text(window);
    assert_true(contains(text, "Assistant ladder"));
    assert_true(contains(text, "< custom >"));
    assert_true(contains(text, "assistant: custom ladder \"abort after 5\" (virtmig, not "
                               "libvirt)"));
    free(text);
    /* off again: no note */
    focus_on(form, FF_ASSISTANT);
    fkey(form, KEY_RIGHT);
    assert_int_equal(form->values.choice[FF_ASSISTANT], FORM_LADDER_OFF);
    migration_form_draw(form, window);
    text = window_text(window);
    assert_null(strstr(text, "virtmig, not libvirt"));
    free(text);
    delwin(window);
    free(plain);
    migration_form_free(form);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_opens_with_defaults_and_a_destination, setup),
        cmocka_unit_test_setup(test_shut_off_domain_opens_offline, setup),
        cmocka_unit_test_setup(test_tab_skips_disabled_fields, setup),
        cmocka_unit_test_setup(test_offline_postcopy_is_marked_and_blocks_launch, setup),
        cmocka_unit_test_setup(test_numbers_with_units_reach_the_preview, setup),
        cmocka_unit_test_setup(test_destination_follows_hosts, setup),
        cmocka_unit_test_setup(test_vanished_domain_blocks_launch, setup),
        cmocka_unit_test_setup(test_escape_and_cancel, setup),
        cmocka_unit_test_setup(test_draws_at_80x24, setup),
        cmocka_unit_test_setup(test_draws_at_120x40, setup),
        cmocka_unit_test_setup(test_click_toggles_a_check_box, setup),
        cmocka_unit_test_setup(test_scrolling_keeps_focus_visible, setup),
        cmocka_unit_test_setup(test_random_keys_never_break_the_form, setup),
        cmocka_unit_test_setup(test_assistant_ladder_choice, setup),
    };
    return cmocka_run_group_tests(tests, setup_screen, teardown_screen);
}
