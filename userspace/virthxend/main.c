// SPDX-License-Identifier: GPL-2.0
/*
 * virthxend: the hxen driver daemon for libvirt.  Unmodified libvirt
 * clients (virsh, virt-manager) reach it with hxen:// URIs: libvirt's
 * client library connects to this daemon's UNIX socket in "direct" mode
 * and starts it as "virthxend --timeout=120" when nothing listens there.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "autostart.h"
#include "dispatch.h"
#include "log.h"
#include "server.h"
#include "sockpath.h"

#ifndef HXEN_TOOLS_VERSION
#define HXEN_TOOLS_VERSION "0.0.0"
#endif

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: virthxend [--timeout=SECONDS] [--listen=PATH] [--verbose]\n"
		"       virthxend --help | --version\n"
		"\n"
		"Serve libvirt clients (virsh -c 'hxen:///session?mode=direct') for hxen.\n"
		"Runs in the foreground until SIGTERM.\n"
		"\n"
		"  -t, --timeout=SECONDS  exit after SECONDS without any client (0: never)\n"
		"  -l, --listen=PATH      listen on PATH instead of the default socket\n"
		"  -v, --verbose          log every connection and call on standard error\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"Default socket: $XDG_RUNTIME_DIR/libvirt/virthxend-sock (as root:\n"
		"/var/run/libvirt/virthxend-sock).  See virthxend(8).\n");
}

static int parse_timeout(const char *s, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT_MAX / 1000)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "listen", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vhd_config cfg = { .privileged = geteuid() == 0 };
	char path[PATH_MAX], why[512];
	unsigned int timeout = 0;
	const char *listen_path = NULL;
	int c, lock_fd, listen_fd, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "t:l:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_timeout(optarg, &timeout)) {
				fprintf(stderr,
					"virthxend: invalid --timeout '%s': want a number of seconds\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'l':
			listen_path = optarg;
			break;
		case 'v':
			log_verbose = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("virthxend %s\n", HXEN_TOOLS_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr,
				"virthxend: unknown or incomplete option '%s' (see 'virthxend --help')\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"virthxend: unexpected argument '%s' (see 'virthxend --help')\n",
			argv[optind]);
		return EXIT_USAGE;
	}

	if (listen_path) {
		if (!*listen_path ||
		    strlen(listen_path) >=
			    sizeof(((struct sockaddr_un *)0)->sun_path)) {
			fprintf(stderr,
				"virthxend: --listen '%s': empty or too long for a UNIX socket path\n",
				listen_path);
			return EXIT_USAGE;
		}
		snprintf(path, sizeof(path), "%s", listen_path);
	} else {
		if (sockpath_default(path, sizeof(path), why, sizeof(why)) ||
		    sockpath_make_dir(path, why, sizeof(why))) {
			log_msg("%s", why);
			return EXIT_FAIL;
		}
	}

	lock_fd = sockpath_claim(path, why, sizeof(why));
	if (lock_fd < 0) {
		log_msg("%s", why);
		return EXIT_FAIL;
	}
	listen_fd = sockpath_listen(path, why, sizeof(why));
	if (listen_fd < 0) {
		log_msg("%s", why);
		sockpath_release(path, lock_fd);
		return EXIT_FAIL;
	}
	log_debug("listening on %s", path);
	autostart_domains();

	rc = server_run(listen_fd, &cfg, timeout);
	if (rc)
		log_msg("main loop: %s", strerror(-rc));
	close(listen_fd);
	sockpath_release(path, lock_fd);
	return rc ? EXIT_FAIL : EXIT_OK;
}
