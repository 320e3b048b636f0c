// SPDX-License-Identifier: GPL-2.0
/*
 * hxenctl create, list, shutdown, reboot, destroy, pause and unpause:
 * each VM is one ioemu process, reached through its control socket in
 * the user's runtime directory (vmdir.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hxenctl.h"
#include "libhxen.h"
#include "vmconfig.h"
#include "vmdir.h"

/* Where the packages install ioemu (set by the Makefile). */
#ifndef HXEN_IOEMU_PATH
#define HXEN_IOEMU_PATH		"/usr/lib/hxen/ioemu"
#endif
#define DEFAULT_IOEMU		HXEN_IOEMU_PATH
#define START_TIMEOUT_S		30
#define REQUEST_TIMEOUT_MS	10000
#define LIST_TIMEOUT_MS		2000
#define SHUTDOWN_TIMEOUT_S	60
#define DESTROY_TIMEOUT_S	30
#define LOG_TAIL_LINES		10

/* ---- Shared pieces ----------------------------------------------------- */

int vm_runtime_dir(char *dir, size_t len)
{
	char err[VMDIR_PATH_MAX + 256];

	if (vmdir_open(dir, len, err, sizeof(err)) < 0) {
		fprintf(stderr, "hxenctl: %s\n", err);
		return HXEN_EXIT_ERROR;
	}
	return 0;
}

int vm_check_name(const char *name)
{
	if (vmdir_name_valid(name))
		return 0;
	fprintf(stderr,
		"hxenctl: '%s' is not a VM name (1 to 64 letters, digits, '_', '.' and '-', not starting with '.' or '-')\n",
		name);
	return HXEN_EXIT_USAGE;
}

static void no_such_vm(const char *name)
{
	fprintf(stderr,
		"hxenctl: no VM named '%s' (hxenctl list shows yours)\n",
		name);
}

int vm_connect(const char *dir, const char *name)
{
	int fd = vmdir_connect(dir, name);

	if (fd >= 0)
		return fd;
	if (fd == -ENOENT) {
		no_such_vm(name);
	} else if (fd == -EAGAIN) {
		fprintf(stderr,
			"hxenctl: the ioemu of '%s' is too busy to answer; try again\n",
			name);
	} else if (fd == -ENAMETOOLONG) {
		fprintf(stderr,
			"hxenctl: the control socket path %s/%s.sock is too long (limit %d bytes); set XDG_RUNTIME_DIR to a shorter directory\n",
			dir, name, VMDIR_SOCK_PATH_MAX);
	} else {
		fprintf(stderr,
			"hxenctl: cannot reach '%s' through %s/%s.sock: %s\n",
			name, dir, name, strerror(-fd));
	}
	return -HXEN_EXIT_ERROR;
}

/* Explain a failed vmdir_request(); returns HXEN_EXIT_ERROR. */
static int request_failed(const char *name, const char *what, int rc,
			  const char *msg)
{
	if (rc == 1)
		fprintf(stderr,
			"hxenctl: cannot %s '%s': %s\n", what, name, msg);
	else if (rc == -ECONNRESET)
		fprintf(stderr, "hxenctl: '%s' ended before it answered\n",
			name);
	else if (rc == -ETIMEDOUT)
		fprintf(stderr,
			"hxenctl: the ioemu of '%s' did not answer within %d s\n",
			name, REQUEST_TIMEOUT_MS / 1000);
	else if (rc == -EPROTO)
		fprintf(stderr,
			"hxenctl: the ioemu of '%s' sent a reply hxenctl does not understand\n",
			name);
	else
		fprintf(stderr, "hxenctl: cannot %s '%s': %s\n", what, name,
			strerror(-rc));
	return HXEN_EXIT_ERROR;
}

/*
 * Options: getopt_long() on the subcommand's arguments, with our own
 * messages.  @shortopts starts with ':'.  Returns the option, -1 at the
 * end, or '?' after an error message.
 */
