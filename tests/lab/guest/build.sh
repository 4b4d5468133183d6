#!/usr/bin/env bash
# Builds the lab's guest kernel: build.sh OUTPUT_DIR. Prints the kernel's path.
# Rebuilds only when a source is newer than the kernel.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUTPUT_DIR}
kernel="$out/virtmig-guest.elf"
mkdir -p "$out"
if [ -f "$kernel" ] && [ "$kernel" -nt "$src/guest.c" ] && [ "$kernel" -nt "$src/boot.S" ] \
   && [ "$kernel" -nt "$src/build.sh" ]; then
    echo "$kernel"
    exit 0
fi
cflags=(-m32 -ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector
        -fno-asynchronous-unwind-tables -O2 -Wall -Wextra -Werror -std=c11)
gcc "${cflags[@]}" -c -o "$out/boot.o" "$src/boot.S"
gcc "${cflags[@]}" -c -o "$out/guest.o" "$src/guest.c"
# boot.o first: its .text begins with the multiboot header, which must sit in
# the first 8 KiB of the file.
ld -m elf_i386 -Ttext 0x100000 -z max-page-size=0x1000 -e _start \
   -o "$kernel.tmp" "$out/boot.o" "$out/guest.o"
offset=$(LC_ALL=C grep -obUaP '\x02\xb0\xad\x1b' "$kernel.tmp" | head -n1 | cut -d: -f1)
if [ -z "$offset" ] || [ "$offset" -ge 8192 ]; then
    echo "guest build: multiboot header not in the first 8 KiB of $kernel.tmp (offset '${offset}')" >&2
    exit 1
fi
mv "$kernel.tmp" "$kernel"
echo "$kernel"
