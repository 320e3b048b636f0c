// SPDX-License-Identifier: GPL-2.0
/*
 * fake-ioemu: a stand-in for ioemu in hxenctl's tests.  It takes ioemu's
 * command line and serves the real control socket (ioemu/control.c), but
 * its VM is only state: no /dev/hxen, no guest.  Its console answers
 * every byte it is sent with the same byte in upper case.
 *
 * On stderr (NAME.log under hxenctl) it says how it was started:
 *	fake-ioemu: argv0: PATH
 *	fake-ioemu: args: ARGS...
 *	fake-ioemu: session leader: yes|no
 *	fake-ioemu: stdin is /dev/null: yes|no
 * and to the console log "[console] NAME booted" and the like.
 *
 * Environment:
 *	FAKE_IOEMU_FAIL=MSG		print "ioemu: MSG" and exit 1
 *	FAKE_IOEMU_DELAY_MS=N		wait N ms before opening the socket
 *	FAKE_IOEMU_IGNORE_SHUTDOWN=1	a guest that never powers off
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "vmconfig.h"

#define MAX_CONSOLES	4
#define POWEROFF_DELAY_MS 300

struct fake {
	struct vmconfig cfg;
	unsigned int domid;
	enum control_state state;
	struct timespec started;
	int log_fd;
	int consoles[MAX_CONSOLES];
	bool ignore_shutdown;
	bool destroyed;
	long poweroff_at_ms;	/* 0: not powering off */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void console_log(struct fake *f, const char *msg)
{
	if (f->log_fd >= 0 && write(f->log_fd, msg, strlen(msg)) < 0)
		fprintf(stderr,
			"fake-ioemu: console log: %s\n", strerror(errno));
}

static void op_info(void *opaque, struct control_info *out)
{
	struct fake *f = opaque;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(out->name, sizeof(out->name), "%s", f->cfg.name);
	out->domid = f->domid;
	out->state = f->state;
	out->vcpus = f->cfg.vcpus;
	out->memory_mib = f->cfg.memory_mib;
	out->uptime_s = (uint64_t)(now.tv_sec - f->started.tv_sec);
}

static int op_shutdown(void *opaque, bool reboot)
{
	struct fake *f = opaque;

	if (reboot) {
		console_log(f, "[console] rebooting\n");
		clock_gettime(CLOCK_MONOTONIC, &f->started);
		return 0;
	}
	console_log(f, "[console] powering off\n");
	f->state = CONTROL_SHUTTING_DOWN;
	if (!f->ignore_shutdown)
		f->poweroff_at_ms = now_ms() + POWEROFF_DELAY_MS;
	return 0;
}

static void op_destroy(void *opaque)
{
	((struct fake *)opaque)->destroyed = true;
}

static int op_pause(void *opaque, bool pause)
{
	struct fake *f = opaque;

	if (f->state == CONTROL_SHUTTING_DOWN)
		return -EBUSY;
	f->state = pause ? CONTROL_PAUSED : CONTROL_RUNNING;
	return 0;
}

static int op_console_attach(void *opaque, int fd)
{
	struct fake *f = opaque;
	int i;

	for (i = 0; i < MAX_CONSOLES; i++) {
		if (f->consoles[i] < 0) {
			f->consoles[i] = fd;
			return 0;
		}
	}
	return -EMFILE;
}

static void op_log(void *opaque, const char *msg)
{
	(void)opaque;
	fprintf(stderr, "fake-ioemu: %s\n", msg);
}

static const struct control_ops ops = {
	.info = op_info,
	.shutdown = op_shutdown,
	.destroy = op_destroy,
	.pause = op_pause,
	.console_attach = op_console_attach,
	.log = op_log,
};

/* The guest's console: upper-case echo; the client's EOF ends it. */
static void serve_console(struct fake *f, int i)
{
	char buf[1024];
	ssize_t n = read(f->consoles[i], buf, sizeof(buf));
	ssize_t j;

	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		close(f->consoles[i]);
		f->consoles[i] = -1;
		return;
	}
	for (j = 0; j < n; j++)
		buf[j] = (char)toupper((unsigned char)buf[j]);
	if (write(f->consoles[i], buf, (size_t)n) != n) {
		close(f->consoles[i]);
		f->consoles[i] = -1;
	}
}

