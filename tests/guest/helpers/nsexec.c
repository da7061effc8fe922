// SPDX-License-Identifier: GPL-2.0
/*
 * nsexec: run a command in new namespaces (what busybox unshare lacks).
 *
 * Usage: nsexec [-C] [-m] COMMAND [ARG...]
 *   -C  new cgroup namespace, rooted at the caller's current cgroup
 *   -m  new mount namespace
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int flags = 0, i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-C"))
			flags |= CLONE_NEWCGROUP;
		else if (!strcmp(argv[i], "-m"))
			flags |= CLONE_NEWNS;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: nsexec [-C] [-m] COMMAND [ARG...]\n");
		return 2;
	}
	if (flags && unshare(flags)) {
		perror("nsexec: unshare");
		return 1;
	}
	execvp(argv[i], argv + i);
	perror("nsexec: exec");
	return 127;
}
