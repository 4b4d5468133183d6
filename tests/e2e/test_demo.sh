#!/usr/bin/env bash
# --demo SCRIPT plays a walkthrough in the console (messages, keys, waits,
# quit) while core updates keep flowing; a bad script is refused before the
# screen is taken, with FILE:LINE and how to fix it, and exit status 2.
. "$(dirname "$0")/lib.sh"
e2e_require

script="$E2E_TMP/walkthrough.demo"
cat > "$script" <<'DEMO'
# wait for the hosts, then look at steady and the help
wait 2
say demo: looking at the lab
keys /
type steady
keys Enter
wait 1
keys F1
wait 1.5
keys Esc
say demo: done
wait 1.5
quit
DEMO
e2e_start 120 40 --demo "$script"
e2e_wait_for "demo: looking at the lab" 15 "the demo's first message shows"
e2e_wait_for "NAME /steady" 10 "the demo typed a filter"
e2e_wait_for "open the migration form" 10 "the demo opened the help"
e2e_wait_for "demo: done" 10 "the demo's last message shows"
status=$(e2e_wait_exit 15)
[ "$status" = "0" ] || e2e_fail "the demo ended with status $status"
e2e_tmux kill-server >/dev/null 2>&1

printf 'say hello\nkeys Sideways\n' > "$E2E_TMP/bad.demo"
e2e_start 120 40 --demo "$E2E_TMP/bad.demo"
status=$(e2e_wait_exit 10)
[ "$status" = "2" ] || e2e_fail "a bad demo script gave status $status, expected 2"
e2e_assert_screen "bad.demo:2: unknown key 'Sideways'" "the error names the file, line and key"
e2e_log "passed"
