#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install-and-boot test of the packages, for one architecture's test
# kernel. Each install goes into a fresh root under build/packages-test/,
# and each root's own kernel image boots in QEMU with modprobe loading the
# installed modules by name (t-05-modprobe):
#
# - deb: the kernel's own packages (bindeb-pkg: linux-image, linux-headers),
#   the Rust metadata package and the modules package (build-deb.sh).
#   Checks the package fields, that no file belongs to two packages, depmod
#   and modinfo of the installed modules (license, description, version,
#   depends, parameters, signed with the kernel's key like its own
#   modules); the guest runs the whole suite (x86_64) or the smoke tests.
# - dkms (build machine's architecture only): linux-headers alone refuse
#   the build with one message; linux-headers plus the metadata package and
#   the DKMS package, built and installed by dkms itself into the root and
#   signed with a machine owner key made for the test; the kernel loads
#   them and taints itself 'E' (a key it does not know).
# - rpm: the kernel's own packages (binrpm-pkg: kernel, kernel-devel), the
#   metadata and kmod packages (build-rpm.sh), installed by rpm into the
#   root (conflicts and the kmod's kernel requirement checked by rpm);
#   modinfo as above; the smoke tests boot.
#
# Prints one summary line "ARCH-packages: N passed, N failed" last.
#
# Usage: scripts/test-packages.sh [ARCH] [PARTS]
#   ARCH    x86_64 (default) or arm64
#   PARTS   comma-separated: deb,dkms,rpm (default: all that apply)

set -euo pipefail
. "$(dirname "$0")/lib.sh"
# The guest tests a lane that boots an already tested build runs: loading,
# parameters, mounts, a view and a per-cgroup file of each kind.
RFL_SMOKE_TESTS=${RFL_SMOKE_TESTS:-guest,modprobe,modules,params,cgroupfs-mount,sample,cgroupfs-views,cgroupfs-tree}
. "$(dirname "$0")/package/lib.sh"

arch=$(kernel_arch "${1:-x86_64}")
native=0
[ "$arch" = "$(kernel_arch "$(uname -m)")" ] && native=1
default_parts=deb,rpm
[ $native -eq 1 ] && default_parts=deb,dkms,rpm
parts=,${2:-$default_parts},
want() { [[ $parts == *",$1,"* ]]; }

kdir=$("$RFL_TOP/scripts/build-kernel.sh" "$arch" release)
kver=$(cat "$kdir/include/config/kernel.release")
version=$(cat "$RFL_TOP/VERSION")
debarch=$(pkg_arch "$arch" deb)
out=$RFL_OUT/packages-test/$arch
rm -rf "$out"
mkdir -p "$out"

