# SPDX-License-Identifier: GPL-2.0
# Cgroup churn with cgroupfs, qmon and rue loaded: 10,000 cgroups created
# and removed (every 100th entered by a task that reads a cgroupfs view)
# leave no growth. The kernel's unreclaimable slab grows no more than in
# the same churn without the modules, qmon tracks only the live cgroups,
# and cgroupfs lists none of the removed ones. Debug kernels do 300 (KASAN
# and lockdep make each cycle some 30 ms) and do not compare the slab,
# which KASAN's quarantine of freed objects inflates: kmemleak checks the
# whole run in t-90 instead.
. /tests/lib.sh

N=10000
WARM=1000
debug=
if [ -e /sys/kernel/debug/kmemleak ]; then
	N=300
	WARM=100
	debug=1
fi
slab() { field /proc/meminfo SUnreclaim; }
settle() { sleep 2; }
mkdir -p $CG/c

# The churn alone, after a warm-up that fills the kernel's caches.
in_cgroup c churn $CG/c $WARM || fail "churn without the modules"
settle
s0=$(slab)
in_cgroup c churn $CG/c $N || fail "churn without the modules"
settle
base=$(($(slab) - s0))

setup_cgroupfs
load qmon
load rue
in_cgroup c churn $CG/c $WARM $V/proc/meminfo || fail "churn with the modules"
settle
s1=$(slab)
t0=$(date +%s)
in_cgroup c churn $CG/c $N $V/proc/meminfo || fail "churn with the modules"
t1=$(date +%s)
settle
mods=$(($(slab) - s1))
echo "SUnreclaim growth over $N cycles: $base kB without the modules, $mods kB with them ($((t1 - t0)) s)"
# A negative growth without the modules is the kernel giving back caches
# warmed earlier, no credit for the modules' run.
[ "$base" -ge 0 ] || base=0
[ -n "$debug" ] || [ "$mods" -le $((base + 256)) ] ||
	fail "the modules grew unreclaimable slab by $mods kB (without them: $base kB)"
left=$(ls $V/cgroup/c | grep -c '^c[0-9]')
expect_eq "removed cgroups cgroupfs still lists" "$left" 0

live=$(find $CG -type d | wc -l)
unload rue
unload qmon
tracked=$(dmesg | sed -n 's/.*qmon: unloaded (\([0-9]*\) cgroups tracked.*/\1/p' | tail -n 1)
expect_eq "cgroups qmon tracked after the churn" "$tracked" "$live"
umount $V
echo $$ > $CG/cgroup.procs
rmdir $CG/c
