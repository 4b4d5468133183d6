/* The engine's lifetime and its read side: core_new(), core_free(), the wake
 * descriptor and core_snapshot(). Requests are in engine_requests.c. */
#include "engine_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "engine_event_loop.h"
#include "engine_migration.h"
#include "engine_preflight.h"
#include "host_worker.h"
#include "libvirt_error.h"
#include "snapshot.h"

#define DEFAULT_REFRESH_MS 1000u
#define DEFAULT_JOB_POLL_MS 500u
/* How long core_free() waits for a host worker busy inside libvirt. */
#define WORKER_STOP_WAIT_MS 3000u

static void core_destroy(Core *core)
{
    for (size_t i = 0; i < core->host_count; i++) {
        HostSlot *slot = &core->hosts[i];
        host_view_clear(&slot->view);
        for (size_t d = 0; d < slot->domain_count; d++)
            domain_view_clear(&slot->domains[d]);
        free(slot->domains);
    }
    free(core->hosts);
    for (size_t i = 0; i < core->migration_count; i++)
        engine_migration_free(core->migrations[i]);
    free(core->migrations);
    for (size_t i = 0; i < core->message_count; i++)
        core_message_clear(&core->messages[i]);
    /* Credential requests are removed by the threads that made them, which
     * are all gone by now. */
    free(core->credentials);
    engine_preflight_free(core->preflight);
    journal_close(core->journal);
    if (core->wake_fd >= 0)
        close(core->wake_fd);
    pthread_cond_destroy(&core->notify_cond);
    pthread_cond_destroy(&core->credential_cond);
    pthread_mutex_destroy(&core->lock);
    free(core);
}

void engine_ref(Core *core)
{
    pthread_mutex_lock(&core->lock);
    core->refs++;
    pthread_mutex_unlock(&core->lock);
}

void engine_unref(Core *core)
{
    pthread_mutex_lock(&core->lock);
    bool last = --core->refs == 0;
    pthread_mutex_unlock(&core->lock);
    if (last)
        core_destroy(core);
}

static int copy_hosts(Core *core, const CoreConfig *config, char **error)
{
    if (config->host_count > 0 &&
        !(core->hosts = calloc(config->host_count, sizeof(*core->hosts))))
        return error_set(error, "out of memory");
    for (size_t i = 0; i < config->host_count; i++) {
        const HostSpec *spec = &config->hosts[i];
        if (!spec->name || !*spec->name || !spec->uri || !*spec->uri)
            return error_set(error, "host %zu has no %s: give every host a name and a libvirt URI",
                             i + 1, !spec->name || !*spec->name ? "name" : "URI");
        HostView *view = &core->hosts[i].view;
        core->host_count = i + 1;
        view->state = HOST_CONNECTING;
        if (!(view->name = strdup(spec->name)) || !(view->uri = strdup(spec->uri)))
            return error_set(error, "out of memory");
    }
    return 0;
}

static void open_journal(Core *core, const char *path)
{
    char *error = NULL;
    core->journal = journal_open(path, &error);
    if (!core->journal) {
        engine_message_locked(core, MESSAGE_WARNING,
                              "%s; migrations run, but are not journaled",
                              error ? error : "cannot open the journal");
        free(error);
    }
}

Core *core_new(const CoreConfig *config, char **error)
{
    if (!config) {
        error_set(error, "no configuration given");
        return NULL;
    }
    Core *core = calloc(1, sizeof(*core));
    if (!core) {
        error_set(error, "out of memory");
        return NULL;
    }
    core->refs = 1;
    core->wake_fd = -1;
    pthread_mutex_init(&core->lock, NULL);
    if (engine_cond_init(&core->notify_cond) < 0 ||
        engine_cond_init(&core->credential_cond) < 0) {
        error_set(error, "cannot create the engine's condition variables");
        pthread_mutex_destroy(&core->lock);
        free(core);
        return NULL;
    }
    core->refresh_ms = config->refresh_ms ? config->refresh_ms : DEFAULT_REFRESH_MS;
    core->job_poll_ms = config->job_poll_ms ? config->job_poll_ms : DEFAULT_JOB_POLL_MS;

    core->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (core->wake_fd < 0) {
        error_set(error, "cannot create the wake descriptor: %s", strerror(errno));
        goto fail;
    }
    if (copy_hosts(core, config, error) < 0)
        goto fail;
    open_journal(core, config->journal_path);
    if (engine_event_loop_acquire(error) < 0)
        goto fail;
    core->event_loop_acquired = true;
    if (engine_notifier_start(core, error) < 0)
        goto fail;
    for (size_t i = 0; i < core->host_count; i++) {
        if (!(core->hosts[i].worker = host_worker_new(core, i, error)))
            goto fail;
    }
    return core;

 fail:
    core_free(core);
    return NULL;
}

