#!/usr/bin/env bash
# Runs each cmocka unit-test binary given on the command line (built with
# ASan/UBSan) and prints one closing count.
set -uo pipefail
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
# Some tests check that a comma-decimal locale cannot leak into numbers we write
# (JSON, the form). Build the locales they use into a private LOCPATH, so the
# checks run on any machine with Debian's `locales` package, without touching
# the system's locale configuration.
locale_dir=${BUILD:-build}/locale
for spec in de_DE:de_DE.UTF-8 C:C.UTF-8; do
    src=${spec%%:*} name=${spec#*:}
    if [ ! -d "$locale_dir/$name" ]; then
        mkdir -p "$locale_dir"
        localedef -i "$src" -f UTF-8 "$locale_dir/$name" 2>/dev/null ||
            { echo "unit: cannot build the $name locale (is the 'locales' package installed? make deps)" >&2; exit 1; }
    fi
done
export LOCPATH=$locale_dir

passed=0 failed=0 failures=()
for bin in "$@"; do
    echo "== unit: $(basename "$bin")"
    if "$bin"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$bin"); fi
done
echo "unit test programs: $passed passed, $failed failed"
# make check adds every stage's counts into one closing line.
[ -z "${CHECK_TALLY:-}" ] || echo "$passed $failed" >> "$CHECK_TALLY"
[ "$failed" -eq 0 ] || { printf 'failed: %s\n' "${failures[@]}"; exit 1; }
