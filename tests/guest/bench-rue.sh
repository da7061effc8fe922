# SPDX-License-Identifier: GPL-2.0
#
# rue memory benchmark (run by bench.sh): a priority-0 cgroup re-reads its
# 100 MiB working set (page cache of a null_blk device that takes 1 ms per
# request) alone; beside a priority-7 cgroup streaming 1.2 GiB through the
# page cache with rue off; with rue on (memory_qos=1, priority reclaim with
# a 20% reserve); and with rue off but memory.low protecting the working
# set instead. Prints "bench: " lines: the re-read time and the requests it
# had to send to the device (0: all resident), and the ratios to "alone"
# (target: rue within 1.11 of alone, i.e. at least 90% of its throughput,
# and better than both alternatives).

. /tests/lib.sh
say() { echo "bench: $*"; }
M=1048576

setup_cgroupfs
load rue
rue_pair b
echo 20 > /sys/module/rue/parameters/prio_reclaim_ratio
insmod $MODDIR/null_blk.ko nr_devices=1 gb=2 irqmode=2 completion_nsec=1000000 ||
	{ say "FAIL null_blk"; exit 1; }
exec 3< /dev/nullb0
reads() { awk '{ print $1 }' /sys/block/nullb0/stat; }
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }

# run SCENARIO: prints "ms requests" of the working set's re-read.
run() {
	echo 0 > /sys/module/rue/parameters/memory_qos
	echo 0 > $CG/b/hi/memory.low
	echo 0 > $CG/b/memory.low
	echo 3 > /proc/sys/vm/drop_caches
	in_cgroup b/hi dd if=/dev/nullb0 of=/dev/null bs=1M count=100 2>/dev/null
	case $1 in
	rue) echo 1 > /sys/module/rue/parameters/memory_qos ;;
	# Protection is hierarchical: the parent needs it too.
	low) echo 100M > $CG/b/memory.low && echo 100M > $CG/b/hi/memory.low ;;
	esac
	[ "$1" = alone ] ||
		in_cgroup b/lo dd if=/dev/nullb0 of=/dev/null bs=1M skip=200 count=1200 2>/dev/null
	r0=$(reads)
	t0=$(now_ms)
	in_cgroup b/hi dd if=/dev/nullb0 of=/dev/null bs=1M count=100 2>/dev/null
	echo "$(($(now_ms) - t0)) $(($(reads) - r0))"
}

say "priority-0 re-read of 100 MiB beside a priority-7 stream of 1.2 GiB ($(($(field /proc/meminfo MemTotal) / 1024)) MiB RAM)"
say "scenario     ms  requests  time/alone"
for s in alone off rue low; do
	set -- $(run $s)
	[ $s = alone ] && alone=$1
	say "$(printf '%-8s %6s %9s %11s' $s $1 $2 $(awk -v a=$1 -v b=$alone 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }'))"
done
say "target: rue time/alone <= 1.11 (>= 90% of alone's throughput), below off and low"
echo 0 > /sys/module/rue/parameters/memory_qos
exec 3<&-
rmmod null_blk
umount $V
rmdir $CG/b/hi $CG/b/lo $CG/b
