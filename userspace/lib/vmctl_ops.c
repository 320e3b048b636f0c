// SPDX-License-Identifier: GPL-2.0
/*
 * Running VMs: listing them and asking one to shut down, reboot, end,
 * pause or unpause, over its control socket (ioemu/control.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "vmctl.h"

int vmctl_runtime_dir(char *dir, size_t len, char *err, size_t errlen)
{
	return vmdir_open(dir, len, err, errlen) < 0 ? VMCTL_FAILED : VMCTL_OK;
}

static int check_name(const char *name, char *err, size_t errlen)
{
	if (vmdir_name_valid(name))
		return VMCTL_OK;
	return errmsg_set(err, errlen, VMCTL_BAD_NAME,
			  "'%s' is not a VM name (1 to 64 letters, digits, '_', '.' and '-', not starting with '.' or '-')",
			  name);
}

int vmctl_connect(const char *dir, const char *name, int *fd, char *err,
		  size_t errlen)
{
	int rc = vmdir_connect(dir, name);

	*fd = rc;
	if (rc >= 0)
		return VMCTL_OK;
	if (rc == -ENOENT)
		return errmsg_set(err, errlen, VMCTL_NO_VM,
				  "no VM named '%s' (hxenctl list shows yours)",
				  name);
	if (rc == -EAGAIN)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "the ioemu of '%s' is too busy to answer; try again",
				  name);
	if (rc == -ENAMETOOLONG)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "the control socket path %s/%s.sock is too long (limit %d bytes); set XDG_RUNTIME_DIR to a shorter directory",
				  dir, name, VMDIR_SOCK_PATH_MAX);
	return errmsg_set(err, errlen, VMCTL_FAILED,
			  "cannot reach '%s' through %s/%s.sock: %s", name, dir,
			  name, strerror(-rc));
}

/* Explain a failed vmdir_request(): @what names the action ("pause"). */
static int request_failed(const char *name, const char *what, int rc,
			  const char *msg, char *err, size_t errlen)
{
	if (rc == 1)
		return errmsg_set(err, errlen, VMCTL_FAILED, "cannot %s '%s': %s",
				  what, name, msg);
	if (rc == -ECONNRESET)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "'%s' ended before it answered", name);
	if (rc == -ETIMEDOUT)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "the ioemu of '%s' did not answer within %d s",
				  name, VMCTL_REQUEST_TIMEOUT_MS / 1000);
	if (rc == -EPROTO)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "the ioemu of '%s' sent a reply hxenctl does not understand",
				  name);
	return errmsg_set(err, errlen, VMCTL_FAILED, "cannot %s '%s': %s", what,
			  name, strerror(-rc));
}

/*
 * Send @request to VM @name; on success *@fd is the connection, open for
 * waiting on it.
 */
static int call_vm(const char *name, const char *request, const char *what,
		   int *fd, char *err, size_t errlen)
{
	char dir[VMDIR_PATH_MAX], reply[VMDIR_REPLY_MAX];
	int rc;

	*fd = -1;
	rc = check_name(name, err, errlen);
	if (rc == VMCTL_OK)
		rc = vmctl_runtime_dir(dir, sizeof(dir), err, errlen);
	if (rc == VMCTL_OK)
		rc = vmctl_connect(dir, name, fd, err, errlen);
	if (rc != VMCTL_OK)
		return rc;
	rc = vmdir_request(*fd, request, reply, sizeof(reply),
			   VMCTL_REQUEST_TIMEOUT_MS);
	if (rc) {
		close(*fd);
		*fd = -1;
		return request_failed(name, what, rc, reply, err, errlen);
	}
	return VMCTL_OK;
}

/* ---- Listing ------------------------------------------------------------- */

/* Ask @name in @dir: 0 with @vm filled in, or -ENOENT when it is gone. */
static int ask_info(const char *dir, const char *name, struct vmctl_vm *vm,
		    int timeout_ms)
{
	char why[256];
	int rc;

	memset(vm, 0, sizeof(*vm));
	rc = vmdir_info(dir, name, &vm->info, why, sizeof(why), timeout_ms);
	/* Gone (or stale, and removed now) by the time we asked. */
	if (rc == -ENOENT || rc == -ECONNRESET)
		return -ENOENT;
	vm->answered = rc == 0;
	if (!vm->answered)
		memset(&vm->info, 0, sizeof(vm->info));
	snprintf(vm->info.name, sizeof(vm->info.name), "%s", name);
	return 0;
}

