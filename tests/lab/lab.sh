#!/usr/bin/env bash
# The virtmig lab: three real libvirt hosts (labhost1..3) on this machine.
#   lab.sh up      start it (idempotent; a broken instance is cleaned first)
#   lab.sh down    remove everything the instance made, also after a crash
#   lab.sh status  per host: up/down, URI, accel, domains; 0 only if all answer
#   lab.sh env     print the instance's lab.env (shell variables)
#   lab.sh reset   put every guest back on labhost1 in its starting state
#   lab.sh kill-host K   SIGKILL host K's libvirtd (a daemon crash; guests keep running)
#   lab.sh start-host K  start host K's libvirtd again and wait until it answers
# LAB_INSTANCE=N (0..7, default 0) selects an independent instance. Commands that
# change it wait for each other (flock on /run/virtmig-labN.lock, an empty file
# left in place: removing it would let a waiter and a newcomer both "hold" it).
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/net.sh"
source "$(dirname "$0")/lib/hosts.sh"
source "$(dirname "$0")/lib/guests.sh"
lab_init_instance

lab_env_file() { echo "$LAB_RUN/lab.env"; }

lab_require_root() {
    [ "$(id -u)" -eq 0 ] || lab_die "the lab needs root (namespaces, bridges, libvirtd): run it as root"
    local tool
    for tool in ip unshare setsid libvirtd virsh qemu-system-x86_64 qemu-img qemu-nbd gcc ld; do
        command -v "$tool" >/dev/null ||
            lab_die "'$tool' is missing: run 'make deps' (tests/lab/deps.sh) to install the lab's packages"
    done
}

# One lab.sh at a time changes an instance: two `make check` runs, or a demo
# started while tests bring the lab up, would otherwise tear down or reset each
# other's hosts halfway. The lock lives outside $LAB_RUN (down removes that),
# is held on fd 8 until this script exits, and is closed for every daemon the
# lab starts (they outlive the script and would keep it locked).
lab_lock() {
    local lock="/run/virtmig-lab$LAB_INSTANCE.lock"
    exec 8>"$lock" || lab_die "cannot open $lock"
    if ! flock -n 8; then
        lab_say "another lab.sh is changing instance $LAB_INSTANCE; waiting for it (up to 10 minutes)"
        flock -w 600 8 ||
            lab_die "instance $LAB_INSTANCE is still locked by another lab.sh after 10 minutes ($lock): is one stuck?"
    fi
}

lab_write_env() {
    local accel=$1 accel_reason=$2 k
    {
        echo "LAB_INSTANCE=$LAB_INSTANCE"
        echo "LAB_RUN=$LAB_RUN"
        echo "LAB_ACCEL=$accel"
        echo "LAB_ACCEL_REASON='$accel_reason'"
        echo "LAB_BRIDGE_ADDR=$LAB_BRIDGE_ADDR"
        echo "LAB_HOSTS_CONF=$LAB_RUN/hosts.conf"
        echo "LAB_DEFAULT_BANDWIDTH_MIB=$LAB_DEFAULT_BANDWIDTH_MIB"
        echo "LAB_GUESTS='$LAB_GUESTS'"
        echo "LAB_KERNEL=$LAB_KERNEL"
        echo "LAB_NETWORK=$LAB_NETWORK"
        echo "LAB_POOL=$LAB_POOL"
        echo "LAB_NBD_URI=nbd://$LAB_BRIDGE_ADDR:$LAB_NBD_PORT/lun1"
        for k in $(seq 1 "$LAB_HOST_COUNT"); do
            echo "LAB_NAME$k=$(lab_host_name "$k")"
            echo "LAB_URI$k=$(lab_host_uri "$k")"
            echo "LAB_SOCK$k=$(lab_host_sock "$k")"
        done
    } > "$(lab_env_file).tmp" && mv "$(lab_env_file).tmp" "$(lab_env_file)"
    {
        echo "# virtmig lab instance $LAB_INSTANCE: name and libvirt URI per host"
        for k in $(seq 1 "$LAB_HOST_COUNT"); do
            echo "$(lab_host_name "$k") $(lab_host_uri "$k")"
        done
    } > "$LAB_RUN/hosts.conf.tmp" && mv "$LAB_RUN/hosts.conf.tmp" "$LAB_RUN/hosts.conf"
}

