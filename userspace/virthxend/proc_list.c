// SPDX-License-Identifier: GPL-2.0
/*
 * Counting and listing domains, in the current form (LIST_ALL_DOMAINS) and
 * the older one virsh falls back to (NUM_OF / LIST of running IDs and of
 * defined names).  The daemon does not manage domains yet, so every list
 * is empty; the arguments are still checked as libvirtd checks them.
 */
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

/* remote_connect_list_all_domains_ret: domains<>, then the count. */
PROC_HANDLER(proc_connect_list_all_domains)
{
	int32_t need_results;
	uint32_t flags;

	(void)c;
	xdr_get_i32(args, &need_results);
	xdr_get_u32(args, &flags);
	if (proc_args_done(args, err))
		return -1;
	if (flags & ~VHD_LIST_ALL_FLAGS)
		return proc_fail(err, VIR_ERR_INVALID_ARG,
				 "unsupported flags (0x%x) in virConnectListAllDomains",
				 flags & ~VHD_LIST_ALL_FLAGS);
	xdr_put_count(ret, 0, REMOTE_DOMAIN_LIST_MAX);
	return xdr_put_u32(ret, 0) ? -1 : 0;
}

PROC_HANDLER(proc_connect_num_of_domains)
{
	(void)c;
	if (proc_args_done(args, err))
		return -1;
	return xdr_put_i32(ret, 0) ? -1 : 0;
}

/* remote_connect_list_domains_ret: ids<REMOTE_DOMAIN_LIST_MAX>. */
PROC_HANDLER(proc_connect_list_domains)
{
	int32_t maxids;

	(void)c;
	xdr_get_i32(args, &maxids);
	if (proc_args_done(args, err) || check_max(maxids, "maxids", err))
		return -1;
	return xdr_put_count(ret, 0, REMOTE_DOMAIN_LIST_MAX) ? -1 : 0;
}

PROC_HANDLER(proc_connect_num_of_defined_domains)
{
	(void)c;
	if (proc_args_done(args, err))
		return -1;
	return xdr_put_i32(ret, 0) ? -1 : 0;
}

/* remote_connect_list_defined_domains_ret: names<REMOTE_DOMAIN_LIST_MAX>. */
PROC_HANDLER(proc_connect_list_defined_domains)
{
	int32_t maxnames;

	(void)c;
	xdr_get_i32(args, &maxnames);
	if (proc_args_done(args, err) || check_max(maxnames, "maxnames", err))
		return -1;
	return xdr_put_count(ret, 0, REMOTE_DOMAIN_LIST_MAX) ? -1 : 0;
}
