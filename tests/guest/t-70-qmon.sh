# SPDX-License-Identifier: GPL-2.0
# qmon: per-cgroup latency histograms from deterministic workloads with
# known answers: run-queue waits of two busy loops sharing one CPU, a sleep
# of known length, memory-cgroup reclaim under a small memory.high, direct
# compaction of fragmented memory, reads from a null_blk device with a set
# completion delay; hierarchy, the enabled switch, unload.
. /tests/lib.sh

setup_cgroupfs
load qmon
S=$V/cgroup

# ms SERIES LABEL FILE: the count of one millisecond bucket.
ms() {
	awk -v s="$1:" -v l="$2:" '
		/^[a-z_]+:$/ { f = ($0 == s); next }
		f && $1 == l { print $2; exit }' "$3"
}
# count SERIES FILE: how many latencies sli.hist counted for SERIES.
count() {
	awk -v s="$1" '$1 == s && $2 == "count" { print $3; exit }' "$2"
}
# above SERIES LIMIT FILE: sli.hist's count at or above LIMIT us (a bound).
above() {
	awk -v s="$1" -v b="$2" '
		$1 == s && $2 == "count" { n = $3 }
		$1 == s && $2 == "lt_us" && $3 == b { below = $4 }
		END { print n - below }' "$3"
}

mkdir -p $CG/q
enable_controllers q
mkdir -p $CG/q/busy $CG/q/idle $CG/q/sleep $CG/q/mem $CG/q/compact $CG/q/io

for f in sli.cpu sli.memory sli.io sli.hist sli.max; do
	[ -r $S/$f ] || fail "no $f at the root"
	[ -r $S/q/busy/$f ] || fail "no $f in q/busy"
done
expect_eq "sli.cpu series" "$(grep -c ':$' $S/sli.cpu)" 4
expect_eq "sli.memory series" "$(grep -c ':$' $S/sli.memory)" 3
expect_eq "sli.io series" "$(grep -c ':$' $S/sli.io)" 2
expect_eq "sli.cpu lines" "$(wc -l < $S/sli.cpu)" 36
expect_eq "sli.hist series" "$(grep -c ' count ' $S/sli.hist)" 9
head -n 9 $S/sli.cpu
write_expect_err $S/q/sli.cpu 1 "Permission denied"

# Two busy loops pinned to one CPU wait for each other a scheduler slice at
# a time: waits above 1 ms. An idle cgroup counts nothing.
for i in 1 2; do
	in_cgroup q/busy taskset -c 1 sh -c 'while :; do :; done' &
done
sleep 2
kill_cgroup q/busy
wait
grep -A8 '^schedlat_wait:' $S/q/busy/sli.cpu
waits=$(count schedlat_wait $S/q/busy/sli.hist)
long=$(above schedlat_wait 1000 $S/q/busy/sli.hist)
[ "$long" -ge 10 ] || fail "busy loops on one CPU: $long waits >= 1 ms, want >= 10"
echo "ok: $long of $waits waits of q/busy at or above 1 ms"
for s in schedlat_wait schedlat_sleep schedlat_block schedlat_ioblock; do
	expect_eq "q/idle $s" "$(count $s $S/q/idle/sli.hist)" 0
done

# Parents include their children: with no task left in q, q's counts are
# exactly the sum of its children's.
parent=$(count schedlat_wait $S/q/sli.hist)
child=$(count schedlat_wait $S/q/busy/sli.hist)
root=$(count schedlat_wait $S/sli.hist)
[ "$parent" -ge "$child" ] && [ "$root" -ge "$parent" ] ||
	fail "hierarchy: root $root, q $parent, q/busy $child"
for s in schedlat_wait schedlat_sleep; do
	sum=0
	for c in busy idle sleep mem compact io; do
		sum=$((sum + $(count $s $S/q/$c/sli.hist)))
	done
	expect_eq "q's $s against its children's" "$(count $s $S/q/sli.hist)" "$sum"
done
echo "ok: root $root >= q $parent >= q/busy $child waits"

# A 40 ms sleep lands in the 32-64 ms bucket of schedlat_sleep.
in_cgroup q/sleep sleep 0.04
grep -A8 '^schedlat_sleep:' $S/q/sleep/sli.cpu
n=$(ms schedlat_sleep 32-64ms $S/q/sleep/sli.cpu)
[ "$n" -ge 1 ] || fail "40 ms sleep: 32-64ms bucket has $n"
expect_eq "sleeps of 128 ms or more" "$(ms schedlat_sleep '>=128ms' $S/q/sleep/sli.cpu)" 0
echo "ok: 40 ms sleep counted in 32-64ms"

# Reading 48 MiB through the page cache with memory.high at 8 MiB: the
# cgroup reclaims its own memory.
insmod $MODDIR/null_blk.ko nr_devices=1 gb=1 || fail "null_blk"
echo 8M > $CG/q/mem/memory.high
in_cgroup q/mem dd if=/dev/nullb0 of=/dev/null bs=1M count=48 2>/dev/null
grep -A8 '^memlat_memcg_direct_reclaim:' $S/q/mem/sli.memory
n=$(count memlat_memcg_direct_reclaim $S/q/mem/sli.hist)
[ "$n" -ge 1 ] || fail "no memcg reclaim counted under memory.high"
echo "ok: $n memcg direct reclaims under memory.high"

