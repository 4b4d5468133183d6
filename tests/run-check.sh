#!/usr/bin/env bash
# `make check`, the README's test command and all that CI runs:
#   deps -> build -> unit tests (ASan/UBSan) -> lab up -> integration tests ->
#   UI tests in tmux -> lab down (always, even after a failure) -> leftovers test.
# If the lab cannot start, this fails and says why: nothing is skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
start=$(date +%s)
step() { echo; echo "=== check: $* ($(( $(date +%s) - start )) s)"; }

step deps
tests/lab/deps.sh || exit 1

step build
make -j"$(nproc)" BUILD="$BUILD" all tests || exit 1

step unit tests
make --no-print-directory BUILD="$BUILD" unit || exit 1

step lab up
if ! tests/lab/lab.sh up; then
    echo "check: FAILED: the lab did not start (its log is above); integration and UI tests need it" >&2
    tests/lab/lab.sh down || true
    exit 1
fi

rc=0
step integration tests
make --no-print-directory BUILD="$BUILD" integration || rc=1

step UI tests
make --no-print-directory BUILD="$BUILD" e2e || rc=1

step lab down
tests/lab/lab.sh down || rc=1
tests/lab/leftovers.sh || rc=1

step "done, $([ $rc -eq 0 ] && echo passed || echo FAILED)"
exit $rc
