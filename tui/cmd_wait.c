/* Bounded wait for hosts to finish connecting, for the headless commands.
 * Sleeps in poll() on the engine's wake descriptor, never on a host. */
#include "cmd.h"

#include <poll.h>
#include <stdint.h>
#include <time.h>

static uint64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

bool cmd_host_settled(const HostView *host)
{
    switch (host->state) {
    case HOST_CONNECTED:
        return host->last_refresh_ms != 0;
    case HOST_LOST:          /* the attempt failed; the engine retries later */
    case HOST_AUTH_FAILED:
        return true;
    case HOST_CONNECTING:
    default:
        return false;
    }
}

static bool all_settled(const CoreSnapshot *snapshot, const size_t *wanted, size_t count)
{
    if (!wanted) {
        for (size_t i = 0; i < snapshot->host_count; i++)
            if (!cmd_host_settled(&snapshot->hosts[i]))
                return false;
        return true;
    }
    for (size_t i = 0; i < count; i++)
        if (wanted[i] >= snapshot->host_count || !cmd_host_settled(&snapshot->hosts[wanted[i]]))
            return false;
    return true;
}

/* Credential requests already cancelled: one stays in the snapshots until the
 * host's worker takes the answer, and must not be cancelled (or said) twice. */
#define CANCELLED_KEPT 32

typedef struct {
    unsigned ids[CANCELLED_KEPT];
    size_t count;
} CancelledCredentials;

static bool already_cancelled(const CancelledCredentials *cancelled, unsigned id)
{
    for (size_t i = 0; i < cancelled->count; i++)
        if (cancelled->ids[i] == id)
            return true;
    return false;
}

/* Nobody can type a password into a headless command: cancel the attempt so
 * the host shows up failed with a reason instead of hanging until timeout. */
static void cancel_credentials(Core *core, const CoreSnapshot *snapshot,
                               CancelledCredentials *cancelled, FILE *err)
{
    for (size_t i = 0; i < snapshot->credential_count; i++) {
        const CredentialRequest *request = &snapshot->credentials[i];
        if (already_cancelled(cancelled, request->id))
            continue;
        const char *host = request->host_index < snapshot->host_count
            ? snapshot->hosts[request->host_index].name : "?";
        fprintf(err, "virtmig: %s: libvirt asks \"%s\", which a headless command cannot "
                "answer: use key-based authentication (e.g. ssh keys) or the console\n",
                host, request->prompt ? request->prompt : "");
        core_answer_credential(core, request->id, NULL);
        if (cancelled->count < CANCELLED_KEPT)
            cancelled->ids[cancelled->count++] = request->id;
    }
}

int cmd_wait_hosts(Core *core, const size_t *wanted, size_t count, unsigned wait_s,
                   CoreSnapshot *snapshot, FILE *err)
{
    uint64_t deadline = monotonic_ms() + (uint64_t)wait_s * 1000u;
    struct pollfd wake = { .fd = core_wake_fd(core), .events = POLLIN };
    CancelledCredentials cancelled = { .count = 0 };

    for (;;) {
        if (core_snapshot(core, snapshot) < 0)
            return -1;
        cancel_credentials(core, snapshot, &cancelled, err);
        if (all_settled(snapshot, wanted, count))
            return 0;
        uint64_t now = monotonic_ms();
        if (now >= deadline)
            return 0;
        core_snapshot_clear(snapshot);
        /* Wake on news, and at least once a second in case a state change
         * does not signal (cheap: a snapshot never waits on a host). */
        uint64_t left = deadline - now;
        if (poll(&wake, 1, (int)(left < 1000 ? left : 1000)) > 0)
            core_wake_drain(core);
    }
}
