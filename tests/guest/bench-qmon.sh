# SPDX-License-Identifier: GPL-2.0
#
# qmon benchmark (run by bench.sh): what the probes cost on
# context-switch-heavy workloads, pipe ping-pong between two tasks on one
# CPU and a fan-out from one sender to 4 receivers, in a cgroup two levels
# deep, with qmon not loaded, loaded with enabled=0, and enabled. The three
# settings take turns over several rounds and each reports its median, so
# that drift of the machine hits all three alike. Prints "bench: " lines:
# a table of medians, then per round the ratios of the times against not
# loaded (median and spread over rounds) and the targets (enabled at most
# 2% slower than not loaded, enabled=0 not measurably slower). Then the
# time a read of sli.hist takes, at a leaf and at the root, with 1,000
# more cgroups.

. /tests/lib.sh
ROUNDS=${BENCH_ROUNDS:-7}
PINGS=${BENCH_PINGS:-20000}
MSGS=${BENCH_MSGS:-5000}
say() { echo "bench: $*"; }

load cgroupfs
enable_controllers ""
mkdir -p $CG/b
enable_controllers b
mkdir -p $CG/b/c

# setting NAME: load qmon as the setting says.
setting() {
	[ -d /sys/module/qmon ] && rmmod qmon
	case $1 in
	off) ;;
	disabled) load qmon enabled=0 ;;
	enabled) load qmon ;;
	esac
}

for s in off disabled enabled; do
	: > /tmp/pp.$s
	: > /tmp/fo.$s
done
r=0
while [ $r -lt $ROUNDS ]; do
	for s in off disabled enabled; do
		setting $s
		in_cgroup b/c schedbench pingpong $PINGS >> /tmp/pp.$s || say "FAIL pingpong $s"
		in_cgroup b/c schedbench fanout 4 $MSGS >> /tmp/fo.$s || say "FAIL fanout $s"
	done
	r=$((r + 1))
done
setting off

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# ratios A B: per round, A's time over B's (taken minutes apart at most, so
# that slow drift of the machine cancels); prints "median min max".
ratios() {
	paste "$1" "$2" | awk '{ print $1 / $2 }' | sort -n |
		awk '{ v[NR] = $1 } END { printf "%.3f %.3f %.3f", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
if grep -q 'rfl.icount=' /proc/cmdline; then
	say "under instruction counting: guest time counts instructions executed (2^$(sed 's/.*rfl.icount=\([0-9]*\).*/\1/' /proc/cmdline) ns each)"
else
	say "under emulation: guest time follows the host's emulation speed"
fi
say "$(nproc) CPUs, $ROUNDS rounds, medians in ns: pingpong per round trip ($PINGS), fanout per message to 4 ($MSGS)"
say "workload   not-loaded  enabled=0  enabled"
for w in pp fo; do
	name=pingpong
	[ $w = fo ] && name=fanout
	say "$(printf '%-10s %10s %10s %8s' $name $(median /tmp/$w.off) $(median /tmp/$w.disabled) $(median /tmp/$w.enabled))"
done
say "ratios of each round's times, median (min-max over rounds):"
say "workload   enabled=0/not-loaded    enabled/not-loaded"
for w in pp fo; do
	name=pingpong
	[ $w = fo ] && name=fanout
	set -- $(ratios /tmp/$w.disabled /tmp/$w.off) $(ratios /tmp/$w.enabled /tmp/$w.off)
	say "$(printf '%-10s %7s (%s-%s) %11s (%s-%s)' $name $1 $2 $3 $4 $5 $6)"
done
say "targets: enabled/not-loaded <= 1.02, enabled=0/not-loaded ~ 1.00"

# What reads cost: a read sums the histograms of the cgroup's subtree, so
# it grows with the cgroups below the one read, not with all of them.
NCG=${BENCH_CGROUPS:-1000}
mkdir -p $V
mount -t cgroupfs cgroupfs $V
load qmon
i=0
while [ $i -lt $NCG ]; do
	mkdir $CG/b/n$i
	i=$((i + 1))
done
# readbench prints "mean_ns p99_ns rounds".
leaf=$(readbench $V/cgroup/b/c/sli.hist 50 1)
top=$(readbench $V/cgroup/sli.hist 50 1)
say "sli.hist read with $NCG sibling cgroups, mean us: leaf $((${leaf%% *} / 1000)), root $((${top%% *} / 1000))"
rmmod qmon
umount $V
i=0
while [ $i -lt $NCG ]; do
	rmdir $CG/b/n$i
	i=$((i + 1))
done
rmdir $CG/b/c $CG/b
