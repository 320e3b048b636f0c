// SPDX-License-Identifier: GPL-2.0
/*
 * A tap device as a link (see net_link.h): /dev/net/tun attached to the
 * tap the vif names, IFF_TAP | IFF_NO_PI, so each read() is one frame
 * for the guest and each write() one frame from it.  Without
 * IFF_VNET_HDR the kernel hands over frames with their checksums done
 * and no longer than the tap's MTU.  Attaching needs CAP_NET_ADMIN or a
 * tap created for the user ('ip tuntap add NAME mode tap user USER');
 * bringing it up and bridging it is the administrator's business.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ioemu.h"
#include "net_link.h"

#define TUN_DEVICE	"/dev/net/tun"
/* Frames read in one go before the thread polls again. */
#define TAP_READ_BATCH	64

struct net_tap {
	struct net_link link;
	char ifname[IFNAMSIZ];
	int fd;
	int efd;			/* stop */
	pthread_t thread;
	bool started;
	bool down;			/* writes failed with EIO (logged) */
	uint8_t *buf;			/* the link's thread's */
};

_Static_assert(offsetof(struct net_tap, link) == 0,
	       "struct net_tap starts with its struct net_link");

static struct net_tap *to_tap(struct net_link *l)
{
	return (struct net_tap *)l;
}

static int tap_send(struct net_link *l, const void *frame, size_t len)
{
	struct net_tap *t = to_tap(l);
	ssize_t n;
	bool was_down;

	do
		n = write(t->fd, frame, len);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len) {
		__atomic_store_n(&t->down, false, __ATOMIC_RELAXED);
		net_link_count_tx(l, len);
		return 0;
	}
	net_link_count_dropped(l);
	if (n >= 0)
		return -EIO;
	switch (errno) {
	case EAGAIN:
	case ENOBUFS:
	case ENOMEM:
		return -ENOBUFS;
	case EIO:
		/* The tap is down: no carrier, as it were. */
		was_down = __atomic_exchange_n(&t->down, true,
					       __ATOMIC_RELAXED);
		if (!was_down)
			ioemu_log("vif %u: tap '%s' is down; frames from the guest are dropped until it is up",
				  l->index, t->ifname);
		return -ENETDOWN;
	case EINVAL:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static void *tap_thread(void *arg)
{
	struct net_tap *t = arg;
	struct pollfd pfd[2] = {
		{ .fd = t->efd, .events = POLLIN },
		{ .fd = t->fd, .events = POLLIN },
	};
	ssize_t n;
	int i;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ioemu_log("vif %u: poll: %s", t->link.index,
				  strerror(errno));
			break;
		}
		if (pfd[0].revents)
			break;
		if (!pfd[1].revents)
			continue;
		for (i = 0; i < TAP_READ_BATCH; i++) {
			n = read(t->fd, t->buf, NET_LINK_MAX_FRAME);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN) {
				if (i || !(pfd[1].revents &
					   (POLLERR | POLLNVAL)))
					break;
				errno = EIO;	/* polls as failed */
			}
			if (n < 0) {
				/* Gone (deleted?): wait only for the stop. */
				ioemu_log("vif %u: tap '%s': %s; no more frames for the guest",
					  t->link.index, t->ifname,
					  strerror(errno));
				pfd[1].fd = -1;
				break;
			}
			if (n >= 14)
				net_link_deliver(&t->link, t->buf, (size_t)n);
		}
	}
	return NULL;
}

static void tap_free(struct net_link *l)
{
	struct net_tap *t = to_tap(l);

	if (t->started) {
		net_link_kick(t->efd);
		pthread_join(t->thread, NULL);
	}
	if (t->fd >= 0)
		close(t->fd);
	if (t->efd >= 0)
		close(t->efd);
	free(t->buf);
	free(t);
}

static const struct net_link_ops tap_ops = {
	.send = tap_send,
	.free = tap_free,
};

/* What to do about TUNSETIFF's @err, for the message. */
static void tap_hint(const char *ifname, int err, char *hint, size_t len)
{
	char name[64], pwbuf[1024];
	struct passwd pw, *p = NULL;

	switch (err) {
	case EPERM:
	case EACCES:
		if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &p) ||
		    !p)
			snprintf(name, sizeof(name), "%u",
				 (unsigned int)geteuid());
		else
			snprintf(name, sizeof(name), "%s", p->pw_name);
		snprintf(hint, len,
			 " (create it with 'ip tuntap add %s mode tap user %s')",
			 ifname, name);
		break;
	case EBUSY:
		snprintf(hint, len, " (is another VM or program using it?)");
		break;
	case EINVAL:
		snprintf(hint, len, " (is it a tun device rather than a tap?)");
		break;
	default:
		hint[0] = '\0';
	}
}

struct net_link *net_tap_new(const struct vif_spec *spec, unsigned int index,
			     net_link_rx_fn rx, void *opaque,
			     char *err, size_t errlen)
{
	struct net_tap *t = calloc(1, sizeof(*t));
	size_t namelen = strnlen(spec->ifname, sizeof(spec->ifname));
	struct ifreq ifr;
	char hint[160];
	int e;

	if (!t) {
		snprintf(err, errlen, "vif %u: out of memory", index);
		return NULL;
	}
	net_link_init(&t->link, &tap_ops, index, rx, opaque);
	t->fd = t->efd = -1;
	if (!namelen || namelen >= IFNAMSIZ) {
		snprintf(err, errlen, "vif %u: tap: no valid device name",
			 index);
		goto fail;
	}
	memcpy(t->ifname, spec->ifname, namelen);
	t->buf = malloc(NET_LINK_MAX_FRAME);
	t->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!t->buf || t->efd < 0) {
		snprintf(err, errlen, "vif %u: %s", index,
			 t->buf ? strerror(errno) : "out of memory");
		goto fail;
	}
	t->fd = open(TUN_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		e = errno;
		snprintf(err, errlen, "vif %u: tap '%s': cannot open %s: %s%s",
			 index, t->ifname, TUN_DEVICE, strerror(e),
			 e == ENOENT || e == ENODEV ?
			 " (load the tun module: 'modprobe tun')" : "");
		goto fail;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, t->ifname, namelen);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		tap_hint(t->ifname, e, hint, sizeof(hint));
		snprintf(err, errlen, "vif %u: tap '%s': %s%s", index,
			 t->ifname, strerror(e), hint);
		goto fail;
	}
	e = net_link_start_thread(&t->thread, tap_thread, t);
	if (e) {
		snprintf(err, errlen, "vif %u: cannot start a thread: %s",
			 index, strerror(e));
		goto fail;
	}
	t->started = true;
	return &t->link;
fail:
	tap_free(&t->link);
	return NULL;
}
