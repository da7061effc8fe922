#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install-and-boot test of the Debian packages (scripts/build-deb.sh) for
# the x86_64 test kernel:
# - the modules package: its metadata and files; unpacked into a root,
#   depmod there; modinfo of the installed modules shows license,
#   description, version and parameters; then that root boots in QEMU and
#   the guest suite runs, with t-05-modprobe loading each module by name;
# - the Rust metadata package: the files scripts/rust-headers.sh copies,
#   installed into /usr/src/linux-headers-KVER;
# - the DKMS package: its dkms.conf names the version and the three
#   modules, and its MAKE command builds them against a headers directory
#   with Rust metadata (scripts/test-headers.sh makes one).
#
# Usage: scripts/test-packages.sh

set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=x86_64
kdir=$("$RFL_TOP/scripts/build-kernel.sh" "$arch" release)
kver=$(cat "$kdir/include/config/kernel.release")
version=$(cat "$RFL_TOP/VERSION")
out=$RFL_OUT/packages-test
rm -rf "$out"
mkdir -p "$out"
debs=$("$RFL_TOP/scripts/build-deb.sh" "$kdir" "$arch" "$out/debs")
mod_deb=$(grep cloudnative-modules <<<"$debs")
meta_deb=$(grep rust-metadata <<<"$debs")
dkms_deb=$(grep dkms <<<"$debs")

expect() { # WHAT GOT WANT
	[ "$2" = "$3" ] || die "$1: got '$2', want '$3'"
}
expect "package name" "$(dpkg-deb -f "$mod_deb" Package)" "rfl-cloudnative-modules-$kver"
expect "package version" "$(dpkg-deb -f "$mod_deb" Version)" "$version"
expect "package architecture" "$(dpkg-deb -f "$mod_deb" Architecture)" amd64

root=$out/root
dpkg-deb -x "$mod_deb" "$root"
/sbin/depmod -b "$root" "$kver" 2>/dev/null
for m in cgroupfs qmon rue; do
	ko=$(find "$root/lib/modules/$kver/updates" -name "$m.ko")
	[ -n "$ko" ] || die "$m.ko not installed under updates/"
	grep -q "updates/rfl-cloudnative/$m/$m.ko:" "$root/lib/modules/$kver/modules.dep" ||
		die "$m not in modules.dep"
	expect "$m license" "$(/sbin/modinfo -F license "$ko")" GPL
	expect "$m version" "$(/sbin/modinfo -F version "$ko")" "$version"
	[ -n "$(/sbin/modinfo -F description "$ko")" ] || die "$m has no description"
	[ -n "$(/sbin/modinfo -F parm "$ko")" ] || die "$m shows no parameters"
done
expect "rue parameters" "$(/sbin/modinfo -F parm "$(find "$root" -name rue.ko)" | cut -d: -f1 | sort | tr '\n' ' ')" \
	"highest_reclaim_prio io_qos memory_qos prio_reclaim_ratio use_priority_oom "
[ -f "$root/usr/share/doc/rfl-cloudnative-modules-$kver/examples/modules-load.conf" ] ||
	die "no modules-load.d example"
log "modules package: metadata, files, depmod and modinfo as expected"

# The Rust metadata package: what rust-headers.sh copies, where the
# kernel's headers are installed.
mr=$out/meta
dpkg-deb -x "$meta_deb" "$mr"
expect "metadata files" "$(cd "$mr/usr/src/linux-headers-$kver" && find . -type f | sort | tr '\n' ' ')" \
	"$("$RFL_TOP/scripts/rust-headers.sh" "$kdir" "$out/meta-ref" | sed 's|^|./|' | sort | tr '\n' ' ')"
dpkg-deb -f "$meta_deb" Description | grep -q "$("$RUSTC_KERNEL" --version)" ||
	die "the metadata package does not name the kernel's rustc"
log "Rust metadata package: the files of rust-headers.sh, in the headers directory"

# DKMS: the configuration, and its build command on a headers directory.
dk=$out/dkms
dpkg-deb -x "$dkms_deb" "$dk"
conf=$dk/usr/src/rfl-cloudnative-$version/dkms.conf
[ -f "$conf" ] || die "no dkms.conf in the DKMS package"
grep -qx "PACKAGE_VERSION=\"$version\"" "$conf" || die "dkms.conf without the version"
expect "dkms modules" "$(sed -n 's/^BUILT_MODULE_NAME\[[0-9]\]="\(.*\)"/\1/p' "$conf" | tr '\n' ' ')" "cgroupfs qmon rue "
hdrs=$RFL_OUT/headers/$arch-release/headers
[ -f "$hdrs/rust/libkernel.rmeta" ] || die "no headers with Rust metadata at $hdrs (run scripts/test-headers.sh first)"
make_cmd=$(sed -n 's/^MAKE\[0\]="\(.*\)"$/\1/p' "$conf")
(cd "$dk/usr/src/rfl-cloudnative-$version" && kernel_source_dir=$hdrs eval "$make_cmd") >"$out/dkms-build.log" 2>&1 ||
	die "the DKMS build command failed (log: $out/dkms-build.log)"
for m in cgroupfs qmon rue; do
	[ -f "$dk/usr/src/rfl-cloudnative-$version/$m/$m.ko" ] || die "DKMS build made no $m.ko"
done
log "DKMS package: dkms.conf and its build against headers with Rust metadata"

# Boot the installed root: modprobe by name.
RFL_EXTRA_ROOT=$root RFL_TAG=packages "$RFL_TOP/scripts/run-guest.sh" test "$arch" release
