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
modprobe -r rue qmon cgroupfs || fail "modprobe -r"
# qmon uses cgroupfs's file API: depmod records the dependency.
modprobe qmon || fail "modprobe qmon alone"
[ -d /sys/module/cgroupfs ] || fail "modprobe qmon did not load cgroupfs"
modprobe -r qmon cgroupfs || fail "modprobe -r qmon cgroupfs"
modprobe rue prio_reclaim_ratio=9 || fail "modprobe with a parameter"
expect_eq "parameter through modprobe" "$(cat /sys/module/rue/parameters/prio_reclaim_ratio)" 9
modprobe -r rue
