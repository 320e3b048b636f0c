/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Facts of libvirt's remote RPC protocol that virthxend speaks.  The wire
 * format is public; the numbers below are fixed by libvirt and must never
 * change.  Sources (libvirt.git):
 *   src/rpc/virnetprotocol.x        packet header, sizes, error struct
 *   src/rpc/virkeepaliveprotocol.x  keepalive program
 *   src/remote/remote_protocol.x    remote program, procedure numbers,
 *                                   argument and return structs
 *   include/libvirt/virterror.h     error codes, domains and levels
 *   src/libvirt_internal.h          VIR_DRV_FEATURE_* numbers
 *
 * Packet on a stream socket: a 4-byte big-endian length that counts
 * itself, then the 24-byte header, then the XDR payload:
 *   CALL           args of the procedure
 *   REPLY OK       ret of the procedure
 *   REPLY ERROR    struct remote_error
 *   MESSAGE        event (or keepalive, which has no payload)
 *   STREAM         data (CONTINUE), nothing (OK) or remote_error (ERROR)
 */
#ifndef VIRTHXEND_RPC_PROTO_H
#define VIRTHXEND_RPC_PROTO_H

/* ---- virnetprotocol.x ---------------------------------------------------- */

/* Largest packet, length word excluded (VIR_NET_MESSAGE_MAX). */
#define VIR_NET_MESSAGE_MAX		16777216u
/* The serialised header (VIR_NET_MESSAGE_HEADER_MAX). */
#define VIR_NET_MESSAGE_HEADER_MAX	24u
/* The length word (VIR_NET_MESSAGE_LEN_MAX). */
#define VIR_NET_MESSAGE_LEN_MAX		4u

/* enum virNetMessageType */
#define VIR_NET_CALL			0
#define VIR_NET_REPLY			1
#define VIR_NET_MESSAGE			2
#define VIR_NET_STREAM			3
#define VIR_NET_CALL_WITH_FDS		4
#define VIR_NET_REPLY_WITH_FDS		5

/* enum virNetMessageStatus */
#define VIR_NET_OK			0
#define VIR_NET_ERROR			1
#define VIR_NET_CONTINUE		2

/* ---- virkeepaliveprotocol.x ---------------------------------------------- */

#define KEEPALIVE_PROGRAM		0x6b656570u
#define KEEPALIVE_PROTOCOL_VERSION	1u
#define KEEPALIVE_PROC_PING		1
#define KEEPALIVE_PROC_PONG		2

/* ---- remote_protocol.x: program and limits ------------------------------- */

#define REMOTE_PROGRAM			0x20008086u
#define REMOTE_PROTOCOL_VERSION		1u

/* remote_nonnull_string<REMOTE_STRING_MAX> */
#define REMOTE_STRING_MAX		4194304u
/* remote_nonnull_domain domains<REMOTE_DOMAIN_LIST_MAX>, ids<>, names<> */
#define REMOTE_DOMAIN_LIST_MAX		16384u
/* remote_auth_type types<REMOTE_AUTH_TYPE_LIST_MAX> */
#define REMOTE_AUTH_TYPE_LIST_MAX	20u
/* remote_uuid: opaque[VIR_UUID_BUFLEN] */
#define VIR_UUID_BUFLEN			16u

/* enum remote_auth_type */
#define REMOTE_AUTH_NONE		0

/*
 * struct remote_error {
 *	int code;                 virErrorNumber
 *	int domain;               virErrorDomain
 *	remote_string message;    optional string
 *	int level;                virErrorLevel
 *	remote_domain dom;        optional remote_nonnull_domain, unused
 *	remote_string str1, str2, str3;
 *	int int1, int2;
 *	remote_network net;       optional remote_nonnull_network, unused
 * };
 */

/* ---- remote_protocol.x: enum remote_procedure ---------------------------- */

