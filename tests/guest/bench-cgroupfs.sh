# SPDX-License-Identifier: GPL-2.0
#
# cgroupfs benchmark (run by bench.sh): mean time of open + read + close of
# proc/meminfo, proc/stat and proc/cpuinfo through the host's /proc,
# through cgroupfs and through LXCFS (when the image has it), with 1 and 4
# concurrent readers in a container cgroup, with 1000 cgroups present, in
# interleaved rounds. Prints "bench: " lines: a table of medians with the
# spread of the per-round ratios, then the targets
# (cgroupfs within 1.5x of /proc, LXCFS at least 20x slower than cgroupfs),
# and each file once more without the statistics cache (stat_cache_ms=0).

. /tests/lib.sh
ITER=${BENCH_ITER:-500}
ROUNDS=${BENCH_ROUNDS:-7}
say() { echo "bench: $*"; }

setup_cgroupfs
i=0
while [ $i -lt 1000 ]; do
	mkdir $CG/many$i
	i=$((i + 1))
done
mkdir -p $CG/ctr
echo 256M > $CG/ctr/memory.max
echo 0-1 > $CG/ctr/cpuset.cpus

lx=
if [ -x /usr/bin/lxcfs ]; then
	lxcfs /var/lib/lxcfs > /tmp/lxcfs.log 2>&1 &
	lxpid=$!
	n=0
	while [ ! -r /var/lib/lxcfs/proc/meminfo ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -r /var/lib/lxcfs/proc/meminfo ] && lx=/var/lib/lxcfs/proc
fi
[ -n "$lx" ] || say "LXCFS not available in this image: its columns are empty"

# Sources take turns within each round, and every figure is the median of
# the rounds' means with its spread, so that drift of the machine hits all
# alike; the first round warms caches and is not counted. Under instruction
# counting (make bench runs this a second time so) guest time counts
# instructions executed and the ratios are steady to about a percent.
if grep -q 'rfl.icount=' /proc/cmdline; then
	say "under instruction counting: guest time counts instructions executed"
else
	say "under emulation: guest time follows the host's emulation speed"
fi
say "$(nproc) CPUs, 1000 cgroups, $ROUNDS rounds (+1 warm-up) of $ITER reads per reader, times in microseconds"
us() { echo "$1" | awk '{printf "%.1f", $1 / 1000}'; }
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# ratios A B: per round, A's mean over B's; prints "median min max".
ratios() {
	paste "$1" "$2" | awk '{ print $1 / $2 }' | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.2f %.2f %.2f", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
for f in meminfo stat cpuinfo; do
	for r in 1 4; do
		: > /tmp/b.$f.$r.proc
		: > /tmp/b.$f.$r.cgfs
		: > /tmp/b.$f.$r.lx
	done
done
round=0
while [ $round -le $ROUNDS ]; do
	for f in meminfo stat cpuinfo; do
		for r in 1 4; do
			p=$(in_cgroup ctr readbench /proc/$f $ITER $r) || say "FAIL /proc/$f"
			c=$(in_cgroup ctr readbench $V/proc/$f $ITER $r) || say "FAIL cgroupfs $f"
			l=
			[ -n "$lx" ] && l=$(in_cgroup ctr readbench $lx/$f $((ITER / 10)) $r)
			[ $round -gt 0 ] || continue
			echo "${p%% *}" >> /tmp/b.$f.$r.proc
			echo "${c%% *}" >> /tmp/b.$f.$r.cgfs
			[ -z "$l" ] || echo "${l%% *}" >> /tmp/b.$f.$r.lx
		done
	done
	round=$((round + 1))
done
say "medians of the rounds' means, and of the per-round ratios (min-max):"
say "file      readers   proc  cgroupfs   lxcfs  cgroupfs/proc      lxcfs/cgroupfs"
for f in meminfo stat cpuinfo; do
	for r in 1 4; do
		b=/tmp/b.$f.$r
		lxm=-
		lxr="-"
		if [ -s $b.lx ]; then
			lxm=$(us $(median $b.lx))
			set -- $(ratios $b.lx $b.cgfs)
			lxr="$1 ($2-$3)"
		fi
		set -- $(ratios $b.cgfs $b.proc)
		say "$(printf '%-9s %7s %6s %9s %7s %6s (%s-%s) %16s' $f $r \
			$(us $(median $b.proc)) $(us $(median $b.cgfs)) "$lxm" $1 $2 $3 "$lxr")"
	done
done
# Without the statistics cache every read also reads the cgroup's files
# (memory.stat, cpu.stat, cpuset.cpus.effective, cpu.max) and the host's
# file: what an occasional reader pays.
P=/sys/module/cgroupfs/parameters/stat_cache_ms
cache=$(cat $P)
echo 0 > $P
for f in meminfo stat cpuinfo; do
	p=$(in_cgroup ctr readbench /proc/$f $ITER 1)
	c=$(in_cgroup ctr readbench $V/proc/$f $ITER 1)
	say "$f, 1 reader, stat_cache_ms=0: proc $(us ${p%% *}) us, cgroupfs $(us ${c%% *}) us, cgroupfs/proc $(awk -v c=${c%% *} -v p=${p%% *} 'BEGIN {printf "%.2f", c / p}')"
done
echo "$cache" > $P
ms=$(in_cgroup ctr readbench $CG/ctr/memory.stat $ITER 1)
say "for reference: memory.stat of the cgroup, read from cgroup2: mean $(us ${ms%% *}) us"
say "targets: cgroupfs/proc <= 1.5, lxcfs/cgroupfs >= 20 (mean times)"

# LXCFS keeps a mount namespace of its own, with a copy of the cgroupfs
# mount that would keep cgroupfs loaded for the next benchmark; the
# cgroups made here would weigh on the next benchmarks' walks.
if [ -n "$lxpid" ]; then
	kill $lxpid
	wait $lxpid
	umount /var/lib/lxcfs 2>/dev/null
fi
i=0
while [ $i -lt 1000 ]; do
	rmdir $CG/many$i
	i=$((i + 1))
done
rmdir $CG/ctr
