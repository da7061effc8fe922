#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite: toolchain setup, host unit tests, tests of the build
# tooling, kernels, module builds (W=1, clippy, modules_install) and the
# guest suite on x86_64, arm64 and the x86_64 debug kernel (KASAN, lockdep,
# kmemleak), once more on x86_64 with the modules built against a headers
# directory plus scripts/rust-headers.sh, and the install-and-boot test of
# the kernel's and the modules' Debian, DKMS and RPM packages
# (scripts/test-packages.sh). Prints one summary line per part and a total;
# exits non-zero if anything failed.
#
# Usage: scripts/check.sh [TARGET...]
#   TARGET is ARCH-VARIANT: x86_64-release, arm64-release, x86_64-debug
#   (default: all three).

set -uo pipefail
. "$(dirname "$0")/lib.sh"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-release arm64-release x86_64-debug)

# The time of each phase, printed with the summary, so that the budget
# (a fresh machine under 80 minutes, a warm one under 35) stays visible.
times=()
t_start=$(date +%s)
t_last=$t_start
# lap NAME: the time since the last lap is NAME's.
lap() {
	local now
	now=$(date +%s)
	times+=("$(printf '%-16s %4d:%02d' "$1" $(((now - t_last) / 60)) $(((now - t_last) % 60)))")
	t_last=$now
}

"$RFL_TOP/scripts/setup-toolchain.sh" || exit 1
mkdir -p "$RFL_OUT"
lap toolchain

summary=()
total_pass=0
total_fail=0
# add NAME PASS FAIL
add() {
	summary+=("$1: $2 passed, $3 failed")
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
}
# add_counts NAME TEXT: adds the sums of every "N passed ... N failed" in TEXT;
# a part that reported no count at all counts as one failure.
add_counts() {
	local p f
	p=$(grep -oE '[0-9]+ passed' <<<"$2" | awk '{s += $1} END {print s + 0}')
	f=$(grep -oE '[0-9]+ failed' <<<"$2" | awk '{s += $1} END {print s + 0}')
	grep -qE '[0-9]+ passed' <<<"$2" || f=$((f + 1))
	add "$1" "$p" "$f"
}

log "build and harness tests"
out=$("$RFL_TOP/tests/build/run.sh")
echo "$out"
add_counts build-tools "$(tail -n 1 <<<"$out")"
lap build-tools

log "host unit tests"
out=$(cargo test --manifest-path "$RFL_TOP/tests/host/Cargo.toml" 2>&1)
echo "$out"
add_counts host "$(grep '^test result:' <<<"$out")"
lap host

for t in "${targets[@]}"; do
	arch=${t%-*}
	variant=${t##*-}
	log "$t: kernel, modules, guest tests"
	if ! kdir=$("$RFL_TOP/scripts/build-kernel.sh" "$arch" "$variant") ||
		! "$RFL_TOP/scripts/build-modules.sh" "$arch" "$variant" "$kdir" >/dev/null; then
		add "$t" 0 1
		lap "$t-build"
		continue
	fi
	lap "$t-build"
	out=$("$RFL_TOP/scripts/run-guest.sh" test "$arch" "$variant")
	echo "$out"
	add_counts "$t" "$(tail -n 1 <<<"$out")"
	lap "$t"
done

# The modules as a distro user builds them: against a headers directory.
case " ${targets[*]} " in
*" x86_64-release "*)
	log "x86_64-headers: modules built against kernel headers plus Rust metadata"
	out=$("$RFL_TOP/scripts/test-headers.sh" x86_64 release)
	echo "$out"
	add_counts x86_64-headers "$(tail -n 1 <<<"$out")"
	lap x86_64-headers
	log "x86_64-packages: deb, DKMS and rpm packages installed into roots that boot"
	out=$("$RFL_TOP/scripts/test-packages.sh" x86_64)
	echo "$out"
	add_counts x86_64-packages "$(tail -n 1 <<<"$out")"
	lap x86_64-packages
	;;
esac
case " ${targets[*]} " in
*" arm64-release "*)
	log "arm64-packages: deb and rpm packages installed into roots that boot"
	out=$("$RFL_TOP/scripts/test-packages.sh" arm64)
	echo "$out"
	add_counts arm64-packages "$(tail -n 1 <<<"$out")"
	lap arm64-packages
	;;
esac

echo
echo "== Time per phase (min:s)"
printf '%s\n' "${times[@]}"
now=$(date +%s)
printf '%-16s %4d:%02d\n' total $(((now - t_start) / 60)) $(((now - t_start) % 60))
echo
echo "== Summary"
printf '%s\n' "${summary[@]}"
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
