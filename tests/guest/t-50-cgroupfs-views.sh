# SPDX-License-Identifier: GPL-2.0
# cgroupfs views: meminfo, cpuinfo and the cpu online/possible/present lists
# follow the reader's cgroup limits; the root cgroup and enabled=0 see host
# values; reads in any chunk size; writes refused.
. /tests/lib.sh

setup_cgroupfs
for f in proc/meminfo proc/cpuinfo sys/devices/system/cpu/online \
	sys/devices/system/cpu/possible sys/devices/system/cpu/present \
	proc/swaps proc/pressure/cpu proc/pressure/memory proc/pressure/io \
	proc/vmstat proc/diskstats; do
	[ -r $V/$f ] || fail "no $f"
done
echo "ok: view files present"

# Host view from the root cgroup.
expect_eq "root MemTotal" "$(field $V/proc/meminfo MemTotal)" "$(field /proc/meminfo MemTotal)"
expect_eq "root cpuinfo processors" "$(grep -c ^processor $V/proc/cpuinfo)" "$(grep -c ^processor /proc/cpuinfo)"
expect_eq "root online" "$(cat $V/sys/devices/system/cpu/online)" "$(cat /sys/devices/system/cpu/online)"
expect_eq "meminfo fields" "$(cut -d: -f1 $V/proc/meminfo | tr '\n' ' ')" "$(cut -d: -f1 /proc/meminfo | tr '\n' ' ')"
host_cpus=$(grep -c ^processor /proc/cpuinfo)

# memory.max 64M: MemTotal 65536 kB, MemFree below it.
mkdir -p $CG/m64
echo 64M > $CG/m64/memory.max
expect_eq "64M MemTotal" "$(in_cgroup m64 awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" 65536
free=$(in_cgroup m64 awk '$1=="MemFree:" {print $2}' $V/proc/meminfo)
[ "$free" -gt 0 ] && [ "$free" -le 65536 ] || fail "64M MemFree $free"
echo "ok: 64M MemFree $free kB"
expect_eq "64M meminfo fields" "$(in_cgroup m64 cut -d: -f1 $V/proc/meminfo | tr '\n' ' ')" "$(cut -d: -f1 /proc/meminfo | tr '\n' ' ')"

# vmstat: the host's fields, the cgroup's page counts and events.
expect_eq "64M vmstat fields" "$(in_cgroup m64 cut -d' ' -f1 $V/proc/vmstat | tr '\n' ' ')" "$(cut -d' ' -f1 /proc/vmstat | tr '\n' ' ')"
free_pages=$(in_cgroup m64 awk '$1=="nr_free_pages" {print $2}' $V/proc/vmstat)
[ "$free_pages" -gt 0 ] && [ "$free_pages" -le 16384 ] || fail "64M nr_free_pages $free_pages"
anon=$(in_cgroup m64 awk '$1=="nr_anon_pages" {print $2}' $V/proc/vmstat)
host_anon=$(awk '$1=="nr_anon_pages" {print $2}' /proc/vmstat)
[ "$anon" -lt "$host_anon" ] || fail "nr_anon_pages $anon (host $host_anon)"
# Enough page faults in the cgroup for memcg to flush its statistics.
in_cgroup m64 awk 'BEGIN { for (i = 0; i < 100000; i++) a[i] = i }'
faults=$(in_cgroup m64 awk '$1=="pgfault" {print $2}' $V/proc/vmstat)
host_faults=$(awk '$1=="pgfault" {print $2}' /proc/vmstat)
[ "$faults" -gt 0 ] && [ "$faults" -lt "$host_faults" ] || fail "pgfault $faults (host $host_faults)"
echo "ok: vmstat nr_free_pages $free_pages, nr_anon_pages $anon (host $host_anon), pgfault $faults (host $host_faults)"

# Nested: the tightest ancestor wins, seen from a deep child.
mkdir -p $CG/outer
echo 100M > $CG/outer/memory.max
enable_controllers outer
mkdir -p $CG/outer/mid
enable_controllers outer/mid
mkdir -p $CG/outer/mid/inner
echo 200M > $CG/outer/mid/inner/memory.max
expect_eq "nested MemTotal" "$(in_cgroup outer/mid/inner awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" 102400

# Unlimited: host totals, never 0.
mkdir -p $CG/free
expect_eq "unlimited MemTotal" "$(in_cgroup free awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" "$(field /proc/meminfo MemTotal)"

