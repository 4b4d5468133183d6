/* libvirt's auth callback: each credential a connection asks for becomes a
 * published CredentialRequest; the connecting thread (a host worker or a
 * migration thread, never the front end) waits for core_answer_credential(). */
#include "engine_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

static int supported_credentials[] = {
    VIR_CRED_AUTHNAME, VIR_CRED_USERNAME, VIR_CRED_PASSPHRASE,
    VIR_CRED_ECHOPROMPT, VIR_CRED_NOECHOPROMPT, VIR_CRED_REALM,
};

static char *credential_prompt(const virConnectCredential *credential)
{
    char *prompt = NULL;
    const char *text = credential->prompt ? credential->prompt : "Answer";
    int n;
    if (credential->challenge && *credential->challenge)
        n = asprintf(&prompt, "%s (%s)", text, credential->challenge);
    else
        n = asprintf(&prompt, "%s", text);
    return n < 0 ? NULL : prompt;
}

static bool credential_is_secret(int type)
{
    return type == VIR_CRED_PASSPHRASE || type == VIR_CRED_NOECHOPROMPT;
}

static void credential_slot_free(CredentialSlot *slot)
{
    if (!slot)
        return;
    credential_request_clear(&slot->request);
    free(slot->answer);
    free(slot);
}

static void credential_remove_locked(Core *core, CredentialSlot *slot)
{
    for (size_t i = 0; i < core->credential_count; i++) {
        if (core->credentials[i] == slot) {
            memmove(&core->credentials[i], &core->credentials[i + 1],
                    sizeof(core->credentials[0]) * (core->credential_count - i - 1));
            core->credential_count--;
            break;
        }
    }
    engine_changed_locked(core);
}

/* Publishes one request and waits. Returns the answer (malloc'd) or NULL when
 * cancelled, timed out, the engine stops, or memory runs out. */
static char *ask_operator(EngineAuthContext *context, const virConnectCredential *credential)
{
    Core *core = context->core;
    CredentialSlot *slot = calloc(1, sizeof(*slot));
    char *answer = NULL;
    if (!slot)
        return NULL;
    slot->request.prompt = credential_prompt(credential);
    slot->request.secret = credential_is_secret(credential->type);
    slot->request.host_index = context->host_index;
    if (!slot->request.prompt) {
        credential_slot_free(slot);
        return NULL;
    }

    pthread_mutex_lock(&core->lock);
    CredentialSlot **grown = realloc(core->credentials,
                                     sizeof(*grown) * (core->credential_count + 1));
    if (!grown) {
        pthread_mutex_unlock(&core->lock);
        credential_slot_free(slot);
        return NULL;
    }
    core->credentials = grown;
    slot->request.id = ++core->next_credential_id;
    core->credentials[core->credential_count++] = slot;
    engine_changed_locked(core);

    struct timespec deadline;
    engine_deadline_after_ms(&deadline, ENGINE_CREDENTIAL_TIMEOUT_S * 1000ull);
    int rc = 0;
    while (!slot->answered && !core->stopping && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&core->credential_cond, &core->lock, &deadline);
    if (slot->answered && slot->answer) {
        answer = slot->answer;
        slot->answer = NULL;
    } else if (!slot->answered && !core->stopping) {
        engine_message_locked(core, MESSAGE_WARNING,
                              "%s: nobody answered \"%s\" within %d s; connection attempt given up",
                              core->hosts[context->host_index].view.name, slot->request.prompt,
                              ENGINE_CREDENTIAL_TIMEOUT_S);
    }
    credential_remove_locked(core, slot);
    pthread_mutex_unlock(&core->lock);
    credential_slot_free(slot);
    return answer;
}

static int auth_callback(virConnectCredentialPtr credentials, unsigned int count, void *opaque)
{
    EngineAuthContext *context = opaque;
    for (unsigned i = 0; i < count; i++) {
        virConnectCredentialPtr credential = &credentials[i];
        char *answer = ask_operator(context, credential);
        if (!answer)
            return -1;   /* libvirt reports the attempt as cancelled */
        if (!*answer && credential->defresult) {
            free(answer);
            answer = strdup(credential->defresult);
            if (!answer)
                return -1;
        }
        credential->result = answer;
        credential->resultlen = (unsigned int)strlen(answer);
    }
    return 0;
}

void engine_auth_init(virConnectAuth *auth, EngineAuthContext *context)
{
    auth->credtype = supported_credentials;
    auth->ncredtype = sizeof(supported_credentials) / sizeof(supported_credentials[0]);
    auth->cb = auth_callback;
    auth->cbdata = context;
}

int core_answer_credential(Core *core, unsigned request_id, const char *answer)
{
    int ret = -1;
    if (!core)
        return -1;
    pthread_mutex_lock(&core->lock);
    for (size_t i = 0; i < core->credential_count; i++) {
        CredentialSlot *slot = core->credentials[i];
        if (slot->request.id != request_id || slot->answered)
            continue;
        if (answer && !(slot->answer = strdup(answer)))
            break;
        slot->answered = true;
        pthread_cond_broadcast(&core->credential_cond);
        ret = 0;
        break;
    }
    pthread_mutex_unlock(&core->lock);
    return ret;
}
