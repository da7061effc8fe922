// SPDX-License-Identifier: GPL-2.0
/*
 * wfuzz SEED N FILE...: N writes of random and boundary inputs to the
 * FILEs: empty, huge, non-UTF-8, signs, overflowing numbers, every
 * separator, several lines, and values split across two write() calls.
 * Every write must succeed or fail with an errno (never crash or hang);
 * for each FILE that reads the same twice in a row before the run, a
 * failed write must leave its contents as they were. Prints
 * "wfuzz: W writes, A accepted, R rejected" and exits 0, or prints what
 * went wrong and exits 1.
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

/* Reads @path into @buf; returns the length, or -1 if it cannot be read. */
static ssize_t slurp(const char *path, char *buf)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, MAX_OUT - len)) > 0 && len + n < MAX_OUT)
		len += n;
	close(fd);
	return n < 0 ? -1 : len;
}

int main(int argc, char **argv)
{
	static char in[MAX_IN], before[MAX_OUT], after[MAX_OUT];
	long w, n, accepted = 0, rejected = 0;
	int nfiles = argc - 3, f, *stable;

	if (argc < 4) {
		fprintf(stderr, "usage: wfuzz SEED N FILE...\n");
		return 2;
	}
	rng = strtoull(argv[1], NULL, 0);
	n = atol(argv[2]);
	stable = calloc(nfiles, sizeof(*stable));
	for (f = 0; f < nfiles; f++) {
		ssize_t a = slurp(argv[3 + f], before), b = slurp(argv[3 + f], after);

		stable[f] = a >= 0 && a == b && !memcmp(before, after, a);
	}
	for (w = 0; w < n; w++) {
		const char *path;
		ssize_t blen = -1, alen, r;
		size_t len, split;
		int fd, err = 0;

		f = rnd(nfiles);
		path = argv[3 + f];
		len = input(in);
		if (stable[f])
			blen = slurp(path, before);
		fd = open(path, O_WRONLY);
		if (fd < 0) {
			printf("wfuzz: open %s: %s\n", path, strerror(errno));
			return 1;
		}
		/* A value split across two write() calls, or one write. */
		split = len > 1 && rnd(4) == 0 ? 1 + rnd(len - 1) : len;
		r = write(fd, in, split);
		if (r < 0)
			err = errno;
		else if (split < len && write(fd, in + split, len - split) < 0)
			err = errno;
		close(fd);
		if (!err) {
			accepted++;
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
			       len, path, strerror(err));
			return 1;
		}
		if (blen < 0 || split < len)
			continue;
		alen = slurp(path, after);
		if (alen != blen || memcmp(before, after, blen)) {
			printf("wfuzz: rejected write (%s) of %zu bytes changed %s:\n"
			       "--- before\n%.*s--- after\n%.*s", strerror(err),
			       len, path, (int)blen, before, (int)alen, after);
			return 1;
		}
	}
	printf("wfuzz: %ld writes, %ld accepted, %ld rejected\n", n, accepted,
	       rejected);
	return 0;
}
