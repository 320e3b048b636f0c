/*
 * runas: run a command as another user with chosen supplementary groups,
 * for the sandbox's permission tests (the initramfs has no su or sudo).
 *
 *   runas UID GID GROUPS PROGRAM [ARG...]
 *
 * GROUPS is a comma-separated list of gids, or "-" for none.  PROGRAM is
 * an absolute path (no PATH search).  Exits 127 when the switch fails.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_GROUPS 32

static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return (errno != 0 || end == s || *end != '\0' || *out > 0xfffffffeUL) ? -1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: runas UID GID GROUPS|- PROGRAM [ARG...]\n");
	exit(127);
}

int main(int argc, char **argv)
{
	gid_t groups[MAX_GROUPS];
	size_t ngroups = 0;
	unsigned long uid, gid, g;
	char list[256], *tok, *save = NULL;

	if (argc < 5)
		usage();
	if (parse_id(argv[1], &uid) != 0 || parse_id(argv[2], &gid) != 0)
		usage();
	if (strcmp(argv[3], "-") != 0) {
		if (strlen(argv[3]) >= sizeof(list))
			usage();
		strcpy(list, argv[3]);
		for (tok = strtok_r(list, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			if (ngroups == MAX_GROUPS || parse_id(tok, &g) != 0)
				usage();
			groups[ngroups++] = (gid_t)g;
		}
	}
	if (setgroups(ngroups, groups) != 0) {
		perror("runas: setgroups");
		return 127;
	}
	if (setgid((gid_t)gid) != 0) {
		perror("runas: setgid");
		return 127;
	}
	if (setuid((uid_t)uid) != 0) {
		perror("runas: setuid");
		return 127;
	}
	execv(argv[4], &argv[4]);
	fprintf(stderr, "runas: %s: %s\n", argv[4], strerror(errno));
	return 127;
}