#define REMOTE_PROC_CONNECT_OPEN			1
#define REMOTE_PROC_CONNECT_CLOSE			2
#define REMOTE_PROC_CONNECT_GET_TYPE			3
#define REMOTE_PROC_CONNECT_GET_VERSION			4
#define REMOTE_PROC_CONNECT_GET_CAPABILITIES		7
#define REMOTE_PROC_DOMAIN_CREATE			9
#define REMOTE_PROC_DOMAIN_CREATE_XML			10
#define REMOTE_PROC_DOMAIN_DEFINE_XML			11
#define REMOTE_PROC_DOMAIN_DESTROY			12
#define REMOTE_PROC_DOMAIN_GET_XML_DESC			14
#define REMOTE_PROC_DOMAIN_GET_AUTOSTART		15
#define REMOTE_PROC_DOMAIN_GET_INFO			16
#define REMOTE_PROC_DOMAIN_GET_MAX_MEMORY		17
#define REMOTE_PROC_DOMAIN_GET_OS_TYPE			19
#define REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS	21
#define REMOTE_PROC_DOMAIN_LOOKUP_BY_ID			22
#define REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME		23
#define REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID		24
#define REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS	25
#define REMOTE_PROC_DOMAIN_REBOOT			27
#define REMOTE_PROC_DOMAIN_RESUME			28
#define REMOTE_PROC_DOMAIN_SET_AUTOSTART		29
#define REMOTE_PROC_DOMAIN_SHUTDOWN			33
#define REMOTE_PROC_DOMAIN_SUSPEND			34
#define REMOTE_PROC_DOMAIN_UNDEFINE			35
#define REMOTE_PROC_CONNECT_LIST_DOMAINS		37
#define REMOTE_PROC_CONNECT_NUM_OF_DOMAINS		51
#define REMOTE_PROC_CONNECT_GET_HOSTNAME		59
#define REMOTE_PROC_CONNECT_SUPPORTS_FEATURE		60
#define REMOTE_PROC_AUTH_LIST				66
#define REMOTE_PROC_CONNECT_GET_URI			110
#define REMOTE_PROC_CONNECT_IS_SECURE			149
#define REMOTE_PROC_DOMAIN_IS_ACTIVE			150
#define REMOTE_PROC_DOMAIN_IS_PERSISTENT		151
#define REMOTE_PROC_CONNECT_GET_LIB_VERSION		157
#define REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY	167
#define REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY	168
#define REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE	183
#define REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS		196
#define REMOTE_PROC_DOMAIN_OPEN_CONSOLE			201
#define REMOTE_PROC_DOMAIN_GET_STATE			212
#define REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS		231
#define REMOTE_PROC_DOMAIN_DESTROY_FLAGS		234
#define REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS		258
#define REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS		273
#define REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY	316
#define REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY 317
#define REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS		350
#define REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK	360
#define REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK	361

/* Flags of remote_connect_open_args (virConnectFlags). */
#define VIR_CONNECT_RO			(1u << 0)

/* ---- libvirt_internal.h: virDrvFeature ----------------------------------- */

#define VIR_DRV_FEATURE_PROGRAM_KEEPALIVE	10
#define VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK	14
#define VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK	15

/* ---- virterror.h --------------------------------------------------------- */

/* virErrorLevel */
#define VIR_ERR_ERROR			2

/* virErrorDomain */
#define VIR_FROM_NONE			0
#define VIR_FROM_XEN			1
#define VIR_FROM_RPC			7
#define VIR_FROM_REMOTE			13
#define VIR_FROM_STREAMS		38

/* virErrorNumber */
#define VIR_ERR_INTERNAL_ERROR		1
#define VIR_ERR_NO_MEMORY		2
#define VIR_ERR_NO_SUPPORT		3
#define VIR_ERR_NO_CONNECT		5
#define VIR_ERR_INVALID_ARG		8
#define VIR_ERR_OPERATION_FAILED	9
#define VIR_ERR_XML_ERROR		27
#define VIR_ERR_OPERATION_DENIED	29
#define VIR_ERR_RPC			39
#define VIR_ERR_NO_DOMAIN		42
#define VIR_ERR_OPERATION_INVALID	55
#define VIR_ERR_CONFIG_UNSUPPORTED	67