static int next_opt(const char *cmd, int argc, char **argv,
		    const char *shortopts, const struct option *longopts)
{
	char opt[3] = { '-', 0, 0 };
	const char *arg;
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* An unknown short option is in optopt, anything else in argv. */
	opt[1] = (char)optopt;
	arg = c == '?' && optopt ? opt : argv[optind - 1];
	if (c == ':')
		fprintf(stderr,
			"hxenctl %s: option '%s' needs a value (see 'hxenctl %s --help')\n",
			cmd, arg, cmd);
	else
		fprintf(stderr,
			"hxenctl %s: unknown option '%s' (see 'hxenctl %s --help')\n",
			cmd, arg, cmd);
	return '?';
}

/* After the options: exactly one positional argument, or an error. */
static const char *one_arg(const char *cmd, const char *what, int argc,
			   char **argv)
{
	if (optind >= argc) {
		fprintf(stderr,
			"hxenctl %s: which %s? (see 'hxenctl %s --help')\n",
			cmd, what, cmd);
		return NULL;
	}
	if (optind + 1 < argc) {
		fprintf(stderr,
			"hxenctl %s: unexpected argument '%s' (see 'hxenctl %s --help')\n",
			cmd, argv[optind + 1], cmd);
		return NULL;
	}
	return argv[optind];
}

/* ---- create ------------------------------------------------------------ */

static const char create_usage[] =
	"Usage: hxenctl create [-c|--console] CONFIG\n"
	"\n"
	"Start the VM that CONFIG describes (xl.cfg syntax or libvirt domain\n"
	"XML, see hxen.cfg(5)) and return once it runs.  The VM's ioemu runs\n"
	"in the background; its messages and the guest's console go to\n"
	"NAME.log in the runtime directory.\n"
	"\n"
	"  -c, --console  then attach to its console, as 'hxenctl console' does\n";

/* Which ioemu to run: $HXEN_IOEMU, the one next to us, or the installed one. */
static int find_ioemu(char *buf, size_t len)
{
	const char *env = getenv("HXEN_IOEMU");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env) {
		if (access(env, X_OK) < 0) {
			fprintf(stderr,
				"hxenctl: HXEN_IOEMU is '%s', which cannot be run: %s\n",
				env, strerror(errno));
			return -1;
		}
		snprintf(buf, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			n = snprintf(buf, len, "%s/ioemu", self);
			if (n > 0 && (size_t)n < len && access(buf, X_OK) == 0)
				return 0;
		}
	}
	if (access(DEFAULT_IOEMU, X_OK) < 0) {
		fprintf(stderr,
			"hxenctl: cannot run %s (%s); install the hxen package, or set HXEN_IOEMU to an ioemu\n",
			DEFAULT_IOEMU, strerror(errno));
		return -1;
	}
	snprintf(buf, len, "%s", DEFAULT_IOEMU);
	return 0;
}

/* Keep the previous run's log as NAME.log.1; open a fresh one. */
static int open_log(const char *log)
{
	char old[VMDIR_PATH_MAX + 8];
	int fd;

	snprintf(old, sizeof(old), "%s.1", log);
	if (rename(log, old) < 0 && errno != ENOENT)
		fprintf(stderr, "hxenctl: cannot keep the old log as %s: %s\n",
			old, strerror(errno));
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC |
		  O_NOFOLLOW, 0600);
	if (fd < 0)
		fprintf(stderr, "hxenctl: cannot create the log %s: %s\n", log,
			strerror(errno));
	return fd;
}

