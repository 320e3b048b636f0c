// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket server (control.c) against real Unix sockets, with
 * fake VM operations: every request and reply of the protocol, limits,
 * misbehaving clients, stale and live sockets, peers of another uid.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "control.h"
#include "test.h"

int test_failures;

struct fake {
	struct control_info info;
	int n_info, n_shutdown, n_destroy, n_pause, n_unpause, n_attach;
	bool last_reboot;
	int shutdown_rc, pause_rc, attach_rc;
	int console_fd;
	char log[256];
};

static struct fake vm;

static void fake_info(void *opaque, struct control_info *out)
{
	struct fake *f = opaque;
	pid_t pid = out->pid;

	f->n_info++;
	*out = f->info;
	out->pid = pid;
}

static int fake_shutdown(void *opaque, bool reboot)
{
	struct fake *f = opaque;

	f->n_shutdown++;
	f->last_reboot = reboot;
	return f->shutdown_rc;
}

static void fake_destroy(void *opaque)
{
	((struct fake *)opaque)->n_destroy++;
}

static int fake_pause(void *opaque, bool pause)
{
	struct fake *f = opaque;

	if (pause)
		f->n_pause++;
	else
		f->n_unpause++;
	return f->pause_rc;
}

static int fake_attach(void *opaque, int fd)
{
	struct fake *f = opaque;

	f->n_attach++;
	if (f->attach_rc)
		return f->attach_rc;
	f->console_fd = fd;
	return 0;
}

static void fake_log(void *opaque, const char *msg)
{
	snprintf(((struct fake *)opaque)->log, sizeof(vm.log), "%s", msg);
}

static const struct control_ops ops = {
	.info = fake_info,
	.shutdown = fake_shutdown,
	.destroy = fake_destroy,
	.pause = fake_pause,
	.console_attach = fake_attach,
	.log = fake_log,
};

static const struct control_ops info_only = { .info = fake_info };

/* ---- Helpers ----------------------------------------------------------- */

/* One round of the server's part of a poll loop. */
static void pump(struct control *c)
{
	struct pollfd fds[CONTROL_POLL_MAX];
	int n = control_poll_fds(c, fds, CONTROL_POLL_MAX);

	if (poll(fds, (nfds_t)n, 0) > 0)
		control_handle(c, fds, n);
}

static void pump_n(struct control *c, int rounds)
{
	while (rounds--)
		pump(c);
}

static int client(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		perror("connect");
		exit(2);
	}
	return fd;
}

