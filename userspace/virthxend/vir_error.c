// SPDX-License-Identifier: GPL-2.0
/*
 * libvirt's error messages start with words that name their code
 * ("Domain not found: ", "Requested operation is not valid: "); clients
 * show the message as it comes, so virthxend writes them the same way.
 */
#include <stdarg.h>
#include <stdio.h>

#include "dispatch.h"
#include "rpc_proto.h"

static const char *lead_of(int code)
{
	switch (code) {
	case VIR_ERR_INTERNAL_ERROR:
		return "internal error";
	case VIR_ERR_INVALID_ARG:
		return "invalid argument";
	case VIR_ERR_OPERATION_FAILED:
		return "operation failed";
	case VIR_ERR_XML_ERROR:
		return "XML error";
	case VIR_ERR_OPERATION_DENIED:
		return "operation forbidden";
	case VIR_ERR_NO_DOMAIN:
		return "Domain not found";
	case VIR_ERR_OPERATION_INVALID:
		return "Requested operation is not valid";
	case VIR_ERR_CONFIG_UNSUPPORTED:
		return "unsupported configuration";
	default:
		return NULL;
	}
}

int vir_fail(struct proc_error *err, int code, const char *fmt, ...)
{
	char detail[PROC_ERROR_MAX];
	const char *lead = lead_of(code);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (lead)
		return proc_fail(err, code, "%s: %s", lead, detail);
	return proc_fail(err, code, "%s", detail);
}

int proc_check_flags(uint32_t flags, uint32_t known, const char *api,
		     struct proc_error *err)
{
	if (!(flags & ~known))
		return 0;
	return vir_fail(err, VIR_ERR_INVALID_ARG,
			"unsupported flags (0x%x) in function %s",
			flags & ~known, api);
}
