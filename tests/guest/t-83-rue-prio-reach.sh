# SPDX-License-Identifier: GPL-2.0
# rue priority reclaim's reach: with memory_qos=1 and a reserve of 20% of
# RAM, when the priority-7 cgroup holds only memory it cannot give (a file
# in the guest's RAM-backed root, no swap), priority reclaim widens its
# reach to the priority-3 cgroup whose page cache takes free memory under
# the reserve, and never to priority 0.
. /tests/lib.sh

setup_rue
rue_pair r
mkdir $CG/r/mid
echo 3 > $S/r/mid/rue.priority
echo 20 > $P/prio_reclaim_ratio

insmod $MODDIR/null_blk.ko nr_devices=1 gb=2 || fail "null_blk"
exec 3< /dev/nullb0
in_cgroup r/hi dd if=/dev/nullb0 of=/dev/null bs=1M count=50 2>/dev/null
in_cgroup r/lo dd if=/dev/zero of=/tmp/rue-held bs=1M count=300 2>/dev/null
held=$(cat $CG/r/lo/memory.current)
[ "$held" -ge $((300 * M)) ] || fail "r/lo holds $held bytes"
echo 1 > $P/memory_qos
# r/mid reads until free memory is 100M, half the reserve.
n=$(($(field /proc/meminfo MemFree) / 1024 - 100))
in_cgroup r/mid dd if=/dev/nullb0 of=/dev/null bs=1M skip=100 count=$n 2>/dev/null
sleep 1
taken() { awk '$1 == "prio_reclaimed" { print $2 }' $S/r/$1/rue.memory.stat; }
echo "r/mid read $n MiB, prio_reclaimed $(taken mid); r/lo at $(cat $CG/r/lo/memory.current)"
[ "$(taken mid)" -gt 0 ] || fail "priority reclaim never reached r/mid"
expect_eq "prio_reclaimed of r/hi" "$(taken hi)" 0
[ "$(cat $CG/r/lo/memory.current)" -ge $((300 * M)) ] || fail "r/lo lost what it held"
echo "ok: the reach widened to priority 3 once priority 7 had nothing left"

echo 0 > $P/memory_qos
rm /tmp/rue-held
exec 3<&-
unload rue
rmmod null_blk
umount $V
rmdir $CG/r/hi $CG/r/mid $CG/r/lo $CG/r
