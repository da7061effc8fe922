# SPDX-License-Identifier: GPL-2.0
# rue priority reclaim: with memory_qos=1 and a reserve of 20% of RAM, a
# priority-7 cgroup streaming through 1.2G of page cache is reclaimed in
# the background while the working set of a priority-0 cgroup stays
# resident, and a priority-3 cgroup's is not touched while priority 7 has
# enough (t-83: when it has not). The page cache is a null_blk device's,
# clean and reclaimable.
# timeout: 300
. /tests/lib.sh

setup_rue
rue_pair p
mkdir $CG/p/mid
echo 3 > $S/p/mid/rue.priority
echo 20 > $P/prio_reclaim_ratio
echo 1 > $P/memory_qos

insmod $MODDIR/null_blk.ko nr_devices=1 gb=2 || fail "null_blk"
# The page cache of a block device lives while the device is open.
exec 3< /dev/nullb0
in_cgroup p/hi dd if=/dev/nullb0 of=/dev/null bs=1M count=100 2>/dev/null
hi=$(cat $CG/p/hi/memory.current)
[ "$hi" -gt $((90 * M)) ] || fail "working set of p/hi: $hi bytes"
in_cgroup p/mid dd if=/dev/nullb0 of=/dev/null bs=1M skip=100 count=50 2>/dev/null
in_cgroup p/lo dd if=/dev/nullb0 of=/dev/null bs=1M skip=200 count=1200 2>/dev/null
sleep 1
after=$(cat $CG/p/hi/memory.current)
lo=$(awk '$1 == "prio_reclaimed" { print $2 }' $S/p/lo/rue.memory.stat)
echo "p/hi $hi -> $after bytes; p/lo at $(cat $CG/p/lo/memory.current), prio_reclaimed $lo"
[ "$lo" -gt $((100 * M)) ] || fail "priority reclaim took $lo bytes from p/lo"
[ "$after" -ge $((hi * 9 / 10)) ] || fail "p/hi lost its working set: $hi -> $after"
taken() { awk '$1 == "prio_reclaimed" { print $2 }' $S/p/$1/rue.memory.stat; }
expect_eq "prio_reclaimed of p/hi" "$(taken hi)" 0
expect_eq "prio_reclaimed of p/mid while p/lo had enough" "$(taken mid)" 0
echo "ok: p/lo reclaimed first, p/hi and p/mid kept their pages"

echo 0 > $P/memory_qos
exec 3<&-
unload rue
rmmod null_blk
umount $V
rmdir $CG/p/hi $CG/p/mid $CG/p/lo $CG/p
