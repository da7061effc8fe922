# SPDX-License-Identifier: GPL-2.0
# Notifications of per-cgroup files, as kernfs files have them: poll and
# epoll report news to every waiter until the file is read again from
# offset 0, which renders it anew; a read from offset 0 of any file after
# an earlier read shows the present (tools keep /proc files open and read
# them again); files splice like procfs's. cgroupfs.role notifies its
# pollers when it changes.
. /tests/lib.sh

setup_cgroupfs
mkdir -p $CG/pl $CG/pl2
F=$V/cgroup/pl/cgroupfs.role

# steps FILE ACTION STEP...: runs pollfile FILE STEP... (in cgroup $PF_CG
# if set) and, once it waits, the shell command ACTION; prints pollfile's
# output on one line.
steps() {
	f=$1
	action=$2
	shift 2
	rm -f /tmp/pf.in /tmp/pf.out
	mkfifo /tmp/pf.in
	${PF_CG:+in_cgroup $PF_CG} pollfile "$f" "$@" < /tmp/pf.in > /tmp/pf.out &
	pid=$!
	exec 4> /tmp/pf.in
	n=0
	until grep -q '^wait' /tmp/pf.out 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 200 ] || fail "pollfile $f $* never waited"
		sleep 0.05
	done
	eval "$action"
	echo go >&4
	exec 4>&-
	wait $pid || fail "pollfile $f $*: exit $?"
	tr '\n' ' ' < /tmp/pf.out | sed 's/ $//'
}

echo 0 > $F
# An epoll set up after the notification still reports it.
expect_eq "epoll added after a notification" \
	"$(steps $F 'echo 1 > $F' wait epoll 2000)" "wait epoll event"
# Two threads waiting on one file both see it.
expect_eq "two pollers of one file" \
	"$(steps $F '(sleep 0.5; echo 0 > $F) &' wait two 5000)" "wait two 2"
# The event stands until the file is read again from the start, which
# shows the new value and takes the news as seen.
expect_eq "poll, poll, reread, poll" \
	"$(steps $F 'echo 1 > $F' poll 0 wait poll 0 poll 0 reread poll 0)" \
	"poll none wait poll event poll event reread 1 poll none"
# News of the same file in another cgroup is none of this file's.
expect_eq "another cgroup's news" \
	"$(steps $F 'echo 1 > $V/cgroup/pl2/cgroupfs.role' wait poll 500)" "wait poll none"

echo 0 > $F
# A view read again from the start shows the present; views splice.
echo $((64 << 20)) > $CG/pl/memory.max
expect_eq "meminfo read again from the start" \
	"$(PF_CG=pl steps $V/proc/meminfo 'echo $((32 << 20)) > $CG/pl/memory.max' \
		reread wait reread | tr -s ' ')" \
	"reread MemTotal: 65536 kB wait reread MemTotal: 32768 kB"
expect_eq "splice of a view" "$(PF_CG=pl steps $V/proc/meminfo '' wait splice | tr -s ' ')" \
	"wait splice MemTotal: 32768 kB"
expect_eq "splice of a per-cgroup file" "$(steps $F '' wait splice)" "wait splice 0"
rmdir $CG/pl $CG/pl2
