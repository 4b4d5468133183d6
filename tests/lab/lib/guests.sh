# shellcheck shell=bash
# shellcheck disable=SC2034  # variables here are used by the scripts that source this
# The lab's guests, storage and networks. Every guest runs the multiboot
# writer from guest/ with its own command line; see guest/guest.c.
#
#   name         MiB  state    workload                 why it exists
#   idle         256  running  writes nothing           quick migrations, symmetric moves
#   steady       512  running  64 MiB at 2000 pages/s   converges with >= 2 iterations; on labnet
#   hot          512  running  200 MiB at 25600 pages/s ~100 MiB/s: needs post-copy at 50 MiB/s
#   parked       256  shut off writes nothing           offline migration
#   shared-disk  256  running  writes nothing           NBD disk: shared storage, live w/o --unsafe
#   local-disk   256  running  writes nothing           disk in labpool: --copy-storage-all

LAB_GUESTS="idle steady hot parked shared-disk local-disk"
LAB_POOL=labpool
LAB_POOL_PATH=/var/lib/libvirt/images           # private per host, same path everywhere
LAB_LOCAL_VOLUME=local-disk.qcow2
LAB_NETWORK=labnet
LAB_NETWORK_HOSTS="1 2"                          # not 3: pre-flight checks find that

lab_guest_memory_mib() {
    case "$1" in steady|hot) echo 512 ;; *) echo 256 ;; esac
}
lab_guest_cmdline() {
    case "$1" in
        steady) echo "mib=64 rate=2000" ;;
        hot)    echo "mib=200 rate=25600" ;;
        *)      echo "mib=0" ;;
    esac
}
# Fixed per instance and guest, so a re-definition never clashes with a copy.
lab_guest_uuid() {
    local index=0 guest
    for guest in $LAB_GUESTS; do
        index=$((index + 1))
        [ "$guest" = "$1" ] && break
    done
    printf '5a1ab0%02x-0000-4000-9000-0000000000%02x\n' "$LAB_INSTANCE" "$index"
}
lab_guest_should_run() { [ "$1" != parked ]; }

# KVM when /dev/kvm works for our guest, TCG otherwise; LAB_ACCEL=kvm|tcg
# overrides. Prints "ACCEL REASON...". Under PVM (kvm_pvm: the KVM of some
# nested sandboxes, including the machine this lab was measured on) only
# PVM-aware 64-bit kernels run natively: our 32-bit guest is emulated one
# instruction at a time, measured at 5% of a core for the bare 250 Hz tick
# and 18% for `hot`, against 1% and 1% under TCG. TCG is the faster choice.
lab_decide_accel() {
    case "${LAB_ACCEL:-}" in
        kvm|tcg) echo "$LAB_ACCEL chosen by LAB_ACCEL"; return ;;
        "") ;;
        *) lab_die "LAB_ACCEL='$LAB_ACCEL' is not valid: use kvm or tcg (or leave it unset)" ;;
    esac
    if ! [ -c /dev/kvm ] || ! { exec 9<>/dev/kvm; } 2>/dev/null; then
        echo "tcg /dev/kvm cannot be opened"
        return
    fi
    exec 9>&-
    if [ -d /sys/module/kvm_pvm ]; then
        echo "tcg /dev/kvm is PVM (kvm_pvm), which would emulate the guest; TCG costs less CPU"
        return
    fi
    echo "kvm /dev/kvm works"
}

lab_guest_xml() {
    local name=$1 accel=$2 devices=""
    local domain_type=kvm
    [ "$accel" = tcg ] && domain_type=qemu
    case "$name" in
        steady)
            devices="<interface type='network'><source network='$LAB_NETWORK'/>
      <mac address='52:54:00:4c:$(printf '%02x' "$LAB_INSTANCE"):02'/><model type='virtio'/></interface>" ;;
        shared-disk)
            devices="<disk type='network' device='disk'><driver name='qemu' type='raw'/>
      <source protocol='nbd' name='lun1'><host name='$LAB_BRIDGE_ADDR' port='$LAB_NBD_PORT'/></source>
      <target dev='vda' bus='virtio'/></disk>" ;;
        local-disk)
            devices="<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='$LAB_POOL_PATH/$LAB_LOCAL_VOLUME'/><target dev='vda' bus='virtio'/></disk>" ;;
    esac
    cat <<XML