static void say(int fd, const char *s, size_t len)
{
	if (send(fd, s, len, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("send");
		exit(2);
	}
}

/*
 * Read one line (without '\n') while pumping the server: 0, -1 at EOF
 * (what was read is in @buf), -2 when nothing more came.
 */
static int get_line(struct control *c, int fd, char *buf, size_t len)
{
	size_t have = 0;
	int idle = 0;

	buf[0] = '\0';
	while (idle < 200) {
		char ch;
		ssize_t n = recv(fd, &ch, 1, MSG_DONTWAIT);

		if (n == 1) {
			if (ch == '\n')
				return 0;
			if (have + 1 < len) {
				buf[have++] = ch;
				buf[have] = '\0';
			}
			idle = 0;
			continue;
		}
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return -1;
		pump(c);
		idle++;
	}
	return -2;
}

static int ask(struct control *c, int fd, const char *req, char *buf,
	       size_t len)
{
	say(fd, req, strlen(req));
	return get_line(c, fd, buf, len);
}

/* Has the server closed @fd (after any data)? */
static bool closed_by_server(struct control *c, int fd)
{
	char buf[512];
	int i;

	for (i = 0; i < 200; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		if (n < 0)
			pump(c);
	}
	return false;
}

static bool is_socket(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* A socket file nobody listens on, as a crashed ioemu leaves behind. */
static void make_stale(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		perror("bind");
		exit(2);
	}
	close(fd);
}

static void reset_vm(void)
{
	memset(&vm, 0, sizeof(vm));
	snprintf(vm.info.name, sizeof(vm.info.name), "vm1");
	vm.info.domid = 7;
	vm.info.state = CONTROL_RUNNING;
	vm.info.vcpus = 2;
	vm.info.memory_mib = 512;
	vm.info.uptime_s = 42;
	snprintf(vm.info.console_pty, sizeof(vm.info.console_pty),
		 "/dev/pts/9");
	vm.console_fd = -1;
}

/* ---- Tests ------------------------------------------------------------- */

static void test_requests(struct control *c, const char *path)
{
	char buf[1024], want[256];
	int fd = client(path), rc;

	rc = ask(c, fd, "info\n", buf, sizeof(buf));
	snprintf(want, sizeof(want),
		 "ok name=vm1 domid=7 state=running vcpus=2 memory_mib=512 uptime_s=42 pid=%ld console_pty=/dev/pts/9",
		 (long)getpid());
	EXPECT("control/info", rc == 0 && !strcmp(buf, want));
	EXPECT("control/info-called-once", vm.n_info == 1);

	vm.info.state = CONTROL_PAUSED;
	vm.info.console_pty[0] = '\0';
	ask(c, fd, "info\n", buf, sizeof(buf));
	EXPECT("control/info-paused-no-pty",
	       strstr(buf, " state=paused ") && !strstr(buf, "console_pty"));
	vm.info.state = CONTROL_SHUTTING_DOWN;
	snprintf(vm.info.name, sizeof(vm.info.name), "a b\n");
	ask(c, fd, "info\n", buf, sizeof(buf));
	EXPECT("control/info-shutting-down",
	       strstr(buf, " state=shutting-down "));
	EXPECT("control/info-value-sanitized",
	       !strncmp(buf, "ok name=a?b? ", 13));
	reset_vm();

	rc = ask(c, fd, "shutdown poweroff\n", buf, sizeof(buf));
	EXPECT("control/shutdown-poweroff",
	       rc == 0 && !strcmp(buf, "ok") && vm.n_shutdown == 1 &&
	       !vm.last_reboot);
	rc = ask(c, fd, "shutdown reboot\n", buf, sizeof(buf));
	EXPECT("control/shutdown-reboot",
	       rc == 0 && !strcmp(buf, "ok") && vm.n_shutdown == 2 &&
	       vm.last_reboot);
	rc = ask(c, fd, "shutdown\n", buf, sizeof(buf));
	EXPECT("control/shutdown-default-poweroff",
	       rc == 0 && !strcmp(buf, "ok") && vm.n_shutdown == 3 &&
	       !vm.last_reboot);
	rc = ask(c, fd, "  shutdown \t reboot  \r\n", buf, sizeof(buf));
	EXPECT("control/blanks-and-crlf",
	       rc == 0 && !strcmp(buf, "ok") && vm.last_reboot);
	rc = ask(c, fd, "shutdown now\n", buf, sizeof(buf));
	EXPECT("control/shutdown-bad-arg",
	       !strcmp(buf, "error usage: shutdown [poweroff|reboot]") &&
	       vm.n_shutdown == 4);
	ask(c, fd, "shutdown poweroff please\n", buf, sizeof(buf));
	EXPECT("control/shutdown-extra-arg",
	       !strcmp(buf, "error usage: shutdown [poweroff|reboot]"));
	vm.shutdown_rc = -EIO;
	ask(c, fd, "shutdown\n", buf, sizeof(buf));
	EXPECT("control/shutdown-fails",
	       !strcmp(buf, "error cannot shut down: Input/output error"));

	rc = ask(c, fd, "pause\n", buf, sizeof(buf));
	EXPECT("control/pause",
	       rc == 0 && !strcmp(buf, "ok") && vm.n_pause == 1);
	rc = ask(c, fd, "unpause\n", buf, sizeof(buf));
	EXPECT("control/unpause",
	       rc == 0 && !strcmp(buf, "ok") && vm.n_unpause == 1);
	vm.pause_rc = -EBUSY;
	ask(c, fd, "pause\n", buf, sizeof(buf));
	EXPECT("control/pause-fails",
	       !strcmp(buf, "error cannot pause: Device or resource busy"));

	ask(c, fd, "frob\n", buf, sizeof(buf));
	EXPECT("control/unknown-command",
	       !strcmp(buf, "error unknown command 'frob'"));
	ask(c, fd, "INFO\n", buf, sizeof(buf));
	EXPECT("control/case-sensitive",
	       !strcmp(buf, "error unknown command 'INFO'"));
	ask(c, fd, "info now\n", buf, sizeof(buf));
	EXPECT("control/no-arguments",
	       !strcmp(buf, "error 'info' takes no arguments"));
	ask(c, fd, "\n", buf, sizeof(buf));
	EXPECT("control/empty-request", !strcmp(buf, "error empty request"));
	say(fd, "in\0fo\n", 6);
	get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/nul-byte",
	       !strcmp(buf, "error invalid character in request"));
	ask(c, fd, "info\x1b[2J\n", buf, sizeof(buf));
	EXPECT("control/escape-sequence",
	       !strcmp(buf, "error invalid character in request"));

	/* Several requests in one write: one reply each, in order. */
	reset_vm();
	say(fd, "pause\nfrob\ninfo\n", 16);
	get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/pipelined-1", !strcmp(buf, "ok") && vm.n_pause == 1);
	get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/pipelined-2", !strncmp(buf, "error unknown", 13));
	get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/pipelined-3", !strncmp(buf, "ok name=vm1 ", 12));

	/* A request split over several writes. */
	say(fd, "in", 2);
	pump_n(c, 5);
	say(fd, "fo\n", 3);
	rc = get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/split-request",
	       rc == 0 && !strncmp(buf, "ok name=", 8));

	rc = ask(c, fd, "destroy\n", buf, sizeof(buf));
	EXPECT("control/destroy", rc == 0 && !strcmp(buf, "ok") &&
	       vm.n_destroy == 1);
	EXPECT("control/still-open-after-errors", control_nr_clients(c) == 1);
	close(fd);
	pump_n(c, 3);
	EXPECT("control/client-gone", control_nr_clients(c) == 0);
}