lab_recorded_accel() {
    sed -n 's/^LAB_ACCEL=//p' "$(lab_env_file)" 2>/dev/null
}
lab_recorded_accel_reason() {
    sed -n "s/^LAB_ACCEL_REASON='\\(.*\\)'$/\\1/p" "$(lab_env_file)" 2>/dev/null
}

# Healthy: state files written and every daemon answers.
lab_is_healthy() {
    local k
    [ -f "$(lab_env_file)" ] && [ -f "$LAB_RUN/hosts.conf" ] || return 1
    for k in $(seq 1 "$LAB_HOST_COUNT"); do lab_host_answers "$k" || return 1; done
}

cmd_down() {
    lab_require_root
    lab_stop_processes
    lab_net_remove
    local mount_point
    # Netns mounts (and anything else of ours) still in the root namespace.
    for mount_point in $(awk -v a="virtmig-lab$LAB_INSTANCE/" -v b="/vmlab$LAB_INSTANCE-" \
                          'index($5, a) || index($5, b) {print $5}' /proc/self/mountinfo | sort -r); do
        umount -l "$mount_point" && lab_say "unmounted $mount_point"
    done
    for dir in "$LAB_RUN" "$LAB_DATA"; do
        [ -e "$dir" ] && rm -rf "$dir" && lab_say "removed $dir"
    done
    rm -f "/run/netns/vmlab$LAB_INSTANCE-"* 2>/dev/null
    lab_say "down"
}

cmd_up() {
    lab_require_root
    local started=$SECONDS accel accel_decision k
    if lab_is_healthy; then
        accel=$(lab_recorded_accel)
        lab_say "already up ($accel); resetting guests"
        if [ -n "${LAB_ACCEL:-}" ] && [ "$LAB_ACCEL" != "$accel" ]; then
            lab_say "note: LAB_ACCEL=$LAB_ACCEL is ignored: the instance runs $accel; 'lab.sh down' first to change it"
        fi
        if [ -z "$(lab_pids_of qemu-nbd "$LAB_NBD_IMAGE")" ]; then
            lab_say "qemu-nbd is gone: serving lun1 again and restarting shared-disk"
            lab_start_nbd || exit 1
            # Its QEMU lost the old NBD connection: the disk is broken there.
            for k in $(seq 1 "$LAB_HOST_COUNT"); do
                lab_virsh "$k" destroy shared-disk >/dev/null 2>&1
            done
        fi
        lab_reset_guests "$accel" || lab_die "resetting the guests failed (see above)"
        lab_say "up in $((SECONDS - started)) s"
        return 0
    fi
    if [ -e "$LAB_RUN" ] || ip link show "$LAB_BRIDGE" >/dev/null 2>&1; then
        lab_say "found a half-started or crashed instance: cleaning it first"
        cmd_down >/dev/null
    fi
    accel_decision=$(lab_decide_accel) || exit 1
    accel=${accel_decision%% *}
    lab_say "starting: $LAB_NET.0/24, bridge $LAB_BRIDGE, accelerator $accel (${accel_decision#* })"
    mkdir -p "$LAB_RUN" "$LAB_DATA" || lab_die "cannot create $LAB_RUN and $LAB_DATA"
    lab_ensure_qemu_user || exit 1
    lab_build_kernel || exit 1
    lab_say "guest kernel $LAB_KERNEL"
    lab_net_create_bridge || lab_die "creating bridge $LAB_BRIDGE failed"
    lab_write_hosts_file
    for k in $(seq 1 "$LAB_HOST_COUNT"); do
        lab_net_create_host "$k" || lab_die "creating namespace $(lab_host_ns "$k") failed"
    done
    lab_start_nbd || exit 1
    lab_say "qemu-nbd serves lun1 at nbd://$LAB_BRIDGE_ADDR:$LAB_NBD_PORT"
    for k in $(seq 1 "$LAB_HOST_COUNT"); do lab_start_host "$k"; done
    for k in $(seq 1 "$LAB_HOST_COUNT"); do
        lab_wait_host "$k" 30 || exit 1
        lab_say "$(lab_host_name "$k") answers at $(lab_host_uri "$k")"
    done
    for k in $(seq 1 "$LAB_HOST_COUNT"); do
        lab_setup_pool "$k" || lab_die "storage pool $LAB_POOL on $(lab_host_name "$k") failed"
    done
    for k in $LAB_NETWORK_HOSTS; do
        lab_setup_network "$k" || lab_die "network $LAB_NETWORK on $(lab_host_name "$k") failed"
    done
    lab_say "pool $LAB_POOL on all hosts; network $LAB_NETWORK on labhost${LAB_NETWORK_HOSTS// /, labhost}"
    lab_write_env "$accel" "${accel_decision#* }"
    lab_reset_guests "$accel" create || lab_die "starting the guests failed (see above)"
    lab_save_caps_cache
    lab_say "guests on labhost1: $LAB_GUESTS (parked is shut off)"
    lab_say "hosts.conf: $LAB_RUN/hosts.conf; env: tests/lab/lab.sh env"
    lab_say "up in $((SECONDS - started)) s"
}

