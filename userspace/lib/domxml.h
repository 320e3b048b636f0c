/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvirt domain XML: the part of it that describes an hxen guest, read
 * into the VM description an xl.cfg file makes and written back from it
 * (see hxen.cfg(5), DOMAIN XML).
 */
#ifndef DOMXML_H
#define DOMXML_H

#include <stddef.h>

#include "vmconfig.h"

/*
 * Parse the domain XML @xml (@len bytes, at most VMCONFIG_FILE_MAX) into
 * @cfg, with the checks and limits of vmconfig_parse_string(), whose
 * @name_for_errors and @base_dir this takes too.  No DTD or external
 * entity is loaded: a document type declaration is refused.  Returns 0,
 * or -1 with a one-line message in @err ("guest.xml:14: <graphics> is
 * not supported by hxen") and @cfg left empty.
 */
int domxml_parse_string(const char *xml, size_t len,
			const char *name_for_errors, const char *base_dir,
			struct vmconfig *cfg, char *err, size_t errlen);

/*
 * Write @cfg as libvirt domain XML, in the one form domxml_parse_string()
 * reads back into the same @cfg, into *@xml_out (malloc'd, NUL-terminated;
 * the caller frees it).  Disk targets must be absolute.  Returns 0, or -1
 * with a message in @err and *@xml_out NULL when @cfg holds something
 * domain XML cannot say (a tap interface, a relative disk path).
 */
int domxml_format(const struct vmconfig *cfg, char **xml_out, char *err,
		  size_t errlen);

#endif /* DOMXML_H */