# cpuset 0: one processor, online 0.
mkdir -p $CG/one
echo 0 > $CG/one/cpuset.cpus
expect_eq "cpuset 0 processors" "$(in_cgroup one grep -c ^processor $V/proc/cpuinfo)" 1
expect_eq "cpuset 0 online" "$(in_cgroup one cat $V/sys/devices/system/cpu/online)" 0
expect_eq "cpuset 0 processor number" "$(in_cgroup one awk -F': ' '/^processor/ {print $2}' $V/proc/cpuinfo)" 0

# cpuset 1-3 with cpu.max 150000/100000: 2 CPUs, renumbered 0-1.
mkdir -p $CG/quota
echo 1-3 > $CG/quota/cpuset.cpus
echo "150000 100000" > $CG/quota/cpu.max
expect_eq "quota processors" "$(in_cgroup quota grep -c ^processor $V/proc/cpuinfo)" 2
expect_eq "quota online" "$(in_cgroup quota cat $V/sys/devices/system/cpu/online)" 0-1
expect_eq "quota possible" "$(in_cgroup quota cat $V/sys/devices/system/cpu/possible)" 0-1
expect_eq "quota numbering" "$(in_cgroup quota awk -F': ' '/^processor/ {print $2}' $V/proc/cpuinfo | tr '\n' ' ')" "0 1 "
# With stat_cache_ms=0 a new quota shows at the next open.
echo 0 > /sys/module/cgroupfs/parameters/stat_cache_ms
echo "250000 100000" > $CG/quota/cpu.max
expect_eq "new quota processors" "$(in_cgroup quota grep -c ^processor $V/proc/cpuinfo)" 3
echo "150000 100000" > $CG/quota/cpu.max
expect_eq "quota online again" "$(in_cgroup quota cat $V/sys/devices/system/cpu/online)" 0-1
echo 50 > /sys/module/cgroupfs/parameters/stat_cache_ms

# enabled=0: host values, no remount.
echo 0 > /sys/module/cgroupfs/parameters/enabled
expect_eq "enabled=0 MemTotal" "$(in_cgroup m64 awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" "$(field /proc/meminfo MemTotal)"
expect_eq "enabled=0 processors" "$(in_cgroup one grep -c ^processor $V/proc/cpuinfo)" "$host_cpus"
echo 1 > /sys/module/cgroupfs/parameters/enabled
expect_eq "enabled=1 again" "$(in_cgroup m64 awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" 65536

# stat_cache_ms: a cgroup's memory.stat serves its views that long; limits
# and usage are always live. 16 MiB of tmpfs in m64 shows in Shmem at once
# with the cache off, not within a 1 s cache, and after it.
P=/sys/module/cgroupfs/parameters/stat_cache_ms
shmem() { in_cgroup m64 awk '$1=="Shmem:" {print $2}' $V/proc/meminfo; }
echo 0 > $P
s0=$(shmem)
in_cgroup m64 dd if=/dev/zero of=/tmp/shm1 bs=1M count=16 2>/dev/null
s1=$(shmem)
[ "$s1" -ge $((s0 + 16000)) ] || fail "Shmem $s0 -> $s1 kB with the cache off"
echo 1000 > $P
t0=$(cut -d' ' -f1 /proc/uptime)
s2=$(shmem)
in_cgroup m64 dd if=/dev/zero of=/tmp/shm2 bs=1M count=16 2>/dev/null
s3=$(shmem)
t1=$(cut -d' ' -f1 /proc/uptime)
free3=$(in_cgroup m64 awk '$1=="MemFree:" {print $2}' $V/proc/meminfo)
sleep 2
s4=$(shmem)
echo 50 > $P
rm -f /tmp/shm1 /tmp/shm2
# The second read must come from the cache when it is within 1 s of the
# first (a slow kernel may take longer to write 16 MiB).
if awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.9) }'; then
	expect_eq "Shmem from a 1 s cache" "$s3" "$s2"
else
	echo "ok: the write took $t0 .. $t1 s, longer than the cache: not compared"
fi
[ "$s4" -ge $((s2 + 16000)) ] || fail "Shmem $s2 -> $s4 kB after the cache expired"
[ "$free3" -le $((65536 - s1 - 16000)) ] || fail "MemFree $free3 kB not live under the cache"
echo "ok: Shmem $s0 -> $s1 kB live, $s2 -> $s3 cached, $s4 after 1 s; MemFree live ($free3 kB)"

