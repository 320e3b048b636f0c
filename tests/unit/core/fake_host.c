// SPDX-License-Identifier: GPL-2.0
/* The fake host services behind the core unit tests. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include <hxen/host.h>

struct fake_cpu fake_cpus[FAKE_MAX_CPUS];
int fake_nr_cpus;
static int current_cpu;

void fake_reset(int nr_cpus)
{
	memset(fake_cpus, 0, sizeof(fake_cpus));
	fake_nr_cpus = nr_cpus;
	current_cpu = 0;
}

static void set_leaf_on(struct fake_cpu *c, u32 leaf, u32 subleaf,
			const u32 regs[4])
{
	int i;

	for (i = 0; i < c->nr_leaves; i++)
		if (c->leaves[i].leaf == leaf && c->leaves[i].subleaf == subleaf)
			break;
	if (i == FAKE_MAX_LEAVES)
		return;
	if (i == c->nr_leaves)
		c->nr_leaves++;
	c->leaves[i].leaf = leaf;
	c->leaves[i].subleaf = subleaf;
	memcpy(c->leaves[i].regs, regs, sizeof(c->leaves[i].regs));
}

void fake_set_subleaf(u32 leaf, u32 subleaf, u32 eax, u32 ebx, u32 ecx,
		      u32 edx)
{
	const u32 regs[4] = { eax, ebx, ecx, edx };
	int cpu;

	for (cpu = 0; cpu < fake_nr_cpus; cpu++)
		set_leaf_on(&fake_cpus[cpu], leaf, subleaf, regs);
}

void fake_set_leaf(u32 leaf, u32 eax, u32 ebx, u32 ecx, u32 edx)
{
	fake_set_subleaf(leaf, 0, eax, ebx, ecx, edx);
}

void fake_set_msr_on(int cpu, u32 index, u64 value)
{
	struct fake_cpu *c = &fake_cpus[cpu];
	int i;

	for (i = 0; i < c->nr_msrs; i++)
		if (c->msrs[i].index == index)
			break;
	if (i == FAKE_MAX_MSRS)
		return;
	if (i == c->nr_msrs)
		c->nr_msrs++;
	c->msrs[i].index = index;
	c->msrs[i].value = value;
}

void fake_set_msr(u32 index, u64 value)
{
	int cpu;

	for (cpu = 0; cpu < fake_nr_cpus; cpu++)
		fake_set_msr_on(cpu, index, value);
}

void fake_set_vendor(const char *v)
{
	u32 w[3];

	memcpy(w, v, 12);
	/* CPUID 0 returns the string in EBX, EDX, ECX. */
	fake_set_leaf(0, 0x16, w[0], w[2], w[1]);
}

void hxh_cpuid(u32 leaf, u32 subleaf, u32 regs[4])
{
	struct fake_cpu *c = &fake_cpus[current_cpu];
	int i;

	memset(regs, 0, 4 * sizeof(*regs));
	for (i = 0; i < c->nr_leaves; i++)
		if (c->leaves[i].leaf == leaf && c->leaves[i].subleaf == subleaf)
			memcpy(regs, c->leaves[i].regs, 4 * sizeof(*regs));
}

int hxh_rdmsr_safe(u32 msr, u64 *val)
{
	struct fake_cpu *c = &fake_cpus[current_cpu];
	int i;

	for (i = 0; i < c->nr_msrs; i++) {
		if (c->msrs[i].index == msr) {
			*val = c->msrs[i].value;
			return 0;
		}
	}
	*val = 0;
	return -5;	/* the MSR faults */
}

/* Only MSRs the test set up can be written; the rest fault. */
int hxh_wrmsr_safe(u32 msr, u64 val)
{
	struct fake_cpu *c = &fake_cpus[current_cpu];
	int i;

	for (i = 0; i < c->nr_msrs; i++) {
		if (c->msrs[i].index == msr) {
			c->msrs[i].value = val;
			return 0;
		}
	}
	return -5;
}

unsigned long hxh_read_cr4(void)
{
	return fake_cpus[current_cpu].cr4;
}

