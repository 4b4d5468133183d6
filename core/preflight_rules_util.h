/* Internal to the pre-flight rule files (preflight_rules*.c): building a
 * check's lines. Not for anything else. */
#ifndef VIRTMIG_PREFLIGHT_RULES_UTIL_H
#define VIRTMIG_PREFLIGHT_RULES_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "preflight_rules.h"

/* Fills a check: id, status, fix (NULL: none) and the formatted why. */
void preflight_set_check(PreflightCheck *out, PreflightCheckId id, PreflightStatus status,
                         const char *fix, const char *why_format, ...)
    __attribute__((format(printf, 5, 6)));
/* snprintf for messages that may be cut (out of -Wformat-truncation's sight on
 * purpose: a long path shortening a hint is fine). */
void preflight_set_text(char *buffer, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends "; text" (or text when empty), cutting rather than overflowing. */
void preflight_append_note(char *buffer, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* text, or fallback when text is NULL or empty. */
const char *preflight_text_or(const char *text, const char *fallback);
/* "9.0.0" from libvirt's encoding, "unknown" for 0. */
void preflight_version_text(char *buffer, size_t size, unsigned long version);
bool preflight_is_offline(const MigrateOptions *options);
bool preflight_copies_storage(const MigrateOptions *options);
PreflightStatus preflight_worse(PreflightStatus a, PreflightStatus b);

#endif
