#!/usr/bin/env bash
# Below 80x24 the console shows what it needs instead of a broken layout,
# comes back when the window grows, and q still quits.
. "$(dirname "$0")/lib.sh"
e2e_require

e2e_start 70 20
e2e_wait_for "Terminal too small: 70x20" 10 "the too-small screen names the size"
e2e_assert_screen "needs at least 80x24" "the too-small screen says what is needed"
e2e_resize 80 24
e2e_wait_for "^ virtmig  3 hosts" 30 "the console appears at 80x24"
e2e_wait_for "^F1 Help" 5 "the footer appears at 80x24"
e2e_assert_not_screen "Terminal too small"
e2e_resize 79 24
e2e_wait_for "Terminal too small: 79x24" 5 "one column short is too small"
e2e_resize 80 23
e2e_wait_for "Terminal too small: 80x23" 5 "one line short is too small"
e2e_resize 120 40
e2e_wait_for "^F1 Help" 5 "the console comes back at 120x40"
e2e_resize 40 10
e2e_wait_for "Terminal too small: 40x10" 5 "a tiny window shows the message"
e2e_keys q
status=$(e2e_wait_exit 10)
[ "$status" = "0" ] || e2e_fail "virtmig exited with status $status"
e2e_log "passed"