passed=0
failed=0
ok() {
	log "ok: $*"
	passed=$((passed + 1))
}
# guest ROOT KERNEL TAG [ONLY]: boot ROOT (without /boot and /usr/src) with
# KERNEL, and count the guest's results.
guest() {
	local boot=$out/$3-boot line
	rm -rf "$boot"
	mkdir -p "$boot"
	(cd "$1" && tar -c --exclude=./boot --exclude=./usr/src --exclude=./usr/include --exclude=./var .) |
		tar -x -C "$boot"
	line=$(RFL_EXTRA_ROOT=$boot RFL_KERNEL=$2 RFL_TAG=$3 RFL_ONLY=${4:-} \
		"$RFL_TOP/scripts/run-guest.sh" test "$arch" release | tail -n 1) || true
	echo "$line"
	grep -qE '[0-9]+ passed' <<<"$line" || line="0 passed, 1 failed"
	passed=$((passed + $(grep -oE '[0-9]+ passed' <<<"$line" | cut -d' ' -f1)))
	failed=$((failed + $(grep -oE '[0-9]+ failed' <<<"$line" | cut -d' ' -f1)))
}
expect() { # WHAT GOT WANT
	[ "$2" = "$3" ] || die "$1: got '$2', want '$3'"
}
# modinfo_checks DIR SIGNER: the installed modules under DIR.
modinfo_checks() {
	local m ko
	for m in cgroupfs qmon rue; do
		ko=$(find "$1" -name "$m.ko")
		[ -n "$ko" ] || die "$m.ko not installed under $1"
		expect "$m license" "$(/sbin/modinfo -F license "$ko")" GPL
		expect "$m version" "$(/sbin/modinfo -F version "$ko")" "$version"
		[ -n "$(/sbin/modinfo -F description "$ko")" ] || die "$m has no description"
		[ -n "$(/sbin/modinfo -F parm "$ko")" ] || die "$m shows no parameters"
		expect "$m signer" "$(/sbin/modinfo -F signer "$ko")" "$2"
	done
	for m in qmon rue; do
		expect "$m depends" "$(/sbin/modinfo -F depends "$(find "$1" -name "$m.ko")")" cgroupfs
	done
	expect "rue parameters" "$(/sbin/modinfo -F parm "$(find "$1" -name rue.ko)" | cut -d: -f1 | sort | tr '\n' ' ')" \
		"highest_reclaim_prio io_qos memory_qos prio_reclaim_ratio use_priority_oom "
}
# The name of the key that signed the kernel's own modules.
kernel_signer() {
	/sbin/modinfo -F signer "$(find "$1/lib/modules/$kver/kernel" -name null_blk.ko)"
}
# rfl_packages ROOT MODDIR SIGNER: what t-05-modprobe expects in the guest.
rfl_packages() {
	mkdir -p "$1/etc"
	printf 'moddir=%s\nsigner=%s\n' "$2" "$3" >"$1/etc/rfl-packages"
}

if want deb || want dkms; then
	mapfile -t kdebs < <("$RFL_TOP/scripts/build-kernel-packages.sh" "$arch" deb)
	image_deb=$(printf '%s\n' "${kdebs[@]}" | grep "/linux-image-${kver}_")
	headers_deb=$(printf '%s\n' "${kdebs[@]}" | grep "/linux-headers-${kver}_")
	expect "linux-image architecture" "$(dpkg-deb -f "$image_deb" Architecture)" "$debarch"
	debs=$("$RFL_TOP/scripts/build-deb.sh" "$kdir" "$arch" "$out/debs")
	mod_deb=$(grep cloudnative-modules <<<"$debs")
	meta_deb=$(grep rust-metadata <<<"$debs")
	dkms_deb=$(grep dkms <<<"$debs")
	ok "bindeb-pkg made linux-image-$kver and linux-headers-$kver; build-deb.sh the module packages"
fi

