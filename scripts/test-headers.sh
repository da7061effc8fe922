#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the modules the way a distro user would: against a headers
# directory made by the kernel's own scripts/package/install-extmod-build
# (what linux-headers packages ship), first without Rust metadata (the
# build must stop with one clear message), then with the metadata from
# scripts/rust-headers.sh; then run the guest suite on those modules.
#
# Usage: scripts/test-headers.sh [ARCH] [VARIANT]   (x86_64 only for now:
# install-extmod-build rebuilds host programs for the target when cross
# building, and those cannot run here.)

set -euo pipefail
. "$(dirname "$0")/lib.sh"
# The guest tests a lane that boots an already tested build runs: loading,
# parameters, mounts, a view and a per-cgroup file of each kind.
RFL_SMOKE_TESTS=${RFL_SMOKE_TESTS:-guest,modprobe,modules,params,cgroupfs-mount,sample,cgroupfs-views,cgroupfs-tree}

arch=$(kernel_arch "${1:-x86_64}")
variant=${2:-release}
[ "$arch" = "$(kernel_arch "$(uname -m)")" ] || die "headers test only for the build machine's architecture"
kdir=$("$RFL_TOP/scripts/build-kernel.sh" "$arch" "$variant")
src=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$kdir/Makefile" | head -n 1)
[ -d "$src" ] || die "cannot find the kernel source of $kdir"

out=$RFL_OUT/headers/$arch-$variant
rm -rf "$out"
mkdir -p "$out"
hdrs=$out/headers
(cd "$kdir" && srctree=$src SRCARCH=x86 MAKE=make CC=clang HOSTCC=clang \
	sh "$src/scripts/package/install-extmod-build" "$hdrs") >"$out/headers.log" 2>&1 ||
	die "install-extmod-build failed (log: $out/headers.log)"

mods=$out/modules
mkdir -p "$mods"
(cd "$RFL_TOP" && cp -r Makefile Kbuild VERSION support cgroupfs qmon rue samples "$mods/")

# Without Rust metadata: one clear error, nothing built.
if make -C "$mods" KDIR="$hdrs" ARCH="$arch" modules >"$out/no-meta.log" 2>&1; then
	die "modules built against headers without Rust metadata"
fi
grep -q 'no rust/libkernel.rmeta' "$out/no-meta.log" ||
	die "no clear error without Rust metadata (log: $out/no-meta.log)"
ls "$mods"/*/*.o >/dev/null 2>&1 && die "objects built despite the missing metadata"
log "headers without Rust metadata: refused with one message"

"$RFL_TOP/scripts/rust-headers.sh" "$kdir" "$hdrs" >"$out/rust-headers.log"
make -C "$mods" KDIR="$hdrs" ARCH="$arch" W=1 modules >"$out/build.log" 2>&1 ||
	die "module build against the headers failed (log: $out/build.log)"
if grep -iE '(^|[^_])warning[:[]' "$out/build.log" >&2; then
	die "module build against the headers has warnings (log: $out/build.log)"
fi
want=$(/sbin/modinfo -F vermagic "$RFL_OUT/modules/$arch-$variant/cgroupfs/cgroupfs.ko" 2>/dev/null || true)
have=$(/sbin/modinfo -F vermagic "$mods/cgroupfs/cgroupfs.ko")
[ -z "$want" ] || [ "$want" = "$have" ] || die "vermagic '$have' differs from the tree build's '$want'"
log "modules built against the headers with Rust metadata ($have)"
# Smoke tests: the x86_64-release lane runs the whole suite on the tree's
# build of the same modules.
RFL_MODS=$mods RFL_TAG=headers RFL_ONLY=$RFL_SMOKE_TESTS \
	"$RFL_TOP/scripts/run-guest.sh" test "$arch" "$variant"
