# SPDX-License-Identifier: GPL-2.0
#
# Helpers for guest tests. Sourced by each test; a test fails on the first
# failed check (set -e semantics through fail()).

MODDIR=/lib/modules/rfl

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 4
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	echo "ok: $1 = '$3'"
}

# load MODULE [PARAM=VALUE...]
load() {
	m=$1
	shift
	insmod "$MODDIR/$m.ko" "$@" || fail "insmod $m $*"
}

unload() {
	rmmod "$1" || fail "rmmod $1"
	[ ! -d "/sys/module/$1" ] || fail "$1 still in /sys/module after rmmod"
}

# unload_all: undo what a test may have left: cgroupfs mounts, swap, and
# every module of the project that is loaded.
unload_all() {
	awk '$3 == "cgroupfs" { print $2 }' /proc/mounts | while read -r mnt; do
		umount "$mnt"
	done
	swapoff -a 2>/dev/null
	for m in cgroup_hello qmon rue cgroupfs null_blk; do
		[ -d "/sys/module/$m" ] && rmmod "$m"
	done
	return 0
}

# write_expect_err FILE VALUE MESSAGE: the write must fail with that strerror.
write_expect_err() {
	err=$( (echo "$2" > "$1") 2>&1) && fail "write '$2' to $1 succeeded"
	case $err in
	*"$3"*) echo "ok: '$2' > $1 refused: $3" ;;
	*) fail "write '$2' to $1: got '$err', want '$3'" ;;
	esac
}

CG=/sys/fs/cgroup

# in_cgroup CGROUP COMMAND...: run COMMAND as a task of CGROUP (relative to
# the cgroup2 root), creating the cgroup if needed.
in_cgroup() {
	c=$1
	shift
	mkdir -p "$CG/$c"
	sh -c "echo \$\$ > $CG/$c/cgroup.procs && exec \"\$@\"" sh "$@"
}

# field FILE KEY: the number after "KEY:" in a meminfo-style file.
field() {
	awk -v k="$2:" '$1 == k { print $2; exit }' "$1"
}

# setup_cgroupfs: load cgroupfs, mount it at $V, and enable every
# controller for the root cgroup's children.
V=/tmp/cgv
setup_cgroupfs() {
	load cgroupfs
	mkdir -p $V
	mount -t cgroupfs cgroupfs $V || fail "mount cgroupfs at $V"
	enable_controllers ""
}

# setup_rue: setup_cgroupfs, then load rue; S is cgroupfs's per-cgroup tree,
# P rue's parameters, M a MiB in bytes.
setup_rue() {
	setup_cgroupfs
	load rue
	S=$V/cgroup
	P=/sys/module/rue/parameters
	M=1048576
}

# rue_pair NAME: with cgroupfs mounted at $V and rue loaded, the cgroups
# NAME/hi (priority 0) and NAME/lo (priority 7), every controller enabled.
rue_pair() {
	mkdir -p "$CG/$1"
	enable_controllers "$1"
	mkdir -p "$CG/$1/hi" "$CG/$1/lo"
	echo 7 > "$V/cgroup/$1/lo/rue.priority" || fail "priority 7 for $1/lo"
}

# enable_controllers CGROUP: enable every controller for CGROUP's children.
enable_controllers() {
	echo "+cpuset +cpu +io +memory +pids" > "$CG/$1/cgroup.subtree_control"
}

# kill_cgroup CGROUP: kill every task in CGROUP and wait until it is empty.
kill_cgroup() {
	echo 1 > "$CG/$1/cgroup.kill"
	n=0
	while [ -n "$(cat "$CG/$1/cgroup.procs")" ]; do
		n=$((n + 1))
		[ $n -lt 50 ] || fail "tasks of $1 survive cgroup.kill"
		sleep 0.1
	done
}
