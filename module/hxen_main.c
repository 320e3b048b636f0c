// SPDX-License-Identifier: GPL-2.0
/*
 * hxen: Hosted Xen for Linux.  Module entry and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/reboot.h>
#include <linux/smp.h>

#include "compat.h"
#include "hxen_port.h"
#include "hxen_types.h"
#include <hxen/arch.h>
#include <hxen/caps.h>

/*
 * Read-only counters for tests and monitoring:
 * /sys/module/hxen/parameters/{pages,vms,shared_runs,tlb_cleanups}.
 */
/* Which counter a hxen_arch_stat_ops parameter shows. */
static int hxen_shared_runs_tag, hxen_tlb_cleanups_tag;

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

static int hxen_get_arch_stat(char *buf, const struct kernel_param *kp)
{
	struct hx_arch_stats st;

	hx_arch_get_stats(&st);
	return sysfs_emit(buf, "%llu\n", kp->arg == &hxen_shared_runs_tag ?
			  st.shared_runs : st.tlb_cleanups);
}

static const struct kernel_param_ops hxen_arch_stat_ops = {
	.get = hxen_get_arch_stat,
};

module_param_cb(pages, &hxen_pages_ops, NULL, 0444);
MODULE_PARM_DESC(pages, "guest RAM pages (4 KiB) held by all VMs");
module_param_cb(vms, &hxen_vms_ops, NULL, 0444);
MODULE_PARM_DESC(vms, "VMs alive");
module_param_cb(shared_runs, &hxen_arch_stat_ops, &hxen_shared_runs_tag, 0444);
MODULE_PARM_DESC(shared_runs,
		 "guest runs inside SVM/VMX that another hypervisor turned on");
module_param_cb(tlb_cleanups, &hxen_arch_stat_ops, &hxen_tlb_cleanups_tag,
		0444);
MODULE_PARM_DESC(tlb_cleanups,
		 "TLB flushes done for that hypervisor before leaving a CPU");

static int hxen_cpuhp_state;

/* A CPU going offline must not keep SVM/VMX on that hxen turned on. */
static int hxen_cpu_offline(unsigned int cpu)
{
	if (hx_arch->cpu_down)
		hx_arch->cpu_down();
	return 0;
}

static void hxen_cpu_down_one(void *unused)
{
	if (hx_arch->cpu_down)
		hx_arch->cpu_down();
}

/* Nor may a reboot or kexec start the next kernel with it on. */
static int hxen_reboot(struct notifier_block *nb, unsigned long code,
		       void *unused)
{
	on_each_cpu(hxen_cpu_down_one, NULL, 1);
	return NOTIFY_OK;
}

static struct notifier_block hxen_reboot_nb = {
	.notifier_call = hxen_reboot,
};

static int __init hxen_arch_setup(void)
{
	struct hx_caps caps;
	int ret;

	hx_caps_probe(&caps);
	if (hx_arch_init(&caps)) {
		pr_info("no usable AMD SVM with nested paging or Intel VMX with EPT and unrestricted guest: VMs cannot run here ('hxenctl doctor' says why)\n");
		return 0;
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hxen:online",
					NULL, hxen_cpu_offline);
	if (ret < 0) {
		hx_arch_exit();
		return ret;
	}
	hxen_cpuhp_state = ret;
	register_reboot_notifier(&hxen_reboot_nb);
	hxen_vcpu_hooks_init();
	pr_info("using %s\n", hx_arch->name);
	return 0;
}

static void hxen_arch_teardown(void)
{
	if (!hx_arch)
		return;
	hxen_vcpu_hooks_exit();
	unregister_reboot_notifier(&hxen_reboot_nb);
	cpuhp_remove_state_nocalls(hxen_cpuhp_state);
	hx_arch_exit();
}

static int __init hxen_init(void)
{
	int err;

	err = hxen_arch_setup();
	if (err) {
		pr_err("cannot set up the hypervisor: %d\n", err);
		return err;
	}
	err = hxen_dev_register();
	if (err) {
		pr_err("cannot register /dev/hxen: %d\n", err);
		hxen_arch_teardown();
		return err;
	}
	pr_info("hxen %s loaded\n", HXEN_VERSION);
	return 0;
}

static void __exit hxen_exit(void)
{
	hxen_dev_unregister();
	hxen_arch_teardown();
	pr_info("hxen unloaded\n");
}

module_init(hxen_init);
module_exit(hxen_exit);

MODULE_DESCRIPTION("hxen: Hosted Xen hypervisor");
MODULE_LICENSE("GPL");
MODULE_VERSION(HXEN_VERSION);
