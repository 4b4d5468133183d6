# shellcheck shell=bash
# The three lab hosts: each a real libvirtd (QEMU driver) in its own network,
# mount and UTS namespaces, configured as LAB-NOTES.md describes.

lab_hosts_file() { echo "$LAB_RUN/hosts"; }

lab_write_hosts_file() {
    local k
    {
        echo "127.0.0.1 localhost"
        for k in $(seq 1 "$LAB_HOST_COUNT"); do
            echo "$(lab_host_addr "$k") $(lab_host_name "$k")"
        done
    } > "$(lab_hosts_file)"
}

# Debian's QEMU driver looks this user up before it reads qemu.conf.
lab_ensure_qemu_user() {
    getent passwd libvirt-qemu >/dev/null && return 0
    useradd --system --user-group --no-create-home --home-dir /var/lib/libvirt \
            --shell /usr/sbin/nologin libvirt-qemu 2>/dev/null || true
    getent passwd libvirt-qemu >/dev/null ||
        { echo "lab: could not create the user libvirt-qemu (useradd failed)" >&2; return 1; }
    lab_say "created user libvirt-qemu (the QEMU driver needs it to exist)"
}

lab_write_host_config() {
    local k=$1 dir
    dir=$(lab_host_dir "$k")
    # log/qemu: the guests' serial consoles are files there, on every host.
    mkdir -p "$dir"/{run,lib,cache,log/qemu,etc}
    cat > "$dir/etc/libvirtd.conf" <<CONF
# lab host $(lab_host_name "$k"): unauthenticated TCP on the lab address only.
listen_tls = 0
listen_tcp = 1
listen_addr = "$(lab_host_addr "$k")"
auth_tcp = "none"
# The unix sockets sit in this host's private run directory, reachable by root
# only; without polkit running, the default polkit check prints "Authorization
# not available" on every local connection.
auth_unix_rw = "none"
auth_unix_ro = "none"
host_uuid = "$(lab_host_uuid "$k")"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
CONF
    cat > "$dir/etc/qemu.conf" <<CONF
# lab host $(lab_host_name "$k"): no cgroups, no namespaces, no virtlogd.
user = "root"
group = "root"
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
# Incoming migrations listen on the lab address only (the namespace has
# nothing else but loopback, but say so).
migration_address = "$(lab_host_addr "$k")"
# Daemon-to-daemon keepalive (p2p migration): a dead peer shows in ~6 s.
keepalive_interval = 2
keepalive_count = 3
CONF
}

# QEMU's capabilities, as libvirt caches them. Probing QEMU is most of a cold
# start (measured 5-10 s with three daemons probing at once on 2 busy cores),
# so every new host starts with the last probe's result. libvirt validates a
# cache entry (QEMU binary, libvirt version, kernel, microcode) and re-probes
# when it is stale, so a seed can cost nothing but the copy. Shared by all
# instances; written atomically enough: a lost race only means one re-probe.
LAB_CAPS_SEED=/var/tmp/virtmig-lab-qemu-caps

lab_seed_caps_cache() {
    local target
    target="$(lab_host_dir "$1")/cache/qemu/capabilities"
    [ -d "$LAB_CAPS_SEED" ] || return 0
    if mkdir -p "$target"; then
        cp -a "$LAB_CAPS_SEED/." "$target/" 2>/dev/null
    fi
    return 0
}

lab_save_caps_cache() {
    local source tmp
    source="$(lab_host_dir 1)/cache/qemu/capabilities"
    compgen -G "$source/*.xml" >/dev/null || return 0
    diff -rq "$source" "$LAB_CAPS_SEED" >/dev/null 2>&1 && return 0
    tmp=$(mktemp -d "$LAB_CAPS_SEED.new.XXXXXX") || return 0
    cp -a "$source/." "$tmp/" &&
        rm -rf "$LAB_CAPS_SEED" && mv -T "$tmp" "$LAB_CAPS_SEED" 2>/dev/null
    rm -rf "$tmp"
    return 0
}

lab_start_host() {
    local k=$1 dir
    dir=$(lab_host_dir "$k")
    lab_write_host_config "$k"
    lab_seed_caps_cache "$k"
    setsid ip netns exec "$(lab_host_ns "$k")" \
        unshare --mount --uts --propagation private -- \
        "$LAB_DIR/host-init.sh" "$(lab_host_name "$k")" "$dir" "$(lab_hosts_file)" \
        >> "$dir/libvirtd.out" 2>&1 < /dev/null 8>&- &
}

# Waits until host K's daemon answers, up to SECONDS; says why when it does not.
lab_wait_host() {
    local k=$1 seconds=${2:-30} deadline
    deadline=$((SECONDS + seconds))
    until lab_host_answers "$k" 2; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "lab: $(lab_host_name "$k") did not answer at $(lab_host_uri "$k") within ${seconds}s;" \
                 "its output ($(lab_host_dir "$k")/libvirtd.out):" >&2
            tail -n 20 "$(lab_host_dir "$k")/libvirtd.out" >&2 2>/dev/null
            tail -n 20 "$(lab_host_dir "$k")/log/libvirtd.log" >&2 2>/dev/null
            return 1
        fi
        sleep 0.2
    done
}

