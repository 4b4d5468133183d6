#!/usr/bin/env bash
# The console under valgrind: starts, shows the whole lab, opens the help
# viewer, the migration form and the journal, closes them and quits. Any
# invalid access or definite/possible leak fails the test (--error-exitcode).
# tests/e2e/valgrind.supp may only hold library internals.
. "$(dirname "$0")/lib.sh"
e2e_require
command -v valgrind >/dev/null 2>&1 ||
    e2e_fail "valgrind is not installed: run 'make deps' (tests/lab/deps.sh installs it)"

log="$E2E_TMP/valgrind.log"
E2E_WRAPPER="valgrind --leak-check=full --errors-for-leak-kinds=definite,possible"
E2E_WRAPPER+=" --error-exitcode=1 --suppressions=$E2E_ROOT/tests/e2e/valgrind.supp"
E2E_WRAPPER+=" --log-file=$log"
E2E_TIMEOUT=60
e2e_start 120 40
e2e_wait_lab_shown
e2e_keys F1
e2e_wait_for "open the migration form" 20 "the help viewer opens"
e2e_keys Escape
e2e_wait_gone "open the migration form" 20
e2e_select idle
e2e_keys m
e2e_wait_for "Migrate idle" 20 "the form opens"
e2e_keys Escape
e2e_wait_gone "Migrate idle" 20
e2e_keys J
e2e_wait_for "Journal" 20 "the journal viewer opens"
e2e_keys Escape
e2e_wait_gone "Journal \(" 20
e2e_keys q
status=$(e2e_wait_exit 60)
if [ "$status" != "0" ]; then
    grep -E "Invalid|uninitialised|definitely|possibly|ERROR SUMMARY" "$log" | head -20 >&2
    e2e_fail "virtmig under valgrind exited with status $status (log above)"
fi
grep -q "ERROR SUMMARY: 0 errors" "$log" || e2e_fail "valgrind reported errors: $(grep 'ERROR SUMMARY' "$log")"
e2e_log "$(grep -E 'ERROR SUMMARY' "$log" | sed 's/^==[0-9]*== //')"
e2e_log "passed"
