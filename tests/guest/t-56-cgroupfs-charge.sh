# SPDX-License-Identifier: GPL-2.0
# An open view keeps memory for as long as its opener keeps it open: that
# memory is charged to the opener's memory cgroup. Measured as the kernel
# memory N opens add beyond what the opener's cgroup was charged, per open,
# against the same for a procfs file; it must stay well under 1 KiB more.
# timeout: 300
. /tests/lib.sh

setup_cgroupfs
N=3000
# Each open of a view costs milliseconds under KASAN and lockdep, and
# KASAN's quarantine keeps freed objects (a render's scratch buffer) in the
# slab for a while: debug kernels open 1,000 times and only print what
# they measure, as t-73 does; kmemleak (t-90) checks them for leaks.
debug=
[ -e /sys/kernel/debug/kmemleak ] && N=1000 debug=1
ulimit -n $((N + 64)) || fail "ulimit -n $((N + 64))"
mkdir -p $CG/chg

refresh() {
	echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
}

# uncharged FILE: bytes of unreclaimable slab per open of FILE by a task of
# chg beyond what chg was charged meanwhile.
uncharged() {
	rm -f /tmp/ho.in /tmp/ho.out
	mkfifo /tmp/ho.in
	in_cgroup chg holdopen "$1" $N < /tmp/ho.in > /tmp/ho.out &
	pid=$!
	exec 3> /tmp/ho.in
	sleep 0.3
	refresh
	s0=$(field /proc/meminfo SUnreclaim)
	c0=$(cat $CG/chg/memory.current)
	echo go >&3
	n=0
	until grep -q opened /tmp/ho.out; do
		n=$((n + 1))
		[ $n -lt 300 ] || fail "holdopen $1 $N did not finish"
		kill -0 $pid 2>/dev/null || fail "holdopen $1 $N failed"
		sleep 0.1
	done
	refresh
	s1=$(field /proc/meminfo SUnreclaim)
	c1=$(cat $CG/chg/memory.current)
	exec 3>&-
	wait $pid
	echo $((((s1 - s0) * 1024 - (c1 - c0)) / N))
}

ref=$(uncharged /proc/uptime)
for f in uptime meminfo stat cpuinfo; do
	got=$(uncharged $V/proc/$f)
	echo "uncharged bytes per open: $V/proc/$f $got, /proc/uptime $ref"
	[ -n "$debug" ] || [ $((got - ref)) -lt 512 ] ||
		fail "an open of $V/proc/$f leaves $((got - ref)) bytes more uncharged than /proc/uptime"
done
[ -n "$debug" ] || echo "ok: open views are charged to their opener"
rmdir $CG/chg
