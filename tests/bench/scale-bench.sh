#!/usr/bin/env bash
# The engine's performance benchmark, against a running lab instance:
#
#   scale      20 hosts x 250 domains (libvirt test-driver node files opened as
#              test+tcp://LABHOST/PATH/node.xml, so every call crosses real RPC
#              to a real lab daemon), refreshed at 1 Hz by virtmig's engine
#              (tests/bench/engine_bench.c): CPU per second and peak RSS;
#              and, for comparison, `virsh domstats` of each host once a second.
#   isolation  the same 20 hosts; labhost3's veth is set down halfway: the other
#              hosts' refresh intervals and a suspend/resume request's
#              turnaround, before and during the cut.
#   overhead   `virsh migrate --live --p2p` of steady labhost1 <-> labhost2,
#              alone and while the engine watches all three lab hosts: the
#              wall-time ratio of the medians.
#
# Prints one markdown table. Needs root (ip link) and the lab:
#   LAB_INSTANCE=7 tests/lab/lab.sh up && LAB_INSTANCE=7 BUILD=/tmp/b tests/bench/scale-bench.sh
# Environment: BUILD (default build), LAB_INSTANCE (default 0), BENCH_SECONDS
# (scale phase, default 60), BENCH_CUT_SECONDS (each isolation phase, default
# 20), BENCH_ROUNDS (migrations each way and mode, default 8), BENCH_PHASES
# (default "scale isolation overhead": a subset runs only those; the table
# then shows "-" for the others).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
LAB_INSTANCE=${LAB_INSTANCE:-0}
export LAB_INSTANCE
SCALE_SECONDS=${BENCH_SECONDS:-60}
CUT_SECONDS=${BENCH_CUT_SECONDS:-20}
ROUNDS=${BENCH_ROUNDS:-8}
PHASES=" ${BENCH_PHASES:-scale isolation overhead} "
wanted() { [[ "$PHASES" == *" $1 "* ]]; }
HOST_COUNT=20
DOMAINS_PER_HOST=250

die() { echo "scale-bench: $*" >&2; exit 1; }
note() { echo "scale-bench: $*" >&2; }

[ "$(id -u)" -eq 0 ] || die "needs root (it cuts a lab host's link with ip link)"
tests/lab/lab.sh status >/dev/null 2>&1 ||
    die "lab instance $LAB_INSTANCE is not up: run 'LAB_INSTANCE=$LAB_INSTANCE tests/lab/lab.sh up'"
eval "$(tests/lab/lab.sh env)"

