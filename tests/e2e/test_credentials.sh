#!/usr/bin/env bash
# A host that asks for a username and password (the lab's SASL host, a real
# libvirtd with SASL DIGEST-MD5): the console opens a dialog per question
# with libvirt's own prompt, hides the password as it is typed, and the host
# connects with the right answers; a wrong password shows "auth failed" with
# libvirt's message, and the password is on no screen.
. "$(dirname "$0")/lib.sh"
e2e_require

lab_function() {
    (cd "$E2E_ROOT/tests/lab" && LAB_INSTANCE=$LAB_INSTANCE bash -c \
        "source lib/common.sh && source lib/net.sh && source lib/hosts.sh && source lib/guests.sh && lab_init_instance && $1")
}
lab_function lab_start_sasl_host || e2e_fail "the lab's SASL host did not start"
trap 'lab_function lab_stop_sasl_host; e2e_cleanup' EXIT
sasl_uri=$(lab_function lab_sasl_uri)
user=virtmig password=lab-secret       # as lab_start_sasl_host creates them
# A host given with -c is named after its URI's address.
sasl_name=$(echo "$sasl_uri" | sed -E 's|^[a-z+]+://([^:/]+).*|\1|')

# Answers the dialogs until the password has been asked: names with the user.
answer_dialogs() {
    local answer_password=$1 asked
    for _ in 1 2 3 4; do
        e2e_wait_for "asks for a credential" 20 "a credential dialog opens"
        e2e_screen | grep -Fq "$sasl_name asks for a credential" ||
            e2e_fail "the credential dialog does not name the host $sasl_name"
        asked=$(e2e_screen | grep -Eo "Please enter your [a-z ]+" | head -1)
        e2e_log "dialog: $asked"
        case "$asked" in
            *password*)
                e2e_type "$answer_password"
                # Typed but hidden: the dialog shows no password characters.
                e2e_assert_not_screen "$answer_password" "the password shows as it is typed"
                e2e_keys Enter
                return 0 ;;
            *name*)
                e2e_type "$user"
                e2e_keys Enter ;;
            *) e2e_fail "unexpected credential dialog: $asked" ;;
        esac
        e2e_wait_gone "$asked" 10
    done
    e2e_fail "no password dialog after four questions"
}

e2e_start 120 40 -c "$sasl_uri"
e2e_wait_for "^ virtmig  4 hosts" 30 "the console lists the lab and the SASL host"
answer_dialogs "$password"
e2e_wait_gone "asks for a credential" 10
# The SASL host's group line, then its test-driver domain "test".
deadline=$((SECONDS + 20))
until e2e_screen | awk -v host="$sasl_name" 'index($0, host) == 1 { seen = 1; next } /^[a-z]/ { seen = 0 } seen && $1 == "test" { found = 1 } END { exit !found }'; do
    [ $SECONDS -lt $deadline ] || e2e_fail "the SASL host's domain 'test' is not listed once connected"
    sleep 0.2
done
e2e_assert_not_screen "$password" "the password is on the screen"
e2e_keys q
e2e_tmux kill-session -t "$E2E_SESSION" >/dev/null 2>&1

# A wrong password: auth failed with libvirt's message, and no password shown.
e2e_start 120 40 -c "$sasl_uri"
e2e_wait_for "^ virtmig  4 hosts" 30
answer_dialogs "wrong-$password"
e2e_wait_for "authentication failed" 20 "libvirt's 'authentication failed' is shown"
e2e_assert_not_screen "wrong-$password" "the wrong password is on the screen"
e2e_log "passed"
