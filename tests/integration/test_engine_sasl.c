/* The engine's credential path against libvirt's real SASL exchange: the lab's
 * SASL host (tests/lab/lib/hosts.sh, lab_start_sasl_host) asks every client
 * for a username and password. libvirt's questions reach the front end as
 * CredentialRequests with libvirt's own prompts; the right answers connect, a
 * wrong password is "auth failed" with libvirt's message and no retry until
 * asked, a cancel gives up, and the password never shows in a message or the
 * journal. */
#include "test_engine_lab.h"

/* As lab_start_sasl_host creates them. */
#define SASL_USER "virtmig"
#define SASL_PASSWORD "lab-secret"
#define SASL_PORT "16599"

static char sasl_uri[256];

static int group_setup(void **state)
{
    (void)state;
    if (eng_lab_load() < 0)
        return -1;
    if (eng_lab_shell("lab_start_sasl_host") != 0) {
        fprintf(stderr, "lab: the SASL host did not start (see above)\n");
        return -1;
    }
    /* labhost3's address, from its URI (qemu+tcp://ADDRESS/system). */
    const char *uri = NULL;
    for (size_t i = 0; i < eng_lab.host_count; i++) {
        if (strcmp(eng_lab.hosts[i].name, "labhost3") == 0)
            uri = eng_lab.hosts[i].uri;
    }
    const char *address = uri ? strstr(uri, "://") : NULL;
    if (!address)
        return -1;
    address += 3;
    size_t length = strcspn(address, "/:");
    snprintf(sasl_uri, sizeof(sasl_uri), "test+tcp://%.*s:" SASL_PORT "/default", (int)length,
             address);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (eng_lab_shell("lab_stop_sasl_host") != 0)
        fprintf(stderr, "lab: could not stop the SASL host; 'lab.sh down' will\n");
    eng_lab_unload();
    return 0;
}

static Core *sasl_core_new(void)
{
    HostSpec host = { .name = "labsasl", .uri = sasl_uri };
    CoreConfig config = { .hosts = &host, .host_count = 1, .refresh_ms = 1000,
                          .journal_path = eng_lab.journal };
    char *error = NULL;
    Core *core = core_new(&config, &error);
    if (!core)
        fail_msg("core_new: %s", error ? error : "?");
    return core;
}

static bool credential_asked(const CoreSnapshot *snapshot, void *opaque)
{
    (void)opaque;
    return snapshot->credential_count > 0;
}

static bool host_state_is(const CoreSnapshot *snapshot, void *opaque)
{
    return snapshot->host_count == 1 && snapshot->hosts[0].state == *(HostConnState *)opaque &&
           (*(HostConnState *)opaque != HOST_CONNECTED || snapshot->hosts[0].last_refresh_ms != 0);
}

static bool asked_or_settled(const CoreSnapshot *snapshot, void *opaque)
{
    (void)opaque;
    return snapshot->credential_count > 0 ||
           (snapshot->host_count == 1 && (snapshot->hosts[0].state == HOST_AUTH_FAILED ||
                                          (snapshot->hosts[0].state == HOST_CONNECTED &&
                                           snapshot->hosts[0].last_refresh_ms != 0)));
}

/* Answers each question libvirt asks for one connection attempt, as an
 * operator would: the names (SASL's authentication and authorization
 * names) with the user, the password with the password, until libvirt asks
 * no more. Checks the prompts are libvirt's and that only the password is
 * secret. */
static void answer_credentials(Core *core, const char *password)
{
    bool asked_password = false, asked_name = false;
    for (unsigned round = 0; round < 8; round++) {
        CoreSnapshot snapshot;
        assert_true(eng_wait(core, 15000, round == 0 ? credential_asked : asked_or_settled, NULL,
                             &snapshot));
        size_t count = snapshot.credential_count;
        for (size_t i = 0; i < count; i++) {
            const CredentialRequest *request = &snapshot.credentials[i];
            assert_int_equal(request->host_index, 0);
            fprintf(stderr, "  asked: \"%s\"%s\n", request->prompt,
                    request->secret ? " (secret)" : "");
            const char *answer = NULL;
            if (strstr(request->prompt, "password")) {
                assert_true(request->secret);
                answer = password;
                asked_password = true;
            } else if (strstr(request->prompt, "name")) {
                assert_false(request->secret);
                answer = SASL_USER;
                asked_name = true;
            } else {
                fail_msg("unexpected credential prompt: %s", request->prompt);
            }
            assert_int_equal(core_answer_credential(core, request->id, answer), 0);
        }
        core_snapshot_clear(&snapshot);
        if (count == 0)
            break;
        /* Let the answered requests leave the snapshot before looking again. */
        usleep(200 * 1000);
    }
    assert_true(asked_name);
    assert_true(asked_password);
}