static void report_start(int argc, char **argv)
{
	struct stat in, null;
	bool in_null;
	int i;

	fprintf(stderr, "fake-ioemu: argv0: %s\n", argv[0]);
	fprintf(stderr, "fake-ioemu: args:");
	for (i = 1; i < argc; i++)
		fprintf(stderr, " %s", argv[i]);
	fprintf(stderr, "\n");
	fprintf(stderr, "fake-ioemu: session leader: %s\n",
		getsid(0) == getpid() ? "yes" : "no");
	in_null = fstat(STDIN_FILENO, &in) == 0 &&
		  stat("/dev/null", &null) == 0 && S_ISCHR(in.st_mode) &&
		  in.st_rdev == null.st_rdev;
	fprintf(stderr, "fake-ioemu: stdin is /dev/null: %s\n",
		in_null ? "yes" : "no");
}

static void run(struct fake *f, struct control *c)
{
	struct pollfd p[CONTROL_POLL_MAX + MAX_CONSOLES];

	while (!stop && !f->destroyed) {
		int n = control_poll_fds(c, p, CONTROL_POLL_MAX);
		int timeout = -1, i, m;

		for (i = 0, m = n; i < MAX_CONSOLES; i++)
			if (f->consoles[i] >= 0)
				p[m++] = (struct pollfd){ .fd = f->consoles[i],
							  .events = POLLIN };
		if (f->poweroff_at_ms) {
			long left = f->poweroff_at_ms - now_ms();

			if (left <= 0)
				break;
			timeout = (int)left;
		}
		if (poll(p, (nfds_t)m, timeout) < 0) {
			if (errno == EINTR)
				continue;
			perror("fake-ioemu: poll");
			break;
		}
		control_handle(c, p, n);
		for (i = n; i < m; i++) {
			int j;

			if (!p[i].revents)
				continue;
			for (j = 0; j < MAX_CONSOLES; j++)
				if (f->consoles[j] == p[i].fd)
					serve_console(f, j);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "console-log", required_argument, NULL, 'l' },
		{ "control", required_argument, NULL, 'C' },
		{ "daemon", no_argument, NULL, 'D' },
		{ "stdio", no_argument, NULL, 's' },
		{ "pty", no_argument, NULL, 'p' },
		{ "domid", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct fake f;
	const char *control_path = NULL, *log_path = NULL, *fail;
	struct control c;
	struct sigaction sa;
	char err[512];
	int opt, i, rc;

	report_start(argc, argv);
	f.domid = 1;
	f.log_fd = -1;
	for (i = 0; i < MAX_CONSOLES; i++)
		f.consoles[i] = -1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			log_path = optarg;
			break;
		case 'C':
			control_path = optarg;
			break;
		case 'd':
			f.domid = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'D':
		case 's':
		case 'p':
			break;
		case 'h':
			printf("Usage: fake-ioemu [ioemu's options] CONFIG\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || !control_path) {
		fprintf(stderr,
			"ioemu: fake-ioemu needs --control PATH and CONFIG\n");
		return 2;
	}
	if (vmconfig_parse_file(argv[optind], &f.cfg, err, sizeof(err)) ||
	    vmconfig_check_files(&f.cfg, err, sizeof(err))) {
		fprintf(stderr, "ioemu: %s\n", err);
		return 2;
	}
	fail = getenv("FAKE_IOEMU_FAIL");
	if (fail && *fail) {
		fprintf(stderr, "ioemu: %s\n", fail);
		return 1;
	}
	f.ignore_shutdown = getenv("FAKE_IOEMU_IGNORE_SHUTDOWN") != NULL;
	if (getenv("FAKE_IOEMU_DELAY_MS"))
		usleep((useconds_t)atoi(getenv("FAKE_IOEMU_DELAY_MS")) * 1000);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (log_path) {
		f.log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND |
				O_CLOEXEC, 0600);
		if (f.log_fd < 0) {
			fprintf(stderr,
				"ioemu: cannot open the console log %s: %s\n",
				log_path, strerror(errno));
			return 1;
		}
	}
	rc = control_open(&c, control_path, &ops, &f, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "ioemu: %s\n", err);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &f.started);
	snprintf(err, sizeof(err), "[console] %s booted\n", f.cfg.name);
	console_log(&f, err);

	run(&f, &c);

	console_log(&f, "[console] the VM ended\n");
	for (i = 0; i < MAX_CONSOLES; i++)
		if (f.consoles[i] >= 0)
			close(f.consoles[i]);
	control_close(&c);
	vmconfig_free(&f.cfg);
	return 0;
}
