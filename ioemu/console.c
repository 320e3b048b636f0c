// SPDX-License-Identifier: GPL-2.0
/* The console backend: the guest's ring to the log, PTY and clients. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "console_ring.h"
#include "ioemu.h"
#include "libhxen.h"

static int open_pty(struct console *con)
{
	struct termios t;
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || grantpt(fd) || unlockpt(fd) ||
	    ptsname_r(fd, con->pty_path, sizeof(con->pty_path))) {
		ioemu_log("cannot make a PTY for the console: %s",
			  strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* Raw: the guest's own line discipline does the editing. */
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	con->pty_fd = fd;
	return 0;
}

int console_init(struct console *con, struct vm *vm, void *ring_page,
		 const char *log_path, bool pty, bool stdio)
{
	int i;

	memset(con, 0, sizeof(*con));
	con->vm = vm;
	con->ring = ring_page;
	con->log_fd = con->pty_fd = -1;
	con->stdio = stdio;
	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++)
		con->clients[i] = -1;
	if (log_path) {
		con->log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND |
				   O_CLOEXEC, 0600);
		if (con->log_fd < 0) {
			ioemu_log("cannot open the console log %s: %s",
				  log_path, strerror(errno));
			return -1;
		}
	}
	if (pty && open_pty(con))
		return -1;
	return 0;
}

void console_free(struct console *con)
{
	int i;

	if (con->log_fd >= 0)
		close(con->log_fd);
	if (con->pty_fd >= 0)
		close(con->pty_fd);
	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++)
		if (con->clients[i] >= 0)
			close(con->clients[i]);
	con->log_fd = con->pty_fd = -1;
}

void console_output(struct console *con, const uint8_t *buf, size_t len)
{
	int i;

	if (con->log_fd >= 0)
		hxen_write_all(con->log_fd, buf, len);
	if (con->stdio)
		hxen_write_all(STDOUT_FILENO, buf, len);
	/* Nobody reading the PTY: its buffer fills and output is dropped. */
	if (con->pty_fd >= 0)
		hxen_write_all(con->pty_fd, buf, len);
	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++) {
		if (con->clients[i] >= 0 &&
		    hxen_write_all(con->clients[i], buf, len)) {
			close(con->clients[i]);
			con->clients[i] = -1;
		}
	}
}

/* The guest broke the ring protocol: stop serving it. */
static void ring_broken(struct console *con)
{
	ioemu_log("the guest broke its console ring; console stopped");
	con->ring = NULL;
}

/* Move waiting input into the ring; true if any went in. */
static bool flush_input(struct console *con)
{
	ssize_t n;

	if (!con->ring || !con->in_len)
		return false;
	n = console_ring_write(con->ring, con->in_buf, con->in_len);
	if (n < 0) {
		ring_broken(con);
		return false;
	}
	memmove(con->in_buf, con->in_buf + n, con->in_len - (size_t)n);
	con->in_len -= (size_t)n;
	return n > 0;
}

void console_service(struct console *con)
{
	uint8_t buf[2048];
	bool notify = false;
	ssize_t n;

	if (!con->ring)
		return;
	while ((n = console_ring_read(con->ring, buf, sizeof(buf))) > 0) {
		console_output(con, buf, (size_t)n);
		notify = true;
	}
	if (n < 0) {
		ring_broken(con);
		return;
	}
	if (flush_input(con))
		notify = true;
	if (notify)
		vm_evtchn_notify(con->vm, con->vm->console_port);
}

void console_input(struct console *con, const uint8_t *buf, size_t len)
{
	size_t room = sizeof(con->in_buf) - con->in_len;

	/* A guest that does not read its console loses what overflows. */
	if (len > room)
		len = room;
	memcpy(con->in_buf + con->in_len, buf, len);
	con->in_len += len;
	if (flush_input(con))
		vm_evtchn_notify(con->vm, con->vm->console_port);
}

int console_attach(struct console *con, int fd)
{
	int i;

	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++) {
		if (con->clients[i] < 0) {
			con->clients[i] = fd;
			return 0;
		}
	}
	return -1;
}

void console_detach(struct console *con, int fd)
{
	int i;

	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++)
		if (con->clients[i] == fd)
			con->clients[i] = -1;
}
