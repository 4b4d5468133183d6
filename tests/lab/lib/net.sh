# shellcheck shell=bash
# The instance's network: one bridge in the root namespace (the client's way
# in, at LAB_BRIDGE_ADDR) and per host a network namespace joined to it by a
# veth pair, plus a bridge inside the namespace for the libvirt network labnet.

LABNET_BRIDGE=labnet-br       # inside each host's namespace, so the same name

lab_net_create_bridge() {
    if ! ip link show "$LAB_BRIDGE" >/dev/null 2>&1; then
        ip link add "$LAB_BRIDGE" type bridge || return 1
    fi
    # br_netfilter may be loaded by other software: keep host firewall rules
    # out of the lab's host-to-host traffic.
    ip link set "$LAB_BRIDGE" type bridge nf_call_iptables 0 nf_call_ip6tables 0 \
        nf_call_arptables 0 2>/dev/null || true
    ip addr replace "$LAB_BRIDGE_ADDR/24" dev "$LAB_BRIDGE" || return 1
    ip link set "$LAB_BRIDGE" up
}

lab_net_create_host() {
    local k=$1 ns veth
    ns=$(lab_host_ns "$k")
    veth=$(lab_host_veth "$k")
    ip netns add "$ns" || return 1
    ip link add "$veth" type veth peer name eth0 netns "$ns" || return 1
    ip link set "$veth" master "$LAB_BRIDGE" up || return 1
    ip -n "$ns" link set lo up || return 1
    ip -n "$ns" addr add "$(lab_host_addr "$k")/24" dev eth0 || return 1
    ip -n "$ns" link set eth0 up || return 1
    ip -n "$ns" link add "$LABNET_BRIDGE" type bridge || return 1
    ip -n "$ns" link set "$LABNET_BRIDGE" up
}

lab_net_remove() {
    local k ns veth
    for k in $(seq 1 "$LAB_HOST_COUNT"); do
        ns=$(lab_host_ns "$k")
        veth=$(lab_host_veth "$k")
        if ip netns list | grep -qw "^$ns"; then
            ip netns del "$ns" && lab_say "removed netns $ns"
        fi
        if ip link show "$veth" >/dev/null 2>&1; then
            # Deleting the namespace removes its veth pair, asynchronously.
            ip link del "$veth" 2>/dev/null && lab_say "removed link $veth"
        fi
    done
    if ip link show "$LAB_BRIDGE" >/dev/null 2>&1; then
        ip link del "$LAB_BRIDGE" && lab_say "removed bridge $LAB_BRIDGE"
    fi
}
