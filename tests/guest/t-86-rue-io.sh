# SPDX-License-Identifier: GPL-2.0
# rue IO controller: on a null_blk device limited to 40 MiB/s with a
# 0.5 ms completion delay and no IO scheduler, a priority-7 cgroup writes
# with 16 tasks while a priority-0 cgroup does 4 KiB random direct reads
# with a 20 ms target. With io_qos=1 the reads meet their target (p99) and
# the writer is throttled through its io.max; with the reader idle the
# writer is let go; io_qos=0 and unloading put io.max and io.prio.class
# back byte for byte; bad target writes change nothing.
. /tests/lib.sh

setup_rue
rue_pair io

# nullb1..nullb8 only take targets.
insmod $MODDIR/null_blk.ko nr_devices=9 gb=1 irqmode=2 completion_nsec=500000 \
	mbps=40 no_sched=1 || fail "null_blk"
DEV=$(cat /sys/block/nullb0/dev)
T=$S/io/hi/rue.io.latency_target_us

# Bad input changes nothing.
expect_eq "no target" "$(cat $T)" "default 0"
write_expect_err $T "fast" "Invalid argument"
write_expect_err $T "default" "Invalid argument"
write_expect_err $T "default 10000001" "Numerical result out of range"
write_expect_err $T "0:0 100" "Invalid argument"
write_expect_err $T "8:0 100 7" "Invalid argument"
nb() { cat /sys/block/nullb$1/dev; }
for i in 1 2 3 4 5 6 7 8; do echo "$(nb $i) 100" > $T || fail "target $i"; done
write_expect_err $T "$DEV 100" "No space left on device"
printf 'default 5\n%s x\n' "$(nb 1)" > $T 2>/dev/null && fail "half-bad write accepted"
expect_eq "targets after bad writes" "$(head -2 $T)" "$(printf 'default 0\n%s 100' "$(nb 1)")"
for i in 1 2 3 4 5 6 7 8; do echo "$(nb $i) 0" > $T; done
expect_eq "targets removed" "$(cat $T)" "default 0"

# A limit of the user's own, above the device's speed, and the class.
echo "$DEV wbps=$((512 * M))" > $CG/io/lo/io.max
before=$(cat $CG/io/lo/io.max $CG/io/lo/io.prio.class)
echo "io.max and io.prio.class of io/lo: $before"

reader() { in_cgroup io/hi iobench read /dev/nullb0 "$1"; }
writer() { in_cgroup io/lo iobench write /dev/nullb0 "$1" 16 256; }
p99() { echo "$1" | awk '{ print $3 }'; }

alone=$(reader 3)
wr_alone=$(writer 3)
echo "alone: reads (count p50 p99 max us) $alone; writer $((wr_alone / 1024)) KiB/s"
writer 5 > /tmp/wr.out &
sleep 1
noqos=$(reader 3)
wait
echo "beside the writer, no QoS: reads $noqos; writer $(($(cat /tmp/wr.out) / 1024)) KiB/s"
[ "$(p99 "$noqos")" -gt 20000 ] ||
	skip "the writer does not slow the reads past the target here"

echo "$DEV 20000" > $T || fail "set the target"
echo 1 > $P/io_qos
writer 10 > /tmp/wr.out &
sleep 3
qos=$(reader 6)
limited=$(cat $CG/io/lo/io.max)
class=$(cat $CG/io/lo/io.prio.class)
wait
wr_qos=$(cat /tmp/wr.out)
echo "with rue: reads $qos; writer $((wr_qos / 1024)) KiB/s; io.max of io/lo: $limited"
cat $S/io/hi/rue.io.stat $S/io/lo/rue.io.stat
[ "$(p99 "$qos")" -le 20000 ] || fail "p99 of the reads $(p99 "$qos") us over the 20 ms target"
case $limited in *"$DEV rbps="*) ;; *) fail "io/lo not throttled: io.max '$limited'" ;; esac
expect_eq "class of the priority-7 cgroup" "$class" "idle"
ms=$(awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^throttled_ms=/) print substr($i, 14) }' $S/io/lo/rue.io.stat)
[ "$ms" -gt 1000 ] || fail "io/lo throttled for $ms ms"
missed=$(awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^missed=/) print substr($i, 8) }' $S/io/hi/rue.io.stat)
[ "$missed" -ge 1 ] || fail "no missed window counted for io/hi"

# The reader goes idle: the writer is let go within a few seconds.
writer 12 > /tmp/wr.out &
sleep 1
reader 3 > /dev/null
n=0
while [ "$(cat $CG/io/lo/io.max)" != "$(echo "$before" | head -1)" ]; do
	n=$((n + 1))
	[ $n -lt 60 ] || fail "io/lo still throttled 6 s after the reads stopped: $(cat $CG/io/lo/io.max)"
	sleep 0.1
done
echo "ok: io/lo let go $((n / 10)).$((n % 10)) s after the reads stopped"
wait

# io_qos=0 while throttling puts everything back byte for byte.
writer 8 > /dev/null &
sleep 1
reader 3 > /dev/null
grep -q "$DEV rbps=" $CG/io/lo/io.max || fail "io/lo not throttled before io_qos=0"
echo 0 > $P/io_qos
n=0
while [ "$(cat $CG/io/lo/io.max $CG/io/lo/io.prio.class)" != "$before" ] && [ $n -lt 20 ]; do
	n=$((n + 1))
	sleep 0.1
done
expect_eq "io.max and io.prio.class after io_qos=0" "$(cat $CG/io/lo/io.max $CG/io/lo/io.prio.class)" "$before"
wait

# So does unloading rue while it throttles.
echo 1 > $P/io_qos
writer 8 > /dev/null &
sleep 1
reader 3 > /dev/null
grep -q "$DEV rbps=" $CG/io/lo/io.max || fail "io/lo not throttled before unload"
unload rue
expect_eq "io.max and io.prio.class after unload" "$(cat $CG/io/lo/io.max $CG/io/lo/io.prio.class)" "$before"
wait

rmmod null_blk
umount $V
rmdir $CG/io/hi $CG/io/lo $CG/io
