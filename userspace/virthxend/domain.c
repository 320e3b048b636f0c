// SPDX-License-Identifier: GPL-2.0
/*
 * Domains as clients see them: definitions and running VMs matched by
 * name, their UUIDs, IDs and states, and libhxen's errors as libvirt's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"
#include "log.h"
#include "rpc_proto.h"

int dom_store(struct domstore *st, struct proc_error *err)
{
	char why[VMCTL_ERR_MAX];

	if (domstore_open(st, why, sizeof(why)) != DOMSTORE_OK)
		return vir_fail(err, VIR_ERR_OPERATION_FAILED, "%s", why);
	return 0;
}

/* 64-bit FNV-1a of @s, starting from @seed. */
static uint64_t fnv1a(const char *s, uint64_t seed)
{
	uint64_t h = seed;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* A UUID that depends on the name only: RFC 9562 version 8 (custom). */
static void name_uuid(const char *name, uint8_t uuid[VMUUID_LEN])
{
	uint64_t a = fnv1a(name, 0xcbf29ce484222325ull);
	uint64_t b = fnv1a(name, a ^ 0x6878656e2d646f6dull);
	int i;

	for (i = 0; i < 8; i++) {
		uuid[i] = (uint8_t)(a >> (56 - 8 * i));
		uuid[8 + i] = (uint8_t)(b >> (56 - 8 * i));
	}
	uuid[6] = (uuid[6] & 0x0f) | 0x80;
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
}

/*
 * Fill @d for @name from what is known: @vm when it runs (else NULL).
 * Returns 0, or 1 when there is no such domain.
 */
static int fill(struct vhd_dom *d, const char *name,
		const struct domstore *st, const struct vmctl_vm *vm,
		const char *rundir)
{
	char why[VMCTL_ERR_MAX];
	struct vmconfig cfg;
	int rc;

	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->id = -1;
	if (vm) {
		d->active = true;
		d->vm = *vm;
		if (vm->answered && vm->info.pid > 0 &&
		    vm->info.pid <= INT32_MAX)
			d->id = (int)vm->info.pid;
	}
	rc = domstore_load(st, name, &cfg, why, sizeof(why));
	if (rc == DOMSTORE_OK) {
		d->persistent = true;
		vmuuid_parse(cfg.uuid, d->uuid);
		vmconfig_free(&cfg);
		d->autostart = domstore_autostart(st, name);
	} else if (rc != DOMSTORE_NOT_FOUND) {
		log_msg("ignoring the definition of '%s': %s", name, why);
	}
	if (!d->persistent && !d->active)
		return 1;
	if (d->persistent)
		return 0;
	if (vmctl_live_config(rundir, name, &cfg, why, sizeof(why)) ==
		    VMCTL_OK && cfg.uuid[0])
		vmuuid_parse(cfg.uuid, d->uuid);
	else
		name_uuid(name, d->uuid);
	vmconfig_free(&cfg);
	return 0;
}

int dom_find(const char *name, struct vhd_dom *d, struct proc_error *err)
{
	char rundir[VMDIR_PATH_MAX], why[VMCTL_ERR_MAX];
	struct domstore st;
	struct vmctl_vm vm;
	int rc;

	if (!vmdir_name_valid(name))
		return vir_fail(err, VIR_ERR_NO_DOMAIN,
				"no domain with matching name '%.100s'", name);
	if (dom_store(&st, err))
		return -1;
	rc = vmctl_runtime_dir(rundir, sizeof(rundir), why, sizeof(why));
	if (rc != VMCTL_OK)
		return dom_fail_vmctl(err, rc, why);
	rc = vmctl_vm_info(name, &vm, why, sizeof(why));
	if (rc != VMCTL_OK && rc != VMCTL_NO_VM)
		return dom_fail_vmctl(err, rc, why);
	if (fill(d, name, &st, rc == VMCTL_OK ? &vm : NULL, rundir))
		return vir_fail(err, VIR_ERR_NO_DOMAIN,
				"no domain with matching name '%s'", name);
	return 0;
}

int dom_list(struct vhd_dom **doms, struct proc_error *err)
{
	char rundir[VMDIR_PATH_MAX], why[VMCTL_ERR_MAX], **names = NULL;
	struct vmctl_vm *vms = NULL;
	struct vhd_dom *v;
	struct domstore st;
	int nd, nv, i = 0, j = 0, n = 0;

	*doms = NULL;
	if (dom_store(&st, err))
		return -1;
	if (vmctl_runtime_dir(rundir, sizeof(rundir), why, sizeof(why)))
		return dom_fail_vmctl(err, VMCTL_FAILED, why);
	nd = domstore_names(&st, &names, why, sizeof(why));
	if (nd < 0)
		return vir_fail(err, VIR_ERR_OPERATION_FAILED, "%s", why);
	nv = vmctl_list(&vms, why, sizeof(why));
	if (nv < 0) {
		vmdir_free_names(names, nd);
		return vir_fail(err, VIR_ERR_OPERATION_FAILED, "%s", why);
	}
	v = calloc((size_t)(nd + nv) + 1, sizeof(*v));
	if (!v) {
		vmdir_free_names(names, nd);
		free(vms);
		return proc_fail(err, VIR_ERR_NO_MEMORY, "out of memory");
	}
	/* Both lists are sorted: merge them. */
	while (i < nd || j < nv) {
		int c = i == nd ? 1 : j == nv ? -1 :
			strcmp(names[i], vms[j].info.name);
		const char *name = c <= 0 ? names[i] : vms[j].info.name;
		const struct vmctl_vm *vm = c >= 0 ? &vms[j] : NULL;

		if (!fill(&v[n], name, &st, vm, rundir))
			n++;
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	vmdir_free_names(names, nd);
	free(vms);
	*doms = v;
	return n;
}

void dom_state(const struct vhd_dom *d, int *state, int *reason)
{
	const char *s = d->vm.info.state;

	*state = VIR_DOMAIN_NOSTATE;
	*reason = 0;
	if (!d->active) {
		*state = VIR_DOMAIN_SHUTOFF;
		*reason = VIR_DOMAIN_SHUTOFF_UNKNOWN;
	} else if (!d->vm.answered) {
		return;
	} else if (!strcmp(s, "running")) {
		*state = VIR_DOMAIN_RUNNING;
		*reason = VIR_DOMAIN_RUNNING_BOOTED;
	} else if (!strcmp(s, "paused")) {
		*state = VIR_DOMAIN_PAUSED;
		*reason = VIR_DOMAIN_PAUSED_USER;
	} else if (!strcmp(s, "shutting-down")) {
		*state = VIR_DOMAIN_SHUTDOWN;
		*reason = VIR_DOMAIN_SHUTDOWN_USER;
	}
}

int dom_config(const struct vhd_dom *d, bool inactive, struct vmconfig *cfg,
	       struct proc_error *err)
{
	char rundir[VMDIR_PATH_MAX], why[VMCTL_ERR_MAX];
	struct domstore st;
	int rc = VMCTL_NO_VM;

	memset(cfg, 0, sizeof(*cfg));
	if (d->active && (!inactive || !d->persistent)) {
		rc = vmctl_runtime_dir(rundir, sizeof(rundir), why,
				       sizeof(why));
		if (rc == VMCTL_OK)
			rc = vmctl_live_config(rundir, d->name, cfg, why,
					       sizeof(why));
		if (rc != VMCTL_OK && rc != VMCTL_NO_VM)
			return dom_fail_vmctl(err, rc, why);
		if (rc == VMCTL_NO_VM && !d->persistent)
			return vir_fail(err, VIR_ERR_OPERATION_FAILED, "%s",
					why);
	}
	if (rc != VMCTL_OK) {
		if (dom_store(&st, err))
			return -1;
		rc = domstore_load(&st, d->name, cfg, why, sizeof(why));
		if (rc != DOMSTORE_OK)
			return dom_fail_store(err, rc, why);
	}
	vmuuid_format(d->uuid, cfg->uuid);
	return 0;
}

int dom_get_arg(struct xdr_dec *args, char **name)
{
	uint8_t uuid[VIR_UUID_BUFLEN];
	int32_t id;

	xdr_get_string(args, name, REMOTE_STRING_MAX);
	xdr_get_fixed(args, uuid, sizeof(uuid));
	return xdr_get_i32(args, &id);
}

/* Decode a domain, and flags unless @flags is NULL; look it up. */
static int from_args(struct xdr_dec *args, uint32_t known, const char *api,
		     uint32_t *flags, struct vhd_dom *d,
		     struct proc_error *err)
{
	char *name;
	int rc;

	dom_get_arg(args, &name);
	if (flags)
		xdr_get_u32(args, flags);
	rc = proc_args_done(args, err);
	if (!rc && flags)
		rc = proc_check_flags(*flags, known, api, err);
	if (!rc)
		rc = dom_find(name, d, err);
	free(name);
	return rc;
}

int dom_from_args(struct xdr_dec *args, struct vhd_dom *d,
		  struct proc_error *err)
{
	return from_args(args, 0, NULL, NULL, d, err);
}

int dom_from_args_flags(struct xdr_dec *args, uint32_t known,
			const char *api, uint32_t *flags, struct vhd_dom *d,
			struct proc_error *err)
{
	return from_args(args, known, api, flags, d, err);
}

int dom_put(struct xdr_enc *ret, const struct vhd_dom *d)
{
	xdr_put_string(ret, d->name, REMOTE_STRING_MAX);
	xdr_put_fixed(ret, d->uuid, VIR_UUID_BUFLEN);
	return xdr_put_i32(ret, d->id);
}

uint64_t dom_cpu_time_ns(const struct vhd_dom *d)
{
	unsigned long long utime, stime;
	char path[64], buf[1024], *p;
	long tck = sysconf(_SC_CLK_TCK);
	size_t n;
	FILE *f;

	if (!d->active || d->id <= 0 || tck <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", d->id);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* utime and stime are fields 14 and 15 (proc(5)); COMM, field 2,
	 * may hold anything but ends at the last ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &utime, &stime) != 2)
		return 0;
	return (utime + stime) * (1000000000ull / (unsigned long long)tck);
}

/* ---- Errors -------------------------------------------------------------- */

int dom_fail_xml(struct proc_error *err, const char *msg)
{
	if (strstr(msg, " is not supported"))
		return vir_fail(err, VIR_ERR_CONFIG_UNSUPPORTED, "%s", msg);
	return vir_fail(err, VIR_ERR_XML_ERROR, "%s", msg);
}

int dom_fail_vmctl(struct proc_error *err, int status, const char *msg)
{
	switch (status) {
	case VMCTL_BAD_NAME:
		return vir_fail(err, VIR_ERR_INVALID_ARG, "%s", msg);
	case VMCTL_BAD_CONFIG:
		return dom_fail_xml(err, msg);
	case VMCTL_NO_VM:
	case VMCTL_RUNNING:
		return vir_fail(err, VIR_ERR_OPERATION_INVALID, "%s", msg);
	default:
		return vir_fail(err, VIR_ERR_OPERATION_FAILED, "%s", msg);
	}
}

int dom_fail_store(struct proc_error *err, int status, const char *msg)
{
	switch (status) {
	case DOMSTORE_BAD_XML:
		return dom_fail_xml(err, msg);
	case DOMSTORE_NOT_FOUND:
		return vir_fail(err, VIR_ERR_NO_DOMAIN, "%s", msg);
	default:
		return vir_fail(err, VIR_ERR_OPERATION_FAILED, "%s", msg);
	}
}

int dom_fail_inactive(struct proc_error *err, const struct vhd_dom *d)
{
	return vir_fail(err, VIR_ERR_OPERATION_INVALID,
			"domain '%s' is not running", d->name);
}

int dom_fail_active(struct proc_error *err, const struct vhd_dom *d)
{
	return vir_fail(err, VIR_ERR_OPERATION_INVALID,
			"domain '%s' is already running", d->name);
}
