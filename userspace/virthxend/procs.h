/* SPDX-License-Identifier: GPL-2.0 */
/* The remote-program procedures virthxend implements, one handler each. */
#ifndef VIRTHXEND_PROCS_H
#define VIRTHXEND_PROCS_H

#include "dispatch.h"

#define PROC_HANDLER(name)                                                   \
	int name(struct rpc_conn *c, struct xdr_dec *args,                   \
		 struct xdr_enc *ret, struct proc_error *err)

/* proc_connect.c: opening the connection and asking about the host. */
PROC_HANDLER(proc_connect_open);
PROC_HANDLER(proc_connect_close);
PROC_HANDLER(proc_auth_list);
PROC_HANDLER(proc_connect_supports_feature);
PROC_HANDLER(proc_connect_get_type);
PROC_HANDLER(proc_connect_get_version);
PROC_HANDLER(proc_connect_get_lib_version);
PROC_HANDLER(proc_connect_get_hostname);
PROC_HANDLER(proc_connect_get_uri);
PROC_HANDLER(proc_connect_get_capabilities);
PROC_HANDLER(proc_connect_is_secure);

/* proc_list.c: counting and listing domains. */
PROC_HANDLER(proc_connect_list_all_domains);
PROC_HANDLER(proc_connect_num_of_domains);
PROC_HANDLER(proc_connect_list_domains);
PROC_HANDLER(proc_connect_num_of_defined_domains);
PROC_HANDLER(proc_connect_list_defined_domains);

#endif /* VIRTHXEND_PROCS_H */
