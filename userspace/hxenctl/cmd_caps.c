// SPDX-License-Identifier: GPL-2.0
/* hxenctl caps: what the CPUs offer hxen, as "key: value" lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hxenctl.h"
#include "libhxen.h"

static const char *yes_no(const struct hxen_caps *c, unsigned long long bit)
{
	return (c->features & bit) ? "yes" : "no";
}

int cmd_caps(int argc, char **argv)
{
	struct hxen_version v;
	struct hxen_caps c;
	int fd, err;

	err = no_args("caps", argc, argv);
	if (err)
		return err < 0 ? HXEN_EXIT_OK : err;

	fd = hxen_open_checked(HXENCTL, &v);
	if (fd < 0)
		return -fd;
	err = hxen_get_caps(fd, &c);
	close(fd);
	if (err) {
		fprintf(stderr, "hxenctl: HXEN_GET_CAPS: %s\n", strerror(-err));
		return HXEN_EXIT_ERROR;
	}

	printf("vendor: %s\n", hxen_vendor_name(c.vendor));
	printf("svm: %s\n", yes_no(&c, HXEN_CAP_SVM));
	if (c.features & HXEN_CAP_SVM) {
		printf("svm-firmware: %s\n",
		       (c.features & HXEN_CAP_SVM_DISABLED) ? "disabled" :
							      "enabled");
		printf("svm-revision: %u\n", c.svm_revision);
	}
	printf("npt: %s\n", yes_no(&c, HXEN_CAP_NPT));
	printf("nrip-save: %s\n", yes_no(&c, HXEN_CAP_NRIP_SAVE));
	printf("decode-assists: %s\n", yes_no(&c, HXEN_CAP_DECODE_ASSISTS));
	printf("flush-by-asid: %s\n", yes_no(&c, HXEN_CAP_FLUSH_BY_ASID));
	printf("vgif: %s\n", yes_no(&c, HXEN_CAP_VGIF));
	printf("asids: %u\n", c.nr_asids);
	printf("vmx: %s\n", yes_no(&c, HXEN_CAP_VMX));
	if (c.features & HXEN_CAP_VMX)
		printf("vmx-firmware: %s\n",
		       (c.features & HXEN_CAP_VMX_DISABLED) ? "disabled" :
							      "enabled");
	printf("ept: %s\n", yes_no(&c, HXEN_CAP_EPT));
	printf("vpid: %s\n", yes_no(&c, HXEN_CAP_VPID));
	printf("vpids: %u\n", c.nr_vpids);
	printf("unrestricted-guest: %s\n", yes_no(&c, HXEN_CAP_UNRESTRICTED));
	printf("nested: %s\n", yes_no(&c, HXEN_CAP_NESTED));
	printf("cpus: %u\n", c.nr_cpus);
	if (c.nr_cpus_held)
		printf("held-by-other-hypervisor: yes (%u of %u cpus)\n",
		       c.nr_cpus_held, c.nr_cpus);
	else
		printf("held-by-other-hypervisor: no\n");
	return HXEN_EXIT_OK;
}
