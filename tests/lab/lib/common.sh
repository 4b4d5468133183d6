# shellcheck shell=bash
# shellcheck disable=SC2034  # variables here are used by the scripts that source this
# Names, addresses and paths of one lab instance, and small shared helpers.
# Sourced by lab.sh, leftovers.sh and demo.sh; LAB_INSTANCE=N (0..7) picks the
# instance, so several labs run side by side without sharing anything.

LAB_HOST_COUNT=3

lab_die() { echo "lab: error: $*" >&2; exit 1; }
lab_say() { echo "lab$LAB_INSTANCE [${SECONDS}s]: $*"; }

lab_init_instance() {
    LAB_INSTANCE=${LAB_INSTANCE:-0}
    case "$LAB_INSTANCE" in
        [0-7]) ;;
        *) lab_die "LAB_INSTANCE='$LAB_INSTANCE' is not valid: use a number from 0 to 7 (default 0)" ;;
    esac
    LAB_NET="198.18.$((77 + LAB_INSTANCE))"        # documentation/benchmark space
    LAB_BRIDGE="vmlab$LAB_INSTANCE-br"
    LAB_BRIDGE_ADDR="$LAB_NET.1"
    LAB_RUN="/run/virtmig-lab$LAB_INSTANCE"          # daemons' state, sockets, logs
    LAB_DATA="/var/tmp/virtmig-lab$LAB_INSTANCE"     # guest kernel, shared disk image
    LAB_NBD_PORT=$((10809 + LAB_INSTANCE))
    LAB_KERNEL="$LAB_DATA/guest/virtmig-guest.elf"
    LAB_NBD_IMAGE="$LAB_DATA/shared-lun1.raw"
    LAB_NBD_PIDFILE="$LAB_RUN/qemu-nbd.pid"
    LAB_DEFAULT_BANDWIDTH_MIB=50                     # the lab's "link", in MiB/s
    LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    export LAB_INSTANCE
}

# Per-host names: lab_host_* K
lab_host_name()   { echo "labhost$1"; }
lab_host_ns()     { echo "vmlab$LAB_INSTANCE-labhost$1"; }
lab_host_veth()   { echo "vmlab${LAB_INSTANCE}h$1"; }      # root-namespace end
lab_host_addr()   { echo "$LAB_NET.$((10 + $1))"; }
lab_host_uri()    { echo "qemu+tcp://$(lab_host_addr "$1")/system"; }
lab_host_dir()    { echo "$LAB_RUN/labhost$1"; }
lab_host_sock()   { echo "$(lab_host_dir "$1")/run/libvirt-sock"; }   # run/ is its /run/libvirt
lab_host_pidfile(){ echo "$(lab_host_dir "$1")/libvirtd.pid"; }
# Distinct per host and per instance: libvirt refuses to migrate to "the same host".
lab_host_uuid()   { printf '5a1ab000-0000-4000-8000-%06x%06x\n' "$LAB_INSTANCE" "$1"; }

# virsh against host K, quiet, bounded so a wedged daemon cannot hang the lab.
lab_virsh() {
    local k=$1; shift
    timeout 30 virsh -q -c "$(lab_host_uri "$k")" "$@"
}

# True when host K's daemon answers within SECONDS (default 10: on a loaded
# machine a healthy daemon can take seconds, and `up` must not mistake a slow
# host for a dead one and rebuild the instance).
lab_host_answers() {
    timeout "${2:-10}" virsh -q -c "$(lab_host_uri "$1")" hostname >/dev/null 2>&1
}

# Pids of programs named COMM* whose command line contains NEEDLE (an
# instance-specific path such as a pid file or the guest kernel). Reads /proc
# directly: exact, needs no pattern language, and never matches a shell that
# merely mentions the path.
lab_pids_of() {
    local comm_prefix=$1 needle=$2 dir comm cmdline
    for dir in /proc/[0-9]*; do
        read -r comm 2>/dev/null < "$dir/comm" || continue
        case "$comm" in "$comm_prefix"*) ;; *) continue ;; esac
        cmdline=$(tr '\0' ' ' 2>/dev/null < "$dir/cmdline") || continue
        case "$cmdline" in *"$needle"*) echo "${dir#/proc/}" ;; esac
    done
}
