# SPDX-License-Identifier: GPL-2.0
# rue priority OOM: three cgroups of priority 0 (the largest user), 3 and
# 7 hold memory; a global OOM kills in 7, the next one in 3 once 7 is
# empty, never in 0. With use_priority_oom=0 the kernel's own choice (the
# largest process) stands. Steering the kill leaves no oom_score_adj
# behind, not even in processes forked while it happens.
# timeout: 300
. /tests/lib.sh

# The test and its shells are never chosen; the hogs reset themselves to 0.
echo -1000 > /proc/self/oom_score_adj
setup_rue
mkdir -p $CG/o
enable_controllers o
mkdir -p $CG/o/p0 $CG/o/p3 $CG/o/p7
echo 3 > $S/o/p3/rue.priority
echo 7 > $S/o/p7/rue.priority
echo 1 > $P/memory_qos
echo 1 > $P/use_priority_oom

# Sizes in MiB as shares of what is available now.
avail=$(($(field /proc/meminfo MemAvailable) / 1024))
share() { echo $((avail * $1 / 100)); }
procs() { cat $CG/o/$1/cgroup.procs | wc -l; }
# hold CGROUP PERCENT: a hog in CGROUP holding that share, once it holds it.
hold() {
	in_cgroup o/$1 memhog $(share $2) hold &
	n=0
	while [ $(($(cat $CG/o/$1/memory.current) >> 20)) -lt $(($(share $2) * 9 / 10)) ]; do
		n=$((n + 1))
		[ $n -lt 300 ] || fail "hog in $1 never got its memory"
		sleep 0.1
	done
}
# oom CGROUP PERCENT: a short-lived hog there asking for that share.
oom() {
	in_cgroup o/$1 memhog $(share $2)
	sleep 1
	dmesg -c >> /tmp/oom.log
}
: > /tmp/oom.log
dmesg -c > /dev/null

hold p0 25
hold p3 15
hold p7 15
oom p0 50
expect_eq "processes in p7 after OOM 1" "$(procs p7)" 0
expect_eq "processes in p3 after OOM 1" "$(procs p3)" 1
expect_eq "processes in p0 after OOM 1" "$(procs p0)" 1
expect_eq "p7 prio_oom" "$(awk '$1 == "prio_oom" { print $2 }' $S/o/p7/rue.memory.stat)" 1
oom p0 65
expect_eq "processes in p3 after OOM 2" "$(procs p3)" 0
expect_eq "processes in p0 after OOM 2" "$(procs p0)" 1
echo "ok: OOM victims in 7, then 3, never in 0"

# Off: the kernel kills the largest process, here the new hog in p3.
echo 0 > $P/use_priority_oom
hold p7 15
oom p3 65
expect_eq "processes in p7 with use_priority_oom=0" "$(procs p7)" 1
expect_eq "processes in p0 with use_priority_oom=0" "$(procs p0)" 1
echo "ok: use_priority_oom=0 leaves the choice to the kernel"

# Beside p7's hog, a shell that forks a child living 3 s every 50 ms: the
# OOM kills the hog, and no process there, the children forked around the
# OOM included, has its oom_score_adj changed, then or later.
echo 1 > $P/use_priority_oom
in_cgroup o/p7 sh -c 'echo 0 > /proc/self/oom_score_adj
	while :; do sleep 3 & sleep 0.05; done' &
sleep 0.5
# (The shell's own read: hundreds of processes, no fork per process.)
adjs() {
	for p in $(cat $CG/o/p7/cgroup.procs); do
		read -r a 2>/dev/null < /proc/$p/oom_score_adj && echo "$a"
	done | sort -u | tr '\n' ' '
}
oom p0 65
n=$(procs p7)
expect_eq "oom_score_adj in p7 after OOM 3 ($n processes)" "$(adjs)" "0 "
for p in $(cat $CG/o/p7/cgroup.procs); do
	read -r c 2>/dev/null < /proc/$p/comm || continue
	[ "$c" != memhog ] || fail "the hog in p7 survived"
done
expect_eq "processes in p0 after OOM 3" "$(procs p0)" 1
sleep 2
expect_eq "oom_score_adj in p7 2 s later ($(procs p7) processes)" "$(adjs)" "0 "
kill_cgroup o/p7
echo "ok: the hog killed, no oom_score_adj changed"

grep -c "priority OOM: victim chosen" /tmp/oom.log | grep -qx 3 ||
	fail "priority OOM chose $(grep -c 'priority OOM: victim chosen' /tmp/oom.log) times, want 3"
grep -q "Out of memory: Killed process" /tmp/oom.log || fail "no OOM kill in the log"
# The OOM reports' stack dumps are expected; nothing else is.
grep -E "BUG:|WARNING:|KASAN|Oops" /tmp/oom.log && fail "kernel reports during the OOMs"
kill_cgroup o/p0
unload rue
umount $V
rmdir $CG/o/p0 $CG/o/p3 $CG/o/p7 $CG/o
