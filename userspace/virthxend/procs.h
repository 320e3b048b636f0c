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

/* proc_domain_query.c: finding a domain and asking about it. */
PROC_HANDLER(proc_domain_lookup_by_id);
PROC_HANDLER(proc_domain_lookup_by_name);
PROC_HANDLER(proc_domain_lookup_by_uuid);
PROC_HANDLER(proc_domain_get_info);
PROC_HANDLER(proc_domain_get_state);
PROC_HANDLER(proc_domain_is_active);
PROC_HANDLER(proc_domain_is_persistent);
PROC_HANDLER(proc_domain_get_autostart);
PROC_HANDLER(proc_domain_get_os_type);
PROC_HANDLER(proc_domain_get_max_memory);
PROC_HANDLER(proc_domain_has_managed_save_image);

/* proc_domain_config.c: definitions and their XML. */
PROC_HANDLER(proc_domain_define_xml);
PROC_HANDLER(proc_domain_define_xml_flags);
PROC_HANDLER(proc_domain_undefine);
PROC_HANDLER(proc_domain_undefine_flags);
PROC_HANDLER(proc_domain_get_xml_desc);
PROC_HANDLER(proc_domain_set_autostart);

/* proc_domain_life.c: starting and stopping. */
PROC_HANDLER(proc_domain_create);
PROC_HANDLER(proc_domain_create_with_flags);
PROC_HANDLER(proc_domain_create_xml);
PROC_HANDLER(proc_domain_shutdown);
PROC_HANDLER(proc_domain_shutdown_flags);
PROC_HANDLER(proc_domain_reboot);
PROC_HANDLER(proc_domain_destroy);
PROC_HANDLER(proc_domain_destroy_flags);
PROC_HANDLER(proc_domain_suspend);
PROC_HANDLER(proc_domain_resume);

/* proc_domain_console.c: the console as a stream. */
PROC_HANDLER(proc_domain_open_console);

#endif /* VIRTHXEND_PROCS_H */
