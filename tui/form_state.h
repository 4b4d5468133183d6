/* The migration form's state, shared by its logic (form.c) and its drawing
 * (form_draw.c). Private to those two files. */
#ifndef VIRTMIG_TUI_FORM_STATE_H
#define VIRTMIG_TUI_FORM_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core.h"
#include "form.h"
#include "form_fields.h"

/* Problems kept per validation; more are counted but not listed. */
#define FORM_MAX_PROBLEMS 32

/* Focus targets after the fields. */
#define FORM_FOCUS_LAUNCH ((int)FF_COUNT)
#define FORM_FOCUS_CANCEL ((int)FF_COUNT + 1)

typedef struct {
    char *name;
    char *uri;
    bool connected;
} FormHost;

/* What a window row shows, for mouse clicks. */
typedef enum {
    FORM_ROW_NOTHING = 0,
    FORM_ROW_FIELD,      /* target: a FormFieldId */
    FORM_ROW_BUTTONS,    /* the Launch/Cancel line */
} FormRowKind;

typedef struct {
    FormRowKind kind;
    int field;
} FormRowTarget;

struct _MigrationForm {
    /* the domain, copied from the last snapshot */
    char domain_uuid[37];
    char *domain_name;
    size_t source_host;
    bool domain_present;          /* still on the source host */
    DomainRunState domain_state;
    bool domain_has_job;
    unsigned long source_libvirt_version;

    FormHost *hosts;              /* every host of the snapshot, by index */
    size_t host_count;
    size_t destination;           /* host index, or SIZE_MAX: none available */

    FormValues values;

    /* derived from the values on every change (form_refresh) */
    MigrateOptions options;
    FormParseError parse_errors[FF_COUNT];
    size_t parse_error_count;
    OptionProblem problems[FORM_MAX_PROBLEMS];
    size_t problem_count;         /* total, may exceed FORM_MAX_PROBLEMS */
    bool problems_from_core;      /* the last launch was refused with these */
    char *virsh_command;
    char notice[320];             /* a form-wide message ("" when none) */
    bool notice_is_error;

    char **checks;                /* pre-flight lines; NULL until set */
    size_t check_count;
    bool checks_set;
    /* Following core's pre-flight checks (tui/form_preflight.c). */
    uint64_t preflight_signature;     /* destination + options as last seen */
    uint64_t preflight_changed_ms;    /* when they last changed (debounce) */
    uint64_t preflight_requested;     /* the signature last sent to core, 0: none */
    int preflight_generation;         /* core's answer to that request */
    uint64_t preflight_shown;         /* which report state the lines show */

    int focus;                    /* a FormFieldId, FORM_FOCUS_LAUNCH or _CANCEL */
    size_t scroll;                /* first field-area line shown */
    unsigned launched_id;

    /* geometry of the last draw, for clicks */
    FormRowTarget *rows;
    int row_count;
    int launch_col, launch_width, cancel_col, cancel_width;
};

/* Problems that block Launch: parse errors, validation, no destination, no
 * domain. */
size_t form_blocking_problem_count(const MigrationForm *form);
/* The messages shown at a field: its parse error, then every validation
 * problem that lands on it. Fills up to max, returns how many there are. */
size_t form_field_problems(const MigrationForm *form, FormFieldId id, const char **out,
                           size_t max);

#endif
