#!/usr/bin/env bash
# The headless commands against the real lab: `virtmig list`, `virtmig migrate`
# and `virtmig journal`, run as an operator would run them.
#
#   - bad migrate options are refused with exit 2 and a message naming the
#     option, before any libvirt call (the hosts in that run are unreachable
#     addresses: a connection attempt would show as a wait and exit 1);
#   - `idle` migrates from its host to another (text output) and back (--json):
#     exit 0 each time, the virsh line and the progress are printed, and
#     `virtmig list` then shows it running on the destination;
#   - an unknown or shut-off domain is refused with exit 2; `parked` moves
#     offline and back; libvirt's own refusal (local-disk without
#     --copy-storage-all) exits 1 with libvirt's message;
#   - the journal holds both launches and both outcomes.
#
# Runs on whatever lab instance LAB_INSTANCE names (make check: 0). It migrates,
# so never point it at a lab someone else is migrating on.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
VIRTMIG=${VIRTMIG:-$BUILD/virtmig}
export LAB_INSTANCE=${LAB_INSTANCE:-0}
export NO_COLOR=1

failures=0
work=$(mktemp -d /tmp/virtmig-cli-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
journal=$work/journal.jsonl

pass() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; failures=$((failures + 1)); }

# run NAME EXPECTED_STATUS CMD...: runs, keeps stdout/stderr in $work/NAME.{out,err}.
run() {
    local name=$1 expected=$2
    shift 2
    "$@" >"$work/$name.out" 2>"$work/$name.err"
    local status=$?
    if [ "$status" -eq "$expected" ]; then
        pass "$name: exit $status"
        return 0
    fi
    fail "$name: exit $status, expected $expected"
    sed 's/^/    out: /' "$work/$name.out" | tail -n 20
    sed 's/^/    err: /' "$work/$name.err" | tail -n 20
    return 1
}

expect_in() {   # expect_in NAME out|err TEXT
    if grep -qF -- "$3" "$work/$1.$2"; then
        pass "$1: $2 says \"$3\""
    else
        fail "$1: $2 lacks \"$3\""
        sed "s/^/    $2: /" "$work/$1.$2" | tail -n 20
    fi
}

[ -x "$VIRTMIG" ] || { echo "test_cli: $VIRTMIG not built ('make' first)" >&2; exit 1; }
lab_hosts=${VIRTMIG_LAB_HOSTS:-/run/virtmig-lab$LAB_INSTANCE/hosts.conf}
[ -r "$lab_hosts" ] || {
    echo "test_cli: lab instance $LAB_INSTANCE is not running ($lab_hosts missing):" \
         "LAB_INSTANCE=$LAB_INSTANCE tests/lab/lab.sh up" >&2
    exit 1
}

