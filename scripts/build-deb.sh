#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian packages of the modules:
#   rfl-cloudnative-modules-KVER_VERSION_DEBARCH.deb
#       cgroupfs.ko, qmon.ko and rue.ko built for one kernel, installed in
#       /lib/modules/KVER/updates/rfl-cloudnative/ (modules_install, so they
#       are signed when the kernel configures a signing key), depmod run on
#       install and removal, documentation and modules-load.d/modprobe.d
#       examples in /usr/share/doc/rfl-cloudnative-modules-KVER/.
#   linux-rust-metadata-KVER_VERSION_DEBARCH.deb
#       what M= builds of Rust modules need beyond the ordinary headers
#       (scripts/rust-headers.sh --rust-only: rust/; the headers already
#       carry scripts/target.json), installed into the kernel's headers
#       directory /usr/src/linux-headers-KVER/, so that a distro's
#       linux-headers package plus this one builds Rust modules; made
#       only when KDIR is a kernel build tree with its Rust metadata.
#   rfl-cloudnative-dkms_VERSION_all.deb
#       the sources and dkms.conf in /usr/src/rfl-cloudnative-VERSION/, added,
#       built and installed by DKMS for each kernel with Rust metadata in its
#       headers.
#
# Usage: scripts/build-deb.sh KDIR ARCH OUTDIR

set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/package/lib.sh"

kdir=${1:?usage: build-deb.sh KDIR ARCH OUTDIR}
arch=$(kernel_arch "${2:?usage: build-deb.sh KDIR ARCH OUTDIR}")
outdir=${3:?usage: build-deb.sh KDIR ARCH OUTDIR}
command -v dpkg-deb >/dev/null || die "dpkg-deb not found (package dpkg)"
kver=$(cat "$kdir/include/config/kernel.release")
version=$(cat "$RFL_TOP/VERSION")
debarch=$(pkg_arch "$arch" deb)
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sources=(Makefile Kbuild VERSION LICENSE README.md support cgroupfs qmon rue samples scripts Documentation)

# --- the modules for one kernel -------------------------------------------
src=$work/src
mkdir -p "$src"
(cd "$RFL_TOP" && cp -r "${sources[@]}" "$src/")
make -C "$src" KDIR="$kdir" ARCH="$arch" modules >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log" >&2; die "module build failed"; }
pkg=rfl-cloudnative-modules-$kver
root=$work/$pkg
make -C "$kdir" M="$src" ARCH="$arch" LLVM=1 INSTALL_MOD_PATH="$root" \
	INSTALL_MOD_DIR=updates/rfl-cloudnative DEPMOD=true modules_install >>"$work/build.log" 2>&1 ||
	{ cat "$work/build.log" >&2; die "modules_install failed"; }
