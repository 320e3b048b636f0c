/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libhxen: access to /dev/hxen for the hxen tools.
 */
#ifndef LIBHXEN_H
#define LIBHXEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <hxen.h>

/* Exit statuses shared by the tools (documented in hxenctl(1)). */
enum hxen_exit {
	HXEN_EXIT_OK = 0,
	HXEN_EXIT_ERROR = 1,
	HXEN_EXIT_USAGE = 2,
	HXEN_EXIT_NOT_LOADED = 3,
	HXEN_EXIT_PERMISSION = 4,
	HXEN_EXIT_ABI = 5,
};

/* The device path: $HXEN_DEVICE, or /dev/hxen. */
const char *hxen_device_path(void);

/*
 * A path on the host, below $HXEN_SYSROOT when that is set (for tests):
 * writes into @buf and returns it.
 */
const char *hxen_host_path(char *buf, size_t len, const char *path);

/* How the calling process relates to group hxen. */
struct hxen_group_state {
	bool exists;		/* the group is defined */
	gid_t gid;
	bool in_session;	/* in this process's credentials */
	bool in_database;	/* listed for this user in the group database */
};

void hxen_group_state(struct hxen_group_state *st);

/*
 * Open the device and check that it speaks our ABI.  On failure prints a
 * one-line diagnosis (what is wrong and what to do) prefixed with @prog
 * and returns -(enum hxen_exit).
 */
int hxen_open_checked(const char *prog, struct hxen_version *version);

int hxen_get_version(int fd, struct hxen_version *v);
int hxen_get_caps(int fd, struct hxen_caps *caps);

const char *hxen_vendor_name(unsigned int vendor);

/*
 * Write all of @buf to @fd, retrying after EINTR and short writes:
 * 0, or -1 (errno set; a non-blocking fd that is full gives EAGAIN).
 */
int hxen_write_all(int fd, const void *buf, size_t len);

#endif /* LIBHXEN_H */
