/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket of one ioemu: how hxenctl (and any other manager)
 * asks a running VM about itself, shuts it down, pauses it or attaches to
 * its console.  The server is driven by the caller's poll() loop; it has
 * no thread of its own and never blocks.
 *
 * PROTOCOL (version 1)
 *
 * Transport.  A SOCK_STREAM Unix socket, normally
 * $XDG_RUNTIME_DIR/hxen/NAME.sock, mode 0600 in a directory of mode 0700
 * that belongs to the user.  The server accepts a connection only when
 * the peer's uid (SO_PEERCRED) equals its own effective uid; anyone else
 * gets "error permission denied" and the connection is closed.  At most
 * CONTROL_MAX_CLIENTS connections are served at once; one more gets
 * "error too many clients (limit 16)" and is closed.
 *
 * Requests.  One line each: printable ASCII, words separated by spaces
 * or tabs, ended by '\n' (a '\r' before it is ignored).  A line is at
 * most CONTROL_LINE_MAX bytes including the '\n'; a longer one gets
 * "error request too long (limit 256 bytes)" and the connection is
 * closed.  Commands are case-sensitive.  A client may send several
 * requests on one connection: each gets exactly one reply, in order.  A
 * partial line is discarded when the client disconnects.
 *
 * Replies.  One line: "ok\n", "ok DATA\n" or "error MESSAGE\n".  MESSAGE
 * is printable ASCII meant for people; programs should only rely on the
 * first word.
 *
 *   info
 *	ok name=NAME domid=N state=STATE vcpus=N memory_mib=N uptime_s=N
 *	   pid=N [console_pty=PATH]
 *	(all on one line).  STATE is running, paused or shutting-down;
 *	uptime_s counts from when ioemu started the VM; pid is ioemu's;
 *	console_pty is present only when ioemu made a PTY for the console.
 *	Values never contain spaces.  Clients must ignore keys they do
 *	not know: later versions may add some.
 *   shutdown [poweroff|reboot]
 *	ok: the guest was asked (xenstore control/shutdown) to power off
 *	(the default) or to reboot.  Whether and when it does is up to
 *	the guest; a client that wants to know when the VM is gone waits
 *	for the end of the connection (see below).
 *   destroy
 *	ok: the VM ends at once, without asking the guest.  The reply is
 *	sent before the VM ends.
 *   pause, unpause
 *	ok: the vCPUs are stopped, or running again.
 *   console
 *	ok: from the byte after this reply's '\n' on, the connection
 *	carries the guest's console, raw, both ways: the guest's output
 *	to the client, the client's bytes to the guest's input, until
 *	either side closes it (ioemu ends it when the client closes or
 *	shuts down its writing side).  The client must not send anything
 *	after "console\n" before it has read the reply; bytes the server
 *	received before the switch are discarded.  If ioemu cannot take
 *	the client after all, the stream holds one line
 *	"\r\nhxen: cannot attach to the console: REASON\r\n" and ends.
 *
 * Errors, besides those above:
 *	error unknown command 'WORD'
 *	error empty request
 *	error invalid character in request
 *	error 'info' takes no arguments		(likewise the others)
 *	error usage: shutdown [poweroff|reboot]
 *	error 'pause' is not supported		(ioemu lacks the operation)
 *	error cannot pause: REASON		(the operation failed)
 *
 * The end of a VM.  When ioemu exits, every connection is closed, and
 * the socket is removed.  A client that keeps its connection open after
 * "shutdown" or "destroy" therefore sees end-of-file when the VM is gone.
 * A socket file that nobody accepts on (ECONNREFUSED) is stale: its ioemu
 * died without removing it.
 */
#ifndef IOEMU_CONTROL_H
#define IOEMU_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CONTROL_LINE_MAX	256	/* bytes in a request, with '\n' */
#define CONTROL_REPLY_MAX	512	/* bytes in a reply, with '\n' */
#define CONTROL_MAX_CLIENTS	16
/* Entries control_poll_fds() may fill: the listener and each client. */
#define CONTROL_POLL_MAX	(1 + CONTROL_MAX_CLIENTS)

