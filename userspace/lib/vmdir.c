// SPDX-License-Identifier: GPL-2.0
/* The runtime directory of the user's VMs and the control socket client. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vmdir.h"

#define NAME_MAX_LEN	64
#define REQUEST_MAX	256	/* CONTROL_LINE_MAX in ioemu/control.h */

/* ---- The directory ----------------------------------------------------- */

static int pick_dir(char *dir, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char run[64];
	struct stat st;
	int n;

	/* A relative XDG_RUNTIME_DIR is to be ignored (XDG base dir spec). */
	if (xdg && xdg[0] == '/') {
		n = snprintf(dir, len, "%s/hxen", xdg);
	} else {
		snprintf(run, sizeof(run), "/run/user/%u",
			 (unsigned int)getuid());
		if (stat(run, &st) == 0 && S_ISDIR(st.st_mode))
			n = snprintf(dir, len, "%s/hxen", run);
		else
			n = snprintf(dir, len, "/tmp/hxen-%u",
				     (unsigned int)geteuid());
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int vmdir_open(char *dir, size_t len, char *err, size_t errlen)
{
	uid_t uid = geteuid();
	struct stat st;

	if (pick_dir(dir, len) < 0) {
		snprintf(err, errlen,
			 "the runtime directory path is too long; set XDG_RUNTIME_DIR to a shorter one");
		return -1;
	}
	if (mkdir(dir, 0700) == 0) {
		/* Whatever the umask took away. */
		if (chmod(dir, 0700) < 0) {
			snprintf(err, errlen, "cannot set the mode of %s: %s",
				 dir, strerror(errno));
			return -1;
		}
	} else if (errno != EEXIST) {
		snprintf(err, errlen,
			 "cannot create the runtime directory %s: %s (check XDG_RUNTIME_DIR)",
			 dir, strerror(errno));
		return -1;
	}
	if (lstat(dir, &st) < 0) {
		snprintf(err, errlen,
			"cannot check the runtime directory %s: %s",
			 dir, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(err, errlen,
			 "the runtime directory %s is a symbolic link, which hxen does not follow; remove it",
			 dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
			 "the runtime directory %s is not a directory; remove it",
			 dir);
		return -1;
	}
	if (st.st_uid != uid) {
		snprintf(err, errlen,
			 "the runtime directory %s belongs to uid %u, not to you (uid %u); remove it or set XDG_RUNTIME_DIR to a directory of yours",
			 dir, (unsigned int)st.st_uid, (unsigned int)uid);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen,
			 "the runtime directory %s has mode %04o, but only you may enter it: run 'chmod 700 %s'",
			 dir, (unsigned int)(st.st_mode & 07777), dir);
		return -1;
	}
	return 0;
}

bool vmdir_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	if (!len || len > NAME_MAX_LEN || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

int vmdir_file(char *buf, size_t len, const char *dir, const char *name,
	       const char *suffix)
{
	int n = snprintf(buf, len, "%s/%s%s", dir, name, suffix);

	if (n < 0 || (size_t)n >= len)
		return -1;
	if (!strcmp(suffix, ".sock") && n > VMDIR_SOCK_PATH_MAX)
		return -1;
	return 0;
}

/* ---- Sockets ----------------------------------------------------------- */

static int sock_addr(struct sockaddr_un *sun, const char *dir,
		     const char *name)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	return vmdir_file(sun->sun_path, sizeof(sun->sun_path), dir, name,
			  ".sock");
}

/* Connect without blocking: the fd, or -errno. */
static int try_connect(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int e;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0)
		return fd;
	e = errno;
	close(fd);
	return -e;
}

bool vmdir_clear_stale(const char *dir, const char *name)
{
	struct sockaddr_un sun;
	struct stat st;
	bool gone = false;
	int lock, fd;

	if (sock_addr(&sun, dir, name))
		return false;
	/* ioemu's control_open() takes the same lock around bind+listen. */
	lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0)
		return false;
	while (flock(lock, LOCK_EX) < 0)
		if (errno != EINTR)
			goto out;
	if (lstat(sun.sun_path, &st) < 0) {
		gone = errno == ENOENT;
		goto out;
	}
	if (!S_ISSOCK(st.st_mode))
		goto out;
	fd = try_connect(&sun);
	if (fd >= 0) {
		close(fd);
		goto out;
	}
	if (fd == -ECONNREFUSED)
		gone = unlink(sun.sun_path) == 0 || errno == ENOENT;
out:
	close(lock);
	return gone;
}

int vmdir_connect(const char *dir, const char *name)
{
	struct sockaddr_un sun;
	int fd, attempt;

	if (sock_addr(&sun, dir, name))
		return -ENAMETOOLONG;
	for (attempt = 0; attempt < 2; attempt++) {
		fd = try_connect(&sun);
		if (fd >= 0) {
			int fl = fcntl(fd, F_GETFL), e;

			if (fl >= 0 &&
			    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0)
				return fd;
			e = errno;
			close(fd);
			return -e;
		}
		if (fd != -ECONNREFUSED)
			return fd;
		/* Stale, or just being set up: look again under the lock. */
		if (vmdir_clear_stale(dir, name))
			return -ENOENT;
	}
	return -ECONNREFUSED;
}

/* CLOCK_MONOTONIC in milliseconds. */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until @deadline (now_ms() time; < 0: none). */
static int left_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	if (left < 0)
		return 0;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

/* Wait for @fd to become readable: 0, or -ETIMEDOUT / -errno. */
static int wait_readable(int fd, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, left_ms(deadline));

		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read one line (without its '\n') and nothing more. */
