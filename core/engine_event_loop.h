/* libvirt's default event loop, run on its own thread for the whole process.
 *
 * libvirt delivers domain events, close callbacks and keepalive only while
 * someone runs virEventRunDefaultImpl(); virsh does it on a thread, and so do
 * we. The implementation must be registered once per process before the first
 * connection is opened, so the loop is shared by every Core: the first
 * engine_event_loop_acquire() starts the thread, the last release stops it. */
#ifndef VIRTMIG_ENGINE_EVENT_LOOP_H
#define VIRTMIG_ENGINE_EVENT_LOOP_H

/* Registers the default implementation (once) and makes sure the loop thread
 * runs. Returns 0, or -1 with *error (malloc'd) saying why. */
int engine_event_loop_acquire(char **error);

/* Drops one reference; the last one stops and joins the loop thread. Call only
 * after every connection the caller opened is closed. */
void engine_event_loop_release(void);

#endif
