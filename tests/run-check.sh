#!/usr/bin/env bash
# `make check`, the README's test command and all that CI runs:
#   deps -> build -> unit tests (ASan/UBSan) -> lab up -> lab lock test -> integration tests ->
#   UI tests in tmux -> lab down (always, even after a failure) -> leftovers test.
# If the lab cannot start, this fails and says why: nothing is skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
start=$(date +%s)
# Each test runner appends "passed failed" here; the last line sums them.
export CHECK_TALLY="$BUILD/check-tally"
mkdir -p "$BUILD" && : > "$CHECK_TALLY"
tally() {
    awk '{ p += $1; f += $2 } END { printf "check: %d passed, %d failed\n", p, f }' "$CHECK_TALLY"
}
step() { echo; echo "=== check: $* ($(( $(date +%s) - start )) s)"; }

step deps
tests/lab/deps.sh || exit 1

step build
make -j"$(nproc)" BUILD="$BUILD" all tests || exit 1

step unit tests
make --no-print-directory BUILD="$BUILD" unit || { tally; exit 1; }

step lab up
if ! tests/lab/lab.sh up; then
    echo "check: FAILED: the lab did not start (its log is above); integration and UI tests need it" >&2
    tests/lab/lab.sh down || true
    tally
    exit 1
fi

rc=0
step lab lock
if tests/lab/test-lock.sh; then echo "1 0" >> "$CHECK_TALLY"; else echo "0 1" >> "$CHECK_TALLY"; rc=1; fi

step integration tests
make --no-print-directory BUILD="$BUILD" integration || rc=1

step UI tests
make --no-print-directory BUILD="$BUILD" e2e || rc=1

step lab down
tests/lab/lab.sh down || rc=1
if tests/lab/leftovers.sh; then echo "1 0" >> "$CHECK_TALLY"; else echo "0 1" >> "$CHECK_TALLY"; rc=1; fi

step "done, $([ $rc -eq 0 ] && echo passed || echo FAILED)"
echo "(counts are test programs: unit, integration, UI, and the lab lock and leftovers checks)"
tally
exit $rc
