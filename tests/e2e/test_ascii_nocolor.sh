#!/usr/bin/env bash
# LANG=C: not one byte outside ASCII on the screen (lines, bars, graph,
# arrows, ellipses all fall back), in the table, the detail pane with a live
# graph, the help viewer and the form. NO_COLOR=1: no colour is ever set
# (tmux capture-pane -e shows the attributes), yet the selection still shows
# (reverse video). At 120x40 and 80x24.
. "$(dirname "$0")/lib.sh"
e2e_require
e2e_lab_reset

assert_ascii()
{
    if e2e_screen | LC_ALL=C grep -q '[^ -~]'; then
        e2e_fail "non-ASCII bytes on the screen under LANG=C ($1): $(e2e_screen |
            LC_ALL=C grep -n '[^ -~]' | head -3)"
    fi
}

# Every SGR parameter that sets a colour (30-37, 38, 40-47, 48, 90-97, 100-107).
colour_codes()
{
    e2e_tmux capture-pane -e -p -t "$E2E_SESSION" |
        perl -ne 'while (/\e\[([0-9;]*)m/g) { for (split /;/, $1) {
                      print "$_\n" if /^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/ } }'
}

for size in "120 40" "80 24"; do
    set -- $size
    e2e_log "at ${1}x${2}"
    e2e_start "$1" "$2" LANG=C LC_ALL=C NO_COLOR=1
    e2e_wait_lab_shown
    assert_ascii "table"
    e2e_select steady
    e2e_wait_dirtying steady 3
    e2e_wait_for "#" 10 "the ASCII graph or sparkline draws with #"
    assert_ascii "detail pane with a graph"
    codes=$(colour_codes)
    [ -z "$codes" ] || e2e_fail "NO_COLOR=1 but colour codes were sent: $(echo $codes | head -c 80)"
    e2e_tmux capture-pane -e -p -t "$E2E_SESSION" | grep -q $'\e\[[0-9;]*7[;m]' ||
        e2e_fail "NO_COLOR: reverse video is not used for the selection or header"
    e2e_keys F1
    e2e_wait_for "open the migration form" 5 "the help viewer opens"
    assert_ascii "help viewer"
    e2e_keys Escape
    e2e_wait_gone "open the migration form" 5
    e2e_keys m
    e2e_wait_for "Migrate steady" 5 "the form opens"
    assert_ascii "migration form"
    [ -z "$(colour_codes)" ] || e2e_fail "NO_COLOR=1 but the form sent colour codes"
    e2e_keys Escape
    e2e_wait_gone "Migrate steady" 5
    e2e_keys q
    status=$(e2e_wait_exit 10)
    [ "$status" = "0" ] || e2e_fail "virtmig exited with status $status"
    e2e_tmux kill-server >/dev/null 2>&1
done

# And with colours allowed, colours are used (so the check above means something).
e2e_start 120 40 LANG=C.UTF-8
e2e_wait_lab_shown
[ -n "$(colour_codes)" ] || e2e_fail "without NO_COLOR the default theme sent no colour"
e2e_keys q
e2e_wait_exit 10 >/dev/null
e2e_log "passed"
