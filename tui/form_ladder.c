/* The form's assistant ladder choice: see form_ladder.h. */
#include "form_ladder.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "assistant.h"

static const char *const CHOICES[FORM_LADDER_CHOICE_COUNT] = {
    [FORM_LADDER_OFF] = "off",
    [FORM_LADDER_MINIMAL_DOWNTIME] = "minimal-downtime",
    [FORM_LADDER_POSTCOPY] = "post-copy",
    [FORM_LADDER_SUSPEND_IF_NEEDED] = "suspend-if-needed",
    [FORM_LADDER_CUSTOM] = "custom",
};

const char *form_ladder_choice_name(int choice)
{
    if (choice < 0 || choice >= FORM_LADDER_CHOICE_COUNT)
        return "";
    return CHOICES[choice];
}

static int chosen(const FormValues *values)
{
    if (!values || !form_field_enabled(values, FF_ASSISTANT))
        return FORM_LADDER_OFF;
    int choice = values->choice[FF_ASSISTANT];
    return choice > FORM_LADDER_OFF && choice < FORM_LADDER_CHOICE_COUNT ? choice
                                                                          : FORM_LADDER_OFF;
}

const char *form_ladder_text(const FormValues *values)
{
    int choice = chosen(values);
    if (choice == FORM_LADDER_OFF)
        return NULL;
    if (choice == FORM_LADDER_CUSTOM)
        return form_input_text(&values->input[FF_ASSISTANT_LADDER]);
    return CHOICES[choice];
}

static bool blank(const char *text)
{
    for (; *text; text++) {
        if (!isspace((unsigned char)*text))
            return false;
    }
    return true;
}

int form_ladder_validate(const FormValues *values, bool postcopy,
                         FormParseError errors[FF_COUNT])
{
    const char *text = form_ladder_text(values);
    if (!text)
        return 0;
    bool custom = chosen(values) == FORM_LADDER_CUSTOM;
    FormParseError *error = &errors[custom ? FF_ASSISTANT_LADDER : FF_ASSISTANT];
    const char *label = form_field_info(custom ? FF_ASSISTANT_LADDER : FF_ASSISTANT)->label;
    if (blank(text)) {
        error->bad = true;
        snprintf(error->message, sizeof(error->message),
                 "%s: empty; type steps separated by ';', e.g. \"downtime 500ms after 3; "
                 "postcopy after 2\"", label);
        return 1;
    }
    AssistantLadder ladder;
    char why[256];   /* leaves room for the label in the message */
    if (assistant_ladder_parse(text, &ladder, why, sizeof(why)) < 0) {
        error->bad = true;
        snprintf(error->message, sizeof(error->message), "%s: %s", label, why);
        return 1;
    }
    if (assistant_ladder_check(&ladder, postcopy, why, sizeof(why)) == 0)
        return 0;
    error->bad = true;
    if (values->unavailable[FF_POSTCOPY])
        /* The assistant's fix (allow post-copy) is impossible for this guest. */
        snprintf(error->message, sizeof(error->message),
                 "%s: the ladder switches to post-copy, which this guest cannot do "
                 "(pre-flight: an assigned PCI device); pick minimal-downtime or "
                 "suspend-if-needed", label);
    else
        snprintf(error->message, sizeof(error->message), "%s: %s", label, why);
    return 1;
}

bool form_ladder_preview(const FormValues *values, char *buf, size_t size)
{
    if (size == 0)
        return false;
    buf[0] = '\0';
    int choice = chosen(values);
    if (choice == FORM_LADDER_OFF)
        return false;
    const char *custom = form_input_text(&values->input[FF_ASSISTANT_LADDER]);
    if (choice == FORM_LADDER_CUSTOM && blank(custom))
        snprintf(buf, size, "assistant: custom ladder, no steps typed yet (virtmig, not "
                 "libvirt)");
    else if (choice == FORM_LADDER_CUSTOM)
        snprintf(buf, size, "assistant: custom ladder \"%s\" (virtmig, not libvirt)", custom);
    else
        snprintf(buf, size, "assistant: %s ladder (virtmig, not libvirt)", CHOICES[choice]);
    return true;
}
