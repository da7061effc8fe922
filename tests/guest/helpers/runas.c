// SPDX-License-Identifier: GPL-2.0
/*
 * runas: run a command as another user, optionally in a new PID namespace
 * (busybox has no su without a user database).
 *
 * Usage: runas [-p] [-c CPU] UID COMMAND [ARG...]
 *   -p  in a new PID namespace: the command is its first task, and runas
 *       waits for it and exits with its status
 *   -c  on CPU only
 * The command runs with user and group id UID, no supplementary groups and
 * no capabilities.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int newpid = 0, i = 1, status;
	cpu_set_t cpus;
	uid_t uid;
	pid_t child;

	if (i < argc && !strcmp(argv[i], "-p")) {
		newpid = 1;
		i++;
	}
	if (i + 1 < argc && !strcmp(argv[i], "-c")) {
		CPU_ZERO(&cpus);
		CPU_SET(atoi(argv[i + 1]), &cpus);
		if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
			perror("runas: sched_setaffinity");
			return 1;
		}
		i += 2;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: runas [-p] [-c CPU] UID COMMAND [ARG...]\n");
		return 2;
	}
	uid = strtoul(argv[i++], NULL, 10);
	if (newpid) {
		if (unshare(CLONE_NEWPID)) {
			perror("runas: unshare");
			return 1;
		}
		child = fork();
		if (child < 0) {
			perror("runas: fork");
			return 1;
		}
		if (child > 0) {
			if (waitpid(child, &status, 0) < 0)
				return 1;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		}
	}
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		perror("runas: set ids");
		return 1;
	}
	execvp(argv[i], argv + i);
	perror("runas: exec");
	return 127;
}
