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
"$BUILD/virtmig" --lab "$@"
rc=$?
echo "demo: the lab (instance $LAB_INSTANCE) keeps running: 'make lab-down' stops it"
exit $rc
