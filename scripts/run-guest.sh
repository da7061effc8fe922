#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a test kernel in QEMU with the project's modules in its initramfs.
#
# Usage: scripts/run-guest.sh MODE [ARCH] [VARIANT]
#   MODE     test   run the guest test suite; print "<ARCH>-<VARIANT>: N passed,
#                   N failed"; exit non-zero on any failure
#            demo   run the scripted demo on the console
#            shell  interactive shell (Ctrl-A X quits QEMU)
#            bench  run the benchmarks (tests/guest/bench.sh) and print them
#   ARCH     x86_64 (default) or arm64
#   VARIANT  release (default) or debug
#
# Builds whatever is missing first (kernel, modules, initramfs). The console
# log is kept in build/guest/ARCH-VARIANT/console-MODE.log.
#
# Environment: BOOT_TIMEOUT (seconds for the whole boot; default 600 for
# debug kernels, 300 otherwise), TEST_TIMEOUT (seconds per test, 120),
# QEMU_SMP (virtual CPUs, 4), QEMU_MEM (MiB, 1024), RFL_MODS (a directory of
# modules built elsewhere to use instead of building them), RFL_TAG (a word
# added to the run's name and log, e.g. "headers"), RFL_EXTRA_ROOT (a tree
# added to the guest's root, e.g. installed packages), RFL_KERNEL (a kernel
# image to boot instead of the build tree's, e.g. one installed from a
# package; it must be the same kernel release), RFL_ONLY (run only
# the tests whose names contain one of these comma-separated words, e.g.
# "qmon,params"), QEMU_ICOUNT (a shift N: emulate with instruction
# counting, each guest instruction 2^N ns of guest time and all CPUs in one
# host thread, so that guest time measures instructions executed, not how
# fast the host emulates them).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-test}
arch=$(kernel_arch "${2:-x86_64}")
variant=${3:-release}
case $mode in test | demo | shell | bench) ;; *) die "unknown mode '$mode' (test, demo, shell or bench)" ;; esac

# On a fresh machine this installs the toolchain; later it only checks.
"$RFL_TOP/scripts/setup-toolchain.sh" >&2
kdir=$("$RFL_TOP/scripts/build-kernel.sh" "$arch" "$variant")
# RFL_MODS: use modules built elsewhere (e.g. against a headers directory).
mods=${RFL_MODS:-$("$RFL_TOP/scripts/build-modules.sh" "$arch" "$variant" "$kdir")}
gdir=$RFL_OUT/guest/$arch-$variant
mkdir -p "$gdir"
initrd=$gdir/initramfs-$mode.cpio.gz
"$RFL_TOP/scripts/build-initramfs.sh" "$arch" "$mods" "$kdir" "$initrd" "$mode"

# The whole suite takes about 20 minutes on the debug kernel on 2 cores,
# more when the host is busy: its limit leaves room for that.
[ "$variant" = debug ] && default_timeout=1800 || default_timeout=600
boot_timeout=${BOOT_TIMEOUT:-$default_timeout}
cmdline="rfl.mode=$mode panic=-1 TEST_TIMEOUT=${TEST_TIMEOUT:-120}"
[ -z "${RFL_ONLY:-}" ] || cmdline="$cmdline rfl.only=$RFL_ONLY"
case $mode in demo | bench) cmdline="$cmdline loglevel=1" ;; esac
[ -z "${QEMU_ICOUNT:-}" ] || cmdline="$cmdline rfl.icount=$QEMU_ICOUNT"
[ "$mode" = bench ] && boot_timeout=${BOOT_TIMEOUT:-1800}

# TCG, not KVM: nested KVM hangs these guests.
qemu=(-accel tcg -m "${QEMU_MEM:-1024}" -smp "${QEMU_SMP:-4}" -nographic -no-reboot
	-initrd "$initrd")
[ -z "${QEMU_ICOUNT:-}" ] || qemu+=(-icount "shift=$QEMU_ICOUNT,sleep=off")
case $arch in
x86_64)
	qemu=(qemu-system-x86_64 "${qemu[@]}" -kernel "${RFL_KERNEL:-$kdir/arch/x86/boot/bzImage}"
		-append "console=ttyS0 $cmdline")
	;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu cortex-a72 "${qemu[@]}"
		-kernel "${RFL_KERNEL:-$kdir/arch/arm64/boot/Image}" -append "console=ttyAMA0 $cmdline")
	;;
esac

name=$arch-$variant${RFL_TAG:+-$RFL_TAG}
log=$gdir/console-$mode${RFL_TAG:+-$RFL_TAG}.log
case $mode in
shell)
	exec "${qemu[@]}"
	;;
demo)
	timeout --foreground -k 5 "$boot_timeout" "${qemu[@]}" </dev/null | tee "$log"
	grep -q '^rfl-guest: done' "$log" || die "the demo did not finish (log: $log)"
	;;
bench)
	log "booting $arch-$variant guest for the benchmarks (log: $log)"
	timeout -k 5 "$boot_timeout" "${qemu[@]}" </dev/null >"$log" 2>&1 || true
	tr -d '\r' <"$log" | sed -n 's/^bench: //p'
	grep -q '^rfl-guest: done' "$log" || die "the benchmarks did not finish (log: $log)"
	! tr -d '\r' <"$log" | grep -qE '^(bench: )?FAIL' || die "a benchmark failed (log: $log)"
	;;
test)
	# Under TCG a vCPU's timer interrupt is, rarely, never delivered: its
	# timers stop for good and RCU grace periods with them, which hangs
	# the guest (RCU says "kthread timer wakeup didn't happen" and names
	# an idle CPU). Such a guest is stopped as soon as RCU says so, and
	# only such a run is repeated, once, keeping its log.
	stall="kthread timer wakeup didn't happen"
	for attempt in 1 2; do
		log "booting $name guest for the test suite (log: $log)"
		rc=0
		: >"$log"
		timeout -k 5 "$boot_timeout" "${qemu[@]}" </dev/null >"$log" 2>&1 &
		guest=$!
		while kill -0 $guest 2>/dev/null; do
			if grep -q "$stall" "$log"; then
				kill $guest 2>/dev/null || true
				break
			fi
			sleep 5
		done
		wait $guest || rc=$?
		[ $rc -eq 124 ] && log "guest killed after ${boot_timeout}s (log: $log)"
		rc=0
		"$RFL_TOP/scripts/tap-summary.sh" "$name" "$log" || rc=$?
		if [ $rc -eq 0 ] || [ $attempt -eq 2 ] || ! grep -q "$stall" "$log"; then
			exit $rc
		fi
		stalled=${log%.log}-timer-stall.log
		mv "$log" "$stalled"
		log "WARNING: a vCPU of the $name guest stopped getting timer interrupts (log: $stalled); running the suite again"
	done
	;;
esac
