# SPDX-License-Identifier: GPL-2.0
# On kernels with kmemleak (the debug variant): after the tests above have
# loaded and unloaded every module, no unreferenced object is reported.
. /tests/lib.sh

K=/sys/kernel/debug/kmemleak
[ -e $K ] || skip "kernel without kmemleak"
# Objects younger than 5 s are not reported: load/unload once more, wait.
load cgroupfs; load qmon; load rue
unload rue; unload qmon; unload cgroupfs
sleep 6
echo scan > $K
echo scan > $K
leaks=$(cat $K)
if [ -n "$leaks" ]; then
	echo "$leaks" | head -60
	fail "kmemleak reports unreferenced objects"
fi
echo "ok: kmemleak reports nothing"
