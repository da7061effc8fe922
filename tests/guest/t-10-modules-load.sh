# SPDX-License-Identifier: GPL-2.0
# Every module loads, shows up in /sys/module with its parameters, and
# unloads cleanly; several times over, so leaks show in kmemleak.
. /tests/lib.sh

for round in 1 2 3; do
	for m in cgroupfs qmon rue; do
		load $m
		[ -d /sys/module/$m/parameters ] || fail "$m: no parameters directory"
	done
	grep -q '^cgroupfs ' /proc/modules || fail "cgroupfs not in /proc/modules"
	for m in rue qmon cgroupfs; do
		unload $m
	done
done
echo "ok: 3 load/unload rounds"

dmesg | grep -q 'cgroupfs: registered (enabled=1)' || fail "no cgroupfs init message"
dmesg | grep -q 'qmon: unloaded' || fail "no qmon exit message"
