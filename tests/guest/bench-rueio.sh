# SPDX-License-Identifier: GPL-2.0
#
# rue IO benchmark (run by bench.sh): a priority-0 cgroup doing 4 KiB
# random direct reads on a null_blk device (40 MiB/s, 0.5 ms completion
# delay, no IO scheduler) alone; beside a priority-7 cgroup writing with 16
# tasks of 256 KiB direct writes with no QoS; with rue (io_qos=1, a read
# latency target on the reader); and with mainline io.latency given the
# same target instead. The target is 1.5 times the p99 measured alone, or
# RFL_IO_TARGET_US (rfl.io_target_us= on the kernel command line). Prints
# "bench: " lines with the read latency (p50, p99), the writer's
# throughput, and their ratios to alone (target: rue's p99/alone <= 1.5,
# below io.latency's, with the writer at >= 0.5 of its alone throughput).

. /tests/lib.sh
say() { echo "bench: $*"; }
M=1048576
SECS=6

setup_cgroupfs
load rue
rue_pair b
S=$V/cgroup
insmod $MODDIR/null_blk.ko nr_devices=1 gb=1 irqmode=2 completion_nsec=500000 \
	mbps=40 no_sched=1 || { say "FAIL null_blk"; exit 1; }
DEV=$(cat /sys/block/nullb0/dev)

reader() { in_cgroup b/hi iobench read /dev/nullb0 "$1"; }
writer() { in_cgroup b/lo iobench write /dev/nullb0 "$1" 16 256; }

# scenario NAME: "p50 p99 writer_bytes_per_s" beside the writer.
both() {
	writer $((SECS + 2)) > /tmp/wr.out &
	sleep 1
	set -- $(reader $SECS)
	wait
	echo "$2 $3 $(cat /tmp/wr.out)"
}

set -- $(reader $SECS)
alone_p50=$2
alone_p99=$3
alone_w=$(writer $SECS)
target=$((alone_p99 * 3 / 2))
for arg in $(cat /proc/cmdline); do
	case $arg in rfl.io_target_us=*) target=${arg#rfl.io_target_us=} ;; esac
done

off=$(both)
echo "$DEV $target" > $S/b/hi/rue.io.latency_target_us
echo 1 > /sys/module/rue/parameters/io_qos
rue=$(both)
echo 0 > /sys/module/rue/parameters/io_qos
echo "$DEV 0" > $S/b/hi/rue.io.latency_target_us
echo "$DEV target=$target" > $CG/b/hi/io.latency
iolat=$(both)
echo "$DEV target=max" > $CG/b/hi/io.latency

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }'; }
say "priority-0 4 KiB random reads beside a priority-7 writer; target p99 $target us"
say "scenario  p50_us  p99_us  writer_KiB/s  p99/alone  writer/alone"
say "$(printf '%-8s %7s %7s %13s %10s %13s' alone $alone_p50 $alone_p99 $((alone_w / 1024)) 1.00 1.00)"
for s in off rue iolat; do
	eval "set -- \$$s"
	say "$(printf '%-8s %7s %7s %13s %10s %13s' $s $1 $2 $(($3 / 1024)) $(ratio $2 $alone_p99) $(ratio $3 $alone_w))"
done
say "target: rue p99/alone <= 1.5 and below iolat's, rue writer/alone >= 0.5"
rmmod null_blk
umount $V
rmdir $CG/b/hi $CG/b/lo $CG/b
