# SPDX-License-Identifier: GPL-2.0
#
# qmon benchmark (run by bench.sh): what the probes cost on
# context-switch-heavy workloads, pipe ping-pong between two tasks on one
# CPU and a fan-out from one sender to 4 receivers, in a cgroup two levels
# deep, with qmon not loaded, loaded with enabled=0, and enabled. The three
# settings take turns over several rounds and each reports its median, so
# that drift of the machine hits all three alike. Prints "bench: " lines:
# a table, then the ratios against the targets (enabled at most 2% slower
# than not loaded, enabled=0 not measurably slower).

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
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
say "$(nproc) CPUs, $ROUNDS rounds, medians in ns: pingpong per round trip ($PINGS), fanout per message to 4 ($MSGS)"
say "workload   not-loaded  enabled=0  enabled  enabled=0/not-loaded  enabled/not-loaded"
for w in pp fo; do
	o=$(median /tmp/$w.off)
	d=$(median /tmp/$w.disabled)
	e=$(median /tmp/$w.enabled)
	name=pingpong
	[ $w = fo ] && name=fanout
	say "$(printf '%-10s %10s %10s %8s %21s %19s' $name $o $d $e $(ratio $d $o) $(ratio $e $o))"
done
say "targets: enabled/not-loaded <= 1.02, enabled=0/not-loaded ~ 1.00"
rmdir $CG/b/c $CG/b
