// SPDX-License-Identifier: GPL-2.0
/*
 * hxen: Hosted Xen for Linux.  Module entry and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "compat.h"
#include "hxen_port.h"

static int __init hxen_init(void)
{
	int err;

	err = hxen_dev_register();
	if (err) {
		pr_err("cannot register /dev/hxen: %d\n", err);
		return err;
	}
	pr_info("hxen %s loaded\n", HXEN_VERSION);
	return 0;
}

static void __exit hxen_exit(void)
{
	hxen_dev_unregister();
	pr_info("hxen unloaded\n");
}

module_init(hxen_init);
module_exit(hxen_exit);

MODULE_DESCRIPTION("hxen: Hosted Xen hypervisor");
MODULE_LICENSE("GPL");
MODULE_VERSION(HXEN_VERSION);
