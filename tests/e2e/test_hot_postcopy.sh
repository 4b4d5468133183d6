#!/usr/bin/env bash
# `hot` dirties memory faster than a 20 MiB/s link sends it: launched from the
# form with post-copy allowed, the console must call it "not converging" and
# offer post-copy as a key, its stall causes wrapped whole in the statistics
# column; pressing that key (and confirming) finishes the
# migration on labhost2. At 120x40 and 80x24.
. "$(dirname "$0")/lib.sh"
e2e_require

run_at()
{
    e2e_log "at ${1}x${2}"
    e2e_lab_reset
    e2e_start "$1" "$2"
    e2e_wait_lab_shown
    e2e_select hot
    e2e_wait_dirtying hot 30
    e2e_keys m
    e2e_wait_for "Migrate hot" 5 "the migration form opens on hot"
    e2e_form_focus "Allow post-copy"
    e2e_keys Space
    e2e_wait_for "--postcopy" 5 "the virsh preview shows --postcopy"
    e2e_form_focus "Bandwidth limit"
    e2e_type "20"
    e2e_wait_for "--bandwidth 20" 5 "the virsh preview shows the bandwidth"
    e2e_form_launch
    e2e_wait_for "migration #[0-9]+ labhost1(→|->)labhost2" 10 "the migration is shown"

    # The verdict, with post-copy offered under the key P.
    e2e_wait_for "not converging" 120 "the verdict says hot is not converging"
    e2e_wait_for "P switch to post-copy" 10 "the post-copy remedy is offered with its key"
    e2e_assert_screen "P Postcopy" "the footer offers the post-copy key"
    # The stall's causes wrap in the statistics column (shown at 120 columns)
    # instead of being cut with an ellipsis at the screen's edge.
    if [ "$1" = 120 ]; then
        e2e_wait_for "Stall cause:" 10 "the statistics column names the stall's causes"
        causes=$(e2e_screen | sed -n '/Stall cause:/,/Job type:/p')
        if printf '%s\n' "$causes" | grep -Eq '(…|\.\.\.)$'; then
            e2e_fail "a stall cause is cut off instead of wrapped"
        fi
        printf '%s\n' "$causes" | grep -q -- "switch-to-postcopy" ||
            e2e_fail "the stall causes do not end with their remedy (switch-to-postcopy)"
    fi

    e2e_keys P
    e2e_wait_for "Switch the migration of hot to post-copy" 5 "the post-copy confirmation opens"
    e2e_keys y
    e2e_wait_domain_on labhost2 hot "running" 90
    e2e_wait_for "completed: hot now runs on labhost2" 30 "the verdict says it completed"
    e2e_virsh_wait_state 2 hot running
    e2e_keys q
    status=$(e2e_wait_exit 10)
    [ "$status" = "0" ] || e2e_fail "virtmig exited with status $status"
    e2e_tmux kill-server >/dev/null 2>&1
}

run_at 120 40
run_at 80 24
e2e_lab_reset
e2e_log "passed"
