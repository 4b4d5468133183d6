#!/usr/bin/env bash
# Post-copy that is interrupted and recovered: hot switched to post-copy with
# a slow post-copy bandwidth; a plain abort is refused in post-copy, so the
# abort key explains that and offers the post-copy abort, which leaves the
# guest paused on both hosts ("post-copy failed"); the console then offers
# only the recovery key (not migrate, not resume), and R finishes the
# migration on labhost2.
. "$(dirname "$0")/lib.sh"
e2e_require
e2e_lab_reset

e2e_start 120 40
e2e_wait_lab_shown
e2e_select hot
e2e_wait_dirtying hot 30
e2e_keys m
e2e_wait_for "Migrate hot" 5 "the migration form opens on hot"
e2e_form_focus "Allow post-copy"
e2e_keys Space
e2e_form_focus "Post-copy bandwidth"
e2e_type "5"
e2e_form_focus "Bandwidth limit"
e2e_type "20"
e2e_wait_for "--postcopy-bandwidth 5" 5 "the virsh preview shows the post-copy bandwidth"
e2e_form_launch
e2e_wait_for "P switch to post-copy" 120 "post-copy is offered"
e2e_keys P
e2e_wait_for "Switch the migration of hot to post-copy" 5 "the post-copy confirmation opens"
e2e_keys y
e2e_wait_domain_on labhost2 hot "post-copy labhost1" 30

e2e_keys a
e2e_wait_for "A plain abort is refused now" 5 "the abort dialog explains post-copy"
e2e_assert_screen "Post-copy abort" "the dialog offers the post-copy abort"
e2e_keys y
e2e_wait_domain_on labhost1 hot "post-copy failed" 30
e2e_wait_for "paused on both hosts: R resumes the post-copy migration" 10 \
    "the verdict says how to recover"
e2e_wait_for "R Recover" 5 "the footer offers the recovery key"
e2e_assert_not_screen " m Migrate " "migrating afresh must not be offered after a failed post-copy"
e2e_assert_not_screen " s Resume " "resuming the source must not be offered after a failed post-copy"

e2e_keys R
e2e_wait_domain_on labhost2 hot "running" 120
e2e_wait_for "completed: hot now runs on labhost2" 120 "the recovered migration completes"
e2e_virsh_wait_state 2 hot running
e2e_keys q
status=$(e2e_wait_exit 10)
[ "$status" = "0" ] || e2e_fail "virtmig exited with status $status"
e2e_lab_reset
e2e_log "passed"
