/* Internal to migrate_options*.c: the list validation fills, and the checks
 * that live in their own file. Not for front ends (they use migrate_options.h). */
#ifndef VIRTMIG_MIGRATE_OPTIONS_RULES_H
#define VIRTMIG_MIGRATE_OPTIONS_RULES_H

#include <stddef.h>

#include "migrate_options.h"

typedef struct {
    OptionProblem *problems;   /* caller's array, may be NULL when max is 0 */
    size_t max;
    size_t count;              /* all problems found, even those beyond max */
} ProblemList;

/* Records one problem (kept when there is room, counted always). The message
 * says what is wrong and how to fix it; it is cut to fit OptionProblem.message. */
void migrate_options_problem_add(ProblemList *list, OptionField field, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a problem per option the source's libvirt `version` lacks (0: unknown,
 * nothing checked). In migrate_options.c, next to the version table. */
void migrate_options_check_versions(const MigrateOptions *options, unsigned long version,
                                    ProblemList *list);

#endif