static void test_limits(struct control *c, const char *path)
{
	char buf[1024], line[CONTROL_LINE_MAX + 64];
	int fd, rc;

	/* The longest allowed line: CONTROL_LINE_MAX bytes with the '\n'. */
	fd = client(path);
	memset(line, 'a', CONTROL_LINE_MAX - 1);
	line[CONTROL_LINE_MAX - 1] = '\n';
	say(fd, line, CONTROL_LINE_MAX);
	rc = get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/longest-line-served",
	       rc == 0 && !strncmp(buf, "error unknown command 'aaaa", 27) &&
	       strlen(buf) < 120);
	rc = ask(c, fd, "info\n", buf, sizeof(buf));
	EXPECT("control/longest-line-keeps-connection", rc == 0 &&
	       !strncmp(buf, "ok ", 3));
	close(fd);

	/* One byte more: refused, and the connection ends. */
	fd = client(path);
	memset(line, 'b', CONTROL_LINE_MAX);
	line[CONTROL_LINE_MAX] = '\n';
	say(fd, line, CONTROL_LINE_MAX + 1);
	rc = get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/too-long",
	       rc == 0 &&
	       !strcmp(buf, "error request too long (limit 256 bytes)"));
	EXPECT("control/too-long-closes", closed_by_server(c, fd));
	close(fd);

	/* A very long line without any newline. */
	fd = client(path);
	memset(line, 'c', sizeof(line));
	say(fd, line, sizeof(line));
	rc = get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/no-newline",
	       rc == 0 && !strncmp(buf, "error request too long", 22) &&
	       closed_by_server(c, fd));
	close(fd);
	pump_n(c, 3);
	EXPECT("control/limits-no-leftover-clients",
	       control_nr_clients(c) == 0);
}

