// SPDX-License-Identifier: GPL-2.0
/*
 * schedbench: context-switch-heavy workloads for measuring what probes on
 * the scheduler cost.
 *
 * Usage:
 *   schedbench pingpong ROUNDS
 *       two processes on CPU 0 pass a byte back and forth through two
 *       pipes; prints the mean ns per round trip (two switches)
 *   schedbench fanout RECEIVERS MESSAGES
 *       one sender writes each message to RECEIVERS processes through a
 *       pipe each, every process on any CPU; prints the mean ns per message
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void xpipe(int *p)
{
	if (pipe(p)) {
		perror("pipe");
		exit(2);
	}
}

static int pingpong(long rounds)
{
	int a[2], b[2];
	unsigned long long t0;
	cpu_set_t set;
	char c = 0;
	long i;
	pid_t pid;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		return 2;
	}
	xpipe(a);
	xpipe(b);
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < rounds; i++)
			if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
				_exit(2);
		_exit(0);
	}
	t0 = now_ns();
	for (i = 0; i < rounds; i++)
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			return 2;
	printf("%llu\n", (now_ns() - t0) / rounds);
	waitpid(pid, NULL, 0);
	return 0;
}

static int fanout(int receivers, long messages)
{
	int p[64][2], r;
	unsigned long long t0;
	char msg[64];
	long i;

	if (receivers < 1 || receivers > 64)
		return 2;
	memset(msg, 'x', sizeof(msg));
	for (r = 0; r < receivers; r++) {
		xpipe(p[r]);
		if (fork() == 0) {
			close(p[r][1]);
			for (i = 0; i < messages; i++)
				if (read(p[r][0], msg, sizeof(msg)) != sizeof(msg))
					_exit(2);
			_exit(0);
		}
		close(p[r][0]);
	}
	t0 = now_ns();
	for (i = 0; i < messages; i++)
		for (r = 0; r < receivers; r++)
			if (write(p[r][1], msg, sizeof(msg)) != sizeof(msg))
				return 2;
	for (r = 0; r < receivers; r++)
		wait(NULL);
	printf("%llu\n", (now_ns() - t0) / messages);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "pingpong"))
		return pingpong(atol(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "fanout"))
		return fanout(atoi(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: schedbench pingpong ROUNDS | fanout RECEIVERS MESSAGES\n");
	return 2;
}
