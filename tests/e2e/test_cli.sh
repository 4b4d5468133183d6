#!/usr/bin/env bash
# The headless commands against the real lab: `virtmig list`, `virtmig migrate`
# and `virtmig journal`, run as an operator would run them.
#
#   - bad migrate options are refused with exit 2 and a message naming the
#     option, before any libvirt call (the hosts in that run are unreachable
#     addresses: a connection attempt would show as a wait and exit 1);
#   - `idle` migrates labhost1 -> labhost2 (text output) and back (--json):
#     exit 0 each time, the virsh line and the progress are printed, and
#     `virtmig list` then shows it running on the destination;
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

# ---- where is idle now? ----------------------------------------------------
run list-before 0 "$VIRTMIG" --lab list --json
if grep -q '"type":"domain","host":"labhost1","name":"idle".*"state":"running"' \
        "$work/list-before.out"; then
    pass "list: idle runs on labhost1"
else
    fail "list: idle is not running on labhost1 (a previous run may have left it elsewhere)"
    cat "$work/list-before.out"
fi
run list-text 0 "$VIRTMIG" --lab list
expect_in list-text out "labhost1  connected"
expect_in list-text out "NAME"
expect_in list-text out "idle"

# ---- there ----------------------------------------------------------------
# --undefinesource both ways, so no inactive copy of idle stays behind.
run migrate-there 0 "$VIRTMIG" --lab --journal "$journal" migrate idle --from labhost1 \
    --to labhost2 --bandwidth 200 --undefinesource
expect_in migrate-there out "virsh -c "
expect_in migrate-there out " migrate "
expect_in migrate-there out "completed: idle runs on labhost2"
run list-there 0 "$VIRTMIG" --lab list --json
if grep -q '"type":"domain","host":"labhost2","name":"idle".*"state":"running"' \
        "$work/list-there.out"; then
    pass "list: idle runs on labhost2 after the migration"
else
    fail "list: idle is not running on labhost2"
    cat "$work/list-there.out"
fi
if grep -q '"type":"domain","host":"labhost1","name":"idle".*"state":"running"' \
        "$work/list-there.out"; then
    fail "list: idle still runs on labhost1"
fi

# ---- and back, as JSON lines ----------------------------------------------
run migrate-back 0 "$VIRTMIG" --lab --journal "$journal" migrate idle --from labhost2 \
    --to labhost1 --json --undefinesource
expect_in migrate-back out '"type":"virsh"'
expect_in migrate-back out '"type":"result"'
expect_in migrate-back out '"phase":"completed","ok":true'
run list-back 0 "$VIRTMIG" --lab list --json
if grep -q '"type":"domain","host":"labhost1","name":"idle".*"state":"running"' \
        "$work/list-back.out"; then
    pass "list: idle runs on labhost1 again"
else
    fail "list: idle did not come back to labhost1"
    cat "$work/list-back.out"
fi

# ---- refused once the domain is known ----------------------------------------
# idle left labhost2 with --undefinesource: nothing of it is there.
run migrate-absent 2 "$VIRTMIG" --lab migrate idle --from labhost2 --to labhost3
expect_in migrate-absent err "no domain 'idle' on labhost2"
run migrate-unknown 2 "$VIRTMIG" --lab migrate no-such-guest --from labhost1 --to labhost2
expect_in migrate-unknown err "no domain 'no-such-guest' on labhost1: domains there:"
# parked is shut off: the engine's validation, with the domain's real state,
# asks for --offline (exit 2, nothing sent to libvirt).
run migrate-shutoff 2 "$VIRTMIG" --lab migrate parked --from labhost1 --to labhost2
expect_in migrate-shutoff err "the domain is shut off"

# ---- offline, there and back --------------------------------------------------
run offline-there 0 "$VIRTMIG" --lab migrate parked --from labhost1 --to labhost2 \
    --offline --undefinesource
expect_in offline-there out "completed: parked runs on labhost2"
run list-offline 0 "$VIRTMIG" --lab list --json
if grep -q '"type":"domain","host":"labhost2","name":"parked".*"state":"shut off"' \
        "$work/list-offline.out" &&
   ! grep -q '"type":"domain","host":"labhost1","name":"parked"' "$work/list-offline.out"; then
    pass "list: parked is defined on labhost2 only"
else
    fail "list: parked did not move offline"
    cat "$work/list-offline.out"
fi
run offline-back 0 "$VIRTMIG" --lab migrate parked --from labhost2 --to labhost1 \
    --offline --undefinesource

# ---- a migration libvirt refuses: exit 1 with libvirt's own message ---------
# local-disk's image is private to labhost1: without --copy-storage-all libvirt
# refuses ("Unsafe migration: Migration without shared storage is unsafe").
run refused-by-libvirt 1 "$VIRTMIG" --lab migrate local-disk --from labhost1 --to labhost2
expect_in refused-by-libvirt err "virtmig migrate: failed: "
expect_in refused-by-libvirt err "Unsafe migration"

# ---- the journal -------------------------------------------------------------
run journal 0 "$VIRTMIG" journal --journal "$journal"
expect_in journal out "idle: labhost1 -> labhost2"
expect_in journal out "idle: labhost2 -> labhost1"
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
