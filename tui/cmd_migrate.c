/* `virtmig migrate DOMAIN --from HOST --to HOST [options]`, headless.
 *
 * Like `virsh migrate --verbose`: the engine runs the migration on its own
 * thread; this loop sleeps in poll() on the engine's wake descriptor and a
 * self-pipe fed by SIGINT/SIGTERM, prints a progress line about once a
 * second, and turns the first Ctrl-C into an abort request. A second Ctrl-C
 * stops waiting (core_free() then leaves a peer-to-peer migration to libvirt
 * and aborts a client-managed one). */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_migrate_report.h"

#define MAX_PROBLEMS 32
#define PROGRESS_PERIOD_MS 1000u
/* The engine publishes a launched migration right away; if it does not show
 * up within this long something is wrong, and waiting forever would hide it. */
#define MIGRATION_APPEAR_MS 5000u

static uint64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

/* ---- before the engine exists ---------------------------------------- */

static void print_problems(FILE *err, const OptionProblem *problems, size_t shown, size_t total)
{
    for (size_t i = 0; i < shown; i++) {
        const char *option = migrate_option_field_name(problems[i].field);
        /* Name the option unless the message already does. */
        if (option && option[0] && !strstr(problems[i].message, option))
            fprintf(err, "virtmig migrate: %s: %s\n", option, problems[i].message);
        else
            fprintf(err, "virtmig migrate: %s\n", problems[i].message);
    }
    if (total > shown)
        fprintf(err, "virtmig migrate: ... and %zu more problems\n", total - shown);
}

static bool looks_like_uuid(const char *text)
{
    if (strlen(text) != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !strchr("0123456789abcdefABCDEF", text[i]))
            return false;
    }
    return true;
}

static int resolve_host(const HostsConf *hosts, const char *wanted, const char *option,
                        size_t *index, FILE *err)
{
    for (size_t i = 0; i < hosts->host_count; i++) {
        if (strcmp(hosts->hosts[i].name, wanted) == 0) {
            *index = i;
            return 0;
        }
    }
    for (size_t i = 0; i < hosts->host_count; i++) {
        if (strcmp(hosts->hosts[i].uri, wanted) == 0) {
            *index = i;
            return 0;
        }
    }
    fprintf(err, "virtmig migrate: %s '%s': no such host: give one of", option, wanted);
    for (size_t i = 0; i < hosts->host_count; i++)
        fprintf(err, "%s %s", i ? "," : "", hosts->hosts[i].name);
    fprintf(err, " (a name or its URI; add hosts with -c URI, --hosts FILE or --lab)\n");
    return -1;
}

int cmd_migrate_prepare(const CliArgs *args, const HostsConf *hosts, size_t *source,
                        size_t *dest, const CmdStreams *streams)
{
    OptionProblem problems[MAX_PROBLEMS];
    /* What is known before connecting: the name. The engine validates again
     * with the domain's real state and the source's libvirt version. */
    MigrateContext context = {
        .domain_name = looks_like_uuid(args->domain) ? NULL : args->domain,
    };
    size_t total = migrate_options_validate(&args->migrate.options, &context, problems,
                                            MAX_PROBLEMS);
    bool bad = total > 0;
    print_problems(streams->err, problems, total < MAX_PROBLEMS ? total : MAX_PROBLEMS, total);

    if (resolve_host(hosts, args->from_host, "--from", source, streams->err) < 0)
        bad = true;
    else if (resolve_host(hosts, args->to_host, "--to", dest, streams->err) < 0)
        bad = true;
    else if (*source == *dest) {
        fprintf(streams->err, "virtmig migrate: --from '%s' and --to '%s' are the same host "
                "(%s): the destination must be another host\n", args->from_host,
                args->to_host, hosts->hosts[*source].uri);
        bad = true;
    }
    return bad ? CMD_EXIT_USAGE : CMD_EXIT_OK;
}

/* ---- Ctrl-C ----------------------------------------------------------- */

static int interrupt_pipe[2] = { -1, -1 };

static void on_interrupt(int signo)
{
    int saved = errno;
    char byte = (char)signo;
    if (write(interrupt_pipe[1], &byte, 1) < 0) {
        /* Full pipe: an interrupt is already pending, which is all we need. */
    }
    errno = saved;
}

typedef struct {
    struct sigaction old_int, old_term;
    bool installed;
} InterruptGuard;