static void test_misbehaving(struct control *c, const char *path)
{
	static char flood[256 * 1024];
	char buf[1024];
	int fd, fd2, n_info, rc, i;

	/* Disconnects in the middle of a line: nothing is run. */
	n_info = vm.n_info;
	fd = client(path);
	say(fd, "inf", 3);
	pump_n(c, 3);
	EXPECT("control/partial-line-connected", control_nr_clients(c) == 1);
	close(fd);
	pump_n(c, 3);
	EXPECT("control/partial-line-dropped",
	       control_nr_clients(c) == 0 && vm.n_info == n_info);

	/* Shuts down its writing side after the request: still answered. */
	fd = client(path);
	say(fd, "info\n", 5);
	shutdown(fd, SHUT_WR);
	rc = get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/half-close-answered",
	       rc == 0 && !strncmp(buf, "ok ", 3));
	EXPECT("control/half-close-then-closed", closed_by_server(c, fd));
	close(fd);

	/* Floods requests without reading: the server stops reading it
	 * (its replies are not queued without bound) and serves others. */
	fd = client(path);
	{
		size_t off = 0;

		for (i = 0; off + 5 <= sizeof(flood); i++, off += 5)
			memcpy(flood + off, "info\n", 5);
		fcntl(fd, F_SETFL, O_NONBLOCK);
		off = 0;
		for (i = 0; i < 4000; i++) {
			ssize_t n = send(fd, flood + off, sizeof(flood) - off,
					 MSG_NOSIGNAL);

			if (n > 0)
				off += (size_t)n;
			if (off == sizeof(flood))
				break;
			pump(c);
		}
	}
	n_info = vm.n_info;
	/* Some were answered, far from all of them: it is blocked. */
	EXPECT("control/flood-served-until-blocked",
	       n_info > 100 && n_info < (int)(sizeof(flood) / 5) / 2);
	pump_n(c, 50);
	EXPECT("control/flood-backpressure", vm.n_info == n_info);
	fd2 = client(path);
	rc = ask(c, fd2, "info\n", buf, sizeof(buf));
	EXPECT("control/flood-others-served",
	       rc == 0 && !strncmp(buf, "ok ", 3));
	close(fd2);
	close(fd);
	pump_n(c, 5);
	EXPECT("control/flood-dropped", control_nr_clients(c) == 0);
}

static void test_too_many(struct control *c, const char *path)
{
	int fds[CONTROL_MAX_CLIENTS], fd, i, rc;
	char buf[256];

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		fds[i] = client(path);
	pump_n(c, 5);
	EXPECT("control/max-clients-accepted",
	       control_nr_clients(c) == CONTROL_MAX_CLIENTS);
	fd = client(path);
	rc = get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/too-many-clients",
	       rc == 0 && !strcmp(buf, "error too many clients (limit 16)"));
	EXPECT("control/too-many-clients-closed", closed_by_server(c, fd));
	EXPECT("control/too-many-clients-logged",
	       strstr(vm.log, "16 clients already") != NULL);
	close(fd);
	rc = ask(c, fds[3], "info\n", buf, sizeof(buf));
	EXPECT("control/too-many-others-fine",
	       rc == 0 && !strncmp(buf, "ok ", 3));
	close(fds[0]);
	pump_n(c, 3);
	fd = client(path);
	rc = ask(c, fd, "info\n", buf, sizeof(buf));
	EXPECT("control/slot-freed", rc == 0 && !strncmp(buf, "ok ", 3));
	close(fd);
	for (i = 1; i < CONTROL_MAX_CLIENTS; i++)
		close(fds[i]);
	pump_n(c, 3);
	EXPECT("control/all-gone", control_nr_clients(c) == 0);
}

