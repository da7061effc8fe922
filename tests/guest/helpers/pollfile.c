// SPDX-License-Identifier: GPL-2.0
/*
 * pollfile FILE STEP...: opens FILE read-only and runs the steps in order,
 * printing one line per step that reports:
 *   wait      prints "wait", then reads a line from standard input (the
 *             test acts meanwhile)
 *   poll MS   poll() for POLLPRI: prints "poll event" or "poll none"
 *   epoll MS  a new epoll instance, EPOLL_CTL_ADD, epoll_wait(): prints
 *             "epoll event" or "epoll none"
 *   two MS    two threads poll() the file at once: prints "two N", N the
 *             threads that saw POLLPRI
 *   reread    lseek to 0 and read the file: prints "reread <first line>"
 *   splice    splice() the file from offset 0 into a pipe: prints
 *             "splice <first line>" or "splice error <errno>"
 * Exits 2 on errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static int fd;

static int pollpri(int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };
	int n = poll(&p, 1, ms);

	if (n < 0) {
		perror("poll");
		exit(2);
	}
	return n > 0 && (p.revents & POLLPRI);
}

static void *thread(void *arg)
{
	return (void *)(long)pollpri(*(int *)arg);
}

int main(int argc, char **argv)
{
	char buf[4096];
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: pollfile FILE STEP...\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		const char *s = argv[i];
		int ms = i + 1 < argc ? atoi(argv[i + 1]) : 0;

		if (!strcmp(s, "wait")) {
			printf("wait\n");
			fflush(stdout);
			if (!fgets(buf, sizeof(buf), stdin))
				return 2;
		} else if (!strcmp(s, "poll")) {
			printf("poll %s\n", pollpri(ms) ? "event" : "none");
			i++;
		} else if (!strcmp(s, "epoll")) {
			struct epoll_event ev = { .events = EPOLLPRI };
			int ep = epoll_create1(0), n;

			if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
				perror("epoll");
				return 2;
			}
			n = epoll_wait(ep, &ev, 1, ms);
			printf("epoll %s\n", n > 0 && (ev.events & EPOLLPRI) ? "event" : "none");
			close(ep);
			i++;
		} else if (!strcmp(s, "two")) {
			pthread_t t[2];
			void *r[2];

			pthread_create(&t[0], NULL, thread, &ms);
			pthread_create(&t[1], NULL, thread, &ms);
			pthread_join(t[0], &r[0]);
			pthread_join(t[1], &r[1]);
			printf("two %ld\n", (long)r[0] + (long)r[1]);
			i++;
		} else if (!strcmp(s, "reread")) {
			ssize_t n;

			if (lseek(fd, 0, SEEK_SET) != 0) {
				perror("lseek");
				return 2;
			}
			n = read(fd, buf, sizeof(buf) - 1);
			if (n < 0) {
				perror("read");
				return 2;
			}
			buf[n] = 0;
			buf[strcspn(buf, "\n")] = 0;
			printf("reread %s\n", buf);
		} else if (!strcmp(s, "splice")) {
			loff_t off = 0;
			int p[2];
			ssize_t n;

			if (pipe(p)) {
				perror("pipe");
				return 2;
			}
			n = splice(fd, &off, p[1], NULL, sizeof(buf) - 1, 0);
			if (n < 0) {
				printf("splice error %d\n", errno);
			} else {
				n = read(p[0], buf, n);
				buf[n < 0 ? 0 : n] = 0;
				buf[strcspn(buf, "\n")] = 0;
				printf("splice %s\n", buf);
			}
			close(p[0]);
			close(p[1]);
		} else {
			fprintf(stderr, "unknown step %s\n", s);
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}