/* ---- libvirt-domain.h ---------------------------------------------------- */

/* virDomainState, and the reasons virthxend gives with them. */
#define VIR_DOMAIN_NOSTATE		0
#define VIR_DOMAIN_RUNNING		1
#define VIR_DOMAIN_PAUSED		3
#define VIR_DOMAIN_SHUTDOWN		4
#define VIR_DOMAIN_SHUTOFF		5
/* virDomainRunningReason, PausedReason, ShutdownReason, ShutoffReason */
#define VIR_DOMAIN_RUNNING_BOOTED	1
#define VIR_DOMAIN_PAUSED_USER		1
#define VIR_DOMAIN_SHUTDOWN_USER	1
#define VIR_DOMAIN_SHUTOFF_UNKNOWN	0

/* virConnectListAllDomainsFlags */
#define VIR_CONNECT_LIST_DOMAINS_ACTIVE		(1u << 0)
#define VIR_CONNECT_LIST_DOMAINS_INACTIVE	(1u << 1)
#define VIR_CONNECT_LIST_DOMAINS_PERSISTENT	(1u << 2)
#define VIR_CONNECT_LIST_DOMAINS_TRANSIENT	(1u << 3)
#define VIR_CONNECT_LIST_DOMAINS_RUNNING	(1u << 4)
#define VIR_CONNECT_LIST_DOMAINS_PAUSED		(1u << 5)
#define VIR_CONNECT_LIST_DOMAINS_SHUTOFF	(1u << 6)
#define VIR_CONNECT_LIST_DOMAINS_OTHER		(1u << 7)
#define VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE	(1u << 8)
#define VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE	(1u << 9)
#define VIR_CONNECT_LIST_DOMAINS_AUTOSTART	(1u << 10)
#define VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART	(1u << 11)
#define VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT	(1u << 12)
#define VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT	(1u << 13)
#define VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT	(1u << 14)
#define VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT	(1u << 15)

/* Flags of the domain procedures that virthxend honours or may ignore. */
#define VIR_DOMAIN_DEFINE_VALIDATE		(1u << 0)
#define VIR_DOMAIN_START_PAUSED			(1u << 0)
#define VIR_DOMAIN_START_AUTODESTROY		(1u << 1)
#define VIR_DOMAIN_START_BYPASS_CACHE		(1u << 2)
#define VIR_DOMAIN_START_FORCE_BOOT		(1u << 3)
#define VIR_DOMAIN_START_VALIDATE		(1u << 4)
#define VIR_DOMAIN_SHUTDOWN_PARAVIRT		(1u << 4)
#define VIR_DOMAIN_REBOOT_PARAVIRT		(1u << 4)
#define VIR_DOMAIN_DESTROY_GRACEFUL		(1u << 0)
/* virDomainUndefineFlagsValues: managed save, snapshot and checkpoint
 * metadata, NVRAM and TPM state, none of which an hxen domain has. */
#define VIR_DOMAIN_UNDEFINE_KNOWN_FLAGS		0x7fu
/* virDomainConsoleFlags: one console, shared; both change nothing. */
#define VIR_DOMAIN_CONSOLE_FORCE		(1u << 0)
#define VIR_DOMAIN_CONSOLE_SAFE			(1u << 1)
/* virDomainXMLFlags */
#define VIR_DOMAIN_XML_SECURE			(1u << 0)
#define VIR_DOMAIN_XML_INACTIVE			(1u << 1)
#define VIR_DOMAIN_XML_UPDATE_CPU		(1u << 2)
#define VIR_DOMAIN_XML_MIGRATABLE		(1u << 3)

#endif /* VIRTHXEND_RPC_PROTO_H */