static void assert_password_nowhere(const CoreSnapshot *snapshot)
{
    for (size_t i = 0; i < snapshot->message_count; i++)
        assert_null(strstr(snapshot->messages[i].text, SASL_PASSWORD));
    if (snapshot->hosts[0].error)
        assert_null(strstr(snapshot->hosts[0].error, SASL_PASSWORD));
    FILE *journal = fopen(eng_lab.journal, "r");
    if (journal) {
        char line[4096];
        while (fgets(line, sizeof(line), journal))
            assert_null(strstr(line, SASL_PASSWORD));
        fclose(journal);
    }
}

static void test_right_password_connects(void **state)
{
    (void)state;
    Core *core = sasl_core_new();
    answer_credentials(core, SASL_PASSWORD);
    HostConnState connected = HOST_CONNECTED;
    CoreSnapshot snapshot;
    bool up = eng_wait(core, 15000, host_state_is, &connected, &snapshot);
    if (!up)
        eng_print_messages(&snapshot);
    assert_true(up);
    /* The daemon's test driver has its one domain, "test". */
    assert_non_null(eng_domain(&snapshot, 0, "test"));
    assert_int_equal(snapshot.credential_count, 0);
    assert_password_nowhere(&snapshot);
    core_snapshot_clear(&snapshot);
    core_free(core);
}

static void test_wrong_password_fails_then_reconnect_works(void **state)
{
    (void)state;
    Core *core = sasl_core_new();
    answer_credentials(core, "not-the-" SASL_PASSWORD);
    HostConnState failed = HOST_AUTH_FAILED;
    CoreSnapshot snapshot;
    assert_true(eng_wait(core, 15000, host_state_is, &failed, &snapshot));
    assert_non_null(snapshot.hosts[0].error);
    fprintf(stderr, "  wrong password: %s\n", snapshot.hosts[0].error);
    /* libvirt's own words, after the host and URI. */
    assert_non_null(strstr(snapshot.hosts[0].error, "authentication failed"));
    assert_non_null(strstr(snapshot.hosts[0].error, "labsasl"));
    assert_password_nowhere(&snapshot);
    core_snapshot_clear(&snapshot);

    /* No new questions until the operator asks to try again. */
    usleep(2500 * 1000);
    assert_int_equal(core_snapshot(core, &snapshot), 0);
    assert_int_equal(snapshot.credential_count, 0);
    assert_int_equal(snapshot.hosts[0].state, HOST_AUTH_FAILED);
    core_snapshot_clear(&snapshot);

    char *error = NULL;
    assert_int_equal(core_request_reconnect(core, 0, &error), 0);
    answer_credentials(core, SASL_PASSWORD);
    HostConnState connected = HOST_CONNECTED;
    assert_true(eng_wait(core, 15000, host_state_is, &connected, &snapshot));
    core_snapshot_clear(&snapshot);
    core_free(core);
}

static void test_cancel_gives_up(void **state)
{
    (void)state;
    Core *core = sasl_core_new();
    CoreSnapshot snapshot;
    assert_true(eng_wait(core, 15000, credential_asked, NULL, &snapshot));
    assert_int_equal(core_answer_credential(core, snapshot.credentials[0].id, NULL), 0);
    core_snapshot_clear(&snapshot);
    HostConnState failed = HOST_AUTH_FAILED;
    assert_true(eng_wait(core, 15000, host_state_is, &failed, &snapshot));
    assert_non_null(snapshot.hosts[0].error);
    fprintf(stderr, "  cancelled: %s\n", snapshot.hosts[0].error);
    core_snapshot_clear(&snapshot);
    core_free(core);
}

int main(void)
{
    eng_apply_test_filter();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_right_password_connects),
        cmocka_unit_test(test_wrong_password_fails_then_reconnect_works),
        cmocka_unit_test(test_cancel_gives_up),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
