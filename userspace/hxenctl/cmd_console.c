// SPDX-License-Identifier: GPL-2.0
/*
 * hxenctl console: relay between the terminal (or standard input and
 * output) and a VM's console, through its control socket.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "hxenctl.h"
#include "libhxen.h"
#include "vmctl.h"

#define DETACH_CHAR	0x1d	/* Ctrl-] */

static struct termios saved_tio;
static volatile sig_atomic_t tio_raw;

static void restore_tty(void)
{
	if (tio_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
		tio_raw = 0;
	}
}

/* Put the terminal back before the signal ends us. */
static void on_fatal_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int fatal_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };

static void set_signals(void (*handler)(int))
{
	size_t i;

	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		signal(fatal_signals[i], handler);
}

static int make_raw(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return -1;
	t = saved_tio;
	cfmakeraw(&t);
	set_signals(on_fatal_signal);
	tio_raw = 1;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0) {
		tio_raw = 0;
		set_signals(SIG_DFL);
		return -1;
	}
	return 0;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

enum relay_end { END_VM, END_DETACH, END_ERROR };

/*
 * Copy between stdin/stdout and @sock until the VM's side ends, the user
 * detaches (@tty only) or something fails.  When a non-terminal input
 * ends, our side of the socket is shut down and the output is copied on
 * until ioemu closes the connection.
 */
static enum relay_end relay(int sock, bool tty, const char *name)
{
	struct pollfd p[2] = {
		{ .fd = sock, .events = POLLIN },
		{ .fd = STDIN_FILENO, .events = POLLIN },
	};
	char buf[4096];

	for (;;) {
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "hxenctl: poll: %s\n", strerror(errno));
			return END_ERROR;
		}
		if (p[0].revents) {
			n = recv(sock, buf, sizeof(buf), 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return END_VM;
			if (hxen_write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
				restore_tty();
				fprintf(stderr,
					"hxenctl: cannot write %s's console output: %s\n",
					name, strerror(errno));
				return END_ERROR;
			}
		}
		if (p[1].revents) {
			char *esc;

			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				if (tty)
					return END_DETACH;
				/* Input ended: tell ioemu, read the rest. */
				shutdown(sock, SHUT_WR);
				p[1].fd = -1;
				continue;
			}
			esc = tty ? memchr(buf, DETACH_CHAR, (size_t)n) : NULL;
			if (esc)
				n = esc - buf;
			if (n && send_all(sock, buf, (size_t)n) < 0)
				return END_VM;
			if (esc)
				return END_DETACH;
		}
	}
}

int vm_console(const char *dir, const char *name)
{
	char err[VMCTL_ERR_MAX];
	bool tty = isatty(STDIN_FILENO);
	enum relay_end end;
	int fd;

	if (vmctl_console(dir, name, &fd, err, sizeof(err)) != VMCTL_OK) {
		fprintf(stderr, "hxenctl: %s\n", err);
		return HXEN_EXIT_ERROR;
	}
	signal(SIGPIPE, SIG_IGN);
	if (tty) {
		fprintf(stderr, "Connected to %s's console; Ctrl-] to detach\n",
			name);
		if (make_raw() < 0) {
			fprintf(stderr,
				"hxenctl: cannot put the terminal in raw mode: %s\n",
				strerror(errno));
			close(fd);
			return HXEN_EXIT_ERROR;
		}
	}
	end = relay(fd, tty, name);
	close(fd);
	restore_tty();
	set_signals(SIG_DFL);
	if (tty && end == END_DETACH)
		fprintf(stderr, "\nDetached from %s's console\n", name);
	else if (tty && end == END_VM)
		fprintf(stderr, "\n%s's console closed\n", name);
	return end == END_ERROR ? HXEN_EXIT_ERROR : HXEN_EXIT_OK;
}

static const char console_usage[] =
	"Usage: hxenctl console NAME\n"
	"\n"
	"Attach to the console of VM NAME.  On a terminal, keys go to the guest\n"
	"unchanged and Ctrl-] detaches; otherwise standard input is sent until\n"
	"it ends.  Ends with status 0 when the VM ends.\n";

int cmd_console(int argc, char **argv)
{
	char dir[VMDIR_PATH_MAX];
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		fputs(console_usage, stdout);
		return HXEN_EXIT_OK;
	}
	if (argc < 2) {
		fprintf(stderr,
			"hxenctl console: which VM? (see 'hxenctl console --help')\n");
		return HXEN_EXIT_USAGE;
	}
	if (argv[1][0] == '-') {
		fprintf(stderr,
			"hxenctl console: unknown option '%s' (see 'hxenctl console --help')\n",
			argv[1]);
		return HXEN_EXIT_USAGE;
	}
	if (argc > 2) {
		fprintf(stderr,
			"hxenctl console: unexpected argument '%s' (see 'hxenctl console --help')\n",
			argv[2]);
		return HXEN_EXIT_USAGE;
	}
	rc = vm_check_name(argv[1]);
	if (rc)
		return rc;
	rc = vm_runtime_dir(dir, sizeof(dir));
	if (rc)
		return rc;
	return vm_console(dir, argv[1]);
}
