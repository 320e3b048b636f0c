/* SPDX-License-Identifier: GPL-2.0 */
/* The capabilities XML of an hxen host (virConnectGetCapabilities). */
#ifndef VIRTHXEND_CAPS_H
#define VIRTHXEND_CAPS_H

/* A new string (free() it), or NULL when out of memory. */
char *caps_xml(void);

#endif /* VIRTHXEND_CAPS_H */
