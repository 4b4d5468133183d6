#!/usr/bin/env bash
# Runs each cmocka unit-test binary given on the command line (built with
# ASan/UBSan) and prints one closing count.
set -uo pipefail
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0 failed=0 failures=()
for bin in "$@"; do
    echo "== unit: $(basename "$bin")"
    if "$bin"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$bin"); fi
done
echo "unit test programs: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || { printf 'failed: %s\n' "${failures[@]}"; exit 1; }
