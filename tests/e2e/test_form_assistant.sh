#!/usr/bin/env bash
# A ladder chosen in the migration form reaches the engine: `steady` launched
# from the form with the minimal-downtime ladder (bandwidth capped so it lasts
# a few seconds) shows that ladder in the detail pane from the start, the virsh
# preview stays libvirt's own line with the ladder noted under it, and the
# migration completes on labhost2 (libvirt agrees). At 120x40.
. "$(dirname "$0")/lib.sh"
e2e_require

e2e_lab_reset
e2e_start 120 40
e2e_wait_lab_shown
e2e_select steady
e2e_wait_dirtying steady 3
e2e_keys m
e2e_wait_for "Migrate steady" 5 "the migration form opens on steady"
e2e_form_focus "Bandwidth limit"
e2e_type "12"
e2e_wait_for "--bandwidth 12" 5 "the virsh preview shows the bandwidth"
e2e_form_focus "Assistant ladder"
e2e_keys Space
e2e_wait_for "assistant: minimal-downtime ladder \(virtmig, not libvirt\)" 5 \
    "the ladder is noted under the virsh line"
e2e_assert_not_screen "migrate .*minimal-downtime" "the ladder leaked into virsh's line"
e2e_form_launch
e2e_wait_for "migration #[0-9]+ labhost1(→|->)labhost2" 10 \
    "the detail pane shows the launched migration"
e2e_wait_for "Assistant: +minimal-downtime: downtime x2 upto" 10 \
    "the migration runs under the ladder chosen in the form"
e2e_assert_screen "steady: assistant on: minimal-downtime" "the engine reports the ladder taken on"
e2e_wait_domain_on labhost2 steady "running" 120
e2e_wait_for "completed: steady now runs on labhost2" 10 \
    "the verdict line says the migration completed"
e2e_virsh_wait_state 2 steady running
e2e_keys q
status=$(e2e_wait_exit 10)
[ "$status" = "0" ] || e2e_fail "virtmig exited with status $status"
e2e_tmux kill-server >/dev/null 2>&1
e2e_lab_reset
e2e_log "passed"