cmd_status() {
    local k all_up=0 accel
    accel=$(lab_recorded_accel)
    local reason
    reason=$(lab_recorded_accel_reason)
    echo "lab instance $LAB_INSTANCE ($LAB_NET.0/24), accelerator: ${accel:-unknown}${reason:+ ($reason)}"
    local bridge_up=true
    # Without the bridge the addresses route elsewhere: do not wait on them.
    ip link show "$LAB_BRIDGE" >/dev/null 2>&1 || bridge_up=false
    for k in $(seq 1 "$LAB_HOST_COUNT"); do
        if $bridge_up && lab_host_answers "$k"; then
            echo "$(lab_host_name "$k")  up    $(lab_host_uri "$k")  accel=${accel:-unknown}"
            lab_virsh "$k" list --all 2>/dev/null | awk '{ id=$1; name=$2; $1=""; $2="";
                sub(/^ +/, ""); printf "    %-12s %s\n", name, $0 }'
        else
            echo "$(lab_host_name "$k")  DOWN  $(lab_host_uri "$k")"
            all_up=1
        fi
    done
    [ $all_up -eq 0 ] || echo "lab: not all hosts answer; 'tests/lab/lab.sh up' (re)starts the lab" >&2
    return $all_up
}

cmd_env() {
    [ -f "$(lab_env_file)" ] ||
        lab_die "instance $LAB_INSTANCE is not up ($(lab_env_file) missing): run 'tests/lab/lab.sh up'"
    cat "$(lab_env_file)"
}

cmd_reset() {
    lab_require_root
    lab_is_healthy || lab_die "instance $LAB_INSTANCE is not up: run 'tests/lab/lab.sh up'"
    lab_reset_guests "$(lab_recorded_accel)" || lab_die "reset failed (see above)"
}

lab_host_argument() {
    case "${1:-}" in
        [1-3]) echo "$1" ;;
        *) lab_die "'${1:-}' is not a lab host number: use 1, 2 or 3 (labhost1..labhost3)" ;;
    esac
}

cmd_kill_host() {
    lab_require_root
    local k pids
    k=$(lab_host_argument "${1:-}") || exit 1
    pids=$(lab_pids_of libvirtd "$(lab_host_pidfile "$k")")
    [ -n "$pids" ] || lab_die "$(lab_host_name "$k")'s libvirtd is not running"
    kill -KILL $pids
    lab_say "killed $(lab_host_name "$k")'s libvirtd (pid $pids); its guests keep running"
}

cmd_start_host() {
    lab_require_root
    local k
    k=$(lab_host_argument "${1:-}") || exit 1
    [ -d "$(lab_host_dir "$k")" ] || lab_die "instance $LAB_INSTANCE is not up: run 'tests/lab/lab.sh up'"
    if lab_host_answers "$k"; then
        lab_say "$(lab_host_name "$k") already answers"
        return 0
    fi
    local pid
    for pid in $(lab_pids_of libvirtd "$(lab_host_pidfile "$k")"); do
        lab_die "$(lab_host_name "$k")'s libvirtd (pid $pid) runs but does not answer: 'lab.sh kill-host $k' first"
    done
    rm -f "$(lab_host_pidfile "$k")"
    lab_start_host "$k"
    lab_wait_host "$k" 30 || exit 1
    lab_say "$(lab_host_name "$k") answers again at $(lab_host_uri "$k")"
}

case "${1:-}" in
    up|down|reset|kill-host|start-host) lab_require_root; lab_lock ;;
esac
case "${1:-}" in
    kill-host) cmd_kill_host "${2:-}" ;;
    start-host) cmd_start_host "${2:-}" ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    reset) cmd_reset ;;
    *) echo "usage: [LAB_INSTANCE=0..7] $0 up|down|status|env|reset|kill-host K|start-host K" >&2
       exit 2 ;;
esac
