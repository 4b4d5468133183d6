/* The migration form's logic: values, validation, navigation, launching.
 * Drawing lives in form_draw.c. */
#include "form.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form_ladder.h"
#include "form_state.h"

enum { KEY_TAB = '\t', KEY_ESCAPE = 27 };

static bool focusable(const MigrationForm *form, int target);
static void move_focus(MigrationForm *form, int direction);

/* ---- snapshot ------------------------------------------------------- */

static void free_hosts(MigrationForm *form)
{
    for (size_t i = 0; i < form->host_count; i++) {
        free(form->hosts[i].name);
        free(form->hosts[i].uri);
    }
    free(form->hosts);
    form->hosts = NULL;
    form->host_count = 0;
}

static bool is_destination(const MigrationForm *form, size_t host)
{
    return host < form->host_count && host != form->source_host &&
           form->hosts[host].connected;
}

/* Steps the destination among eligible hosts (direction +1/-1), or picks the
 * first eligible one when the current choice is gone. */
static void step_destination(MigrationForm *form, int direction)
{
    size_t count = form->host_count;
    if (count == 0) {
        form->destination = SIZE_MAX;
        return;
    }
    size_t start = form->destination < count ? form->destination : count - 1;
    if (direction == 0) {
        if (is_destination(form, form->destination))
            return;
        direction = 1;
        start = count - 1;
    }
    for (size_t step = 1; step <= count; step++) {
        size_t host = direction > 0 ? (start + step) % count : (start + count - step) % count;
        if (is_destination(form, host)) {
            form->destination = host;
            return;
        }
    }
    form->destination = SIZE_MAX;
}

/* Copies hosts and the domain's state. Returns 0, or -1 on ENOMEM (then the
 * form keeps its previous copy). */
static int take_snapshot(MigrationForm *form, const CoreSnapshot *snapshot)
{
    FormHost *hosts = calloc(snapshot->host_count ? snapshot->host_count : 1, sizeof(*hosts));
    if (!hosts)
        return -1;
    for (size_t i = 0; i < snapshot->host_count; i++) {
        const HostView *view = &snapshot->hosts[i];
        hosts[i].name = strdup(view->name ? view->name : "?");
        hosts[i].uri = strdup(view->uri ? view->uri : "");
        hosts[i].connected = view->state == HOST_CONNECTED;
        if (!hosts[i].name || !hosts[i].uri) {
            for (size_t j = 0; j <= i; j++) {
                free(hosts[j].name);
                free(hosts[j].uri);
            }
            free(hosts);
            return -1;
        }
    }
    free_hosts(form);
    form->hosts = hosts;
    form->host_count = snapshot->host_count;

    if (form->source_host < snapshot->host_count)
        form->source_libvirt_version = snapshot->hosts[form->source_host].libvirt_version;
    const DomainView *domain =
        core_snapshot_find_domain(snapshot, form->source_host, form->domain_uuid);
    form->domain_present = domain != NULL;
    if (domain) {
        form->domain_state = domain->state;
        form->domain_has_job = domain->has_job;
        if (domain->name && (!form->domain_name || strcmp(domain->name, form->domain_name))) {
            char *name = strdup(domain->name);
            if (!name)
                return -1;
            free(form->domain_name);
            form->domain_name = name;
        }
    }
    step_destination(form, 0);
    return 0;
}

/* ---- derived state -------------------------------------------------- */

static bool domain_active(DomainRunState state)
{
    return state != DOMAIN_SHUTOFF && state != DOMAIN_SHUTDOWN && state != DOMAIN_CRASHED &&
           state != DOMAIN_NOSTATE;
}

static void set_notice(MigrationForm *form, bool error, const char *text)
{
    snprintf(form->notice, sizeof(form->notice), "%s", text);
    form->notice_is_error = error;
}

