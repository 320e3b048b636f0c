// SPDX-License-Identifier: GPL-2.0
/*
 * Counting and listing domains, in the current form (LIST_ALL_DOMAINS) and
 * the older one virsh falls back to (NUM_OF / LIST of running IDs and of
 * defined names).  The domains are the user's running VMs and definitions
 * (domain.h); the arguments are checked as libvirtd checks them.
 */
#include <stdlib.h>

#include "domain.h"
#include "procs.h"
#include "rpc_proto.h"

/* virConnectListAllDomainsFlags: bits 0 (ACTIVE) to 15 (NO_CHECKPOINT). */
#define VHD_LIST_ALL_FLAGS 0xffffu

/* A list call's maximum, which libvirtd refuses past REMOTE_DOMAIN_LIST_MAX. */
static int check_max(int32_t max, const char *what, struct proc_error *err)
{
	if (max < 0)
		return proc_fail(err, VIR_ERR_INVALID_ARG, "negative %s",
				 what);
	if ((uint32_t)max > REMOTE_DOMAIN_LIST_MAX)
		return proc_fail(err, VIR_ERR_RPC,
				 "%s > REMOTE_DOMAIN_LIST_MAX", what);
	return 0;
}

/*
 * Whether @d passes a group of filter bits: when @flags has none of
 * @group, everything does; else @d must have one of those given.
 */
static bool in_group(uint32_t flags, uint32_t group, uint32_t has)
{
	return !(flags & group) || (flags & group & has);
}

/* The filter of virConnectListAllDomains() for @d. */
static bool wanted(const struct vhd_dom *d, uint32_t flags)
{
	uint32_t has;
	int state, reason;

	dom_state(d, &state, &reason);
	has = d->active ? VIR_CONNECT_LIST_DOMAINS_ACTIVE :
			  VIR_CONNECT_LIST_DOMAINS_INACTIVE;
	has |= d->persistent ? VIR_CONNECT_LIST_DOMAINS_PERSISTENT :
			       VIR_CONNECT_LIST_DOMAINS_TRANSIENT;
	has |= state == VIR_DOMAIN_RUNNING ? VIR_CONNECT_LIST_DOMAINS_RUNNING :
	       state == VIR_DOMAIN_PAUSED ? VIR_CONNECT_LIST_DOMAINS_PAUSED :
	       state == VIR_DOMAIN_SHUTOFF ? VIR_CONNECT_LIST_DOMAINS_SHUTOFF :
	       VIR_CONNECT_LIST_DOMAINS_OTHER;
	has |= d->autostart ? VIR_CONNECT_LIST_DOMAINS_AUTOSTART :
			      VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART;
	/* No managed save, snapshot or checkpoint ever. */
	has |= VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE |
	       VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT |
	       VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT;

	return in_group(flags, VIR_CONNECT_LIST_DOMAINS_ACTIVE |
			VIR_CONNECT_LIST_DOMAINS_INACTIVE, has) &&
	       in_group(flags, VIR_CONNECT_LIST_DOMAINS_PERSISTENT |
			VIR_CONNECT_LIST_DOMAINS_TRANSIENT, has) &&
	       in_group(flags, VIR_CONNECT_LIST_DOMAINS_RUNNING |
			VIR_CONNECT_LIST_DOMAINS_PAUSED |
			VIR_CONNECT_LIST_DOMAINS_SHUTOFF |
			VIR_CONNECT_LIST_DOMAINS_OTHER, has) &&
	       in_group(flags, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE |
			VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, has) &&
	       in_group(flags, VIR_CONNECT_LIST_DOMAINS_AUTOSTART |
			VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART, has) &&
	       in_group(flags, VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT |
			VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, has) &&
	       in_group(flags, VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT |
			VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT, has);
}

/*
 * remote_connect_list_all_domains_args: int need_results, flags;
 * ret: domains<>, then their count (the domains only if asked for).
 */
