# SPDX-License-Identifier: GPL-2.0
# The sample module logs the cgroup of the task that loads it.
. /tests/lib.sh

mkdir -p /sys/fs/cgroup/demo/inner
# A child shell moves itself into the cgroup, then becomes insmod.
sh -c "echo \$\$ > /sys/fs/cgroup/demo/inner/cgroup.procs && exec insmod $MODDIR/cgroup_hello.ko" ||
	fail "insmod cgroup_hello from /demo/inner"
dmesg | grep -q 'cgroup_hello: loaded from /demo/inner (depth 2)' ||
	fail "no 'loaded from /demo/inner (depth 2)' in dmesg: $(dmesg | grep cgroup_hello)"
unload cgroup_hello
insmod $MODDIR/cgroup_hello.ko || fail "insmod cgroup_hello from /"
dmesg | grep -q 'cgroup_hello: loaded from / (depth 0)' || fail "no root-cgroup message"
unload cgroup_hello
rmdir /sys/fs/cgroup/demo/inner /sys/fs/cgroup/demo
