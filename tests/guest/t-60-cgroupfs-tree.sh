# SPDX-License-Identifier: GPL-2.0
# The cgroup/ tree: mirrors the cgroup v2 hierarchy as cgroups come and go,
# holds cgroupfs.role and cpu.quota_period_us; roles make pods; bad writes
# are refused with the right errno; unprivileged writes are refused.
. /tests/lib.sh

setup_cgroupfs

for f in cgroupfs.role cpu.quota_period_us; do
	[ -f $V/cgroup/$f ] || fail "no cgroup/$f"
done
ls $V/cgroup | grep -qx cgroupfs.role || fail "cgroupfs.role not listed"

mkdir -p $CG/a/b
[ -d $V/cgroup/a/b ] || fail "cgroup/a/b missing after mkdir"
ls $V/cgroup | grep -qx a || fail "a not listed"
ls $V/cgroup/a | grep -qx b || fail "a/b not listed"
echo "ok: new cgroups appear"
rmdir $CG/a/b
[ -e $V/cgroup/a/b ] && fail "cgroup/a/b still there after rmdir"
ls $V/cgroup/a | grep -qx b && fail "b still listed"
echo "ok: removed cgroups disappear"
[ -e $V/cgroup/nonexistent ] && fail "a cgroup that does not exist"

# cpu.quota_period_us: the tightest cpu.max on the way up.
enable_controllers a
mkdir -p $CG/a/b
expect_eq "root quota" "$(cat $V/cgroup/cpu.quota_period_us)" "max 100000"
expect_eq "unlimited quota" "$(cat $V/cgroup/a/b/cpu.quota_period_us)" "max 100000"
echo "50000 100000" > $CG/a/cpu.max
echo "200000 100000" > $CG/a/b/cpu.max
expect_eq "inherited quota" "$(cat $V/cgroup/a/b/cpu.quota_period_us)" "50000 100000"
write_expect_err $V/cgroup/a/cpu.quota_period_us 1 "Permission denied"

# cgroupfs.role: 0/1, bad values refused and nothing changed.
expect_eq "role default" "$(cat $V/cgroup/a/cgroupfs.role)" 0
write_expect_err $V/cgroup/a/cgroupfs.role 2 "Numerical result out of range"
write_expect_err $V/cgroup/a/cgroupfs.role x "Invalid argument"
expect_eq "role unchanged" "$(cat $V/cgroup/a/cgroupfs.role)" 0
# The root as a pod would be every host reader's view.
write_expect_err $V/cgroup/cgroupfs.role 1 "Invalid argument"
expect_eq "root role unchanged" "$(cat $V/cgroup/cgroupfs.role)" 0
echo 0 > $V/cgroup/cgroupfs.role || fail "role 0 on the root"

# A pod: a reader in /pod/ctr sees /pod's limits once /pod has role 1.
mkdir -p $CG/pod
echo 100M > $CG/pod/memory.max
enable_controllers pod
mkdir -p $CG/pod/ctr
echo 50M > $CG/pod/ctr/memory.max
expect_eq "container view" "$(in_cgroup pod/ctr awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" 51200
echo 1 > $V/cgroup/pod/cgroupfs.role || fail "set role"
expect_eq "role set" "$(cat $V/cgroup/pod/cgroupfs.role)" 1
expect_eq "pod view" "$(in_cgroup pod/ctr awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" 102400
echo 0 > $V/cgroup/pod/cgroupfs.role
expect_eq "role cleared" "$(in_cgroup pod/ctr awk '$1=="MemTotal:" {print $2}' $V/proc/meminfo)" 51200

# Writers need CAP_SYS_ADMIN in the initial user namespace: an ordinary
# user is refused by the file mode, root of a user namespace by cgroupfs.
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
out=$(su nobody -s /bin/sh -c "echo 1 > $V/cgroup/pod/cgroupfs.role" 2>&1) && fail "nobody set a role"
case $out in *"Permission denied"*) echo "ok: nobody refused: $out" ;; *) fail "nobody: $out" ;; esac
out=$(unshare -U -r sh -c "echo 1 > $V/cgroup/pod/cgroupfs.role" 2>&1) && fail "user-namespace root set a role"
case $out in *"Operation not permitted"*) echo "ok: user-namespace root refused: $out" ;; *) fail "userns root: $out" ;; esac
expect_eq "role after refused writes" "$(cat $V/cgroup/pod/cgroupfs.role)" 0

# An open file of a removed cgroup keeps its text; new opens fail.
mkdir -p $CG/gone
exec 3< $V/cgroup/gone/cgroupfs.role
rmdir $CG/gone
[ -e $V/cgroup/gone/cgroupfs.role ] && fail "file of removed cgroup still opens"
expect_eq "open file text" "$(cat <&3)" 0
exec 3<&-

# Churn: cgroups with roles, load averages and views come and go; the
# module forgets them (kmemleak checks on the debug kernel, where the
# rounds are fewer: it runs several times slower).
used=200 plain=2000
[ -e /sys/kernel/debug/kmemleak ] && used=50 plain=300
i=0
while [ $i -lt $used ]; do
	mkdir $CG/churn$i
	echo 1 > $V/cgroup/churn$i/cgroupfs.role
	in_cgroup churn$i cat $V/proc/loadavg $V/proc/uptime $V/proc/meminfo > /dev/null ||
		fail "views in churn$i"
	rmdir $CG/churn$i
	i=$((i + 1))
done
i=0
while [ $i -lt $plain ]; do
	mkdir $CG/c$i && rmdir $CG/c$i || fail "cycle $i"
	i=$((i + 1))
done
[ -z "$(ls $V/cgroup | grep churn)" ] || fail "churn cgroups listed"
echo "ok: $used cgroups used and removed, $plain created and removed"

# A reader in a cgroup namespace sees its own subtree, and the path to it;
# its meminfo view is its namespace root.
mkdir -p $CG/ns/inner $CG/other
echo 80M > $CG/ns/memory.max
cat > /tmp/ns.sh <<IN
echo "root: \$(ls $V/cgroup | tr '\n' ' ')"
echo "ns: \$(ls $V/cgroup/ns | tr '\n' ' ')"
[ -e $V/cgroup/other ] && echo "other: visible"
[ -e $V/cgroup/cgroupfs.role ] && echo "rootfile: visible"
echo "memtotal: \$(awk '\$1=="MemTotal:" {print \$2}' $V/proc/meminfo)"
IN
out=$(in_cgroup ns nsexec -C sh /tmp/ns.sh) || fail "in namespace: $out"
echo "$out" | sed 's/^/  /'
expect_eq "namespace root listing" "$(echo "$out" | sed -n 's/^root: //p')" "ns "
echo "$out" | grep -q '^ns: .*cgroupfs.role .*inner' || fail "namespace subtree incomplete"
echo "$out" | grep -q '^other: visible' && fail "a cgroup outside the namespace is visible"
echo "$out" | grep -q '^rootfile: visible' && fail "files above the namespace are visible"
expect_eq "namespace meminfo" "$(echo "$out" | sed -n 's/^memtotal: //p')" 81920

umount $V
rmdir $CG/ns/inner $CG/ns $CG/other $CG/pod/ctr $CG/pod $CG/a/b $CG/a
unload cgroupfs
