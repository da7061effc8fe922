#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own distro packages of a test kernel, made by its
# bindeb-pkg or binrpm-pkg target from the cached build tree, and print
# their paths:
#   deb: linux-image-KVER, linux-headers-KVER (the extmod-build headers in
#        /usr/src/linux-headers-KVER), linux-libc-dev
#   rpm: kernel, kernel-devel (the same headers in /usr/src/kernels/KVER),
#        kernel-headers (the UAPI headers)
# Neither headers package carries the kernel's Rust metadata: that is the
# separate package made by build-deb.sh and build-rpm.sh.
#
# Usage: scripts/build-kernel-packages.sh ARCH deb|rpm [VARIANT]
#
# The packages are cached beside the kernel tree, under
# $RFL_CACHE/packages/<kernel tree name>/FORMAT, so they are made once per
# kernel build, from the built tree as it is: the packaging's own build
# steps are skipped (see below), so nothing in the tree is rebuilt.

set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/package/lib.sh"

usage="usage: build-kernel-packages.sh ARCH deb|rpm [VARIANT]"
arch=$(kernel_arch "${1:?$usage}")
fmt=${2:?$usage}
variant=${3:-release}
case $fmt in deb | rpm) ;; *) die "$usage" ;; esac
kdir=$("$RFL_TOP/scripts/build-kernel.sh" "$arch" "$variant")
name=$(basename "$kdir")
out=$RFL_CACHE/packages/$name/$fmt
list() { find "$out" -maxdepth 1 -name "*.$fmt" | sort; }
if [ -f "$out/.done" ]; then
	list
	exit 0
fi

# Older kernels' packages of the same architecture and variant go.
for old in "$RFL_CACHE/packages/$arch-$variant-"*; do
	[ "$old" = "$RFL_CACHE/packages/$name" ] || rm -rf "$old"
done
rm -rf "$out"
mkdir -p "$out"
kver=$(cat "$kdir/include/config/kernel.release")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046
kmake() { make -C "$kdir" $(kmake_vars "$arch") "$@"; }

case $fmt in
deb)
	command -v dh_testdir >/dev/null || die "dh_testdir not found (package debhelper)"
	# bindeb-pkg is mkdebian, then debian/rules binary-arch, whose
	# build-arch step re-runs "make headers all" and, with the packaging's
	# make variables, rebuilds the whole tree. The tree is built: run the
	# packaging steps with build-arch emptied.
	rm -rf "$kdir/debian"
	KDEB_PKGVERSION="$kver-1" KDEB_COMPRESS=xz \
		kmake run-command KBUILD_RUN_COMMAND='$(srctree)/scripts/package/mkdebian' >"$out/build.log" 2>&1 ||
		die "mkdebian failed (log: $out/build.log)"
	printf 'build-arch:\n\t@:\n' >"$work/no-build.mk"
	# dh_builddeb writes into the parent of the build tree; take what it
	# made from there.
	parent=$(dirname "$kdir")
	rm -f "$parent"/*_"$kver"-1_*.deb # left by an interrupted run
	ls "$parent" >"$work/before"
	log "making Debian packages of $name"
	# shellcheck disable=SC2046
	# dpkg-architecture -c: the DEB_* environment dpkg-buildpackage would
	# set, which dh_listpackages needs to pick a foreign architecture's
	# packages.
	(cd "$kdir" && KDEB_COMPRESS=xz dpkg-architecture -a"$(cat debian/arch)" -c \
		make -f debian/rules -f "$work/no-build.mk" $(kmake_vars "$arch") binary-arch) >>"$out/build.log" 2>&1 || die "the kernel's debian/rules failed (log: $out/build.log)"
	ls "$parent" | comm -13 "$work/before" - | while read -r f; do
		mv "$parent/$f" "$out/"
	done
	rm -rf "$kdir/debian"
	;;
rpm)
	command -v rpmbuild >/dev/null || die "rpmbuild not found (package rpm)"
	# binrpm-pkg is mkspec, then rpmbuild -bb, whose %build re-runs make
	# with the packaging's variables. As for deb, the tree is built: the
	# spec's build step is emptied, the rest is the kernel's own.
	rm -rf "$kdir/rpmbuild"
	kmake run-command KBUILD_RUN_COMMAND='$(srctree)/scripts/package/mkspec rpmbuild/SPECS/kernel.spec' \
		>"$out/build.log" 2>&1 || die "mkspec failed (log: $out/build.log)"
	sed -i '/^%build$/,/^%install$/{/^%{make}/d}' "$kdir/rpmbuild/SPECS/kernel.spec"
	target=$(pkg_arch "$arch" rpm)
	log "making RPM packages of $name"
	(cd "$kdir" && rpmbuild -bb rpmbuild/SPECS/kernel.spec --define "_topdir $kdir/rpmbuild" \
		--define "make make $(kmake_vars "$arch")" --target "$target-linux" --build-in-place \
		--noprep --define '_smp_mflags %{nil}' --nodeps) >>"$out/build.log" 2>&1 ||
		die "rpmbuild of the kernel's spec failed (log: $out/build.log)"
	find "$kdir/rpmbuild/RPMS" -name '*.rpm' -exec mv {} "$out/" \;
	rm -rf "$kdir/rpmbuild"
	;;
esac
[ -n "$(list)" ] || die "the kernel's $fmt packaging made no packages (log: $out/build.log)"
touch "$out/.done"
list