# ---- the man page documents every option --help lists ------------------------
man_text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' virtmig.1)
undocumented=()
for command in "" list migrate journal; do
    for option in $("$VIRTMIG" $command --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
        grep -qF -- "$option" <<<"$man_text" || undocumented+=("$option")
    done
done
if [ ${#undocumented[@]} -eq 0 ]; then pass "virtmig.1 documents every option of --help"
else fail "virtmig.1 lacks: ${undocumented[*]}"; fi

# ---- the man page's KEYS name every key of the console's key table ------------
man_keys=$(sed -n '/^\.SH KEYS/,/^\.SH /p' virtmig.1 | sed -n 's/^\.BR\{0,1\} //p' |
           sed 's/\\-/-/g; s/"//g; s/,/ /g' | tr ' ' '\n' | grep -v '^$' | sort -u)
missing_keys=()
while IFS= read -r label; do
    grep -qxF -- "$label" <<<"$man_keys" || missing_keys+=("$label")
done < <(grep -o 'KEY_ACTION_[A-Z_]*, "[^"]*" }' tui/keys.c | sed 's/.*, "\(.*\)" }/\1/' | sort -u)
if [ ${#missing_keys[@]} -eq 0 ]; then pass "virtmig.1 KEYS names every key of tui/keys.c"
else fail "virtmig.1 KEYS lacks: ${missing_keys[*]}"; fi

# ---- refused before any libvirt call -------------------------------------
# TEST-NET addresses (RFC 5737) never answer: had virtmig tried to connect, it
# would wait for --wait and fail with exit 1, not exit 2 at once.
cat >"$work/unreachable.conf" <<'EOF'
far1 qemu+tcp://192.0.2.1/system
far2 qemu+tcp://192.0.2.2/system
EOF
bad() {   # bad NAME EXPECTED_MESSAGE OPTIONS...
    local name=$1 message=$2
    shift 2
    local start=$SECONDS
    run "$name" 2 "$VIRTMIG" --hosts "$work/unreachable.conf" migrate idle --from far1 \
        --wait 30 "$@"
    expect_in "$name" err "$message"
    if [ $((SECONDS - start)) -le 2 ]; then pass "$name: refused at once"
    else fail "$name: took $((SECONDS - start)) s: it waited on a host"; fi
    [ -s "$work/$name.out" ] && fail "$name: printed on stdout: $(head -c 200 "$work/$name.out")"
}
bad bad-number "--bandwidth 'fast': expected a bandwidth in MiB/s" --to far2 --bandwidth fast
bad bad-combination "--tunnelled: tunnelled needs p2p" --to far2 --tunnelled --no-p2p
bad bad-storage "exclude each other" --to far2 --copy-storage-all --copy-storage-inc
bad bad-timeout "--timeout-postcopy needs --timeout SECONDS" --to far2 --timeout-postcopy
bad bad-host "--to 'nowhere': no such host: give one of far1, far2" --to nowhere
run bad-command 2 "$VIRTMIG" --lab lsit
expect_in bad-command err "unknown command 'lsit'"

# ---- where are the guests now? ---------------------------------------------
# Other tests may have moved guests before this one runs: find each guest's
# host from `virtmig list --json` and pick another host to send it to.
run list-before 0 "$VIRTMIG" --lab list --json
where() {   # where NAME STATE: the host listing NAME in STATE
    sed -n "s/^{\"type\":\"domain\",\"host\":\"\([^\"]*\)\",\"name\":\"$1\".*\"state\":\"$2\".*/\1/p" \
        "$work/list-before.out" | head -n 1
}
other_than() {   # a lab host other than $1
    if [ "$1" = labhost1 ]; then echo labhost2; else echo labhost1; fi
}
idle_home=$(where idle running)
parked_home=$(where parked "shut off")
local_disk_home=$(where local-disk running)
for found in "idle:$idle_home" "parked:$parked_home" "local-disk:$local_disk_home"; do
    if [ -n "${found#*:}" ]; then pass "list: ${found%%:*} found on ${found#*:}"
    else fail "list: ${found%%:*} not found in its usual state"; cat "$work/list-before.out"; fi
done
idle_home=${idle_home:-labhost1}
idle_away=$(other_than "$idle_home")

run list-text 0 "$VIRTMIG" --lab list
expect_in list-text out "labhost1  connected"
expect_in list-text out "NAME"
expect_in list-text out "idle"

listed_on() {   # listed_on FILE HOST NAME STATE: is NAME in STATE on HOST?
    grep -q "\"type\":\"domain\",\"host\":\"$2\",\"name\":\"$3\".*\"state\":\"$4\"" "$1"
}

# ---- there ----------------------------------------------------------------
# --undefinesource both ways, so no inactive copy of idle stays behind.
run migrate-there 0 "$VIRTMIG" --lab --journal "$journal" migrate idle --from "$idle_home" \
    --to "$idle_away" --bandwidth 200 --undefinesource --preflight
expect_in migrate-there out "pre-flight towards $idle_away: 0 failed"
expect_in migrate-there out "virsh -c "
expect_in migrate-there out " migrate "
expect_in migrate-there out "completed: idle runs on $idle_away"
run list-there 0 "$VIRTMIG" --lab list --json
if listed_on "$work/list-there.out" "$idle_away" idle running; then
    pass "list: idle runs on $idle_away after the migration"
else
    fail "list: idle is not running on $idle_away"
    cat "$work/list-there.out"
fi
if grep -q "\"type\":\"domain\",\"host\":\"$idle_home\",\"name\":\"idle\"" "$work/list-there.out"
then
    fail "list: idle is still listed on $idle_home after --undefinesource"
fi

# ---- and back, as JSON lines ----------------------------------------------
run migrate-back 0 "$VIRTMIG" --lab --journal "$journal" migrate idle --from "$idle_away" \
    --to "$idle_home" --json --undefinesource
expect_in migrate-back out '"type":"virsh"'
expect_in migrate-back out '"type":"result"'
expect_in migrate-back out '"phase":"completed","ok":true'
run list-back 0 "$VIRTMIG" --lab list --json
if listed_on "$work/list-back.out" "$idle_home" idle running; then
    pass "list: idle runs on $idle_home again"
else
    fail "list: idle did not come back to $idle_home"
    cat "$work/list-back.out"
fi

# ---- refused once the domain is known ----------------------------------------
# idle left $idle_away with --undefinesource: nothing of it is there.
run migrate-absent 2 "$VIRTMIG" --lab migrate idle --from "$idle_away" --to labhost3
expect_in migrate-absent err "no domain 'idle' on $idle_away"
run migrate-unknown 2 "$VIRTMIG" --lab migrate no-such-guest --from labhost1 --to labhost2
expect_in migrate-unknown err "no domain 'no-such-guest' on labhost1: domains there:"

if [ -n "$parked_home" ]; then
    parked_away=$(other_than "$parked_home")
    # parked is shut off: the engine's validation, with the domain's real
    # state, asks for --offline (exit 2, nothing sent to libvirt).
    run migrate-shutoff 2 "$VIRTMIG" --lab migrate parked --from "$parked_home" \
        --to "$parked_away"
    expect_in migrate-shutoff err "the domain is shut off"

    # ---- offline, there and back ----------------------------------------------
    run offline-there 0 "$VIRTMIG" --lab migrate parked --from "$parked_home" \
        --to "$parked_away" --offline --undefinesource
    expect_in offline-there out "completed: parked runs on $parked_away"
    run list-offline 0 "$VIRTMIG" --lab list --json
    if listed_on "$work/list-offline.out" "$parked_away" parked "shut off" &&
       ! grep -q "\"host\":\"$parked_home\",\"name\":\"parked\"" "$work/list-offline.out"; then
        pass "list: parked is defined on $parked_away only"
    else
        fail "list: parked did not move offline"
        cat "$work/list-offline.out"
    fi
    run offline-back 0 "$VIRTMIG" --lab migrate parked --from "$parked_away" \
        --to "$parked_home" --offline --undefinesource
fi

# ---- a migration libvirt refuses: exit 1 with libvirt's own message ---------
# local-disk's image is private to its host: without --copy-storage-all libvirt
# refuses ("Unsafe migration: Migration without shared storage is unsafe").
if [ -n "$local_disk_home" ]; then
    run refused-by-libvirt 1 "$VIRTMIG" --lab migrate local-disk --from "$local_disk_home" \
        --to "$(other_than "$local_disk_home")"
    expect_in refused-by-libvirt err "virtmig migrate: failed: "
    expect_in refused-by-libvirt err "Unsafe migration"
    # With --preflight the storage check says so first, and nothing is launched.
    run refused-by-preflight 2 "$VIRTMIG" --lab migrate local-disk --from "$local_disk_home" \
        --to "$(other_than "$local_disk_home")" --preflight
    expect_in refused-by-preflight out "FAIL    storage: vda:"
    expect_in refused-by-preflight out "enable copy-storage-all"
    expect_in refused-by-preflight err "a pre-flight check failed"
    if grep -q "virsh -c" "$work/refused-by-preflight.out"; then
        fail "refused-by-preflight: a migration was launched"
    fi
fi

# ---- an unreachable destination: exit 1 with libvirt's message ---------------
# The destination is a lab host's address on a port nobody listens on.
source_uri=$(awk -v h="$idle_home" '$1 == h { print $2 }' "$lab_hosts")
closed_uri=$(awk -v h="$idle_away" '$1 == h { print $2 }' "$lab_hosts" | sed 's|^\([a-z+]*://[^/]*\)/|\1:1/|')
printf 'home %s\nclosed %s\n' "$source_uri" "$closed_uri" >"$work/closed.conf"
run unreachable-destination 1 "$VIRTMIG" --hosts "$work/closed.conf" migrate idle \
    --from home --to closed --wait 20
expect_in unreachable-destination err "the destination host closed ($closed_uri) is lost"
expect_in unreachable-destination err "Connection refused"

# ---- Ctrl-C aborts -------------------------------------------------------------
# hot at 10 MiB/s needs about a minute: interrupt it once it runs, as an
# operator's Ctrl-C would, and it must be cancelled and stay where it was.
hot_home=$(where hot running)
if [ -z "$hot_home" ]; then
    fail "list: hot is not running anywhere"
else
    "$VIRTMIG" --lab migrate hot --from "$hot_home" --to "$(other_than "$hot_home")" \
        --bandwidth 10 >"$work/interrupt.out" 2>"$work/interrupt.err" &
    migrate_pid=$!
    deadline=$((SECONDS + 60))
    until grep -qs "running" "$work/interrupt.out" || [ $SECONDS -ge $deadline ]; do
        sleep 0.2
    done
    kill -INT "$migrate_pid"
    wait "$migrate_pid"
    status=$?
    if [ "$status" -eq 1 ]; then pass "interrupt: exit 1"
    else fail "interrupt: exit $status, expected 1"; cat "$work/interrupt.out" "$work/interrupt.err"; fi
    expect_in interrupt err "abort requested"
    expect_in interrupt err "virtmig migrate: cancelled: "
    run list-interrupt 0 "$VIRTMIG" --lab list --json
    if listed_on "$work/list-interrupt.out" "$hot_home" hot running; then
        pass "list: hot still runs on $hot_home"
    else
        fail "list: hot is not running on $hot_home after the abort"
        cat "$work/list-interrupt.out"
    fi
fi

# ---- the journal -------------------------------------------------------------
run journal 0 "$VIRTMIG" journal --journal "$journal"
expect_in journal out "idle: $idle_home -> $idle_away"
expect_in journal out "idle: $idle_away -> $idle_home"
if [ "$(grep -c ' outcome ' "$work/journal.out")" -eq 2 ]; then
    pass "journal: two outcomes"
else
    fail "journal: expected two outcome records"
    cat "$work/journal.out"
fi
run journal-tail 0 "$VIRTMIG" journal --journal "$journal" --json --tail 1
if [ "$(wc -l <"$work/journal-tail.out")" -eq 1 ] &&
   grep -q '"type":"outcome".*"phase":"completed"' "$work/journal-tail.out"; then
    pass "journal --tail 1 --json: the last outcome"
else
    fail "journal --tail 1 --json"
    cat "$work/journal-tail.out"
fi

echo "test_cli: $failures failure(s)"
[ "$failures" -eq 0 ]
