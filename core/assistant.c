/* The convergence assistant's ladder policy: see assistant.h. */
#include "assistant.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

#define MAX_TOKENS 8
#define FACTOR_MIN_PERCENT 110u    /* x1.1: anything smaller hardly changes a thing */
#define FACTOR_MAX_PERCENT 1000u
#define DOWNTIME_MAX_MS 600000u    /* 10 min: beyond that it is an offline migration */

const char *const assistant_builtin_names[] = {
    "minimal-downtime", "post-copy", "suspend-if-needed", NULL,
};

/* Small steps first: each costs the guest only a longer pause; the ladder
 * gives up rather than pausing it for long. */
static const char *const builtin_specs[] = {
    "downtime x2 upto 2s after 2; abort after 3",
    "downtime 1s after 2; postcopy after 2",
    "downtime x2 upto 1s after 2; suspend after 2",
};

const char *assistant_builtin_spec(const char *name)
{
    for (size_t i = 0; name && assistant_builtin_names[i]; i++)
        if (strcasecmp(name, assistant_builtin_names[i]) == 0)
            return builtin_specs[i];
    return NULL;
}

const char *assistant_action_name(AssistantActionKind kind)
{
    static const char *const names[ASSIST_ACTION_COUNT] = {
        [ASSIST_DOWNTIME_SET] = "downtime",
        [ASSIST_DOWNTIME_RAISE] = "downtime",
        [ASSIST_BANDWIDTH_SET] = "bandwidth",
        [ASSIST_POSTCOPY] = "postcopy",
        [ASSIST_SUSPEND] = "suspend",
        [ASSIST_ABORT] = "abort",
    };
    return (unsigned)kind < ASSIST_ACTION_COUNT ? names[kind] : "unknown";
}

/* ---- parsing -------------------------------------------------------- */

static int fail(char *error, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *error, size_t size, const char *format, ...)
{
    if (error && size > 0) {
        va_list args;
        va_start(args, format);
        vsnprintf(error, size, format, args);
        va_end(args);
    }
    return -1;
}

static const char syntax_hint[] =
    "write steps like \"downtime 500ms after 3; downtime x2 upto 2s after 2; "
    "bandwidth 200 after 3; postcopy after 2; suspend after 2; abort after 5\", or a "
    "built-in: minimal-downtime, post-copy, suspend-if-needed";

static size_t split_words(char *text, char *words[], size_t max)
{
    size_t count = 0;
    for (char *save = NULL, *word = strtok_r(text, " \t", &save); word;
         word = strtok_r(NULL, " \t", &save)) {
        if (count == max)
            return max + 1;
        words[count++] = word;
    }
    return count;
}

static bool parse_count(const char *text, unsigned *out)
{
    char *end = NULL;
    errno = 0;
    if (!isdigit((unsigned char)text[0]))
        return false;
    unsigned long value = strtoul(text, &end, 10);
    if (errno || *end || value < 1 || value > ASSISTANT_MAX_AFTER)
        return false;
    *out = (unsigned)value;
    return true;
}

/* "x2", "x1.5" -> percent. */
static bool parse_factor(const char *text, unsigned *out)
{
    if (tolower((unsigned char)text[0]) != 'x' || !isdigit((unsigned char)text[1]))
        return false;
    char *end = NULL;
    double factor = strtod(text + 1, &end);
    if (*end || factor * 100.0 < FACTOR_MIN_PERCENT || factor * 100.0 > FACTOR_MAX_PERCENT)
        return false;
    *out = (unsigned)(factor * 100.0 + 0.5);
    return true;
}

static int parse_downtime_value(const char *text, uint64_t *ms, size_t number, char *error,
                                size_t size)
{
    char why[160];
    if (units_parse_duration(text, 1, 1, ms, why, sizeof(why)) < 0)
        return fail(error, size, "step %zu: downtime \"%s\": %s (e.g. 500ms or 2s)", number, text,
                    why);
    if (*ms == 0 || *ms > DOWNTIME_MAX_MS)
        return fail(error, size, "step %zu: downtime %s is out of range: give 1 ms to 10 min",
                    number, text);
    return 0;
}

