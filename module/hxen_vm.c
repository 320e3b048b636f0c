// SPDX-License-Identifier: GPL-2.0
/*
 * VM file descriptors.
 *
 * HXEN_CREATE_VM returns an anonymous-inode fd that owns one VM: closing
 * it (or the process dying) destroys the VM and frees every page.  Guest
 * RAM is mapped into the device model with mmap(offset = guest-physical
 * address); an access to a hole gets SIGBUS.  The grant table's frames
 * are mapped the same way, above guest-physical space.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "hxen_port.h"
#include "hxen_types.h"
#include <hxen/host.h>
#include <hxen/vm.h>
#include <hxen/xen.h>
#include <hxen.h>

atomic_t hxen_vms_alive = ATOMIC_INIT(0);

/* Serializes VM creation and destruction (the core counts VMs). */
static DEFINE_MUTEX(hxen_vms_lock);

static void hxen_vm_free(struct hxen_vm *vm)
{
	mutex_lock(&hxen_vms_lock);
	hx_vm_destroy(vm->core);
	mutex_unlock(&hxen_vms_lock);
	mmdrop(vm->mm);
	kfree(vm);
	atomic_dec(&hxen_vms_alive);
}

static int hxen_vm_release(struct inode *inode, struct file *file)
{
	hxen_vm_free(file->private_data);
	return 0;
}

static long hxen_vm_add_ram(struct hxen_vm *vm, void __user *argp)
{
	struct hxen_ram_range r;
	int err;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	if (r.flags || r.pad || r.reserved[0] || r.reserved[1])
		return -EINVAL;

	mutex_lock(&vm->lock);
	err = hx_vm_add_ram(vm->core, r.gpa, r.size);
	mutex_unlock(&vm->lock);
	return err;
}

static long hxen_vm_get_stats(struct hxen_vm *vm, void __user *argp)
{
	struct hxen_vm_stats st;

	memset(&st, 0, sizeof(st));
	mutex_lock(&vm->lock);
	st.ram_pages = vm->core->ram.nr_pages;
	st.nr_vcpus = bitmap_weight(vm->vcpu_ids, HXEN_MAX_VCPUS);
	mutex_unlock(&vm->lock);
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

/* The Xen personality, once, while the VM has no vCPU. */
static long hxen_vm_enable_xen(struct hxen_vm *vm, void __user *argp)
{
	struct hxen_xen_config c;
	size_t i;
	long err;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.pad || c.flags || c.pad2)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(c.reserved); i++)
		if (c.reserved[i])
			return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->core->xen.enabled)
		err = -EEXIST;
	else if (!bitmap_empty(vm->vcpu_ids, HXEN_MAX_VCPUS))
		err = -EBUSY;
	else
		err = hx_xen_enable(vm->core, c.domid, c.version);
	mutex_unlock(&vm->lock);
	return err;
}

static long hxen_vm_set_xen_param(struct hxen_vm *vm, void __user *argp)
{
	struct hxen_xen_param p;
	long err;

	if (copy_from_user(&p, argp, sizeof(p)))
		return -EFAULT;
	if (p.pad || p.reserved[0] || p.reserved[1])
		return -EINVAL;
	mutex_lock(&vm->lock);
	err = hx_xen_set_param(vm->core, p.index, p.value);
	mutex_unlock(&vm->lock);
	return err;
}

void hxh_evtchn_signal(void *ctx)
{
	hxen_eventfd_signal(ctx);
}

void hxh_evtchn_put(void *ctx)
{
	eventfd_ctx_put(ctx);
}

