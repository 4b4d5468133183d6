#!/usr/bin/env bash
# Runs every UI test (tests/e2e/test_*.sh, or the ones named on the command
# line) against the running lab and prints "N passed, N failed".
# Uses LAB_INSTANCE from the environment (default 0) and BUILD (default build).
# A missing tmux, binary or lab fails the run: nothing is skipped.
set -uo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
export LAB_INSTANCE=${LAB_INSTANCE:-0}

if ! command -v tmux >/dev/null 2>&1; then
    echo "e2e: FAILED: tmux is not installed: run 'make deps'" >&2
    exit 1
fi
if ! tests/lab/lab.sh status >/dev/null 2>&1; then
    echo "e2e: FAILED: lab instance $LAB_INSTANCE is not running:" \
         "'LAB_INSTANCE=$LAB_INSTANCE tests/lab/lab.sh up' (make check does it)" >&2
    exit 1
fi

if [ $# -gt 0 ]; then
    tests=("$@")
else
    tests=(tests/e2e/test_*.sh)
fi
passed=0 failed=0 failures=()
for test in "${tests[@]}"; do
    name=$(basename "$test" .sh)
    start=$SECONDS
    echo "== e2e: $name"
    if bash "$test"; then
        passed=$((passed + 1))
        echo "== e2e: $name passed ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "== e2e: $name FAILED ($((SECONDS - start)) s)"
    fi
done
echo "e2e: $passed passed, $failed failed"
# make check adds every stage's counts into one closing line.
[ -z "${CHECK_TALLY:-}" ] || echo "$passed $failed" >> "$CHECK_TALLY"
[ "$failed" -eq 0 ] || { printf 'failed: %s\n' "${failures[@]}"; exit 1; }