# The engine's objects as the product builds them (-O2, no sanitizers), and the driver.
make -s BUILD="$BUILD" all >&2 || die "the build failed"
driver="$BUILD/bench/engine_bench"
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -Icore \
    $(pkg-config --cflags libvirt libxml-2.0) -o "$driver" tests/bench/engine_bench.c \
    "$BUILD"/obj/core/*.o $(pkg-config --libs libvirt libxml-2.0) -lpthread -lm ||
    die "cannot build $driver"
floor="$BUILD/bench/libvirt_floor"
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g $(pkg-config --cflags libvirt) \
    -o "$floor" tests/bench/libvirt_floor.c $(pkg-config --libs libvirt) -lpthread ||
    die "cannot build $floor"

# Node files where every lab daemon can read them (their private mounts cover
# only libvirt's own directories).
work="/var/tmp/virtmig-bench-$LAB_INSTANCE"
rm -rf "$work"
mkdir -p "$work"
trap 'ip link set "vmlab${LAB_INSTANCE}h3" up 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
addresses=()
for k in 1 2 3; do
    uri_var="LAB_URI$k"
    addresses+=("$(echo "${!uri_var}" | sed -E 's|^[a-z+]+://([^/]+)/.*|\1|')")
done
hosts_file="$work/hosts.conf"
for h in $(seq 1 $HOST_COUNT); do
    node="$work/node$h.xml"
    {
        echo "<node>"
        for d in $(seq 0 $((DOMAINS_PER_HOST - 1))); do
            printf "<domain type='test'><name>vm%04d</name><uuid>%08x-0000-4000-8000-%012x</uuid>" \
                "$d" "$h" "$d"
            echo "<memory>262144</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"
        done
        echo "</node>"
    } > "$node"
    # Hosts spread over the three lab daemons: host h on labhost ((h-1) % 3) + 1.
    printf 'bench%02d test+tcp://%s%s\n' "$h" "${addresses[$(((h - 1) % 3))]}" "$node" >> "$hosts_file"
done

value() { local v; v=$(sed -n "s/^$1=//p" "$2" | head -1); echo "${v:--}"; }

# ---- scale -------------------------------------------------------------
touch "$work/scale.out" "$work/isolation.out" "$work/floor.out" "$work/floor-per-host.out"
virsh_out="$work/virsh.out" virsh_cpu_ms_per_s=- virsh_one_ms=-
echo "calls=0" > "$virsh_out"
alone=() watched=() alone_median=- watched_median=- ratio=- spread=
if wanted scale; then
note "scale: $HOST_COUNT hosts x $DOMAINS_PER_HOST domains for ${SCALE_SECONDS}s"
"$driver" "$hosts_file" "$SCALE_SECONDS" > "$work/scale.out" || die "the scale run failed"

note "scale: libvirt's floor, the same bulk call alone, for ${SCALE_SECONDS}s"
"$floor" "$hosts_file" "$SCALE_SECONDS" > "$work/floor.out" || die "the floor run failed"
note "scale: libvirt's floor with a thread per host, as the engine has, for ${SCALE_SECONDS}s"
"$floor" "$hosts_file" "$SCALE_SECONDS" per-host > "$work/floor-per-host.out" ||
    die "the per-host floor run failed"

note "scale: virsh domstats of each host once a second for ${SCALE_SECONDS}s"
uris=()
while read -r _ uri; do uris+=("$uri"); done < "$hosts_file"
(
    end=$((SECONDS + SCALE_SECONDS)) calls=0 failures=0
    while [ $SECONDS -lt $end ]; do
        tick=$(date +%s%N)
        for uri in "${uris[@]}"; do
            virsh -q -c "$uri" domstats --state >/dev/null 2>&1 || failures=$((failures + 1))
            calls=$((calls + 1))
        done
        spent_ms=$((($(date +%s%N) - tick) / 1000000))
        [ $spent_ms -lt 1000 ] && sleep "0.$(printf %03d $((1000 - spent_ms)))"
    done
    # cutime + cstime: every waited-for child (the virsh processes, date, sleep).
    read -r -a stat < "/proc/$BASHPID/stat"
    echo "child_ticks=$((stat[15] + stat[16]))"
    echo "calls=$calls"
    echo "failures=$failures"
) > "$virsh_out"
clk=$(getconf CLK_TCK)
virsh_cpu_ms_per_s=$(awk -v t="$(value child_ticks "$virsh_out")" -v c="$clk" -v s="$SCALE_SECONDS" \
    'BEGIN { printf "%.1f", t * 1000 / c / s }')
virsh_one_ms=$( { /usr/bin/time -f '%M' virsh -q -c "${uris[0]}" domstats --state >/dev/null; } 2>&1 | tail -1)
fi

# ---- isolation ---------------------------------------------------------
if wanted isolation; then
note "isolation: ${CUT_SECONDS}s normal, then labhost3's link down for ${CUT_SECONDS}s"
"$driver" "$hosts_file" "$CUT_SECONDS" "${addresses[2]}" \
    "ip link set vmlab${LAB_INSTANCE}h3 down" "ip link set vmlab${LAB_INSTANCE}h3 up" \
    bench01 vm0000 > "$work/isolation.out" || die "the isolation run failed"
fi

# ---- overhead ----------------------------------------------------------
if wanted overhead; then
note "overhead: steady labhost1 <-> labhost2, $ROUNDS rounds alone and watched"
tests/lab/lab.sh reset >/dev/null 2>&1 || die "lab reset failed"
migrate_timed()
{
    local from=$1 to=$2 start
    start=$(date +%s%N)
    virsh -q -c "$from" migrate --live --p2p --persistent --undefinesource steady "$to" >&2 ||
        die "virsh migrate steady $from -> $to failed"
    echo $((($(date +%s%N) - start) / 1000000))
}
alone=() watched=()
for round in $(seq 1 "$ROUNDS"); do
    alone+=("$(migrate_timed "$LAB_URI1" "$LAB_URI2")")
    alone+=("$(migrate_timed "$LAB_URI2" "$LAB_URI1")")
    "$driver" "$LAB_HOSTS_CONF" 3600 > "$work/watch.out" 2>&1 &
    watcher=$!
    for _ in $(seq 1 200); do
        grep -q '^connect_ms=' "$work/watch.out" && break
        sleep 0.1
    done
    grep -q '^connect_ms=' "$work/watch.out" || die "the watching engine did not connect: $(cat "$work/watch.out")"
    watched+=("$(migrate_timed "$LAB_URI1" "$LAB_URI2")")
    watched+=("$(migrate_timed "$LAB_URI2" "$LAB_URI1")")
    kill "$watcher"
    wait "$watcher" 2>/dev/null || true
    note "overhead: round $round: alone ${alone[*]: -2} ms, watched ${watched[*]: -2} ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
alone_median=$(median "${alone[@]}")
watched_median=$(median "${watched[@]}")
ratio=$(awk -v w="$watched_median" -v a="$alone_median" 'BEGIN { printf "%.3f", w / a }')
# Migration times scatter (convergence depends on when the guest's writes
# land), so say how far the difference of the means is from noise.
spread=$(printf '%s\n' "${alone[@]}" "--" "${watched[@]}" | awk '
    $1 == "--" { side = 2; next }
    { side = side ? side : 1; n[side]++; sum[side] += $1; sq[side] += $1 * $1 }
    END {
        for (k = 1; k <= 2; k++) { m[k] = sum[k] / n[k]; v[k] = (sq[k] - n[k] * m[k] * m[k]) / (n[k] - 1) }
        se = sqrt(v[1] / n[1] + v[2] / n[2])
        printf "means %.0f ms alone (sd %.0f), %.0f ms watched (sd %.0f): ratio of means %.3f; difference %.0f ms, standard error %.0f ms (%.1f %% of the alone mean)",
               m[1], sqrt(v[1]), m[2], sqrt(v[2]), m[2] / m[1], m[2] - m[1], se, 100 * se / m[1] }')
fi

# ---- table -------------------------------------------------------------
s=$work/scale.out i=$work/isolation.out f=$work/floor.out fh=$work/floor-per-host.out
cpu_pct=$(value cpu_pct_one_core "$s")
hwm_mib=$(awk -v k="$(value vm_hwm_kib "$s")" 'BEGIN { if (k == "-") print "-"; else printf "%.1f", k / 1024 }')
verdict() { awk -v v="$1" -v l="$2" 'BEGIN { if (v == "-") print "-"; else print (v + 0 <= l + 0) ? "met" : sprintf("MISSED by %g", v - l) }'; }
# During the cut, no worse than normal by more than 50 ms at the median and at p95.
within() {
    awk -v cm="$(value "cut_$1_median" "$i")" -v nm="$(value "$1_median" "$i")" \
        -v cp="$(value "cut_$1_p95" "$i")" -v np="$(value "$1_p95" "$i")" \
        'BEGIN { if (cm == "-" || nm == "-") { print "-"; exit }
                 print (cm - nm <= 50 && cp - np <= 50) ? "met" : sprintf("MISSED by %d ms", \
                 (cm - nm > cp - np ? cm - nm : cp - np) - 50) }'
}
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cat <<TABLE

Machine: $(nproc) CPUs, ${cpu_model}; lab accelerator ${LAB_ACCEL}; libvirt $(virsh --version); $(date -u +%Y-%m-%dT%H:%MZ)

| measure | result | goal | verdict |
|---|---|---|---|
| scale: engine CPU, $HOST_COUNT x $DOMAINS_PER_HOST domains at 1 Hz, ${SCALE_SECONDS}s | $(value cpu_ms_per_s "$s") ms CPU per s = ${cpu_pct} % of one core (front end's snapshots: $(value frontend_cpu_ms_per_s "$s") ms per s, $(value snapshots "$s") copies of the whole state) | < 2 % | $(verdict "$cpu_pct" 2) |
| scale: libvirt's floor: the same bulk call (state, vCPU, balloon) on the same hosts at 1 Hz and nothing else (tests/bench/libvirt_floor.c), one thread | $(value cpu_ms_per_s "$f") ms CPU per s = $(value cpu_pct_one_core "$f") % of one core ($(value records "$f") records) | | |
| scale: libvirt's floor, one thread per host as in the engine | $(value cpu_ms_per_s "$fh") ms CPU per s = $(value cpu_pct_one_core "$fh") % of one core ($(value records "$fh") records) | | |
| scale: engine peak RSS (VmHWM) | ${hwm_mib} MiB | < 64 MiB | $(verdict "$hwm_mib" 64) |
| scale: domains listed / refresh interval median, p95, max | $(value domains "$s") / $(value interval_median "$s"), $(value interval_p95 "$s"), $(value interval_max "$s") ms | 1000 ms | |
| scale: first refresh of all hosts after start | $(value connect_ms "$s") ms | | |
| comparison: \`virsh domstats --state\` per host per second | ${virsh_cpu_ms_per_s} ms CPU per s = $(awk -v m="$virsh_cpu_ms_per_s" 'BEGIN { printf "%.1f", m / 10 }') % of one core ($(value calls "$virsh_out") calls in ${SCALE_SECONDS}s: $(awk -v c="$(value calls "$virsh_out")" -v s="$SCALE_SECONDS" -v h=$HOST_COUNT 'BEGIN { printf "%.2f", c / h / s }') rounds of all hosts per s; $(value failures "$virsh_out") failed); one virsh ${virsh_one_ms} KiB max RSS | | |
| isolation: refresh interval of uncut hosts, normal (median / p95 / max) | $(value interval_median "$i") / $(value interval_p95 "$i") / $(value interval_max "$i") ms ($(value interval_count "$i") intervals) | | |
| isolation: same, labhost3's link down (median / p95 / max) | $(value cut_interval_median "$i") / $(value cut_interval_p95 "$i") / $(value cut_interval_max "$i") ms ($(value cut_interval_count "$i") intervals, $(value cut_hosts_not_connected "$i") hosts not connected at the end) | within 50 ms of normal | $(within interval) |
| isolation: suspend/resume turnaround on labhost1, normal (median / p95 / max) | $(value turnaround_median "$i") / $(value turnaround_p95 "$i") / $(value turnaround_max "$i") ms ($(value turnaround_count "$i") requests) | | |
| isolation: same, labhost3's link down (median / p95 / max) | $(value cut_turnaround_median "$i") / $(value cut_turnaround_p95 "$i") / $(value cut_turnaround_max "$i") ms ($(value cut_turnaround_count "$i") requests) | within 50 ms of normal | $(within turnaround) |
| overhead: \`virsh migrate --live --p2p\` steady, alone (median of ${#alone[@]}) | ${alone_median} ms (${alone[*]}) | | |
| overhead: same, engine watching the lab (median of ${#watched[@]}) | ${watched_median} ms (${watched[*]}) | | |
| overhead: wall-time ratio watched / alone (medians) | ${ratio} | <= 1.02 | $(verdict "$ratio" 1.02) |
| overhead: the noise | ${spread:--} | | |
TABLE
