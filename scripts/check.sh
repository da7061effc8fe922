#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite: toolchain setup, host unit tests, kernels, module
# builds (W=1, clippy) and the guest suite on x86_64, arm64 and the x86_64
# debug kernel (KASAN, lockdep, kmemleak). Prints one summary line per part
# and a total; exits non-zero if anything failed.
#
# Usage: scripts/check.sh [TARGET...]
#   TARGET is ARCH-VARIANT: x86_64-release, arm64-release, x86_64-debug
#   (default: all three).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-release arm64-release x86_64-debug)

"$RFL_TOP/scripts/setup-toolchain.sh" || exit 1

summary=()
total_pass=0
total_fail=0
add() { # NAME PASS FAIL
	summary+=("$1: $2 passed, $3 failed")
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
}

log "host unit tests"
hostlog=$RFL_OUT/host-test.log
mkdir -p "$RFL_OUT"
cargo test --manifest-path "$RFL_TOP/tests/host/Cargo.toml" 2>&1 | tee "$hostlog"
hp=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' "$hostlog" | paste -sd+ | bc)
hf=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' "$hostlog" | paste -sd+ | bc)
[ -n "$hp" ] || { hp=0; hf=1; }
add host "$hp" "$hf"

for t in "${targets[@]}"; do
	arch=${t%-*}
	variant=${t##*-}
	log "$t: kernel, modules, guest tests"
	if ! kdir=$("$RFL_TOP/scripts/build-kernel.sh" "$arch" "$variant"); then
		add "$t" 0 1
		continue
	fi
	if ! "$RFL_TOP/scripts/build-modules.sh" "$arch" "$variant" "$kdir" >/dev/null; then
		add "$t" 0 1
		continue
	fi
	out=$("$RFL_TOP/scripts/run-guest.sh" test "$arch" "$variant")
	echo "$out"
	line=$(tail -n 1 <<<"$out")
	p=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' <<<"$line")
	f=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' <<<"$line")
	[ -n "$p" ] || { p=0; f=1; }
	add "$t" "$p" "$f"
done

echo
echo "== Summary"
printf '%s\n' "${summary[@]}"
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
