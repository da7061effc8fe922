# SPDX-License-Identifier: GPL-2.0
# The test kernel and guest provide what the module tests rely on: cgroup v2
# with its controllers, several CPUs, PSI, and Rust module support.
. /tests/lib.sh

grep -q '^cgroup2 /sys/fs/cgroup cgroup2 ' /proc/mounts || fail "cgroup2 not mounted"
for c in cpuset cpu io memory pids; do
	grep -qw $c /sys/fs/cgroup/cgroup.controllers || fail "controller $c missing"
done
echo "ok: controllers $(cat /sys/fs/cgroup/cgroup.controllers)"
n=$(grep -c '^processor' /proc/cpuinfo)
[ "$n" -ge 3 ] || fail "only $n CPUs online, tests need at least 3"
echo "ok: $n CPUs"
[ -r /proc/pressure/memory ] || fail "no PSI"
[ -r /sys/fs/cgroup/memory.pressure ] || fail "no per-cgroup PSI"
[ -f $MODDIR/null_blk.ko ] || fail "no null_blk.ko in the guest"
echo "ok: PSI and null_blk present"
