# Helpers for the UI tests: the real virtmig binary in a detached tmux
# session at a fixed size, keys sent with send-keys, the screen read with
# capture-pane -p and checked with grep. Waits poll the screen with a
# deadline instead of sleeping. Sourced by tests/e2e/test_*.sh.
#
# Environment: BUILD (build directory, default build), LAB_INSTANCE (default 0).
# A missing tmux, binary or lab is a FAILURE, never a skip.

set -uo pipefail

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in
    /*) E2E_BINARY="$BUILD/virtmig" ;;
    *) E2E_BINARY="$E2E_ROOT/$BUILD/virtmig" ;;
esac
LAB_INSTANCE=${LAB_INSTANCE:-0}
export LAB_INSTANCE
# One tmux server per test run and instance, so parallel runs and a
# developer's own tmux never see each other's sessions.
E2E_SOCKET="virtmig-e2e-$LAB_INSTANCE-$$"
E2E_SESSION="virtmig"
E2E_TMP=$(mktemp -d "/tmp/virtmig-e2e-$LAB_INSTANCE.XXXXXX")
E2E_TEST=$(basename "$0" .sh)
E2E_TIMEOUT=${E2E_TIMEOUT:-20}

e2e_log() { echo "[$E2E_TEST] $*"; }

e2e_tmux() { tmux -L "$E2E_SOCKET" "$@"; }

e2e_screen() { e2e_tmux capture-pane -p -t "$E2E_SESSION" 2>/dev/null; }

# Fails the test: says why, shows the screen, cleans up.
e2e_fail()
{
    echo "[$E2E_TEST] FAIL: $*" >&2
    echo "----- screen -----" >&2
    e2e_screen >&2 || true
    echo "------------------" >&2
    e2e_cleanup
    exit 1
}

e2e_cleanup()
{
    e2e_tmux kill-server >/dev/null 2>&1 || true
    # tmux leaves its socket file behind: remove ours so runs do not pile up.
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$E2E_SOCKET"
    rm -rf "$E2E_TMP"
}

# Checks everything a UI test needs; fails (not skips) with what to do.
e2e_require()
{
    command -v tmux >/dev/null 2>&1 ||
        e2e_fail "tmux is not installed: run 'make deps' (tests/lab/deps.sh installs it)"
    [ -x "$E2E_BINARY" ] || e2e_fail "no binary at $E2E_BINARY: run 'make BUILD=$BUILD'"
    "$E2E_ROOT/tests/lab/lab.sh" status >/dev/null 2>&1 ||
        e2e_fail "lab instance $LAB_INSTANCE is not running: start it with" \
                 "'LAB_INSTANCE=$LAB_INSTANCE tests/lab/lab.sh up'"
}

# Starts virtmig --lab in a WIDTHxHEIGHT session. Extra arguments are
# environment assignments (NAME=value) then virtmig arguments. The config and
# state directories are private to the test, so no one's theme or journal is
# touched. When virtmig exits the pane says "virtmig exited with status N".
e2e_start()
{
    local width=$1 height=$2
    shift 2
    local env_args=() arg
    while [ $# -gt 0 ] && [[ "$1" == *=* ]] && [[ "$1" != -* ]]; do
        env_args+=("$1")
        shift
    done
    mkdir -p "$E2E_TMP/config" "$E2E_TMP/state"
    local command
    command="cd $(printf %q "$E2E_ROOT") && env XDG_CONFIG_HOME=$E2E_TMP/config"
    command+=" XDG_STATE_HOME=$E2E_TMP/state LAB_INSTANCE=$LAB_INSTANCE"
    for arg in "${env_args[@]}"; do command+=" $(printf %q "$arg")"; done
    command+=" ${E2E_WRAPPER:-} $(printf %q "$E2E_BINARY") --lab"
    for arg in "$@"; do command+=" $(printf %q "$arg")"; done
    command+="; echo \"virtmig exited with status \$?\"; sleep 3600"
    e2e_tmux -f /dev/null new-session -d -s "$E2E_SESSION" -x "$width" -y "$height" \
        "$command" || e2e_fail "tmux could not start a session"
    # Keep the fixed size whatever clients attach.
    e2e_tmux set-option -g window-size manual >/dev/null 2>&1 || true
}

e2e_keys() { e2e_tmux send-keys -t "$E2E_SESSION" "$@"; }

# Types a literal string (no key-name interpretation).
e2e_type() { e2e_tmux send-keys -t "$E2E_SESSION" -l "$1"; }

e2e_resize() { e2e_tmux resize-window -t "$E2E_SESSION" -x "$1" -y "$2"; }

# Mouse input as the terminal would send it (X10 encoding, what ncurses
# expects from tmux-256color's kmous): press and release of button 1 at a
# 0-based screen ROW and COL; wheel up/down at a position.
e2e_mouse_event()
{
    local button=$1 row=$2 col=$3
    e2e_tmux send-keys -t "$E2E_SESSION" -l "$(printf '\033[M%b%b%b' \
        "\\$(printf %03o $((32 + button)))" "\\$(printf %03o $((33 + col)))" \
        "\\$(printf %03o $((33 + row)))")"
}
e2e_click() { e2e_mouse_event 0 "$1" "$2"; e2e_mouse_event 3 "$1" "$2"; }
e2e_wheel_up() { e2e_mouse_event 64 "$1" "$2"; }
e2e_wheel_down() { e2e_mouse_event 65 "$1" "$2"; }

# The 0-based screen row of a table line starting with "  NAME ".
e2e_row_of()
{
    e2e_screen | grep -n "^  $1 " | head -1 | cut -d: -f1 | awk '{ print $1 - 1 }'
}

# Waits until the screen matches an extended regex; fails after the timeout
# (seconds, default E2E_TIMEOUT) with a description.
e2e_wait_for()
{
    local pattern=$1 timeout=${2:-$E2E_TIMEOUT} what=${3:-"screen shows /$1/"}
    local deadline=$((SECONDS + timeout))
    while [ $SECONDS -lt $deadline ]; do
        if e2e_screen | grep -Eq -- "$pattern"; then
            return 0
        fi
        sleep 0.2
    done
    e2e_fail "timed out after ${timeout}s waiting until $what"
}

e2e_wait_gone()
{
    local pattern=$1 timeout=${2:-$E2E_TIMEOUT}
    local deadline=$((SECONDS + timeout))
    while [ $SECONDS -lt $deadline ]; do
        if ! e2e_screen | grep -Eq -- "$pattern"; then
            return 0
        fi
        sleep 0.2
    done
    e2e_fail "timed out after ${timeout}s waiting until /$pattern/ disappears"
}

e2e_assert_screen()
{
    e2e_screen | grep -Eq -- "$1" || e2e_fail "${2:-screen does not show /$1/}"
}

e2e_assert_not_screen()
{
    if e2e_screen | grep -Eq -- "$1"; then
        e2e_fail "${2:-screen shows /$1/ but should not}"
    fi
}

# The table line of a domain under a host: prints the line (for further checks).
# Hosts are group lines "labhostN ..." followed by their domains' lines.
e2e_domain_line()
{
    local host=$1 domain=$2
    e2e_screen | awk -v host="$host" -v dom="$domain" '
        /^labhost[0-9]/ { current = $1; next }
        current == host && $1 == dom { print; exit }'
}

e2e_wait_domain_on()
{
    local host=$1 domain=$2 pattern=${3:-.} timeout=${4:-$E2E_TIMEOUT}
    local deadline=$((SECONDS + timeout)) line
    while [ $SECONDS -lt $deadline ]; do
        line=$(e2e_domain_line "$host" "$domain")
        if [ -n "$line" ] && echo "$line" | grep -Eq -- "$pattern"; then
            return 0
        fi
        sleep 0.2
    done
    e2e_fail "timed out after ${timeout}s waiting for $domain on $host matching /$pattern/"
}

# Scrolls the table (Down, then back Home) until a guest's row is on screen.
e2e_find_row()
{
    local guest=$1 i
    for i in $(seq 1 20); do
        if e2e_screen | grep -Eq -- "^  $guest "; then
            return 0
        fi
        e2e_keys Down
        sleep 0.1
    done
    e2e_fail "guest $guest is not in the table, even scrolled"
}

# All lab hosts connected and the lab's guests listed (scrolling the table
# when the screen is too small to show them all at once).
e2e_wait_lab_shown()
{
    e2e_wait_for "3 hosts \(3 connected\)" 30 "all three lab hosts are connected"
    e2e_wait_for "labhost1: connected, 6 domains" 15 "labhost1 lists its six guests"
    local guest
    for guest in idle steady hot parked shared-disk local-disk; do
        e2e_find_row "$guest"
        e2e_keys Home
    done
}

# Selects a domain by typing a filter that matches only it.
e2e_select()
{
    e2e_keys /
    e2e_type "$1"
    e2e_keys Enter
    e2e_wait_for "NAME /$1 " 5 "the filter /$1 is applied"
}

# With the guest selected: makes sure its dirty rate is sampled and waits
# until it writes at least MIN MiB/s (default: anything) in three readings in
# a row. A guest just (re)started by the lab needs seconds (more on a loaded
# machine) before its kernel writes memory, and one early reading can be a
# blip: migrating it before it really writes would test an idle guest.
e2e_wait_dirtying()
{
    local guest=$1 min=${2:-0} timeout=${3:-90}
    e2e_assert_screen "^ $guest on " "$guest is not the selected domain"
    # The console samples the selected domain by itself; w only if it is off.
    sleep 0.5
    if e2e_screen | grep -Eq "Dirty sampling: +off"; then
        e2e_keys w
    fi
    local deadline=$((SECONDS + timeout)) good=0 reading value unit mib last=""
    while [ $SECONDS -lt $deadline ]; do
        reading=$(e2e_screen | grep -Eo "Dirty rate: +[0-9.]+ (B|KiB|MiB|GiB)/s" | head -1)
        value=$(echo "$reading" | awk '{print $3}')
        unit=$(echo "$reading" | awk '{print $4}')
        mib=$(awk -v v="${value:-0}" -v u="$unit" 'BEGIN {
            f = (u == "GiB/s") ? 1024 : (u == "MiB/s") ? 1 : (u == "KiB/s") ? 1/1024 : 0;
            print v * f }')
        if [ -n "$reading" ] && awk -v m="$mib" -v min="$min" 'BEGIN { exit !(m > 0 && m >= min) }'; then
            good=$((good + 1))
            [ "$good" -ge 3 ] && return 0
        else
            good=0
        fi
        last=$reading
        sleep 1
    done
    e2e_fail "$guest did not dirty at least ${min} MiB/s steadily within ${timeout}s (last: ${last:-none})"
}

# Waits until virtmig has exited; prints its status.
e2e_wait_exit()
{
    e2e_wait_for "virtmig exited with status [0-9]+" "${1:-$E2E_TIMEOUT}" "virtmig exits"
    e2e_screen | sed -n 's/.*virtmig exited with status \([0-9]*\).*/\1/p' | tail -1
}

