// SPDX-License-Identifier: GPL-2.0
/*
 * memhog MIB [hold|time]: allocates MIB MiB of anonymous memory and touches
 * every page; with "hold", then waits forever; with "time", prints the
 * microseconds that took; then exits 0. Sets its own
 * oom_score_adj to 0 first, so that a test that shields itself with -1000
 * can still have its hogs chosen.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	unsigned long long t0;
	size_t len, i;
	char *p;
	int fd;

	if (argc < 2)
		return 2;
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		return 2;
	close(fd);
	len = (size_t)atol(argv[1]) << 20;
	t0 = now_us();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 2;
	for (i = 0; i < len; i += 4096)
		p[i] = 1;
	if (argc > 2 && !strcmp(argv[2], "hold"))
		for (;;)
			pause();
	if (argc > 2 && !strcmp(argv[2], "time"))
		printf("%llu\n", now_us() - t0);
	return 0;
}
