# SPDX-License-Identifier: GPL-2.0
# qmon under cgroup churn: 300 cgroups created and removed, some running
# a task; afterwards qmon holds an entry for each live cgroup only.
. /tests/lib.sh

setup_cgroupfs
load qmon
mkdir -p $CG/c
i=0
while [ $i -lt 300 ]; do
	mkdir $CG/c/x$i
	[ $((i % 50)) -eq 0 ] && in_cgroup c/x$i true
	rmdir $CG/c/x$i
	i=$((i + 1))
done
live=$(find $CG -type d | wc -l)
unload qmon
tracked=$(dmesg | sed -n 's/.*qmon: unloaded (\([0-9]*\) cgroups tracked.*/\1/p' | tail -n 1)
expect_eq "cgroups tracked after 300 created and removed" "$tracked" "$live"
umount $V
rmdir $CG/c