/* Rebuilds options, problems and the virsh preview from the values. */
static void form_refresh(MigrationForm *form)
{
    migrate_options_clear(&form->options);
    int bad = form_values_build(&form->values, &form->options, form->parse_errors);
    if (bad < 0) {
        migrate_options_init(&form->options);
        set_notice(form, true, "Out of memory while reading the form; close it and retry.");
        bad = 0;
    }
    form->parse_error_count = (size_t)bad;

    MigrateContext context = {
        .domain_name = form->domain_name,
        .source_libvirt_version = form->source_libvirt_version,
        .domain_active = domain_active(form->domain_state),
        .domain_state_known = form->domain_present,
        .domain_uuid = form->domain_uuid,
    };
    form->problem_count = migrate_options_validate(&form->options, &context, form->problems,
                                                   FORM_MAX_PROBLEMS);
    form->problems_from_core = false;

    const char *source_uri = form->source_host < form->host_count
                                 ? form->hosts[form->source_host].uri : "";
    const char *dest_uri = form->destination < form->host_count
                               ? form->hosts[form->destination].uri : "DESTINATION-URI";
    free(form->virsh_command);
    form->virsh_command = migrate_options_virsh_command(
        &form->options, form->domain_name ? form->domain_name : form->domain_uuid,
        source_uri, dest_uri);
}

size_t form_blocking_problem_count(const MigrationForm *form)
{
    size_t count = form->parse_error_count + form->problem_count;
    if (form->destination == SIZE_MAX)
        count++;
    if (!form->domain_present)
        count++;
    return count;
}

size_t form_field_problems(const MigrationForm *form, FormFieldId id, const char **out,
                           size_t max)
{
    size_t count = 0;
    if (id < FF_COUNT && form->parse_errors[id].bad) {
        if (count < max)
            out[count] = form->parse_errors[id].message;
        count++;
    }
    size_t listed = form->problem_count < FORM_MAX_PROBLEMS ? form->problem_count
                                                            : FORM_MAX_PROBLEMS;
    for (size_t i = 0; i < listed; i++) {
        if (form_field_for_option(form->problems[i].field) != id)
            continue;
        if (count < max)
            out[count] = form->problems[i].message;
        count++;
    }
    if (id == FF_DESTINATION && form->destination == SIZE_MAX) {
        if (count < max)
            out[count] = "No other host is connected; wait for one to connect "
                         "(see the header) or add one to the hosts file.";
        count++;
    }
    return count;
}

/* ---- lifetime ------------------------------------------------------- */

MigrationForm *migration_form_open(const CoreSnapshot *snapshot, size_t source_host,
                                   const char *domain_uuid)
{
    if (!snapshot || !domain_uuid)
        return NULL;
    MigrationForm *form = calloc(1, sizeof(*form));
    if (!form)
        return NULL;
    snprintf(form->domain_uuid, sizeof(form->domain_uuid), "%s", domain_uuid);
    form->source_host = source_host;
    form->destination = SIZE_MAX;
    migrate_options_init(&form->options);
    if (form_values_init(&form->values) < 0 || take_snapshot(form, snapshot) < 0) {
        migration_form_free(form);
        return NULL;
    }
    /* A domain found by name: keep its uuid so the form follows it. */
    const DomainView *domain = core_snapshot_find_domain(snapshot, source_host, domain_uuid);
    if (domain)
        snprintf(form->domain_uuid, sizeof(form->domain_uuid), "%s", domain->uuid);
    /* A shut-off domain can only move its definition. */
    if (form->domain_present && !domain_active(form->domain_state)) {
        form->values.on[FF_LIVE] = false;
        form->values.on[FF_OFFLINE] = true;
    }
    form->focus = FF_DESTINATION;
    form_refresh(form);
    return form;
}