void core_free(Core *core)
{
    if (!core)
        return;
    pthread_mutex_lock(&core->lock);
    core->stopping = true;
    pthread_cond_broadcast(&core->credential_cond);
    pthread_mutex_unlock(&core->lock);

    for (size_t i = 0; i < core->host_count; i++)
        host_worker_request_stop(core->hosts[i].worker);
    engine_migrations_stop(core);
    engine_preflight_stop(core);
    for (size_t i = 0; i < core->host_count; i++) {
        host_worker_join_free(core->hosts[i].worker, WORKER_STOP_WAIT_MS);
        core->hosts[i].worker = NULL;
    }
    engine_notifier_stop(core);
    if (core->event_loop_acquired)
        engine_event_loop_release();
    core->event_loop_acquired = false;
    engine_unref(core);
}

int core_wake_fd(const Core *core)
{
    return core ? core->wake_fd : -1;
}

void core_wake_drain(Core *core)
{
    uint64_t count;
    if (!core)
        return;
    /* Non-blocking: EAGAIN just means there was nothing to drain. */
    if (read(core->wake_fd, &count, sizeof(count)) < 0 && errno != EAGAIN) {
        /* nothing to do: the descriptor stays usable */
    }
}

/* Sizes a snapshot array for count items (contents undefined; the copies
 * below overwrite them). A same-size realloc keeps the block, so a front end
 * that updates one snapshot pays no allocation for it. */
static int resize_array(void **array, size_t count, size_t size)
{
    if (count == 0) {
        free(*array);
        *array = NULL;
        return 0;
    }
    void *resized = realloc(*array, count * size);
    if (!resized)
        return -1;
    *array = resized;
    return 0;
}

/* Fills out, whose counts are 0 and whose arrays are NULL or left from an
 * earlier snapshot (their items already released). */
static int snapshot_fill_locked(Core *core, CoreSnapshot *out)
{
    size_t domain_count = 0;
    for (size_t i = 0; i < core->host_count; i++)
        domain_count += core->hosts[i].domain_count;

    out->generation = core->generation;
    if (resize_array((void **)&out->hosts, core->host_count, sizeof(*out->hosts)) < 0 ||
        resize_array((void **)&out->domains, domain_count, sizeof(*out->domains)) < 0 ||
        resize_array((void **)&out->migrations, core->migration_count,
                     sizeof(*out->migrations)) < 0 ||
        resize_array((void **)&out->messages, core->message_count, sizeof(*out->messages)) < 0 ||
        resize_array((void **)&out->credentials, core->credential_count,
                     sizeof(*out->credentials)) < 0)
        return -1;

    for (size_t i = 0; i < core->host_count; i++) {
        if (host_view_copy(&out->hosts[i], &core->hosts[i].view) < 0)
            return -1;
        out->host_count++;
    }
    for (size_t i = 0; i < core->host_count; i++) {
        const HostSlot *slot = &core->hosts[i];
        for (size_t d = 0; d < slot->domain_count; d++) {
            if (domain_view_copy(&out->domains[out->domain_count], &slot->domains[d]) < 0)
                return -1;
            out->domain_count++;
        }
    }
    for (size_t i = 0; i < core->migration_count; i++) {
        if (migration_view_copy(&out->migrations[i], &core->migrations[i]->view) < 0)
            return -1;
        out->migration_count++;
    }
    for (size_t i = 0; i < core->message_count; i++) {
        if (core_message_copy(&out->messages[i], &core->messages[i]) < 0)
            return -1;
        out->message_count++;
    }
    for (size_t i = 0; i < core->credential_count; i++) {
        if (credential_request_copy(&out->credentials[i], &core->credentials[i]->request) < 0)
            return -1;
        out->credential_count++;
    }
    return engine_preflight_snapshot_locked(core, out);
}

int core_snapshot_update(Core *core, CoreSnapshot *snapshot)
{
    if (!snapshot)
        return -1;
    if (!core) {
        core_snapshot_clear(snapshot);
        return -1;
    }
    pthread_mutex_lock(&core->lock);
    bool unchanged = snapshot->hosts && snapshot->generation == core->generation &&
                     snapshot->host_count == core->host_count;
    /* A refresh that found nothing new publishes its time without a new
     * generation (engine: refresh_inventory): bring that up to date here. */
    for (size_t i = 0; unchanged && i < core->host_count; i++)
        snapshot->hosts[i].last_refresh_ms = core->hosts[i].view.last_refresh_ms;
    pthread_mutex_unlock(&core->lock);
    if (unchanged)
        return 1;

    /* Freeing the old strings needs no lock: do it before taking it. */
    snapshot_release_items(snapshot);
    pthread_mutex_lock(&core->lock);
    int rc = snapshot_fill_locked(core, snapshot);
    pthread_mutex_unlock(&core->lock);
    if (rc < 0)
        core_snapshot_clear(snapshot);
    return rc;
}

int core_snapshot(Core *core, CoreSnapshot *out)
{
    if (!out)
        return -1;
    memset(out, 0, sizeof(*out));
    if (!core)
        return -1;
    pthread_mutex_lock(&core->lock);
    int rc = snapshot_fill_locked(core, out);
    pthread_mutex_unlock(&core->lock);
    if (rc < 0)
        core_snapshot_clear(out);
    return rc;
}
