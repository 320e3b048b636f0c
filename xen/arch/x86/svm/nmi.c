// SPDX-License-Identifier: GPL-2.0
/*
 * NMI blocking.  After an NMI the CPU takes no other until the handler's
 * IRET has run.  Without vNMI that state is not visible in the VMCB, so
 * hxen tracks it: an injected NMI masks NMIs and turns on the IRET
 * intercept.  The intercept exits before the IRET runs; from then on the
 * NMI window opens at the first entry that finds RIP moved on, and if an
 * NMI is waiting the guest single-steps over the IRET (RFLAGS.TF, #DB is
 * intercepted) so that it goes in right after.
 */
#include <hxen/debugreg.h>
#include <hxen/x86.h>

#include "svm.h"

#define RFLAGS_TF	(1ULL << 8)
#define RFLAGS_RF	(1ULL << 16)
#define DR6_BS		(1ULL << 14)

/* Does the guest block NMIs now?  (May update the tracking first.) */
static bool svm_nmi_blocked(struct svm_vcpu *sv)
{
	struct svm_nmi *n = &sv->nmi;

	if (n->iret_seen && sv->vmcb->save.rip != n->iret_rip &&
	    !n->stepping) {
		n->masked = false;
		n->iret_seen = false;
	}
	return n->masked;
}

bool svm_nmi_deliverable(struct svm_vcpu *sv)
{
	return (hx_vcpu_events(&sv->vcpu) & HX_EVENT_NMI) &&
	       !svm_nmi_blocked(sv);
}

void svm_nmi_state_set(struct svm_vcpu *sv)
{
	sv->nmi.stepping = false;
}

bool svm_nmi_can_inject(struct svm_vcpu *sv)
{
	struct vmcb_save *s = &sv->vmcb->save;
	struct svm_nmi *n = &sv->nmi;

	if (!svm_nmi_blocked(sv))
		return true;
	if (n->iret_seen && !n->stepping) {
		n->guest_tf = s->rflags & RFLAGS_TF;
		s->rflags |= RFLAGS_TF | RFLAGS_RF;
		n->stepping = true;
	}
	return false;
}

void svm_nmi_injected(struct svm_vcpu *sv)
{
	sv->nmi.masked = true;
	sv->nmi.iret_seen = false;
	sv->vmcb->control.intercept_misc1 |= SVM_INTERCEPT_IRET;
}

int svm_exit_iret(struct svm_vcpu *sv)
{
	sv->vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_IRET;
	sv->nmi.iret_seen = true;
	sv->nmi.iret_rip = sv->vmcb->save.rip;
	return 1;
}

bool svm_nmi_step_done(struct svm_vcpu *sv)
{
	struct vmcb_save *s = &sv->vmcb->save;
	struct svm_nmi *n = &sv->nmi;

	if (!n->stepping)
		return false;
	n->stepping = false;
	n->masked = false;
	n->iret_seen = false;
	if (n->guest_tf)
		return false;
	/* The step was ours alone: the guest sees neither TF nor BS. */
	s->rflags &= ~RFLAGS_TF;
	s->dr6 &= ~DR6_BS;
	return true;
}
