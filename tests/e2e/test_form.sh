#!/usr/bin/env bash
# The migration form in the real console, at 120x40 in a UTF-8 locale and at
# 80x24 in the C locale (ASCII drawing):
#   - m opens it on the selected guest with virtmig's defaults, and the virsh
#     preview shows them; the pre-flight checks run on their own;
#   - a wrong combination (live off, offline and post-copy on) puts libvirt's
#     reason right under the post-copy field and disables Launch;
#   - a number with a bad unit is refused at its field;
#   - the Assistant ladder: a built-in one adds a note under the virsh line
#     (libvirt runs no ladder), a custom one is checked by the assistant as
#     typed and its mistake shown at the field;
#   - Enter on Launch refuses (nothing reaches libvirt: the private journal
#     records no launch) and the form stays open; a resize redraws it;
#   - Esc closes it and q quits with status 0.
# It never migrates, so it may share a lab instance that others use.
. "$(dirname "$0")/lib.sh"
e2e_require

journal="$E2E_TMP/state/virtmig/journal.jsonl"

# The line numbers of the first screen lines matching two patterns: the
# second must follow the first directly.
e2e_assert_right_below()
{
    local above=$1 below=$2
    e2e_screen | awk -v above="$above" -v below="$below" '
        index($0, above) && !a { a = NR }
        index($0, below) && !b { b = NR }
        END { exit !(a && b == a + 1) }' ||
        e2e_fail "\"$below\" is not on the line right below \"$above\""
}

for setup in "120 40 C.UTF-8" "80 24 C"; do
    set -- $setup
    width=$1 height=$2 locale=$3
    e2e_log "at ${width}x${height}, LANG=$locale"
    e2e_start "$width" "$height" "LANG=$locale" "LC_ALL=$locale"
    e2e_wait_lab_shown
    e2e_select idle
    e2e_keys m
    e2e_wait_for "Equivalent virsh command" 5 "the migration form opens"
    e2e_assert_screen "Migrate idle \(running\) from labhost[0-9]" "the title names the guest"
    e2e_assert_screen "Destination host +< labhost[0-9] >" "a destination host is chosen"
    e2e_assert_screen "migrate --live --p2p --persistent" \
        "the virsh preview shows virtmig's defaults (live, p2p, persistent)"
    e2e_assert_screen "Pre-flight checks" "the pre-flight section is there"
    e2e_wait_for "towards labhost[0-9]: [0-9]+ FAIL" 30 \
        "the pre-flight checks run on their own when the form opens"
    e2e_assert_screen "\[ Launch \] +\[ Cancel \] +Ready" "Launch is enabled on the defaults"

    # live off, offline on, post-copy on: post-copy needs a live migration
    e2e_form_focus "Live"
    e2e_keys Space
    e2e_form_focus "Offline"
    e2e_keys Space
    e2e_form_focus "Allow post-copy"
    e2e_keys Space
    e2e_wait_for "post-copy needs a live migration" 5 "the reason shows at the post-copy field"
    e2e_assert_right_below "Allow post-copy" "post-copy needs a live migration"
    e2e_assert_screen "Launch disabled: [0-9]+ problem" "Launch is disabled"
    e2e_assert_screen "migrate --offline" "the preview follows the form (--offline)"
    e2e_assert_screen "--postcopy" "the preview follows the form (--postcopy)"
    e2e_assert_not_screen "Ready" "the form claims to be ready with a problem"

    # post-copy bandwidth is now enabled; a unit it does not know is refused there
    e2e_keys Down
    e2e_type "12Q"
    e2e_wait_for "unknown unit" 5 "the bad unit is explained at its field"
    e2e_assert_right_below "12Q" "unknown unit"

    # the assistant's ladder: a note under the virsh line, custom text checked
    e2e_form_focus "Assistant ladder"
    e2e_keys Space
    e2e_wait_for "assistant: minimal-downtime ladder \(virtmig, not libvirt\)" 5 \
        "a built-in ladder is noted under the virsh line"
    e2e_keys Left Left
    e2e_wait_for "< custom >" 5 "Left cycles the ladders back round to custom"
    e2e_keys Down
    e2e_wait_for "Ladder steps: empty" 5 "an empty custom ladder is marked at its field"
    e2e_type "abort afterr 5"
    e2e_wait_gone "Ladder steps: empty" 5
    e2e_wait_for "Ladder steps: [a-z]" 5 "the assistant's parse error shows at the ladder field"
    e2e_assert_right_below "Ladder steps " "Ladder steps: "

    # Launch refuses and the form stays open
    e2e_form_launch
    e2e_wait_for "Launch is disabled: [0-9]+ problems are marked under the fields" 5 \
        "Enter on Launch explains why it is disabled"
    e2e_assert_screen "Equivalent virsh command" "the form stays open after a refused launch"

    if [ "$width" = 120 ]; then
        e2e_resize 80 24
        e2e_wait_for "\[ Launch \]" 5 "the form redraws at 80x24 after a resize"
        [ "$(e2e_screen | wc -l)" -le 24 ] || e2e_fail "the pane did not shrink to 24 rows"
        [ "$(e2e_screen | LC_ALL=C.UTF-8 wc -L)" -le 80 ] ||
            e2e_fail "a line is wider than 80 columns after the resize"
        e2e_assert_screen "Equivalent virsh command" "the preview is still shown at 80x24"
    fi

    e2e_keys Escape
    e2e_wait_gone "Equivalent virsh command" 5
    e2e_wait_for "NAME" 5 "the domain table is back after Esc"
    if [ -e "$journal" ] && grep -q '"launch' "$journal"; then
        e2e_fail "the journal records a launch: the form let a bad migration through"
    fi
    e2e_keys q
    status=$(e2e_wait_exit 10)
    [ "$status" = "0" ] || e2e_fail "virtmig exited with status $status, expected 0"
    e2e_tmux kill-server >/dev/null 2>&1
done
e2e_log "passed"
