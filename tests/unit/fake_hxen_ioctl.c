// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for the hxenctl tests: ioctls on the file named by
 * $HXEN_DEVICE are answered as hxen.ko would, shaped by FAKE_* variables,
 * so that every branch of the tools can be driven without the module.
 *   FAKE_ABI_MAJOR, FAKE_ABI_MINOR   version answered (default: ours)
 *   FAKE_VENDOR                      amd | intel (default amd)
 *   FAKE_HELD                        CPUs held by another hypervisor
 *   FAKE_CAPS_ERRNO                  errno for HXEN_GET_CAPS
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hxen.h>

static int env_int(const char *name, int dflt)
{
	const char *v = getenv(name);

	return v && *v ? atoi(v) : dflt;
}

static int is_fake_device(int fd)
{
	char link[64], target[PATH_MAX], want[PATH_MAX];
	const char *dev = getenv("HXEN_DEVICE");
	ssize_t n;

	if (!dev || !realpath(dev, want))
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return !strcmp(target, want);
}

static int fake_ioctl(unsigned long req, void *arg)
{
	if (req == HXEN_GET_VERSION) {
		struct hxen_version *v = arg;

		memset(v, 0, sizeof(*v));
		v->abi_major = (unsigned int)env_int("FAKE_ABI_MAJOR", HXEN_ABI_MAJOR);
		v->abi_minor = (unsigned int)env_int("FAKE_ABI_MINOR", HXEN_ABI_MINOR);
		snprintf(v->build, sizeof(v->build), "%s",
			 getenv("FAKE_BUILD") ? getenv("FAKE_BUILD") : "0.1.0");
		snprintf(v->kernel, sizeof(v->kernel), "6.1.0-test-amd64");
		return 0;
	}
	if (req == HXEN_GET_CAPS) {
		struct hxen_caps *c = arg;
		const char *vendor = getenv("FAKE_VENDOR");

		if (env_int("FAKE_CAPS_ERRNO", 0)) {
			errno = env_int("FAKE_CAPS_ERRNO", 0);
			return -1;
		}
		memset(c, 0, sizeof(*c));
		c->nr_cpus = 4;
		c->nr_cpus_held = (unsigned int)env_int("FAKE_HELD", 0);
		if (c->nr_cpus_held)
			c->features |= HXEN_CAP_HELD;
		if (vendor && !strcmp(vendor, "intel")) {
			c->vendor = HXEN_VENDOR_INTEL;
			c->features |= HXEN_CAP_VMX | HXEN_CAP_EPT |
				       HXEN_CAP_VPID | HXEN_CAP_UNRESTRICTED;
			c->nr_vpids = 0xffff;
		} else {
			c->vendor = HXEN_VENDOR_AMD;
			c->features |= HXEN_CAP_SVM | HXEN_CAP_NPT |
				       HXEN_CAP_VGIF | HXEN_CAP_NESTED;
			c->nr_asids = 16;
			c->svm_revision = 1;
		}
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real_ioctl)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (getenv("FAKE_HXEN") && is_fake_device(fd))
		return fake_ioctl(req, arg);
	if (!real_ioctl)
		real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real_ioctl(fd, req, arg);
}