/* words[0..count) without "after N": the action and its arguments. */
static int parse_action(char *words[], size_t count, AssistantStep *step, size_t number,
                        char *error, size_t size)
{
    const char *verb = words[0];
    if (strcasecmp(verb, "downtime") == 0) {
        if (count == 2 && tolower((unsigned char)words[1][0]) != 'x') {
            step->kind = ASSIST_DOWNTIME_SET;
            return parse_downtime_value(words[1], &step->value, number, error, size);
        }
        size_t cap_at = count == 4 ? 3 : count == 5 ? 4 : 0;
        bool upto = (count == 4 && strcasecmp(words[2], "upto") == 0) ||
                    (count == 5 && strcasecmp(words[2], "up") == 0 &&
                     strcasecmp(words[3], "to") == 0);
        if (cap_at && upto && tolower((unsigned char)words[1][0]) == 'x') {
            step->kind = ASSIST_DOWNTIME_RAISE;
            if (!parse_factor(words[1], &step->factor_percent))
                return fail(error, size, "step %zu: factor \"%s\" must read like x2 or x1.5 "
                            "(between x1.1 and x10)", number, words[1]);
            return parse_downtime_value(words[cap_at], &step->cap_ms, number, error, size);
        }
        return fail(error, size, "step %zu: write \"downtime 500ms after 3\" or \"downtime x2 "
                    "upto 2s after 2\"", number);
    }
    if (strcasecmp(verb, "bandwidth") == 0) {
        if (count != 2)
            return fail(error, size, "step %zu: write \"bandwidth 200 after 3\" (MiB/s, or "
                        "unlimited)", number);
        step->kind = ASSIST_BANDWIDTH_SET;
        if (strcasecmp(words[1], "unlimited") == 0) {
            step->value = 0;
            return 0;
        }
        char why[160];
        if (units_parse_size(words[1], UNITS_MIB, UNITS_MIB, &step->value, why, sizeof(why)) < 0)
            return fail(error, size, "step %zu: bandwidth \"%s\": %s", number, words[1], why);
        if (step->value == 0)
            return fail(error, size, "step %zu: a bandwidth of 0 stops the migration: write "
                        "\"unlimited\" to remove the cap", number);
        return 0;
    }
    static const struct { const char *word; AssistantActionKind kind; } bare[] = {
        { "postcopy", ASSIST_POSTCOPY }, { "post-copy", ASSIST_POSTCOPY },
        { "suspend", ASSIST_SUSPEND }, { "abort", ASSIST_ABORT },
    };
    for (size_t i = 0; i < sizeof(bare) / sizeof(bare[0]); i++) {
        if (strcasecmp(verb, bare[i].word) != 0)
            continue;
        if (count != 1)
            return fail(error, size, "step %zu: \"%s\" takes no value: write \"%s after 2\"",
                        number, verb, bare[i].word);
        step->kind = bare[i].kind;
        return 0;
    }
    return fail(error, size, "step %zu: unknown action \"%s\": %s", number, verb, syntax_hint);
}

static int parse_step(char *text, AssistantStep *step, size_t number, char *error, size_t size)
{
    char *words[MAX_TOKENS];
    size_t count = split_words(text, words, MAX_TOKENS);
    if (count == 0)
        return fail(error, size, "step %zu is empty: remove the extra ';'", number);
    if (count > MAX_TOKENS)
        return fail(error, size, "step %zu has too many words: %s", number, syntax_hint);
    /* An optional trailing "iteration(s)" reads naturally: "after 3 iterations". */
    if (count >= 3 && strncasecmp(words[count - 1], "iteration", 9) == 0)
        count--;
    if (count < 3 || strcasecmp(words[count - 2], "after") != 0)
        return fail(error, size, "step %zu (\"%s\"): say when it fires, e.g. \"%s after 2\" "
                    "(iterations without a new low of the remaining data)", number, words[0],
                    words[0]);
    if (!parse_count(words[count - 1], &step->after))
        return fail(error, size, "step %zu: \"after %s\" needs a whole number of iterations "
                    "from 1 to %u", number, words[count - 1], ASSISTANT_MAX_AFTER);
    return parse_action(words, count - 2, step, number, error, size);
}

