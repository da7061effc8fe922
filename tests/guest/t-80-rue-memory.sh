# SPDX-License-Identifier: GPL-2.0
# rue: per-cgroup priority with its effective value inherited from the
# ancestors, and asynchronous reclaim: with memory.high 64M and ratio 50
# the marks are 32M and 32M less the distance; a 60M read through the page
# cache is trimmed back under 32M in the background while memory_qos is 1,
# without memory.high throttling, and is left alone while it is 0. Bad
# values are refused and change nothing.
# The 60M is the page cache of a null_blk device, clean and reclaimable.
. /tests/lib.sh

EINVAL="Invalid argument"
ERANGE="Numerical result out of range"

setup_rue
mkdir -p $CG/r
enable_controllers r
mkdir -p $CG/r/a $CG/r/b

for f in rue.priority rue.priority.effective rue.memory.async_ratio \
	rue.memory.async_distance_factor rue.memory.async_high rue.memory.async_low \
	rue.memory.stat; do
	[ -r $S/r/a/$f ] || fail "no $f in r/a"
done

# Priorities: a child is never more important than its parent.
expect_eq "default priority" "$(cat $S/r/a/rue.priority)" 0
echo 3 > $S/r/rue.priority || fail "write priority 3"
echo 1 > $S/r/a/rue.priority || fail "write priority 1"
expect_eq "configured" "$(cat $S/r/a/rue.priority)" 1
expect_eq "effective: the parent's 3" "$(cat $S/r/a/rue.priority.effective)" 3
echo 7 > $S/r/b/rue.priority
expect_eq "effective: its own 7" "$(cat $S/r/b/rue.priority.effective)" 7
expect_eq "root effective" "$(cat $S/rue.priority.effective)" 0
for bad in 8 99999999999; do
	write_expect_err $S/r/a/rue.priority $bad "$ERANGE"
done
for bad in x -1 "" "1 2"; do
	write_expect_err $S/r/a/rue.priority "$bad" "$EINVAL"
done
expect_eq "unchanged" "$(cat $S/r/a/rue.priority)" 1
write_expect_err $S/r/a/rue.priority.effective 1 "Permission denied"
write_expect_err $S/r/a/rue.memory.async_ratio 101 "$ERANGE"
write_expect_err $S/r/a/rue.memory.async_distance_factor 0 "$ERANGE"
write_expect_err $S/r/a/rue.memory.async_distance_factor 150001 "$ERANGE"
write_expect_err $S/r/a/rue.memory.async_high 1 "Permission denied"
echo "ok: priorities and bad values"

# Marks: memory.high 64M, ratio 50, distance factor 50000 (5% of 64M).
expect_eq "async_high while off" "$(cat $S/r/a/rue.memory.async_high)" max
for c in a b; do
	echo 64M > $CG/r/$c/memory.high
	echo 50 > $S/r/$c/rue.memory.async_ratio || fail "ratio 50"
done
expect_eq "async_high" "$(cat $S/r/a/rue.memory.async_high)" $((32 * M))
expect_eq "async_low" "$(cat $S/r/a/rue.memory.async_low)" $((32 * M - 64 * M / 20))
expect_eq "default distance factor" "$(cat $S/r/a/rue.memory.async_distance_factor)" 50000
echo 100000 > $S/r/b/rue.memory.async_distance_factor
expect_eq "async_low with factor 100000" "$(cat $S/r/b/rue.memory.async_low)" $((32 * M - 64 * M / 10))

insmod $MODDIR/null_blk.ko nr_devices=1 gb=1 || fail "null_blk"
# The page cache of a block device lives while the device is open.
exec 3< /dev/nullb0
high_events() { awk '$1 == "high" { print $2 }' $CG/r/$1/memory.events; }

# memory_qos=0: nothing trims the cgroup.
expect_eq "memory_qos default" "$(cat $P/memory_qos)" 0
in_cgroup r/b dd if=/dev/nullb0 of=/dev/null bs=1M count=60 2>/dev/null
sleep 2
u=$(cat $CG/r/b/memory.current)
[ "$u" -gt $((40 * M)) ] || fail "memory_qos=0: r/b went down to $u by itself"
expect_eq "r/b async_reclaimed" "$(awk '$1 == "async_reclaimed" { print $2 }' $S/r/b/rue.memory.stat)" 0
echo "ok: memory_qos=0 leaves r/b at $u bytes"

# memory_qos=1: back under async_high in the background, no throttling.
# (Other blocks than r/b read: cached blocks stay charged to r/b.)
echo 1 > $P/memory_qos
in_cgroup r/a dd if=/dev/nullb0 of=/dev/null bs=1M skip=100 count=60 2>/dev/null
n=0
while [ "$(cat $CG/r/a/memory.current)" -gt $((32 * M)) ] && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
u=$(cat $CG/r/a/memory.current)
[ "$u" -le $((32 * M)) ] || fail "r/a at $u bytes, above async_high after 5 s"
expect_eq "memory.high events of r/a" "$(high_events a)" 0
r=$(awk '$1 == "async_reclaimed" { print $2 }' $S/r/a/rue.memory.stat)
[ "$r" -gt $((8 * M)) ] || fail "async_reclaimed $r"
echo "ok: r/a trimmed to $u bytes (async_reclaimed $r) without high events"
# ... and r/b, left above its mark, too.
sleep 2
u=$(cat $CG/r/b/memory.current)
[ "$u" -le $((32 * M)) ] || fail "r/b at $u bytes with memory_qos=1"

# Removed cgroups are forgotten; unloading frees the rest.
echo 0 > $P/memory_qos
rmdir $CG/r/b
sleep 1.5
unload rue
dmesg | grep -q 'rue: unloaded (2 cgroups with settings,' ||
	fail "settings left: $(dmesg | grep 'rue: unloaded')"
exec 3<&-
rmmod null_blk
umount $V
rmdir $CG/r/a $CG/r
