// SPDX-License-Identifier: GPL-2.0
/*
 * fragment KEEP_MIB PIPES: makes the page allocator compact memory
 * directly, in the caller's context. Touches anonymous pages until MemFree
 * is down to about KEEP_MIB, gives back every other one (holes of one page,
 * which cannot serve an allocation of more: pages are touched alternately
 * in two mappings and one is unmapped, which needs no madvise()), then grows PIPES pipes to
 * 16 MiB each: each needs an unmovable array of 4096 pipe buffers from
 * kmalloc (160 KiB, an order-6 allocation with direct reclaim allowed),
 * which once the untouched KEEP_MIB are used up only direct compaction can
 * assemble. Prints how many pipes it grew and exits 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long mem_free_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), free_kib, keep_kib, grown = 0;
	size_t len, i;
	int pipes, fds[2];
	char *p, *q;

	if (argc != 3)
		return 2;
	keep_kib = atol(argv[1]) * 1024;
	pipes = atoi(argv[2]);
	free_kib = mem_free_kib();
	if (free_kib <= keep_kib)
		return 2;
	len = (size_t)(free_kib - keep_kib) * 512;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	q = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || q == MAP_FAILED)
		return 2;
	for (i = 0; i < len; i += page) {
		p[i] = 1;
		q[i] = 1;
	}
	munmap(q, len);
	while (pipes-- > 0) {
		if (pipe(fds))
			break;
		/* The write end keeps the pipe: one descriptor per pipe. */
		close(fds[0]);
		if (fcntl(fds[1], F_SETPIPE_SZ, 16 << 20) < 0)
			break;
		grown++;
	}
	printf("%ld\n", grown);
	return 0;
}
