#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) a Rust-enabled test kernel from Debian's linux-source-6.12
# and print the path of its build tree, usable as KDIR.
#
# Usage: scripts/build-kernel.sh ARCH [VARIANT]
#   ARCH      x86_64 or arm64
#   VARIANT   "release" (default) or "debug" (KASAN, lockdep, kmemleak,
#             failslab; see scripts/kconfig/debug.config)
#
# The tree is cached under $RFL_CACHE/kernels, keyed by a hash of the kernel
# source version, the config fragments, this script, scripts/lib.sh (which
# holds the make variables) and the toolchain versions. A build happens in a scratch directory that is renamed into
# place only when it succeeded, so an interrupted build leaves no cache entry.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=$(kernel_arch "${1:-x86_64}")
variant=${2:-release}
case $variant in release | debug) ;; *) die "unknown variant '$variant' (release or debug)" ;; esac

[ -r "$KERNEL_SOURCE_TARBALL" ] ||
	die "no kernel source at $KERNEL_SOURCE_TARBALL (package linux-source-6.12; run scripts/setup-toolchain.sh)"

frags=("$RFL_TOP/scripts/kconfig/common.config" "$RFL_TOP/scripts/kconfig/$arch.config")
[ "$variant" = debug ] && frags+=("$RFL_TOP/scripts/kconfig/debug.config")

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
	stat -c %s-%Y "$KERNEL_SOURCE_TARBALL")
key=$({
	echo "$srcver"
	cat "${frags[@]}" "$0" "$RFL_TOP/scripts/lib.sh"
	"$RUSTC_KERNEL" --version
	"$BINDGEN" --version
	"$LLVM_BIN/clang" --version | head -n 1
} | sha256sum | cut -c1-16)

kdir=$RFL_CACHE/kernels/$arch-$variant-$key
if [ -f "$kdir/vmlinux" ]; then
	echo "$kdir"
	exit 0
fi

# Extract the source once per source version.
src=$RFL_CACHE/src/linux-$srcver
if [ ! -f "$src/Makefile" ]; then
	log "extracting $KERNEL_SOURCE_TARBALL"
	mkdir -p "$RFL_CACHE/src"
	rm -rf "$src.partial"
	mkdir "$src.partial"
	tar -xf "$KERNEL_SOURCE_TARBALL" -C "$src.partial" --strip-components=1
	mv "$src.partial" "$src"
fi

tmp=$kdir.partial
rm -rf "$tmp"
mkdir -p "$tmp"
kmake() {
	# shellcheck disable=SC2046
	make -C "$src" O="$tmp" $(kmake_vars "$arch") "$@"
}

log "configuring $arch-$variant kernel in $tmp"
kmake -s rustavailable >/dev/null || {
	kmake rustavailable >&2 || true
	die "the kernel reports Rust as unavailable with $RUSTC_KERNEL and $BINDGEN (run scripts/setup-toolchain.sh)"
}
kmake -s tinyconfig >/dev/null
(cd "$tmp" && "$src/scripts/kconfig/merge_config.sh" -m -O "$tmp" .config "${frags[@]}" >/dev/null)
kmake -s olddefconfig >/dev/null

# Every option the fragments ask for must have taken effect: a silently
# dropped dependency would give a kernel that cannot run the tests.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=n) opt=${line%%=*}; grep -qx "$opt=y\|$opt=m" "$tmp/.config" && { log "$opt is set, wanted off"; bad=1; } ;;
	CONFIG_*=*) grep -qx "$line" "$tmp/.config" || { log "$line did not take effect"; bad=1; } ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}; grep -q "^$opt=" "$tmp/.config" && { log "$opt is set, wanted off"; bad=1; } ;;
	esac
done < <(cat "${frags[@]}")
[ $bad -eq 0 ] || die "config fragments did not apply cleanly to $arch-$variant (see above)"

log "building $arch-$variant kernel (several minutes)"
kmake -s -j"$(($(nproc) + 1))" all >&2
mv "$tmp" "$kdir"

# Drop older builds of the same architecture and variant.
for old in "$RFL_CACHE/kernels/$arch-$variant-"*; do
	[ "$old" = "$kdir" ] || rm -rf "$old"
done
echo "$kdir"
