#!/usr/bin/env bash
# The lab's instance lock: a lab.sh that changes an instance (here `reset`)
# waits while another holds the lock, says so, and goes on once it is free;
# and no daemon the lab started keeps the lock (they outlive lab.sh).
# Needs the instance up (make check runs it right after `lab.sh up`).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/lab/lib/common.sh
lab_init_instance
lock="/run/virtmig-lab$LAB_INSTANCE.lock"
fail() { echo "lab lock test: FAILED: $*" >&2; exit 1; }

flock -n "$lock" true || fail "$lock is held right after 'lab.sh up': a lab daemon inherited it"

# Another lab.sh holds the lock for 2 s.
( exec 8>"$lock"; flock 8; sleep 2 ) &
holder=$!
sleep 0.3
started=$(date +%s%N)
output=$(tests/lab/lab.sh reset 2>&1)
rc=$?
waited_ms=$((($(date +%s%N) - started) / 1000000))
wait "$holder"
[ $rc -eq 0 ] || fail "'lab.sh reset' failed after waiting: $output"
grep -q "another lab.sh is changing instance $LAB_INSTANCE; waiting" <<<"$output" ||
    fail "'lab.sh reset' did not say it was waiting: $output"
[ "$waited_ms" -ge 1500 ] || fail "'lab.sh reset' finished after $waited_ms ms, inside the other's 2 s hold"
flock -n "$lock" true || fail "$lock is still held after 'lab.sh reset': a lab daemon inherited it"
echo "lab lock test: passed ('lab.sh reset' waited, then finished after $waited_ms ms; the lock is free)"
