#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the modules and samples against a kernel tree, with W=1 and clippy,
# failing on any compiler or clippy warning. Prints the output directory,
# which holds the .ko files (cgroupfs/cgroupfs.ko, ...).
#
# Usage: scripts/build-modules.sh ARCH VARIANT [KDIR]
#   KDIR defaults to the project's cached test kernel for ARCH and VARIANT.
#
# Kbuild writes objects beside the sources, so each kernel gets its own copy
# of the sources under build/modules/ARCH-VARIANT: builds for several
# kernels never mix objects.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=$(kernel_arch "${1:-x86_64}")
variant=${2:-release}
kdir=${3:-$("$RFL_TOP/scripts/build-kernel.sh" "$arch" "$variant")}

out=$RFL_OUT/modules/$arch-$variant
mkdir -p "$out"
# Mirror the sources (not build products) into the copy. --checksum keeps
# unchanged files untouched, so kbuild rebuilds only what changed.
(cd "$RFL_TOP" && rsync -a --checksum --delete \
	--exclude='*.o' --exclude='*.ko' --exclude='*.cmd' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='*.d' --exclude='*.rmeta' --exclude='modules.order' \
	--exclude='Module.symvers' --exclude='.*' \
	Makefile Kbuild VERSION support cgroupfs qmon rue samples "$out/")

buildlog=$out/build.log
if ! make -C "$out" KDIR="$kdir" ARCH="$arch" W=1 CLIPPY=1 modules >"$buildlog" 2>&1; then
	cat "$buildlog" >&2
	die "module build for $arch-$variant failed (log: $buildlog)"
fi
if grep -iE '(^|[^_])warning[:[]' "$buildlog" >&2; then
	die "module build for $arch-$variant has warnings (log: $buildlog)"
fi
for ko in cgroupfs/cgroupfs.ko qmon/qmon.ko rue/rue.ko samples/cgroup_hello.ko; do
	[ -f "$out/$ko" ] || die "module build for $arch-$variant made no $ko"
done
# modules_install must place every module under INSTALL_MOD_PATH.
rm -rf "$out/install"
make -C "$out" KDIR="$kdir" ARCH="$arch" INSTALL_MOD_PATH="$out/install" modules_install \
	>>"$buildlog" 2>&1 || die "modules_install for $arch-$variant failed (log: $buildlog)"
for m in cgroupfs qmon rue cgroup_hello; do
	find "$out/install/lib/modules" -name "$m.ko*" | grep -q . ||
		die "modules_install for $arch-$variant did not install $m"
done
echo "$out"
