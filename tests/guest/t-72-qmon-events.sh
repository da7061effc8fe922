# SPDX-License-Identifier: GPL-2.0
# qmon thresholds: sli.control takes settings all or nothing, sli.monitor
# counts latencies over the threshold and wakes poll() every COUNT of them,
# sli.events keeps them with the task and its kernel stack, visible from
# the cgroup and its ancestors only.
. /tests/lib.sh

EINVAL="Invalid argument"
ERANGE="Numerical result out of range"

setup_cgroupfs
load qmon
S=$V/cgroup
mkdir -p $CG/t/w $CG/t/x

# setting SERIES FILE: the line of SERIES in sli.control.
setting() {
	grep "^$1_threshold=" "$2"
}

expect_eq "sli.control lines" "$(wc -l < $S/t/w/sli.control)" 9
expect_eq "default setting" "$(setting schedlat_sleep $S/t/w/sli.control)" \
	"schedlat_sleep_threshold=0 count=1"
# A threshold below 1000 us (other than 0, off) would capture a stack at
# nearly every context switch: refused.
for bad in "schedlat_sleep_threshold=abc" "bogus_threshold=5000" "schedlat_sleep=5000" \
	"schedlat_sleep_threshold=5000 count=x" "schedlat_sleep_threshold=5000 extra=1" "" \
	"schedlat_sleep_threshold=1" "schedlat_sleep_threshold=999 count=5" \
	"schedlat_wait_threshold=500"; do
	write_expect_err $S/t/w/sli.control "$bad" "$EINVAL"
done
for bad in "schedlat_sleep_threshold=5000 count=0" "schedlat_sleep_threshold=3600000001" \
	"schedlat_sleep_threshold=5000 count=1000001"; do
	write_expect_err $S/t/w/sli.control "$bad" "$ERANGE"
done
# A write with one bad line changes nothing.
write_expect_err $S/t/w/sli.control "$(printf 'schedlat_sleep_threshold=7000\nbogus\n')" "$EINVAL"
expect_eq "unchanged" "$(setting schedlat_sleep $S/t/w/sli.control)" \
	"schedlat_sleep_threshold=0 count=1"
echo "schedlat_sleep_threshold=1000" > $S/t/w/sli.control || fail "threshold at the floor"
expect_eq "floor" "$(setting schedlat_sleep $S/t/w/sli.control)" \
	"schedlat_sleep_threshold=1000 count=1"

printf 'schedlat_sleep_threshold=20000 count=2\nschedlat_wait_threshold=0\n' > $S/t/w/sli.control ||
	fail "write sli.control"
expect_eq "set" "$(setting schedlat_sleep $S/t/w/sli.control)" \
	"schedlat_sleep_threshold=20000 count=2"
expect_eq "other cgroups keep theirs" "$(setting schedlat_sleep $S/t/sli.control)" \
	"schedlat_sleep_threshold=0 count=1"

# Two sleeps of 50 ms cross a 20 ms threshold twice: one notification.
pollpri $S/t/w/sli.monitor 20000 > /tmp/poll.out &
poller=$!
sleep 0.3
in_cgroup t/w sleep 0.05
in_cgroup t/w sleep 0.05
wait $poller || fail "poll on sli.monitor: $(cat /tmp/poll.out)"
expect_eq "poll" "$(cat /tmp/poll.out)" event
n=$(awk '$1 == "schedlat_sleep" { print $2 }' $S/t/w/sli.monitor)
[ "$n" -ge 2 ] || fail "sli.monitor schedlat_sleep $n, want >= 2"
expect_eq "sli.monitor schedlat_wait" "$(awk '$1 == "schedlat_wait" { print $2 }' $S/t/w/sli.monitor)" 0
echo "ok: poll woke after 2 sleeps over the threshold"

# One more crossing does not complete a count of 2: no wakeup.
if [ $(($(awk '$1 == "schedlat_sleep" { print $2 }' $S/t/w/sli.monitor) % 2)) -eq 1 ]; then
	in_cgroup t/w sleep 0.05
	sleep 0.3
fi
pollpri $S/t/w/sli.monitor 1500 > /tmp/poll.out &
poller=$!
sleep 0.3
in_cgroup t/w sleep 0.05
wait $poller && fail "poll woke after a count was not reached"
expect_eq "poll" "$(cat /tmp/poll.out)" timeout

# The events, with task, cgroup and a kernel stack (root may see stacks).
cat $S/t/w/sli.events | head -n 12
grep -q '^time_ns=[0-9]* series=schedlat_sleep latency_us=[0-9]* cgroup=/t/w pid=[0-9]* comm=sleep$' \
	$S/t/w/sli.events || fail "no schedlat_sleep event of sleep in /t/w"
n=$(grep -c '^time_ns=' $S/t/w/sli.events)
[ "$n" -ge 3 ] || fail "$n events, want >= 3"
awk '/^time_ns=/ { split($3, l, "="); if (l[2] < 20000) bad = 1 } END { exit bad }' \
	$S/t/w/sli.events || fail "an event below the threshold"
grep -q '^	.*nanosleep' $S/t/w/sli.events || fail "no stack with nanosleep in the events"
expect_eq "events seen from the parent" "$(grep -c '^time_ns=' $S/t/sli.events)" "$n"
expect_eq "events seen from a sibling" "$(grep -c '^time_ns=' $S/t/x/sli.events)" 0
echo "ok: $n events with stacks, visible from /t/w and /t only"

# A threshold of 0 turns it off; counting restarts at each setting.
echo "schedlat_sleep_threshold=0" > $S/t/w/sli.control || fail "threshold 0"
in_cgroup t/w sleep 0.05
expect_eq "monitor after reset" "$(awk '$1 == "schedlat_sleep" { print $2 }' $S/t/w/sli.monitor)" 0
expect_eq "events after reset" "$(grep -c '^time_ns=' $S/t/w/sli.events)" "$n"

# Unloading with a poller waiting.
echo "schedlat_sleep_threshold=1000 count=1000000" > $S/t/w/sli.control
pollpri $S/t/w/sli.monitor 3000 > /dev/null &
poller=$!
sleep 0.3
rmmod qmon 2>/dev/null && fail "qmon unloaded under a poller"
wait $poller
unload qmon
umount $V
rmdir $CG/t/w $CG/t/x $CG/t