static int parse_steps(const char *spec, AssistantLadder *out, char *error, size_t size)
{
    char *copy = strdup(spec);
    if (!copy)
        return fail(error, size, "out of memory parsing the ladder");
    int ret = -1;
    size_t number = 0;
    char *cursor = copy;
    for (;;) {
        char *semicolon = strchr(cursor, ';');
        if (semicolon)
            *semicolon = '\0';
        number++;
        /* A trailing ';' is harmless. */
        bool blank = strspn(cursor, " \t") == strlen(cursor);
        if (!(blank && !semicolon && number > 1)) {
            if (out->step_count == ASSISTANT_MAX_STEPS) {
                fail(error, size, "more than %d steps: shorten the ladder", ASSISTANT_MAX_STEPS);
                goto done;
            }
            AssistantStep *step = &out->steps[out->step_count];
            memset(step, 0, sizeof(*step));
            if (parse_step(cursor, step, number, error, size) < 0)
                goto done;
            if (out->step_count > 0) {
                AssistantActionKind before = out->steps[out->step_count - 1].kind;
                /* After post-copy, later steps stand by for a launch that
                 * could not switch; after abort nothing can happen. */
                if (before == ASSIST_ABORT) {
                    fail(error, size, "step %zu can never run: nothing may follow \"%s\"; "
                         "move it to the end", number, assistant_action_name(before));
                    goto done;
                }
            }
            out->step_count++;
        }
        if (!semicolon)
            break;
        cursor = semicolon + 1;
    }
    ret = 0;
 done:
    free(copy);
    return ret;
}

int assistant_ladder_parse(const char *name_or_spec, AssistantLadder *out, char *error,
                           size_t error_size)
{
    if (!out)
        return fail(error, error_size, "no ladder to fill (a program error)");
    memset(out, 0, sizeof(*out));
    if (!name_or_spec || strspn(name_or_spec, " \t") == strlen(name_or_spec))
        return fail(error, error_size, "the ladder is empty: %s", syntax_hint);
    /* A built-in name alone (surrounding blanks allowed), else ladder text. */
    char name[32];
    size_t start = strspn(name_or_spec, " \t");
    size_t length = strcspn(name_or_spec + start, " \t");
    bool alone = name_or_spec[start + length + strspn(name_or_spec + start + length, " \t")] ==
                 '\0';
    snprintf(name, sizeof(name), "%.*s", length < sizeof(name) ? (int)length : 0,
             name_or_spec + start);
    const char *builtin = alone ? assistant_builtin_spec(name) : NULL;
    int ret = parse_steps(builtin ? builtin : name_or_spec, out, error, error_size);
    if (ret < 0) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    if (builtin) {
        for (size_t i = 0; assistant_builtin_names[i]; i++)
            if (strcasecmp(name, assistant_builtin_names[i]) == 0)
                snprintf(out->name, sizeof(out->name), "%s", assistant_builtin_names[i]);
    } else {
        snprintf(out->name, sizeof(out->name), "custom");
    }
    return 0;
}

int assistant_ladder_check(const AssistantLadder *ladder, bool postcopy_enabled, char *error,
                           size_t error_size)
{
    if (!ladder || ladder->step_count == 0)
        return fail(error, error_size, "the ladder has no steps: %s", syntax_hint);
    for (size_t i = 0; i < ladder->step_count; i++) {
        if (ladder->steps[i].kind == ASSIST_POSTCOPY && !postcopy_enabled)
            return fail(error, error_size,
                        "step %zu switches to post-copy, but the migration was not launched "
                        "with post-copy: pick a ladder without it (minimal-downtime, "
                        "suspend-if-needed) or launch again with post-copy allowed", i + 1);
    }
    return 0;
}

/* ---- formatting ----------------------------------------------------- */

