# SPDX-License-Identifier: GPL-2.0
#
# The benchmarks, each printing "bench: " lines with its ratios. rfl.only=
# on the kernel command line (RFL_ONLY of run-guest.sh) picks some by name:
# cgroupfs, qmon, rue, rueio.

parts="cgroupfs qmon rue rueio"
for arg in $(cat /proc/cmdline); do
	case $arg in rfl.only=*) parts=$(echo "${arg#rfl.only=}" | tr ',' ' ') ;; esac
done
for p in $parts; do
	[ -f /tests/bench-$p.sh ] || { echo "bench: no benchmark '$p'"; continue; }
	sh /tests/bench-$p.sh
	. /tests/lib.sh
	unload_all > /dev/null 2>&1
	# A module left loaded would make the next benchmark measure nothing.
	for m in cgroup_hello qmon rue cgroupfs; do
		[ ! -d /sys/module/$m ] || echo "bench: FAIL: $m still loaded after the $p benchmark"
	done
done
