// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/hxen: the misc device and its ioctls.
 *
 * The node is created 0600 root; udev/99-hxen.rules hands it to group
 * hxen with mode 0660.  Every ioctl is therefore reachable by untrusted
 * group members and validates all it is given.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <generated/utsrelease.h>

#include "hxen_port.h"
#include "hxen_types.h"
#include <hxen/caps.h>
#include <hxen.h>

static long hxen_get_version(void __user *argp)
{
	struct hxen_version v;

	memset(&v, 0, sizeof(v));
	v.abi_major = HXEN_ABI_MAJOR;
	v.abi_minor = HXEN_ABI_MINOR;
	strscpy(v.build, HXEN_VERSION, sizeof(v.build));
	strscpy(v.kernel, UTS_RELEASE, sizeof(v.kernel));
	return copy_to_user(argp, &v, sizeof(v)) ? -EFAULT : 0;
}

/* The core's capability bits are translated one by one into the ABI's. */
static const struct {
	u64 core;
	u64 abi;
} hxen_cap_map[] = {
	{ HX_CAP_SVM, HXEN_CAP_SVM },
	{ HX_CAP_SVM_DISABLED, HXEN_CAP_SVM_DISABLED },
	{ HX_CAP_NPT, HXEN_CAP_NPT },
	{ HX_CAP_NRIP_SAVE, HXEN_CAP_NRIP_SAVE },
	{ HX_CAP_DECODE_ASSISTS, HXEN_CAP_DECODE_ASSISTS },
	{ HX_CAP_FLUSH_BY_ASID, HXEN_CAP_FLUSH_BY_ASID },
	{ HX_CAP_VGIF, HXEN_CAP_VGIF },
	{ HX_CAP_VMX, HXEN_CAP_VMX },
	{ HX_CAP_VMX_DISABLED, HXEN_CAP_VMX_DISABLED },
	{ HX_CAP_EPT, HXEN_CAP_EPT },
	{ HX_CAP_VPID, HXEN_CAP_VPID },
	{ HX_CAP_UNRESTRICTED, HXEN_CAP_UNRESTRICTED },
	{ HX_CAP_NESTED, HXEN_CAP_NESTED },
	{ HX_CAP_HELD, HXEN_CAP_HELD },
};

static u32 hxen_vendor_abi(enum hx_vendor vendor)
{
	switch (vendor) {
	case HX_VENDOR_AMD:
		return HXEN_VENDOR_AMD;
	case HX_VENDOR_INTEL:
		return HXEN_VENDOR_INTEL;
	case HX_VENDOR_HYGON:
		return HXEN_VENDOR_HYGON;
	default:
		return HXEN_VENDOR_UNKNOWN;
	}
}

static long hxen_get_caps(void __user *argp)
{
	struct hxen_caps out;
	struct hx_caps caps;
	size_t i;

	hx_caps_probe(&caps);

	memset(&out, 0, sizeof(out));
	out.vendor = hxen_vendor_abi(caps.vendor);
	out.svm_revision = caps.svm_revision;
	for (i = 0; i < ARRAY_SIZE(hxen_cap_map); i++)
		if (caps.features & hxen_cap_map[i].core)
			out.features |= hxen_cap_map[i].abi;
	out.nr_asids = caps.nr_asids;
	out.nr_vpids = caps.nr_vpids;
	out.nr_cpus = caps.nr_cpus;
	out.nr_cpus_held = caps.nr_cpus_held;
	return copy_to_user(argp, &out, sizeof(out)) ? -EFAULT : 0;
}

static long hxen_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	if (_IOC_TYPE(cmd) != HXEN_IOCTL_TYPE)
		return -ENOTTY;

	switch (cmd) {
	case HXEN_GET_VERSION:
		return hxen_get_version(argp);
	case HXEN_GET_CAPS:
		return hxen_get_caps(argp);
	case HXEN_CREATE_VM:
		if (arg)
			return -EINVAL;
		return hxen_vm_create_fd();
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hxen_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = hxen_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice hxen_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hxen",
	.fops = &hxen_dev_fops,
	.mode = 0600,
};

int hxen_dev_register(void)
{
	return misc_register(&hxen_miscdev);
}

void hxen_dev_unregister(void)
{
	misc_deregister(&hxen_miscdev);
}
