// SPDX-License-Identifier: GPL-2.0
/*
 * readbench: time open + read-to-EOF + close of a file.
 *
 * Usage: readbench FILE ITERATIONS READERS
 * READERS processes each do ITERATIONS timed rounds at the same time.
 * Prints "mean_ns p99_ns rounds" over all rounds of all readers.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	unsigned long long *lat, sum = 0;
	long iters, readers, n, i, r;
	char buf[65536];

	if (argc != 4) {
		fprintf(stderr, "usage: readbench FILE ITERATIONS READERS\n");
		return 2;
	}
	iters = atol(argv[2]);
	readers = atol(argv[3]);
	if (iters < 1 || readers < 1)
		return 2;
	n = iters * readers;
	lat = mmap(NULL, n * sizeof(*lat), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (lat == MAP_FAILED)
		return 1;
	for (r = 0; r < readers; r++) {
		if (fork() == 0) {
			for (i = 0; i < iters; i++) {
				unsigned long long t = now_ns();
				int fd = open(argv[1], O_RDONLY);

				if (fd < 0)
					_exit(1);
				while (read(fd, buf, sizeof(buf)) > 0)
					;
				close(fd);
				lat[r * iters + i] = now_ns() - t;
			}
			_exit(0);
		}
	}
	for (r = 0; r < readers; r++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "readbench: a reader failed on %s\n",
				argv[1]);
			return 1;
		}
	}
	qsort(lat, n, sizeof(*lat), cmp);
	for (i = 0; i < n; i++)
		sum += lat[i];
	printf("%llu %llu %ld\n", sum / n, lat[n * 99 / 100], n);
	return 0;
}
