# SPDX-License-Identifier: GPL-2.0
# qmon charges what each cgroup's entry takes to that cgroup's memory
# controller: creating cgroups with qmon loaded adds (almost) nothing to
# the kernel memory that no cgroup is charged for.
. /tests/lib.sh

# Fewer on the debug kernel (with kmemleak), where each takes far longer.
N=300
[ -e /sys/kernel/debug/kmemleak ] && N=100
setup_cgroupfs
mkdir -p $CG/m
enable_controllers m
mkdir -p $CG/m/run $CG/m/kids

# usage: the host's unreclaimable slab and per-CPU memory (bytes), and
# what of them m is charged for, once the periodic flushes of the
# kernel's statistics ran (every 1 s for vmstat, every 2 s for memcg).
usage() {
	sleep 3
	awk '$1 == "SUnreclaim:" || $1 == "Percpu:" { s += $2 * 1024 } END { printf "%d ", s }' \
		/proc/meminfo
	awk '$1 == "slab_unreclaimable" || $1 == "percpu" { s += $2 } END { print s }' \
		$CG/m/memory.stat
}

# churn WHAT: create N cgroups under m/kids from a task of m/run; prints
# per cgroup the bytes of host slab and per-CPU memory not charged to m,
# and those charged to m; then removes them.
churn() {
	set -- $(usage)
	g0=$1 c0=$2
	in_cgroup m/run sh -c "i=0; while [ \$i -lt $N ]; do mkdir $CG/m/kids/k\$i; i=\$((i + 1)); done"
	set -- $(usage)
	g1=$1 c1=$2
	i=0
	while [ $i -lt $N ]; do
		rmdir $CG/m/kids/k$i
		i=$((i + 1))
	done
	echo $(((g1 - g0 - (c1 - c0)) / N)) $(((c1 - c0) / N))
}

# Once unmeasured, so that both measured rounds find the caches warm.
churn > /dev/null
set -- $(churn)
base_free=$1 base_charged=$2
load qmon
set -- $(churn)
qmon_free=$1 qmon_charged=$2
echo "per cgroup, bytes: not charged: $base_free without qmon, $qmon_free with it;" \
	"charged to m: $base_charged without qmon, $qmon_charged with it"
[ $((qmon_free - base_free)) -lt 1024 ] ||
	fail "qmon adds $((qmon_free - base_free)) bytes per cgroup that no cgroup is charged for"
# At least one CPU's histograms (2176 bytes) are charged per cgroup.
[ $((qmon_charged - base_charged)) -ge 2176 ] ||
	fail "qmon's $((qmon_charged - base_charged)) bytes per cgroup charged to m, want >= 2176"
echo "ok: qmon's entries are charged to the cgroups they are for"

unload qmon
umount $V
rmdir $CG/m/kids $CG/m/run $CG/m
