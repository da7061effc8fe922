# SPDX-License-Identifier: GPL-2.0
# The cgroupfs filesystem type and its mount point: registered on load,
# mountable anywhere, pins the module while mounted, gone after unload.
. /tests/lib.sh

grep -qw cgroupfs /proc/filesystems && fail "cgroupfs registered before load"
load cgroupfs
grep -q '^nodev	cgroupfs$' /proc/filesystems || fail "cgroupfs not in /proc/filesystems"
[ -d /sys/fs/cgroupfs ] || fail "no /sys/fs/cgroupfs"

mount -t cgroupfs cgroupfs /sys/fs/cgroupfs || fail "mount at /sys/fs/cgroupfs"
mkdir -p /tmp/cg
mount -t cgroupfs cgroupfs /tmp/cg || fail "mount at /tmp/cg"
grep -q '^cgroupfs /tmp/cg cgroupfs ' /proc/mounts || fail "not in /proc/mounts"
stat -f -c %t /tmp/cg | grep -qx 63677266 || fail "wrong filesystem magic"

rmmod cgroupfs 2>/dev/null && fail "rmmod succeeded while mounted"
[ -d /sys/module/cgroupfs ] || fail "module gone while mounted"
echo "ok: rmmod refused while mounted"

umount /tmp/cg
rmmod cgroupfs 2>/dev/null && fail "rmmod succeeded while still mounted once"
umount /sys/fs/cgroupfs
unload cgroupfs
[ ! -e /sys/fs/cgroupfs ] || fail "/sys/fs/cgroupfs left after unload"
grep -qw cgroupfs /proc/filesystems && fail "cgroupfs still registered after unload"
echo "ok: unloaded after umount"

# And again, to show the unload left a clean state.
load cgroupfs
mount -t cgroupfs cgroupfs /tmp/cg || fail "remount after reload"
umount /tmp/cg
unload cgroupfs
