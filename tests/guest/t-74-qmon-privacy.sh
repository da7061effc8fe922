# SPDX-License-Identifier: GPL-2.0
# qmon's sli.events shows each reader only what it may see: task names
# escaped (a name cannot forge a record), pids as the reader's PID
# namespace numbers them (no task when it has none there), other users'
# tasks only to readers with CAP_SYS_PTRACE, stacks only with
# CAP_SYS_ADMIN; sli.max and sli.control writable by CAP_SYS_ADMIN only.
. /tests/lib.sh

setup_cgroupfs
load qmon
S=$V/cgroup
mkdir -p $CG/p/a $CG/p/b
echo "schedlat_sleep_threshold=50000" > $S/p/sli.control || fail "set a threshold"

# asleep CGROUP FIFO COMMAND...: run COMMAND -c "read x < FIFO" in
# CGROUP (COMMAND a shell), asleep for about a second (the debug kernel
# may take a good part of it to start the task), then waken by a write.
asleep() {
	c=$1 f=$2
	shift 2
	rm -f $f
	mkfifo -m 666 $f
	in_cgroup $c "$@" -c "read x < $f" &
	sleep 1
	echo > $f
	wait $!
}

# A task that names itself so as to start a second record.
mkfifo -m 666 /tmp/q1
in_cgroup p/a sh -c 'printf "x\ntime_ns=1 forged" > /proc/self/comm; read x < /tmp/q1' &
sleep 1
echo > /tmp/q1
wait $!
grep '^time_ns=' $S/p/a/sli.events
grep -q '^time_ns=1 ' $S/p/a/sli.events && fail "a task's name forged a record"
grep -q ' comm=x\\012time_ns=1\\040for$' $S/p/a/sli.events ||
	fail "no event with the name escaped"
echo "ok: comm escaped"

# Root's own task, seen by another user: no pid, no name, no stack.
n=$(grep -c '^time_ns=' $S/p/sli.events)
[ "$n" -ge 1 ] || fail "no events"
runas 1000 cat $S/p/sli.events > /tmp/user.out || fail "read as uid 1000"
cat /tmp/user.out
expect_eq "events a user sees" "$(grep -c '^time_ns=' /tmp/user.out)" "$n"
expect_eq "root's tasks shown to a user" "$(grep -c ' pid=[1-9]' /tmp/user.out)" 0
expect_eq "stack lines shown to a user" "$(grep -c '^	' /tmp/user.out)" 0
# That user's own task: pid and name, still no stack.
asleep p/b /tmp/q2 runas 1000 sh
runas 1000 cat $S/p/sli.events > /tmp/user.out
grep -q 'cgroup=/p/b pid=[1-9][0-9]* comm=sh$' /tmp/user.out ||
	fail "a user does not see their own task: $(cat /tmp/user.out)"
expect_eq "stack lines shown to a user" "$(grep -c '^	' /tmp/user.out)" 0
grep -q '^	' $S/p/sli.events || fail "root sees no stacks"
echo "ok: a user sees their own tasks, not root's, and no stacks"

# A reader in a new PID namespace: tasks outside it have no pid there.
runas -p 0 cat $S/p/sli.events > /tmp/pidns.out || fail "read in a PID namespace"
expect_eq "events seen in a PID namespace" "$(grep -c '^time_ns=' /tmp/pidns.out)" \
	"$(grep -c '^time_ns=' $S/p/sli.events)"
expect_eq "outside pids shown in a PID namespace" "$(grep -c ' pid=[1-9]' /tmp/pidns.out)" 0
# A task inside it, still running when it reads: its own pid there, 1.
rm -f /tmp/q3
mkfifo -m 666 /tmp/q3
runas -p 0 sh -c "echo \$\$ > $CG/p/b/cgroup.procs && read x < /tmp/q3 &&
	cat $S/p/b/sli.events" > /tmp/pidns.out &
sleep 1
echo > /tmp/q3
wait $! || fail "read in a PID namespace"
grep -q 'cgroup=/p/b pid=1 comm=sh$' /tmp/pidns.out ||
	fail "the namespace's first task is not pid 1: $(cat /tmp/pidns.out)"
grep -q 'cgroup=/p/b pid=1 comm=sh$' $S/p/b/sli.events &&
	fail "the initial namespace sees the namespace's pid"
echo "ok: pids as the reader's PID namespace numbers them"

# Writes need root (the files are root's, mode 0644) and CAP_SYS_ADMIN;
# reads by anyone change nothing.
for f in sli.max sli.control; do
	err=$(runas 1000 sh -c "echo reset > $S/p/$f" 2>&1) && fail "a user wrote $f"
	case $err in
	*"Permission denied"* | *"Operation not permitted"*) ;;
	*) fail "a user's write to $f: $err" ;;
	esac
done
m=$(awk '$1 == "schedlat_sleep" { print $2 }' $S/p/sli.max)
runas 1000 cat $S/p/sli.max > /dev/null
expect_eq "sli.max after a user read it" "$(awk '$1 == "schedlat_sleep" { print $2 }' $S/p/sli.max)" "$m"
echo "ok: users cannot write, and their reads reset nothing"

unload qmon
umount $V
rmdir $CG/p/a $CG/p/b $CG/p