PROC_HANDLER(proc_connect_list_all_domains)
{
	struct vhd_dom *doms;
	int32_t need_results;
	uint32_t flags;
	int n, i, nr = 0, rc = 0;

	(void)c;
	xdr_get_i32(args, &need_results);
	xdr_get_u32(args, &flags);
	if (proc_args_done(args, err))
		return -1;
	if (flags & ~VHD_LIST_ALL_FLAGS)
		return proc_fail(err, VIR_ERR_INVALID_ARG,
				 "unsupported flags (0x%x) in virConnectListAllDomains",
				 flags & ~VHD_LIST_ALL_FLAGS);
	n = dom_list(&doms, err);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (wanted(&doms[i], flags))
			doms[nr++] = doms[i];
	if (nr > (int)REMOTE_DOMAIN_LIST_MAX) {
		free(doms);
		return proc_fail(err, VIR_ERR_RPC,
				 "too many domains: %d > REMOTE_DOMAIN_LIST_MAX",
				 nr);
	}
	xdr_put_count(ret, need_results ? (uint32_t)nr : 0,
		      REMOTE_DOMAIN_LIST_MAX);
	for (i = 0; need_results && i < nr; i++)
		rc |= dom_put(ret, &doms[i]);
	free(doms);
	return xdr_put_u32(ret, (uint32_t)nr) || rc ? -1 : 0;
}

/* How many domains are active (@active) or defined and shut off. */
static int count(bool active, struct proc_error *err)
{
	struct vhd_dom *doms;
	int n, i, nr = 0;

	n = dom_list(&doms, err);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (active ? doms[i].active :
			     doms[i].persistent && !doms[i].active)
			nr++;
	free(doms);
	return nr;
}

PROC_HANDLER(proc_connect_num_of_domains)
{
	int n;

	(void)c;
	if (proc_args_done(args, err))
		return -1;
	n = count(true, err);
	return n < 0 || xdr_put_i32(ret, n) ? -1 : 0;
}

/* remote_connect_list_domains_ret: ids<REMOTE_DOMAIN_LIST_MAX>. */
PROC_HANDLER(proc_connect_list_domains)
{
	struct vhd_dom *doms;
	int32_t maxids;
	int n, i, nr = 0;
	size_t at;

	(void)c;
	xdr_get_i32(args, &maxids);
	if (proc_args_done(args, err) || check_max(maxids, "maxids", err))
		return -1;
	n = dom_list(&doms, err);
	if (n < 0)
		return -1;
	at = ret->len;
	xdr_put_count(ret, 0, REMOTE_DOMAIN_LIST_MAX);
	for (i = 0; i < n && nr < maxids; i++) {
		if (!doms[i].active || doms[i].id <= 0)
			continue;
		xdr_put_i32(ret, doms[i].id);
		nr++;
	}
	free(doms);
	return xdr_patch_u32(ret, at, (uint32_t)nr) ? -1 : 0;
}

PROC_HANDLER(proc_connect_num_of_defined_domains)
{
	int n;

	(void)c;
	if (proc_args_done(args, err))
		return -1;
	n = count(false, err);
	return n < 0 || xdr_put_i32(ret, n) ? -1 : 0;
}

/* remote_connect_list_defined_domains_ret: names<REMOTE_DOMAIN_LIST_MAX>. */
PROC_HANDLER(proc_connect_list_defined_domains)
{
	struct vhd_dom *doms;
	int32_t maxnames;
	int n, i, nr = 0;
	size_t at;

	(void)c;
	xdr_get_i32(args, &maxnames);
	if (proc_args_done(args, err) || check_max(maxnames, "maxnames", err))
		return -1;
	n = dom_list(&doms, err);
	if (n < 0)
		return -1;
	at = ret->len;
	xdr_put_count(ret, 0, REMOTE_DOMAIN_LIST_MAX);
	for (i = 0; i < n && nr < maxnames; i++) {
		if (doms[i].active || !doms[i].persistent)
			continue;
		xdr_put_string(ret, doms[i].name, REMOTE_STRING_MAX);
		nr++;
	}
	free(doms);
	return xdr_patch_u32(ret, at, (uint32_t)nr) ? -1 : 0;
}