/* Print the last lines of @log, indented, on stderr. */
static void print_log_tail(const char *log)
{
	char buf[8192];
	size_t len = 0, i, start;
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
	fputs("  ", stderr);
	for (i = start; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n')
			fputs("\n  ", stderr);
		else if (c == '\t' || (c >= ' ' && c != 0x7f))
			fputc(c, stderr);
		else if (c != '\r')
			fputc('?', stderr);
	}
	fputc('\n', stderr);
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

/* In the child: detach, redirect, exec; on failure report errno on @errfd. */
static void exec_ioemu(const char *ioemu, char **args, int logfd, int errfd)
{
	int null = open("/dev/null", O_RDONLY);
	int e;

	setsid();
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(logfd, STDOUT_FILENO) < 0 || dup2(logfd, STDERR_FILENO) < 0)
		goto fail;
	close_fds_from(3, errfd);
	signal(SIGPIPE, SIG_DFL);
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

/* Wait until @pid answers on its control socket; exit status. */
static int wait_started(const char *dir, const char *name, const char *log,
			pid_t pid)
{
	time_t deadline = time(NULL) + START_TIMEOUT_S;
	struct vmdir_info info;
	char err[256], how[96];
	int status, rc;

	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			describe_status(status, how, sizeof(how));
			fprintf(stderr,
				"hxenctl: the ioemu of '%s' %s before the VM ran; the end of %s:\n",
				name, how, log);
			print_log_tail(log);
			return HXEN_EXIT_ERROR;
		}
		rc = vmdir_info(dir, name, &info, err, sizeof(err), 1000);
		if (rc == 0 && info.pid == (long)pid) {
			printf("Started %s (domid %u, ioemu pid %ld)\n", name,
			       info.domid, info.pid);
			fflush(stdout);
			return HXEN_EXIT_OK;
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
	fprintf(stderr,
		"hxenctl: '%s' did not answer on its control socket within %d s, so it was stopped; the end of %s:\n",
		name, START_TIMEOUT_S, log);
	print_log_tail(log);
	return HXEN_EXIT_ERROR;
}

int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "console", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[VMDIR_PATH_MAX], sock[VMDIR_PATH_MAX], log[VMDIR_PATH_MAX];
	char ioemu[PATH_MAX], config[PATH_MAX], name[VMCONFIG_NAME_MAX + 1];
	char err[1024];
	struct vmconfig cfg;
	bool console = false;
	const char *path;
	int c, fd, logfd, errpipe[2], e, rc;
	pid_t pid;
	ssize_t n;

	while ((c = next_opt("create", argc, argv, ":ch", opts)) != -1) {
		switch (c) {
		case 'c':
			console = true;
			break;
		case 'h':
			fputs(create_usage, stdout);
			return HXEN_EXIT_OK;
		default:
			return HXEN_EXIT_USAGE;
		}
	}
	path = one_arg("create", "configuration file", argc, argv);
	if (!path)
		return HXEN_EXIT_USAGE;

	if (vmconfig_parse_file(path, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "hxenctl: %s\n", err);
		return HXEN_EXIT_USAGE;
	}
	rc = vmconfig_check_files(&cfg, err, sizeof(err));
	snprintf(name, sizeof(name), "%s", cfg.name);
	vmconfig_free(&cfg);
	if (rc < 0) {
		fprintf(stderr, "hxenctl: %s: %s\n", path, err);
		return HXEN_EXIT_ERROR;
	}
	if (!realpath(path, config)) {
		fprintf(stderr, "hxenctl: %s: %s\n", path, strerror(errno));
		return HXEN_EXIT_ERROR;
	}

	rc = vm_runtime_dir(dir, sizeof(dir));
	if (rc)
		return rc;
	if (vmdir_file(sock, sizeof(sock), dir, name, ".sock") < 0 ||
	    vmdir_file(log, sizeof(log), dir, name, ".log") < 0) {
		fprintf(stderr,
			"hxenctl: the control socket path %s/%s.sock is too long (limit %d bytes); set XDG_RUNTIME_DIR to a shorter directory\n",
			dir, name, VMDIR_SOCK_PATH_MAX);
		return HXEN_EXIT_ERROR;
	}
	fd = vmdir_connect(dir, name);
	if (fd >= 0 || fd == -EAGAIN) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr,
			"hxenctl: a VM named '%s' is already running (hxenctl list shows it; 'hxenctl shutdown %s' ends it)\n",
			name, name);
		return HXEN_EXIT_ERROR;
	}
	if (find_ioemu(ioemu, sizeof(ioemu)) < 0)
		return HXEN_EXIT_ERROR;

	logfd = open_log(log);
	if (logfd < 0)
		return HXEN_EXIT_ERROR;
	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		fprintf(stderr, "hxenctl: pipe: %s\n", strerror(errno));
		close(logfd);
		return HXEN_EXIT_ERROR;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "hxenctl: fork: %s\n", strerror(errno));
		close(logfd);
		close(errpipe[0]);
		close(errpipe[1]);
		return HXEN_EXIT_ERROR;
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
		fprintf(stderr, "hxenctl: cannot run %s: %s\n", ioemu,
			strerror(e));
		return HXEN_EXIT_ERROR;
	}

	rc = wait_started(dir, name, log, pid);
	if (rc || !console)
		return rc;
	return vm_console(dir, name);
}

