// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket server (protocol in control.h): a listening Unix
 * socket and up to CONTROL_MAX_CLIENTS line-oriented connections, all
 * non-blocking, served from the caller's poll() loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"

#define ACCEPTS_PER_ROUND	8

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void log_msg(struct control *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void log_msg(struct control *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!c->ops || !c->ops->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->ops->log(c->opaque, msg);
}

/* ---- Opening and closing ----------------------------------------------- */

/* The VM name a socket path stands for: its file name without ".sock". */
static void name_of(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".sock"))
		n -= 5;
	if (n >= len)
		n = len - 1;
	memcpy(buf, base, n);
	buf[n] = '\0';
}

/* Lock the directory holding @path; returns the lock's fd or -1. */
static int lock_dir(const char *path)
{
	char dir[sizeof(((struct control *)0)->path)];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void unlock_dir(int fd)
{
	if (fd >= 0)
		close(fd);	/* drops the flock */
}

/* Does a server accept on the socket @sun?  0: no (stale), 1: yes. */
static int probe(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int rc;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0)
		rc = 1;
	else if (errno == EAGAIN)	/* a full backlog: alive but busy */
		rc = 1;
	else if (errno == ECONNREFUSED)
		rc = 0;
	else
		rc = -errno;
	close(fd);
	return rc;
}

/* Remove a stale socket at the path; refuse a live one or another file. */
static int clear_path(const struct sockaddr_un *sun, char *err, size_t errlen)
{
	const char *path = sun->sun_path;
	char name[80];
	struct stat st;
	int rc;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		set_err(err, errlen, "cannot check %s: %s", path,
			strerror(errno));
		return rc;
	}
	if (!S_ISSOCK(st.st_mode)) {
		set_err(err, errlen, "%s exists and is not a socket; remove it",
			path);
		return -EEXIST;
	}
	rc = probe(sun);
	if (rc > 0) {
		name_of(path, name, sizeof(name));
		set_err(err, errlen,
			"a VM named '%s' is already running (its control socket %s answers)",
			name, path);
		return -EADDRINUSE;
	}
	if (rc < 0) {
		set_err(err, errlen, "cannot check %s: %s", path,
			strerror(-rc));
		return rc;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		rc = -errno;
		set_err(err, errlen, "cannot remove the stale socket %s: %s",
			path, strerror(errno));
		return rc;
	}
	return 0;
}

static void reset(struct control *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->listen_fd = -1;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
}

int control_open(struct control *c, const char *path,
		 const struct control_ops *ops, void *opaque,
		 char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int lock, fd, rc;

	reset(c);
	set_err(err, errlen, "(no error)");
	if (!path || !*path || strlen(path) >= sizeof(sun.sun_path) ||
	    strlen(path) >= sizeof(c->path)) {
		set_err(err, errlen,
			"the control socket path '%s' is empty or longer than %zu bytes",
			path ? path : "", sizeof(sun.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);

	lock = lock_dir(path);
	if (lock < 0) {
		rc = -errno;
		set_err(err, errlen, "cannot lock the directory of %s: %s",
			path, strerror(errno));
		return rc;
	}
	rc = clear_path(&sun, err, errlen);
	if (rc)
		goto out;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		set_err(err, errlen, "socket: %s", strerror(errno));
		goto out;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		rc = -errno;
		set_err(err, errlen, "cannot create the control socket %s: %s",
			path, strerror(errno));
		close(fd);
		goto out;
	}
	if (chmod(path, 0600) < 0 || listen(fd, CONTROL_MAX_CLIENTS) < 0 ||
	    stat(path, &st) < 0) {
		rc = -errno;
		set_err(err, errlen, "cannot set up the control socket %s: %s",
			path, strerror(errno));
		unlink(path);
		close(fd);
		goto out;
	}
	c->listen_fd = fd;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->ops = ops;
	c->opaque = opaque;
	strcpy(c->path, path);
	rc = 0;
out:
	unlock_dir(lock);
	return rc;
}

static void drop(struct control_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
	cl->polled = false;
}

/* Send queued output; 0 when it is all out or must wait, -1 on error. */
static int flush_out(struct control_client *cl)
{
	while (cl->out_done < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_done,
				 cl->out_len - cl->out_done,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -1;
		}
		cl->out_done += (size_t)n;
	}
	cl->out_len = cl->out_done = 0;
	return 0;
}

