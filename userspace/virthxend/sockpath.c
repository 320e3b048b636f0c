// SPDX-License-Identifier: GPL-2.0
/* The daemon's socket: its default path, its directory, claiming it. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockpath.h"

#define SOCK_NAME "virthxend-sock"
/* libvirt's LOCALSTATEDIR "/run" as Debian's client library spells it. */
#define SYSTEM_DIR "/var/run/libvirt"

#define WHY(...) snprintf(why, whylen, __VA_ARGS__)

static const char *nonempty_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int sockpath_default(char *buf, size_t len, char *why, size_t whylen)
{
	const char *base, *sub = "";
	int n;

	if (geteuid() == 0) {
		n = snprintf(buf, len, "%s/%s", SYSTEM_DIR, SOCK_NAME);
		goto out;
	}
	/*
	 * libvirt's user runtime directory is GLib's: XDG_RUNTIME_DIR, else
	 * the user cache directory (XDG_CACHE_HOME, else ~/.cache).
	 */
	base = nonempty_env("XDG_RUNTIME_DIR");
	if (!base)
		base = nonempty_env("XDG_CACHE_HOME");
	if (!base) {
		const struct passwd *pw;

		base = nonempty_env("HOME");
		if (!base) {
			pw = getpwuid(geteuid());
			base = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir
							      : NULL;
		}
		if (!base) {
			WHY("no XDG_RUNTIME_DIR and no home directory; use --listen PATH");
			return -ENOENT;
		}
		sub = "/.cache";
	}
	n = snprintf(buf, len, "%s%s/libvirt/%s", base, sub, SOCK_NAME);
out:
	if (n < 0 || (size_t)n >= len ||
	    (size_t)n >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		WHY("the socket path under %s is too long for a UNIX socket",
		    geteuid() ? "the runtime directory" : SYSTEM_DIR);
		return -ENAMETOOLONG;
	}
	return 0;
}

int sockpath_make_dir(const char *path, char *why, size_t whylen)
{
	char dir[4096];
	char *p, *last;
	mode_t mode;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		WHY("%s: path too long", path);
		return -ENAMETOOLONG;
	}
	last = strrchr(dir, '/');
	if (!last || last == dir)
		return 0;	/* in the current directory or in / */
	*last = '\0';
	mode = strcmp(dir, SYSTEM_DIR) ? 0700 : 0755;

	/* Each missing component in turn: mkdir -p. */
	for (p = dir + 1;; p++) {
		bool end = *p == '\0';

		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(dir, end ? mode : 0700) && errno != EEXIST) {
			int e = errno;

			WHY("cannot create %s: %s", dir, strerror(e));
			return -e;
		}
		if (end)
			break;
		*p = '/';
	}
	return 0;
}

/* Whether something accepts connections on the UNIX socket @path. */
static int probe_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	close(fd);
	return rc;
}

/* Take the pid-file lock beside @path; the fd or -errno with @why. */
static int lock_pidfile(const char *path, char *why, size_t whylen)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char pidfile[4096 + 8], pid[32];
	ssize_t n;
	int fd, e;

	snprintf(pidfile, sizeof(pidfile), "%s.pid", path);
	fd = open(pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		e = errno;
		WHY("cannot open %s: %s", pidfile, strerror(e));
		return -e;
	}
	if (fcntl(fd, F_SETLK, &fl)) {
		e = errno;
		if (e == EAGAIN || e == EACCES) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			WHY("another virthxend (pid %s) already serves %s",
			    *pid ? pid : "unknown", path);
			close(fd);
			return -EADDRINUSE;
		}
		WHY("cannot lock %s: %s", pidfile, strerror(e));
		close(fd);
		return -e;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)n, 0) != n) {
		e = errno;
		WHY("cannot write %s: %s", pidfile, strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

int sockpath_claim(const char *path, char *why, size_t whylen)
{
	struct stat st;
	int fd, rc;

	fd = lock_pidfile(path, why, whylen);
	if (fd < 0)
		return fd;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return fd;
		rc = -errno;
		WHY("cannot inspect %s: %s", path, strerror(-rc));
		goto fail;
	}
	if (!S_ISSOCK(st.st_mode)) {
		WHY("%s exists and is not a socket; not replacing it", path);
		rc = -EEXIST;
		goto fail;
	}
	rc = probe_socket(path);
	if (!rc) {
		WHY("something already answers on %s", path);
		rc = -EADDRINUSE;
		goto fail;
	}
	if (rc != -ECONNREFUSED) {
		WHY("cannot probe %s: %s", path, strerror(-rc));
		goto fail;
	}
	/* Nobody listens: left behind by a daemon that died. */
	if (unlink(path) && errno != ENOENT) {
		rc = -errno;
		WHY("cannot remove the stale socket %s: %s", path,
		    strerror(-rc));
		goto fail;
	}
	return fd;
fail:
	{
		char pidfile[4096 + 8];

		snprintf(pidfile, sizeof(pidfile), "%s.pid", path);
		unlink(pidfile);
	}
	close(fd);
	return rc;
}

int sockpath_listen(const char *path, char *why, size_t whylen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		WHY("%s: too long for a UNIX socket path", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		WHY("cannot create a socket: %s", strerror(e));
		return -e;
	}
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		e = errno;
		umask(old);
		WHY("cannot bind %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	umask(old);
	if (listen(fd, 16)) {
		e = errno;
		WHY("cannot listen on %s: %s", path, strerror(e));
		unlink(path);
		close(fd);
		return -e;
	}
	return fd;
}

void sockpath_release(const char *path, int lock_fd)
{
	char pidfile[4096 + 8];

	unlink(path);
	snprintf(pidfile, sizeof(pidfile), "%s.pid", path);
	unlink(pidfile);
	if (lock_fd >= 0)
		close(lock_fd);
}
