/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the files of the Linux port. */
#ifndef HXEN_PORT_H
#define HXEN_PORT_H

int hxen_dev_register(void);
void hxen_dev_unregister(void);

#endif /* HXEN_PORT_H */