void migration_form_update(MigrationForm *form, const CoreSnapshot *snapshot)
{
    if (!form || !snapshot)
        return;
    bool was_present = form->domain_present;
    if (take_snapshot(form, snapshot) < 0) {
        set_notice(form, true, "Out of memory while following the hosts; close the form.");
        return;
    }
    if (was_present && !form->domain_present) {
        char text[200];
        snprintf(text, sizeof(text), "%s is no longer on %s (moved, undefined or the host "
                 "was lost); press Esc and pick it again.",
                 form->domain_name ? form->domain_name : form->domain_uuid,
                 form->source_host < form->host_count ? form->hosts[form->source_host].name
                                                      : "its host");
        set_notice(form, true, text);
    } else if (!was_present && form->domain_present) {
        set_notice(form, false, "");
    }
    /* Keep core's refusal on screen until the operator edits something. */
    if (!form->problems_from_core)
        form_refresh(form);
}

int migration_form_set_checks(MigrationForm *form, const char *const *lines, size_t count)
{
    if (!form)
        return -1;
    char **copy = NULL;
    if (count) {
        copy = calloc(count, sizeof(*copy));
        if (!copy)
            return -1;
        for (size_t i = 0; i < count; i++) {
            if (!(copy[i] = strdup(lines[i] ? lines[i] : ""))) {
                for (size_t j = 0; j < i; j++)
                    free(copy[j]);
                free(copy);
                return -1;
            }
        }
    }
    for (size_t i = 0; i < form->check_count; i++)
        free(form->checks[i]);
    free(form->checks);
    form->checks = copy;
    form->check_count = count;
    form->checks_set = count > 0;
    return 0;
}

bool migration_form_set_unavailable(MigrationForm *form, int field, bool unavailable)
{
    if (!form || field < 0 || field >= (int)FF_COUNT ||
        form->values.unavailable[field] == unavailable)
        return false;
    form->values.unavailable[field] = unavailable;
    form_refresh(form);
    /* The focused field (or the one that depends on it) just went away: keys
     * would land on a field that ignores them. */
    if (!focusable(form, form->focus))
        move_focus(form, 1);
    return true;
}

unsigned migration_form_launched_id(const MigrationForm *form)
{
    return form ? form->launched_id : 0;
}

void migration_form_free(MigrationForm *form)
{
    if (!form)
        return;
    free(form->domain_name);
    free_hosts(form);
    form_values_clear(&form->values);
    migrate_options_clear(&form->options);
    free(form->virsh_command);
    for (size_t i = 0; i < form->check_count; i++)
        free(form->checks[i]);
    free(form->checks);
    free(form->rows);
    free(form);
}

/* ---- navigation ----------------------------------------------------- */

static bool focusable(const MigrationForm *form, int target)
{
    if (target == FORM_FOCUS_LAUNCH || target == FORM_FOCUS_CANCEL)
        return true;
    return target >= 0 && target < (int)FF_COUNT &&
           form_field_enabled(&form->values, (FormFieldId)target);
}

/* Moves focus by one focusable target, wrapping around. */
static void move_focus(MigrationForm *form, int direction)
{
    int count = (int)FF_COUNT + 2;
    int target = form->focus;
    for (int step = 0; step < count; step++) {
        target = (target + direction + count) % count;
        if (focusable(form, target)) {
            form->focus = target;
            return;
        }
    }
}

/* Moves to the first field of the next (or previous) group. */
static void move_group(MigrationForm *form, int direction)
{
    if (form->focus >= (int)FF_COUNT) {
        form->focus = direction > 0 ? FORM_FOCUS_LAUNCH : FF_DESTINATION;
        return;
    }
    int group = (int)form_field_info((FormFieldId)form->focus)->group + direction;
    if (group < 0)
        group = 0;
    if (group >= FORM_GROUP_COUNT) {
        form->focus = FORM_FOCUS_LAUNCH;
        return;
    }
    for (int id = 0; id < (int)FF_COUNT; id++) {
        if ((int)form_field_info((FormFieldId)id)->group == group && focusable(form, id)) {
            form->focus = id;
            return;
        }
    }
}

static void focus_first_problem(MigrationForm *form)
{
    const char *messages[1];
    for (int id = 0; id < (int)FF_COUNT; id++) {
        if (form_field_problems(form, (FormFieldId)id, messages, 1) > 0) {
            form->focus = id;
            return;
        }
    }
}