static void test_console(struct control *c, const char *path)
{
	char buf[256];
	ssize_t n;
	int fd, rc, n_info;

	reset_vm();
	fd = client(path);
	pump_n(c, 2);
	rc = ask(c, fd, "console\n", buf, sizeof(buf));
	EXPECT("control/console-ok", rc == 0 && !strcmp(buf, "ok"));
	EXPECT("control/console-attached",
	       vm.n_attach == 1 && vm.console_fd >= 0);
	EXPECT("control/console-leaves-table", control_nr_clients(c) == 0);
	if (vm.console_fd < 0)
		return;
	EXPECT("control/console-fd-nonblocking",
	       fcntl(vm.console_fd, F_GETFL) & O_NONBLOCK);
	n = write(vm.console_fd, "boot\r\n", 6);
	rc = get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/console-output", n == 6 && rc == 0 &&
	       !strcmp(buf, "boot\r"));
	say(fd, "ls\n", 3);
	memset(buf, 0, sizeof(buf));
	n = read(vm.console_fd, buf, sizeof(buf) - 1);
	EXPECT("control/console-input", n == 3 && !strcmp(buf, "ls\n"));
	/* The server no longer reads it: "info" here is console input. */
	n_info = vm.n_info;
	say(fd, "info\n", 5);
	pump_n(c, 5);
	EXPECT("control/console-raw", vm.n_info == n_info &&
	       recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0);
	close(vm.console_fd);
	EXPECT("control/console-eof", closed_by_server(c, fd));
	close(fd);

	/* Bytes pipelined after "console" are discarded, not run. */
	reset_vm();
	fd = client(path);
	say(fd, "console\ninfo\n", 13);
	rc = get_line(c, fd, buf, sizeof(buf));
	pump_n(c, 5);
	EXPECT("control/console-pipelined-discarded",
	       rc == 0 && !strcmp(buf, "ok") && vm.n_info == 0 &&
	       vm.n_attach == 1);
	if (vm.console_fd >= 0)
		close(vm.console_fd);
	close(fd);

	/* ioemu cannot take another console client. */
	reset_vm();
	vm.attach_rc = -EMFILE;
	fd = client(path);
	rc = ask(c, fd, "console\n", buf, sizeof(buf));
	EXPECT("control/console-refused-ok-first",
	       rc == 0 && !strcmp(buf, "ok"));
	rc = get_line(c, fd, buf, sizeof(buf));
	rc = get_line(c, fd, buf, sizeof(buf));
	EXPECT("control/console-refused-reason",
	       rc == 0 &&
	       !strcmp(buf, "hxen: cannot attach to the console: "
			    "Too many open files\r"));
	EXPECT("control/console-refused-closed", closed_by_server(c, fd));
	close(fd);
	pump_n(c, 2);
	EXPECT("control/console-refused-no-client", control_nr_clients(c) == 0);
	reset_vm();
}

static void test_unsupported(const char *dir)
{
	struct control c;
	char path[256], buf[256], err[256];
	int fd;

	snprintf(path, sizeof(path), "%s/min.sock", dir);
	if (control_open(&c, path, &info_only, &vm, err, sizeof(err))) {
		EXPECT("control/minimal-ops-open", 0);
		return;
	}
	fd = client(path);
	ask(&c, fd, "pause\n", buf, sizeof(buf));
	EXPECT("control/unsupported",
	       !strcmp(buf, "error 'pause' is not supported"));
	ask(&c, fd, "console\n", buf, sizeof(buf));
	EXPECT("control/unsupported-console",
	       !strcmp(buf, "error 'console' is not supported"));
	ask(&c, fd, "info\n", buf, sizeof(buf));
	EXPECT("control/minimal-ops-info", !strncmp(buf, "ok name=vm1 ", 12));
	close(fd);
	control_close(&c);
}

static void test_open_close(const char *dir)
{
	struct control a, b;
	char path[256], other[256], buf[256], err[256], longp[300];
	struct stat st;
	int fd, rc;

	/* A stale socket is replaced. */
	snprintf(path, sizeof(path), "%s/stale.sock", dir);
	make_stale(path);
	rc = control_open(&a, path, &ops, &vm, err, sizeof(err));
	EXPECT("control/stale-replaced", rc == 0 && is_socket(path));
	EXPECT("control/socket-mode-0600", stat(path, &st) == 0 &&
	       (st.st_mode & 0777) == 0600);
	fd = client(path);
	rc = ask(&a, fd, "info\n", buf, sizeof(buf));
	EXPECT("control/stale-replaced-serves",
	       rc == 0 && !strncmp(buf, "ok ", 3));

	/* A live one is not. */
	rc = control_open(&b, path, &ops, &vm, err, sizeof(err));
	EXPECT("control/live-refused", rc == -EADDRINUSE &&
	       strstr(err, "a VM named 'stale' is already running"));
	EXPECT("control/live-refused-close-harmless", (control_close(&b), 1));
	rc = ask(&a, fd, "info\n", buf, sizeof(buf));
	EXPECT("control/live-untouched", is_socket(path) && rc == 0 &&
	       !strncmp(buf, "ok ", 3));

	/* Closing ends the connections and removes the socket. */
	control_close(&a);
	EXPECT("control/close-unlinks", !is_socket(path));
	EXPECT("control/close-ends-clients", closed_by_server(&a, fd));
	close(fd);
	control_close(&a);
	EXPECT("control/close-twice", 1);

	/* ... but not a socket that someone else put there since. */
	rc = control_open(&a, path, &ops, &vm, err, sizeof(err));
	unlink(path);
	make_stale(path);
	control_close(&a);
	EXPECT("control/close-spares-successor", rc == 0 && is_socket(path));
	unlink(path);

	/* Another kind of file is left alone. */
	snprintf(other, sizeof(other), "%s/file.sock", dir);
	fd = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (write(fd, "keep", 4) != 4)
			perror("write");
		close(fd);
	}
	rc = control_open(&a, other, &ops, &vm, err, sizeof(err));
	EXPECT("control/regular-file-refused", rc == -EEXIST &&
	       strstr(err, "exists and is not a socket") &&
	       stat(other, &st) == 0 && st.st_size == 4);
	unlink(other);

	memset(longp, 'x', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	rc = control_open(&a, longp, &ops, &vm, err, sizeof(err));
	EXPECT("control/path-too-long", rc == -ENAMETOOLONG);
	snprintf(other, sizeof(other), "%s/no/such/dir/x.sock", dir);
	rc = control_open(&a, other, &ops, &vm, err, sizeof(err));
	EXPECT("control/missing-dir", rc < 0 && err[0]);
}

