/* The convergence assistant: an escalation ladder for a stalled migration.
 *
 * Pure: no libvirt, no clock. A ladder is a list of steps; each names an
 * action (raise max downtime, raise bandwidth, switch to post-copy, suspend
 * the guest, abort) and when it fires: after the remaining data's low-water
 * mark has not fallen for N memory iterations, counted from the later of the
 * last real progress and the previous step. Iterations, not wall time, because
 * a pass of a big dirty set takes longer than a pass of a small one, and
 * within one pass the remaining data is a saw-tooth that proves nothing: the
 * progress judgement is convergence.c's (new low, or a pass starting lower).
 *
 * The engine keeps an AssistantState per migration, calls assistant_evaluate
 * on every new job sample, carries out the action it returns through the
 * ordinary control path, then calls assistant_state_advance.
 *
 * Ladder text (one line, steps separated by ';'):
 *     downtime 500ms after 3          set max downtime (ms, or with s)
 *     downtime x2 upto 2s after 2     double it each time, up to the cap;
 *                                     repeats (after 2 more each time) until
 *                                     the cap is reached, then the ladder goes on
 *     bandwidth 200 after 3           set bandwidth in MiB/s (or "unlimited")
 *     postcopy after 2                needs a migration launched with post-copy
 *     suspend after 2                 pause the guest: it stops dirtying memory
 *                                     (only a ladder that names it may: choosing
 *                                     such a ladder is the operator's consent)
 *     abort after 5                   the guest keeps running on the source
 * "after N" counts iterations without a new low-water mark (1..1000). Nothing
 * may follow abort; steps after postcopy are skipped once post-copy runs (a
 * plain abort is not possible then). A step with nothing left to do (the
 * downtime is already that high) is skipped. Built-ins: assistant_builtin_*. */
#ifndef VIRTMIG_ASSISTANT_H
#define VIRTMIG_ASSISTANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convergence.h"
#include "job_stats.h"

#define ASSISTANT_MAX_STEPS 16
#define ASSISTANT_MAX_AFTER 1000u
#define ASSISTANT_TEXT 256

typedef enum {
    ASSIST_DOWNTIME_SET = 0,   /* value: ms */
    ASSIST_DOWNTIME_RAISE,     /* factor_percent, cap_ms; repeats until the cap */
    ASSIST_BANDWIDTH_SET,      /* value: MiB/s, 0 unlimited */
    ASSIST_POSTCOPY,
    ASSIST_SUSPEND,
    ASSIST_ABORT,
    ASSIST_ACTION_COUNT
} AssistantActionKind;

typedef struct {
    AssistantActionKind kind;
    uint64_t value;
    unsigned factor_percent;   /* ASSIST_DOWNTIME_RAISE: 200 means x2 */
    uint64_t cap_ms;           /* ASSIST_DOWNTIME_RAISE */
    unsigned after;            /* iterations without a new low-water mark */
} AssistantStep;

typedef struct {
    char name[32];             /* "post-copy", or "custom" */
    AssistantStep steps[ASSISTANT_MAX_STEPS];
    size_t step_count;
} AssistantLadder;

/* The built-in ladders, NULL-terminated: "minimal-downtime", "post-copy",
 * "suspend-if-needed". */
extern const char *const assistant_builtin_names[];
/* The ladder text of a built-in name, or NULL. */
const char *assistant_builtin_spec(const char *name);

/* Parses a built-in name or a custom ladder text. Returns 0, or -1 with a
 * message saying which step is wrong and how to write it. */
int assistant_ladder_parse(const char *name_or_spec, AssistantLadder *out, char *error,
                           size_t error_size);
/* The ladder as text, "post-copy: downtime 1000ms after 2; postcopy after 2". */
void assistant_ladder_format(const AssistantLadder *ladder, char *buf, size_t size);
/* One step in words, "raise max downtime x2 up to 2000 ms". */
void assistant_step_format(const AssistantStep *step, char *buf, size_t size);

/* Can this ladder run on a migration launched with/without post-copy? Returns
 * 0, or -1 with the reason and the fix. */
int assistant_ladder_check(const AssistantLadder *ladder, bool postcopy_enabled, char *error,
                           size_t error_size);

/* Where a migration is on its ladder. */
typedef struct {
    size_t next_step;              /* index of the step that fires next */
    size_t steps_taken;            /* actions fired so far */
    unsigned repeats;              /* times the current repeating step fired */
    uint64_t baseline_iteration;   /* iteration of the previous step (or of the start) */
    uint64_t downtime_ms;          /* max downtime in force as far as we know (0: default) */
    uint64_t bandwidth_mibs;       /* bandwidth in force (0: unlimited) */
    char last_step[ASSISTANT_TEXT];/* the step taken last, in words; "" none */
} AssistantState;

/* Starts (or restarts, for a replaced ladder) at the first step. The ladder
 * counts from `iteration` (the migration's current one). */
void assistant_state_init(AssistantState *state, uint64_t downtime_ms, uint64_t bandwidth_mibs,
                          uint64_t iteration);

typedef struct {
    bool fire;                     /* carry out `action` now */
    AssistantActionKind kind;
    uint64_t value;                /* ms for downtime, MiB/s for bandwidth */
    size_t step_index;             /* the step that fires (or waits) */
    char action[ASSISTANT_TEXT];   /* "raise max downtime to 600 ms" */
    char reason[ASSISTANT_TEXT];   /* the numbers behind the decision */
    char current[ASSISTANT_TEXT];  /* "step 1/2 taken: ..." or "no step taken yet" */
    char next[ASSISTANT_TEXT];     /* "next: switch to post-copy when remaining has not
                                      fallen for 2 more iterations" */
    uint64_t stalled_iterations;   /* iterations without progress, counted for the step */
} AssistantDecision;

/* Decides from the job history (oldest first) and the limits in force. The
 * state is only read. */
void assistant_evaluate(const AssistantLadder *ladder, const AssistantState *state,
                        const JobStats *history, size_t count, const ConvergenceLimits *limits,
                        AssistantDecision *decision);

/* Records that decision's action was carried out at `iteration`. */
void assistant_state_advance(AssistantState *state, const AssistantLadder *ladder,
                             const AssistantDecision *decision, uint64_t iteration);

const char *assistant_action_name(AssistantActionKind kind);   /* "postcopy" */

#endif