# The sample is not part of the package.
rm -rf "$root/lib/modules/$kver/updates/rfl-cloudnative/samples"
rm -f "$root/lib/modules/$kver"/modules.*
doc=$root/usr/share/doc/$pkg
mkdir -p "$doc/examples" "$root/DEBIAN"
cp "$RFL_TOP/README.md" "$RFL_TOP"/Documentation/*.rst "$doc/"
cp "$RFL_TOP/LICENSE" "$doc/copyright"
cat >"$doc/examples/modules-load.conf" <<-EOT
	# Copy to /etc/modules-load.d/rfl-cloudnative.conf to load at boot.
	cgroupfs
	qmon
	rue
EOT
cat >"$doc/examples/modprobe.conf" <<-EOT
	# Copy to /etc/modprobe.d/rfl-cloudnative.conf to set parameters at load.
	#options cgroupfs enabled=1
	#options qmon enabled=1
	#options rue memory_qos=0 use_priority_oom=0 prio_reclaim_ratio=5 io_qos=0
EOT
cat >"$root/DEBIAN/control" <<-EOT
	Package: $pkg
	Version: $version
	Architecture: $debarch
	Maintainer: The rfl-cloudnative authors <rfl-cloudnative@localhost>
	Depends: kmod, linux-image-$kver | linux-image-$kver-unsigned
	Section: kernel
	Priority: optional
	Description: cloud-native kernel modules (cgroupfs, qmon, rue) for Linux $kver
	 Out-of-tree Rust-for-Linux modules: per-container /proc views (cgroupfs),
	 per-cgroup quality monitoring (qmon) and resource priorities (rue),
	 built for the kernel $kver.
EOT
printf '#!/bin/sh\nset -e\ndepmod -a %s || true\n' "$kver" >"$root/DEBIAN/postinst"
printf '#!/bin/sh\nset -e\ndepmod -a %s || true\n' "$kver" >"$root/DEBIAN/postrm"
chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm"
dpkg-deb --root-owner-group -Zxz --build "$root" "$outdir/${pkg}_${version}_$debarch.deb" >/dev/null
echo "$outdir/${pkg}_${version}_$debarch.deb"

# --- the kernel's Rust metadata for its headers ----------------------------
if [ -f "$kdir/rust/libkernel.rmeta" ]; then
	meta=linux-rust-metadata-$kver
	mroot=$work/$meta
	"$RFL_TOP/scripts/rust-headers.sh" --rust-only "$kdir" "$mroot/usr/src/linux-headers-$kver" >/dev/null
	mkdir -p "$mroot/DEBIAN"
	rustc_text=$(sed -n 's/^CONFIG_RUSTC_VERSION_TEXT=//p' "$kdir/include/config/auto.conf" | tr -d '"')
	cat >"$mroot/DEBIAN/control" <<-EOT
		Package: $meta
		Version: $version
		Architecture: $debarch
		Maintainer: The rfl-cloudnative authors <rfl-cloudnative@localhost>
		Section: kernel
		Priority: optional
		Description: Rust build metadata of Linux $kver, for its headers
		 The .rmeta files of the kernel's Rust crates and its proc-macro library,
		 installed into /usr/src/linux-headers-$kver so that out-of-tree Rust
		 modules build against the headers. Built by
		 $rustc_text; modules must be built with the same rustc.
	EOT
	dpkg-deb --root-owner-group -Zxz --build "$mroot" "$outdir/${meta}_${version}_$debarch.deb" >/dev/null
	echo "$outdir/${meta}_${version}_$debarch.deb"
fi

# --- the DKMS source package -----------------------------------------------
dk=$work/rfl-cloudnative-dkms
dsrc=$dk/usr/src/rfl-cloudnative-$version
mkdir -p "$dsrc" "$dk/DEBIAN"
(cd "$RFL_TOP" && cp -r Makefile Kbuild VERSION LICENSE support cgroupfs qmon rue samples "$dsrc/")
sed "s/@VERSION@/$version/" "$RFL_TOP/scripts/package/dkms.conf" >"$dsrc/dkms.conf"
cat >"$dk/DEBIAN/control" <<-EOT
	Package: rfl-cloudnative-dkms
	Version: $version
	Architecture: all
	Maintainer: The rfl-cloudnative authors <rfl-cloudnative@localhost>
	Depends: dkms, make, clang, lld, llvm
	Section: kernel
	Priority: optional
	Description: cloud-native kernel modules (cgroupfs, qmon, rue), DKMS sources
	 Built by DKMS for each installed kernel whose headers carry the kernel's
	 Rust metadata (see scripts/rust-headers.sh of the sources), with the
	 rustc the kernel was built with.
EOT
printf '#!/bin/sh\nset -e\ndkms add -m rfl-cloudnative -v %s || true\ndkms autoinstall || true\n' "$version" >"$dk/DEBIAN/postinst"
printf '#!/bin/sh\nset -e\ndkms remove -m rfl-cloudnative -v %s --all || true\n' "$version" >"$dk/DEBIAN/prerm"
chmod 755 "$dk/DEBIAN/postinst" "$dk/DEBIAN/prerm"
dpkg-deb --root-owner-group -Zxz --build "$dk" "$outdir/rfl-cloudnative-dkms_${version}_all.deb" >/dev/null
echo "$outdir/rfl-cloudnative-dkms_${version}_all.deb"
