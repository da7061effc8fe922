# SPDX-License-Identifier: GPL-2.0
# cgroupfs views: meminfo, cpuinfo and the cpu online/possible/present lists
# follow the reader's cgroup limits; the root cgroup and enabled=0 see host
# values; reads in any chunk size; writes refused.
. /tests/lib.sh

load cgroupfs
V=/tmp/cgv
mkdir -p $V
mount -t cgroupfs cgroupfs $V || fail "mount"
for f in proc/meminfo proc/cpuinfo sys/devices/system/cpu/online \
	sys/devices/system/cpu/possible sys/devices/system/cpu/present; do
	[ -r $V/$f ] || fail "no $f"
done
echo "ok: view files present"

# Host view from the root cgroup.
expect_eq "root MemTotal" "$(field $V/proc/meminfo MemTotal)" "$(field /proc/meminfo MemTotal)"
expect_eq "root cpuinfo processors" "$(grep -c ^processor $V/proc/cpuinfo)" "$(grep -c ^processor /proc/cpuinfo)"
expect_eq "root online" "$(cat $V/sys/devices/system/cpu/online)" "$(cat /sys/devices/system/cpu/online)"
expect_eq "meminfo fields" "$(cut -d: -f1 $V/proc/meminfo | tr '\n' ' ')" "$(cut -d: -f1 /proc/meminfo | tr '\n' ' ')"
host_cpus=$(grep -c ^processor /proc/cpuinfo)

enable_controllers ""
# memory.max 64M: MemTotal 65536 kB, MemFree below it.
mkdir -p $CG/m64
echo 64M > $CG/m64/memory.max
expect_eq "64M MemTotal" "$(in_cgroup m64 awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" 65536
free=$(in_cgroup m64 awk '$1=="MemFree:" {print $2}' $V/proc/meminfo)
[ "$free" -gt 0 ] && [ "$free" -le 65536 ] || fail "64M MemFree $free"
echo "ok: 64M MemFree $free kB"
expect_eq "64M meminfo fields" "$(in_cgroup m64 cut -d: -f1 $V/proc/meminfo | tr '\n' ' ')" "$(cut -d: -f1 /proc/meminfo | tr '\n' ' ')"

# Nested: the tightest ancestor wins, seen from a deep child.
mkdir -p $CG/outer
echo 100M > $CG/outer/memory.max
enable_controllers outer
mkdir -p $CG/outer/mid
enable_controllers outer/mid
mkdir -p $CG/outer/mid/inner
echo 200M > $CG/outer/mid/inner/memory.max
expect_eq "nested MemTotal" "$(in_cgroup outer/mid/inner awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" 102400

# Unlimited: host totals, never 0.
mkdir -p $CG/free
expect_eq "unlimited MemTotal" "$(in_cgroup free awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" "$(field /proc/meminfo MemTotal)"

# cpuset 0: one processor, online 0.
mkdir -p $CG/one
echo 0 > $CG/one/cpuset.cpus
expect_eq "cpuset 0 processors" "$(in_cgroup one grep -c ^processor $V/proc/cpuinfo)" 1
expect_eq "cpuset 0 online" "$(in_cgroup one cat $V/sys/devices/system/cpu/online)" 0
expect_eq "cpuset 0 processor number" "$(in_cgroup one awk -F': ' '/^processor/ {print $2}' $V/proc/cpuinfo)" 0

# cpuset 1-3 with cpu.max 150000/100000: 2 CPUs, renumbered 0-1.
mkdir -p $CG/quota
echo 1-3 > $CG/quota/cpuset.cpus
echo "150000 100000" > $CG/quota/cpu.max
expect_eq "quota processors" "$(in_cgroup quota grep -c ^processor $V/proc/cpuinfo)" 2
expect_eq "quota online" "$(in_cgroup quota cat $V/sys/devices/system/cpu/online)" 0-1
expect_eq "quota possible" "$(in_cgroup quota cat $V/sys/devices/system/cpu/possible)" 0-1
expect_eq "quota numbering" "$(in_cgroup quota awk -F': ' '/^processor/ {print $2}' $V/proc/cpuinfo | tr '\n' ' ')" "0 1 "

# enabled=0: host values, no remount.
echo 0 > /sys/module/cgroupfs/parameters/enabled
expect_eq "enabled=0 MemTotal" "$(in_cgroup m64 awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" "$(field /proc/meminfo MemTotal)"
expect_eq "enabled=0 processors" "$(in_cgroup one grep -c ^processor $V/proc/cpuinfo)" "$host_cpus"
echo 1 > /sys/module/cgroupfs/parameters/enabled
expect_eq "enabled=1 again" "$(in_cgroup m64 awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" 65536

# Chunked reads: 1-byte reads give the same text as one read of one open.
in_cgroup one sh -c "dd if=$V/proc/cpuinfo bs=1 2>/dev/null > /tmp/c1; cat $V/proc/cpuinfo > /tmp/c2"
cmp /tmp/c1 /tmp/c2 || fail "1-byte reads of cpuinfo differ"
in_cgroup m64 sh -c "dd if=$V/proc/meminfo bs=7 2>/dev/null > /tmp/m1"
expect_eq "chunked meminfo MemTotal" "$(field /tmp/m1 MemTotal)" 65536
expect_eq "chunked meminfo lines" "$(wc -l < /tmp/m1)" "$(wc -l < /proc/meminfo)"

# Writes are refused.
write_expect_err $V/proc/meminfo x "Permission denied"

umount $V
for c in outer/mid/inner outer/mid outer m64 free one quota; do rmdir $CG/$c; done