/* ---- list -------------------------------------------------------------- */

static const char list_usage[] =
	"Usage: hxenctl list [--json]\n"
	"\n"
	"List your running VMs: name, domain id, state, virtual CPUs, memory\n"
	"(MiB) and how long they have run (hours:minutes:seconds).\n"
	"\n"
	"  --json  print a JSON array of objects instead (uptime_s in seconds)\n";

struct row {
	struct vmdir_info info;
	bool answered;
};

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const struct row *rows, int n)
{
	int i;

	printf("[");
	for (i = 0; i < n; i++) {
		const struct vmdir_info *v = &rows[i].info;

		printf("%s\n  {\"name\":", i ? "," : "");
		json_string(v->name);
		if (!rows[i].answered) {
			printf(",\"domid\":null,\"state\":\"unresponsive\""
			       ",\"vcpus\":null,\"memory_mib\":null"
			       ",\"uptime_s\":null,\"pid\":null"
			       ",\"console_pty\":null}");
			continue;
		}
		printf(",\"domid\":%u,\"state\":", v->domid);
		json_string(v->state);
		printf(",\"vcpus\":%u,\"memory_mib\":%llu,\"uptime_s\":%llu"
		       ",\"pid\":%ld,\"console_pty\":",
		       v->vcpus, (unsigned long long)v->memory_mib,
		       (unsigned long long)v->uptime_s, v->pid);
		if (v->console_pty[0])
			json_string(v->console_pty);
		else
			printf("null");
		printf("}");
	}
	printf("%s]\n", n ? "\n" : "");
}

static void print_table(const struct row *rows, int n)
{
	int i, w = 4;

	for (i = 0; i < n; i++)
		if ((int)strlen(rows[i].info.name) > w)
			w = (int)strlen(rows[i].info.name);
	printf("%-*s  %5s  %-13s  %5s  %8s  %s\n", w, "NAME", "ID", "STATE",
	       "VCPUS", "MEM(MiB)", "UPTIME");
	for (i = 0; i < n; i++) {
		const struct vmdir_info *v = &rows[i].info;
		unsigned long long t = v->uptime_s;

		if (!rows[i].answered) {
			printf("%-*s  %5s  %-13s  %5s  %8s  %s\n", w, v->name,
			       "-", "unresponsive", "-", "-", "-");
			continue;
		}
		printf("%-*s  %5u  %-13s  %5u  %8llu  %llu:%02llu:%02llu\n", w,
		       v->name, v->domid, v->state, v->vcpus,
		       (unsigned long long)v->memory_mib, t / 3600,
		       t / 60 % 60, t % 60);
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char dir[VMDIR_PATH_MAX], err[256];
	struct row *rows;
	char **names;
	bool json = false;
	int c, n, i, nr = 0, rc;

	while ((c = next_opt("list", argc, argv, ":h", opts)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(list_usage, stdout);
			return HXEN_EXIT_OK;
		default:
			return HXEN_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"hxenctl list: unexpected argument '%s' (see 'hxenctl list --help')\n",
			argv[optind]);
		return HXEN_EXIT_USAGE;
	}
	rc = vm_runtime_dir(dir, sizeof(dir));
	if (rc)
		return rc;
	n = vmdir_names(dir, &names);
	if (n < 0) {
		fprintf(stderr, "hxenctl: cannot read %s: %s\n", dir,
			strerror(errno));
		return HXEN_EXIT_ERROR;
	}
	rows = calloc((size_t)n + 1, sizeof(*rows));
	if (!rows) {
		vmdir_free_names(names, n);
		fprintf(stderr, "hxenctl: out of memory\n");
		return HXEN_EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		struct row *r = &rows[nr];

		rc = vmdir_info(dir, names[i], &r->info, err, sizeof(err),
				LIST_TIMEOUT_MS);
		/* Gone (or stale, and removed now) by the time we asked. */
		if (rc == -ENOENT || rc == -ECONNRESET)
			continue;
		r->answered = rc == 0;
		snprintf(r->info.name, sizeof(r->info.name), "%s", names[i]);
		nr++;
	}
	if (json)
		print_json(rows, nr);
	else
		print_table(rows, nr);
	free(rows);
	vmdir_free_names(names, n);
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "hxenctl: cannot write the list: %s\n",
			strerror(errno));
		return HXEN_EXIT_ERROR;
	}
	return HXEN_EXIT_OK;
}

