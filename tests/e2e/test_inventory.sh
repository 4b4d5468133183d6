#!/usr/bin/env bash
# Every lab guest appears under its host, with all three hosts connected, at
# 120x40 and at the smallest supported size 80x24; the "connecting" notice
# clears once they are; the selected row stays highlighted across its
# dirty-rate sparkline; the help screen lists the
# keys and closes again; a mouse click selects a row and the wheel moves the
# selection; q quits with status 0.
. "$(dirname "$0")/lib.sh"
e2e_require
e2e_lab_reset

for size in "120 40" "80 24"; do
    set -- $size
    e2e_log "at ${1}x${2}"
    e2e_start "$1" "$2"
    e2e_wait_lab_shown
    e2e_assert_screen "labhost1: connected, 6 domains" "header shows labhost1 with its 6 domains"
    e2e_assert_screen "labhost2" "header names labhost2"
    e2e_assert_screen "labhost3" "header names labhost3"
    # Once every host has answered, the start-up notice no longer says
    # "connecting".
    e2e_wait_gone "connecting to the hosts" 5
    e2e_assert_screen "all hosts are connected" "the message line says the hosts connected"
    if [ "$1" = 120 ]; then
        # The selected row keeps its highlight through the DIRTY sparkline:
        # from the row's own colours on, no colour change up to the last
        # sparkline glyph (hot is selected and sampled automatically).
        e2e_select hot
        e2e_wait_for "^  hot .*[▁▂▃▄▅▆▇█]" 20 "the selected hot guest shows its sparkline"
        row=$(e2e_tmux capture-pane -ep -t "$E2E_SESSION" | grep -a "  hot  " | head -1)
        span=$(printf '%s' "$row" |
               LC_ALL=C.UTF-8 sed -E 's/^(\x1b\[[0-9;]*m)*//; s/^(.*[▁▂▃▄▅▆▇█]).*$/\1/')
        case "$span" in
            *$'\e['*) e2e_fail "the selected row changes colour before its sparkline ends:" \
                           "$(printf '%s' "$span" | cat -v)" ;;
        esac
        e2e_keys Escape
        e2e_wait_gone "NAME /hot" 5
    fi
    # Mouse: a click selects a row, the wheel moves the selection.
    e2e_keys Home
    row=$(e2e_row_of idle)
    [ -n "$row" ] || e2e_fail "idle's row is not on the screen"
    e2e_click "$row" 4
    e2e_wait_for "^ idle on labhost1" 5 "a click on idle's row selects it"
    e2e_wheel_down "$row" 4
    e2e_wait_for "^ local-disk on labhost1" 5 "the wheel moves the selection down"
    e2e_wheel_up "$row" 4
    e2e_wait_for "^ idle on labhost1" 5 "the wheel moves the selection up"
    e2e_select parked
    e2e_wait_domain_on labhost1 parked "shut off" 5
    e2e_select steady
    e2e_wait_domain_on labhost1 steady "running" 5
    e2e_keys Escape
    e2e_wait_gone "NAME /steady" 5
    e2e_assert_screen "F1 Help" "footer lists the help key"
    # Help: generated from the key table, scrollable, closes with Esc.
    e2e_keys F1
    e2e_wait_for "open the migration form" 5 "the help screen lists the migrate key"
    e2e_keys Escape
    e2e_wait_gone "open the migration form" 5
    # The theme key cycles to the next theme file and saves the choice.
    e2e_keys t
    e2e_wait_for "theme [a-z-]+ \(saved in " 5 "the footer confirms the theme change"
    grep -Eq "^theme = (high-contrast|light|monochrome|default)$" \
        "$E2E_TMP/config/virtmig/virtmig.conf" 2>/dev/null ||
        e2e_fail "the theme choice was not saved in virtmig.conf"
    e2e_keys q
    status=$(e2e_wait_exit 10)
    [ "$status" = "0" ] || e2e_fail "virtmig exited with status $status, expected 0"
    e2e_tmux kill-server >/dev/null 2>&1
done
e2e_log "passed"
