// SPDX-License-Identifier: GPL-2.0
/*
 * pollpri FILE TIMEOUT_MS: opens FILE and waits with poll() until it
 * reports POLLPRI. Prints "event" and exits 0, or prints "timeout" and
 * exits 1; exits 2 on errors.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct pollfd p;
	int n;

	if (argc != 3) {
		fprintf(stderr, "usage: pollpri FILE TIMEOUT_MS\n");
		return 2;
	}
	p.fd = open(argv[1], O_RDONLY);
	if (p.fd < 0) {
		perror(argv[1]);
		return 2;
	}
	p.events = POLLPRI;
	n = poll(&p, 1, atoi(argv[2]));
	if (n < 0) {
		perror("poll");
		return 2;
	}
	if (n == 0) {
		printf("timeout\n");
		return 1;
	}
	printf("event%s\n", (p.revents & POLLPRI) ? "" : " without POLLPRI");
	return (p.revents & POLLPRI) ? 0 : 2;
}
