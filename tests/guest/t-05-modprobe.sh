# SPDX-License-Identifier: GPL-2.0
# When the guest's root has the modules installed from the Debian package
# (scripts/test-packages.sh), modprobe loads each by name through the
# modules.dep that depmod made, with its parameters from modprobe options.
. /tests/lib.sh

dir=/lib/modules/$(uname -r)
[ -f $dir/modules.dep ] || skip "no installed modules in this guest"
grep -q 'updates/rfl-cloudnative/cgroupfs/cgroupfs.ko' $dir/modules.dep || fail "cgroupfs not in modules.dep"
for m in cgroupfs qmon rue; do
	modprobe $m || fail "modprobe $m"
	[ -d /sys/module/$m ] || fail "$m not loaded by modprobe"
done
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
