// SPDX-License-Identifier: GPL-2.0
/*
 * holdopen FILE N: waits for a line on standard input, opens FILE N times
 * (read-only, without reading), prints "opened N", and keeps the files open
 * until standard input ends. Exits 1 if an open fails.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char line[64];
	int i, n;

	if (argc != 3)
		return 2;
	n = atoi(argv[2]);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	for (i = 0; i < n; i++) {
		if (open(argv[1], O_RDONLY) < 0) {
			perror(argv[1]);
			return 1;
		}
	}
	printf("opened %d\n", n);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	return 0;
}
