/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The domain XML of a running VM, NAME.xml in the runtime directory:
 * written when the VM starts, read while it runs (vmctl_live_config()).
 * Internal to libhxen; vmctl_start.c writes it.
 */
#ifndef VMCTL_LIVE_H
#define VMCTL_LIVE_H

#include <stddef.h>

#include "vmconfig.h"

/*
 * Write @cfg as NAME.xml in @dir for ioemu to read, its path into @path:
 * VMCTL_OK, or VMCTL_FAILED with a message in @err.
 */
int vmctl_live_write(const char *dir, const struct vmconfig *cfg,
		     char *path, size_t len, char *err, size_t errlen);

/*
 * Record @cfg as NAME.xml in @dir when domain XML can express it; else
 * remove any NAME.xml of an earlier run.  Failing to is not an error.
 */
void vmctl_live_record(const char *dir, const struct vmconfig *cfg);

#endif /* VMCTL_LIVE_H */
