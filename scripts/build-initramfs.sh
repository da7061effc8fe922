#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the guest's initramfs: static busybox, /init, the test scripts, the
# project's modules and the kernel's own test modules (null_blk).
#
# Usage: scripts/build-initramfs.sh ARCH MODULE_BUILD_DIR KDIR OUTPUT [bench]
#   bench: also add LXCFS (Debian's lxcfs and the libraries it loads) when
#   the guest's architecture is the host's, for comparisons.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=$(kernel_arch "$1")
mods=$2
kdir=$3
output=$4
extra=${5:-}

case $arch in
x86_64) busybox=/bin/busybox cc=gcc ;;
arm64) busybox=$RFL_CACHE/busybox-arm64/bin/busybox cc=aarch64-linux-gnu-gcc ;;
esac
[ -x "$busybox" ] || die "no static busybox for $arch at $busybox (run scripts/setup-toolchain.sh)"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 755 "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,mnt,etc,root,lib/modules/rfl,tests}
cp "$busybox" "$root/bin/busybox"
cp "$RFL_TOP/tests/guest/init" "$root/init"
cp "$RFL_TOP"/tests/guest/*.sh "$RFL_TOP/VERSION" "$root/tests/"
chmod 755 "$root/init"
cp "$mods"/cgroupfs/cgroupfs.ko "$mods"/qmon/qmon.ko "$mods"/rue/rue.ko \
	"$mods"/samples/cgroup_hello.ko "$root/lib/modules/rfl/"
if [ -f "$kdir/drivers/block/null_blk/null_blk.ko" ]; then
	cp "$kdir/drivers/block/null_blk/null_blk.ko" "$root/lib/modules/rfl/"
fi
# Static helpers the tests need beyond busybox.
for c in "$RFL_TOP"/tests/guest/helpers/*.c; do
	"$cc" -static -O2 -Wall -Werror -o "$root/bin/$(basename "$c" .c)" "$c" ||
		die "cannot build $c for $arch with $cc"
done
# LXCFS for the benchmark: the binary, its plugin, and what they link, at
# their own paths.
if [ "$extra" = bench ] && [ "$arch" = "$(kernel_arch "$(uname -m)")" ] && [ -x /usr/bin/lxcfs ]; then
	files=(/usr/bin/lxcfs /usr/lib/*/lxcfs/liblxcfs.so)
	for f in "${files[@]}"; do
		files+=($(ldd "$f" | awk '/=>/ { print $3 } /^\t\// { print $1 }'))
	done
	for f in "${files[@]}"; do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
	mkdir -p "$root/var/lib/lxcfs"
fi
# RFL_EXTRA_ROOT: a directory tree to add (e.g. installed packages).
if [ -n "${RFL_EXTRA_ROOT:-}" ]; then
	cp -a "$RFL_EXTRA_ROOT/." "$root/"
fi
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

mkdir -p "$(dirname "$output")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$output.tmp"
mv "$output.tmp" "$output"
