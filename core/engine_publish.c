/* Publishing: the generation counter, operator messages, lookups in the
 * published state, and the notifier thread behind core_wake_fd(). */
#include "engine_state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine_migration.h"
#include "libvirt_error.h"
#include "snapshot.h"

uint64_t engine_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

void engine_changed_locked(Core *core)
{
    core->generation++;
    if (!core->notify_pending) {
        core->notify_pending = true;
        pthread_cond_signal(&core->notify_cond);
    }
}

static void message_append_locked(Core *core, MessageLevel level, const char *format,
                                  va_list args)
{
    char *text = NULL;
    if (vasprintf(&text, format, args) < 0)
        return;   /* out of memory: the message is lost, nothing else is */
    if (core->message_count == CORE_MESSAGES_KEPT) {
        core_message_clear(&core->messages[0]);
        memmove(&core->messages[0], &core->messages[1],
                sizeof(core->messages[0]) * (CORE_MESSAGES_KEPT - 1));
        core->message_count--;
    }
    CoreMessage *message = &core->messages[core->message_count++];
    message->seq = ++core->next_message_seq;
    message->at = time(NULL);
    message->level = level;
    message->text = text;
    engine_changed_locked(core);
}

void engine_message_locked(Core *core, MessageLevel level, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    message_append_locked(core, level, format, args);
    va_end(args);
}

void engine_message(Core *core, MessageLevel level, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    pthread_mutex_lock(&core->lock);
    message_append_locked(core, level, format, args);
    pthread_mutex_unlock(&core->lock);
    va_end(args);
}

int engine_refuse_locked(Core *core, char **error, const char *format, ...)
{
    pthread_mutex_unlock(&core->lock);
    if (error) {
        va_list args;
        va_start(args, format);
        if (vasprintf(error, format, args) < 0)
            *error = NULL;
        va_end(args);
    }
    return -1;
}

DomainView *engine_find_domain_locked(Core *core, size_t host, const char *uuid)
{
    if (host >= core->host_count || !uuid)
        return NULL;
    HostSlot *slot = &core->hosts[host];
    for (size_t i = 0; i < slot->domain_count; i++) {
        if (strcmp(slot->domains[i].uuid, uuid) == 0)
            return &slot->domains[i];
    }
    return NULL;
}

DomainView *engine_find_domain_by_uuid_or_name_locked(Core *core, size_t host,
                                                     const char *uuid_or_name)
{
    DomainView *domain = engine_find_domain_locked(core, host, uuid_or_name);
    if (domain || host >= core->host_count || !uuid_or_name)
        return domain;
    HostSlot *slot = &core->hosts[host];
    for (size_t i = 0; i < slot->domain_count; i++) {
        if (slot->domains[i].name && strcmp(slot->domains[i].name, uuid_or_name) == 0)
            return &slot->domains[i];
    }
    return NULL;
}

EngineMigration *engine_find_migration_locked(Core *core, unsigned id)
{
    for (size_t i = 0; i < core->migration_count; i++) {
        if (core->migrations[i]->view.id == id)
            return core->migrations[i];
    }
    return NULL;
}

int engine_push_dirty_rate(DomainView *domain, double mibs, uint64_t at_ms)
{
    /* The published history gets its full room on its first sample, so
     * later samples never allocate (snapshots copy only the samples). */
    if (!domain->dirty_rate) {
        domain->dirty_rate = malloc(sizeof(*domain->dirty_rate) * DIRTY_RATE_HISTORY);
        if (!domain->dirty_rate)
            return -1;
        domain->dirty_rate_count = 0;
    }
    if (domain->dirty_rate_count == DIRTY_RATE_HISTORY) {
        memmove(&domain->dirty_rate[0], &domain->dirty_rate[1],
                sizeof(domain->dirty_rate[0]) * (DIRTY_RATE_HISTORY - 1));
        domain->dirty_rate_count--;
    }
    domain->dirty_rate[domain->dirty_rate_count].value = mibs;
    domain->dirty_rate[domain->dirty_rate_count].at_ms = at_ms;
    domain->dirty_rate_count++;
    return 0;
}

int engine_set_domain_job(DomainView *domain, const JobStats *stats)
{
    bool running = stats &&
                   (stats->type == JOB_TYPE_BOUNDED || stats->type == JOB_TYPE_UNBOUNDED);
    if (!running) {
        domain->has_job = false;
        free(domain->job);
        domain->job = NULL;
        return 0;
    }
    if (!domain->job && !(domain->job = malloc(sizeof(*domain->job)))) {
        domain->has_job = false;   /* has_job promises a sample */
        return -1;
    }
    *domain->job = *stats;
    domain->has_job = true;
    return 0;
}

int engine_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return -1;
    int rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return rc == 0 ? 0 : -1;
}

void engine_deadline_after_ms(struct timespec *deadline, uint64_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, deadline);
    deadline->tv_sec += ms / 1000u;
    deadline->tv_nsec += (long)(ms % 1000u) * 1000000L;
    if (deadline->tv_nsec >= 1000000000L) {
        deadline->tv_sec++;
        deadline->tv_nsec -= 1000000000L;
    }
}

/* Coalesces changes into wakeups: after each eventfd write it holds off for
 * ENGINE_WAKE_MIN_INTERVAL_MS, so a burst of changes (a refresh of a hundred
 * domains, job samples of several migrations) costs the front end one redraw. */
static void *notifier_main(void *opaque)
{
    Core *core = opaque;

    pthread_mutex_lock(&core->lock);
    while (!core->stopping) {
        if (!core->notify_pending) {
            pthread_cond_wait(&core->notify_cond, &core->lock);
            continue;
        }
        core->notify_pending = false;
        pthread_mutex_unlock(&core->lock);

        uint64_t one = 1;
        /* EAGAIN means the counter is already non-zero: the reader will wake. */
        if (write(core->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
            /* Nothing better to do: the front end still polls on a timer. */
        }

        struct timespec deadline;
        engine_deadline_after_ms(&deadline, ENGINE_WAKE_MIN_INTERVAL_MS);
        pthread_mutex_lock(&core->lock);
        while (!core->stopping &&
               pthread_cond_timedwait(&core->notify_cond, &core->lock, &deadline) == 0) {
            /* woken early by a change: keep holding off until the deadline */
        }
    }
    pthread_mutex_unlock(&core->lock);
    return NULL;
}

int engine_notifier_start(Core *core, char **error)
{
    if (pthread_create(&core->notifier, NULL, notifier_main, core) != 0)
        return error_set(error, "cannot start the engine's notifier thread (out of resources?)");
    core->notifier_started = true;
    return 0;
}

void engine_notifier_stop(Core *core)
{
    if (!core->notifier_started)
        return;
    pthread_mutex_lock(&core->lock);
    core->stopping = true;
    pthread_cond_broadcast(&core->notify_cond);
    pthread_mutex_unlock(&core->lock);
    pthread_join(core->notifier, NULL);
    core->notifier_started = false;
}