# Chunked reads: 1-byte reads give the same text as one read of one open.
in_cgroup one sh -c "dd if=$V/proc/cpuinfo bs=1 2>/dev/null > /tmp/c1; cat $V/proc/cpuinfo > /tmp/c2"
cmp /tmp/c1 /tmp/c2 || fail "1-byte reads of cpuinfo differ"
in_cgroup m64 sh -c "dd if=$V/proc/meminfo bs=7 2>/dev/null > /tmp/m1"
expect_eq "chunked meminfo MemTotal" "$(field /tmp/m1 MemTotal)" 65536
expect_eq "chunked meminfo lines" "$(wc -l < /tmp/m1)" "$(wc -l < /proc/meminfo)"

# Pressure: the view cgroup's own PSI. A new idle cgroup has stalled for no
# memory and no IO, and for far less CPU time than the whole host.
mkdir -p $CG/idle
for r in memory io; do
	expect_eq "idle $r pressure" "$(in_cgroup idle cat $V/proc/pressure/$r | sed -n 's/^some .*total=//p')" 0
done
cpu_view=$(in_cgroup idle cat $V/proc/pressure/cpu | sed -n 's/^some .*total=//p')
cpu_host=$(sed -n 's/^some .*total=//p' /proc/pressure/cpu)
[ "$cpu_view" -lt "$cpu_host" ] || fail "idle cgroup cpu stall $cpu_view, host $cpu_host"
echo "ok: cpu stall $cpu_view us in the cgroup, $cpu_host us on the host"
expect_eq "root cpu pressure lines" "$(cut -d' ' -f1 $V/proc/pressure/cpu | tr '\n' ' ')" "some full "

# Swap: with a swap device, a cgroup sees memory.swap.max as its swap.
modprobe_null() { insmod $MODDIR/null_blk.ko "$@"; }
modprobe_null nr_devices=1 gb=1 memory_backed=1 || fail "null_blk"
mkswap /dev/nullb0 >/dev/null && swapon /dev/nullb0 || fail "swapon"
expect_eq "root swaps" "$(awk 'NR==2 {print $3, $4}' $V/proc/swaps)" "$(awk 'NR==2 {print $3, $4}' /proc/swaps)"
mkdir -p $CG/sw
echo 32M > $CG/sw/memory.swap.max
expect_eq "32M SwapTotal" "$(in_cgroup sw awk '$1=="SwapTotal:" {print $2}' $V/proc/meminfo)" 32768
expect_eq "32M swaps line" "$(in_cgroup sw cat $V/proc/swaps | awk 'NR==2 {print $1, $2, $3, $4, $5}')" "none virtual 32768 0 0"
expect_eq "swaps header" "$(in_cgroup sw head -n 1 $V/proc/swaps)" "$(head -n 1 /proc/swaps)"
echo 0 > $CG/sw/memory.swap.max
expect_eq "no swap: header only" "$(in_cgroup sw cat $V/proc/swaps | wc -l)" 1
swapoff /dev/nullb0

# diskstats: a row for each device the cgroup did IO on, its own counts.
mkdir -p $CG/dio
in_cgroup dio dd if=/dev/nullb0 of=/dev/null bs=4096 count=256 2>/dev/null || fail "dd"
rows=$(in_cgroup dio cat $V/proc/diskstats)
echo "$rows" | sed 's/^/  /'
expect_eq "diskstats devices" "$(echo "$rows" | awk '{print $3}' | tr '\n' ' ')" "nullb0 "
sectors=$(echo "$rows" | awk '{print $6}')
[ "$sectors" -ge 2048 ] || fail "read 1 MiB, diskstats shows $sectors sectors"
expect_eq "diskstats columns" "$(echo "$rows" | awk '{print NF}')" "$(awk '$3=="nullb0" {print NF}' /proc/diskstats)"
expect_eq "no io, no rows" "$(in_cgroup idle cat $V/proc/diskstats | wc -l)" 0
rmmod null_blk

# Writes are refused.
write_expect_err $V/proc/meminfo x "Permission denied"

umount $V
for c in outer/mid/inner outer/mid outer m64 free one quota idle sw dio; do rmdir $CG/$c; done
