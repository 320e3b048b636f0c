// SPDX-License-Identifier: GPL-2.0
/* Opening /dev/hxen, with a diagnosis for every way it can fail. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libhxen.h"

int hxen_get_version(int fd, struct hxen_version *v)
{
	memset(v, 0, sizeof(*v));
	if (ioctl(fd, HXEN_GET_VERSION, v) < 0)
		return -errno;
	v->build[sizeof(v->build) - 1] = '\0';
	v->kernel[sizeof(v->kernel) - 1] = '\0';
	return 0;
}

int hxen_get_caps(int fd, struct hxen_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	return ioctl(fd, HXEN_GET_CAPS, caps) < 0 ? -errno : 0;
}

const char *hxen_vendor_name(unsigned int vendor)
{
	switch (vendor) {
	case HXEN_VENDOR_AMD:
		return "AMD";
	case HXEN_VENDOR_INTEL:
		return "Intel";
	case HXEN_VENDOR_HYGON:
		return "Hygon";
	default:
		return "unknown";
	}
}

static int explain_missing(const char *prog, const char *dev)
{
	char p[256];
	struct stat st;

	if (stat(hxen_host_path(p, sizeof(p), "/sys/module/hxen"), &st) == 0) {
		fprintf(stderr,
			"%s: the hxen module is loaded but %s is missing: check that udev is running ('ls -l /sys/class/misc/hxen')\n",
			prog, dev);
		return -HXEN_EXIT_NOT_LOADED;
	}
	fprintf(stderr,
		"%s: the hxen module is not loaded (%s is missing): run 'sudo modprobe hxen'; 'hxenctl doctor' explains why it does not load\n",
		prog, dev);
	return -HXEN_EXIT_NOT_LOADED;
}

static int explain_denied(const char *prog, const char *dev)
{
	struct hxen_group_state g;
	struct passwd *pw = getpwuid(getuid());
	const char *user = pw ? pw->pw_name : "$USER";
	struct stat st;

	hxen_group_state(&g);
	if (!g.exists) {
		fprintf(stderr,
			"%s: permission denied on %s and group hxen does not exist: install the hxen package, which creates it\n",
			prog, dev);
	} else if (g.in_session) {
		struct group *gr = NULL;

		if (stat(dev, &st) == 0)
			gr = getgrgid(st.st_gid);
		fprintf(stderr,
			"%s: permission denied on %s although you are in group hxen: it is group %s, mode %04o (want hxen, 0660); check /usr/lib/udev/rules.d/99-hxen.rules, then run 'sudo udevadm trigger --sysname-match=hxen'\n",
			prog, dev, gr ? gr->gr_name : "?",
			(unsigned int)(st.st_mode & 07777));
	} else if (g.in_database) {
		fprintf(stderr,
			"%s: permission denied on %s: you were added to group hxen after this session started; log out and back in (or run 'newgrp hxen')\n",
			prog, dev);
	} else {
		fprintf(stderr,
			"%s: permission denied on %s: you are not in group hxen; ask an administrator to run 'sudo usermod -aG hxen %s', then log out and back in\n",
			prog, dev, user);
	}
	return -HXEN_EXIT_PERMISSION;
}

int hxen_open_checked(const char *prog, struct hxen_version *version)
{
	const char *dev = hxen_device_path();
	int fd, err;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT || err == ENXIO || err == ENODEV)
			return explain_missing(prog, dev);
		if (err == EACCES || err == EPERM)
			return explain_denied(prog, dev);
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, dev,
			strerror(err));
		return -HXEN_EXIT_ERROR;
	}

	err = hxen_get_version(fd, version);
	if (err == -ENOTTY || err == -EINVAL) {
		fprintf(stderr,
			"%s: %s is not an hxen device (it does not answer HXEN_GET_VERSION)\n",
			prog, dev);
		close(fd);
		return -HXEN_EXIT_ABI;
	}
	if (err) {
		fprintf(stderr, "%s: HXEN_GET_VERSION on %s: %s\n", prog, dev,
			strerror(-err));
		close(fd);
		return -HXEN_EXIT_ERROR;
	}
	if (version->abi_major != HXEN_ABI_MAJOR) {
		fprintf(stderr,
			"%s: ABI mismatch: hxenctl %s speaks ABI %d.x but the loaded module %s speaks ABI %u.%u; install the same version of hxen and hxen-dkms, then reload the module ('sudo modprobe -r hxen && sudo modprobe hxen')\n",
			prog, HXEN_TOOLS_VERSION, HXEN_ABI_MAJOR,
			version->build, version->abi_major,
			version->abi_minor);
		close(fd);
		return -HXEN_EXIT_ABI;
	}
	return fd;
}
