# SPDX-License-Identifier: GPL-2.0
#
# The scripted demo: load the modules and show what each does today.

MODDIR=/lib/modules/rfl
V=/sys/fs/cgroupfs
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { echo "\$ $*"; sh -c "$*"; }
# inside CMD: run CMD as a task of the cgroup /demo
inside() { echo "[in /demo] \$ $*"; sh -c "echo \$\$ > /sys/fs/cgroup/demo/cgroup.procs && $*"; }

say "Kernel"
run uname -a
run "grep -c ^processor /proc/cpuinfo"
run "grep MemTotal /proc/meminfo"

say "Load the modules"
run insmod $MODDIR/cgroupfs.ko
run insmod $MODDIR/qmon.ko
run insmod $MODDIR/rue.ko
run insmod $MODDIR/cgroup_hello.ko
run "cut -d' ' -f1-4 /proc/modules"

say "cgroupfs: mount it"
run "grep cgroupfs /proc/filesystems"
run mount -t cgroupfs cgroupfs $V
run "ls $V $V/proc $V/sys/devices/system/cpu"

say "A container cgroup: 64M of memory, CPUs 1-3, 1.5 CPUs of quota"
run "echo '+memory +cpu +cpuset +io +pids' > /sys/fs/cgroup/cgroup.subtree_control"
run mkdir -p /sys/fs/cgroup/demo
run "echo 64M > /sys/fs/cgroup/demo/memory.max"
run "echo 1-3 > /sys/fs/cgroup/demo/cpuset.cpus"
run "echo '150000 100000' > /sys/fs/cgroup/demo/cpu.max"

say "What a task in it sees through cgroupfs"
inside "head -3 $V/proc/meminfo"
inside "grep ^processor $V/proc/cpuinfo"
inside "cat $V/sys/devices/system/cpu/online"
inside "grep ^cpu $V/proc/stat; cat $V/proc/uptime $V/proc/loadavg"
say "... and through /proc, once bind-mounted there in its own mount namespace"
inside "unshare -m sh -c 'mount --bind $V/proc/meminfo /proc/meminfo; mount --bind $V/proc/cpuinfo /proc/cpuinfo; grep MemTotal /proc/meminfo; grep -c ^processor /proc/cpuinfo; top -bn1 | head -1'"
run "grep MemTotal /proc/meminfo"

say "The per-cgroup tree"
run "ls $V/cgroup $V/cgroup/demo"
run "cat $V/cgroup/demo/cpu.quota_period_us"
run "cat $V/cgroup/demo/hello.greeting"
run "echo 'hi there' > $V/cgroup/demo/hello.greeting && cat $V/cgroup/demo/hello.greeting"
run "echo 2 > $V/cgroup/demo/cgroupfs.role"
run "echo 7 > $V/cgroup/demo/rue.priority && echo 'default 20000' > $V/cgroup/rue.io.latency_target_us"
run "cat $V/cgroup/rue.io.latency_target_us"

say "qmon: latencies per cgroup, parents including their children"
run mkdir -p /sys/fs/cgroup/demo/job
echo "[in /demo/job] \$ sleep 0.05; sleep 0.3"
sh -c "echo \$\$ > /sys/fs/cgroup/demo/job/cgroup.procs && sleep 0.05 && sleep 0.3"
run "grep -A8 '^schedlat_sleep:' $V/cgroup/demo/job/sli.cpu"
run "grep ' count ' $V/cgroup/demo/sli.hist | head -n 2"
run "cat $V/cgroup/demo/job/sli.max | head -n 2"
run rmdir /sys/fs/cgroup/demo/job

say "Module switches (validated writes)"
run "grep . /sys/module/cgroupfs/parameters/* /sys/module/qmon/parameters/* /sys/module/rue/parameters/*"
run "echo 42 > /sys/module/rue/parameters/prio_reclaim_ratio"
run "echo maybe > /sys/module/qmon/parameters/enabled"
run "echo 0 > /sys/module/cgroupfs/parameters/enabled"
inside "grep MemTotal $V/proc/meminfo"
run "echo 1 > /sys/module/cgroupfs/parameters/enabled"

say "Unload"
run "rmmod cgroupfs || echo 'refused: cgroupfs is mounted and used by cgroup_hello'"
run umount $V
run rmmod cgroup_hello rue qmon cgroupfs
run "cat /proc/modules | wc -l"
run "dmesg | grep -E 'cgroupfs|qmon|rue|cgroup_hello'"
