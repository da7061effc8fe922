#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the toolchain that builds Rust-for-Linux kernels and these modules
# on Debian 12 (bookworm), then check that the kernel's Rust support is
# usable. Idempotent: a second run installs nothing and only re-checks.
#
# Usage: scripts/setup-toolchain.sh [--check]
#   --check   install nothing; report what is missing and fail if anything is.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

# Debian packages, one per need (see README.md "Toolchain").
DEB_PKGS=(
	linux-source-6.12
	rustc-web rust-web-src rust-web-clippy rustfmt-web
	clang-19 lld-19 llvm-19 libclang-19-dev
	bc flex bison libelf-dev libssl-dev openssl cpio xz-utils kmod make rsync
	busybox-static
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-x86 qemu-system-arm
	lxcfs
	debhelper rpm dkms
)
# Packaging tools, installed without their recommendations: dkms would
# pull in the distro's own kernel headers.
NORECOMMENDS=(debhelper rpm dkms)
BINDGEN_VERSION=0.69.5

missing_pkgs() {
	local p
	for p in "${DEB_PKGS[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# The busybox-static build for arm64 guests is not co-installable with the
# host one, so it is unpacked into the cache instead.
arm64_busybox() {
	echo "$RFL_CACHE/busybox-arm64/bin/busybox"
}

install_arm64_busybox() {
	local dst tmp
	dst=$(arm64_busybox)
	[ -x "$dst" ] && return 0
	dpkg --print-foreign-architectures | grep -qx arm64 || {
		dpkg --add-architecture arm64
		apt-get "${APT_LOCK[@]}" update -q >/dev/null
	}
	tmp=$(mktemp -d)
	# Stale package lists fail the download: update once and retry.
	(cd "$tmp" && apt-get download -q busybox-static:arm64 >/dev/null 2>&1) ||
		{ apt-get update -q >/dev/null && (cd "$tmp" && apt-get download -q busybox-static:arm64 >/dev/null 2>&1); } ||
		die "apt-get download busybox-static:arm64 failed"
	rm -rf "$RFL_CACHE/busybox-arm64.tmp"
	dpkg -x "$tmp"/busybox-static_*_arm64.deb "$RFL_CACHE/busybox-arm64.tmp"
	rm -rf "$tmp" "$RFL_CACHE/busybox-arm64"
	mv "$RFL_CACHE/busybox-arm64.tmp" "$RFL_CACHE/busybox-arm64"
}

# The arm64 kernel headers package rebuilds the kernel's host programs for
# arm64 (its sign-file links libcrypto): the arm64 OpenSSL headers.
ARM64_DEV=libssl-dev:arm64
install_arm64_dev() {
	dpkg-query -W -f='${Status}\n' "$ARM64_DEV" 2>/dev/null | grep -q '^install ok installed$' && return 0
	dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
	log "installing Debian packages: $ARM64_DEV"
	apt-get "${APT_LOCK[@]}" update -q >/dev/null
	apt_install --no-install-recommends "$ARM64_DEV" || die "apt-get could not install: $ARM64_DEV"
}

# Wait for a dpkg lock held by e.g. unattended-upgrades after boot.
APT_LOCK=(-o DPkg::Lock::Timeout=600)

apt_install() {
	DEBIAN_FRONTEND=noninteractive apt-get "${APT_LOCK[@]}" install -y -q "$@" >/dev/null
}

install_debs() {
	local miss qemu=() rest=() p
	mapfile -t miss < <(missing_pkgs)
	[ ${#miss[@]} -eq 0 ] && return 0
	command -v apt-get >/dev/null ||
		die "apt-get not found: install these Debian packages by hand: ${miss[*]}"
	[ "$(id -u)" -eq 0 ] ||
		die "not root: run as root, or install these Debian packages: ${miss[*]}"
	local norec=()
	for p in "${miss[@]}"; do
		case " ${NORECOMMENDS[*]} " in *" $p "*) norec+=("$p"); continue ;; esac
		case $p in qemu-*) qemu+=("$p") ;; *) rest+=("$p") ;; esac
	done
	log "installing Debian packages: ${miss[*]}"
	apt-get "${APT_LOCK[@]}" update -q >/dev/null
	[ ${#rest[@]} -eq 0 ] || apt_install "${rest[@]}" ||
		die "apt-get could not install: ${rest[*]}"
	[ ${#norec[@]} -eq 0 ] || apt_install --no-install-recommends "${norec[@]}" ||
		die "apt-get could not install: ${norec[*]}"
	[ ${#qemu[@]} -eq 0 ] && return 0
	apt_install "${qemu[@]}" 2>/dev/null && return 0
	# Some images carry qemu-utils from bookworm-backports, which breaks the
	# bookworm qemu-system packages: take those from backports as well.
	log "qemu from bookworm failed; using bookworm-backports"
	cat >/etc/apt/sources.list.d/rfl-bookworm-backports.sources <<-EOF
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: bookworm-backports
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt-get "${APT_LOCK[@]}" update -q >/dev/null
	apt_install -t bookworm-backports "${qemu[@]}" ||
		die "apt-get could not install: ${qemu[*]}"
}

install_bindgen() {
	local v
	v=$("$BINDGEN" --version 2>/dev/null | awk '{print $2}') || true
	[ "$v" = "$BINDGEN_VERSION" ] && return 0
	command -v cargo >/dev/null ||
		die "cargo not found: it is needed to install bindgen-cli $BINDGEN_VERSION"
	log "installing bindgen-cli $BINDGEN_VERSION from crates.io"
	cargo install -q --root "$(dirname "$(dirname "$BINDGEN")")" \
		bindgen-cli --version "$BINDGEN_VERSION" --locked ||
		die "cargo install bindgen-cli --version $BINDGEN_VERSION failed"
}

if [ $check_only -eq 1 ]; then
	miss=$(missing_pkgs | tr '\n' ' ')
	[ -z "$miss" ] || die "missing Debian packages: $miss(run scripts/setup-toolchain.sh)"
	[ -x "$BINDGEN" ] || die "missing $BINDGEN (run scripts/setup-toolchain.sh)"
	[ -x "$(arm64_busybox)" ] || die "missing arm64 busybox (run scripts/setup-toolchain.sh)"
	dpkg-query -W -f='${Status}\n' "$ARM64_DEV" 2>/dev/null | grep -q '^install ok installed$' ||
		die "missing Debian package $ARM64_DEV (run scripts/setup-toolchain.sh)"
else
	mkdir -p "$RFL_CACHE"
	install_debs
	install_bindgen
	install_arm64_busybox
	install_arm64_dev
fi

# The kernel's own check, run against a scratch copy of its Makefiles is
# costly; instead check the pieces it checks, naming what fails.
"$RUSTC_KERNEL" --version >/dev/null 2>&1 || die "$RUSTC_KERNEL does not run (package rustc-web)"
[ -d "$RUST_LIB_SRC" ] || die "no Rust library source at $RUST_LIB_SRC (package rust-web-src)"
[ -e "$LLVM_BIN/clang" ] || die "no clang at $LLVM_BIN (package clang-19)"
[ -e "$LLVM_BIN/ld.lld" ] || die "no ld.lld at $LLVM_BIN (package lld-19)"
"$BINDGEN" --version >/dev/null 2>&1 || die "bindgen does not run: $BINDGEN"
log "toolchain: $("$RUSTC_KERNEL" --version), $("$BINDGEN" --version), clang $("$LLVM_BIN/clang" -dumpversion)"
