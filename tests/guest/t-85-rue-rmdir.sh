# SPDX-License-Identifier: GPL-2.0
# rue's async reclaim does not hold up the removal of the cgroup it
# reclaims from: with about 400 MiB of page cache above its high mark, the
# worker reclaims it through memory.reclaim in pieces of 16 MiB, and an
# rmdir made while it does so returns within about a piece, not when all
# is reclaimed. The time a piece takes is measured first (how long the
# cgroup takes to shrink by 32 MiB, halved). The page cache is a null_blk
# device's, clean and reclaimable.
. /tests/lib.sh

setup_rue
mkdir -p $CG/rm
enable_controllers rm
mkdir -p $CG/rm/x
insmod $MODDIR/null_blk.ko nr_devices=1 gb=1 || fail "null_blk"
# The page cache of a block device lives while the device is open.
exec 3< /dev/nullb0
in_cgroup rm/x dd if=/dev/nullb0 of=/dev/null bs=1M count=450 2>/dev/null
before=$(cat $CG/rm/x/memory.current)
[ "$before" -gt $((380 * M)) ] || fail "page cache of rm/x: $before bytes"
echo 550M > $CG/rm/x/memory.high
echo 1 > $P/memory_qos
# High mark 55M, low mark 27.5M: about 400M to reclaim.
echo 10 > $S/rm/x/rue.memory.async_ratio
now_ms() {
	read -r u _ < /proc/uptime
	# Seconds with two decimals: centiseconds without the point.
	echo $((${u%.*}${u#*.} * 10))
}
# wait_below BYTES: until rm/x holds at most that much.
wait_below() {
	n=0
	while [ "$(cat $CG/rm/x/memory.current)" -gt "$1" ]; do
		n=$((n + 1))
		[ $n -lt 3000 ] || fail "the worker never reclaimed rm/x below $1"
	done
}
wait_below $((before - 16 * M))
t0=$(now_ms)
wait_below $((before - 48 * M))
t1=$(now_ms)
piece=$(((t1 - t0) / 2))
t2=$(now_ms)
rmdir $CG/rm/x || fail "rmdir rm/x"
t3=$(now_ms)
ms=$((t3 - t2))
echo "rmdir took $ms ms; 16 MiB took $piece ms to reclaim (page cache $before bytes)"
[ "$ms" -le $((3 * piece + 100)) ] ||
	fail "rmdir of rm/x took $ms ms while rue reclaimed, 16 MiB take $piece ms"
echo "ok: rmdir of rm/x took $ms ms"

echo 0 > $P/memory_qos
exec 3<&-
unload rue
rmmod null_blk
umount $V
rmdir $CG/rm