static bool out_pending(const struct control_client *cl)
{
	return cl->out_len > 0;
}

void control_close(struct control *c)
{
	struct stat st;
	int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &c->clients[i];

		if (cl->fd < 0)
			continue;
		flush_out(cl);
		drop(cl);
	}
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		c->listen_fd = -1;
		/* Leave a successor's socket alone. */
		if (lstat(c->path, &st) == 0 && st.st_dev == c->dev &&
		    st.st_ino == c->ino)
			unlink(c->path);
	}
}

int control_nr_clients(const struct control *c)
{
	int i, n = 0;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i].fd >= 0)
			n++;
	return n;
}

/* ---- Polling ----------------------------------------------------------- */

int control_poll_fds(struct control *c, struct pollfd *fds, int max)
{
	int i, n = 0;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->clients[i].polled = false;
	if (c->listen_fd < 0 || max <= 0)
		return 0;
	fds[n++] = (struct pollfd){ .fd = c->listen_fd, .events = POLLIN };
	for (i = 0; i < CONTROL_MAX_CLIENTS && n < max; i++) {
		struct control_client *cl = &c->clients[i];
		short ev;

		if (cl->fd < 0)
			continue;
		/* One reply at a time: read on only when it has gone out. */
		if (out_pending(cl))
			ev = POLLOUT;
		else if (!cl->eof)
			ev = POLLIN;
		else
			ev = 0;	/* served in control_handle() */
		cl->polled = true;
		fds[n++] = (struct pollfd){ .fd = cl->fd, .events = ev };
	}
	return n;
}

/* ---- Requests ---------------------------------------------------------- */

static void reply(struct control_client *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reply(struct control_client *cl, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cl->out, sizeof(cl->out) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(cl->out) - 2)
		n = sizeof(cl->out) - 2;	/* cut, keep the newline */
	cl->out[n++] = '\n';
	cl->out_len = (size_t)n;
	cl->out_done = 0;
}

static const char *state_name(enum control_state s)
{
	switch (s) {
	case CONTROL_RUNNING:
		return "running";
	case CONTROL_PAUSED:
		return "paused";
	case CONTROL_SHUTTING_DOWN:
		return "shutting-down";
	}
	return "unknown";
}

