# SPDX-License-Identifier: GPL-2.0
# rue IO controller: its table of (cgroup, device) slots does not fill up
# for good. After 300 cgroups that stay did one read each, a cgroup that
# reads later is still counted in rue.io.stat, which shows the completions
# no slot could count (lost=). And what rue wrote to a cgroup goes back to
# that cgroup only: when a priority-7 cgroup with the idle IO class is
# removed and another made under its name, the new one keeps its own
# class.
. /tests/lib.sh

setup_rue
mkdir -p $CG/sl
enable_controllers sl
mkdir -p $CG/sl/t $CG/sl/p $CG/sl/x
enable_controllers sl/t
insmod $MODDIR/null_blk.ko nr_devices=1 gb=4 || fail "null_blk"
DEV=$(cat /sys/block/nullb0/dev)
echo 1 > $P/io_qos

# The removed cgroup's class is not put back on its namesake: switching
# io_qos off right after puts back what rue wrote.
echo 7 > $S/sl/x/rue.priority
echo restrict-to-be > $CG/sl/x/io.prio.class
n=0
while [ "$(cat $CG/sl/x/io.prio.class)" != idle ]; do
	n=$((n + 1))
	[ $n -lt 100 ] || fail "sl/x never got the idle class: $(cat $CG/sl/x/io.prio.class)"
	in_cgroup sl/x dd if=/dev/nullb0 of=/dev/null bs=4k count=64 skip=$((n * 64)) 2>/dev/null
	sleep 0.1
done
rmdir $CG/sl/x && mkdir $CG/sl/x && echo 0 > $P/io_qos || fail "remaking sl/x"
sleep 1
expect_eq "class of the new sl/x" "$(cat $CG/sl/x/io.prio.class)" no-change
echo 1 > $P/io_qos

# 300 cgroups, one read each (a 4 KiB block 256 KiB from the last, each
# a request of its own), all staying.
for i in $(seq 1 300); do
	mkdir $CG/sl/t/c$i
	echo $$ > $CG/sl/t/c$i/cgroup.procs
	dd if=/dev/nullb0 of=/dev/null bs=4k count=1 skip=$((4096 + i * 64)) 2>/dev/null
done
echo $$ > $CG/cgroup.procs
echo "after 300 cgroups: $(cat $S/sl/t/rue.io.stat)"

# A cgroup reading now is counted, within a few windows.
rios() { awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^rios=/) print substr($i, 6) }' $S/sl/p/rue.io.stat; }
n=0
while [ -z "$(rios)" ] || [ "$(rios)" -eq 0 ]; do
	n=$((n + 1))
	[ $n -lt 10 ] || fail "sl/p never counted: rue.io.stat '$(cat $S/sl/p/rue.io.stat)'"
	in_cgroup sl/p dd if=/dev/nullb0 of=/dev/null bs=4k count=256 skip=$((200000 + n * 1024)) 2>/dev/null
	sleep 0.5
done
stat=$(cat $S/sl/p/rue.io.stat)
echo "sl/p: $stat"
case $stat in "$DEV "*" lost="[0-9]*) ;; *) fail "no lost= in rue.io.stat: '$stat'" ;; esac
echo "ok: sl/p counted after $n reads"

echo 0 > $P/io_qos
unload rue
rmmod null_blk
umount $V
for i in $(seq 1 300); do rmdir $CG/sl/t/c$i; done
rmdir $CG/sl/t $CG/sl/p $CG/sl/x $CG/sl
