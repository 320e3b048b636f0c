// SPDX-License-Identifier: GPL-2.0
/*
 * hxen: Hosted Xen for Linux.  Module entry and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "compat.h"
#include "hxen_port.h"

/*
 * Read-only counters for tests and monitoring:
 * /sys/module/hxen/parameters/{pages,vms}.
 */
static int hxen_get_pages(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&hxen_pages_held));
}

static int hxen_get_vms(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&hxen_vms_alive));
}

static const struct kernel_param_ops hxen_pages_ops = {
	.get = hxen_get_pages,
};

static const struct kernel_param_ops hxen_vms_ops = {
	.get = hxen_get_vms,
};

module_param_cb(pages, &hxen_pages_ops, NULL, 0444);
MODULE_PARM_DESC(pages, "guest RAM pages (4 KiB) held by all VMs");
module_param_cb(vms, &hxen_vms_ops, NULL, 0444);
MODULE_PARM_DESC(vms, "VMs alive");

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