<domain type='$domain_type'>
  <name>$name</name>
  <uuid>$(lab_guest_uuid "$name")</uuid>
  <description>virtmig lab guest (tests/lab/lib/guests.sh)</description>
  <memory unit='MiB'>$(lab_guest_memory_mib "$name")</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$LAB_KERNEL</kernel>
    <cmdline>$(lab_guest_cmdline "$name")</cmdline>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    $devices
    <serial type='file'><source path='/var/log/libvirt/qemu/$name-serial.log'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}

lab_build_kernel() {
    "$LAB_DIR/guest/build.sh" "$LAB_DATA/guest" >/dev/null ||
        { echo "lab: building the guest kernel failed (see above)" >&2; return 1; }
}

# The shared disk: an NBD export on the bridge address, as a SAN LUN would be.
lab_start_nbd() {
    [ -f "$LAB_NBD_IMAGE" ] || qemu-img create -q -f raw "$LAB_NBD_IMAGE" 64M || return 1
    qemu-nbd -f raw -b "$LAB_BRIDGE_ADDR" -p "$LAB_NBD_PORT" -t --shared=8 -x lun1 \
             --fork --pid-file "$LAB_NBD_PIDFILE" "$LAB_NBD_IMAGE" 8>&- ||
        { echo "lab: qemu-nbd failed to serve $LAB_NBD_IMAGE on $LAB_BRIDGE_ADDR:$LAB_NBD_PORT" >&2; return 1; }
}

lab_setup_pool() {
    local k=$1 xml="$LAB_RUN/pool.xml"
    cat > "$xml" <<XML
<pool type='dir'><name>$LAB_POOL</name><target><path>$LAB_POOL_PATH</path></target></pool>
XML
    lab_virsh "$k" pool-define "$xml" >/dev/null &&
    lab_virsh "$k" pool-build "$LAB_POOL" >/dev/null &&
    lab_virsh "$k" pool-start "$LAB_POOL" >/dev/null &&
    lab_virsh "$k" pool-autostart "$LAB_POOL" >/dev/null
}

lab_setup_network() {
    local k=$1 xml="$LAB_RUN/labnet.xml"
    cat > "$xml" <<XML
<network><name>$LAB_NETWORK</name><forward mode='bridge'/><bridge name='$LABNET_BRIDGE'/></network>
XML
    lab_virsh "$k" net-define "$xml" >/dev/null &&
    lab_virsh "$k" net-start "$LAB_NETWORK" >/dev/null &&
    lab_virsh "$k" net-autostart "$LAB_NETWORK" >/dev/null
}

lab_define_guest() {
    local name=$1 accel=$2 xml="$LAB_RUN/guest-$1.xml"
    lab_guest_xml "$name" "$accel" > "$xml"
    lab_virsh 1 define "$xml" >/dev/null
}

lab_ensure_local_volume() {
    lab_virsh 1 vol-info --pool "$LAB_POOL" "$LAB_LOCAL_VOLUME" >/dev/null 2>&1 && return 0
    lab_virsh 1 vol-create-as "$LAB_POOL" "$LAB_LOCAL_VOLUME" 64M --format qcow2 >/dev/null
}

# Domain state on host K ("running", "shut off", ...), empty when not defined.
lab_domain_state() {
    lab_virsh "$1" domstate "$2" 2>/dev/null | head -n1
}

lab_wait_guest_running() {
    local name=$1 _
    for _ in $(seq 1 100); do
        [ "$(lab_domain_state 1 "$name")" = running ] && return 0
        sleep 0.1
    done
    echo "lab: guest $name is not running on labhost1 (state: '$(lab_domain_state 1 "$name")')" >&2
    return 1
}

