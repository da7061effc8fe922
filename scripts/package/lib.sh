# SPDX-License-Identifier: GPL-2.0
#
# Shared by the packaging scripts, after scripts/lib.sh. Sourced, not run.
# (Kept out of scripts/lib.sh, whose contents are part of the kernels'
# cache key.)

# The packaging's name for kernel architecture ARCH: FORMAT deb or rpm.
pkg_arch() {
	case $1-$2 in
	x86_64-deb) echo amd64 ;;
	x86_64-rpm) echo x86_64 ;;
	arm64-deb) echo arm64 ;;
	arm64-rpm) echo aarch64 ;;
	*) die "no $2 architecture for '$1'" ;;
	esac
}
