# SPDX-License-Identifier: GPL-2.0
# Real clients see the container's numbers when the views are bind-mounted
# over /proc in a private mount namespace, as a container runtime does.
# (busybox free takes its totals from sysinfo(2), which no /proc view
# changes; top and every /proc/meminfo parser see the view.)
. /tests/lib.sh

setup_cgroupfs
mkdir -p $CG/ctr
echo 64M > $CG/ctr/memory.max
echo 0 > $CG/ctr/cpuset.cpus

cat > /tmp/inside.sh <<'IN'
mount --bind /tmp/cgv/proc/meminfo /proc/meminfo || exit 1
mount --bind /tmp/cgv/proc/cpuinfo /proc/cpuinfo || exit 1
mount --bind /tmp/cgv/sys/devices/system/cpu/online /sys/devices/system/cpu/online || exit 1
for f in stat uptime loadavg; do mount --bind /tmp/cgv/proc/$f /proc/$f || exit 1; done
echo "uptime $(cut -d' ' -f1 /proc/uptime)"
echo "statcpus $(grep -c '^cpu[0-9]' /proc/stat)"
echo "nproc $(grep -c ^processor /proc/cpuinfo)"
echo "meminfo_again $(awk '$1=="MemTotal:" {print $2}' /proc/meminfo)"
top -bn1 | head -n 3
IN
out=$(in_cgroup ctr unshare -m sh /tmp/inside.sh) || fail "inside: $out"
echo "$out"
expect_eq "nproc" "$(echo "$out" | awk '/^nproc/ {print $2}')" 1
expect_eq "reading through the bind mount" "$(echo "$out" | awk '/^meminfo_again/ {print $2}')" 65536
# busybox top: "Mem: <used>K used, <free>K free, ...", used + free = MemTotal.
expect_eq "top used+free" "$(echo "$out" | awk '$1=="Mem:" {sub("K","",$2); sub("K","",$4); print $2 + $4}')" 65536
awk -v u="$(echo "$out" | awk '/^uptime/ {print $2}')" -v h="$(cut -d' ' -f1 /proc/uptime)" \
	'BEGIN { exit !(u < h) }' || fail "container uptime not below the host's"
expect_eq "stat cpus" "$(echo "$out" | awk '/^statcpus/ {print $2}')" 1
expect_eq "top load average" "$(echo "$out" | awk '/^Load average:/ {print $3}')" 0.00
# Outside the namespace the host files are untouched.
[ "$(field /proc/meminfo MemTotal)" != 65536 ] || fail "host /proc/meminfo changed"
umount /tmp/cgv
rmdir $CG/ctr
