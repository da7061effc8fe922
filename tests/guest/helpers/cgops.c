// SPDX-License-Identifier: GPL-2.0
/*
 * cgops: time cgroup changes one at a time, the way a container runtime
 * makes them.
 *
 * Usage: cgops PARENT N MS [CPU [FILE]]
 * N rounds (at most 1000), MS milliseconds apart: create PARENT/opsI,
 * move itself into it, back into PARENT, and remove it. Prints the mean
 * time of a round in microseconds, from the end of its pause (when the
 * task was to wake up) to the end of the removal, and the median time
 * from the end of a pause to the task running again (its wake-up
 * latency). With CPU, runs on that CPU only; with FILE (a path in which
 * "%ld" is replaced by I), reads that file of the new cgroup once it is
 * in it, as a monitoring agent would.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "join.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	char dir[4096], file[4096], buf[8192];
	double total = 0, t, wake[1000];
	long i, n, ms;

	cpu_set_t cpus;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: cgops PARENT N MS [CPU [FILE]]\n");
		return 2;
	}
	if (argc >= 5) {
		CPU_ZERO(&cpus);
		CPU_SET(atoi(argv[4]), &cpus);
		if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
			perror("cgops: sched_setaffinity");
			return 1;
		}
	}
	n = atol(argv[2]);
	ms = atol(argv[3]);
	if (n < 1 || n > 1000) {
		fprintf(stderr, "cgops: 1 to 1000 rounds\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		t = now_us() + ms * 1000;
		usleep(ms * 1000);
		wake[i] = now_us() - t;
		snprintf(dir, sizeof(dir), "%s/ops%ld", argv[1], i);
		if (mkdir(dir, 0755) || join(dir)) {
			perror(dir);
			return 1;
		}
		if (argc == 6) {
			int fd;

			snprintf(file, sizeof(file), argv[5], i);
			fd = open(file, O_RDONLY);
			if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) {
				perror(file);
				return 1;
			}
			close(fd);
		}
		if (join(argv[1]) || rmdir(dir)) {
			perror(dir);
			return 1;
		}
		total += now_us() - t;
	}
	qsort(wake, n, sizeof(wake[0]), cmp);
	printf("%.0f %.0f\n", total / n, wake[n / 2]);
	return 0;
}