static void format_ms(char *buf, size_t size, uint64_t ms)
{
    if (ms >= 1000 && ms % 1000 == 0)
        snprintf(buf, size, "%" PRIu64 "s", ms / 1000);
    else
        snprintf(buf, size, "%" PRIu64 "ms", ms);
}

/* The step as ladder text (parses back to the same step). */
static void step_spec(const AssistantStep *step, char *buf, size_t size)
{
    char a[32], b[32];
    switch (step->kind) {
    case ASSIST_DOWNTIME_SET:
        format_ms(a, sizeof(a), step->value);
        snprintf(buf, size, "downtime %s after %u", a, step->after);
        break;
    case ASSIST_DOWNTIME_RAISE:
        format_ms(b, sizeof(b), step->cap_ms);
        if (step->factor_percent % 100 == 0)
            snprintf(a, sizeof(a), "x%u", step->factor_percent / 100);
        else
            snprintf(a, sizeof(a), "x%u.%02u", step->factor_percent / 100,
                     step->factor_percent % 100);
        snprintf(buf, size, "downtime %s upto %s after %u", a, b, step->after);
        break;
    case ASSIST_BANDWIDTH_SET:
        if (step->value == 0)
            snprintf(buf, size, "bandwidth unlimited after %u", step->after);
        else
            snprintf(buf, size, "bandwidth %" PRIu64 " after %u", step->value, step->after);
        break;
    default:
        snprintf(buf, size, "%s after %u", assistant_action_name(step->kind), step->after);
        break;
    }
}

void assistant_ladder_format(const AssistantLadder *ladder, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    buf[0] = '\0';
    if (!ladder)
        return;
    size_t used = (size_t)snprintf(buf, size, "%s:", ladder->name);
    for (size_t i = 0; i < ladder->step_count && used < size; i++) {
        char step[96];
        step_spec(&ladder->steps[i], step, sizeof(step));
        used += (size_t)snprintf(buf + used, size - used, "%s %s", i ? ";" : "", step);
    }
}

void assistant_step_format(const AssistantStep *step, char *buf, size_t size)
{
    char a[UNITS_BUF];
    if (!buf || size == 0)
        return;
    if (!step) {
        buf[0] = '\0';
        return;
    }
    switch (step->kind) {
    case ASSIST_DOWNTIME_SET:
        snprintf(buf, size, "raise max downtime to %s",
                 units_format_duration_ms(a, sizeof(a), step->value));
        break;
    case ASSIST_DOWNTIME_RAISE:
        if (step->factor_percent % 100 == 0)
            snprintf(buf, size, "raise max downtime x%u up to %s", step->factor_percent / 100,
                     units_format_duration_ms(a, sizeof(a), step->cap_ms));
        else
            snprintf(buf, size, "raise max downtime x%u.%02u up to %s", step->factor_percent / 100,
                     step->factor_percent % 100,
                     units_format_duration_ms(a, sizeof(a), step->cap_ms));
        break;
    case ASSIST_BANDWIDTH_SET:
        if (step->value == 0)
            snprintf(buf, size, "remove the bandwidth cap");
        else
            snprintf(buf, size, "raise bandwidth to %" PRIu64 " MiB/s", step->value);
        break;
    case ASSIST_POSTCOPY:
        snprintf(buf, size, "switch to post-copy");
        break;
    case ASSIST_SUSPEND:
        snprintf(buf, size, "suspend the guest");
        break;
    case ASSIST_ABORT:
        snprintf(buf, size, "abort (the guest stays on the source)");
        break;
    default:
        snprintf(buf, size, "unknown step");
        break;
    }
}

/* ---- evaluation ----------------------------------------------------- */

void assistant_state_init(AssistantState *state, uint64_t downtime_ms, uint64_t bandwidth_mibs,
                          uint64_t iteration)
{
    if (!state)
        return;
    memset(state, 0, sizeof(*state));
    state->downtime_ms = downtime_ms;
    state->bandwidth_mibs = bandwidth_mibs;
    state->baseline_iteration = iteration;
}

