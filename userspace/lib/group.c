// SPDX-License-Identifier: GPL-2.0
/* Group hxen membership: in this session, and in the group database. */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libhxen.h"

static bool session_has_gid(gid_t gid)
{
	gid_t *groups;
	int n, i;
	bool found = false;

	if (getegid() == gid)
		return true;
	n = getgroups(0, NULL);
	if (n <= 0)
		return false;
	groups = calloc((size_t)n, sizeof(*groups));
	if (!groups)
		return false;
	n = getgroups(n, groups);
	for (i = 0; i < n && !found; i++)
		found = groups[i] == gid;
	free(groups);
	return found;
}

void hxen_group_state(struct hxen_group_state *st)
{
	struct group *gr = getgrnam("hxen");
	struct passwd *pw;
	char **m;

	memset(st, 0, sizeof(*st));
	if (!gr)
		return;
	st->exists = true;
	st->gid = gr->gr_gid;
	for (m = gr->gr_mem; m && *m && !st->in_database; m++) {
		pw = getpwnam(*m);
		st->in_database = pw && pw->pw_uid == getuid();
	}
	st->in_session = session_has_gid(st->gid);
	pw = getpwuid(getuid());
	if (pw && pw->pw_gid == st->gid)
		st->in_database = true;
}
