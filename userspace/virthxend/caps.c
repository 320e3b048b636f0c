// SPDX-License-Identifier: GPL-2.0
/*
 * The capabilities XML, valid against libvirt's capability.rng.  hxen runs
 * 64-bit x86 guests, booted PVH from a kernel image, with ioemu as the
 * device model.  Guest os_type "xen" (of which "linux" is libvirt's alias)
 * is the Xen paravirtual family that hxen's guests belong to, and domain
 * type "xen" is the one hxen's domain XML accepts.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "caps.h"

#ifndef HXEN_IOEMU_PATH
#define HXEN_IOEMU_PATH "/usr/lib/hxen/ioemu"
#endif

char *caps_xml(void)
{
	const char *host_arch = "x86_64";
	struct utsname u;
	char *xml;

	/* An architecture name is a word; anything else is not used in XML. */
	if (!uname(&u) && u.machine[0] &&
	    strspn(u.machine, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
		    strlen(u.machine))
		host_arch = u.machine;
	if (asprintf(&xml,
		     "<capabilities>\n"
		     "  <host>\n"
		     "    <cpu>\n"
		     "      <arch>%s</arch>\n"
		     "    </cpu>\n"
		     "  </host>\n"
		     "  <guest>\n"
		     "    <os_type>xen</os_type>\n"
		     "    <arch name='x86_64'>\n"
		     "      <wordsize>64</wordsize>\n"
		     "      <emulator>%s</emulator>\n"
		     "      <domain type='xen'/>\n"
		     "    </arch>\n"
		     "  </guest>\n"
		     "</capabilities>\n",
		     host_arch, HXEN_IOEMU_PATH) < 0)
		return NULL;
	return xml;
}
