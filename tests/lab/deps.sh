#!/usr/bin/env bash
# `make deps`: installs exactly what the build, the lab and the tests need.
# Quick when everything is there (one dpkg-query), says what to do when not root.
set -euo pipefail

packages=(
    # build
    gcc make pkg-config libvirt-dev libncurses-dev libxml2-dev libcmocka-dev
    # lab: libvirt daemons with the QEMU driver, the guest kernel (32-bit multiboot)
    libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils
    gcc-multilib binutils iproute2 util-linux procps locales
    # lab: the SASL host (a libvirtd that asks for a username and password)
    sasl2-bin libsasl2-modules
    # tests: UI tests in tmux, valgrind for the TUI binary
    tmux valgrind
)

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#packages[@]} packages present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: run 'make deps' as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
