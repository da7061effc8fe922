# SPDX-License-Identifier: GPL-2.0
# Loading, using and unloading each module leaves the cgroup2 hierarchy's
# mount options as they were: a private mount of cgroup2 made with other
# options would switch them for every mount of it (nsdelegate off turns off
# the delegation boundary host-wide, memory_recursiveprot off the recursive
# memory protection). Tried with the options systemd mounts with and with
# every other option.
. /tests/lib.sh

opts() {
	awk '$2 == "/sys/fs/cgroup" && $3 == "cgroup2" { print $4 }' /proc/mounts
}

orig=$(opts)
case $orig in *nsdelegate*memory_recursiveprot*) ;; *) fail "guest cgroup2 not mounted as systemd does: '$orig'" ;; esac

# check STEP: the options are still $want.
check() {
	expect_eq "cgroup2 options after $1" "$(opts)" "$want"
}

# mount_with OPTIONS: cgroup2 mounted anew at /sys/fs/cgroup with exactly
# OPTIONS (a remount would keep the options it is not given).
mount_with() {
	umount /sys/fs/cgroup || fail "umount cgroup2"
	mount -t cgroup2 -o "$1" cgroup2 /sys/fs/cgroup || fail "mount cgroup2 -o $1"
}

for set in nsdelegate,memory_recursiveprot \
	favordynmods,memory_localevents,memory_hugetlb_accounting,pids_localevents; do
	mount_with "$set"
	want=$(opts)
	expect_eq "cgroup2 mounted with" "$want" "rw,relatime,$set"

	load cgroupfs
	check "insmod cgroupfs"
	mkdir -p $V
	mount -t cgroupfs cgroupfs $V || fail "mount cgroupfs"
	mkdir -p $CG/hm
	in_cgroup hm cat $V/proc/meminfo > /dev/null || fail "read meminfo view"
	cat $V/cgroup/hm/cgroupfs.role > /dev/null || fail "read cgroupfs.role"
	check "using cgroupfs"
	load qmon
	check "insmod qmon"
	load rue
	check "insmod rue"
	echo 3 > $V/cgroup/hm/rue.priority || fail "rue.priority 3"
	check "using rue"
	unload rue
	check "rmmod rue"
	unload qmon
	umount $V
	unload cgroupfs
	check "rmmod cgroupfs"
	rmdir $CG/hm
done

mount_with "$orig"
expect_eq "cgroup2 options restored" "$(opts)" "$orig"
