# SPDX-License-Identifier: GPL-2.0
# The sample module: logs the cgroup of the task that loads it, and adds a
# per-cgroup file through cgroupfs's registration API, which pins it while
# open and disappears with it.
. /tests/lib.sh

insmod $MODDIR/cgroup_hello.ko 2>/dev/null && fail "cgroup_hello loaded without cgroupfs"
load cgroupfs
mkdir -p $CG/demo/inner
# A child shell moves itself into the cgroup, then becomes insmod.
sh -c "echo \$\$ > $CG/demo/inner/cgroup.procs && exec insmod $MODDIR/cgroup_hello.ko" ||
	fail "insmod cgroup_hello from /demo/inner"
dmesg | grep -q 'cgroup_hello: loaded from /demo/inner (depth 2)' ||
	fail "no 'loaded from /demo/inner (depth 2)' in dmesg: $(dmesg | grep cgroup_hello)"
rmmod cgroupfs 2>/dev/null && fail "cgroupfs unloaded under cgroup_hello"

V=/tmp/cgv
mkdir -p $V
mount -t cgroupfs cgroupfs $V || fail mount
id=$(stat -c %i $CG/demo/inner)
expect_eq "greeting" "$(cat $V/cgroup/demo/inner/hello.greeting)" "hello from cgroup $id"
echo "hi there" > $V/cgroup/demo/hello.greeting || fail "write greeting"
expect_eq "new greeting" "$(cat $V/cgroup/demo/inner/hello.greeting)" "hi there from cgroup $id"
write_expect_err $V/cgroup/hello.greeting "" "Invalid argument"
write_expect_err $V/cgroup/hello.greeting "0123456789012345678901234567890123" "Invalid argument"
expect_eq "greeting unchanged" "$(cat $V/cgroup/hello.greeting | cut -d' ' -f1-2)" "hi there"

# An open file pins the module; closing it lets it go, and the file with it.
exec 3< $V/cgroup/demo/hello.greeting
rmmod cgroup_hello 2>/dev/null && fail "cgroup_hello unloaded with its file open"
exec 3<&-
unload cgroup_hello
[ -e $V/cgroup/demo/hello.greeting ] && fail "hello.greeting left after unload"
ls $V/cgroup/demo | grep -q hello && fail "hello.greeting still listed"
echo "ok: file gone with the module"

# Loaded from the root cgroup.
insmod $MODDIR/cgroup_hello.ko || fail "insmod cgroup_hello from /"
dmesg | grep -q 'cgroup_hello: loaded from / (depth 0)' || fail "no root-cgroup message"
unload cgroup_hello
umount $V
rmdir $CG/demo/inner $CG/demo
