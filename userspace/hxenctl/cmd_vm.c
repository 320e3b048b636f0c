// SPDX-License-Identifier: GPL-2.0
/*
 * hxenctl create, list, shutdown, reboot, destroy, pause and unpause: the
 * command lines and what they print.  The VMs themselves are managed by
 * libhxen (vmctl.h), as virthxend manages them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hxenctl.h"
#include "libhxen.h"
#include "vmctl.h"

#define SHUTDOWN_TIMEOUT_S	60

/* ---- Shared pieces ----------------------------------------------------- */

/* Print vmctl's message; returns the exit status for @status. */
static int report(int status, const char *err)
{
	if (status == VMCTL_OK)
		return HXEN_EXIT_OK;
	fprintf(stderr, "hxenctl: %s\n", err);
	if (status == VMCTL_BAD_NAME || status == VMCTL_BAD_CONFIG)
		return HXEN_EXIT_USAGE;
	return HXEN_EXIT_ERROR;
}

int vm_runtime_dir(char *dir, size_t len)
{
	char err[VMCTL_ERR_MAX];

	return report(vmctl_runtime_dir(dir, len, err, sizeof(err)), err);
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

static void warn(const char *msg)
{
	fprintf(stderr, "hxenctl: %s\n", msg);
}

int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "console", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vmctl_start start = { .warn = warn };
	char dir[VMDIR_PATH_MAX], err[VMCTL_ERR_MAX];
	bool console = false;
	int c, rc;

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
	start.config_path = one_arg("create", "configuration file", argc,
				    argv);
	if (!start.config_path)
		return HXEN_EXIT_USAGE;

	rc = vmctl_start(&start, err, sizeof(err));
	if (rc != VMCTL_OK)
		return report(rc, err);
	printf("Started %s (domid %u, ioemu pid %ld)\n", start.name,
	       start.domid, start.pid);
	fflush(stdout);
	if (!console)
		return HXEN_EXIT_OK;
	rc = vm_runtime_dir(dir, sizeof(dir));
	if (rc)
		return rc;
	return vm_console(dir, start.name);
}

/* ---- list -------------------------------------------------------------- */

static const char list_usage[] =
	"Usage: hxenctl list [--json]\n"
	"\n"
	"List your running VMs: name, domain id, state, virtual CPUs, memory\n"
	"(MiB) and how long they have run (hours:minutes:seconds).\n"
	"\n"
	"  --json  print a JSON array of objects instead (uptime_s in seconds)\n";

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

static void print_json(const struct vmctl_vm *rows, int n)
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

static void print_table(const struct vmctl_vm *rows, int n)
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
	char err[VMCTL_ERR_MAX];
	struct vmctl_vm *vms;
	bool json = false;
	int c, n;

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
	n = vmctl_list(&vms, err, sizeof(err));
	if (n < 0)
		return report(VMCTL_FAILED, err);
	if (json)
		print_json(vms, n);
	else
		print_table(vms, n);
	free(vms);
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
	char err[VMCTL_ERR_MAX];
	const char *name;
	int rc;

	rc = parse_vm_args("shutdown", shutdown_usage, argc, argv, &name,
			   &timeout);
	if (rc)
		return rc < 0 ? HXEN_EXIT_OK : rc;
	return report(vmctl_shutdown(name, false, timeout, err, sizeof(err)),
		      err);
}

static const char reboot_usage[] =
	"Usage: hxenctl reboot NAME\n"
	"\n"
	"Ask the guest of VM NAME to reboot; returns without waiting.\n";

int cmd_reboot(int argc, char **argv)
{
	char err[VMCTL_ERR_MAX];
	const char *name;
	int rc;

	rc = parse_vm_args("reboot", reboot_usage, argc, argv, &name, NULL);
	if (rc)
		return rc < 0 ? HXEN_EXIT_OK : rc;
	return report(vmctl_shutdown(name, true, 0, err, sizeof(err)), err);
}

static const char destroy_usage[] =
	"Usage: hxenctl destroy NAME\n"
	"\n"
	"End VM NAME at once, without asking its guest, and wait until it is\n"
	"gone.\n";

int cmd_destroy(int argc, char **argv)
{
	char err[VMCTL_ERR_MAX];
	const char *name;
	int rc;

	rc = parse_vm_args("destroy", destroy_usage, argc, argv, &name, NULL);
	if (rc)
		return rc < 0 ? HXEN_EXIT_OK : rc;
	return report(vmctl_destroy(name, err, sizeof(err)), err);
}

static const char pause_usage[] =
	"Usage: hxenctl pause NAME\n"
	"\n"
	"Stop the virtual CPUs of VM NAME until 'hxenctl unpause NAME'.\n";

static const char unpause_usage[] =
	"Usage: hxenctl unpause NAME\n"
	"\n"
	"Let the virtual CPUs of the paused VM NAME run again.\n";

static int pause_cmd(const char *cmd, const char *usage, bool pause,
		     int argc, char **argv)
{
	char err[VMCTL_ERR_MAX];
	const char *name;
	int rc;

	rc = parse_vm_args(cmd, usage, argc, argv, &name, NULL);
	if (rc)
		return rc < 0 ? HXEN_EXIT_OK : rc;
	return report(vmctl_pause(name, pause, err, sizeof(err)), err);
}

int cmd_pause(int argc, char **argv)
{
	return pause_cmd("pause", pause_usage, true, argc, argv);
}

int cmd_unpause(int argc, char **argv)
{
	return pause_cmd("unpause", unpause_usage, false, argc, argv);
}