if want deb; then
	expect "package name" "$(dpkg-deb -f "$mod_deb" Package)" "rfl-cloudnative-modules-$kver"
	expect "package version" "$(dpkg-deb -f "$mod_deb" Version)" "$version"
	expect "package architecture" "$(dpkg-deb -f "$mod_deb" Architecture)" "$debarch"
	dpkg-deb -f "$mod_deb" Depends | grep -q "linux-image-$kver" || die "the modules package does not depend on linux-image-$kver"
	expect "metadata package architecture" "$(dpkg-deb -f "$meta_deb" Architecture)" "$debarch"
	dpkg-deb -f "$meta_deb" Description | grep -q "$("$RUSTC_KERNEL" --version)" ||
		die "the metadata package does not name the kernel's rustc"
	# dpkg refuses to install a file another package owns.
	dups=$(for d in "$image_deb" "$headers_deb" "$meta_deb" "$mod_deb"; do
		dpkg-deb -c "$d" | awk '$1 !~ /^d/ { print $6 }'
	done | sort | uniq -d)
	[ -z "$dups" ] || die "files in two packages: $dups"
	expect "metadata files" "$(dpkg-deb -c "$meta_deb" | awk '$1 !~ /^d/ { print $6 }' | sort | tr '\n' ' ')" \
		"$("$RFL_TOP/scripts/rust-headers.sh" --rust-only "$kdir" "$out/meta-ref" |
			sed "s|^|./usr/src/linux-headers-$kver/|" | sort | tr '\n' ' ')"
	ok "package fields, metadata files, no file in two packages"

	root=$out/deb-root
	for d in "$image_deb" "$headers_deb" "$meta_deb" "$mod_deb"; do
		dpkg-deb -x "$d" "$root"
	done
	/sbin/depmod -b "$root" "$kver"
	grep -q "^updates/rfl-cloudnative/qmon/qmon.ko: updates/rfl-cloudnative/cgroupfs/cgroupfs.ko" \
		"$root/lib/modules/$kver/modules.dep" || die "depmod did not record qmon's dependency on cgroupfs"
	[ -f "$root/usr/share/doc/rfl-cloudnative-modules-$kver/examples/modules-load.conf" ] ||
		die "no modules-load.d example"
	signer=$(kernel_signer "$root")
	[ -n "$signer" ] || die "the kernel's own modules are not signed"
	modinfo_checks "$root/lib/modules/$kver/updates" "$signer"
	ok "installed modules: depmod, modinfo, signed with the kernel's key ($signer)"

	# The packaged headers plus the metadata build the modules (W=1, no
	# warnings). A foreign architecture's headers package carries host
	# programs for that architecture (fixdep, modpost): checked by type.
	hdrs=$root/usr/src/linux-headers-$kver
	if [ $native -eq 1 ]; then
		src=$out/deb-src
		mkdir -p "$src"
		(cd "$RFL_TOP" && cp -r Makefile Kbuild VERSION support cgroupfs qmon rue samples "$src/")
		make -C "$src" KDIR="$hdrs" ARCH="$arch" W=1 modules >"$out/deb-headers-build.log" 2>&1 ||
			die "module build against linux-headers + metadata failed (log: $out/deb-headers-build.log)"
		! grep -iE '(^|[^_])warning[:[]' "$out/deb-headers-build.log" >&2 ||
			die "warnings building against the packaged headers (log: $out/deb-headers-build.log)"
		ok "linux-headers-$kver plus linux-rust-metadata-$kver build the modules without a warning"
	else
		file -b "$hdrs/scripts/mod/modpost" | grep -q 'ARM aarch64' ||
			die "the arm64 headers package's modpost is not an arm64 program: $(file -b "$hdrs/scripts/mod/modpost")"
		ok "linux-headers-$kver carries arm64 host programs, for building on arm64"
	fi

	rfl_packages "$root" updates/rfl-cloudnative kernel
	if [ $native -eq 1 ]; then
		# The suite's smoke tests and a view and a per-cgroup file: the
		# x86_64-release lane runs the whole suite on this same build.
		guest "$root" "$root/boot/vmlinuz-$kver" packages "$RFL_SMOKE_TESTS"
	else
		guest "$root" "$root/boot/vmlinuz-$kver" packages guest,modprobe
	fi
fi