static int interrupt_install(InterruptGuard *guard)
{
    struct sigaction action;
    memset(guard, 0, sizeof(*guard));
    if (pipe2(interrupt_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return -1;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &guard->old_int);
    sigaction(SIGTERM, &action, &guard->old_term);
    guard->installed = true;
    return 0;
}

static void interrupt_remove(InterruptGuard *guard)
{
    if (!guard->installed)
        return;
    sigaction(SIGINT, &guard->old_int, NULL);
    sigaction(SIGTERM, &guard->old_term, NULL);
    close(interrupt_pipe[0]);
    close(interrupt_pipe[1]);
    interrupt_pipe[0] = interrupt_pipe[1] = -1;
    guard->installed = false;
}

static size_t interrupt_take(void)
{
    char bytes[16];
    size_t count = 0;
    ssize_t got;
    while ((got = read(interrupt_pipe[0], bytes, sizeof(bytes))) > 0)
        count += (size_t)got;
    return count;
}

/* ---- the run ---------------------------------------------------------- */

static bool host_ready(const CoreSnapshot *snapshot, size_t index, const char *role, FILE *err)
{
    const HostView *host = &snapshot->hosts[index];
    if (host->state == HOST_CONNECTED)
        return true;
    fprintf(err, "virtmig migrate: the %s host %s (%s) is %s: %s\n", role, host->name,
            host->uri, host_conn_state_name(host->state),
            host->error ? host->error
                        : "still connecting: try a longer --wait or check the host");
    return false;
}

static void list_domains(const CoreSnapshot *snapshot, size_t host, FILE *err)
{
    size_t shown = 0;
    for (size_t i = 0; i < snapshot->domain_count; i++) {
        if (snapshot->domains[i].host_index != host)
            continue;
        fprintf(err, "%s %s", shown++ ? "," : " domains there:", snapshot->domains[i].name);
    }
    fputs(shown ? "\n" : " it has no domains\n", err);
}

/* How print_messages() treats messages not printed yet. */
typedef enum {
    MESSAGES_HOLD_RECENT,     /* print those a couple of seconds old */
    MESSAGES_FINISHED,        /* the migration ended: drop what is still held */
} MessageFlush;

#define MESSAGE_HOLD_S 2

/* Prints the engine's warnings and errors (a refused control, a lost host)
 * once each, in order, a little late. Messages still held when the
 * migration ends are dropped: the engine's report of the outcome repeats
 * what the outcome line says anyway, and a job-statistics read that raced
 * with the guest leaving the source is noise once the migration completed. */
static void print_messages(const CoreSnapshot *snapshot, uint64_t *printed_seq,
                           MessageFlush flush, FILE *err)
{
    time_t now = time(NULL);
    for (size_t i = 0; i < snapshot->message_count; i++) {
        const CoreMessage *message = &snapshot->messages[i];
        if (message->seq <= *printed_seq)
            continue;
        if (flush == MESSAGES_HOLD_RECENT && now - message->at < MESSAGE_HOLD_S)
            break;   /* keep the order: later ones wait too */
        *printed_seq = message->seq;
        /* The assistant's steps are what --assistant asked to see. */
        bool assistant = strncmp(message->text, "assistant: ", 11) == 0;
        if ((message->level == MESSAGE_INFO && !assistant) || flush == MESSAGES_FINISHED)
            continue;
        fprintf(err, "virtmig: %s\n", message->text);
    }
}

static uint64_t newest_seq(const CoreSnapshot *snapshot)
{
    return snapshot->message_count ? snapshot->messages[snapshot->message_count - 1].seq : 0;
}

typedef struct {
    Core *core;
    const CliArgs *args;
    const CmdStreams *streams;
    MigrateReport *report;
    unsigned id;
    uint64_t launched_ms, last_progress_ms;
    uint64_t last_sample_ms;      /* sampled_at_ms of the last job sample printed */
    uint64_t printed_seq;         /* engine messages up to this one are dealt with */
    MigrationPhase last_phase;
    bool interrupted;             /* a Ctrl-C came: the next one stops waiting */
    bool abort_requested, postcopy_requested;
    /* Stopping: a queued abort request dies with the engine, so we give it
     * until stop_deadline_ms to reach libvirt before leaving. */
    bool stopping;
    uint64_t stop_deadline_ms;
} MigrateRun;

#define ABORT_GRACE_MS 3000u

static void request_abort(MigrateRun *run, const MigrationView *migration)
{
    char *error = NULL;
    FILE *err = run->streams->err;
    if (!migration || migration_phase_finished(migration->phase))
        return;
    if (core_request_abort(run->core, run->id, false, &error) < 0) {
        fprintf(err, "virtmig migrate: cannot abort: %s; press Ctrl-C again to stop "
                "waiting\n", error ? error : "refused");
        free(error);
        return;
    }
    run->abort_requested = true;
    fprintf(err, "virtmig migrate: abort requested; press Ctrl-C again to stop waiting "
            "(a peer-to-peer migration then goes on without virtmig)\n");
    fflush(err);
}

/* virsh's --postcopy-after-precopy: switch once the first pass is over,
 * which is when the iteration counter reaches 2. */
static void maybe_switch_to_postcopy(MigrateRun *run, const MigrationView *migration)
{
    char *error = NULL;
    if (!run->args->migrate.postcopy_after_precopy || run->postcopy_requested ||
        run->abort_requested || migration->phase != MIGRATION_RUNNING ||
        !job_stats_has(&migration->last, JS_MEM_ITERATION) || migration->last.mem_iteration < 2)
        return;
    run->postcopy_requested = true;
    if (core_request_postcopy(run->core, run->id, &error) < 0) {
        fprintf(run->streams->err, "virtmig migrate: cannot switch to post-copy: %s\n",
                error ? error : "refused");
        free(error);
        return;
    }
    migrate_report_note(run->report, "switching to post-copy after the first pass");
}

/* One look at the published state. Returns -1 to keep waiting, else the
 * exit status. */
static int step(MigrateRun *run, size_t interrupts)
{
    CoreSnapshot snapshot;
    int status = -1;
    uint64_t now = monotonic_ms();

    if (core_snapshot(run->core, &snapshot) < 0) {
        fprintf(run->streams->err, "virtmig migrate: out of memory\n");
        return CMD_EXIT_FAILED;
    }
    const MigrationView *migration = core_snapshot_find_migration(&snapshot, run->id);
    bool finished = migration && migration_phase_finished(migration->phase);
    print_messages(&snapshot, &run->printed_seq,
                   finished ? MESSAGES_FINISHED : MESSAGES_HOLD_RECENT,
                   run->streams->err);

    bool stop_now = interrupts > 1 || (interrupts > 0 && (run->interrupted || !migration));
    if (interrupts > 0 && migration && !finished && !run->interrupted) {
        run->interrupted = true;
        request_abort(run, migration);
    }
    if (stop_now && !run->stopping && run->abort_requested && migration && !finished) {
        run->stopping = true;
        run->stop_deadline_ms = now + ABORT_GRACE_MS;
        fprintf(run->streams->err, "virtmig migrate: stopping: giving the abort request up to "
                "%u s to reach libvirt\n", ABORT_GRACE_MS / 1000);
    } else if (stop_now) {   /* nothing to give time to, or Ctrl-C during the grace */
        run->stopping = true;
        run->stop_deadline_ms = now;
    }

    if (run->stopping && finished) {
        migrate_report_outcome(run->report, &snapshot, migration);
        status = migration->phase == MIGRATION_COMPLETED ? CMD_EXIT_OK : CMD_EXIT_FAILED;
    } else if (run->stopping) {
        if (now >= run->stop_deadline_ms) {
            fprintf(run->streams->err, "virtmig migrate: stopped waiting for migration %u\n",
                    run->id);
            status = CMD_EXIT_INTERRUPT;
        }
    } else if (!migration) {
        if (now - run->launched_ms > MIGRATION_APPEAR_MS) {
            fprintf(run->streams->err, "virtmig migrate: migration %u never appeared in the "
                    "engine's state\n", run->id);
            status = CMD_EXIT_FAILED;
        }
    } else if (migration_phase_finished(migration->phase)) {
        migrate_report_outcome(run->report, &snapshot, migration);
        status = migration->phase == MIGRATION_COMPLETED ? CMD_EXIT_OK : CMD_EXIT_FAILED;
    } else {
        maybe_switch_to_postcopy(run, migration);
        /* A line per phase change, and one per new job sample at most
         * once a second: the same sample twice says nothing new. */
        bool job_running = migration->last.type == JOB_TYPE_BOUNDED ||
                           migration->last.type == JOB_TYPE_UNBOUNDED;
        bool new_sample = job_running && migration->last.sampled_at_ms != run->last_sample_ms &&
                          now - run->last_progress_ms >= PROGRESS_PERIOD_MS;
        if (migration->phase != run->last_phase || new_sample) {
            migrate_report_progress(run->report, migration, now);
            run->last_progress_ms = now;
            run->last_phase = migration->phase;
            run->last_sample_ms = migration->last.sampled_at_ms;
        }
    }
    core_snapshot_clear(&snapshot);
    return status;
}

static int watch(MigrateRun *run)
{
    InterruptGuard guard;
    int status = -1;
    if (interrupt_install(&guard) < 0) {
        fprintf(run->streams->err, "virtmig migrate: cannot watch for Ctrl-C: %s\n",
                strerror(errno));
        return CMD_EXIT_FAILED;
    }
    struct pollfd fds[2] = {
        { .fd = core_wake_fd(run->core), .events = POLLIN },
        { .fd = interrupt_pipe[0], .events = POLLIN },
    };
    while (status < 0) {
        uint64_t since = monotonic_ms() - run->last_progress_ms;
        int timeout = since >= PROGRESS_PERIOD_MS ? 0 : (int)(PROGRESS_PERIOD_MS - since);
        if (poll(fds, 2, timeout) > 0 && (fds[0].revents & POLLIN))
            core_wake_drain(run->core);
        status = step(run, interrupt_take());
    }
    interrupt_remove(&guard);
    return status;
}

int cmd_migrate(Core *core, const CliArgs *args, size_t source, size_t dest,
                const CmdStreams *streams)
{
    CoreSnapshot snapshot;
    const size_t wanted[2] = { source, dest };
    OptionProblem problems[MAX_PROBLEMS];
    size_t problem_count = 0;
    int status = CMD_EXIT_FAILED;
    MigrateReport *report = NULL;

    if (cmd_wait_hosts(core, wanted, 2, args->wait_s, &snapshot, streams->err) < 0) {
        fprintf(streams->err, "virtmig migrate: out of memory\n");
        return CMD_EXIT_FAILED;
    }
    if (!host_ready(&snapshot, source, "source", streams->err) ||
        !host_ready(&snapshot, dest, "destination", streams->err))
        goto cleanup;

    const DomainView *domain = core_snapshot_find_domain(&snapshot, source, args->domain);
    if (!domain) {
        const HostView *host = &snapshot.hosts[source];
        fprintf(streams->err, "virtmig migrate: no domain '%s' on %s:", args->domain,
                host->name);
        list_domains(&snapshot, source, streams->err);
        if (core_snapshot_find_domain(&snapshot, dest, args->domain))
            fprintf(streams->err, "virtmig migrate: '%s' is on %s already\n", args->domain,
                    snapshot.hosts[dest].name);
        status = CMD_EXIT_USAGE;
        goto cleanup;
    }

    if (args->preflight) {
        status = cmd_preflight(core, source, domain->uuid, dest, &args->migrate.options,
                               args->json, streams);
        if (status != CMD_EXIT_OK)
            goto cleanup;
        status = CMD_EXIT_FAILED;
    }

    report = migrate_report_new(streams, args->json, args->migrate.postcopy_after_precopy);
    if (!report) {
        fprintf(streams->err, "virtmig migrate: out of memory\n");
        goto cleanup;
    }
    if (migrate_report_virsh_line(report, &args->migrate.options, domain->name,
                                  snapshot.hosts[source].uri, snapshot.hosts[dest].uri) < 0)
        goto cleanup;

    int id = core_request_migrate_assisted(core, source, domain->uuid, dest,
                                           &args->migrate.options, args->migrate.assistant,
                                           problems, MAX_PROBLEMS, &problem_count);
    if (id <= 0) {
        if (problem_count > 0) {
            print_problems(streams->err, problems,
                           problem_count < MAX_PROBLEMS ? problem_count : MAX_PROBLEMS,
                           problem_count);
            status = CMD_EXIT_USAGE;
        } else {
            fprintf(streams->err, "virtmig migrate: the engine did not start the migration "
                    "of %s\n", domain->name);
        }
        goto cleanup;
    }

    MigrateRun run = {
        .core = core, .args = args, .streams = streams, .report = report,
        .id = (unsigned)id, .launched_ms = monotonic_ms(), .printed_seq = newest_seq(&snapshot),
        .last_phase = MIGRATION_STARTING,
    };
    status = watch(&run);

cleanup:
    migrate_report_free(report);
    core_snapshot_clear(&snapshot);
    return status;
}
