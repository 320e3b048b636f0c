// SPDX-License-Identifier: GPL-2.0
/* Autostart: the marked domains start with the first daemon of a boot. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autostart.h"
#include "domxml.h"
#include "domstore.h"
#include "log.h"
#include "vmctl.h"

#define DONE_FILE "virthxend-autostarted"

/* Start domain @name of @st unless it runs. */
static void start_one(const struct domstore *st, const char *name)
{
	struct vmctl_start s = { 0 };
	char why[VMCTL_ERR_MAX], *xml;
	struct vmctl_vm vm;
	struct vmconfig cfg;
	int rc;

	if (vmctl_vm_info(name, &vm, why, sizeof(why)) == VMCTL_OK)
		return;
	rc = domstore_load(st, name, &cfg, why, sizeof(why));
	if (rc == DOMSTORE_OK) {
		rc = domxml_format(&cfg, &xml, why, sizeof(why));
		vmconfig_free(&cfg);
		if (!rc) {
			s.config_xml = xml;
			rc = vmctl_start(&s, why, sizeof(why));
			free(xml);
		}
	}
	if (rc)
		log_msg("cannot autostart '%s': %s", name, why);
	else
		log_msg("autostarted '%s' (ioemu pid %ld)", name, s.pid);
}

void autostart_domains(void)
{
	char dir[VMDIR_PATH_MAX], done[VMDIR_PATH_MAX + 32];
	char why[VMCTL_ERR_MAX], **names;
	struct domstore st;
	int n, i, fd;

	if (vmctl_runtime_dir(dir, sizeof(dir), why, sizeof(why)) ||
	    domstore_open(&st, why, sizeof(why))) {
		log_msg("no autostart: %s", why);
		return;
	}
	snprintf(done, sizeof(done), "%s/%s", dir, DONE_FILE);
	fd = open(done, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		if (errno != EEXIST)
			log_msg("no autostart: cannot create %s: %s", done,
				strerror(errno));
		return;
	}
	close(fd);
	n = domstore_names(&st, &names, why, sizeof(why));
	if (n < 0) {
		log_msg("no autostart: %s", why);
		return;
	}
	for (i = 0; i < n; i++)
		if (domstore_autostart(&st, names[i]))
			start_one(&st, names[i]);
	vmdir_free_names(names, n);
}
