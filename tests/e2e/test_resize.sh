#!/usr/bin/env bash
# Resizing at any moment redraws cleanly: during a migration of steady the
# window goes 120x40 -> 80x24 -> 100x30 -> 160x50 (side by side) -> 120x40,
# and with the migration form open too. After each resize the header is on
# the first line, the footer keys on the last, the title appears once, and
# the migration is still shown.
. "$(dirname "$0")/lib.sh"
e2e_require
e2e_lab_reset

check_layout()
{
    local width=$1 height=$2 screen lines
    screen=$(e2e_screen)
    lines=$(printf '%s\n' "$screen" | wc -l)
    [ "$lines" -eq "$height" ] || e2e_fail "capture has $lines lines at ${width}x${height}"
    printf '%s\n' "$screen" | head -1 | grep -q "^ virtmig  3 hosts" ||
        e2e_fail "the header is not on the first line at ${width}x${height}"
    printf '%s\n' "$screen" | tail -1 | grep -q "^F1 Help" ||
        e2e_fail "the footer keys are not on the last line at ${width}x${height}"
    [ "$(printf '%s\n' "$screen" | grep -c 'virtmig  3 hosts')" -eq 1 ] ||
        e2e_fail "the header appears more than once at ${width}x${height}"
}

e2e_start 120 40
e2e_wait_lab_shown
e2e_select steady
e2e_wait_dirtying steady 3
e2e_keys m
e2e_wait_for "Migrate steady" 5 "the migration form opens"
# Resize with the form open: it redraws at the new size, border and all.
e2e_resize 80 24
e2e_wait_for "^└" 5 "the form's bottom border is drawn at 80x24"
e2e_assert_screen "^┌─ Migrate steady" "the form's title border is on the first line at 80x24"
e2e_resize 120 40
e2e_wait_for "^┌─ Migrate steady.*┐$" 5 "the form is redrawn at 120x40"
e2e_form_focus "Bandwidth limit"
e2e_type "12"
e2e_form_launch
e2e_wait_domain_on labhost1 steady "[0-9]+% labhost1" 30

for size in "80 24" "100 30" "160 50" "120 40"; do
    set -- $size
    e2e_resize "$1" "$2"
    e2e_wait_for "^F1 Help" 5 "the footer is redrawn at ${1}x${2}"
    sleep 0.3   # let the one redraw after the resize land before reading it
    check_layout "$1" "$2"
    e2e_wait_for "^  steady .*(labhost1(→|->)labhost2)" 5 \
        "steady's migration is still shown at ${1}x${2}"
done
e2e_wait_domain_on labhost2 steady "running" 90
e2e_wait_for "completed: steady now runs on labhost2" 30 "the migration completes"
e2e_keys q
status=$(e2e_wait_exit 10)
[ "$status" = "0" ] || e2e_fail "virtmig exited with status $status"
e2e_lab_reset
e2e_log "passed"