static uint64_t downtime_in_force(const AssistantState *state)
{
    return state->downtime_ms ? state->downtime_ms : CONVERGENCE_DEFAULT_MAX_DOWNTIME_MS;
}

/* What the step would set now; false when it has nothing left to do (the
 * downtime is already there, the cap is reached, post-copy is not possible). */
static bool step_target(const AssistantStep *step, const AssistantState *state,
                        const ConvergenceLimits *limits, uint64_t *value)
{
    uint64_t downtime = downtime_in_force(state);
    switch (step->kind) {
    case ASSIST_DOWNTIME_SET:
        *value = step->value;
        return step->value > downtime;
    case ASSIST_DOWNTIME_RAISE: {
        uint64_t raised = downtime * step->factor_percent / 100;
        *value = raised < step->cap_ms ? raised : step->cap_ms;
        return *value > downtime;
    }
    case ASSIST_BANDWIDTH_SET:
        *value = step->value;
        /* Raising only: lowering a cap never helps a stalled migration. */
        return state->bandwidth_mibs != 0 && (step->value == 0 || step->value > state->bandwidth_mibs);
    case ASSIST_POSTCOPY:
        *value = 0;
        return limits->postcopy_enabled && !limits->postcopy_active;
    case ASSIST_SUSPEND:
    case ASSIST_ABORT:
        *value = 0;
        return !limits->postcopy_active;
    default:
        return false;
    }
}

static void action_text(const AssistantStep *step, uint64_t value, char *buf, size_t size)
{
    char a[UNITS_BUF];
    if (step->kind == ASSIST_DOWNTIME_SET || step->kind == ASSIST_DOWNTIME_RAISE)
        snprintf(buf, size, "raise max downtime to %s",
                 units_format_duration_ms(a, sizeof(a), value));
    else
        assistant_step_format(step, buf, size);
}

static bool is_active(const JobStats *sample)
{
    return sample->type == JOB_TYPE_BOUNDED || sample->type == JOB_TYPE_UNBOUNDED;
}

static bool moved_data(const JobStats *sample)
{
    return (job_stats_has(sample, JS_MEM_PROCESSED) && sample->mem_processed > 0) ||
           (job_stats_has(sample, JS_DATA_PROCESSED) && sample->data_processed > 0);
}

