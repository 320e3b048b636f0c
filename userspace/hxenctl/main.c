// SPDX-License-Identifier: GPL-2.0
/* hxenctl: control hxen, the hosted Xen hypervisor. */
#include <stdio.h>
#include <string.h>

#include "hxenctl.h"
#include "libhxen.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "version", cmd_version, "show tool, module and ABI versions" },
	{ "caps", cmd_caps, "show what the CPUs offer hxen" },
	{ "doctor", cmd_doctor, "check the installation and say what to fix" },
	{ "create", cmd_create, "start a VM from a configuration file" },
	{ "list", cmd_list, "list your running VMs" },
	{ "console", cmd_console, "attach to a VM's console (Ctrl-] detaches)" },
	{ "shutdown", cmd_shutdown,
	  "ask a VM to power off and wait until it is gone" },
	{ "reboot", cmd_reboot, "ask a VM to reboot" },
	{ "destroy", cmd_destroy, "end a VM at once" },
	{ "pause", cmd_pause, "stop a VM's virtual CPUs" },
	{ "unpause", cmd_unpause, "let a paused VM run again" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: hxenctl [--help | --version] COMMAND [ARGS]\n"
		"\n"
		"Control hxen, the hosted Xen hypervisor, and your VMs.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out,
		"\n"
		"'hxenctl COMMAND --help' describes a command; see hxenctl(1).\n");
}

int no_args(const char *cmd, int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		size_t i;

		for (i = 0; i < NR_COMMANDS; i++)
			if (!strcmp(commands[i].name, cmd))
				printf("Usage: hxenctl %s\n\n%s.\n", cmd,
				       commands[i].summary);
		return -1;
	}
	if (argc > 1) {
		fprintf(stderr,
			"hxenctl %s: unexpected argument '%s' (see 'hxenctl %s --help')\n",
			cmd, argv[1], cmd);
		return HXEN_EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return HXEN_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return HXEN_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("hxenctl %s\n", HXEN_TOOLS_VERSION);
		return HXEN_EXIT_OK;
	}
	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);

	fprintf(stderr, "hxenctl: unknown command '%s' (see 'hxenctl --help')\n",
		argv[1]);
	return HXEN_EXIT_USAGE;
}
