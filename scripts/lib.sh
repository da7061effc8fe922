# SPDX-License-Identifier: GPL-2.0
#
# Shared settings for the scripts in this directory. Sourced, not run.

RFL_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Kernel builds, extracted sources and guest images live outside the
# repository so that a clean clone on a warm machine reuses them.
RFL_CACHE=${RFL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rfl-cloudnative}
# Per-checkout build output (module builds, initramfs, console logs).
RFL_OUT=${RFL_OUT:-$RFL_TOP/build}

# The kernel's Rust must be built by Debian's rustc (it ships the matching
# core source); a rustup rustc earlier on PATH cannot do it.
RUSTC_KERNEL=${RUSTC_KERNEL:-/usr/bin/rustc}
RUST_LIB_SRC=${RUST_LIB_SRC:-/usr/lib/rustlib/src/rust/library}
CLIPPY_DRIVER=${CLIPPY_DRIVER:-/usr/bin/clippy-driver}
BINDGEN=${BINDGEN:-$HOME/.cargo/bin/bindgen}
LLVM_BIN=${LLVM_BIN:-/usr/lib/llvm-19/bin}
export PATH="$LLVM_BIN:$PATH"

KERNEL_SOURCE_TARBALL=${KERNEL_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

log() { printf '[rfl] %s\n' "$*" >&2; }
die() { printf '[rfl] error: %s\n' "$*" >&2; exit 1; }

# Kernel make variables every build of this project passes.
kmake_vars() {
	local arch=$1
	echo "ARCH=$arch LLVM=1 RUSTC=$RUSTC_KERNEL BINDGEN=$BINDGEN CLIPPY_DRIVER=$CLIPPY_DRIVER"
}

# ARCH as the kernel spells it for a machine name used by the scripts.
kernel_arch() {
	case $1 in
	x86_64) echo x86_64 ;;
	arm64 | aarch64) echo arm64 ;;
	*) die "unknown architecture '$1' (x86_64 or arm64)" ;;
	esac
}