void assistant_evaluate(const AssistantLadder *ladder, const AssistantState *state,
                        const JobStats *history, size_t count, const ConvergenceLimits *limits,
                        AssistantDecision *decision)
{
    static const ConvergenceLimits no_limits = { 0 };
    if (!decision)
        return;
    memset(decision, 0, sizeof(*decision));
    if (!ladder || !state)
        return;
    if (!limits)
        limits = &no_limits;

    if (state->steps_taken == 0)
        snprintf(decision->current, sizeof(decision->current), "no step taken yet");
    else
        snprintf(decision->current, sizeof(decision->current), "%zu step%s taken, last: %.200s",
                 state->steps_taken, state->steps_taken == 1 ? "" : "s", state->last_step);

    /* Skip the steps with nothing left to do: the ladder goes on to the next. */
    size_t index = state->next_step;
    uint64_t value = 0;
    while (index < ladder->step_count &&
           !step_target(&ladder->steps[index], state, limits, &value))
        index++;
    decision->step_index = index;
    if (index >= ladder->step_count) {
        snprintf(decision->next, sizeof(decision->next), "next: nothing, the ladder is done");
        return;
    }
    const AssistantStep *step = &ladder->steps[index];
    char action[96];
    action_text(step, value, action, sizeof(action));
    decision->kind = step->kind;
    decision->value = value;
    snprintf(decision->action, sizeof(decision->action), "%s", action);

    if (!history || count == 0 || !is_active(&history[count - 1])) {
        snprintf(decision->next, sizeof(decision->next),
                 "next: %.96s when remaining has not fallen for %u iterations (waiting for the job)",
                 action, step->after);
        return;
    }
    /* Samples from before the job moved anything (QEMU still setting up:
     * remaining 0, iteration 0) would pose as a low-water mark of 0 B that
     * no later pass can beat; the analysis starts at the first real one. */
    size_t first = 0;
    while (first + 1 < count && !moved_data(&history[first]))
        first++;
    ConvergenceReport report;
    convergence_analyze(history + first, count - first, limits, &report);
    if (report.state == CONV_POSTCOPY || report.state == CONV_DONE ||
        report.state == CONV_FAILED || report.state == CONV_CANCELLED) {
        snprintf(decision->next, sizeof(decision->next), "next: nothing, the migration is %s",
                 convergence_state_name(report.state));
        return;
    }
    /* Pass 1 copies all of memory: its falling remainder says nothing about
     * convergence, so nothing is counted before the dirty-set passes. */
    if (report.iteration < 2 || !report.low_water_known) {
        snprintf(decision->next, sizeof(decision->next),
                 "next: %.96s when remaining has not fallen for %u iterations (first pass: "
                 "nothing counted yet)", action, step->after);
        return;
    }
    /* Counting starts at the end of pass 2 at the earliest: pass 1 holds all
     * of memory, pass 2 is the first whose size tells the dirty set. */
    uint64_t since = report.low_water_iteration > state->baseline_iteration
                         ? report.low_water_iteration : state->baseline_iteration;
    if (since < 2)
        since = 2;
    uint64_t stalled = report.iteration > since ? report.iteration - since : 0;
    decision->stalled_iterations = stalled;
    char low[UNITS_BUF];
    units_format_bytes(low, sizeof(low), report.low_water_bytes);

    if (report.state == CONV_SWITCHING_OVER || stalled < step->after) {
        uint64_t more = step->after - (stalled < step->after ? stalled : step->after);
        if (report.state == CONV_SWITCHING_OVER)
            more = step->after;
        snprintf(decision->next, sizeof(decision->next),
                 "next: %.96s when remaining has not fallen for %" PRIu64 " more iteration%s "
                 "(low-water mark %s)", action, more, more == 1 ? "" : "s", low);
        return;
    }

    decision->fire = true;
    char rate[UNITS_BUF], dirty[UNITS_BUF];
    if (report.transfer_rate_known)
        units_format_rate(rate, sizeof(rate), report.transfer_bytes_per_s);
    else
        snprintf(rate, sizeof(rate), "?");
    if (report.dirty_rate_known)
        units_format_rate(dirty, sizeof(dirty), report.dirty_bytes_per_s);
    else
        snprintf(dirty, sizeof(dirty), "?");
    snprintf(decision->reason, sizeof(decision->reason),
             "step %zu (%s after %u): low-water mark %s not lowered for %" PRIu64
             " iterations (now iteration %" PRIu64 "); dirty %s, link %s",
             index + 1, assistant_action_name(step->kind), step->after, low, stalled,
             report.iteration, dirty, rate);
    snprintf(decision->next, sizeof(decision->next), "now: %.200s", action);
}

void assistant_state_advance(AssistantState *state, const AssistantLadder *ladder,
                             const AssistantDecision *decision, uint64_t iteration)
{
    if (!state || !ladder || !decision || !decision->fire ||
        decision->step_index >= ladder->step_count)
        return;
    const AssistantStep *step = &ladder->steps[decision->step_index];
    state->steps_taken++;
    state->baseline_iteration = iteration;
    snprintf(state->last_step, sizeof(state->last_step), "%s", decision->action);
    switch (step->kind) {
    case ASSIST_DOWNTIME_SET:
    case ASSIST_DOWNTIME_RAISE:
        state->downtime_ms = decision->value;
        break;
    case ASSIST_BANDWIDTH_SET:
        state->bandwidth_mibs = decision->value;
        break;
    default:
        break;
    }
    /* A raising step stays current until its cap; the rest fire once. */
    if (step->kind == ASSIST_DOWNTIME_RAISE && decision->value < step->cap_ms) {
        state->next_step = decision->step_index;
        state->repeats++;
    } else {
        state->next_step = decision->step_index + 1;
        state->repeats = 0;
    }
}