static int read_line(int fd, char *buf, size_t len, int64_t deadline)
{
	size_t have = 0;

	for (;;) {
		char *nl;
		ssize_t n;
		int rc = wait_readable(fd, deadline);

		if (rc)
			return rc;
		if (have + 1 >= len)
			return -EPROTO;
		/* Look first, then take up to the newline. */
		n = recv(fd, buf + have, len - 1 - have, MSG_PEEK);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return errno == ECONNRESET ? -ECONNRESET : -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		nl = memchr(buf + have, '\n', (size_t)n);
		if (nl)
			n = nl - (buf + have) + 1;
		n = recv(fd, buf + have, (size_t)n, 0);
		if (n <= 0)
			return n == 0 ? -ECONNRESET : -errno;
		have += (size_t)n;
		if (buf[have - 1] == '\n') {
			buf[have - 1] = '\0';
			return 0;
		}
	}
}

int vmdir_request(int fd, const char *request, char *reply, size_t len,
		  int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	char line[VMDIR_REPLY_MAX];
	const char *data;
	int n, rc;

	n = snprintf(line, sizeof(line), "%s\n", request);
	if (n < 0 || n > REQUEST_MAX)
		return -EINVAL;
	rc = send_all(fd, line, (size_t)n);
	if (rc)
		return rc == -EPIPE ? -ECONNRESET : rc;
	rc = read_line(fd, line, sizeof(line), deadline);
	if (rc)
		return rc;
	if (!strcmp(line, "ok") || !strncmp(line, "ok ", 3)) {
		rc = 0;
		data = line[2] ? line + 3 : "";
	} else if (!strcmp(line, "error") || !strncmp(line, "error ", 6)) {
		rc = 1;
		data = line[5] ? line + 6 : "(no message)";
	} else {
		return -EPROTO;
	}
	snprintf(reply, len, "%s", data);
	return rc;
}

int vmdir_wait_closed(int fd, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	char scratch[512];

	for (;;) {
		ssize_t n;
		int rc = wait_readable(fd, deadline);

		if (rc)
			return rc;
		n = recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return 0;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

/* ---- info -------------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

int vmdir_parse_info(const char *data, struct vmdir_info *info)
{
	enum { NAME = 1, DOMID = 2, STATE = 4, VCPUS = 8, MEM = 16,
	       UPTIME = 32, PID = 64, ALL = 127 };
	char buf[VMDIR_REPLY_MAX], *save = NULL, *tok;
	unsigned int seen = 0;
	uint64_t v;

	memset(info, 0, sizeof(*info));
	snprintf(buf, sizeof(buf), "%s", data);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *val = strchr(tok, '=');

		if (!val)
			continue;
		*val++ = '\0';
		if (!strcmp(tok, "name")) {
			snprintf(info->name, sizeof(info->name), "%s", val);
			seen |= NAME;
		} else if (!strcmp(tok, "state")) {
			snprintf(info->state, sizeof(info->state), "%s", val);
			seen |= STATE;
		} else if (!strcmp(tok, "console_pty")) {
			snprintf(info->console_pty, sizeof(info->console_pty),
				 "%s", val);
		} else if (parse_u64(val, &v) < 0) {
			continue;	/* a key we do not know, or junk */
		} else if (!strcmp(tok, "domid") && v <= UINT32_MAX) {
			info->domid = (unsigned int)v;
			seen |= DOMID;
		} else if (!strcmp(tok, "vcpus") && v <= UINT32_MAX) {
			info->vcpus = (unsigned int)v;
			seen |= VCPUS;
		} else if (!strcmp(tok, "memory_mib")) {
			info->memory_mib = v;
			seen |= MEM;
		} else if (!strcmp(tok, "uptime_s")) {
			info->uptime_s = v;
			seen |= UPTIME;
		} else if (!strcmp(tok, "pid") && v <= INT32_MAX) {
			info->pid = (long)v;
			seen |= PID;
		}
	}
	return seen == ALL ? 0 : -1;
}

int vmdir_info(const char *dir, const char *name, struct vmdir_info *info,
	       char *err, size_t errlen, int timeout_ms)
{
	char reply[VMDIR_REPLY_MAX];
	int fd, rc;

	fd = vmdir_connect(dir, name);
	if (fd < 0)
		return fd;
	rc = vmdir_request(fd, "info", reply, sizeof(reply), timeout_ms);
	close(fd);
	if (rc == 1)
		snprintf(err, errlen, "%s", reply);
	else if (rc == 0 && vmdir_parse_info(reply, info) < 0)
		rc = -EPROTO;
	return rc;
}

/* ---- Listing ----------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void vmdir_free_names(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int vmdir_names(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	int n = 0, cap = 0;

	*names = NULL;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *name;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".sock"))
			continue;
		name = strndup(e->d_name, len - 5);
		if (!name)
			goto fail;
		if (!vmdir_name_valid(name)) {
			free(name);
			continue;
		}
		if (n == cap) {
			char **nv = realloc(v, (size_t)(cap ? cap * 2 : 16) *
					    sizeof(*v));

			if (!nv) {
				free(name);
				goto fail;
			}
			v = nv;
			cap = cap ? cap * 2 : 16;
		}
		v[n++] = name;
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof(*v), cmp_names);
	*names = v;
	return n;
fail:
	closedir(d);
	vmdir_free_names(v, n);
	errno = ENOMEM;
	return -1;
}