enum control_state {
	CONTROL_RUNNING,
	CONTROL_PAUSED,
	CONTROL_SHUTTING_DOWN,	/* the guest was asked to power off/reboot */
};

/* What "info" reports; ops->info fills it in. */
struct control_info {
	char name[65];
	unsigned int domid;
	enum control_state state;
	unsigned int vcpus;
	uint64_t memory_mib;
	uint64_t uptime_s;
	pid_t pid;		/* preset to getpid() */
	char console_pty[64];	/* "" when there is none */
};

/*
 * What ioemu does for the requests.  Each is called from
 * control_handle(), on the caller's thread; each may be NULL, which makes
 * its request fail with "error 'X' is not supported".  Those returning
 * int return 0 or a negative errno, which the reply spells out.  They
 * must not call control_close(); "destroy" should only make the caller's
 * loop end.
 */
struct control_ops {
	/* @out is zeroed (pid preset) before the call. */
	void (*info)(void *opaque, struct control_info *out);
	/* Ask the guest to power off or reboot (xenstore control/shutdown). */
	int (*shutdown)(void *opaque, bool reboot);
	/* End the VM now; called after "ok" was sent. */
	void (*destroy)(void *opaque);
	/* @pause true: stop the vCPUs; false: run them again. */
	int (*pause)(void *opaque, bool pause);
	/*
	 * Take over @fd (non-blocking, close-on-exec) as a console client;
	 * "ok\n" has been sent on it.  On success ioemu owns @fd and
	 * closes it when either side is done.  On failure (a negative
	 * errno) the server tells the client why and closes @fd.
	 */
	int (*console_attach)(void *opaque, int fd);
	/* Optional: one line about something the server refused. */
	void (*log)(void *opaque, const char *msg);
};

/* One connection; private to control.c. */
struct control_client {
	int fd;			/* -1: a free slot */
	bool polled;		/* in the set of the last control_poll_fds() */
	bool eof;		/* the client shut down its writing side */
	bool closing;		/* close once the output is sent */
	bool to_console;	/* hand over to the console once it is sent */
	size_t in_len;
	size_t out_len, out_done;
	char in[CONTROL_LINE_MAX];
	char out[CONTROL_REPLY_MAX];
};

/* The server; treat as opaque. */
struct control {
	int listen_fd;		/* -1: not open */
	char path[108];
	dev_t dev;
	ino_t ino;
	const struct control_ops *ops;
	void *opaque;
	struct control_client clients[CONTROL_MAX_CLIENTS];
};

/*
 * Create the socket @path (mode 0600) and listen on it.  A stale socket
 * file there (nobody accepts on it) is replaced; a live one is an error
 * (EADDRINUSE, "a VM named 'NAME' is already running ..."), as is any
 * other kind of file.  Concurrent control_open()s on the same path are
 * serialised with flock() on the directory.  Returns 0, or a negative
 * errno with a one-line message in @err.  @ops must stay valid until
 * control_close().
 */
int control_open(struct control *c, const char *path,
		 const struct control_ops *ops, void *opaque,
		 char *err, size_t errlen);

/*
 * Fill @fds (room for @max entries; CONTROL_POLL_MAX is always enough)
 * with the descriptors to poll() and their events, and return how many.
 * Call it before every poll(): the set changes as clients come and go.
 */
int control_poll_fds(struct control *c, struct pollfd *fds, int max);

/*
 * After poll(): serve what happened.  @fds and @n are the entries that
 * control_poll_fds() filled, with their revents.  May call the ops.
 */
void control_handle(struct control *c, const struct pollfd *fds, int n);

/* Number of connections being served (not counting consoles handed over). */
int control_nr_clients(const struct control *c);

/*
 * Close every connection (sending what is still queued, if the socket
 * takes it now), stop listening and remove the socket file unless
 * someone else's socket has replaced it.  Safe to call on a closed
 * server, and after a failed control_open().
 */
void control_close(struct control *c);

#endif /* IOEMU_CONTROL_H */