# True while PID runs; a zombie (killed, not yet reaped by its parent) is gone.
lab_pid_alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# Stops every process of the instance: whatever lives in its namespaces, and
# (in case a namespace is already gone) its daemons, guests and NBD server
# found by their instance-specific paths.
lab_stop_processes() {
    local k pids=() pid
    for k in $(seq 1 "$LAB_HOST_COUNT"); do
        if ip netns list | grep -qw "^$(lab_host_ns "$k")"; then
            pids+=($(ip netns pids "$(lab_host_ns "$k")" 2>/dev/null))
        fi
        pids+=($(lab_pids_of libvirtd "$(lab_host_pidfile "$k")"))
    done
    pids+=($(lab_pids_of qemu-system "$LAB_KERNEL"))
    pids+=($(lab_pids_of qemu-nbd "$LAB_NBD_IMAGE"))
    [ ${#pids[@]} -eq 0 ] && return 0
    pids=($(printf '%s\n' "${pids[@]}" | sort -un))
    lab_say "stopping processes ${pids[*]}"
    # A lab holds nothing worth a slow shutdown: a second for SIGTERM, then KILL.
    kill -TERM "${pids[@]}" 2>/dev/null
    for _ in $(seq 1 10); do
        local alive=()
        for pid in "${pids[@]}"; do lab_pid_alive "$pid" && alive+=("$pid"); done
        [ ${#alive[@]} -eq 0 ] && return 0
        pids=("${alive[@]}")
        sleep 0.1
    done
    lab_say "killing processes that ignored SIGTERM: ${pids[*]}"
    kill -KILL "${pids[@]}" 2>/dev/null
    for _ in $(seq 1 30); do
        local alive=()
        for pid in "${pids[@]}"; do lab_pid_alive "$pid" && alive+=("$pid"); done
        [ ${#alive[@]} -eq 0 ] && return 0
        pids=("${alive[@]}")
        sleep 0.1
    done
    echo "lab: processes still alive after SIGKILL: ${pids[*]}" >&2
    return 1
}

# ---- the SASL host ----------------------------------------------------
# One more libvirtd, in labhost3's network namespace but with its own mount
# and UTS namespaces and directories, that asks every TCP client for a
# username and password (SASL DIGEST-MD5 against its own sasldb). It serves
# the test driver only (test+tcp://ADDR:PORT/default): it exists so the
# engine's credential path is tested against libvirt's real SASL exchange.
# Started and stopped by the tests that need it; `lab.sh down` stops it with
# everything else in labhost3's namespace.
LAB_SASL_PORT=16599
LAB_SASL_USER=virtmig
LAB_SASL_PASSWORD=lab-secret
lab_sasl_dir()     { echo "$LAB_RUN/labsasl"; }
lab_sasl_uri()     { echo "test+tcp://$(lab_host_addr 3):$LAB_SASL_PORT/default"; }

lab_start_sasl_host() {
    local dir
    dir=$(lab_sasl_dir)
    lab_stop_sasl_host
    command -v saslpasswd2 >/dev/null ||
        { echo "lab: saslpasswd2 is missing: run 'make deps' (package sasl2-bin)" >&2; return 1; }
    mkdir -p "$dir"/{run,lib,cache,log/qemu,etc/sasl2}
    cat > "$dir/etc/libvirtd.conf" <<CONF
# The lab's SASL host: TCP with a username and password, on labhost3's address.
listen_tls = 0
listen_tcp = 1
listen_addr = "$(lab_host_addr 3)"
tcp_port = "$LAB_SASL_PORT"
auth_tcp = "sasl"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
CONF
    # The QEMU driver loads too (libvirtd stops if it fails): same settings as
    # the lab hosts, and it manages no guest.
    cp "$(lab_host_dir 3)/etc/qemu.conf" "$dir/etc/qemu.conf" || return 1
    cat > "$dir/etc/sasl2/libvirt.conf" <<CONF
mech_list: digest-md5
sasldb_path: $dir/etc/sasl2/passwd.db
CONF
    # DIGEST-MD5's realm is the server's hostname: the namespace's, labsasl.
    echo "$LAB_SASL_PASSWORD" |
        saslpasswd2 -p -c -a libvirt -u labsasl -f "$dir/etc/sasl2/passwd.db" "$LAB_SASL_USER" ||
        { echo "lab: saslpasswd2 could not create the SASL user" >&2; return 1; }
    cp -a "$(lab_host_dir 3)/cache/qemu" "$dir/cache/" 2>/dev/null
    SASL_CONF_PATH="$dir/etc/sasl2" setsid ip netns exec "$(lab_host_ns 3)" \
        unshare --mount --uts --propagation private -- \
        "$LAB_DIR/host-init.sh" labsasl "$dir" "$(lab_hosts_file)" \
        >> "$dir/libvirtd.out" 2>&1 < /dev/null 8>&- &
    local deadline=$((SECONDS + 30))
    # It answers once its TCP port is open (a client would need the password).
    until ip netns exec "$(lab_host_ns 3)" ss -Hltn "sport = :$LAB_SASL_PORT" | grep -q .; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "lab: the SASL host did not listen on port $LAB_SASL_PORT within 30 s; its output:" >&2
            tail -n 20 "$dir/libvirtd.out" "$dir/log/libvirtd.log" >&2 2>/dev/null
            return 1
        fi
        sleep 0.2
    done
}

lab_stop_sasl_host() {
    local dir pid
    dir=$(lab_sasl_dir)
    for pid in $(lab_pids_of libvirtd "$dir/libvirtd.pid"); do
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 50); do lab_pid_alive "$pid" || break; sleep 0.1; done
        lab_pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null
    done
    rm -rf "$dir"
    return 0
}
