/* SPDX-License-Identifier: GPL-2.0 */
/* Starting the domains marked autostart, once per boot of the host. */
#ifndef VIRTHXEND_AUTOSTART_H
#define VIRTHXEND_AUTOSTART_H

/*
 * Start each defined domain marked autostart that does not run, logging
 * what fails, unless a daemon already did since the host booted: the
 * runtime directory (vmdir.h), which the host empties at boot, keeps the
 * file virthxend-autostarted meanwhile.  A session daemon comes and goes
 * with its clients; this way a domain shut down on purpose stays down.
 */
void autostart_domains(void);

#endif /* VIRTHXEND_AUTOSTART_H */
