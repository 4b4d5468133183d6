#!/usr/bin/env bash
# A live migration of `steady` launched from the form (bandwidth capped so it
# lasts a few seconds): the table's progress bar shows the direction and a
# percentage that advances and never falls, and the guest ends running on
# the destination, where the selection follows it; the shut-off copy left on
# the source shows no dirty-rate sparkline. At 120x40 and 80x24.
. "$(dirname "$0")/lib.sh"
e2e_require

migrate_steady()
{
    local width=$1 height=$2
    e2e_log "at ${width}x${height}"
    e2e_lab_reset
    e2e_start "$width" "$height"
    e2e_wait_lab_shown
    e2e_select steady
    e2e_wait_dirtying steady 3
    e2e_keys m
    e2e_wait_for "Migrate steady" 5 "the migration form opens on steady"
    e2e_form_focus "Bandwidth limit"
    e2e_type "12"
    e2e_wait_for "--bandwidth 12" 5 "the virsh preview shows the bandwidth"
    e2e_form_launch
    e2e_wait_for "migration #[0-9]+ labhost1(→|->)labhost2" 10 \
        "the detail pane shows the launched migration"

    # Watch the percentage in steady's row on labhost1 until it completes.
    local deadline=$((SECONDS + 90)) seen=() last=-1 line percent
    while [ $SECONDS -lt $deadline ]; do
        line=$(e2e_domain_line labhost1 steady)
        if echo "$line" | grep -q "completed"; then
            break
        fi
        percent=$(echo "$line" | grep -Eo '[0-9]+% labhost1' | grep -Eo '^[0-9]+')
        if [ -n "$percent" ]; then
            echo "$line" | grep -Eq "labhost1(→|->)labhost2" ||
                e2e_fail "the migration cell does not show the direction labhost1 -> labhost2"
            [ "$percent" -ge "$last" ] || [ "$last" -lt 0 ] ||
                e2e_fail "the progress went backwards: $last% then $percent%"
            if [ "$percent" != "$last" ]; then
                seen+=("$percent")
                last=$percent
            fi
        fi
        sleep 0.1
    done
    e2e_log "percentages seen while running: ${seen[*]:-none}"
    [ "${#seen[@]}" -ge 2 ] && [ "${seen[0]}" -lt 100 ] ||
        e2e_fail "no progress below 100% was shown while it ran (seen: ${seen[*]:-none})"
    # It ends full: the overall bar of the finished migration reads 100%.
    e2e_wait_for "^Total .* 100% " 10 "the overall progress bar ends at 100%"
    e2e_wait_domain_on labhost2 steady "running" 30
    e2e_wait_for "completed: steady now runs on labhost2" 10 \
        "the verdict line says the migration completed"
    # libvirt agrees: steady runs on labhost2.
    e2e_virsh_wait_state 2 steady running
    # The copy left shut off on labhost1 (launched without --undefinesource)
    # dirties nothing: its row shows no sparkline, not the rate sampled while
    # it ran there.
    e2e_wait_domain_on labhost1 steady "shut off" 15
    line=$(e2e_domain_line labhost1 steady)
    if echo "$line" | grep -q "[▁▂▃▄▅▆▇█]"; then
        e2e_fail "the shut-off copy on labhost1 still shows a dirty-rate sparkline: $line"
    fi
    e2e_keys q
    status=$(e2e_wait_exit 10)
    [ "$status" = "0" ] || e2e_fail "virtmig exited with status $status"
    e2e_tmux kill-server >/dev/null 2>&1
}

migrate_steady 120 40
migrate_steady 80 24
e2e_lab_reset
e2e_log "passed"