/* ---- editing -------------------------------------------------------- */

/* Something changed: drop core's last refusal and recompute. */
static void changed(MigrationForm *form)
{
    if (form->notice_is_error && form->domain_present)
        set_notice(form, false, "");
    form_refresh(form);
}

static bool activate_field(MigrationForm *form, FormFieldId id, int direction)
{
    const FormFieldInfo *info = form_field_info(id);
    if (!info || !form_field_enabled(&form->values, id))
        return false;
    switch (info->kind) {
    case FORM_KIND_BOOL:
        form->values.on[id] = !form->values.on[id];
        break;
    case FORM_KIND_CHOICE: {
        /* the next choice possible for this guest; the current one if none */
        int count = form_field_choice_count(id);
        int choice = form->values.choice[id];
        for (int step = 0; step < count; step++) {
            choice = (choice + (direction < 0 ? -1 : 1) + count) % count;
            if (form_field_choice_available(&form->values, id, choice))
                break;
        }
        form->values.choice[id] = choice;
        break;
    }
    case FORM_KIND_DESTINATION:
        step_destination(form, direction < 0 ? -1 : 1);
        break;
    default:
        return false;
    }
    changed(form);
    return true;
}

static FormResult launch(MigrationForm *form, Core *core)
{
    size_t blocking = form_blocking_problem_count(form);
    if (blocking > 0) {
        char text[320];
        snprintf(text, sizeof(text), "Launch is disabled: %zu problem%s marked under "
                 "the fields; fix %s first.", blocking, blocking == 1 ? " is" : "s are",
                 blocking == 1 ? "it" : "them");
        if (form->domain_present)   /* else the notice already says the domain is gone */
            set_notice(form, true, text);
        focus_first_problem(form);
        return FORM_CONTINUE;
    }
    if (!core) {
        set_notice(form, true, "No engine to launch with (internal error).");
        return FORM_CONTINUE;
    }
    size_t total = 0;
    /* With a ladder core checks it once more before anything is launched. */
    const char *ladder = form_ladder_text(&form->values);
    int id = ladder ? core_request_migrate_assisted(core, form->source_host,
                                                    form->domain_uuid, form->destination,
                                                    &form->options, ladder, form->problems,
                                                    FORM_MAX_PROBLEMS, &total)
                    : core_request_migrate(core, form->source_host, form->domain_uuid,
                                           form->destination, &form->options, form->problems,
                                           FORM_MAX_PROBLEMS, &total);
    if (id > 0) {
        form->launched_id = (unsigned)id;
        return FORM_LAUNCHED;
    }
    if (total > 0) {
        form->problem_count = total;
        form->problems_from_core = true;
        set_notice(form, true, "The engine refused the launch: see the problems marked "
                               "under the fields.");
        /* A problem of no field (the ladder, as core read it) goes in the notice. */
        for (size_t i = 0; i < total && i < FORM_MAX_PROBLEMS; i++) {
            if (form->problems[i].field == OPT_FIELD_NONE) {
                char text[sizeof(form->notice)];
                snprintf(text, sizeof(text), "The engine refused the launch: %s",
                         form->problems[i].message);
                set_notice(form, true, text);
                break;
            }
        }
        focus_first_problem(form);
    } else {
        set_notice(form, true, "The engine could not start the migration (out of memory?); "
                               "try again.");
    }
    return FORM_CONTINUE;
}

static FormResult press(MigrationForm *form, Core *core)
{
    if (form->focus == FORM_FOCUS_LAUNCH)
        return launch(form, core);
    if (form->focus == FORM_FOCUS_CANCEL)
        return FORM_CANCELLED;
    return FORM_CONTINUE;
}

