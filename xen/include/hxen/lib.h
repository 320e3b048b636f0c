/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers for the core, which cannot use the host's. */
#ifndef HXEN_LIB_H
#define HXEN_LIB_H

#define HX_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The structure of @type that holds @ptr as its @member. */
#define hx_container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#endif /* HXEN_LIB_H */
