/* The migration form's fields as data: which fields there are, how they are
 * grouped, what each one parses, when each one applies, and how the values
 * become a MigrateOptions. Pure (no curses, no libvirt), so unit tests pin it.
 *
 * A field that does not apply (e.g. "Post-copy bandwidth" while post-copy is
 * off) is disabled: it keeps what the operator typed but adds nothing to the
 * options, so switching its parent back on restores it. */
#ifndef VIRTMIG_TUI_FORM_FIELDS_H
#define VIRTMIG_TUI_FORM_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "form_input.h"
#include "migrate_options.h"

typedef enum {
    FORM_GROUP_DESTINATION = 0,
    FORM_GROUP_MODE,
    FORM_GROUP_STORAGE,
    FORM_GROUP_CONVERGENCE,
    FORM_GROUP_PERFORMANCE,
    FORM_GROUP_SECURITY,
    FORM_GROUP_ADVANCED,
    FORM_GROUP_COUNT
} FormGroup;

typedef enum {
    FORM_KIND_DESTINATION = 0,  /* the destination host (held by the form) */
    FORM_KIND_BOOL,             /* a check box */
    FORM_KIND_CHOICE,           /* one of a few words, cycled with Space/Left/Right */
    FORM_KIND_INTEGER,          /* a whole number (int) */
    FORM_KIND_PERCENT,          /* a whole number, "%" allowed */
    FORM_KIND_MIBS,             /* MiB/s: "50", "50M", "1G" */
    FORM_KIND_BYTES,            /* bytes: "64M", "1G", "4096" */
    FORM_KIND_MS,               /* milliseconds: "300", "300ms", "2s" */
    FORM_KIND_SECONDS,          /* seconds: "30", "30s", "2m" */
    FORM_KIND_TEXT,             /* free text (paths, URIs, names) */
    FORM_KIND_LIST,             /* comma-separated names */
} FormFieldKind;

typedef enum {
    FF_DESTINATION = 0,
    /* mode */
    FF_LIVE, FF_OFFLINE, FF_P2P, FF_DIRECT, FF_TUNNELLED, FF_PERSISTENT,
    FF_UNDEFINE_SOURCE, FF_SUSPEND, FF_CHANGE_PROTECTION, FF_UNSAFE, FF_ABORT_ON_ERROR,
    /* storage */
    FF_COPY_STORAGE_ALL, FF_COPY_STORAGE_INC, FF_MIGRATE_DISKS, FF_DISKS_PORT, FF_DISKS_URI,
    /* convergence */
    FF_POSTCOPY, FF_POSTCOPY_BANDWIDTH, FF_AUTO_CONVERGE, FF_AUTO_CONVERGE_INITIAL,
    FF_AUTO_CONVERGE_INCREMENT, FF_BANDWIDTH, FF_MAX_DOWNTIME, FF_TIMEOUT, FF_TIMEOUT_ACTION,
    FF_ASSISTANT, FF_ASSISTANT_LADDER,   /* virtmig's ladder (form_ladder.h), not libvirt's */
    /* performance */
    FF_COMPRESSED, FF_COMPRESS_XBZRLE, FF_COMPRESS_MT, FF_COMPRESS_ZLIB, FF_COMPRESS_ZSTD,
    FF_COMP_MT_LEVEL, FF_COMP_MT_THREADS, FF_COMP_MT_DTHREADS, FF_COMP_XBZRLE_CACHE,
    FF_COMP_ZLIB_LEVEL, FF_COMP_ZSTD_LEVEL, FF_PARALLEL, FF_PARALLEL_CONNECTIONS, FF_ZEROCOPY,
    /* security */
    FF_TLS, FF_TLS_DESTINATION,
    /* advanced */
    FF_DNAME, FF_DEST_XML, FF_PERSISTENT_XML, FF_MIGRATE_URI, FF_LISTEN_ADDRESS,
    FF_GRAPHICS_URI,
    FF_COUNT
} FormFieldId;

typedef struct {
    FormFieldId id;
    FormGroup group;
    FormFieldKind kind;
    OptionField option;       /* where validation problems about it land */
    const char *label;        /* "Max downtime" */
    const char *unit;         /* shown after the value: "MiB/s", "ms"; NULL: none */
    const char *flag;         /* the virsh option it stands for, as a hint; NULL: none */
    const char *example;      /* what to type, used in parse messages: "50M" */
    const char *needs;        /* why it may be disabled: "needs Post-copy"; NULL: never */
} FormFieldInfo;

/* Choices of FF_TIMEOUT_ACTION, in cycling order. */
#define FORM_TIMEOUT_ACTION_COUNT 2
const char *form_timeout_action_name(int choice);   /* "suspend", "postcopy" */

const FormFieldInfo *form_field_info(FormFieldId id);   /* NULL when out of range */
const char *form_group_title(FormGroup group);          /* "Convergence" */
/* One sentence on what the field does ("" out of range). */
const char *form_field_help(FormFieldId id);
/* true for the kinds edited as text (numbers, text, lists). */
bool form_field_kind_is_text(FormFieldKind kind);

/* The choices of a FORM_KIND_CHOICE field: how many, and each one's name
 * ("" out of range; 0 for a field that is not a choice). */
int form_field_choice_count(FormFieldId id);
const char *form_field_choice_name(FormFieldId id, int choice);

/* What the operator entered, field by field. */
typedef struct {
    bool on[FF_COUNT];            /* FORM_KIND_BOOL */
    int choice[FF_COUNT];         /* FORM_KIND_CHOICE */
    FormInput input[FF_COUNT];    /* text kinds */
    /* Not possible for this guest whatever the operator picks (pre-flight:
     * an assigned VF rules out post-copy): disabled, and left out of the
     * options. */
    bool unavailable[FF_COUNT];
} FormValues;

/* virtmig's defaults, from migrate_options_init(): live, p2p, persistent.
 * Returns 0, or -1 on allocation failure. */
int form_values_init(FormValues *values);
void form_values_clear(FormValues *values);   /* accepts NULL */

/* Whether a field applies given the others (its parent check box is on). */
bool form_field_enabled(const FormValues *values, FormFieldId id);
/* Whether one choice of a choice field is possible for this guest: the
 * post-copy choices (timeout action, ladder) are not when post-copy is
 * unavailable. Cycling skips such a choice. */
bool form_field_choice_available(const FormValues *values, FormFieldId id, int choice);

/* A parse problem of one field. */
typedef struct {
    bool bad;
    char message[320];   /* what is wrong and how to write it */
} FormParseError;

/* Builds options from the enabled fields (starting from migrate_options_init).
 * A field that does not parse is left unset in the options and described in
 * errors[id]. Returns the number of fields that did not parse, or -1 on
 * allocation failure (then *options is cleared). The caller clears *options. */
int form_values_build(const FormValues *values, MigrateOptions *options,
                      FormParseError errors[FF_COUNT]);

/* The form field where a validation problem about `option` is shown (the
 * first field of the table that stands for it); FF_COUNT for OPT_FIELD_NONE. */
FormFieldId form_field_for_option(OptionField option);

#endif
