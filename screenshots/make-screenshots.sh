#!/usr/bin/env bash
# `make screenshots`: the real virtmig, against a real lab instance, in a real
# terminal emulator (xterm under Xvfb, DejaVu Sans Mono 11, UTF-8, 120x40).
# virtmig runs inside tmux inside the xterm: keys go in with `tmux send-keys`
# and every capture waits until the screen (read with `tmux capture-pane`)
# shows what the picture is about, then photographs the xterm window with
# ImageMagick's `import`. Nothing is drawn by hand.
#
# Environment: BUILD (default build), LAB_INSTANCE (default 0). Starts the lab
# instance if it is not up and takes it down again afterwards in that case.
# Packages: screenshots/deps.sh (run as root once).
set -uo pipefail

SHOTS_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$SHOTS_DIR/.." && pwd)
cd "$ROOT" || exit 1
export BUILD=${BUILD:-build}
export LAB_INSTANCE=${LAB_INSTANCE:-0}
COLS=120 ROWS=40
# UTF-8 for tmux (its client decides from the locale) and for virtmig's glyphs.
export LANG=C.UTF-8 LC_ALL=C.UTF-8

"$SHOTS_DIR/deps.sh" || exit 1
started_lab=false
if ! tests/lab/lab.sh status >/dev/null 2>&1; then
    tests/lab/lab.sh up || { echo "screenshots: the lab did not start" >&2; exit 1; }
    started_lab=true
fi

# The UI tests' helpers: tmux session, waits on the screen, form navigation.
# shellcheck source=../tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
# shellcheck disable=SC2034 # read by lib.sh in its messages
E2E_TEST=screenshots
e2e_require

DISPLAY_NUMBER=$((90 + LAB_INSTANCE))
export DISPLAY=":$DISPLAY_NUMBER"
XVFB_PID="" XTERM_PID=""

stop_xterm()
{
    [ -n "$XTERM_PID" ] && kill "$XTERM_PID" 2>/dev/null && wait "$XTERM_PID" 2>/dev/null
    XTERM_PID=""
}

shots_cleanup()
{
    stop_xterm
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
    e2e_cleanup
    tests/lab/lab.sh reset >/dev/null 2>&1
    if $started_lab; then tests/lab/lab.sh down; fi
}
trap shots_cleanup EXIT

Xvfb "$DISPLAY" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 50); do
    xdpyinfo >/dev/null 2>&1 && break
    sleep 0.1
done
xdpyinfo >/dev/null 2>&1 || e2e_fail "Xvfb did not start on $DISPLAY"

# An xterm showing the tmux session. BG/FG: the terminal's own colours (the
# light theme is made for a white terminal, the others for a dark one).
start_xterm()
{
    local background=$1 foreground=$2
    stop_xterm
    xterm -title virtmig-shot -geometry "${COLS}x${ROWS}+0+0" \
        -fa 'DejaVu Sans Mono' -fs 11 -bg "$background" -fg "$foreground" \
        -xrm 'XTerm*locale: true' -xrm 'XTerm*utf8: 1' -xrm 'XTerm*termName: xterm-256color' \
        -xrm 'XTerm*cursorBlink: false' -b 0 +sb \
        -e tmux -L "$E2E_SOCKET" attach -t "$E2E_SESSION" >/dev/null 2>&1 &
    XTERM_PID=$!
    local _
    for _ in $(seq 1 100); do
        xwininfo -name virtmig-shot >/dev/null 2>&1 && break
        sleep 0.1
    done
    xwininfo -name virtmig-shot >/dev/null 2>&1 || e2e_fail "xterm did not open"
    sleep 1
}

# The console with a theme, private config, in tmux, shown by an xterm.
start_console()
{
    local theme=$1 background=$2 foreground=$3
    shift 3
    e2e_tmux kill-server >/dev/null 2>&1
    e2e_start "$COLS" "$ROWS" LANG=C.UTF-8 TERM=tmux-256color --theme "$theme" "$@"
    e2e_tmux set-option -g status off >/dev/null
    e2e_tmux set-option -g default-terminal tmux-256color >/dev/null
    start_xterm "$background" "$foreground"
    e2e_keys C-l
}

