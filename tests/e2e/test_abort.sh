#!/usr/bin/env bash
# Aborting a running migration of `hot` (confirmed in the dialog) leaves the
# guest running on its source: the console says "cancelled" and libvirt
# agrees (at 120x40 and 80x24). Quitting while a migration runs first warns
# what will happen.
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
    e2e_form_focus "Bandwidth limit"
    e2e_type "20"
    e2e_wait_for "--bandwidth 20" 5 "the virsh preview shows the bandwidth"
    e2e_form_launch
    e2e_wait_domain_on labhost1 hot "[0-9]+% labhost1" 30

    # Quit while it runs: the warning names the peer-to-peer migration; stay.
    e2e_keys q
    e2e_wait_for "Peer-to-peer \(hot\)" 5 "the quit warning names the running p2p migration"
    e2e_keys n
    e2e_wait_gone "Quit virtmig\?" 5

    # Tune it while it runs: bandwidth and max downtime through the number dialogs;
    # the job statistics show what libvirt now applies.
    e2e_keys b
    e2e_wait_for "Set bandwidth" 5 "the bandwidth dialog opens"
    e2e_keys C-u
    e2e_type "15"
    e2e_keys Enter
    e2e_wait_for "Bandwidth cap: +15.0 MiB/s" 15 "the new bandwidth cap is shown"
    e2e_keys d
    e2e_wait_for "Set max downtime" 5 "the max downtime dialog opens"
    e2e_keys C-u
    e2e_type "2s"
    e2e_keys Enter
    e2e_wait_for "Max downtime: +2.0 s" 15 "the new max downtime is shown"
    # A bad number is refused inside the dialog, which stays open.
    e2e_keys b
    e2e_wait_for "Set bandwidth" 5 "the bandwidth dialog opens again"
    e2e_keys C-u
    e2e_type "fast"
    e2e_keys Enter
    sleep 0.5
    e2e_assert_screen "Set bandwidth" "the dialog closed on a bad number"
    e2e_keys Escape
    e2e_wait_gone "Set bandwidth" 5

    e2e_keys a
    e2e_wait_for "Abort the migration of hot from labhost1 to labhost2" 5 \
        "the abort confirmation explains what happens"
    e2e_keys y
    e2e_wait_domain_on labhost1 hot "cancelled" 30
    e2e_wait_for "cancelled: hot stays on labhost1" 10 "the verdict says it stays on the source"
    e2e_wait_domain_on labhost1 hot "running" 10
    e2e_virsh_wait_state 1 hot running
    e2e_virsh_absent 2 hot
    e2e_keys q
    status=$(e2e_wait_exit 10)
    [ "$status" = "0" ] || e2e_fail "virtmig exited with status $status"
    e2e_tmux kill-server >/dev/null 2>&1
}

run_at 120 40
run_at 80 24
e2e_lab_reset
e2e_log "passed"
