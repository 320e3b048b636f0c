// SPDX-License-Identifier: GPL-2.0
/*
 * Guest time: the pvclock in each vCPU's vcpu_info (system time in ns as
 * a linear function of the guest's TSC) and the wallclock in shared_info.
 * A PVH guest has no PIT or HPET to calibrate against; this is its clock.
 *
 * Layouts, from xen/include/public/xen.h: vcpu_time_info is at offset 32
 * of vcpu_info: version u32 @0, tsc_timestamp u64 @8, system_time u64
 * @16, tsc_to_system_mul u32 @24, tsc_shift s8 @28, flags u8 @29.
 * shared_info holds vcpu_info[32] at 0 (64 bytes each) and the wallclock
 * at 3072: wc_version u32, wc_sec u32, wc_nsec u32, wc_sec_hi u32.
 */
#include <hxen/arch.h>
#include <hxen/guest_ram.h>
#include <hxen/host.h>
#include <hxen/vcpu.h>
#include <hxen/vm.h>
#include <hxen/xen.h>

#define VCPU_INFO_TIME		32
#define SHARED_WC		3072
#define NSEC_PER_SEC		1000000000ULL
#define PVCLOCK_TSC_STABLE	(1U << 0)
/* Refresh a vCPU's pvclock at least this often (ns). */
#define REFRESH_NS		NSEC_PER_SEC

/*
 * ns = ((tsc delta << shift) * mul) >> 32, shifting right for a negative
 * shift: bring the TSC rate into (1 GHz, 2 GHz], then mul = 10^9 * 2^32
 * divided by it, which lies in [2^31, 2^32).
 */
void hx_pvclock_scale(u64 tsc_hz, u32 *mul, s8 *shift)
{
	s8 s = 0;

	if (!tsc_hz)
		tsc_hz = NSEC_PER_SEC;
	while (tsc_hz > 2 * NSEC_PER_SEC) {
		tsc_hz >>= 1;
		s--;
	}
	while (tsc_hz <= NSEC_PER_SEC) {
		tsc_hz <<= 1;
		s++;
	}
	*mul = (u32)((NSEC_PER_SEC << 32) / tsc_hz);
	*shift = s;
}

static void put32(u8 *p, u32 v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

static void put64(u8 *p, u64 v)
{
	__builtin_memcpy(p, &v, sizeof(v));
}

/* Fill a vcpu_time_info in @t, version odd while it changes. */
static void write_time(u8 *t, u64 tsc, u64 system_time)
{
	u32 version, mul;
	s8 shift;

	__builtin_memcpy(&version, t, sizeof(version));
	version |= 1;
	put32(t, version);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	hx_pvclock_scale(hxh_tsc_khz() * 1000ULL, &mul, &shift);
	put64(t + 8, tsc);
	put64(t + 16, system_time);
	put32(t + 24, mul);
	t[28] = (u8)shift;
	t[29] = hxh_tsc_stable() ? PVCLOCK_TSC_STABLE : 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	put32(t, version + 1);
}

void hx_xen_update_time(struct hx_vcpu *vcpu)
{
	struct hx_xen *x = &vcpu->vm->xen;
	u8 *vi = hx_xen_vcpu_info(vcpu->vm, vcpu->id);
	u64 now = hxh_now_ns();

	if (!vi)
		return;
	write_time(vi + VCPU_INFO_TIME, hx_arch->guest_tsc(vcpu),
		   now - x->boot_ns);
	vcpu->xen_time_ns = now;
}

void hx_xen_refresh_time(struct hx_vcpu *vcpu)
{
	if (vcpu->vm->xen.enabled &&
	    hxh_now_ns() - vcpu->xen_time_ns >= REFRESH_NS)
		hx_xen_update_time(vcpu);
}

/* The wallclock at system time 0, in shared_info. */
void hx_xen_set_wallclock(struct hx_vm *vm)
{
	u8 *wc = (u8 *)hxh_page_to_va(vm->xen.shared_info) + SHARED_WC;
	u64 sec = vm->xen.boot_wall_ns / NSEC_PER_SEC;
	u32 version;

	__builtin_memcpy(&version, wc, sizeof(version));
	put32(wc, version | 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	put32(wc + 4, (u32)sec);
	put32(wc + 8, (u32)(vm->xen.boot_wall_ns % NSEC_PER_SEC));
	put32(wc + 12, (u32)(sec >> 32));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	put32(wc, (version | 1) + 1);
}
