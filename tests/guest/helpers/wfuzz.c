// SPDX-License-Identifier: GPL-2.0
/*
 * wfuzz SEED N FILE...: N writes of random and boundary inputs to the
 * FILEs: empty, huge, non-UTF-8, signs, overflowing numbers, every
 * separator, several lines, and values split across two write() calls
 * (the second at the offset where the first ended), each to offset 0 of a
 * descriptor kept open. Every write must succeed or fail with an errno
 * (never crash or hang); for each FILE that reads the same twice in a row
 * before the run, a failed write must leave its contents as they were. A
 * FILE given as ~PATH changes by itself (e.g. a peak): its contents are
 * not compared. Prints "wfuzz: W writes, A accepted, R rejected" and exits
 * 0, or prints what went wrong and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_IN	(160 << 10)
#define MAX_OUT	(64 << 10)

static unsigned long long rng;

static unsigned int rnd(unsigned int n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return n ? (unsigned int)(rng >> 33) % n : 0;
}

static const char *const tokens[] = {
	"0", "1", "2", "7", "8", "-1", "+1", "-0", "00", "0x10", "1e3", "max",
	"min", "default", "none", "on", "off", "y", "n", "true", "false",
	"4294967295", "4294967296", "18446744073709551615",
	"18446744073709551616", "99999999999999999999999", "-9223372036854775808",
	"9223372036854775807", "2147483647", "2147483648", "8:0", "7:0", "1:3",
	"253:0", "0:0", "target=1000", "target=0", "target=max", "wait=100",
	"schedlat_wait", "sleep", "threshold", "=", ":", ",", ";", " ", "\t",
	"\n", "\r", "\\", "\"", "%s", "%n", "..", "/", "\xff", "\xc3\x28",
	"\xe2\x82", "\x80", "\x01", "a", "abc", "50", "100", "1000", "65535",
};

/* Fills @buf with a random input; returns its length. */
static size_t input(char *buf)
{
	size_t len = 0, want;
	int i, n;

	switch (rnd(10)) {
	case 0:		/* empty */
		return 0;
	case 1:		/* huge: around a page, 64 KiB and beyond */
		want = (size_t[]){ 4095, 4096, 4097, 65535, 65536, 65537,
				   MAX_IN - 1 }[rnd(7)];
		for (len = 0; len < want; len++)
			buf[len] = rnd(4) ? '1' : " \n0x,"[rnd(5)];
		return len;
	case 2:		/* random bytes */
		n = 1 + rnd(64);
		for (i = 0; i < n; i++)
			buf[len++] = rnd(256);
		return len;
	default:	/* tokens and separators */
		n = 1 + rnd(6);
		for (i = 0; i < n; i++) {
			const char *t = tokens[rnd(sizeof(tokens) / sizeof(tokens[0]))];

			memcpy(buf + len, t, strlen(t));
			len += strlen(t);
			if (rnd(2))
				buf[len++] = " \t,\n:="[rnd(6)];
		}
		if (rnd(2))
			buf[len++] = '\n';
		return len;
	}
}

/* Reads @fd from offset 0 into @buf; returns the length, or -1. */
static ssize_t slurp(int fd, char *buf)
{
	ssize_t n, len = 0;

	while ((n = pread(fd, buf + len, MAX_OUT - len, len)) > 0 && len + n < MAX_OUT)
		len += n;
	return n < 0 ? -1 : len;
}

int main(int argc, char **argv)
{
	static char in[MAX_IN], now[MAX_OUT];
	long w, n, accepted = 0, rejected = 0;
	int nfiles = argc - 3, f, *fds;
	ssize_t *lens;
	char **vals;

	if (argc < 4) {
		fprintf(stderr, "usage: wfuzz SEED N FILE...\n");
		return 2;
	}
	rng = strtoull(argv[1], NULL, 0);
	n = atol(argv[2]);
	fds = calloc(nfiles, sizeof(*fds));
	lens = calloc(nfiles, sizeof(*lens));
	vals = calloc(nfiles, sizeof(*vals));
	/* Each file stays open; its value is known while it reads the same
	 * twice in a row (lens[f] >= 0) and is checked after every rejected
	 * write. Writes go to offset 0, as from a fresh open. */
	for (f = 0; f < nfiles; f++) {
		int volatile_file = argv[3 + f][0] == '~';
		ssize_t a;

		if (volatile_file)
			argv[3 + f]++;
		fds[f] = open(argv[3 + f], O_RDWR);
		if (fds[f] < 0)
			fds[f] = open(argv[3 + f], O_WRONLY);
		if (fds[f] < 0) {
			printf("wfuzz: open %s: %s\n", argv[3 + f], strerror(errno));
			return 1;
		}
		vals[f] = malloc(MAX_OUT);
		lens[f] = slurp(fds[f], vals[f]);
		a = slurp(fds[f], now);
		if (volatile_file || a != lens[f] || (a >= 0 && memcmp(now, vals[f], a)))
			lens[f] = -1;
	}
	for (w = 0; w < n; w++) {
		size_t len, split;
		ssize_t alen;
		int err = 0;

		f = rnd(nfiles);
		len = input(in);
		/* A value split across two write() calls, or one write. */
		split = len > 1 && rnd(4) == 0 ? 1 + rnd(len - 1) : len;
		if (pwrite(fds[f], in, split, 0) < 0)
			err = errno;
		else if (split < len && pwrite(fds[f], in + split, len - split, split) < 0)
			err = errno;
		if (!err) {
			accepted++;
			if (lens[f] >= 0)
				lens[f] = slurp(fds[f], vals[f]);
			continue;
		}
		rejected++;
		switch (err) {
		case EINVAL: case ERANGE: case E2BIG: case EACCES: case EPERM:
		case ENOENT: case ENODEV: case EBUSY: case ENOSPC: case EOVERFLOW:
		case EOPNOTSUPP: case ENXIO: case EAGAIN: case EILSEQ: case ENOMEM:
			break;
		default:
			printf("wfuzz: write of %zu bytes to %s: unexpected %s\n",
			       len, argv[3 + f], strerror(err));
			return 1;
		}
		if (lens[f] < 0)
			continue;
		alen = slurp(fds[f], now);
		if (split < len) {
			/* The first part may have been taken on its own. */
			lens[f] = alen;
			memcpy(vals[f], now, alen < 0 ? 0 : alen);
			continue;
		}
		if (alen != lens[f] || memcmp(vals[f], now, alen)) {
			printf("wfuzz: rejected write (%s) of %zu bytes changed %s:\n"
			       "--- before\n%.*s--- after\n%.*s", strerror(err),
			       len, argv[3 + f], (int)lens[f], vals[f],
			       (int)(alen < 0 ? 0 : alen), now);
			return 1;
		}
	}
	printf("wfuzz: %ld writes, %ld accepted, %ld rejected\n", n, accepted,
	       rejected);
	return 0;
}
