// SPDX-License-Identifier: GPL-2.0
/* NAME.xml in the runtime directory: the configuration a VM runs with. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domxml.h"
#include "file_replace.h"
#include "vmctl.h"
#include "vmctl_live.h"

int vmctl_live_write(const char *dir, const struct vmconfig *cfg,
		     char *path, size_t len, char *err, size_t errlen)
{
	char why[512], *xml;
	int rc;

	if (vmdir_file(path, len, dir, cfg->name, ".xml") < 0) {
		snprintf(err, errlen, "the path %s/%s.xml is too long", dir,
			 cfg->name);
		return VMCTL_FAILED;
	}
	if (domxml_format(cfg, &xml, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s", why);
		return VMCTL_FAILED;
	}
	rc = file_replace(path, xml, strlen(xml), 0600);
	free(xml);
	if (rc < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(-rc));
		return VMCTL_FAILED;
	}
	return VMCTL_OK;
}

void vmctl_live_record(const char *dir, const struct vmconfig *cfg)
{
	char path[VMDIR_PATH_MAX], why[512];

	if (vmctl_live_write(dir, cfg, path, sizeof(path), why,
			     sizeof(why)) != VMCTL_OK &&
	    vmdir_file(path, sizeof(path), dir, cfg->name, ".xml") == 0)
		unlink(path);
}

int vmctl_live_config(const char *dir, const char *name,
		      struct vmconfig *cfg, char *err, size_t errlen)
{
	char path[VMDIR_PATH_MAX], why[1024];

	memset(cfg, 0, sizeof(*cfg));
	if (!vmdir_name_valid(name) ||
	    vmdir_file(path, sizeof(path), dir, name, ".xml") < 0) {
		snprintf(err, errlen, "'%s' is not a VM name", name);
		return VMCTL_FAILED;
	}
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		snprintf(err, errlen,
			 "'%s' runs from a configuration that domain XML cannot express",
			 name);
		return VMCTL_NO_VM;
	}
	if (vmconfig_parse_file(path, cfg, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s", why);
		return VMCTL_FAILED;
	}
	return VMCTL_OK;
}
