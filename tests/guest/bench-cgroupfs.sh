# SPDX-License-Identifier: GPL-2.0
#
# cgroupfs benchmark (run by bench.sh): mean and p99 time of open + read + close of
# proc/meminfo, proc/stat and proc/cpuinfo through the host's /proc,
# through cgroupfs and through LXCFS (when the image has it), with 1 and 4
# concurrent readers in a container cgroup, with 1000 cgroups present.
# Prints "bench: " lines: a table, then the ratios against the targets
# (cgroupfs within 1.5x of /proc, LXCFS at least 20x slower than cgroupfs),
# and each file once more without the statistics cache (stat_cache_ms=0).

. /tests/lib.sh
ITER=${BENCH_ITER:-2000}
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
	n=0
	while [ ! -r /var/lib/lxcfs/proc/meminfo ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -r /var/lib/lxcfs/proc/meminfo ] && lx=/var/lib/lxcfs/proc
fi
[ -n "$lx" ] || say "LXCFS not available in this image: its columns are empty"

say "$(nproc) CPUs, 1000 cgroups, $ITER rounds per reader, times in microseconds"
say "file      readers  proc:mean   p99  cgroupfs:mean   p99  lxcfs:mean    p99  cgroupfs/proc  lxcfs/cgroupfs"
us() { echo "$1" | awk '{printf "%.1f", $1 / 1000}'; }
for f in meminfo stat cpuinfo; do
	for r in 1 4; do
		p=$(in_cgroup ctr readbench /proc/$f $ITER $r) || { say "FAIL /proc/$f"; continue; }
		c=$(in_cgroup ctr readbench $V/proc/$f $ITER $r) || { say "FAIL cgroupfs $f"; continue; }
		l="0 0"
		[ -n "$lx" ] && l=$(in_cgroup ctr readbench $lx/$f $((ITER / 10)) $r)
		set -- $p $c $l
		say "$(printf '%-9s %7s %10s %5s %14s %5s %11s %6s %14s %15s' $f $r \
			$(us $1) $(us $2) $(us $4) $(us $5) $(us $7) $(us $8) \
			$(awk -v c=$4 -v p=$1 'BEGIN {printf "%.2f", c / p}') \
			$(awk -v l=$7 -v c=$4 'BEGIN { if (l > 0) printf "%.1f", l / c; else print "-" }'))"
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
