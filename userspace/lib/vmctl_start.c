// SPDX-License-Identifier: GPL-2.0
/*
 * Starting a VM: check its configuration, run its ioemu detached with
 * its log, and wait until the ioemu answers on its control socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errmsg.h"
#include "vmctl.h"
#include "vmctl_live.h"

/* Where the packages install ioemu (set by the Makefile). */
#ifndef HXEN_IOEMU_PATH
#define HXEN_IOEMU_PATH		"/usr/lib/hxen/ioemu"
#endif
#define LOG_TAIL_LINES		10
#define LOG_TAIL_BYTES		8192

/* Which ioemu to run: $HXEN_IOEMU, the one next to us, or the installed one. */
static int find_ioemu(char *buf, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("HXEN_IOEMU");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env) {
		if (access(env, X_OK) < 0)
			return errmsg_set(err, errlen, VMCTL_FAILED,
					  "HXEN_IOEMU is '%s', which cannot be run: %s",
					  env, strerror(errno));
		snprintf(buf, len, "%s", env);
		return VMCTL_OK;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			n = snprintf(buf, len, "%s/ioemu", self);
			if (n > 0 && (size_t)n < len && access(buf, X_OK) == 0)
				return VMCTL_OK;
		}
	}
	if (access(HXEN_IOEMU_PATH, X_OK) < 0)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "cannot run %s (%s); install the hxen package, or set HXEN_IOEMU to an ioemu",
				  HXEN_IOEMU_PATH, strerror(errno));
	snprintf(buf, len, "%s", HXEN_IOEMU_PATH);
	return VMCTL_OK;
}

/* Keep the previous run's log as NAME.log.1; open a fresh one. */
static int open_log(const struct vmctl_start *s, const char *log, char *err,
		    size_t errlen)
{
	char old[VMDIR_PATH_MAX + 8], msg[2 * VMDIR_PATH_MAX];
	int fd;

	snprintf(old, sizeof(old), "%s.1", log);
	if (rename(log, old) < 0 && errno != ENOENT && s->warn) {
		snprintf(msg, sizeof(msg), "cannot keep the old log as %s: %s",
			 old, strerror(errno));
		s->warn(msg);
	}
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC |
		  O_NOFOLLOW, 0600);
	if (fd < 0)
		errmsg_set(err, errlen, VMCTL_FAILED,
			   "cannot create the log %s: %s", log, strerror(errno));
	return fd;
}

/*
 * Append to @err the last lines of @log, each on a line of its own and
 * indented by two spaces; control characters become '?'.
 */
static void append_log_tail(char *err, size_t errlen, const char *log)
{
	char buf[LOG_TAIL_BYTES];
	size_t len = 0, i, start, at = strlen(err);
	int fd = open(log, O_RDONLY | O_CLOEXEC);
	int lines = 0;
	off_t size;

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	if (size > (off_t)sizeof(buf))
		lseek(fd, size - (off_t)sizeof(buf), SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	while (len && buf[len - 1] == '\n')
		len--;
	start = len;
	while (start > 0 && lines < LOG_TAIL_LINES) {
		start--;
		if (buf[start] == '\n' && ++lines == LOG_TAIL_LINES) {
			start++;
			break;
		}
	}

#define PUT(str)							\
	do {								\
		size_t n_ = strlen(str);				\
		if (at + n_ >= errlen)					\
			return;						\
		memcpy(err + at, str, n_ + 1);				\
		at += n_;						\
	} while (0)

	PUT("\n  ");
	for (i = start; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		char one[2] = { (char)c, '\0' };

		if (c == '\n')
			PUT("\n  ");
		else if (c == '\t' || (c >= ' ' && c != 0x7f))
			PUT(one);
		else if (c != '\r')
			PUT("?");
	}
#undef PUT
}

static void close_fds_from(int lowest, int keep)
{
	long fd, max = sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = lowest; fd < max; fd++)
		if (fd != keep)
			close((int)fd);
}

/*
 * In the child: detach, redirect, exec with the signal mask and SIGPIPE
 * as a fresh process has them; on failure report errno on @errfd.
 */
static void exec_ioemu(const char *ioemu, char **args, int logfd, int errfd)
{
	int null = open("/dev/null", O_RDONLY);
	sigset_t none;
	int e;

	setsid();
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(logfd, STDOUT_FILENO) < 0 || dup2(logfd, STDERR_FILENO) < 0)
		goto fail;
	close_fds_from(3, errfd);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(ioemu, args);
fail:
	e = errno;
	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "ended (status %#x)", status);
}

/* Wait until @pid answers on its control socket. */
static int wait_started(struct vmctl_start *s, const char *dir,
			const char *log, pid_t pid, char *err, size_t errlen)
{
	time_t deadline = time(NULL) + VMCTL_START_TIMEOUT_S;
	struct vmdir_info info;
	char why[256], how[96];
	int status, rc;

	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			describe_status(status, how, sizeof(how));
			errmsg_set(err, errlen, VMCTL_FAILED,
				   "the ioemu of '%s' %s before the VM ran; the end of %s:",
				   s->name, how, log);
			append_log_tail(err, errlen, log);
			return VMCTL_FAILED;
		}
		rc = vmdir_info(dir, s->name, &info, why, sizeof(why), 1000);
		if (rc == 0 && info.pid == (long)pid) {
			s->domid = info.domid;
			s->pid = info.pid;
			return VMCTL_OK;
		}
		if (time(NULL) >= deadline)
			break;
		sleep_ms(50);
	}
	kill(pid, SIGTERM);
	sleep_ms(1000);
	if (waitpid(pid, &status, WNOHANG) != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	errmsg_set(err, errlen, VMCTL_FAILED,
		   "'%s' did not answer on its control socket within %d s, so it was stopped; the end of %s:",
		   s->name, VMCTL_START_TIMEOUT_S, log);
	append_log_tail(err, errlen, log);
	return VMCTL_FAILED;
}

