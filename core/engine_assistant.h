/* The convergence assistant inside the engine: the ladder of each migration
 * is evaluated on every new job sample (engine_migration.c's sample
 * callback), its due step is queued on the source host's worker like an
 * operator's control, and journalled with its reason. */
#ifndef VIRTMIG_ENGINE_ASSISTANT_H
#define VIRTMIG_ENGINE_ASSISTANT_H

#include "engine_migration.h"

/* A step taken under the lock, journalled after it is released (the journal
 * fsyncs; nobody should wait on that holding Core.lock). */
typedef struct {
    bool taken;
    unsigned migration_id;
    char step[ASSISTANT_TEXT];
    char reason[ASSISTANT_TEXT];
} EngineAssistantStep;

/* Evaluates the migration's ladder against its history (the new sample is
 * already in it), queues the action that is due and refreshes the view's
 * assistant text. Core.lock held. */
void engine_assistant_sample_locked(EngineMigration *migration, EngineAssistantStep *taken);

/* Journals a taken step (no-op when none). Core.lock NOT held. */
void engine_assistant_journal(Core *core, const EngineAssistantStep *taken);

#endif