# Puts the guests back where the lab starts them. A migration that was still
# finishing (a p2p one outlives the console) can make the first try fail, so
# it tries again before giving up with the lab's own words.
e2e_lab_reset()
{
    local output attempt
    for attempt in 1 2 3; do
        if output=$("$E2E_ROOT/tests/lab/lab.sh" reset 2>&1); then
            return 0
        fi
        sleep 5
    done
    e2e_fail "tests/lab/lab.sh reset failed for instance $LAB_INSTANCE: $(echo "$output" | tail -3)"
}

# Waits until libvirt itself (virsh, not virtmig) reports DOMAIN in STATE on
# lab host number N (1..3).
e2e_virsh_wait_state()
{
    local host=$1 domain=$2 state=$3 timeout=${4:-15}
    local uri deadline=$((SECONDS + timeout)) answer=""
    uri=$("$E2E_ROOT/tests/lab/lab.sh" env | sed -n "s/^LAB_URI$host=//p")
    [ -n "$uri" ] || e2e_fail "tests/lab/lab.sh env gives no LAB_URI$host"
    while [ $SECONDS -lt $deadline ]; do
        answer=$(virsh -c "$uri" domstate "$domain" 2>&1)
        if echo "$answer" | grep -q "$state"; then
            return 0
        fi
        sleep 0.5
    done
    e2e_fail "virsh on labhost$host says '$answer' for $domain, expected $state"
}

# Fails when libvirt still knows DOMAIN on lab host number N.
e2e_virsh_absent()
{
    local host=$1 domain=$2 uri
    uri=$("$E2E_ROOT/tests/lab/lab.sh" env | sed -n "s/^LAB_URI$host=//p")
    if virsh -c "$uri" domstate "$domain" >/dev/null 2>&1; then
        e2e_fail "$domain still exists on labhost$host"
    fi
}

# Launches the migration form on the selected domain to the form's default
# destination (labhost2 from labhost1): goes to Launch with PgDn and presses it.
e2e_form_launch()
{
    local i
    for i in 1 2 3 4 5 6 7 8 9; do e2e_keys PgDn; done
    e2e_keys Enter
}

# In the open form: moves to the field whose label matches and returns.
e2e_form_focus()
{
    local label=$1 i
    for i in $(seq 1 60); do
        if e2e_screen | grep -Eq -- "→ $label|-> $label"; then
            return 0
        fi
        e2e_keys Down
        sleep 0.05
    done
    e2e_fail "could not move the form's focus to '$label'"
}

trap 'e2e_cleanup' EXIT
