# SPDX-License-Identifier: GPL-2.0
# Unprivileged readers of the modules' files do not hold up cgroup changes:
# with 1,000 cgroups and a full event buffer, users listing cgroupfs's
# cgroup/ directory and reading the root's sli.* and rue.* files in tight
# loops leave the time to create a cgroup, move a task in,
# read its sli.max (as a monitoring agent does), move the task out and
# remove the cgroup close to what it is without them. Before, every read
# held qmon's table mutex across the sum of the whole tree, which the
# new cgroup's first read (and qmon's update of its table) waited for.
. /tests/lib.sh

# Under the debug kernel's checks, making 1,000 cgroups and the rounds
# alone take longer than a test may.
[ -e /sys/kernel/debug/kmemleak ] && skip "too slow on the debug kernel"
setup_cgroupfs
load qmon
load rue
S=$V/cgroup
mkdir -p $CG/r $CG/churn
i=0
while [ $i -lt 1000 ]; do
	mkdir $CG/r/c$i
	i=$((i + 1))
done
# Fill the event buffer (128 events) with latencies of tasks in those
# cgroups: each one's path is part of what a read of sli.events shows.
echo "schedlat_sleep_threshold=1000" > $S/r/sli.control || fail "set a threshold"
i=0
while [ $i -lt 140 ]; do
	in_cgroup r/c$i sleep 0.002
	i=$((i + 1))
done
n=$(grep -c '^time_ns=' $S/sli.events)
[ "$n" -ge 100 ] || fail "only $n events"
echo "ok: 1000 cgroups, $n events"

# ops: runs 60 rounds of cgroup changes on CPU 1 (create, move a task in,
# read the new cgroup's sli.max as a monitoring agent would, move it out,
# remove); prints the mean time of a round and the median wake-up latency
# before one, in us.
ops() {
	cgops $CG/churn 60 20 1 "$S/churn/ops%ld/sli.max" || fail "cgops"
}

set -- $(ops)
alone=$1 alone_wake=$2
rm -f /tmp/stop
# Readers on every CPU, one of them on the CPU of the changes: as the
# kernel is not preemptible, that one gives the CPU back only where it
# reschedules.
for k in 0 1 2 3; do
	runas -c $k 1000 sh -c "while [ ! -e /tmp/stop ]; do
		cat $S/sli.events $S/sli.hist $S/sli.cpu $S/rue.io.stat \
			$S/rue.memory.async_high $S/rue.memory.stat > /dev/null 2>&1
		ls $S > /dev/null 2>&1; done" &
done
sleep 1
seen=$(runas 1000 sh -c "cat $S/sli.events | grep -c '^time_ns='")
set -- $(ops)
busy=$1 busy_wake=$2
touch /tmp/stop
wait
ratio=$(awk -v a=$alone -v b=$busy 'BEGIN { printf "%.2f", b / a }')
echo "a round of cgroup changes: ${alone} us alone, ${busy} us beside user loops" \
	"listing cgroup/ and reading the root's files ($seen events a read shows): ratio $ratio;" \
	"median wake-up latency ${alone_wake} us alone, ${busy_wake} us beside them"
bound=4
awk -v r=$ratio -v b=$bound 'BEGIN { exit !(r < b) }' ||
	fail "users reading sli files slow cgroup changes ${ratio}x"
echo "ok: reader loops slow cgroup changes ${ratio}x (< $bound)"

unload rue
unload qmon
umount $V
i=0
while [ $i -lt 1000 ]; do
	rmdir $CG/r/c$i
	i=$((i + 1))
done
rmdir $CG/r $CG/churn