/* Run @ioemu for the VM and wait until it answers. */
static int spawn(struct vmctl_start *s, const char *dir, char *ioemu,
		 char *config, char *err, size_t errlen)
{
	char sock[VMDIR_PATH_MAX], log[VMDIR_PATH_MAX];
	int logfd, errpipe[2], e;
	pid_t pid;
	ssize_t n;

	vmdir_file(sock, sizeof(sock), dir, s->name, ".sock");
	vmdir_file(log, sizeof(log), dir, s->name, ".log");
	logfd = open_log(s, log, err, errlen);
	if (logfd < 0)
		return VMCTL_FAILED;
	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		close(logfd);
		return errmsg_set(err, errlen, VMCTL_FAILED, "pipe: %s",
				  strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(logfd);
		close(errpipe[0]);
		close(errpipe[1]);
		return errmsg_set(err, errlen, VMCTL_FAILED, "fork: %s",
				  strerror(e));
	}
	if (pid == 0) {
		char *args[] = { ioemu, "--daemon", "--control", sock,
				 "--console-log", log, config, NULL };

		close(errpipe[0]);
		exec_ioemu(ioemu, args, logfd, errpipe[1]);
	}
	close(logfd);
	close(errpipe[1]);
	do
		n = read(errpipe[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errpipe[0]);
	if (n == (ssize_t)sizeof(e)) {
		waitpid(pid, NULL, 0);
		return errmsg_set(err, errlen, VMCTL_FAILED, "cannot run %s: %s",
				  ioemu, strerror(e));
	}
	return wait_started(s, dir, log, pid, err, errlen);
}

/* Parse what @s gives into @cfg; the absolute path of a file in @path. */
static int read_config(struct vmctl_start *s, struct vmconfig *cfg,
		       char *path, char *err, size_t errlen)
{
	char why[1024];
	int rc;

	if (!s->config_path == !s->config_xml)
		return errmsg_set(err, errlen, VMCTL_BAD_CONFIG,
				  "give a configuration file or domain XML");
	if (s->config_path)
		rc = vmconfig_parse_file(s->config_path, cfg, why,
					 sizeof(why));
	else
		rc = vmconfig_parse_string(s->config_xml, "domain XML", NULL,
					   cfg, why, sizeof(why));
	if (rc < 0)
		return errmsg_set(err, errlen, VMCTL_BAD_CONFIG, "%s", why);
	snprintf(s->name, sizeof(s->name), "%s", cfg->name);
	if (vmconfig_check_files(cfg, why, sizeof(why)) < 0)
		return errmsg_set(err, errlen, VMCTL_FAILED, "%s: %s",
				  s->config_path ? s->config_path : s->name, why);
	if (s->config_path && !realpath(s->config_path, path))
		return errmsg_set(err, errlen, VMCTL_FAILED, "%s: %s",
				  s->config_path, strerror(errno));
	return VMCTL_OK;
}

/* The VM must not run already, and its socket path must fit. */
static int check_free(const char *dir, const char *name, char *err,
		      size_t errlen)
{
	char sock[VMDIR_PATH_MAX];
	int fd;

	if (vmdir_file(sock, sizeof(sock), dir, name, ".sock") < 0)
		return errmsg_set(err, errlen, VMCTL_FAILED,
				  "the control socket path %s/%s.sock is too long (limit %d bytes); set XDG_RUNTIME_DIR to a shorter directory",
				  dir, name, VMDIR_SOCK_PATH_MAX);
	fd = vmdir_connect(dir, name);
	if (fd >= 0 || fd == -EAGAIN) {
		if (fd >= 0)
			close(fd);
		return errmsg_set(err, errlen, VMCTL_RUNNING,
				  "a VM named '%s' is already running (hxenctl list shows it; 'hxenctl shutdown %s' ends it)",
				  name, name);
	}
	return VMCTL_OK;
}

int vmctl_start(struct vmctl_start *s, char *err, size_t errlen)
{
	char dir[VMDIR_PATH_MAX], ioemu[PATH_MAX], config[PATH_MAX];
	struct vmconfig cfg = { 0 };
	int rc;

	s->name[0] = '\0';
	s->domid = 0;
	s->pid = 0;
	rc = read_config(s, &cfg, config, err, errlen);
	if (rc == VMCTL_OK)
		rc = vmctl_runtime_dir(dir, sizeof(dir), err, errlen);
	if (rc == VMCTL_OK)
		rc = check_free(dir, s->name, err, errlen);
	if (rc == VMCTL_OK)
		rc = find_ioemu(ioemu, sizeof(ioemu), err, errlen);
	if (rc == VMCTL_OK) {
		/* A file for ioemu when given text, else a description. */
		if (s->config_xml)
			rc = vmctl_live_write(dir, &cfg, config, sizeof(config),
					      err, errlen);
		else
			vmctl_live_record(dir, &cfg);
	}
	vmconfig_free(&cfg);
	if (rc != VMCTL_OK)
		return rc;
	return spawn(s, dir, ioemu, config, err, errlen);
}
