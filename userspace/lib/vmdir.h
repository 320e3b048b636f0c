/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-user runtime directory of running VMs, and the client side of
 * ioemu's control socket (the protocol is described in ioemu/control.h).
 *
 * The directory is $XDG_RUNTIME_DIR/hxen, or /run/user/UID/hxen when
 * XDG_RUNTIME_DIR is not set and /run/user/UID exists, or else
 * /tmp/hxen-UID.  It has mode 0700 and belongs to the user, so nobody
 * else can see or reach the user's VMs.  For each VM NAME it holds
 * NAME.sock (ioemu's control socket), NAME.log (ioemu's messages and
 * the guest's console; the previous run's is NAME.log.1) and, when
 * domain XML can express what the VM runs with, NAME.xml (see vmctl.h).
 */
#ifndef VMDIR_H
#define VMDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest socket path (sun_path, without the NUL). */
#define VMDIR_SOCK_PATH_MAX	107
#define VMDIR_PATH_MAX		4096
/* Longest reply line the client reads, with its '\n'. */
#define VMDIR_REPLY_MAX		1024

/*
 * Find the runtime directory, create it (mode 0700) if missing, and
 * check that it is a directory (not a symbolic link) that belongs to the
 * user and that nobody else may enter.  Writes its path into @dir and
 * returns 0, or returns -1 with a one-line message that says what to do
 * in @err.
 */
int vmdir_open(char *dir, size_t len, char *err, size_t errlen);

/* A VM name as configurations allow it: [A-Za-z0-9_.-]{1,64}, not
 * starting with '.' or '-'. */
bool vmdir_name_valid(const char *name);

/*
 * "DIR/NAME.SUFFIX" into @buf; -1 if it does not fit (or, for ".sock",
 * exceeds VMDIR_SOCK_PATH_MAX).
 */
int vmdir_file(char *buf, size_t len, const char *dir, const char *name,
	       const char *suffix);

/*
 * Connect to VM @name's control socket.  Returns the socket
 * (close-on-exec, blocking), or a negative errno: -ENOENT when there is
 * no such VM (a stale socket, one that nobody accepts on, is removed),
 * -EAGAIN when its ioemu is too busy to accept, -ENAMETOOLONG when the
 * path is too long for a socket.
 */
int vmdir_connect(const char *dir, const char *name);

/*
 * Remove VM @name's socket if it is stale.  Returns true if there is no
 * live socket for @name afterwards.
 */
bool vmdir_clear_stale(const char *dir, const char *name);

/*
 * Send one request line (@request without its '\n') and read the reply
 * line, waiting at most @timeout_ms.  Returns 0 for "ok" with the data
 * after "ok " (or "") in @reply, 1 for "error" with the message in
 * @reply, or a negative errno: -ETIMEDOUT, -ECONNRESET when the server
 * closed the connection, -EPROTO for a malformed reply.  Reads nothing
 * past the reply's '\n'.
 */
int vmdir_request(int fd, const char *request, char *reply, size_t len,
		  int timeout_ms);

/* Wait until the server closes @fd: 0, or -ETIMEDOUT (@timeout_ms < 0:
 * no limit).  Data that arrives meanwhile is discarded. */
int vmdir_wait_closed(int fd, int timeout_ms);

/* An "info" reply. */
struct vmdir_info {
	char name[65];
	unsigned int domid;
	char state[24];
	unsigned int vcpus;
	uint64_t memory_mib;
	uint64_t uptime_s;
	long pid;
	char console_pty[64];	/* "" when there is none */
};

/* Parse the data of an "info" reply: 0, or -1 if a key is missing. */
int vmdir_parse_info(const char *data, struct vmdir_info *info);

/* Connect and ask "info": 0, 1 (error reply, message in @err) or -errno. */
int vmdir_info(const char *dir, const char *name, struct vmdir_info *info,
	       char *err, size_t errlen, int timeout_ms);

/*
 * The names of the VMs that have a socket in @dir, sorted; free with
 * vmdir_free_names().  Returns the count, or -1 with errno set.
 */
int vmdir_names(const char *dir, char ***names);
void vmdir_free_names(char **names, int n);

#endif /* VMDIR_H */
