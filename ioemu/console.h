/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's console: the Xen console ring (hvc0) and early output on
 * port 0xE9, copied to a log file, to a PTY and to the clients attached
 * through the control socket (or to ioemu's own stdout); input from the
 * PTY, the clients or stdin goes into the ring.
 */
#ifndef IOEMU_CONSOLE_H
#define IOEMU_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct xencons_interface;

#define CONSOLE_MAX_CLIENTS	8

struct console {
	struct vm *vm;
	struct xencons_interface *ring;
	int log_fd;		/* -1: no log */
	int pty_fd;		/* PTY master, -1: none */
	char pty_path[64];
	int stdio;		/* 1: output to stdout, input from stdin */
	int clients[CONSOLE_MAX_CLIENTS];	/* -1: free slot */
	/* Input waiting for room in the ring. */
	uint8_t in_buf[4096];
	size_t in_len;
};

/* @log_path NULL: no log; @pty: make a PTY; @stdio: use stdin/stdout. */
int console_init(struct console *con, struct vm *vm, void *ring_page,
		 const char *log_path, bool pty, bool stdio);
void console_free(struct console *con);
/* The guest notified the console port: move output out, input in. */
void console_service(struct console *con);
/* Bytes the guest wrote early (port 0xE9) or ioemu says about it. */
void console_output(struct console *con, const uint8_t *buf, size_t len);
/* Input from a PTY, stdin or a client. */
void console_input(struct console *con, const uint8_t *buf, size_t len);
int console_attach(struct console *con, int fd);
void console_detach(struct console *con, int fd);

#endif /* IOEMU_CONSOLE_H */
