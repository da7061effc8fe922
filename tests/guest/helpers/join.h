/* SPDX-License-Identifier: GPL-2.0 */
/* join(DIR): moves the calling process into the cgroup at DIR; 0 or -1. */
#ifndef RFL_HELPERS_JOIN_H
#define RFL_HELPERS_JOIN_H

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int join(const char *dir)
{
	char path[4096], pid[32];
	int fd, n, ok;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = snprintf(pid, sizeof(pid), "%d", getpid());
	ok = write(fd, pid, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

#endif
