#!/usr/bin/env bash
# `make demo`: runs the console against the lab (which `make demo` started),
# then leaves the lab running for another look.
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
lab_init_instance
BUILD=${BUILD:-build}
[ -x "$BUILD/virtmig" ] || lab_die "$BUILD/virtmig is missing: run 'make BUILD=$BUILD' first"
[ -f "$LAB_RUN/hosts.conf" ] ||
    lab_die "lab instance $LAB_INSTANCE is not up ($LAB_RUN/hosts.conf missing): run 'make lab-up'"
export VIRTMIG_LAB_HOSTS="$LAB_RUN/hosts.conf"
# DEMO=walkthrough (make demo DEMO=walkthrough) plays tests/lab/walkthrough.demo
# on a reset lab; DEMO=FILE plays a script of your own (tui/demo_script.h).
demo_args=()
case "${DEMO:-}" in
    "") ;;
    walkthrough)
        "$(dirname "$0")/lab.sh" reset || lab_die "the lab could not be reset for the walkthrough"
        demo_args=(--demo "$(dirname "$0")/walkthrough.demo") ;;
    *) demo_args=(--demo "$DEMO") ;;
esac
"$BUILD/virtmig" --lab "${demo_args[@]}" "$@"
rc=$?
echo "demo: the lab (instance $LAB_INSTANCE) keeps running: 'make lab-down' stops it"
exit $rc
