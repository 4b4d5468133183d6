#!/usr/bin/env bash
# Runs each integration-test binary against the running lab. The lab must be
# up: a test that cannot reach it fails (never skips).
set -uo pipefail
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
if ! tests/lab/lab.sh status >/dev/null 2>&1; then
    echo "integration: the lab is not running: 'make lab-up' first (make check does it)" >&2
    exit 1
fi
passed=0 failed=0 failures=()
for bin in "$@"; do
    echo "== integration: $(basename "$bin")"
    if "$bin"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$bin"); fi
done
echo "integration test programs: $passed passed, $failed failed"
# make check adds every stage's counts into one closing line.
[ -z "${CHECK_TALLY:-}" ] || echo "$passed $failed" >> "$CHECK_TALLY"
[ "$failed" -eq 0 ] || { printf 'failed: %s\n' "${failures[@]}"; exit 1; }
