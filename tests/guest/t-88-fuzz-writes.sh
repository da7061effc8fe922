# SPDX-License-Identifier: GPL-2.0
# Random and boundary writes (empty, huge, non-UTF-8, signs, overflow,
# every separator, several lines, values split across two writes) to every
# writable file of every module, in the root cgroup and in a child, and to
# every writable module parameter, while cgroups are created and removed
# meanwhile: every write succeeds or fails with an errno, a rejected write
# leaves the file as it was (wfuzz checks both), and the kernel reports
# nothing (the harness scans the log: KASAN, lockdep and kmemleak on the
# debug kernel). At least 100,000 writes on the debug kernel.
# timeout: 600
. /tests/lib.sh

setup_rue
load qmon
mkdir -p $CG/fz/a
enable_controllers fz

files=$(for d in $V/cgroup $V/cgroup/fz/a; do
	for f in $d/*; do
		[ -f "$f" ] || continue
		# sli.max changes by itself (it keeps the peaks).
		case $(stat -c %A "$f") in
		?-w* | ??w*) case $f in */sli.max) echo "~$f" ;; *) echo "$f" ;; esac ;;
		esac
	done
done
for f in /sys/module/cgroupfs/parameters/* /sys/module/qmon/parameters/* \
	/sys/module/rue/parameters/*; do
	case $(stat -c %A "$f") in ?-w* | ?rw*) echo "$f" ;; esac
done)
echo "$(echo "$files" | wc -l) writable files:" $files

# Cgroups come and go beside the fuzzed ones all along (under a parent
# without controllers for its children, which churn may join).
mkdir -p $CG/fzc
(while churn $CG/fzc 20; do sleep 0.1; done) > /tmp/churn.out 2>&1 &
churner=$!

n=20000
[ -e /sys/kernel/debug/kmemleak ] && n=100000
seed=$(date +%s)
echo "seed $seed"
# In pieces, so that each piece's seed can replay it.
i=0
while [ $i -lt $((n / 10000)) ]; do
	t0=$(cut -d' ' -f1 /proc/uptime)
	wfuzz $((seed + i)) 10000 $files || fail "wfuzz seed $((seed + i)) failed"
	echo "in $(awk -v a=$t0 -v b=$(cut -d' ' -f1 /proc/uptime) 'BEGIN { print b - a }') s"
	i=$((i + 1))
done
kill -0 $churner 2>/dev/null || fail "churn stopped: $(cat /tmp/churn.out)"
kill $churner
wait $churner 2>/dev/null

# Still working: the modules take good values and unload.
echo 3 > $V/cgroup/fz/a/rue.priority || fail "rue.priority after the fuzz"
expect_eq "rue.priority" "$(cat $V/cgroup/fz/a/rue.priority)" 3
echo 0 > /sys/module/qmon/parameters/enabled
echo 1 > /sys/module/qmon/parameters/enabled || fail "qmon enabled after the fuzz"
rmdir $CG/fz/a $CG/fz $CG/fzc/c* $CG/fzc 2>/dev/null
echo "ok: $n fuzzed writes"