/* Make @s safe as a value: no spaces or control characters. */
static void sanitize(char *s, size_t size)
{
	size_t i;

	for (i = 0; i < size && s[i]; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			s[i] = '?';
	if (size)
		s[size - 1] = '\0';
}

static void do_info(struct control *c, struct control_client *cl)
{
	struct control_info in;
	char pty[sizeof(in.console_pty) + 16] = "";

	memset(&in, 0, sizeof(in));
	in.pid = getpid();
	c->ops->info(c->opaque, &in);
	sanitize(in.name, sizeof(in.name));
	sanitize(in.console_pty, sizeof(in.console_pty));
	if (in.console_pty[0])
		snprintf(pty, sizeof(pty), " console_pty=%s", in.console_pty);
	reply(cl,
	      "ok name=%s domid=%u state=%s vcpus=%u memory_mib=%llu uptime_s=%llu pid=%ld%s",
	      in.name[0] ? in.name : "-", in.domid, state_name(in.state),
	      in.vcpus, (unsigned long long)in.memory_mib,
	      (unsigned long long)in.uptime_s, (long)in.pid, pty);
}

static void reply_result(struct control_client *cl, const char *what, int rc)
{
	if (rc)
		reply(cl, "error cannot %s: %s", what,
		      strerror(rc < 0 ? -rc : rc));
	else
		reply(cl, "ok");
}

enum command {
	CMD_INFO,
	CMD_SHUTDOWN,
	CMD_DESTROY,
	CMD_PAUSE,
	CMD_UNPAUSE,
	CMD_CONSOLE,
};

static const struct {
	const char *name;
	bool takes_arg;
} commands[] = {
	[CMD_INFO] = { "info", false },
	[CMD_SHUTDOWN] = { "shutdown", true },
	[CMD_DESTROY] = { "destroy", false },
	[CMD_PAUSE] = { "pause", false },
	[CMD_UNPAUSE] = { "unpause", false },
	[CMD_CONSOLE] = { "console", false },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static bool supported(const struct control_ops *ops, enum command cmd)
{
	if (!ops)
		return false;
	switch (cmd) {
	case CMD_INFO:
		return ops->info;
	case CMD_SHUTDOWN:
		return ops->shutdown;
	case CMD_DESTROY:
		return ops->destroy;
	case CMD_PAUSE:
	case CMD_UNPAUSE:
		return ops->pause;
	case CMD_CONSOLE:
		return ops->console_attach;
	}
	return false;
}

/* Split @line into at most @max words (in place); returns how many. */
static int split(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return n;
		if (n == max)
			return max + 1;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

/* Serve the request @line of @len bytes (NUL-terminated, without '\n'). */
static void do_request(struct control *c, struct control_client *cl,
		       char *line, size_t len)
{
	char *w[3];
	int nw, rc;
	size_t i;
	enum command cmd;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch < ' ' && ch != '\t') || ch >= 0x7f) {
			reply(cl, "error invalid character in request");
			return;
		}
	}
	nw = split(line, w, 2);
	if (nw == 0) {
		reply(cl, "error empty request");
		return;
	}
	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(w[0], commands[i].name))
			break;
	if (i == NR_COMMANDS) {
		reply(cl, "error unknown command '%.64s'", w[0]);
		return;
	}
	cmd = (enum command)i;
	if (nw > 1 && !commands[cmd].takes_arg) {
		reply(cl, "error '%s' takes no arguments", w[0]);
		return;
	}
	if (!supported(c->ops, cmd)) {
		reply(cl, "error '%s' is not supported", w[0]);
		return;
	}

	switch (cmd) {
	case CMD_INFO:
		do_info(c, cl);
		break;
	case CMD_SHUTDOWN:
		if (nw > 2 || (nw == 2 && strcmp(w[1], "poweroff") &&
			       strcmp(w[1], "reboot"))) {
			reply(cl, "error usage: shutdown [poweroff|reboot]");
			break;
		}
		rc = c->ops->shutdown(c->opaque,
				      nw == 2 && !strcmp(w[1], "reboot"));
		reply_result(cl, "shut down", rc);
		break;
	case CMD_DESTROY:
		reply(cl, "ok");
		flush_out(cl);
		c->ops->destroy(c->opaque);
		break;
	case CMD_PAUSE:
	case CMD_UNPAUSE:
		rc = c->ops->pause(c->opaque, cmd == CMD_PAUSE);
		reply_result(cl, w[0], rc);
		break;
	case CMD_CONSOLE:
		reply(cl, "ok");
		cl->to_console = true;
		break;
	}
}

/* Send a client a last line (if it takes it now) and close it. */
static void refuse(int fd, const char *msg)
{
	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* Gone already; nothing more to tell it. */
	}
	close(fd);
}

/* Give the connection to ioemu's console once "ok" is out. */
static void hand_over(struct control *c, struct control_client *cl)
{
	char msg[160];
	int fd = cl->fd, rc, n;

	cl->fd = -1;
	cl->polled = false;
	rc = c->ops->console_attach(c->opaque, fd);
	if (rc == 0)
		return;
	log_msg(c, "control: cannot attach a console client: %s",
		strerror(rc < 0 ? -rc : rc));
	n = snprintf(msg, sizeof(msg),
		     "\r\nhxen: cannot attach to the console: %s\r\n",
		     strerror(rc < 0 ? -rc : rc));
	if (n > 0)
		refuse(fd, msg);
	else
		close(fd);
}