int vmctl_list(struct vmctl_vm **vms, char *err, size_t errlen)
{
	char dir[VMDIR_PATH_MAX];
	struct vmctl_vm *v;
	char **names;
	int n, i, nr = 0;

	*vms = NULL;
	if (vmctl_runtime_dir(dir, sizeof(dir), err, errlen) != VMCTL_OK)
		return -1;
	n = vmdir_names(dir, &names);
	if (n < 0) {
		errmsg_set(err, errlen, VMCTL_FAILED, "cannot read %s: %s", dir,
			   strerror(errno));
		return -1;
	}
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v) {
		vmdir_free_names(names, n);
		errmsg_set(err, errlen, VMCTL_FAILED, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!ask_info(dir, names[i], &v[nr], VMCTL_LIST_TIMEOUT_MS))
			nr++;
	vmdir_free_names(names, n);
	*vms = v;
	return nr;
}

int vmctl_vm_info(const char *name, struct vmctl_vm *vm, char *err,
		  size_t errlen)
{
	char dir[VMDIR_PATH_MAX];
	int rc;

	memset(vm, 0, sizeof(*vm));
	rc = check_name(name, err, errlen);
	if (rc == VMCTL_OK)
		rc = vmctl_runtime_dir(dir, sizeof(dir), err, errlen);
	if (rc != VMCTL_OK)
		return rc;
	if (ask_info(dir, name, vm, VMCTL_LIST_TIMEOUT_MS) < 0)
		return errmsg_set(err, errlen, VMCTL_NO_VM,
				  "no VM named '%s' (hxenctl list shows yours)",
				  name);
	return VMCTL_OK;
}

/* ---- Commands to one VM -------------------------------------------------- */

int vmctl_shutdown(const char *name, bool reboot, long wait_s, char *err,
		   size_t errlen)
{
	int fd, rc;

	rc = call_vm(name, reboot ? "shutdown reboot" : "shutdown poweroff",
		     reboot ? "reboot" : "shut down", &fd, err, errlen);
	if (rc != VMCTL_OK)
		return rc;
	if (reboot || !wait_s) {
		close(fd);
		return VMCTL_OK;
	}
	rc = vmdir_wait_closed(fd, (int)wait_s * 1000);
	close(fd);
	if (rc == -ETIMEDOUT)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "%s did not shut down within %ld s; 'hxenctl destroy %s' ends it at once",
				  name, wait_s, name);
	if (rc)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "waiting for %s to end: %s", name, strerror(-rc));
	return VMCTL_OK;
}

int vmctl_console(const char *dir, const char *name, int *fd, char *err,
		  size_t errlen)
{
	char reply[VMDIR_REPLY_MAX];
	int rc;

	rc = vmctl_connect(dir, name, fd, err, errlen);
	if (rc != VMCTL_OK)
		return rc;
	rc = vmdir_request(*fd, "console", reply, sizeof(reply),
			   VMCTL_REQUEST_TIMEOUT_MS);
	if (!rc)
		return VMCTL_OK;
	close(*fd);
	*fd = -1;
	return errmsg_set(err, errlen, VMCTL_FAILED,
			  "cannot attach to %s's console: %s", name,
			  rc == 1 ? reply : rc == -ECONNRESET ? "it ended" :
			  strerror(-rc));
}

int vmctl_destroy(const char *name, char *err, size_t errlen)
{
	char dir[VMDIR_PATH_MAX], reply[VMDIR_REPLY_MAX];
	struct vmdir_info info;
	int fd, rc;

	rc = check_name(name, err, errlen);
	if (rc == VMCTL_OK)
		rc = vmctl_runtime_dir(dir, sizeof(dir), err, errlen);
	if (rc == VMCTL_OK)
		rc = vmctl_connect(dir, name, &fd, err, errlen);
	if (rc != VMCTL_OK)
		return rc;
	/* Its pid, for the message if it does not go away. */
	rc = vmdir_request(fd, "info", reply, sizeof(reply),
			   VMCTL_REQUEST_TIMEOUT_MS);
	if (rc == 0 && vmdir_parse_info(reply, &info) < 0)
		rc = -EPROTO;
	if (!rc)
		rc = vmdir_request(fd, "destroy", reply, sizeof(reply),
				   VMCTL_REQUEST_TIMEOUT_MS);
	if (rc) {
		close(fd);
		return request_failed(name, "destroy", rc, reply, err,
				      errlen);
	}
	rc = vmdir_wait_closed(fd, VMCTL_DESTROY_TIMEOUT_S * 1000);
	close(fd);
	if (rc)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "%s did not end within %d s of 'destroy'; its ioemu (pid %ld) is stuck: 'kill -9 %ld' ends it",
				  name, VMCTL_DESTROY_TIMEOUT_S, info.pid, info.pid);
	return VMCTL_OK;
}

int vmctl_pause(const char *name, bool pause, char *err, size_t errlen)
{
	const char *what = pause ? "pause" : "unpause";
	int fd, rc;

	rc = call_vm(name, what, what, &fd, err, errlen);
	if (rc == VMCTL_OK)
		close(fd);
	return rc;
}
