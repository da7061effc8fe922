#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Copy what an out-of-tree (M=) build of a Rust module reads from a kernel
# tree beyond the ordinary headers, from a Rust-enabled kernel build tree
# into a headers directory (what a distro's linux-headers package installs,
# e.g. made by the kernel's scripts/package/install-extmod-build):
#
#   rust/libkernel.rmeta      the kernel crate the modules use
#   rust/lib{core,compiler_builtins,ffi,bindings,uapi,build_error}.rmeta
#                             the crates the kernel crate depends on
#   rust/libmacros.so         the proc-macro library (module!, vtable, ...),
#                             a shared object for the BUILD machine
#   scripts/target.json       the rustc target spec (x86 only; arm64 uses a
#                             built-in target)
#
# include/generated/rustc_cfg, which the build also reads, is already part
# of the ordinary headers, and so is scripts/target.json in headers made by
# install-extmod-build (the kernel's bindeb-pkg and binrpm-pkg headers), which
# copies every file of scripts/. The metadata is only usable with the exact
# rustc version the kernel was built with (CONFIG_RUSTC_VERSION_TEXT).
#
# Usage: scripts/rust-headers.sh [--rust-only] KDIR DESTDIR
#   --rust-only   only rust/: what the metadata packages ship, beside a
#                 headers package that owns scripts/target.json

set -euo pipefail
. "$(dirname "$0")/lib.sh"

rust_only=0
[ "${1:-}" = --rust-only ] && { rust_only=1; shift; }
kdir=${1:?usage: rust-headers.sh [--rust-only] KDIR DESTDIR}
dest=${2:?usage: rust-headers.sh [--rust-only] KDIR DESTDIR}

grep -qx 'CONFIG_RUST=y' "$kdir/include/config/auto.conf" 2>/dev/null ||
	die "$kdir is not a configured kernel tree with CONFIG_RUST=y"
[ -f "$kdir/rust/libkernel.rmeta" ] || die "$kdir has no rust/libkernel.rmeta: build the kernel first"

files=(rust/libmacros.so)
for f in "$kdir"/rust/*.rmeta; do
	files+=("rust/$(basename "$f")")
done
[ $rust_only -eq 0 ] && [ -f "$kdir/scripts/target.json" ] && files+=(scripts/target.json)

for f in "${files[@]}"; do
	mkdir -p "$dest/$(dirname "$f")"
	cp "$kdir/$f" "$dest/$f"
	echo "$f"
done
