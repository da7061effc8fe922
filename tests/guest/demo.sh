# SPDX-License-Identifier: GPL-2.0
#
# The scripted demo: load the modules and show what each does today.

MODDIR=/lib/modules/rfl
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { echo "\$ $*"; sh -c "$*"; }

say "Kernel"
run uname -a
run nproc

say "Load the modules"
run insmod $MODDIR/cgroupfs.ko
run insmod $MODDIR/qmon.ko
run insmod $MODDIR/rue.ko
run "cat /proc/modules | cut -d' ' -f1-3"
run "dmesg | grep -E 'cgroupfs|qmon|rue'"

say "cgroupfs: the filesystem type and its mount point"
run "grep cgroupfs /proc/filesystems"
run ls -ld /sys/fs/cgroupfs
run mount -t cgroupfs cgroupfs /sys/fs/cgroupfs
run "grep cgroupfs /proc/mounts"
run "rmmod cgroupfs || echo 'rmmod refused: cgroupfs is mounted'"
run umount /sys/fs/cgroupfs

say "A container cgroup with limits"
run mkdir -p /sys/fs/cgroup/demo
run "echo '+memory +cpu +cpuset +io +pids' > /sys/fs/cgroup/cgroup.subtree_control"
run "echo 64M > /sys/fs/cgroup/demo/memory.max"
run "echo '150000 100000' > /sys/fs/cgroup/demo/cpu.max"
run cat /sys/fs/cgroup/demo/memory.max /sys/fs/cgroup/demo/cpu.max

say "Module switches (validated writes)"
run "grep . /sys/module/cgroupfs/parameters/* /sys/module/qmon/parameters/* /sys/module/rue/parameters/*"
run "echo 1 > /sys/module/rue/parameters/memory_qos && cat /sys/module/rue/parameters/memory_qos"
run "echo 42 > /sys/module/rue/parameters/prio_reclaim_ratio"
run "echo maybe > /sys/module/qmon/parameters/enabled"

say "The sample module, loaded from inside the cgroup"
run "echo \$\$ > /sys/fs/cgroup/demo/cgroup.procs && exec insmod $MODDIR/cgroup_hello.ko"
run "dmesg | grep cgroup_hello"

say "Unload"
run rmmod cgroup_hello rue qmon cgroupfs
run "cat /proc/modules | wc -l"
