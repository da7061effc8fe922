# SPDX-License-Identifier: GPL-2.0
# rue: what its files refuse. The root cgroup keeps priority 0 (a priority
# there would reach every cgroup); an async ratio and distance whose low
# mark is 0; a latency target on a device the system does not have or on
# a partition. Writes follow cgroup files: an empty write changes nothing,
# one longer than a page fails with E2BIG. Refused writes change nothing.
. /tests/lib.sh

EINVAL="Invalid argument"

setup_rue
mkdir -p $CG/w
enable_controllers w
mkdir -p $CG/w/a

# The root keeps priority 0.
write_expect_err $S/rue.priority 7 "$EINVAL"
write_expect_err $S/rue.priority 1 "$EINVAL"
echo 0 > $S/rue.priority || fail "priority 0 on the root"
expect_eq "root priority" "$(cat $S/rue.priority)" 0
expect_eq "effective priority of w/a" "$(cat $S/w/a/rue.priority.effective)" 0
echo 7 > $S/w/rue.priority || fail "priority 7 below the root"
expect_eq "effective priority of w/a under w" "$(cat $S/w/a/rue.priority.effective)" 7

# Async reclaim: the low mark must stay above 0. With the default distance
# (5% of the limit) a ratio of 5% leaves nothing.
R=$S/w/a/rue.memory.async_ratio
F=$S/w/a/rue.memory.async_distance_factor
write_expect_err $R 5 "$EINVAL"
expect_eq "ratio after a refused 5" "$(cat $R)" 0
echo 6 > $R || fail "ratio 6"
write_expect_err $F 60000 "$EINVAL"
expect_eq "factor after a refused 60000" "$(cat $F)" 50000
echo 59999 > $F || fail "factor 59999 with ratio 6"
echo 0 > $R || fail "ratio 0"
echo 150000 > $F || fail "factor 150000 with async reclaim off"
write_expect_err $R 15 "$EINVAL"
echo 16 > $R || fail "ratio 16 with factor 150000"
expect_eq "pair" "$(cat $R) $(cat $F)" "16 150000"
echo 64M > $CG/w/a/memory.high
expect_eq "async_low" "$(cat $S/w/a/rue.memory.async_low)" $((64 * M * 16 / 100 - 64 * M * 15 / 100))

# Latency targets: only on whole disks the system has. A memory-backed
# null_blk device with one partition in its MBR.
insmod $MODDIR/null_blk.ko nr_devices=1 gb=1 memory_backed=1 || fail "null_blk"
DEV=$(cat /sys/block/nullb0/dev)
MAJ=${DEV%:*}
T=$S/w/a/rue.io.latency_target_us
echo "$DEV 1000" > $T || fail "target on $DEV"
write_expect_err $T "$MAJ:99 1000" "$EINVAL"
write_expect_err $T "4095:0 1000" "$EINVAL"
write_expect_err $T "$(printf 'default 7\n%s 1000' "$MAJ:99")" "$EINVAL"
echo "$MAJ:99 0" > $T || fail "removing the target of a device that is not there"
expect_eq "targets" "$(cat $T)" "$(printf 'default 0\n%s 1000' "$DEV")"
{
	dd if=/dev/zero bs=446 count=1 2>/dev/null
	# Boot flag, CHS, type 0x83, CHS, first sector 2048, 2048 sectors.
	printf '\000\000\000\000\203\000\000\000\000\010\000\000\000\010\000\000'
	dd if=/dev/zero bs=48 count=1 2>/dev/null
	printf '\125\252'
} > /tmp/mbr
dd if=/tmp/mbr of=/dev/nullb0 bs=512 count=1 conv=fsync 2>/dev/null || fail "writing the MBR"
blockdev --rereadpt /dev/nullb0 || fail "re-reading nullb0's partitions"
[ -r /sys/block/nullb0/nullb0p1/dev ] || fail "no partition nullb0p1"
PART=$(cat /sys/block/nullb0/nullb0p1/dev)
write_expect_err $T "$PART 1000" "$EINVAL"
expect_eq "targets after refused writes" "$(cat $T)" "$(printf 'default 0\n%s 1000' "$DEV")"
echo "$DEV 0" > $T

# An empty write changes nothing; one longer than a page fails with E2BIG
# (4096 zeros would be a valid 0 otherwise).
echo 3 > $S/w/a/rue.priority
expect_eq "empty write" "$(writes $S/w/a/rue.priority =)" 0
expect_eq "priority after an empty write" "$(cat $S/w/a/rue.priority)" 3
expect_eq "a page of zeros" "$(writes $S/w/a/rue.priority +4096)" 4096
expect_eq "priority after a page of zeros" "$(cat $S/w/a/rue.priority)" 0
echo 3 > $S/w/a/rue.priority
expect_eq "a page and a byte" "$(writes $S/w/a/rue.priority +4097)" "Argument list too long"
expect_eq "priority after a long write" "$(cat $S/w/a/rue.priority)" 3
# A value split across two writes: the first part is a value of its own,
# the rest is refused (it would be read as another value).
writes $S/w/a/rue.priority =1 =0 > /tmp/split.out
expect_eq "a value split across two writes" "$(tr '\n' ' ' < /tmp/split.out)" "1 Invalid argument "
expect_eq "priority after a split value" "$(cat $S/w/a/rue.priority)" 1
echo 3 > $S/w/a/rue.priority
expect_eq "long target write" "$(writes $T +5000)" "Argument list too long"
expect_eq "empty target write" "$(writes $T =)" 0
expect_eq "targets after empty and long writes" "$(cat $T)" "default 0"

unload rue
rmmod null_blk
umount $V
rmdir $CG/w/a $CG/w
