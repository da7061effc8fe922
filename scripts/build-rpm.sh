#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# RPM packages of the modules (the counterpart of build-deb.sh):
#   rfl-cloudnative-VERSION.tar.gz
#       the source tarball, with the kmod spec in it: rpmbuild -tb builds
#       it for any kernel (scripts/package/rfl-cloudnative-kmod.spec).
#   kmod-rfl-cloudnative-KVER-VERSION-1.RPMARCH.rpm
#       cgroupfs.ko, qmon.ko and rue.ko for one kernel, in
#       /lib/modules/KVER/extra/rfl-cloudnative/ (signed when the kernel
#       configures a signing key), depmod run on install and removal.
#   kernel-rust-metadata-KVER-VERSION-1.RPMARCH.rpm
#       the kernel's Rust metadata (scripts/rust-headers.sh) for its
#       kernel-devel headers in /usr/src/kernels/KVER/; made only when
#       KDIR is a kernel build tree with its Rust metadata.
#
# Usage: scripts/build-rpm.sh KDIR ARCH OUTDIR

set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/package/lib.sh"

usage="usage: build-rpm.sh KDIR ARCH OUTDIR"
kdir=$(cd "${1:?$usage}" && pwd)
arch=$(kernel_arch "${2:?$usage}")
outdir=${3:?$usage}
command -v rpmbuild >/dev/null || die "rpmbuild not found (package rpm)"
kver=$(cat "$kdir/include/config/kernel.release")
version=$(cat "$RFL_TOP/VERSION")
rpmarch=$(pkg_arch "$arch" rpm)
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- the source tarball, with its spec -------------------------------------
name=rfl-cloudnative-$version
mkdir -p "$work/$name"
(cd "$RFL_TOP" && cp -r Makefile Kbuild VERSION LICENSE README.md support cgroupfs qmon rue samples \
	scripts Documentation "$work/$name/")
# rpmbuild -tb wants exactly one spec in the tarball: the kmod one, on top.
rm "$work/$name"/scripts/package/*.spec
sed "s/@VERSION@/$version/" "$RFL_TOP/scripts/package/rfl-cloudnative-kmod.spec" \
	>"$work/$name/rfl-cloudnative-kmod.spec"
tar -C "$work" --owner=root --group=root --sort=name -czf "$outdir/$name.tar.gz" "$name"
echo "$outdir/$name.tar.gz"

rpmb() { # LOG ARGS...
	local rlog=$1
	shift
	rpmbuild --define "_topdir $work/rpm" --target "$rpmarch-linux" --nodeps "$@" >"$rlog" 2>&1 ||
		{ cat "$rlog" >&2; die "rpmbuild $* failed"; }
}

# --- the modules for one kernel ---------------------------------------------
rpmb "$work/kmod.log" -tb "$outdir/$name.tar.gz" --define "kver $kver" --define "kdir $kdir" \
	--define "karch $arch"

# --- the kernel's Rust metadata for its kernel-devel headers ---------------
if [ -f "$kdir/rust/libkernel.rmeta" ]; then
	rpmb "$work/meta.log" -bb "$RFL_TOP/scripts/package/kernel-rust-metadata.spec" \
		--define "kdir $kdir" --define "_sourcedir $RFL_TOP" --define "pkgversion $version"
fi
find "$work/rpm/RPMS" -name '*.rpm' -exec mv {} "$outdir/" \; -printf "$outdir/%f\n"