# Photographs the xterm window once the screen shows PATTERN (waiting at most
# TIMEOUT seconds, default 60).
shoot()
{
    local name=$1 pattern=$2 what=$3 timeout=${4:-60}
    e2e_wait_for "$pattern" "$timeout" "$what"
    sleep 0.7   # let tmux pass the last frame on to the xterm
    import -silent -window virtmig-shot -depth 8 +repage "PNG8:$SHOTS_DIR/$name.png" ||
        e2e_fail "import could not capture $name.png"
    e2e_log "$name.png: $what ($(stat -c %s "$SHOTS_DIR/$name.png") bytes)"
}

e2e_lab_reset

# 1. Overview: the three hosts and their guests; steady selected with its graph.
start_console default black grey90
e2e_wait_lab_shown
e2e_select steady
e2e_wait_dirtying steady
e2e_keys Escape
e2e_wait_for "labhost3: connected" 10 "labhost3 is listed"
shoot overview "labhost2: connected" "three hosts and the lab's guests, steady's dirty rate"

# 2. Help.
e2e_keys F1
shoot help "open the migration form" "the help screen"
e2e_keys Escape

# 3. The form with a validation error and the virsh preview: post-copy with
# parallel connections, which QEMU 7.2 cannot combine.
e2e_select hot
e2e_keys m
e2e_wait_for "Migrate hot" 5 "the form opens on hot"
e2e_form_focus "Allow post-copy"
e2e_keys Space
e2e_form_focus "Parallel"
e2e_keys Space
e2e_wait_for "virsh" 5 "the virsh preview shows"
shoot form-error "--parallel" "the form: a validation problem and the virsh line"
e2e_keys Escape Escape
e2e_wait_gone "Migrate hot" 5

# 4. steady migrating at a low bandwidth: graph and progress bars.
e2e_select steady
e2e_wait_dirtying steady
e2e_keys m
e2e_wait_for "Migrate steady" 5 "the form opens on steady"
e2e_form_focus "Bandwidth limit"
e2e_type "10"
e2e_wait_for "--bandwidth 10" 5 "the preview shows the bandwidth"
e2e_form_launch
e2e_wait_for "migration #[0-9]+ labhost1(→|->)labhost2" 10 "the migration is shown"
e2e_wait_for "[1-9][0-9]?%" 60 "the progress bar moved"
sleep 4
shoot migration "migration #" "steady migrating to labhost2 at 10 MiB/s"
e2e_keys a
e2e_wait_for "Abort" 5 "the abort confirmation opens"
e2e_keys y
e2e_wait_for "cancel" 30 "the migration is cancelled"

# 5. hot at 50 MiB/s: not converging, diagnosed, post-copy offered.
e2e_select hot
e2e_wait_dirtying hot
e2e_keys m
e2e_wait_for "Migrate hot" 5 "the form opens on hot"
e2e_form_focus "Allow post-copy"
e2e_keys Space
e2e_form_focus "Bandwidth limit"
e2e_type "50"
e2e_wait_for "--bandwidth 50" 5 "the preview shows the bandwidth"
e2e_form_launch
e2e_wait_for "migration #[0-9]+ labhost1(→|->)labhost2" 10 "the migration is shown"
e2e_wait_for "P switch to post-copy" 60 "post-copy is offered"
shoot stalled "not converging" "hot not converging at 50 MiB/s, diagnosed, post-copy offered" 120
e2e_keys P
e2e_wait_for "Switch the migration of hot to post-copy" 5 "the post-copy confirmation"
e2e_keys y
e2e_wait_for "completed: hot now runs on labhost2" 120 "hot completes after post-copy"
e2e_keys q
e2e_wait_exit 15 >/dev/null
e2e_lab_reset

# 6. The monochrome and light themes on the overview.
start_console monochrome black grey90
e2e_wait_lab_shown
e2e_select steady
e2e_wait_dirtying steady
e2e_keys Escape
shoot theme-monochrome "labhost2: connected" "the monochrome theme"
e2e_keys q
e2e_wait_exit 15 >/dev/null

start_console light white black
e2e_wait_lab_shown
e2e_select steady
e2e_wait_dirtying steady
e2e_keys Escape
shoot theme-light "labhost2: connected" "the light theme on a white terminal"
e2e_keys q
e2e_wait_exit 15 >/dev/null

e2e_log "all screenshots written to $SHOTS_DIR"
