/* The process-wide libvirt event loop thread (see engine_event_loop.h). */
#include "engine_event_loop.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <libvirt/libvirt.h>

#include "libvirt_error.h"

static pthread_mutex_t loop_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned loop_users;
static bool loop_registered;
static pthread_t loop_thread;
static atomic_bool loop_quit;

static void *event_loop_main(void *unused)
{
    (void)unused;
    while (!atomic_load(&loop_quit)) {
        /* An error here means the implementation is broken beyond repair;
         * there is nobody to tell but the next caller, so just stop. */
        if (virEventRunDefaultImpl() < 0)
            break;
    }
    return NULL;
}

/* A one-shot timer whose only purpose is to make virEventRunDefaultImpl()
 * return so the loop sees loop_quit. It removes itself so a later restart of
 * the loop does not spin on it. */
static void wake_loop_once(int timer, void *opaque)
{
    (void)opaque;
    virEventRemoveTimeout(timer);
}

int engine_event_loop_acquire(char **error)
{
    int ret = -1;

    pthread_mutex_lock(&loop_lock);
    if (!loop_registered) {
        libvirt_error_install_quiet_handler();
        if (virEventRegisterDefaultImpl() < 0) {
            libvirt_error_set(error, "cannot set up libvirt's event loop");
            goto cleanup;
        }
        loop_registered = true;
    }
    if (loop_users == 0) {
        atomic_store(&loop_quit, false);
        if (pthread_create(&loop_thread, NULL, event_loop_main, NULL) != 0) {
            error_set(error, "cannot start the libvirt event loop thread (out of resources?)");
            goto cleanup;
        }
    }
    loop_users++;
    ret = 0;

 cleanup:
    pthread_mutex_unlock(&loop_lock);
    return ret;
}

void engine_event_loop_release(void)
{
    pthread_mutex_lock(&loop_lock);
    if (loop_users > 0 && --loop_users == 0) {
        atomic_store(&loop_quit, true);
        if (virEventAddTimeout(0, wake_loop_once, NULL, NULL) < 0) {
            /* Cannot wake it: leave the thread running rather than hang here.
             * It holds nothing of ours. */
            pthread_detach(loop_thread);
        } else {
            pthread_join(loop_thread, NULL);
        }
    }
    pthread_mutex_unlock(&loop_lock);
}
