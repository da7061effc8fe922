// SPDX-License-Identifier: GPL-2.0
/*
 * writes: several write() calls on one open file, as the shell cannot make
 * them (an empty write, a value split across calls, a long write).
 *
 * Usage: writes FILE CHUNK...
 * Opens FILE for writing once, then writes each CHUNK with one write():
 * "=TEXT" writes TEXT ("\n" in it is a newline; "=" alone writes 0
 * bytes), "+N" writes N bytes of '0'. Prints one line per write: the
 * count write() returned, or the error's text. Exits 0 when every write
 * succeeded, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd, i, failed = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: writes FILE =TEXT|+N...\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		size_t n = 0, k;
		char *buf;
		ssize_t ret;

		if (a[0] == '+') {
			n = strtoul(a + 1, NULL, 10);
			buf = malloc(n + 1);
			if (!buf)
				return 2;
			memset(buf, '0', n);
		} else if (a[0] == '=') {
			buf = malloc(strlen(a) + 1);
			if (!buf)
				return 2;
			for (k = 1; a[k]; k++) {
				if (a[k] == '\\' && a[k + 1] == 'n') {
					buf[n++] = '\n';
					k++;
				} else {
					buf[n++] = a[k];
				}
			}
		} else {
			fprintf(stderr, "writes: bad chunk '%s'\n", a);
			return 2;
		}
		ret = write(fd, buf, n);
		if (ret < 0) {
			printf("%s\n", strerror(errno));
			failed = 1;
		} else {
			printf("%zd\n", ret);
		}
		free(buf);
	}
	close(fd);
	return failed;
}