if want dkms; then
	[ $native -eq 1 ] || die "DKMS builds for the build machine's architecture only"
	command -v dkms >/dev/null || die "dkms not found (package dkms)"
	root=$out/dkms-root
	for d in "$image_deb" "$headers_deb" "$dkms_deb"; do
		dpkg-deb -x "$d" "$root"
	done
	hdrs=$root/usr/src/linux-headers-$kver
	conf=$root/usr/src/rfl-cloudnative-$version/dkms.conf
	grep -qx "PACKAGE_VERSION=\"$version\"" "$conf" || die "dkms.conf without the version"
	expect "dkms modules" "$(sed -n 's/^BUILT_MODULE_NAME\[[0-9]\]="\(.*\)"/\1/p' "$conf" | tr '\n' ' ')" \
		"cgroupfs qmon rue "
	# A machine owner key for DKMS to sign with, as on a Secure Boot system.
	openssl req -new -x509 -nodes -days 2 -subj "/CN=rfl-cloudnative test MOK/" -newkey rsa:2048 \
		-keyout "$out/mok.key" -outform DER -out "$out/mok.der" >/dev/null 2>&1 ||
		die "openssl could not make a key"
	rdkms() { # ACTION: dkms on the root's trees
		sign_file=$hdrs/scripts/sign-file mok_signing_key=$out/mok.key mok_certificate=$out/mok.der \
			dkms "$1" -m rfl-cloudnative -v "$version" -k "$kver" --no-depmod \
			--dkmstree "$out/dkms-tree" --sourcetree "$root/usr/src" --installtree "$root/lib/modules" \
			--kernelsourcedir "$hdrs"
	}
	mkdir -p "$out/dkms-tree"
	# Without the metadata: the build stops, and the log names the package.
	if rdkms build >"$out/dkms-no-meta.log" 2>&1; then
		die "dkms built the modules against headers without Rust metadata"
	fi
	grep -rq 'no rust/libkernel.rmeta' "$out/dkms-tree" ||
		die "no clear error in DKMS's log without Rust metadata (see $out/dkms-tree)"
	rm -rf "$out/dkms-tree" && mkdir -p "$out/dkms-tree"
	dpkg-deb -x "$meta_deb" "$root"
	rdkms install >"$out/dkms-install.log" 2>&1 || die "dkms install failed (log: $out/dkms-install.log)"
	grep -q 'Signing module' "$out/dkms-install.log" || die "dkms did not sign the modules (log: $out/dkms-install.log)"
	/sbin/depmod -b "$root" "$kver"
	modinfo_checks "$root/lib/modules/$kver/updates/dkms" "rfl-cloudnative test MOK"
	ok "dkms: refused without metadata; built, signed and installed with linux-rust-metadata-$kver"
	rfl_packages "$root" updates/dkms other
	guest "$root" "$root/boot/vmlinuz-$kver" dkms guest,modprobe
fi

if want rpm; then
	command -v rpmbuild >/dev/null || die "rpmbuild not found (package rpm)"
	mapfile -t krpms < <("$RFL_TOP/scripts/build-kernel-packages.sh" "$arch" rpm)
	rpms=$("$RFL_TOP/scripts/build-rpm.sh" "$kdir" "$arch" "$out/rpms")
	kmod_rpm=$(grep '/kmod-rfl-cloudnative-' <<<"$rpms")
	meta_rpm=$(grep '/kernel-rust-metadata-' <<<"$rpms")
	kernel_rpm=$(printf '%s\n' "${krpms[@]}" | grep '/kernel-[0-9]')
	devel_rpm=$(printf '%s\n' "${krpms[@]}" | grep '/kernel-devel-')
	expect "kmod package name" "$(rpm -qp --qf '%{NAME} %{VERSION}' "$kmod_rpm")" "kmod-rfl-cloudnative-$kver $version"
	rpm -qp --requires "$kmod_rpm" | grep -qx "kernel-$kver" || die "the kmod package does not require kernel-$kver"
	expect "metadata files" "$(rpm -qpl "$meta_rpm" | tr '\n' ' ')" \
		"$("$RFL_TOP/scripts/rust-headers.sh" --rust-only "$kdir" "$out/meta-ref-rpm" |
			sed "s|^|/usr/src/kernels/$kver/|" | sort | tr '\n' ' ')"
	root=$out/rpm-root
	# rpm itself installs them: it refuses conflicting files; --nodeps only
	# because the root has no base system, whose packages the kmod and
	# kernel scriptlets need; the kernel's own requirement is checked below.
	rpm --root "$root" --initdb
	rpm --root "$root" -i --nodeps --noscripts --ignorearch "$kernel_rpm" "$devel_rpm" "$meta_rpm" "$kmod_rpm" \
		>"$out/rpm-install.log" 2>&1 || die "rpm -i failed (log: $out/rpm-install.log)"
	expect "the kmod's kernel requirement, provided by" \
		"$(rpm --root "$root" -q --qf '%{NAME}\n' --whatprovides "kernel-$kver")" kernel
	/sbin/depmod -b "$root" "$kver"
	modinfo_checks "$root/lib/modules/$kver/extra" "$(kernel_signer "$root")"
	ok "rpm: binrpm-pkg, kmod and metadata packages installed by rpm; modinfo; signed with the kernel's key"
	rfl_packages "$root" extra/rfl-cloudnative kernel
	guest "$root" "$root/lib/modules/$kver/vmlinuz" rpm guest,modprobe
fi

echo "$arch-packages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