# Direct compaction: with free memory cut into one-page holes, pipes grown
# to 16 MiB need order-6 blocks of kernel memory that only compaction can
# assemble, in the task that asks (kcompactd's proactive compaction, which
# could assemble them first, is off meanwhile).
if dmesg | grep 'qmon: loaded' | tail -n 1 | grep -q 'compaction timed'; then
	echo 3 > /proc/sys/vm/drop_caches
	pro=$(cat /proc/sys/vm/compaction_proactiveness)
	echo 0 > /proc/sys/vm/compaction_proactiveness
	stalls() { awk '$1 == "compact_stall" { print $2 }' /proc/vmstat; }
	s0=$(stalls)
	grown=$(in_cgroup q/compact fragment 64 512)
	echo $pro > /proc/sys/vm/compaction_proactiveness
	grep -A8 '^memlat_direct_compact:' $S/q/compact/sli.memory
	n=$(count memlat_direct_compact $S/q/compact/sli.hist)
	echo "$grown pipes grown, compact_stall +$(($(stalls) - s0))"
	[ "$n" -ge 1 ] || fail "no direct compaction counted in q/compact"
	expect_eq "compactions in q/mem" "$(count memlat_direct_compact $S/q/mem/sli.hist)" 0
	echo "ok: $n direct compactions"
else
	echo "skip: direct compaction is not timed on this kernel"
fi

# Direct reads from a device that completes every request in 10 ms: each
# in the 8-16 ms bucket, none faster.
rmmod null_blk
insmod $MODDIR/null_blk.ko nr_devices=1 gb=1 irqmode=2 completion_nsec=10000000 ||
	fail "null_blk with a completion delay"
in_cgroup q/io dd if=/dev/nullb0 of=/dev/null bs=4k count=20 iflag=direct 2>/dev/null
cat $S/q/io/sli.io
expect_eq "reads" "$(count iolat_read $S/q/io/sli.hist)" 20
expect_eq "reads under 8 ms" "$(($(count iolat_read $S/q/io/sli.hist) - $(above iolat_read 8000 $S/q/io/sli.hist)))" 0
n=$(ms iolat_read 8-16ms $S/q/io/sli.io)
[ "$n" -ge 15 ] || fail "10 ms reads: 8-16ms bucket has $n of 20"
expect_eq "writes" "$(count iolat_write $S/q/io/sli.hist)" 0
echo "ok: 10 ms reads counted in 8-16ms"

# sli.max: the largest latency since the last reset, per series, in us.
# Reading leaves it; writing "reset" restarts it.
m=$(awk '$1 == "iolat_read" { print $2 }' $S/q/io/sli.max)
[ "$m" -ge 10000 ] || fail "sli.max iolat_read $m us, want >= 10000"
expect_eq "sli.max read again" "$(awk '$1 == "iolat_read" { print $2 }' $S/q/io/sli.max)" "$m"
write_expect_err $S/q/io/sli.max 0 "Invalid argument"
expect_eq "sli.max after a refused write" "$(awk '$1 == "iolat_read" { print $2 }' $S/q/io/sli.max)" "$m"
echo reset > $S/q/io/sli.max || fail "reset sli.max"
expect_eq "sli.max after reset" "$(awk '$1 == "iolat_read" { print $2 }' $S/q/io/sli.max)" 0
echo "ok: sli.max $m us, $m again, then 0 after reset"

# enabled=0 detaches the probes: nothing is counted; 1 attaches them again.
P=/sys/module/qmon/parameters/enabled
echo 0 > $P
before=$(count schedlat_sleep $S/q/sleep/sli.hist)
in_cgroup q/sleep sleep 0.01
expect_eq "sleeps counted while disabled" "$(count schedlat_sleep $S/q/sleep/sli.hist)" "$before"
echo 1 > $P
in_cgroup q/sleep sleep 0.01
after=$(count schedlat_sleep $S/q/sleep/sli.hist)
[ "$after" -gt "$before" ] || fail "enabled=1: sleeps $before -> $after"
echo "ok: enabled=0 stops counting, enabled=1 resumes"

# A cgroup made after loading is counted; a removed one's files go, its
# counts stay in its parent's (q/new/deep's in q/new's first).
mkdir -p $CG/q/new/deep
in_cgroup q/new/deep sleep 0.01
[ "$(count schedlat_sleep $S/q/new/deep/sli.hist)" -ge 1 ] || fail "new cgroup not counted"
before=$(count schedlat_sleep $S/q/sli.hist)
mid=$(count schedlat_sleep $S/q/new/sli.hist)
rmdir $CG/q/new/deep
sleep 0.3
expect_eq "q/new after q/new/deep went" "$(count schedlat_sleep $S/q/new/sli.hist)" "$mid"
rmdir $CG/q/new
[ -e $S/q/new/sli.cpu ] && fail "files of a removed cgroup"
# The entries are freed, and their counts moved, after a grace period.
for i in 1 2 3 4 5; do
	expect_eq "q after q/new went ($i)" "$(count schedlat_sleep $S/q/sli.hist)" "$before"
	sleep 0.1
done
echo "ok: new cgroups counted, removed ones' counts kept in q ($before sleeps)"

# Loaded, qmon pins cgroupfs; an open file pins qmon; unloading detaches.
rmmod cgroupfs 2>/dev/null && fail "cgroupfs unloaded under qmon"
exec 3< $S/q/sli.cpu
rmmod qmon 2>/dev/null && fail "qmon unloaded with a file open"
exec 3<&-
unload qmon
[ -e $S/sli.cpu ] && fail "sli.cpu left after unload"
echo "ok: unload"
rmmod null_blk
umount $V
for c in busy idle sleep mem compact io; do rmdir $CG/q/$c; done
rmdir $CG/q
