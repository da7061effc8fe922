// SPDX-License-Identifier: GPL-2.0
/*
 * iobench: direct IO on a block device, timed.
 *
 * Usage: iobench read DEV SECONDS
 *   one task reading 4 KiB at random offsets of the first GiB, one request
 *   at a time; prints "count p50_us p99_us max_us".
 * Usage: iobench write DEV SECONDS TASKS KIB
 *   TASKS tasks writing KIB KiB requests sequentially (each in its own
 *   region); prints "bytes_per_second".
 * Usage: iobench cached DEV MIB
 *   one buffered read of the first MIB MiB of DEV, 1 MiB at a time (through
 *   the page cache); prints "microseconds".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LAT (1 << 20)

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

static int cmp(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a;
	unsigned int y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static int do_read(const char *dev, int seconds)
{
	unsigned long long end = now_us() + seconds * 1000000ULL, t;
	unsigned int *lat = malloc(MAX_LAT * sizeof(*lat));
	unsigned int seed = 1;
	long n = 0;
	void *buf;
	int fd;

	fd = open(dev, O_RDONLY | O_DIRECT);
	if (fd < 0 || !lat || posix_memalign(&buf, 4096, 4096))
		return 1;
	while ((t = now_us()) < end && n < MAX_LAT) {
		off_t off = (off_t)(rand_r(&seed) % 262144) * 4096;

		if (pread(fd, buf, 4096, off) != 4096)
			return 1;
		lat[n++] = now_us() - t;
	}
	if (!n)
		return 1;
	qsort(lat, n, sizeof(*lat), cmp);
	printf("%ld %u %u %u\n", n, lat[n / 2], lat[(n * 99) / 100],
	       lat[n - 1]);
	return 0;
}

static int do_write(const char *dev, int seconds, int tasks, int kib)
{
	unsigned long long *done, start = now_us(), total = 0;
	size_t bs = (size_t)kib * 1024;
	int i;

	done = mmap(NULL, tasks * sizeof(*done), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (done == MAP_FAILED)
		return 1;
	for (i = 0; i < tasks; i++) {
		if (fork() == 0) {
			unsigned long long end = start + seconds * 1000000ULL;
			off_t off = (off_t)i * (64 << 20);
			void *buf;
			int fd = open(dev, O_WRONLY | O_DIRECT);

			if (fd < 0 || posix_memalign(&buf, 4096, bs))
				_exit(1);
			memset(buf, 0x5a, bs);
			while (now_us() < end) {
				if (pwrite(fd, buf, bs, off) != (ssize_t)bs)
					_exit(1);
				done[i] += bs;
				off += bs;
				if (off >= (off_t)(i + 1) * (64 << 20))
					off = (off_t)i * (64 << 20);
			}
			_exit(0);
		}
	}
	for (i = 0; i < tasks; i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			return 1;
	}
	for (i = 0; i < tasks; i++)
		total += done[i];
	printf("%llu\n", total * 1000000ULL / (now_us() - start));
	return 0;
}

static int do_cached(const char *dev, int mib)
{
	static char buf[1 << 20];
	unsigned long long t0;
	int fd = open(dev, O_RDONLY);

	if (fd < 0) {
		perror(dev);
		return 1;
	}
	t0 = now_us();
	for (int i = 0; i < mib; i++) {
		if (read(fd, buf, sizeof(buf)) != sizeof(buf)) {
			perror("read");
			return 1;
		}
	}
	printf("%llu\n", now_us() - t0);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "read"))
		return do_read(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "cached"))
		return do_cached(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "write"))
		return do_write(argv[2], atoi(argv[3]), atoi(argv[4]),
				atoi(argv[5]));
	fprintf(stderr, "usage: iobench read DEV SECONDS\n"
			"       iobench write DEV SECONDS TASKS KIB\n"
			"       iobench cached DEV MIB\n");
	return 2;
}