static void test_poll_fds(struct control *c, const char *path)
{
	struct pollfd fds[CONTROL_POLL_MAX];
	int a = client(path), b = client(path), n;

	pump_n(c, 3);
	n = control_poll_fds(c, fds, CONTROL_POLL_MAX);
	EXPECT("control/poll-fds-count", n == 3 && fds[0].events == POLLIN);
	n = control_poll_fds(c, fds, 2);
	EXPECT("control/poll-fds-max", n == 2);
	close(a);
	close(b);
	pump_n(c, 3);
}

/* As uid 65534: the server must refuse the connection. */
static void test_other_uid(struct control *c, const char *dir,
			   const char *path)
{
	int status = -1, i;
	pid_t pid;

	if (geteuid() != 0)
		return;	/* cannot become someone else here */
	/* Let the other user reach the socket, so that only the server's
	 * own check stands in its way. */
	chmod(dir, 0711);
	chmod(path, 0666);
	vm.log[0] = '\0';
	pid = fork();
	if (pid == 0) {
		char buf[128] = "";
		ssize_t n, got = 0;
		int fd;

		if (setgid(65534) || setuid(65534))
			_exit(3);
		alarm(10);
		fd = client(path);
		say(fd, "info\n", 5);
		while ((n = read(fd, buf + got,
				 sizeof(buf) - 1 - (size_t)got)) > 0)
			got += n;
		buf[got] = '\0';
		_exit(!strcmp(buf, "error permission denied\n") ? 0 : 1);
	}
	/* The child gives up by itself after 10 s (alarm()); on a busy
	 * machine it may need several seconds to get its answer. */
	for (i = 0; i < 15000; i++) {
		pump(c);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(1000);
	}
	EXPECT("control/other-uid-refused",
	       WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT("control/other-uid-logged",
	       strstr(vm.log, "refused a connection from uid 65534") != NULL);
	EXPECT("control/other-uid-no-client", control_nr_clients(c) == 0);
	chmod(path, 0600);
	chmod(dir, 0700);
}

int main(void)
{
	char dir[] = "/tmp/test_control.XXXXXX", path[256], err[256];
	struct control c;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	reset_vm();
	snprintf(path, sizeof(path), "%s/vm1.sock", dir);
	rc = control_open(&c, path, &ops, &vm, err, sizeof(err));
	EXPECT("control/open", rc == 0 && is_socket(path));
	if (rc) {
		fprintf(stderr, "control_open: %s\n", err);
		return 1;
	}
	test_requests(&c, path);
	reset_vm();
	test_limits(&c, path);
	test_misbehaving(&c, path);
	test_too_many(&c, path);
	test_console(&c, path);
	test_poll_fds(&c, path);
	test_other_uid(&c, dir, path);
	control_close(&c);
	EXPECT("control/closed-removed", !is_socket(path));
	test_unsupported(dir);
	test_open_close(dir);
	rmdir(dir);
	return test_failures ? 1 : 0;
}