static long hxen_vm_evtchn_bind(struct hxen_vm *vm, void __user *argp)
{
	struct hxen_evtchn_bind b;
	struct eventfd_ctx *ctx = NULL;
	u32 port;
	long err;

	if (copy_from_user(&b, argp, sizeof(b)))
		return -EFAULT;
	if (b.reserved[0] || b.reserved[1] || b.eventfd < -1 ||
	    (b.eventfd == -1 && !b.port))
		return -EINVAL;
	if (b.eventfd >= 0) {
		ctx = eventfd_ctx_fdget(b.eventfd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	port = b.port;
	mutex_lock(&vm->lock);
	err = vm->core->xen.enabled ?
	      hx_xen_evtchn_bind_host(vm->core, &port, ctx) : -EINVAL;
	mutex_unlock(&vm->lock);
	if (err) {
		if (ctx)
			eventfd_ctx_put(ctx);
		return err;
	}
	b.port = port;
	return copy_to_user(argp, &b, sizeof(b)) ? -EFAULT : 0;
}

static long hxen_vm_evtchn_notify(struct hxen_vm *vm, void __user *argp)
{
	struct hxen_evtchn_notify n;

	if (copy_from_user(&n, argp, sizeof(n)))
		return -EFAULT;
	if (n.pad || n.reserved)
		return -EINVAL;
	return hx_xen_evtchn_raise(vm->core, n.port);
}

static long hxen_vm_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct hxen_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;

	if (vm->mm != current->mm)
		return -EIO;
	if (_IOC_TYPE(cmd) != HXEN_IOCTL_TYPE)
		return -ENOTTY;

	switch (cmd) {
	case HXEN_VM_ADD_RAM:
		return hxen_vm_add_ram(vm, argp);
	case HXEN_VM_GET_STATS:
		return hxen_vm_get_stats(vm, argp);
	case HXEN_VM_ENABLE_XEN:
		return hxen_vm_enable_xen(vm, argp);
	case HXEN_VM_SET_XEN_PARAM:
		return hxen_vm_set_xen_param(vm, argp);
	case HXEN_VM_EVTCHN_BIND:
		return hxen_vm_evtchn_bind(vm, argp);
	case HXEN_VM_EVTCHN_NOTIFY:
		return hxen_vm_evtchn_notify(vm, argp);
	case HXEN_VM_CREATE_VCPU:
		if (arg >= HXEN_MAX_VCPUS)
			return -EINVAL;
		return hxen_vcpu_create_fd(vm, file, arg);
	default:
		return -ENOTTY;
	}
}

#define GNTTAB_PGOFF	(HXEN_GNTTAB_MMAP_OFFSET >> PAGE_SHIFT)

static_assert(HXEN_GNTTAB_MMAP_OFFSET >= HX_GPA_MAX);
static_assert(HXEN_GNTTAB_FRAMES == HX_XEN_GNTTAB_FRAMES);

static vm_fault_t hxen_vm_fault(struct vm_fault *vmf)
{
	struct hxen_vm *vm = vmf->vma->vm_file->private_data;
	struct page *page = NULL;

	mutex_lock(&vm->lock);
	if (vmf->pgoff < (HX_GPA_MAX >> PAGE_SHIFT))
		page = (struct page *)hx_ram_page(&vm->core->ram,
						  (u64)vmf->pgoff << PAGE_SHIFT);
	else if (vmf->pgoff >= GNTTAB_PGOFF)
		page = (struct page *)hx_xen_gnttab_frame(vm->core,
							  vmf->pgoff -
							  GNTTAB_PGOFF);
	if (page)
		get_page(page);
	mutex_unlock(&vm->lock);
	if (!page)
		return VM_FAULT_SIGBUS;
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct hxen_vm_vm_ops = {
	.fault = hxen_vm_fault,
};

static int hxen_vm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct hxen_vm *vm = file->private_data;

	if (vm->mm != current->mm)
		return -EIO;
	/* Private (copy-on-write) views of guest RAM make no sense. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	hxen_vma_flags_set(vma, VM_DONTEXPAND);
	vma->vm_ops = &hxen_vm_vm_ops;
	return 0;
}

static const struct file_operations hxen_vm_fops = {
	.owner = THIS_MODULE,
	.release = hxen_vm_release,
	.unlocked_ioctl = hxen_vm_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = hxen_vm_mmap,
	.llseek = noop_llseek,
};

int hxen_vm_create_fd(void)
{
	struct hxen_vm *vm;
	int fd, err;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	mutex_lock(&hxen_vms_lock);
	err = hx_vm_create(&vm->core);
	mutex_unlock(&hxen_vms_lock);
	if (err) {
		if (err == -EBUSY)
			pr_info_ratelimited("another hypervisor (e.g. kvm_amd) holds SVM; see 'hxenctl doctor'\n");
		kfree(vm);
		return err;
	}
	mutex_init(&vm->lock);
	mmgrab(current->mm);
	vm->mm = current->mm;
	atomic_inc(&hxen_vms_alive);

	/* The fd is the last step: once it exists, release() owns the VM. */
	fd = anon_inode_getfd("hxen-vm", &hxen_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		hxen_vm_free(vm);
	return fd;
}
