#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Summarise a guest console log: the TAP results of the test suite plus one
# "console" check that fails on any kernel warning, bug, oops, lockdep,
# KASAN or kmemleak report, or when the suite did not run to its end.
#
# Usage: scripts/tap-summary.sh NAME LOG
# Prints failed test names, then "NAME: N passed, N failed, N skipped".
# Exit status 0 when nothing failed.

set -euo pipefail
name=$1
log=$2

# Console lines may carry \r from the serial line.
text=$(tr -d '\r' <"$log")
plan=$(grep -oE '^1\.\.[0-9]+' <<<"$text" | head -n 1 | cut -d. -f3) || true
pass=$(grep -cE '^ok [0-9]+ ' <<<"$text") || true
skip=$(grep -cE '^ok [0-9]+ .*# SKIP' <<<"$text") || true
fail=$(grep -cE '^not ok [0-9]+ ' <<<"$text") || true
pass=$((pass - skip))

grep -E '^not ok [0-9]+ ' <<<"$text" | sed "s/^/$name: /" || true

# Tests the plan announced that never reported count as failed.
if [ -z "$plan" ]; then
	echo "$name: the test suite never started"
	fail=$((fail + 1))
else
	missing=$((plan - pass - skip - fail))
	if [ $missing -gt 0 ]; then
		echo "$name: $missing tests did not report (guest crashed or hung)"
		fail=$((fail + missing))
	fi
fi

bad='WARNING:|BUG:|Oops|Kernel panic|KASAN|UBSAN|kernel read not supported|possible circular locking|inconsistent lock state|possible recursive locking|suspicious RCU usage|kmemleak: .*new suspected|Call Trace:|rust_panic|panicked at'
if grep -qE "$bad" <<<"$text" || ! grep -q '^# rfl-tests-complete' <<<"$text"; then
	echo "$name: not ok console (kernel reports or an unfinished run):"
	grep -nE "$bad" <<<"$text" | head -n 20 | sed 's/^/    /' || true
	fail=$((fail + 1))
else
	pass=$((pass + 1))
fi

[ $fail -eq 0 ] || echo "$name: console log: $log"
echo "$name: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
