#!/usr/bin/env bash
# Packages `make screenshots` needs on top of tests/lab/deps.sh (not needed by
# `make check`): a virtual X server, a terminal emulator, a fixed-width font,
# and the tools that wait for the window and photograph it.
set -euo pipefail

packages=(xvfb xterm fonts-dejavu-core x11-utils imagemagick tmux)

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "screenshots: missing packages: ${missing[*]}" >&2
    echo "screenshots: run screenshots/deps.sh as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
fi
echo "screenshots: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