# Puts guest NAME back on labhost1 in its starting state. Stray copies on
# other hosts are destroyed and undefined (faster and surer than migrating a
# guest back that may not converge); a guest that must run is (re)started.
lab_reset_guest() {
    local name=$1 accel=$2 k state info
    for k in $(seq 2 "$LAB_HOST_COUNT"); do
        state=$(lab_domain_state "$k" "$name")
        [ -n "$state" ] || continue
        lab_say "reset: removing $name from $(lab_host_name "$k") (was $state)"
        lab_virsh "$k" domjobabort "$name" >/dev/null 2>&1
        lab_virsh "$k" destroy "$name" >/dev/null 2>&1
        lab_virsh "$k" undefine "$name" >/dev/null 2>&1
        [ "$name" = local-disk ] &&
            lab_virsh "$k" vol-delete --pool "$LAB_POOL" "$LAB_LOCAL_VOLUME" >/dev/null 2>&1
    done
    if [ "$name" = local-disk ]; then
        lab_ensure_local_volume || return 1
    fi
    state=$(lab_domain_state 1 "$name")
    # A job left by a test (a migration in either direction) would block us.
    [ "$state" = running ] || [ "$state" = paused ] &&
        lab_virsh 1 domjobabort "$name" >/dev/null 2>&1
    info=$(lab_virsh 1 dominfo "$name" 2>/dev/null)
    if [ -z "$state" ] || ! grep -q '^Persistent: *yes' <<< "$info"; then
        lab_define_guest "$name" "$accel" || return 1
        state=$(lab_domain_state 1 "$name")
    fi
    if ! lab_guest_should_run "$name"; then
        [ "$state" = "shut off" ] || lab_virsh 1 destroy "$name" >/dev/null || return 1
        return 0
    fi
    case "$state" in
        running) ;;
        "shut off") lab_virsh 1 start "$name" >/dev/null || return 1 ;;
        paused) lab_virsh 1 resume "$name" >/dev/null 2>&1 || {
                    lab_say "reset: restarting $name (could not resume it)"
                    lab_virsh 1 destroy "$name" >/dev/null 2>&1
                    lab_virsh 1 start "$name" >/dev/null || return 1
                } ;;
        *) lab_say "reset: restarting $name (was $state)"
           lab_virsh 1 destroy "$name" >/dev/null 2>&1
           lab_virsh 1 start "$name" >/dev/null || return 1 ;;
    esac
    lab_wait_guest_running "$name"
}

# "name|state" per domain on host K, one virsh call.
lab_list_domains() {
    lab_virsh "$1" list --all 2>/dev/null |
        awk '{ name = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); print name "|" $0 }'
}

# True when NAME needs no reset: only on labhost1, persistent, in its
# starting state. Reads the lists gathered by lab_reset_guests.
lab_guest_in_place() {
    local name=$1 want=running
    lab_guest_should_run "$name" || want="shut off"
    grep -qxF "$name|$want" <<< "$LAB_LIST_1" || return 1
    grep -qxF "$name" <<< "$LAB_PERSISTENT_1" || return 1
    ! grep -q "^$name|" <<< "$LAB_LIST_OTHERS"
}

# A fresh instance has no guest anywhere: define and start, with none of
# reset's queries (each virsh call costs a few hundred ms on a busy machine).
lab_create_guest() {
    local name=$1 accel=$2
    if [ "$name" = local-disk ]; then
        lab_ensure_local_volume || return 1
    fi
    lab_define_guest "$name" "$accel" || return 1
    lab_guest_should_run "$name" || return 0
    lab_virsh 1 start "$name" >/dev/null && lab_wait_guest_running "$name"
}

# Resets (or with "create", creates) every guest, all at once: starting
# guests one after the other costs seconds each on a loaded machine.
lab_reset_guests() {
    local accel=$1 how=${2:-reset} name failed=0 pids=() names=() i k
    if [ "$how" = reset ]; then
        LAB_LIST_1=$(lab_list_domains 1)
        LAB_PERSISTENT_1=$(lab_virsh 1 list --all --persistent --name 2>/dev/null)
        LAB_LIST_OTHERS=$(for k in $(seq 2 "$LAB_HOST_COUNT"); do lab_list_domains "$k"; done)
    fi
    for name in $LAB_GUESTS; do
        if [ "$how" = reset ] && lab_guest_in_place "$name"; then
            continue
        elif [ "$how" = create ]; then
            lab_create_guest "$name" "$accel" &
        else
            lab_reset_guest "$name" "$accel" &
        fi
        pids+=($!)
        names+=("$name")
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || { echo "lab: resetting guest ${names[$i]} failed" >&2; failed=1; }
    done
    return $failed
}