/* Serve the complete lines in the input, one reply at a time. */
static void serve_lines(struct control *c, struct control_client *cl)
{
	while (!out_pending(cl) && !cl->closing && !cl->to_console &&
	       cl->fd >= 0) {
		char *nl = memchr(cl->in, '\n', cl->in_len);
		char line[CONTROL_LINE_MAX];
		size_t len;

		if (!nl)
			break;
		len = (size_t)(nl - cl->in);
		memcpy(line, cl->in, len);
		line[len] = '\0';
		memmove(cl->in, nl + 1, cl->in_len - len - 1);
		cl->in_len -= len + 1;
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		do_request(c, cl, line, len);
		if (flush_out(cl) < 0) {
			drop(cl);
			return;
		}
	}
}

static void serve_client(struct control *c, struct control_client *cl,
			 short revents)
{
	ssize_t n;

	if (revents & (POLLERR | POLLNVAL)) {
		drop(cl);
		return;
	}
	if (out_pending(cl) && flush_out(cl) < 0) {
		drop(cl);
		return;
	}
	if (!out_pending(cl) && !cl->eof && !cl->closing && !cl->to_console &&
	    (revents & (POLLIN | POLLHUP))) {
		n = recv(cl->fd, cl->in + cl->in_len,
			 sizeof(cl->in) - cl->in_len, MSG_DONTWAIT);
		if (n > 0)
			cl->in_len += (size_t)n;
		else if (n == 0)
			cl->eof = true;
		else if (errno != EAGAIN && errno != EINTR) {
			drop(cl);
			return;
		}
	}
	serve_lines(c, cl);
	if (cl->fd < 0 || out_pending(cl))
		return;
	if (cl->to_console) {
		hand_over(c, cl);
		return;
	}
	if (cl->closing) {
		drop(cl);
		return;
	}
	if (cl->in_len == sizeof(cl->in)) {
		/* No newline in a full buffer: the line is too long. */
		reply(cl, "error request too long (limit %d bytes)",
		      CONTROL_LINE_MAX);
		cl->closing = true;
		cl->in_len = 0;
		if (flush_out(cl) < 0 || !out_pending(cl))
			drop(cl);
		return;
	}
	if (cl->eof)
		drop(cl);	/* a partial line is dropped with it */
}

static void accept_clients(struct control *c)
{
	int round, i;

	for (round = 0; round < ACCEPTS_PER_ROUND; round++) {
		struct ucred cred;
		socklen_t len = sizeof(cred);
		char msg[64];
		int fd = accept4(c->listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);

		bool known;

		if (fd < 0)
			return;	/* EAGAIN, or nothing useful to do */
		known = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred,
				   &len) == 0 && len == sizeof(cred);
		if (!known || cred.uid != geteuid()) {
			log_msg(c, "control: refused a connection from uid %ld",
				known ? (long)cred.uid : -1L);
			refuse(fd, "error permission denied\n");
			continue;
		}
		for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
			if (c->clients[i].fd < 0)
				break;
		if (i == CONTROL_MAX_CLIENTS) {
			log_msg(c,
				"control: refused a connection: %d clients already",
				CONTROL_MAX_CLIENTS);
			snprintf(msg, sizeof(msg),
				 "error too many clients (limit %d)\n",
				 CONTROL_MAX_CLIENTS);
			refuse(fd, msg);
			continue;
		}
		memset(&c->clients[i], 0, sizeof(c->clients[i]));
		c->clients[i].fd = fd;
	}
}

void control_handle(struct control *c, const struct pollfd *fds, int n)
{
	bool listener = false;
	int i, j;

	if (c->listen_fd < 0)
		return;
	/*
	 * Clients first, new connections last: a descriptor closed here
	 * and reused by accept() must not be mistaken for the old one.
	 */
	for (i = 0; i < n; i++) {
		if (fds[i].fd < 0)
			continue;
		if (fds[i].fd == c->listen_fd) {
			listener = listener || fds[i].revents;
			continue;
		}
		for (j = 0; j < CONTROL_MAX_CLIENTS; j++) {
			struct control_client *cl = &c->clients[j];

			if (cl->fd != fds[i].fd || !cl->polled)
				continue;
			cl->polled = false;
			/* A client at EOF has work without events. */
			if (fds[i].revents || cl->eof)
				serve_client(c, cl, fds[i].revents);
			break;
		}
	}
	if (listener)
		accept_clients(c);
}