void fake_set_cpu(int cpu)
{
	current_cpu = cpu;
}

u32 hxh_nr_cpu_ids(void)
{
	return (u32)fake_nr_cpus;
}

u32 hxh_cpu_id(void)
{
	return (u32)current_cpu;
}

u32 hxh_count_cpus(bool (*pred)(void *arg), void *arg, u32 *nr_cpus)
{
	int cpu, self = current_cpu;
	u32 matched = 0;

	for (cpu = 0; cpu < fake_nr_cpus; cpu++) {
		current_cpu = cpu;
		if (pred && pred(arg))
			matched++;
	}
	current_cpu = self;
	*nr_cpus = (u32)fake_nr_cpus;
	return matched;
}

struct fake_run fake_run = { .signal_after = -1 };

void fake_run_reset(void)
{
	memset(&fake_run, 0, sizeof(fake_run));
	fake_run.signal_after = -1;
}

void hxh_on_each_cpu(void (*fn)(void *arg), void *arg)
{
	int cpu, self = current_cpu;

	fake_run.on_each_cpu++;
	for (cpu = 0; cpu < fake_nr_cpus; cpu++) {
		current_cpu = cpu;
		fn(arg);
	}
	current_cpu = self;
}

/* This process's x87/SSE state while a guest's is loaded. */
static unsigned char host_fpu[512] __aligned(16);

u32 hxh_guest_enter(void)
{
	if (fake_run.in_guest)
		fake_run.unbalanced++;
	fake_run.enters++;
	fake_run.in_guest = true;
	__asm__ __volatile__("fxsave64 %0" : "=m"(host_fpu));
	return (u32)current_cpu;
}

void hxh_guest_exit(void)
{
	if (!fake_run.in_guest)
		fake_run.unbalanced++;
	fake_run.exits++;
	fake_run.in_guest = false;
	__asm__ __volatile__("fxrstor64 %0" :: "m"(host_fpu));
}

void hxh_svm_vmrun(u64 vmcb_pa, u64 host_save_pa, u64 *gprs)
{
	fake_run.vmruns++;
	if (!fake_run.in_guest)
		fake_run.vmruns_outside++;
	if (!fake_run.vmrun) {
		fprintf(stderr, "fake host: %s without a CPU\n", __func__);
		abort();
	}
	fake_run.vmrun(vmcb_pa, host_save_pa, gprs);
}

void hxh_svm_vmrun_empty(u64 vmcb_pa)
{
	fake_run.empty_runs++;
	fake_run.empty_vmcb_pa = vmcb_pa;
	hxh_rdmsr_safe(0xc0000080, &fake_run.empty_efer);
	hxh_rdmsr_safe(0xc0010117, &fake_run.empty_hsave);
}

/* The unit tests never pick the VMX backend; its world switch fails. */
int hxh_vmx_vmlaunch(u64 *gprs)
{
	return -1;
}

void hxh_vmx_cr4_vmxe(bool on)
{
}

void hxh_nmi_reflect(void)
{
}

void hxh_branch_barrier(void)
{
	fake_run.barriers++;
}

void hxh_restore_host_debugregs(void)
{
	fake_run.debugreg_restores++;
}

bool fake_no_switch_hooks;

bool hxh_cpu_switch_hooks(void)
{
	return !fake_no_switch_hooks;
}

void hxh_machine_check(void)
{
	fake_run.machine_checks++;
}

int hxh_vcpu_block_until(void *host, bool (*ready)(void *arg), void *arg,
			 u64 deadline_ns)
{
	fake_run.blocks++;
	fake_run.block_host = host;
	fake_run.block_deadline = deadline_ns;
	return fake_run.block ? fake_run.block(host, ready, arg) : 0;
}

void hxh_vcpu_timer_arm(void *host, u64 deadline_ns)
{
	fake_run.timer_arms++;
	fake_run.timer_deadline = deadline_ns;
}

void hxh_vcpu_timer_follow(void *host)
{
}

/* A context is an int counter: +1 per signal, set to -1000 when put. */
void hxh_evtchn_signal(void *ctx)
{
	(*(int *)ctx)++;
}

