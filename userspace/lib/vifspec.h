/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network interface specifications: the strings of a configuration's
 * 'vif' list, in the key=value syntax of xl-network-configuration(5) with
 * hxen's own keys (see hxen.cfg(5)).
 */
#ifndef VIFSPEC_H
#define VIFSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vif_spec_type { VIF_SPEC_USER, VIF_SPEC_TAP };

#define VIF_SPEC_MAX_FWDS 16

struct vif_fwd {
	bool udp;		/* else tcp */
	uint32_t host_addr;	/* network order; 127.0.0.1 when omitted */
	uint16_t host_port;
	uint32_t guest_addr;	/* network order; 0 = guest's DHCP address */
	uint16_t guest_port;
};

struct vif_spec {
	enum vif_spec_type type;	/* default user */
	bool mac_given;
	uint8_t mac[6];
	char ifname[16];		/* type=tap: the tap device, required */
	struct vif_fwd fwd[VIF_SPEC_MAX_FWDS];
	unsigned int nr_fwd;
};

/*
 * Parse the interface specification @spec into @out.  Returns 0, or -1
 * with a one-line message (no "file:line:" prefix) in @err and @out left
 * empty.  @err may be NULL when @errlen is 0.
 */
int vif_spec_parse(const char *spec, struct vif_spec *out, char *err,
		   size_t errlen);

/*
 * A stable MAC 00:16:3e:xx:xx:xx derived from the VM uuid (or name) and
 * the vif index, locally administered bit clear (Xen's OUI).
 */
void vif_spec_default_mac(const char *uuid_or_name, unsigned int index,
			  uint8_t mac[6]);

#endif /* VIFSPEC_H */
