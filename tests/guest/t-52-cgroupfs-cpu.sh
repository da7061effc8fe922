# SPDX-License-Identifier: GPL-2.0
# cgroupfs stat, uptime and loadavg: CPU lines for the view's CPUs from the
# cgroup's CPU time, uptime since the cgroup was created, and the cgroup's
# own load average.
. /tests/lib.sh

setup_cgroupfs

# Host view from the root cgroup.
expect_eq "root stat cpu lines" "$(grep -c ^cpu $V/proc/stat)" "$(grep -c ^cpu /proc/stat)"
expect_eq "root btime" "$(grep ^btime $V/proc/stat)" "$(grep ^btime /proc/stat)"

mkdir -p $CG/ld
echo 0-1 > $CG/ld/cpuset.cpus
sleep 1
up=$(in_cgroup ld cut -d' ' -f1 $V/proc/uptime)
host_up=$(cut -d' ' -f1 /proc/uptime)
echo "cgroup uptime $up, host $host_up"
awk -v u="$up" -v h="$host_up" 'BEGIN { exit !(u >= 0.9 && u < 10 && u < h) }' ||
	fail "uptime of a cgroup made a second ago: $up (host $host_up)"
echo "ok: uptime counts from the cgroup's creation"

expect_eq "stat cpu lines" "$(in_cgroup ld grep ^cpu $V/proc/stat | cut -d' ' -f1 | tr '\n' ' ')" "cpu cpu0 cpu1 "
for k in intr ctxt btime processes procs_running procs_blocked; do
	in_cgroup ld grep -q "^$k " $V/proc/stat || fail "no $k line"
done
echo "ok: stat has intr ctxt btime processes procs_running procs_blocked"

# Two busy loops: CPU time shows up as user time, the load average and
# procs_running count them; an idle cgroup stays at zero.
mkdir -p $CG/idle2
expect_eq "idle loadavg" "$(in_cgroup idle2 cut -d' ' -f1-3 $V/proc/loadavg)" "0.00 0.00 0.00"
in_cgroup ld sh -c 'while :; do :; done' &
in_cgroup ld sh -c 'while :; do :; done' &
sleep 2
load1=$(in_cgroup ld cut -d' ' -f1 $V/proc/loadavg)
awk -v l="$load1" 'BEGIN { exit !(l >= 1.5 && l <= 3.5) }' || fail "load with two busy loops: $load1"
echo "ok: load average $load1 with two busy loops"
running=$(in_cgroup ld awk '/^procs_running/ {print $2}' $V/proc/stat)
[ "$running" -ge 2 ] || fail "procs_running $running with two busy loops"
echo "ok: procs_running $running"
user=$(in_cgroup ld awk '/^cpu / {print $2 + $4}' $V/proc/stat)
[ "$user" -ge 50 ] || fail "two busy loops for 2 s used only $user ticks"
echo "ok: cgroup CPU time $user ticks"
kill_cgroup ld
wait 2>/dev/null
# A sample may catch the reader itself in the idle cgroup (as the kernel's
# own load average would): a trace of one task, nowhere near two.
idle=$(in_cgroup idle2 cut -d' ' -f1 $V/proc/loadavg)
awk -v l="$idle" 'BEGIN { exit !(l < 0.5) }' || fail "idle cgroup load $idle"
echo "ok: idle cgroup load $idle"

# Never empty, never short, over 100 reads.
i=0
while [ $i -lt 100 ]; do
	n=$(in_cgroup ld sh -c "wc -l < $V/proc/stat")
	[ "$n" -ge 9 ] || fail "read $i of stat has $n lines"
	i=$((i + 1))
done
echo "ok: 100 reads of stat"

umount $V
rmdir $CG/ld $CG/idle2
