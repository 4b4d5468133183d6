#!/usr/bin/env bash
# Checks that nothing of a lab instance is left after `lab.sh down`: processes
# (daemons, guests, NBD server), network namespaces, links, mounts, directories.
# Exits non-zero naming each thing left. LAB_INSTANCE=N selects the instance.
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
lab_init_instance

left=()
for k in $(seq 1 "$LAB_HOST_COUNT"); do
    for pid in $(lab_pids_of libvirtd "$(lab_host_pidfile "$k")"); do
        left+=("process: libvirtd of $(lab_host_name "$k") (pid $pid)")
    done
    ns=$(lab_host_ns "$k")
    if ip netns list | grep -qw "^$ns"; then
        left+=("network namespace: $ns (processes: $(ip netns pids "$ns" | tr '\n' ' '))")
    fi
    veth=$(lab_host_veth "$k")
    ip link show "$veth" >/dev/null 2>&1 && left+=("link: $veth")
done
for pid in $(lab_pids_of qemu-system "$LAB_KERNEL"); do
    left+=("process: QEMU guest (pid $pid: $(tr '\0' ' ' 2>/dev/null < /proc/"$pid"/cmdline | grep -o 'guest=[^, ]*'))")
done
for pid in $(lab_pids_of qemu-nbd "$LAB_NBD_IMAGE"); do
    left+=("process: qemu-nbd (pid $pid)")
done
ip link show "$LAB_BRIDGE" >/dev/null 2>&1 && left+=("link: bridge $LAB_BRIDGE")
while read -r mount_point; do
    left+=("mount: $mount_point")
done < <(awk -v a="virtmig-lab$LAB_INSTANCE/" -v b="/vmlab$LAB_INSTANCE-" \
             'index($5, a) || index($5, b) {print $5}' /proc/self/mountinfo)
for dir in "$LAB_RUN" "$LAB_DATA"; do
    [ -e "$dir" ] && left+=("directory: $dir")
done
ls /run/netns/vmlab"$LAB_INSTANCE"-* >/dev/null 2>&1 && left+=("files: /run/netns/vmlab$LAB_INSTANCE-*")

if [ ${#left[@]} -eq 0 ]; then
    echo "leftovers: nothing of lab instance $LAB_INSTANCE is left"
    exit 0
fi
echo "leftovers: lab instance $LAB_INSTANCE left ${#left[@]} thing(s) behind; 'tests/lab/lab.sh down' should remove them:" >&2
printf '  %s\n' "${left[@]}" >&2
exit 1
