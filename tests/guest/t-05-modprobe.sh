# SPDX-License-Identifier: GPL-2.0
# When the guest's root has the modules installed from a package
# (scripts/test-packages.sh: Debian, DKMS or RPM), modprobe loads each by
# name through the modules.dep that depmod made, with its parameters from
# modprobe options. /etc/rfl-packages says where the package put them and
# who signed them: with the kernel's own key nothing taints the kernel,
# with another key (DKMS's) they load and taint it 'E'.
. /tests/lib.sh

dir=/lib/modules/$(uname -r)
[ -f $dir/modules.dep ] && [ -f /etc/rfl-packages ] || skip "no installed modules in this guest"
. /etc/rfl-packages # moddir=, signer=kernel|other
grep -q "^$moddir/cgroupfs/cgroupfs.ko:" $dir/modules.dep ||
	grep -q "^$moddir/cgroupfs.ko:" $dir/modules.dep || fail "cgroupfs not in modules.dep under $moddir"
tainted_before=$(cat /proc/sys/kernel/tainted)
[ $((tainted_before & 8192)) -eq 0 ] || fail "kernel already tainted by an unsigned module"
for m in cgroupfs qmon rue; do
	modprobe $m || fail "modprobe $m"
	[ -d /sys/module/$m ] || fail "$m not loaded by modprobe"
done
unsigned_taint=$(($(cat /proc/sys/kernel/tainted) & 8192))
case $signer in
kernel)
	expect_eq "unsigned-module taint after loading modules signed by the kernel's key" "$unsigned_taint" 0
	dmesg | grep -q 'module verification failed' && fail "the kernel did not verify a signature"
	;;
other)
	[ "$unsigned_taint" -ne 0 ] || fail "modules signed by an unknown key did not taint the kernel"
	echo "ok: modules signed by a key the kernel does not know load and taint it 'E'"
	;;
esac
expect_eq "version" "$(cat /sys/module/rue/version)" "$(cat /tests/VERSION)"
# remove M...: modprobe -r each still loaded. busybox's also removes the
# dependencies the module leaves unused, and fails when one of them is
# still in use (cgroupfs under qmon): what counts is that M is gone.
remove() {
	for m in "$@"; do
		[ -d /sys/module/$m ] || continue
		modprobe -r $m
		[ ! -d /sys/module/$m ] || fail "modprobe -r $m left it loaded"
	done
}
remove rue qmon cgroupfs
# qmon and rue use cgroupfs's file API: depmod records the dependency.
for m in qmon rue; do
	modprobe $m || fail "modprobe $m alone"
	[ -d /sys/module/cgroupfs ] || fail "modprobe $m did not load cgroupfs"
	remove $m cgroupfs
done
modprobe rue prio_reclaim_ratio=9 || fail "modprobe with a parameter"
expect_eq "parameter through modprobe" "$(cat /sys/module/rue/parameters/prio_reclaim_ratio)" 9
remove rue cgroupfs
