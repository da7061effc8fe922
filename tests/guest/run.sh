# SPDX-License-Identifier: GPL-2.0
#
# Runs every /tests/t-*.sh in order, each in its own shell under a timeout,
# and reports in kselftest TAP. Exit 4 from a test means skipped.

TEST_TIMEOUT=${TEST_TIMEOUT:-120}
tests=$(ls /tests/t-*.sh)
# rfl.only=WORD,WORD on the kernel command line: only the tests whose names
# contain one of the words.
for arg in $(cat /proc/cmdline); do
	case $arg in rfl.only=*)
		only=$(echo "${arg#rfl.only=}" | tr ',' ' ')
		tests=$(for t in $tests; do
			for w in $only; do
				case $(basename "$t") in *"$w"*) echo "$t"; break ;; esac
			done
		done)
		;;
	esac
done
n=$(echo "$tests" | wc -l)

# kmemleak (debug kernels): forget what boot left, so that the final scan
# (t-90) reports only what the tests leaked, and scan only then.
K=/sys/kernel/debug/kmemleak
if [ -e $K ]; then
	echo scan > $K
	echo clear > $K
	echo scan=off > $K
fi

# The console is quiet during tests (see /init), so the kernel log goes to
# the console after every test instead, where the host scans it for
# warnings, bugs and sanitizer reports. Boot messages were printed already.
dmesg -c > /dev/null

echo "TAP version 13"
echo "1..$n"
i=0
for t in $tests; do
	i=$((i + 1))
	name=$(basename "$t" .sh)
	echo "# running $name"
	# A test may need longer: a line "# timeout: SECONDS" in it.
	limit=$(sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' "$t")
	[ -n "$limit" ] && [ "$limit" -gt "$TEST_TIMEOUT" ] || limit=$TEST_TIMEOUT
	timeout -s KILL "$limit" sh "$t" > /tmp/out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/out
	dmesg -c | sed 's/^/# dmesg: /'
	# Processes the test left behind (a killed test's background tasks,
	# reparented to init) go first: their open files would pin modules.
	left=$(ps -o pid,ppid | awk -v me=$$ '$2 == 1 && $1 != me { print $1 }')
	if [ -n "$left" ]; then
		kill -KILL $left 2>/dev/null
		n=0
		while [ $n -lt 50 ]; do
			alive=
			for p in $left; do
				grep -qs '^State:.*[^Z] (' /proc/$p/status && alive=1
			done
			[ -n "$alive" ] || break
			sleep 0.1
			n=$((n + 1))
		done
	fi
	# Leave no module of ours behind for the next test.
	. /tests/lib.sh
	unload_all > /dev/null 2>&1
	case $rc in
	0) echo "ok $i $name" ;;
	4) echo "ok $i $name # SKIP" ;;
	137) echo "not ok $i $name # TIMEOUT after ${limit}s" ;;
	*) echo "not ok $i $name # exit $rc" ;;
	esac
done
echo "# rfl-tests-complete"
