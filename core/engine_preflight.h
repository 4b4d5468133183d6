/* The engine's pre-flight thread (engine_preflight.c): runs the checks of
 * core_request_preflight() with its own connections, so neither the UI nor a
 * host worker waits on them, and publishes a PreflightReport per domain and
 * destination. Internal to core/. */
#ifndef VIRTMIG_ENGINE_PREFLIGHT_H
#define VIRTMIG_ENGINE_PREFLIGHT_H

#include "engine_state.h"

/* Copies the published reports into out->preflights. Core.lock held.
 * Returns 0, or -1 when out of memory. */
int engine_preflight_snapshot_locked(Core *core, CoreSnapshot *out);

/* core_free(): stops the thread (waits up to 3 s, then leaves it to finish
 * on its own: it holds a Core reference). Core.stopping is set. */
void engine_preflight_stop(Core *core);

/* core_destroy(): frees what is left (the thread is gone). Accepts NULL. */
void engine_preflight_free(EnginePreflight *preflight);

#endif
