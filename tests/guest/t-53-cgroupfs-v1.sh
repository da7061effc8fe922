# SPDX-License-Identifier: GPL-2.0
# cgroup v1 hierarchies number their cgroups on their own, so a v1 cgroup
# can have the id of a v2 cgroup. Creating and removing it must not touch
# the v2 cgroup's state: its uptime keeps counting from its own creation.
. /tests/lib.sh

setup_cgroupfs
V1=/tmp/v1
mkdir -p $V1
mount -t cgroup -o none,name=rfltest cgroup $V1 || skip "no named cgroup v1 hierarchy"

# The step between the ids of successive v1 cgroups, and their phase.
mkdir $V1/a && a=$(stat -c %i $V1/a) && rmdir $V1/a
mkdir $V1/b && b=$(stat -c %i $V1/b) && rmdir $V1/b
step=$((b - a))
[ $step -gt 0 ] || fail "v1 ids do not grow: $a then $b"

# A v2 cgroup whose id a later v1 cgroup will get: remake it until its id
# is in phase; enabling a controller changes how many ids a v2 cgroup uses.
mkdir -p $CG/v1p
n=0
while :; do
	mkdir $CG/v1p/c
	id=$(stat -c %i $CG/v1p/c)
	[ $(((id - b) % step)) -ne 0 ] || break
	rmdir $CG/v1p/c
	n=$((n + 1))
	[ $n -ne 8 ] || echo +pids > $CG/v1p/cgroup.subtree_control
	[ $n -lt 16 ] || fail "no v2 cgroup id in phase with v1's ($b + k*$step)"
done
echo "v2 cgroup id $id; v1 ids step $step from $b"
sleep 1
before=$(in_cgroup v1p/c cut -d' ' -f1 $V/proc/uptime)

# v1 cgroups up to that id, each created and removed.
while :; do
	mkdir $V1/x
	x=$(stat -c %i $V1/x)
	rmdir $V1/x
	[ "$x" -lt "$id" ] || break
done
expect_eq "a v1 cgroup had the v2 cgroup's id" "$x" "$id"

after=$(in_cgroup v1p/c cut -d' ' -f1 $V/proc/uptime)
echo "v2 cgroup uptime $before, then $after after the v1 cgroup"
awk -v a="$after" -v b="$before" 'BEGIN { exit !(a >= b) }' ||
	fail "v2 cgroup's uptime went back from $before to $after"
echo "ok: v1 cgroups leave v2 cgroups' uptime alone"

umount $V1
rmdir $CG/v1p/c $CG/v1p
