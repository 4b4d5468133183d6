#!/bin/sh
# Runs inside a lab host's fresh network, mount and UTS namespaces (started by
# lab.sh through `ip netns exec ... unshare`), makes the host's private view
# of libvirt's directories and becomes its libvirtd.
#   host-init.sh HOSTNAME HOST_DIR HOSTS_FILE
set -eu
name=$1 dir=$2 hosts_file=$3

# Nothing we mount here may leak back into the root namespace.
mount --make-rprivate /
for sub in run:/run/libvirt lib:/var/lib/libvirt cache:/var/cache/libvirt \
           log:/var/log/libvirt etc:/etc/libvirt; do
    src="$dir/${sub%%:*}" target=${sub#*:}
    mkdir -p "$target"
    mount --bind "$src" "$target"
done
mount --bind "$hosts_file" /etc/hosts
hostname "$name"
exec libvirtd --listen --pid-file "$dir/libvirtd.pid"
