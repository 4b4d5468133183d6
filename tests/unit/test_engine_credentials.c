/* libvirt's auth callback as the engine implements it: each credential is
 * published as a CredentialRequest in the snapshot, the connecting thread
 * waits, core_answer_credential() answers (or cancels), and the answer (or
 * libvirt's default for an empty one) goes back in the credential. Driven
 * directly, as libvirt would call it from a host worker. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine_state.h"
#include "snapshot.h"

typedef struct {
    virConnectAuth auth;
    EngineAuthContext context;
    virConnectCredential credentials[2];
    unsigned count;
    int rc;
} AuthCall;

static Core *fake_core(void)
{
    Core *core = calloc(1, sizeof(*core));
    assert_non_null(core);
    pthread_mutex_init(&core->lock, NULL);
    assert_int_equal(engine_cond_init(&core->notify_cond), 0);
    assert_int_equal(engine_cond_init(&core->credential_cond), 0);
    core->refs = 1;
    core->wake_fd = -1;
    core->host_count = 1;
    core->hosts = calloc(1, sizeof(*core->hosts));
    core->hosts[0].view.name = strdup("prod-a");
    core->hosts[0].view.uri = strdup("qemu+ssh://root@prod-a/system");
    return core;
}

static void fake_core_free(Core *core)
{
    for (size_t i = 0; i < core->message_count; i++)
        core_message_clear(&core->messages[i]);
    host_view_clear(&core->hosts[0].view);
    free(core->hosts);
    free(core->credentials);
    pthread_cond_destroy(&core->notify_cond);
    pthread_cond_destroy(&core->credential_cond);
    pthread_mutex_destroy(&core->lock);
    free(core);
}

static void *call_auth(void *opaque)
{
    AuthCall *call = opaque;
    call->rc = call->auth.cb(call->credentials, call->count, call->auth.cbdata);
    return NULL;
}

/* Waits until `count` requests are published; returns the snapshot. */
static void wait_requests(Core *core, size_t count, CoreSnapshot *snapshot)
{
    for (int i = 0; i < 500; i++) {
        assert_int_equal(core_snapshot(core, snapshot), 0);
        if (snapshot->credential_count == count)
            return;
        core_snapshot_clear(snapshot);
        usleep(10000);
    }
    fail_msg("no credential request appeared");
}

static void start_call(AuthCall *call, Core *core, pthread_t *thread)
{
    call->context.core = core;
    call->context.host_index = 0;
    engine_auth_init(&call->auth, &call->context);
    assert_int_equal(pthread_create(thread, NULL, call_auth, call), 0);
}

static void test_answers_reach_libvirt(void **state)
{
    (void)state;
    Core *core = fake_core();
    AuthCall call;
    memset(&call, 0, sizeof(call));
    call.credentials[0] = (virConnectCredential){ .type = VIR_CRED_AUTHNAME,
                                                  .prompt = "Username", .defresult = "root" };
    call.credentials[1] = (virConnectCredential){ .type = VIR_CRED_PASSPHRASE,
                                                  .prompt = "Password", .challenge = "prod-a" };
    call.count = 2;
    pthread_t thread;
    start_call(&call, core, &thread);

    /* The list of credential types offered to libvirt includes these. */
    bool offers_passphrase = false;
    for (unsigned i = 0; i < call.auth.ncredtype; i++)
        offers_passphrase |= call.auth.credtype[i] == VIR_CRED_PASSPHRASE;
    assert_true(offers_passphrase);

    CoreSnapshot snapshot;
    wait_requests(core, 1, &snapshot);
    const CredentialRequest *first = &snapshot.credentials[0];
    assert_string_equal(first->prompt, "Username");
    assert_false(first->secret);
    assert_int_equal(first->host_index, 0);
    unsigned first_id = first->id;
    /* An empty answer takes libvirt's default. */
    assert_int_equal(core_answer_credential(core, first_id, ""), 0);
    /* Answering twice, or an unknown id, is refused. */
    assert_int_equal(core_answer_credential(core, first_id, "again"), -1);
    assert_int_equal(core_answer_credential(core, 9999, "x"), -1);
    core_snapshot_clear(&snapshot);

    /* The second appears once the first is answered, secret, with the
     * challenge in the prompt. */
    for (int i = 0; i < 500; i++) {
        assert_int_equal(core_snapshot(core, &snapshot), 0);
        if (snapshot.credential_count == 1 && snapshot.credentials[0].id != first_id)
            break;
        core_snapshot_clear(&snapshot);
        usleep(10000);
    }
    assert_int_equal(snapshot.credential_count, 1);
    assert_true(snapshot.credentials[0].secret);
    assert_string_equal(snapshot.credentials[0].prompt, "Password (prod-a)");
    assert_int_equal(core_answer_credential(core, snapshot.credentials[0].id, "s3cret"), 0);
    core_snapshot_clear(&snapshot);

    pthread_join(thread, NULL);
    assert_int_equal(call.rc, 0);
    assert_string_equal(call.credentials[0].result, "root");
    assert_int_equal(call.credentials[0].resultlen, 4);
    assert_string_equal(call.credentials[1].result, "s3cret");
    free(call.credentials[0].result);
    free(call.credentials[1].result);

    /* Answered requests leave the published state. */
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    assert_int_equal(snapshot.credential_count, 0);
    core_snapshot_clear(&snapshot);
    fake_core_free(core);
}

static void test_cancel_and_shutdown_end_the_wait(void **state)
{
    (void)state;
    Core *core = fake_core();
    AuthCall call;
    memset(&call, 0, sizeof(call));
    call.credentials[0] = (virConnectCredential){ .type = VIR_CRED_NOECHOPROMPT,
                                                  .prompt = "PIN" };
    call.count = 1;
    pthread_t thread;
    start_call(&call, core, &thread);
    CoreSnapshot snapshot;
    wait_requests(core, 1, &snapshot);
    assert_true(snapshot.credentials[0].secret);
    /* NULL cancels: libvirt gets -1 and reports the attempt as cancelled. */
    assert_int_equal(core_answer_credential(core, snapshot.credentials[0].id, NULL), 0);
    core_snapshot_clear(&snapshot);
    pthread_join(thread, NULL);
    assert_int_equal(call.rc, -1);
    assert_null(call.credentials[0].result);

    /* The engine stopping ends a wait too (core_free never hangs on a prompt). */
    memset(&call, 0, sizeof(call));
    call.credentials[0] = (virConnectCredential){ .type = VIR_CRED_ECHOPROMPT,
                                                  .prompt = "Realm" };
    call.count = 1;
    start_call(&call, core, &thread);
    wait_requests(core, 1, &snapshot);
    core_snapshot_clear(&snapshot);
    pthread_mutex_lock(&core->lock);
    core->stopping = true;
    pthread_cond_broadcast(&core->credential_cond);
    pthread_mutex_unlock(&core->lock);
    pthread_join(thread, NULL);
    assert_int_equal(call.rc, -1);
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    assert_int_equal(snapshot.credential_count, 0);
    core_snapshot_clear(&snapshot);
    fake_core_free(core);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers_reach_libvirt),
        cmocka_unit_test(test_cancel_and_shutdown_end_the_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