/* ---- Commands on one VM ------------------------------------------------ */

/*
 * Parse "[OPTIONS] NAME" for @cmd; @timeout is NULL for commands without
 * --timeout.  Returns 0 with *name set, or an exit status (-1: --help was
 * printed).
 */
static int parse_vm_args(const char *cmd, const char *usage, int argc,
			 char **argv, const char **name, long *timeout)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "wait", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option plain[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = next_opt(cmd, argc, argv, timeout ? ":t:wh" : ":h",
			     timeout ? opts : plain)) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			*timeout = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || *timeout < 1 ||
			    *timeout > 86400) {
				fprintf(stderr,
					"hxenctl %s: --timeout wants whole seconds from 1 to 86400, not '%s'\n",
					cmd, optarg);
				return HXEN_EXIT_USAGE;
			}
			break;
		case 'w':
			break;	/* it always waits */
		case 'h':
			fputs(usage, stdout);
			return -1;
		default:
			return HXEN_EXIT_USAGE;
		}
	}
	*name = one_arg(cmd, "VM", argc, argv);
	if (!*name)
		return HXEN_EXIT_USAGE;
	return vm_check_name(*name);
}

/*
 * Send @request to VM @name and return the connection (for waiting on
 * it), or -(exit status) after explaining.  @what names the action in
 * messages ("pause").
 */
static int call_vm(const char *name, const char *request, const char *what)
{
	char dir[VMDIR_PATH_MAX], reply[VMDIR_REPLY_MAX];
	int fd, rc;

	rc = vm_runtime_dir(dir, sizeof(dir));
	if (rc)
		return -rc;
	fd = vm_connect(dir, name);
	if (fd < 0)
		return fd;
	rc = vmdir_request(fd, request, reply, sizeof(reply),
			   REQUEST_TIMEOUT_MS);
	if (rc) {
		close(fd);
		return -request_failed(name, what, rc, reply);
	}
	return fd;
}

static const char shutdown_usage[] =
	"Usage: hxenctl shutdown [-t|--timeout SECONDS] NAME\n"
	"\n"
	"Ask the guest of VM NAME to power off, and wait until the VM is gone.\n"
	"\n"
	"  -t, --timeout SECONDS  give up after SECONDS (default 60); then\n"
	"                         'hxenctl destroy NAME' ends it at once\n"
	"  -w, --wait             wait (the default; for xl compatibility)\n";

