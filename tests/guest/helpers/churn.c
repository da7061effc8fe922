// SPDX-License-Identifier: GPL-2.0
/*
 * churn: create and remove cgroups in a loop, without a process per step.
 *
 * Usage: churn PARENT N [FILE]
 * Creates and removes PARENT/cI for I in 0..N-1; every 100th cgroup, moves
 * itself into it for a moment, and reads FILE (a path in which "%d" is
 * replaced by I), if given, before moving back to PARENT.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "join.h"

static int slurp(const char *path)
{
	char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	char dir[4096], file[4096];
	long i, n;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: churn PARENT N [FILE]\n");
		return 2;
	}
	n = atol(argv[2]);
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/c%ld", argv[1], i);
		if (mkdir(dir, 0755)) {
			perror(dir);
			return 1;
		}
		if (i % 100 == 0) {
			if (join(dir))
				return 1;
			if (argc == 4) {
				snprintf(file, sizeof(file), argv[3], (int)i);
				if (slurp(file)) {
					perror(file);
					return 1;
				}
			}
			if (join(argv[1]))
				return 1;
		}
		if (rmdir(dir)) {
			perror(dir);
			return 1;
		}
	}
	return 0;
}
