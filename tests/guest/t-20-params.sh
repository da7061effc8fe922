# SPDX-License-Identifier: GPL-2.0
# Module parameters: defaults, valid writes read back, bad writes refused
# with the right errno and no change; values given to insmod are applied.
. /tests/lib.sh

EINVAL="Invalid argument"
ERANGE="Numerical result out of range"

load cgroupfs
load qmon
load rue
P=/sys/module

expect_eq "cgroupfs.enabled default" "$(cat $P/cgroupfs/parameters/enabled)" 1
expect_eq "cgroupfs.stat_cache_ms default" "$(cat $P/cgroupfs/parameters/stat_cache_ms)" 50
expect_eq "qmon.enabled default" "$(cat $P/qmon/parameters/enabled)" 1
expect_eq "rue.memory_qos default" "$(cat $P/rue/parameters/memory_qos)" 0
expect_eq "rue.use_priority_oom default" "$(cat $P/rue/parameters/use_priority_oom)" 0
expect_eq "rue.prio_reclaim_ratio default" "$(cat $P/rue/parameters/prio_reclaim_ratio)" 5
expect_eq "rue.highest_reclaim_prio default" "$(cat $P/rue/parameters/highest_reclaim_prio)" 1
expect_eq "rue.io_qos default" "$(cat $P/rue/parameters/io_qos)" 0

for f in cgroupfs/parameters/enabled qmon/parameters/enabled \
	rue/parameters/memory_qos rue/parameters/use_priority_oom rue/parameters/io_qos; do
	before=$(cat $P/$f)
	for bad in 2 -1 yes2 "" "1 1" 0x1; do
		write_expect_err $P/$f "$bad" "$EINVAL"
	done
	expect_eq "$f unchanged" "$(cat $P/$f)" "$before"
	echo off > $P/$f || fail "write off to $f"
	expect_eq "$f after off" "$(cat $P/$f)" 0
	echo y > $P/$f || fail "write y to $f"
	expect_eq "$f after y" "$(cat $P/$f)" 1
done

f=rue/parameters/prio_reclaim_ratio
echo 20 > $P/$f || fail "write 20"
expect_eq "$f = 20" "$(cat $P/$f)" 20
write_expect_err $P/$f 0 "$ERANGE"
write_expect_err $P/$f 21 "$ERANGE"
write_expect_err $P/$f 99999999999999999999 "$ERANGE"
write_expect_err $P/$f abc "$EINVAL"
write_expect_err $P/$f -3 "$EINVAL"
expect_eq "$f unchanged" "$(cat $P/$f)" 20

f=cgroupfs/parameters/stat_cache_ms
echo 1000 > $P/$f || fail "write 1000"
write_expect_err $P/$f 1001 "$ERANGE"
write_expect_err $P/$f -1 "$EINVAL"
write_expect_err $P/$f 5ms "$EINVAL"
expect_eq "$f unchanged" "$(cat $P/$f)" 1000
echo 0 > $P/$f || fail "write 0"
expect_eq "$f = 0" "$(cat $P/$f)" 0
echo 50 > $P/$f

f=rue/parameters/highest_reclaim_prio
echo 8 > $P/$f || fail "write 8"
write_expect_err $P/$f 9 "$ERANGE"
write_expect_err $P/$f 0 "$ERANGE"
expect_eq "$f unchanged" "$(cat $P/$f)" 8

unload rue
# insmod arguments go through the same parser.
load rue prio_reclaim_ratio=7 io_qos=1
expect_eq "insmod prio_reclaim_ratio=7" "$(cat $P/rue/parameters/prio_reclaim_ratio)" 7
expect_eq "insmod io_qos=1" "$(cat $P/rue/parameters/io_qos)" 1
unload rue
insmod $MODDIR/rue.ko prio_reclaim_ratio=50 2>/dev/null && fail "insmod with an out-of-range value loaded"
[ ! -d $P/rue ] || fail "rue half-loaded"
echo "ok: insmod with prio_reclaim_ratio=50 refused"
