#!/usr/bin/env bash
# The convergence assistant in the console: `hot` launched from the form with
# post-copy allowed at 50 MiB/s; A opens the ladder dialog, a typo is refused
# with the reason, "post-copy" is accepted; the detail pane shows the ladder
# and the next step with its trigger before it fires, then the assistant
# switches to post-copy on its own and hot ends up running on labhost2.
. "$(dirname "$0")/lib.sh"
e2e_require
e2e_lab_reset

e2e_start 140 50
e2e_wait_lab_shown
e2e_select hot
e2e_wait_dirtying hot
e2e_keys m
e2e_wait_for "Migrate hot" 5 "the migration form opens on hot"
e2e_form_focus "Allow post-copy"
e2e_keys Space
e2e_wait_for "--postcopy" 5 "the virsh preview shows --postcopy"
e2e_form_focus "Bandwidth limit"
e2e_type "50"
e2e_wait_for "--bandwidth 50" 5 "the virsh preview shows the bandwidth"
e2e_form_launch
e2e_wait_for "migration #[0-9]+ labhost1(→|->)labhost2" 10 "the migration is shown"
e2e_wait_for "Assistant: +off \(A picks a ladder\)" 10 "the pane says the assistant is off"

# A typo: refused with what is wrong.
e2e_keys A
e2e_wait_for "Convergence assistant" 5 "the ladder dialog opens"
e2e_assert_screen "minimal-downtime, post-copy" "the dialog names the built-in ladders"
e2e_type "postcopy after soon"
e2e_keys Enter
e2e_wait_for "after soon\" needs a whole number" 5 "the parse error is shown"

e2e_keys A
e2e_wait_for "Convergence assistant" 5 "the ladder dialog opens again"
e2e_type "post-copy"
e2e_keys Enter
e2e_wait_for "Assistant: +post-copy: downtime 1s after 2;" 10 \
    "the pane shows the ladder"
e2e_wait_for "Assistant next: +next: raise max downtime to 1.0 s when" 60 \
    "the first step is announced with its trigger"
e2e_wait_for "Assistant next: +next: switch to post-copy when remaining" 120 \
    "after the downtime raise, post-copy is announced before it fires"
e2e_assert_screen "Assistant step: +1 step taken, last: raise max downtime" \
    "the step taken is shown"
e2e_wait_domain_on labhost2 hot "running" 120
e2e_wait_for "completed: hot now runs on labhost2" 30 "the verdict says it completed"
e2e_virsh_wait_state 2 hot running
e2e_keys q
status=$(e2e_wait_exit 10)
[ "$status" = "0" ] || e2e_fail "virtmig exited with status $status"
e2e_lab_reset
e2e_log "passed"
