/* Helpers shared by the pre-flight rule files: see preflight_rules_util.h. */
#include "preflight_rules_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void preflight_set_check(PreflightCheck *out, PreflightCheckId id, PreflightStatus status,
                         const char *fix, const char *why_format, ...)
{
    va_list args;
    out->id = id;
    out->status = status;
    va_start(args, why_format);
    vsnprintf(out->why, sizeof(out->why), why_format, args);
    va_end(args);
    snprintf(out->fix, sizeof(out->fix), "%s", fix ? fix : "");
}

/* snprintf for messages that may be cut (kept out of -Wformat-truncation's
 * sight on purpose: a long path shortening a hint is fine). */
void preflight_set_text(char *buffer, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(buffer, size, format, args);
    va_end(args);
}

const char *preflight_text_or(const char *text, const char *fallback)
{
    return text && *text ? text : fallback;
}

void preflight_version_text(char *buffer, size_t size, unsigned long version)
{
    if (version == 0)
        snprintf(buffer, size, "unknown");
    else
        snprintf(buffer, size, "%lu.%lu.%lu", version / 1000000, version / 1000 % 1000,
                 version % 1000);
}

bool preflight_is_offline(const MigrateOptions *options)
{
    return options && options->offline;
}

bool preflight_copies_storage(const MigrateOptions *options)
{
    return options && (options->copy_storage_all || options->copy_storage_inc);
}

/* Appends "; text" (or text) to a why line, cutting rather than overflowing. */
void preflight_append_note(char *buffer, size_t size, const char *format, ...)
{
    size_t used = strlen(buffer);
    if (used + 3 >= size)
        return;
    if (used > 0) {
        buffer[used++] = ';';
        buffer[used++] = ' ';
        buffer[used] = '\0';
    }
    va_list args;
    va_start(args, format);
    vsnprintf(buffer + used, size - used, format, args);
    va_end(args);
}

PreflightStatus preflight_worse(PreflightStatus a, PreflightStatus b)
{
    return a > b ? a : b;
}
