# SPDX-License-Identifier: GPL-2.0
# rue's async reclaim does not hold up the removal of the cgroup it
# reclaims from: with 565 MiB of page cache above its high mark, the
# worker reclaims it through memory.reclaim in pieces, and an rmdir made
# while it does so returns within a piece (40 ms on x86_64 under TCG),
# not when all is reclaimed (one write of it all: 320 ms for 375 MiB).
# The page cache is a null_blk device's, clean and reclaimable.
. /tests/lib.sh

setup_rue
mkdir -p $CG/rm
enable_controllers rm
mkdir -p $CG/rm/x
insmod $MODDIR/null_blk.ko nr_devices=1 gb=1 || fail "null_blk"
# The page cache of a block device lives while the device is open.
exec 3< /dev/nullb0
in_cgroup rm/x dd if=/dev/nullb0 of=/dev/null bs=1M count=600 2>/dev/null
before=$(cat $CG/rm/x/memory.current)
[ "$before" -gt $((570 * M)) ] || fail "page cache of rm/x: $before bytes"
echo 700M > $CG/rm/x/memory.high
echo 1 > $P/memory_qos
# High mark 70M, low mark 35M: about 565M to reclaim.
echo 10 > $S/rm/x/rue.memory.async_ratio
n=0
while [ "$(cat $CG/rm/x/memory.current)" -gt $((before - 16 * M)) ]; do
	n=$((n + 1))
	[ $n -lt 1000 ] || fail "the worker never reclaimed from rm/x"
done
t0=$(awk '{ print $1 }' /proc/uptime)
rmdir $CG/rm/x || fail "rmdir rm/x"
t1=$(awk '{ print $1 }' /proc/uptime)
ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')
echo "rmdir took $ms ms (page cache $before bytes)"
[ "$ms" -le 200 ] || fail "rmdir of rm/x took $ms ms while rue reclaimed"
echo "ok: rmdir of rm/x took $ms ms"

echo 0 > $P/memory_qos
exec 3<&-
unload rue
rmmod null_blk
umount $V
rmdir $CG/rm
