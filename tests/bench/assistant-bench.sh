#!/usr/bin/env bash
# Benchmark: a guest that does not converge (the lab's `hot`, 200 MiB rewritten
# at ~100 MiB/s) migrated from labhost1 to labhost2 at a 50 MiB/s cap, three ways:
#
#   plain      what an operator types: virsh migrate --live --p2p --bandwidth 50;
#              aborted (virsh domjobabort) when not done within BOUND_S.
#   ramp       a time-based max-downtime ramp like OpenStack Nova's
#              live_migration_downtime / _steps / _delay: Nova's cap (500 ms) and
#              step count (10), raised with virsh migrate-setmaxdowntime every
#              RAMP_DELAY_S seconds (Nova's 75 s per GiB would reach only its
#              second step within the bound), aborted after BOUND_S.
#   assistant  virtmig's headless migrate with the assistant's post-copy ladder
#              (--postcopy --assistant post-copy): steps fire on iterations
#              without a new low of the remaining data, not on time.
#
# Prints one table: method, completed, total time, actual downtime (from the
# completed job statistics, virsh domjobinfo --completed), iterations. The
# guest is put back on labhost1 after each run.
#
# Usage: LAB_INSTANCE=N tests/bench/assistant-bench.sh [path/to/virtmig]
# Needs the lab up (LAB_INSTANCE=N tests/lab/lab.sh up). Not a test: it
# measures; it fails only when it cannot run a method at all.
set -u -o pipefail

cd "$(dirname "$0")/../.." || exit 2
VIRTMIG=${1:-build/virtmig}
BOUND_S=${BOUND_S:-90}
RAMP_DELAY_S=${RAMP_DELAY_S:-8}
RAMP_CAP_MS=500
RAMP_STEPS=10
GUEST=hot
export LAB_INSTANCE=${LAB_INSTANCE:-0}

eval "$(tests/lab/lab.sh env)" || { echo "bench: lab instance $LAB_INSTANCE is not up" >&2; exit 2; }
[ -x "$VIRTMIG" ] || { echo "bench: $VIRTMIG not built (make)" >&2; exit 2; }
SRC=$LAB_URI1
DST=$LAB_URI2
LOG=$(mktemp -d /tmp/assistant-bench.XXXXXX)
ROWS=()

say() { printf 'bench [%s]: %s\n' "$(date +%T)" "$*" >&2; }

now_ms() { date +%s%3N; }

# A field of `virsh domjobinfo` output, e.g. field "Iteration" file.
field() {
    awk -F: -v key="$1" '$1 == key { sub(/^[ \t]+/, "", $2); sub(/[ \t]+$/, "", $2);
                                     gsub(/[ \t]+/, " ", $2); print $2; exit }' "$2"
}

where_is_guest() {
    local uri
    for uri in "$SRC" "$DST"; do
        if [ "$(virsh -c "$uri" domstate "$GUEST" 2>/dev/null | head -1)" = running ]; then
            echo "$uri"
            return
        fi
    done
}

# Back on labhost1, running, dirtying memory again.
put_back() {
    local where
    where=$(where_is_guest)
    if [ "$where" = "$DST" ]; then
        say "putting $GUEST back on labhost1 (post-copy after the first pass)"
        virsh -c "$DST" migrate --live --p2p --postcopy --postcopy-after-precopy \
            "$GUEST" "$SRC" >"$LOG/putback.out" 2>&1 ||
            { say "migrating back failed: $(cat "$LOG/putback.out"); resetting the lab"; \
              tests/lab/lab.sh reset >&2; }
    elif [ "$where" != "$SRC" ]; then
        say "$GUEST is running nowhere; resetting the lab"
        tests/lab/lab.sh reset >&2
    fi
    [ "$(where_is_guest)" = "$SRC" ] || { say "cannot put $GUEST back on labhost1"; exit 1; }
    # The guest must be writing again (a reset restarts it): a few seconds.
    sleep 5
}

dirty_rate_mib() {
    virsh -c "$SRC" domdirtyrate-calc "$GUEST" --seconds 1 >/dev/null 2>&1
    sleep 2
    virsh -c "$SRC" domstats "$GUEST" --dirtyrate 2>/dev/null |
        awk -F= '/dirtyrate.megabytes_per_second/ { print $2 }'
}

# Completed statistics: libvirt keeps those of an outgoing migration on the
# source's (now inactive) definition; the destination has none for p2p.
completed_stats() {
    local uri
    for uri in "$SRC" "$DST"; do
        virsh -c "$uri" domjobinfo "$GUEST" --completed >"$1" 2>/dev/null &&
            grep -q '^Job type: *Completed' "$1" && return
    done
}