int cmd_shutdown(int argc, char **argv)
{
	long timeout = SHUTDOWN_TIMEOUT_S;
	const char *name;
	int fd, rc;

	rc = parse_vm_args("shutdown", shutdown_usage, argc, argv, &name,
			   &timeout);
	if (rc)
		return rc < 0 ? HXEN_EXIT_OK : rc;
	fd = call_vm(name, "shutdown poweroff", "shut down");
	if (fd < 0)
		return -fd;
	rc = vmdir_wait_closed(fd, (int)timeout * 1000);
	close(fd);
	if (rc == -ETIMEDOUT) {
		fprintf(stderr,
			"hxenctl: %s did not shut down within %ld s; 'hxenctl destroy %s' ends it at once\n",
			name, timeout, name);
		return HXEN_EXIT_ERROR;
	}
	if (rc) {
		fprintf(stderr, "hxenctl: waiting for %s to end: %s\n", name,
			strerror(-rc));
		return HXEN_EXIT_ERROR;
	}
	return HXEN_EXIT_OK;
}

static const char reboot_usage[] =
	"Usage: hxenctl reboot NAME\n"
	"\n"
	"Ask the guest of VM NAME to reboot; returns without waiting.\n";

int cmd_reboot(int argc, char **argv)
{
	const char *name;
	int fd, rc;

	rc = parse_vm_args("reboot", reboot_usage, argc, argv, &name, NULL);
	if (rc)
		return rc < 0 ? HXEN_EXIT_OK : rc;
	fd = call_vm(name, "shutdown reboot", "reboot");
	if (fd < 0)
		return -fd;
	close(fd);
	return HXEN_EXIT_OK;
}

static const char destroy_usage[] =
	"Usage: hxenctl destroy NAME\n"
	"\n"
	"End VM NAME at once, without asking its guest, and wait until it is\n"
	"gone.\n";

int cmd_destroy(int argc, char **argv)
{
	char dir[VMDIR_PATH_MAX], reply[VMDIR_REPLY_MAX];
	struct vmdir_info info;
	const char *name;
	int fd, rc;

	rc = parse_vm_args("destroy", destroy_usage, argc, argv, &name, NULL);
	if (rc)
		return rc < 0 ? HXEN_EXIT_OK : rc;
	rc = vm_runtime_dir(dir, sizeof(dir));
	if (rc)
		return rc;
	fd = vm_connect(dir, name);
	if (fd < 0)
		return -fd;
	/* Its pid, for the message if it does not go away. */
	rc = vmdir_request(fd, "info", reply, sizeof(reply),
			   REQUEST_TIMEOUT_MS);
	if (rc == 0 && vmdir_parse_info(reply, &info) < 0)
		rc = -EPROTO;
	if (!rc)
		rc = vmdir_request(fd, "destroy", reply, sizeof(reply),
				   REQUEST_TIMEOUT_MS);
	if (rc) {
		close(fd);
		return request_failed(name, "destroy", rc, reply);
	}
	rc = vmdir_wait_closed(fd, DESTROY_TIMEOUT_S * 1000);
	close(fd);
	if (rc) {
		fprintf(stderr,
			"hxenctl: %s did not end within %d s of 'destroy'; its ioemu (pid %ld) is stuck: 'kill -9 %ld' ends it\n",
			name, DESTROY_TIMEOUT_S, info.pid, info.pid);
		return HXEN_EXIT_ERROR;
	}
	return HXEN_EXIT_OK;
}

static const char pause_usage[] =
	"Usage: hxenctl pause NAME\n"
	"\n"
	"Stop the virtual CPUs of VM NAME until 'hxenctl unpause NAME'.\n";

static const char unpause_usage[] =
	"Usage: hxenctl unpause NAME\n"
	"\n"
	"Let the virtual CPUs of the paused VM NAME run again.\n";

static int pause_cmd(const char *cmd, const char *usage, int argc,
		     char **argv)
{
	const char *name;
	int fd, rc;

	rc = parse_vm_args(cmd, usage, argc, argv, &name, NULL);
	if (rc)
		return rc < 0 ? HXEN_EXIT_OK : rc;
	fd = call_vm(name, cmd, cmd);
	if (fd < 0)
		return -fd;
	close(fd);
	return HXEN_EXIT_OK;
}

int cmd_pause(int argc, char **argv)
{
	return pause_cmd("pause", pause_usage, argc, argv);
}

int cmd_unpause(int argc, char **argv)
{
	return pause_cmd("unpause", unpause_usage, argc, argv);
}