static FormResult handle_text_key(MigrationForm *form, int key, bool is_function_key)
{
    FormFieldId id = (FormFieldId)form->focus;
    FormInputOutcome outcome = form_input_key(&form->values.input[id], key, is_function_key);
    if (outcome == FORM_INPUT_CHANGED)
        changed(form);
    else if (outcome == FORM_INPUT_NO_MEMORY)
        set_notice(form, true, "Out of memory while editing; close the form.");
    return FORM_CONTINUE;
}

FormResult migration_form_handle_key(MigrationForm *form, int key, bool is_function_key,
                                     Core *core)
{
    if (!form)
        return FORM_CANCELLED;
    bool on_field = form->focus >= 0 && form->focus < (int)FF_COUNT;
    const FormFieldInfo *info = on_field ? form_field_info((FormFieldId)form->focus) : NULL;
    bool text_field = info && form_field_kind_is_text(info->kind) &&
                      form_field_enabled(&form->values, info->id);

    if (!is_function_key) {
        switch (key) {
        case KEY_ESCAPE:
            return FORM_CANCELLED;
        case KEY_TAB:
            move_focus(form, 1);
            return FORM_CONTINUE;
        case '\n':
        case '\r':
            if (!on_field)
                return press(form, core);
            move_focus(form, 1);
            return FORM_CONTINUE;
        case ' ':
            if (!on_field)
                return press(form, core);
            if (activate_field(form, (FormFieldId)form->focus, 1))
                return FORM_CONTINUE;
            break;
        default:
            break;
        }
        if (text_field)
            return handle_text_key(form, key, false);
        return FORM_CONTINUE;
    }

    switch (key) {
    case KEY_DOWN:
        move_focus(form, 1);
        return FORM_CONTINUE;
    case KEY_UP:
    case KEY_BTAB:
        move_focus(form, -1);
        return FORM_CONTINUE;
    case KEY_NPAGE:
        move_group(form, 1);
        return FORM_CONTINUE;
    case KEY_PPAGE:
        move_group(form, -1);
        return FORM_CONTINUE;
    case KEY_ENTER:
        return migration_form_handle_key(form, '\n', false, core);
    case KEY_HOME:
    case KEY_END:
        if (text_field)
            break;   /* moves the cursor in the text */
        form->focus = key == KEY_HOME ? FF_DESTINATION : FORM_FOCUS_LAUNCH;
        return FORM_CONTINUE;
    case KEY_LEFT:
    case KEY_RIGHT:
        if (!on_field) {
            form->focus = form->focus == FORM_FOCUS_LAUNCH ? FORM_FOCUS_CANCEL
                                                           : FORM_FOCUS_LAUNCH;
            return FORM_CONTINUE;
        }
        if (info->kind == FORM_KIND_CHOICE || info->kind == FORM_KIND_DESTINATION) {
            activate_field(form, info->id, key == KEY_LEFT ? -1 : 1);
            return FORM_CONTINUE;
        }
        break;
    default:
        break;
    }
    if (text_field)
        return handle_text_key(form, key, true);
    return FORM_CONTINUE;
}

FormResult migration_form_click(MigrationForm *form, int row, int col, Core *core)
{
    if (!form || row < 0 || row >= form->row_count)
        return FORM_CONTINUE;
    const FormRowTarget *target = &form->rows[row];
    if (target->kind == FORM_ROW_FIELD && focusable(form, target->field)) {
        bool again = form->focus == target->field;
        form->focus = target->field;
        const FormFieldInfo *info = form_field_info((FormFieldId)target->field);
        /* A check box toggles on the first click; a choice steps when clicked again. */
        if (info->kind == FORM_KIND_BOOL || (again && !form_field_kind_is_text(info->kind)))
            activate_field(form, info->id, 1);
    } else if (target->kind == FORM_ROW_BUTTONS) {
        if (col >= form->launch_col && col < form->launch_col + form->launch_width) {
            form->focus = FORM_FOCUS_LAUNCH;
            return launch(form, core);
        }
        if (col >= form->cancel_col && col < form->cancel_col + form->cancel_width)
            return FORM_CANCELLED;
    }
    return FORM_CONTINUE;
}