void hxh_evtchn_put(void *ctx)
{
	*(int *)ctx = -1000;
}

void hxh_vcpu_kick(void *host, u32 cpu)
{
	fake_run.kicks++;
	fake_run.kick_host = host;
	fake_run.kick_cpu = cpu;
}

bool hxh_signal_pending(void)
{
	fake_run.signal_checks++;
	if (fake_run.signal_after < 0)
		return false;
	if (fake_run.signal_after == 0)
		return true;
	fake_run.signal_after--;
	return false;
}

void hxh_cond_resched(void)
{
	fake_run.rescheds++;
}

void hxh_log(int level, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hxen[%d]: ", level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A host page is 4 KiB of ordinary heap memory here. */
struct hxh_page {
	unsigned char bytes[4096];
};

struct fake_mem fake_mem;

void fake_mem_reset(void)
{
	memset(&fake_mem, 0, sizeof(fake_mem));
	fake_mem.fail_after = -1;
	fake_mem.stop_after = -1;
}

static bool fake_mem_fails(void)
{
	if (fake_mem.fail_after < 0)
		return false;
	if (fake_mem.fail_after == 0)
		return true;
	fake_mem.fail_after--;
	return false;
}

struct hxh_page *hxh_page_alloc(unsigned int order)
{
	size_t bytes = (size_t)4096 << order;
	struct hxh_page *p;

	if ((order && fake_mem.fail_large) || fake_mem_fails())
		return NULL;
	p = aligned_alloc(bytes, bytes);
	if (!p)
		return NULL;
	memset(p, 0, bytes);
	fake_mem.blocks_live++;
	fake_mem.pages_live += 1L << order;
	return p;
}

void hxh_page_free(struct hxh_page *block, unsigned int order)
{
	fake_mem.blocks_live--;
	fake_mem.pages_live -= 1L << order;
	free(block);
}

struct hxh_page *hxh_page_nth(struct hxh_page *block, unsigned long n)
{
	return block + n;
}

u64 hxh_page_to_pa(struct hxh_page *page)
{
	return (u64)(uintptr_t)page;
}

void *hxh_page_to_va(struct hxh_page *page)
{
	return page;
}

/* Time stands still unless a test moves it. */
struct fake_time fake_time = { .tsc_khz = 2500000, .stable = true,
			       .now_ns = 1000000000ULL,
			       .real_ns = 1700000000123456789ULL };

u32 hxh_tsc_khz(void)
{
	return fake_time.tsc_khz;
}

bool hxh_tsc_stable(void)
{
	return fake_time.stable;
}

u64 hxh_now_ns(void)
{
	return fake_time.now_ns;
}

u64 hxh_realtime_ns(void)
{
	return fake_time.real_ns;
}

/* One thread in the tests: a lock is a depth counter that must balance. */
void *hxh_mutex_create(void)
{
	return hxh_zalloc(sizeof(int));
}

void hxh_mutex_destroy(void *m)
{
	if (m && *(int *)m)
		fake_mem.locks_unbalanced++;
	hxh_free(m);
}

void hxh_mutex_lock(void *m)
{
	if ((*(int *)m)++)
		fake_mem.locks_unbalanced++;
}

void hxh_mutex_unlock(void *m)
{
	if (--(*(int *)m))
		fake_mem.locks_unbalanced++;
}

void *hxh_zalloc(size_t size)
{
	void *p;

	if (fake_mem_fails())
		return NULL;
	p = calloc(1, size);
	if (p)
		fake_mem.zallocs_live++;
	return p;
}

void hxh_free(void *ptr)
{
	if (ptr)
		fake_mem.zallocs_live--;
	free(ptr);
}

bool hxh_should_stop(void)
{
	if (fake_mem.stop_after < 0)
		return false;
	if (fake_mem.stop_after == 0)
		return true;
	fake_mem.stop_after--;
	return false;
}

void *hxh_pa_to_va(u64 pa)
{
	return (void *)(uintptr_t)pa;
}

struct hxh_page *hxh_pa_to_page(u64 pa)
{
	return (struct hxh_page *)(uintptr_t)pa;
}
