#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the build and test tooling itself: the Makefile's KDIR
# checks and the console-log summary (scripts/tap-summary.sh). Needs no
# kernel. Prints "build-tools: N passed, N failed".

set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# check NAME EXPECTED_STATUS(0|nonzero) GREP_PATTERN -- COMMAND...
check() {
	local name=$1 want=$2 pattern=$3 out rc=0
	shift 4
	out=$("$@" 2>&1) || rc=$?
	if { [ "$want" = 0 ] && [ $rc -ne 0 ]; } || { [ "$want" != 0 ] && [ $rc -eq 0 ]; }; then
		echo "not ok - $name: exit status $rc"
		echo "$out" | sed 's/^/#   /'
		fail=$((fail + 1))
	elif ! grep -qE -- "$pattern" <<<"$out"; then
		echo "not ok - $name: output lacks /$pattern/"
		echo "$out" | sed 's/^/#   /'
		fail=$((fail + 1))
	else
		echo "ok - $name"
		pass=$((pass + 1))
	fi
}

# --- KDIR checks of the top-level Makefile -------------------------------
check "make without KDIR names KDIR" nonzero 'KDIR is not set' -- \
	make -s -C "$top" modules KDIR=
mkdir -p "$tmp/norust/include/config"
touch "$tmp/norust/Makefile"
echo 'CONFIG_MODULES=y' >"$tmp/norust/include/config/auto.conf"
check "KDIR without CONFIG_RUST is refused" nonzero 'without CONFIG_RUST=y' -- \
	make -s -C "$top" modules KDIR="$tmp/norust"
mkdir -p "$tmp/nometa/include/config"
touch "$tmp/nometa/Makefile"
printf 'CONFIG_MODULES=y\nCONFIG_RUST=y\n' >"$tmp/nometa/include/config/auto.conf"
check "KDIR without Rust metadata names libkernel.rmeta" nonzero 'rust/libkernel.rmeta' -- \
	make -s -C "$top" modules KDIR="$tmp/nometa"
mkdir -p "$tmp/oldrustc/include/config" "$tmp/oldrustc/rust"
touch "$tmp/oldrustc/Makefile" "$tmp/oldrustc/rust/libkernel.rmeta"
printf 'CONFIG_RUST=y\nCONFIG_RUSTC_VERSION_TEXT="rustc 1.78.0 (9b00956e5 2024-04-29)"\n' >"$tmp/oldrustc/include/config/auto.conf"
check "a rustc other than the kernel's is refused before building" nonzero "built with 'rustc 1.78.0.*exact same rustc" -- \
	make -s -C "$top" modules KDIR="$tmp/oldrustc"
check "KDIR that is no kernel tree is refused" nonzero 'not a kernel build tree' -- \
	make -s -C "$top" modules KDIR="$tmp/nothing"

# --- console-log summary --------------------------------------------------
good='TAP version 13
1..2
ok 1 t-a
ok 2 t-b # SKIP
# rfl-tests-complete'
printf '%s\n' "$good" >"$tmp/good.log"
check "summary of a clean run" 0 '^g: 2 passed, 0 failed, 1 skipped$' -- \
	"$top/scripts/tap-summary.sh" g "$tmp/good.log"

printf '%s\n' "$good" '[    3.1] WARNING: CPU: 0 PID: 1 at foo.c:1 bar+0x1/0x2' >"$tmp/warn.log"
check "a kernel WARNING fails the run" nonzero 'w: 1 passed, 1 failed' -- \
	"$top/scripts/tap-summary.sh" w "$tmp/warn.log"

printf '%s\n' 'TAP version 13' '1..3' 'ok 1 t-a' '[    9.0] BUG: KASAN: slab-use-after-free' >"$tmp/crash.log"
check "a crash counts unreported tests as failed" nonzero 'c: 1 passed, 3 failed' -- \
	"$top/scripts/tap-summary.sh" c "$tmp/crash.log"

printf '%s\n' 'Booting...' >"$tmp/noplan.log"
check "a guest that never ran the suite fails" nonzero 'never started' -- \
	"$top/scripts/tap-summary.sh" n "$tmp/noplan.log"

printf '%s\r\n' 'TAP version 13' '1..1' 'not ok 1 t-x # exit 1' '# rfl-tests-complete' >"$tmp/fail.log"
check "a failed test is named, with the log path" nonzero "not ok 1 t-x.*|console log: $tmp/fail.log" -- \
	"$top/scripts/tap-summary.sh" f "$tmp/fail.log"

# --- source formatting ------------------------------------------------------
rustfmt=${RUSTFMT:-/usr/bin/rustfmt}
if [ -x "$rustfmt" ]; then
	check "Rust sources are rustfmt-clean" 0 '^$' -- \
		sh -c "cd '$top' && git ls-files -co --exclude-standard -z '*.rs' | xargs -0 '$rustfmt' --check --config-path .rustfmt.toml -l"
fi

echo "build-tools: $pass passed, $fail failed"
[ $fail -eq 0 ]
