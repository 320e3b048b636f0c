/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The life of the user's VMs: start one from a configuration, list those
 * that run, and shut down, reboot, destroy, pause or unpause one by name.
 * Each VM is one ioemu process reached through its control socket in the
 * user's runtime directory (vmdir.h).  hxenctl and virthxend both manage
 * VMs through these functions.
 *
 * Nothing here prints.  A function that fails returns a VMCTL_* status
 * other than VMCTL_OK and leaves a message for people in @err: one line
 * without a final newline (after a failed start, more lines follow with
 * the end of the VM's log, each indented by two spaces).
 */
#ifndef VMCTL_H
#define VMCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "vmconfig.h"
#include "vmdir.h"

/* Room for any message in @err, the end of a log included. */
#define VMCTL_ERR_MAX		10240

/* How long a VM may take to answer on its control socket once started. */
#define VMCTL_START_TIMEOUT_S	30
/* How long a request on the control socket may take. */
#define VMCTL_REQUEST_TIMEOUT_MS 10000
/* How long vmctl_list() waits for each VM. */
#define VMCTL_LIST_TIMEOUT_MS	2000
/* How long a VM may take to end once destroyed. */
#define VMCTL_DESTROY_TIMEOUT_S	30

enum vmctl_status {
	VMCTL_OK = 0,
	VMCTL_BAD_NAME,		/* not a VM name (vmdir_name_valid()) */
	VMCTL_BAD_CONFIG,	/* the configuration is unreadable or wrong */
	VMCTL_NO_VM,		/* no VM of that name runs */
	VMCTL_RUNNING,		/* a VM of that name runs already */
	VMCTL_FAILED,		/* anything else */
};

/* ---- Starting ------------------------------------------------------------ */

/*
 * What to start.  Exactly one of @config_path and @config_xml is set:
 * a configuration file (xl.cfg or domain XML, hxen.cfg(5)), or domain
 * XML text with absolute paths only, which is written to NAME.xml in the
 * runtime directory for ioemu to read.
 */
struct vmctl_start {
	const char *config_path;
	const char *config_xml;
	/* Optional: told about trouble that does not stop the start. */
	void (*warn)(const char *msg);

	/* Filled in by vmctl_start(). */
	char name[VMCONFIG_NAME_MAX + 1];	/* known once parsed */
	unsigned int domid;
	long pid;				/* ioemu's */
};

/*
 * Check the configuration, run ioemu detached (its own session, standard
 * input /dev/null, output to NAME.log; the previous log kept as
 * NAME.log.1), and wait until it answers on its control socket.  Which
 * ioemu: $HXEN_IOEMU, else "ioemu" next to the running program, else the
 * installed one.  The VM's domain XML is kept as NAME.xml in the runtime
 * directory while it runs (vmctl_live_config()), when domain XML can say
 * what the configuration does.  Returns VMCTL_OK with @s filled in;
 * VMCTL_BAD_CONFIG when the configuration cannot be read or parsed,
 * VMCTL_RUNNING, or VMCTL_FAILED (ioemu ended or did not answer: the
 * message ends with the end of its log, and nothing of it is left
 * running).
 */
int vmctl_start(struct vmctl_start *s, char *err, size_t errlen);

/*
 * The configuration VM @name was started with, from NAME.xml in the
 * runtime directory @dir.  Returns VMCTL_OK, VMCTL_NO_VM when there is
 * none (the VM runs from a configuration domain XML cannot express), or
 * VMCTL_FAILED.  Only meaningful while the VM runs.
 */
int vmctl_live_config(const char *dir, const char *name,
		      struct vmconfig *cfg, char *err, size_t errlen);

/* ---- Running VMs --------------------------------------------------------- */

/* One running VM. */
struct vmctl_vm {
	struct vmdir_info info;	/* info.name is always set */
	bool answered;		/* false: its ioemu did not answer "info" */
};

/*
 * The runtime directory into @dir (VMDIR_PATH_MAX bytes), created if
 * need be: VMCTL_OK or VMCTL_FAILED.
 */
int vmctl_runtime_dir(char *dir, size_t len, char *err, size_t errlen);

/*
 * The user's running VMs, sorted by name, into *@vms (free() it): the
 * count, or -1 with a message in @err.
 */
int vmctl_list(struct vmctl_vm **vms, char *err, size_t errlen);

/*
 * What VM @name says about itself: VMCTL_OK (@vm->answered tells whether
 * it answered), VMCTL_BAD_NAME, VMCTL_NO_VM or VMCTL_FAILED.
 */
int vmctl_vm_info(const char *name, struct vmctl_vm *vm, char *err,
		  size_t errlen);

/*
 * Connect to VM @name's control socket: VMCTL_OK with the socket in
 * *@fd, VMCTL_NO_VM or VMCTL_FAILED.  @dir is the runtime directory.
 */
int vmctl_connect(const char *dir, const char *name, int *fd, char *err,
		  size_t errlen);

/*
 * Ask the guest of VM @name to power off (@reboot false) or to reboot.
 * When @wait_s is not 0, wait up to that many seconds for the VM to end
 * (a reboot is never waited for).  Returns VMCTL_OK, VMCTL_BAD_NAME,
 * VMCTL_NO_VM or VMCTL_FAILED.
 */
int vmctl_shutdown(const char *name, bool reboot, long wait_s, char *err,
		   size_t errlen);

/*
 * Attach to VM @name's console: VMCTL_OK with *@fd the connection, which
 * from now on carries the console both ways (ioemu/control.h, "console");
 * VMCTL_NO_VM or VMCTL_FAILED.  @dir is the runtime directory.
 */
int vmctl_console(const char *dir, const char *name, int *fd, char *err,
		  size_t errlen);

/* End VM @name at once and wait until it has: statuses as above. */
int vmctl_destroy(const char *name, char *err, size_t errlen);

/* Stop (@pause true) or restart VM @name's vCPUs: statuses as above. */
int vmctl_pause(const char *name, bool pause, char *err, size_t errlen);

#endif /* VMCTL_H */
