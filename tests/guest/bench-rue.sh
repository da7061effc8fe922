# SPDX-License-Identifier: GPL-2.0
#
# rue memory benchmark (run by bench.sh): a priority-0 cgroup re-reads its
# 100 MiB working set (page cache of a null_blk device that takes 1 ms per
# request, in use: read twice) and then allocates 64 MiB, alone; after a
# priority-7 cgroup went through 1.2 GiB of page cache (each piece read
# twice, so in use too) with rue off; with rue on (memory_qos=1, priority
# reclaim with a 20% reserve); and with rue off but memory.low protecting
# the working set instead. The four scenarios take turns over several rounds, and each
# reports its medians, so that drift of the machine hits all alike. Prints
# "bench: " lines: the re-read time and the requests it had to send to the
# device (0: all resident), the allocation time (both timed by the
# workload itself), and the ratio of their sum to "alone" (target: rue
# within 1.11 of alone, i.e. at least 90% of its throughput, and better
# than both alternatives).

. /tests/lib.sh
say() { echo "bench: $*"; }
ROUNDS=${BENCH_ROUNDS:-5}

setup_cgroupfs
load rue
rue_pair b
echo 20 > /sys/module/rue/parameters/prio_reclaim_ratio
insmod $MODDIR/null_blk.ko nr_devices=1 gb=2 irqmode=2 completion_nsec=1000000 ||
	{ say "FAIL null_blk"; exit 1; }
exec 3< /dev/nullb0
reads() { awk '{ print $1 }' /sys/block/nullb0/stat; }

# run SCENARIO: prints "us requests alloc_us" of the working set's re-read
# and the allocation after it.
run() {
	echo 0 > /sys/module/rue/parameters/memory_qos
	echo 0 > $CG/b/hi/memory.low
	echo 0 > $CG/b/memory.low
	echo 3 > /proc/sys/vm/drop_caches
	# Read twice: a working set in use (active pages), so that "alone"
	# times the same kind of re-read as the others.
	in_cgroup b/hi dd if=/dev/nullb0 of=/dev/null bs=1M count=100 2>/dev/null
	in_cgroup b/hi dd if=/dev/nullb0 of=/dev/null bs=1M count=100 2>/dev/null
	case $1 in
	rue) echo 1 > /sys/module/rue/parameters/memory_qos ;;
	# Protection is hierarchical: the parent needs it too.
	low) echo 100M > $CG/b/memory.low && echo 100M > $CG/b/hi/memory.low ;;
	esac
	[ "$1" = alone ] || in_cgroup b/lo sh -c '
		# 1.2 GiB in 240 MiB pieces, each read twice: a hog whose pages are
		# in use too, not a stream the LRU would drop first anyway.
		for i in 0 1 2 3 4; do
			for pass in 1 2; do
				dd if=/dev/nullb0 of=/dev/null bs=1M skip=$((200 + i * 240)) count=240 2>/dev/null
			done
		done'
	r0=$(reads)
	us=$(in_cgroup b/hi iobench cached /dev/nullb0 100)
	r1=$(reads)
	alloc=$(in_cgroup b/hi memhog 64 time)
	echo "$us $((r1 - r0)) $alloc"
}

say "priority-0 re-read of 100 MiB and allocation of 64 MiB after a priority-7 hog of 1.2 GiB ($(($(field /proc/meminfo MemTotal) / 1024)) MiB RAM)"
for s in alone off rue low; do
	: > /tmp/rue.$s
done
r=0
while [ $r -lt $ROUNDS ]; do
	for s in alone off rue low; do
		run $s >> /tmp/rue.$s
	done
	r=$((r + 1))
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
say "scenario  reread_ms  requests  alloc_ms  total/alone   (medians of $ROUNDS rounds)"
total() { awk '{ print $1 + $3 }' /tmp/rue.$1 | median; }
alone=$(total alone)
ms() { cut -d' ' -f$2 /tmp/rue.$1 | median | awk '{ printf "%.1f", $1 / 1000 }'; }
for s in alone off rue low; do
	say "$(printf '%-8s %10s %9s %9s %12s' $s $(ms $s 1) $(cut -d' ' -f2 /tmp/rue.$s | median) \
		$(ms $s 3) $(awk -v a=$(total $s) -v b=$alone 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }'))"
done
say "target: rue total/alone <= 1.11 (>= 90% of alone's throughput), below off and low"
echo 0 > /sys/module/rue/parameters/memory_qos
exec 3<&-
rmmod null_blk
umount $V
rmdir $CG/b/hi $CG/b/lo $CG/b
