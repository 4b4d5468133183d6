/* The migration form's "Assistant ladder" choice: off, a built-in ladder of
 * the convergence assistant, or a custom one-line ladder. Pure (no curses, no
 * libvirt): the ladder is parsed and checked with the assistant's own code
 * (core/assistant.h), so the form refuses exactly what core would refuse.
 *
 * libvirt knows nothing of the ladder: virtmig runs it, so it adds nothing to
 * the options or to the virsh line, only a note under that line. */
#ifndef VIRTMIG_TUI_FORM_LADDER_H
#define VIRTMIG_TUI_FORM_LADDER_H

#include <stdbool.h>
#include <stddef.h>

#include "form_fields.h"

/* Choices of FF_ASSISTANT, in cycling order. */
enum {
    FORM_LADDER_OFF = 0,
    FORM_LADDER_MINIMAL_DOWNTIME,
    FORM_LADDER_POSTCOPY,
    FORM_LADDER_SUSPEND_IF_NEEDED,
    FORM_LADDER_CUSTOM,
    FORM_LADDER_CHOICE_COUNT
};

/* "off", "minimal-downtime", "post-copy", "suspend-if-needed", "custom"; ""
 * out of range. */
const char *form_ladder_choice_name(int choice);

/* What to hand core_request_migrate_assisted: NULL when the assistant is off
 * (or the field is disabled), a built-in name, or the custom text as typed.
 * Points into `values`. */
const char *form_ladder_text(const FormValues *values);

/* Parses the chosen ladder and checks it can run with post-copy on or off.
 * A problem is described in errors[FF_ASSISTANT_LADDER] for custom text, in
 * errors[FF_ASSISTANT] otherwise. Returns how many problems it recorded (0 or
 * 1). */
int form_ladder_validate(const FormValues *values, bool postcopy,
                         FormParseError errors[FF_COUNT]);

/* The note under the virsh line, "assistant: post-copy ladder (virtmig, not
 * libvirt)". Returns false (buf "") when the assistant is off. */
bool form_ladder_preview(const FormValues *values, char *buf, size_t size);

#endif