# Watches a running job until it ends or BOUND_S passes; keeps its last sample.
# Calls ramp_step (if set) every second with the elapsed seconds.
watch_job() {
    local start=$1 name=$2 pid=$3 ramp=${4:-}
    local last_step=-1
    while kill -0 "$pid" 2>/dev/null; do
        local elapsed=$(( ($(now_ms) - start) / 1000 ))
        virsh -c "$SRC" domjobinfo "$GUEST" >"$LOG/$name.job.tmp" 2>/dev/null &&
            grep -q '^Iteration' "$LOG/$name.job.tmp" && cp "$LOG/$name.job.tmp" "$LOG/$name.job"
        if [ -n "$ramp" ]; then
            local step=$(( elapsed / RAMP_DELAY_S ))
            [ "$step" -gt "$RAMP_STEPS" ] && step=$RAMP_STEPS
            if [ "$step" -ne "$last_step" ]; then
                # Nova: base = cap / steps, each step adds (cap - base) / steps.
                local base=$(( RAMP_CAP_MS / RAMP_STEPS ))
                local ms=$(( base + (RAMP_CAP_MS - base) * step / RAMP_STEPS ))
                virsh -c "$SRC" migrate-setmaxdowntime "$GUEST" "$ms" >/dev/null 2>&1 &&
                    say "ramp: max downtime $ms ms at ${elapsed}s"
                last_step=$step
            fi
        fi
        if [ "$elapsed" -ge "$BOUND_S" ]; then
            say "$name: not done after ${BOUND_S}s: aborting"
            virsh -c "$SRC" domjobabort "$GUEST" >/dev/null 2>&1
            wait "$pid" 2>/dev/null
            return 1
        fi
        sleep 1
    done
    wait "$pid"
}

# One row from how the run ended.
record() {
    local method=$1 start=$2 end=$3 done=$4
    local total downtime iterations
    total=$(awk -v ms=$(( end - start )) 'BEGIN { printf "%.1f s", ms / 1000 }')
    if [ "$done" = yes ]; then
        completed_stats "$LOG/$method.completed"
        downtime=$(field "Total downtime" "$LOG/$method.completed")
        iterations=$(field "Iteration" "$LOG/$method.completed")
    else
        downtime="- (aborted)"
        iterations=$(field "Iteration" "$LOG/$method.job" 2>/dev/null)
    fi
    ROWS+=("$(printf '| %-29s | %-9s | %-10s | %-16s | %-10s |' "$method" "$done" "$total" \
        "${downtime:-?}" "${iterations:-?}")")
    say "$method: completed=$done total=$total downtime=${downtime:-?} iterations=${iterations:-?}"
}

run_virsh() {
    local method=$1 ramp=${2:-}
    put_back
    say "$method: dirty rate of $GUEST before: $(dirty_rate_mib) MiB/s"
    local start
    start=$(now_ms)
    virsh -c "$SRC" migrate --live --p2p --bandwidth 50 "$GUEST" "$DST" \
        >"$LOG/$method.out" 2>&1 &
    local pid=$!
    local done=no
    watch_job "$start" "$method" "$pid" "$ramp" && done=yes
    local end
    end=$(now_ms)
    [ "$done" = yes ] && [ "$(where_is_guest)" != "$DST" ] && done=no
    record "$method" "$start" "$end" "$done"
}

run_assistant() {
    local method="virtmig assistant (post-copy)"
    put_back
    say "assistant: dirty rate of $GUEST before: $(dirty_rate_mib) MiB/s"
    local start
    start=$(now_ms)
    XDG_STATE_HOME=$LOG "$VIRTMIG" --lab migrate "$GUEST" --from labhost1 --to labhost2 \
        --bandwidth 50 --postcopy --assistant post-copy >"$LOG/assistant.out" 2>&1 &
    local pid=$!
    local done=no
    watch_job "$start" assistant "$pid" && done=yes
    local end
    end=$(now_ms)
    grep '^virtmig: assistant' "$LOG/assistant.out" >&2
    [ "$done" = yes ] && [ "$(where_is_guest)" != "$DST" ] && done=no
    record "$method" "$start" "$end" "$done"
}

say "lab $LAB_INSTANCE ($LAB_ACCEL), logs in $LOG"
run_virsh "plain pre-copy (virsh)"
run_virsh "Nova-like downtime ramp" ramp
run_assistant
put_back

CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "hot (512 MiB, 200 MiB rewritten at ~100 MiB/s) labhost1 -> labhost2, bandwidth 50 MiB/s,"
echo "bound ${BOUND_S} s; ramp: ${RAMP_STEPS} steps to ${RAMP_CAP_MS} ms every ${RAMP_DELAY_S} s."
echo "nproc $(nproc), CPU: $CPU, accelerator: $LAB_ACCEL"
echo
echo "| method                        | completed | total time | actual downtime  | iterations |"
echo "|-------------------------------|-----------|------------|------------------|------------|"
printf '%s\n' "${ROWS[@]}"
