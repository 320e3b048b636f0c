// SPDX-License-Identifier: GPL-2.0
/*
 * User-mode networking (see net_link.h) through libslirp, which is not
 * thread-safe: every slirp_*() call after the link is set up happens on
 * the link's thread.  net_link_send() copies the guest's frame into a
 * bounded queue and wakes the thread through an eventfd; the thread
 * feeds the queue to slirp_input(), polls slirp's sockets, runs its
 * timers, and hands slirp's frames for the guest to rx.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "ioemu.h"
#include "net_link.h"

/* The guest's network, as QEMU's default. */
#define USER_NET	"10.0.2.0"
#define USER_MASK	"255.255.255.0"
#define USER_HOST	"10.0.2.2"
#define USER_DNS	"10.0.2.3"
#define USER_DHCP_START	"10.0.2.15"
#define USER_MTU	1500

/* Messages about the guest's packets, before going quiet. */
#define USER_GUEST_ERRORS	20
/* Timer callbacks one pass runs at most (one may rearm itself at once). */
#define USER_TIMER_RUNS		64

struct user_frame {
	size_t len;
	uint8_t data[];
};

struct user_timer {
	struct user_timer *next;
	SlirpTimerCb cb;
	void *cb_opaque;
	int64_t expire_ms;		/* -1: not armed */
};

struct net_user {
	struct net_link link;
	Slirp *slirp;
	int efd;			/* wakes the thread */
	pthread_t thread;
	bool started;

	pthread_mutex_t lock;		/* the queue and stop */
	struct user_frame *queue[NET_LINK_USER_QUEUE];
	unsigned int head, count;
	bool stop;

	/* The link's thread only. */
	struct pollfd *pfds;
	unsigned int nr_pfds, max_pfds;
	struct user_timer *timers;
	unsigned int guest_errors;
};

_Static_assert(offsetof(struct net_user, link) == 0,
	       "struct net_user starts with its struct net_link");

static struct net_user *to_user(struct net_link *l)
{
	return (struct net_user *)l;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- libslirp's callbacks ------------------------------------------------ */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct net_user *u = opaque;

	net_link_deliver(&u->link, buf, len);
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	struct net_user *u = opaque;

	if (u->guest_errors >= USER_GUEST_ERRORS)
		return;
	u->guest_errors++;
	ioemu_log("vif %u: user-mode networking: %s%s", u->link.index, msg,
		  u->guest_errors == USER_GUEST_ERRORS ?
		  " (no more such messages)" : "");
}

static int64_t cb_clock_get_ns(void *opaque)
{
	(void)opaque;
	return now_ns();
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct net_user *u = opaque;
	struct user_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cb = cb;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = u->timers;
	u->timers = t;
	return t;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct net_user *u = opaque;
	struct user_timer **p;

	for (p = &u->timers; *p; p = &(*p)->next) {
		if (*p == timer) {
			*p = (*p)->next;
			free(timer);
			return;
		}
	}
}

/* @expire_time: in ms of cb_clock_get_ns()'s clock. */
static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	struct user_timer *t = timer;

	(void)opaque;
	t->expire_ms = expire_time < 0 ? 0 : expire_time;
}

/* The thread polls slirp's sockets afresh each time round. */
static void cb_register_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_unregister_poll_fd(int fd, void *opaque)
{
	(void)fd;
	(void)opaque;
}

static void cb_notify(void *opaque)
{
	struct net_user *u = opaque;

	net_link_kick(u->efd);
}

static const SlirpCb user_callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_new = cb_timer_new,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
};

/* --- polling ------------------------------------------------------------- */

static int add_pollfd(struct net_user *u, int fd, short events)
{
	struct pollfd *p;
	unsigned int max;

	if (u->nr_pfds == u->max_pfds) {
		max = u->max_pfds ? 2 * u->max_pfds : 16;
		p = realloc(u->pfds, max * sizeof(*p));
		if (!p)
			return -1;
		u->pfds = p;
		u->max_pfds = max;
	}
	u->pfds[u->nr_pfds] = (struct pollfd){ .fd = fd, .events = events };
	return (int)u->nr_pfds++;
}

static int cb_add_poll(int fd, int events, void *opaque)
{
	short ev = 0;

	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	return add_pollfd(opaque, fd, ev);
}

static int cb_get_revents(int idx, void *opaque)
{
	struct net_user *u = opaque;
	short rev;
	int ev = 0;

	if (idx < 0 || (unsigned int)idx >= u->nr_pfds)
		return 0;
	rev = u->pfds[idx].revents;
	if (rev & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (rev & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (rev & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (rev & (POLLERR | POLLNVAL))
		ev |= SLIRP_POLL_ERR;
	if (rev & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

/* How long poll() may sleep: slirp's @timeout (ms), or less for a timer. */
static int poll_timeout(struct net_user *u, uint32_t timeout)
{
	int64_t now = now_ns() / 1000000, wait = timeout;
	struct user_timer *t;

	if (timeout == UINT32_MAX)
		wait = -1;
	for (t = u->timers; t; t = t->next) {
		if (t->expire_ms < 0)
			continue;
		if (t->expire_ms <= now)
			return 0;
		if (wait < 0 || t->expire_ms - now < wait)
			wait = t->expire_ms - now;
	}
	return wait > 60000 ? 60000 : (int)wait;
}

static void run_timers(struct net_user *u)
{
	int64_t now = now_ns() / 1000000;
	struct user_timer *t;
	int runs;

	for (runs = 0; runs < USER_TIMER_RUNS; runs++) {
		for (t = u->timers; t; t = t->next)
			if (t->expire_ms >= 0 && t->expire_ms <= now)
				break;
		if (!t)
			return;
		/* The callback may rearm or free any timer. */
		t->expire_ms = -1;
		t->cb(t->cb_opaque);
	}
}

/* --- the queue of frames from the guest ---------------------------------- */

static int user_send(struct net_link *l, const void *frame, size_t len)
{
	struct net_user *u = to_user(l);
	struct user_frame *f = malloc(sizeof(*f) + len);
	bool wake;

	if (!f) {
		net_link_count_dropped(l);
		return -ENOBUFS;
	}
	f->len = len;
	memcpy(f->data, frame, len);
	pthread_mutex_lock(&u->lock);
	if (u->count == NET_LINK_USER_QUEUE) {
		pthread_mutex_unlock(&u->lock);
		free(f);
		net_link_count_dropped(l);
		return -ENOBUFS;
	}
	u->queue[(u->head + u->count) % NET_LINK_USER_QUEUE] = f;
	/* The thread empties the queue before it sleeps. */
	wake = u->count++ == 0;
	pthread_mutex_unlock(&u->lock);
	net_link_count_tx(l, len);
	if (wake)
		net_link_kick(u->efd);
	return 0;
}

static struct user_frame *pop_frame(struct net_user *u)
{
	struct user_frame *f;

	if (!u->count)
		return NULL;
	f = u->queue[u->head];
	u->head = (u->head + 1) % NET_LINK_USER_QUEUE;
	u->count--;
	return f;
}

/*
 * Give queued frames to slirp, a queue's worth at most.  -1 once the
 * link stops, 1 when frames are left, else 0.
 */
static int drain(struct net_user *u)
{
	struct user_frame *f;
	unsigned int n;
	int left;

	for (n = 0; n < NET_LINK_USER_QUEUE; n++) {
		pthread_mutex_lock(&u->lock);
		f = u->stop ? NULL : pop_frame(u);
		left = u->stop ? -1 : 0;
		pthread_mutex_unlock(&u->lock);
		if (!f)
			return left;
		slirp_input(u->slirp, f->data, (int)f->len);
		free(f);
	}
	pthread_mutex_lock(&u->lock);
	left = u->stop ? -1 : u->count > 0;
	pthread_mutex_unlock(&u->lock);
	return left;
}

static void *user_thread(void *arg)
{
	struct net_user *u = arg;
	uint32_t timeout;
	unsigned int i;
	uint64_t n;
	int left, rc;

	for (;;) {
		left = drain(u);
		if (left < 0)
			break;
		u->nr_pfds = 0;
		add_pollfd(u, u->efd, POLLIN);	/* index 0: room made in new */
		timeout = left ? 0 : UINT32_MAX;
		slirp_pollfds_fill(u->slirp, &timeout, cb_add_poll, u);
		rc = poll(u->pfds, u->nr_pfds, poll_timeout(u, timeout));
		if (rc < 0) {
			for (i = 0; i < u->nr_pfds; i++)
				u->pfds[i].revents = 0;
		} else if (u->pfds[0].revents & POLLIN) {
			if (read(u->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
				ioemu_log("vif %u: eventfd read: %s",
					  u->link.index, strerror(errno));
		}
		slirp_pollfds_poll(u->slirp, rc < 0, cb_get_revents, u);
		run_timers(u);
	}
	return NULL;
}

/* --- the link ------------------------------------------------------------ */

static void user_free(struct net_link *l)
{
	struct net_user *u = to_user(l);
	struct user_timer *t;
	struct user_frame *f;

	if (u->started) {
		pthread_mutex_lock(&u->lock);
		u->stop = true;
		pthread_mutex_unlock(&u->lock);
		net_link_kick(u->efd);
		pthread_join(u->thread, NULL);
	}
	if (u->slirp)
		slirp_cleanup(u->slirp);
	while ((f = pop_frame(u)))
		free(f);
	while ((t = u->timers)) {
		u->timers = t->next;
		free(t);
	}
	free(u->pfds);
	if (u->efd >= 0)
		close(u->efd);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

static const struct net_link_ops user_ops = {
	.send = user_send,
	.free = user_free,
};

static struct in_addr addr(const char *dotted)
{
	struct in_addr a;

	inet_pton(AF_INET, dotted, &a);
	return a;
}

static int add_forwards(struct net_user *u, const struct vif_spec *spec,
			char *err, size_t errlen)
{
	char host[INET_ADDRSTRLEN];
	const struct vif_fwd *f;
	struct in_addr h, g;
	unsigned int i;
	int e;

	for (i = 0; i < spec->nr_fwd; i++) {
		f = &spec->fwd[i];
		h.s_addr = f->host_addr;
		g.s_addr = f->guest_addr;
		if (!g.s_addr)
			g = addr(USER_DHCP_START);
		errno = 0;
		if (slirp_add_hostfwd(u->slirp, f->udp, h, f->host_port, g,
				      f->guest_port) == 0)
			continue;
		e = errno;
		inet_ntop(AF_INET, &h, host, sizeof(host));
		snprintf(err, errlen, "vif %u: cannot forward %s %s:%u: %s",
			 u->link.index, f->udp ? "udp" : "tcp", host,
			 f->host_port, e ? strerror(e) : "refused by libslirp");
		return -1;
	}
	return 0;
}

struct net_link *net_user_new(const struct vif_spec *spec, unsigned int index,
			      net_link_rx_fn rx, void *opaque,
			      char *err, size_t errlen)
{
	SlirpConfig cfg = {
		/* The fields past version 4 are unknown here. */
		.version = SLIRP_CONFIG_VERSION_MAX < 4 ?
			   SLIRP_CONFIG_VERSION_MAX : 4,
		.in_enabled = true,
		.vnetwork = addr(USER_NET),
		.vnetmask = addr(USER_MASK),
		.vhost = addr(USER_HOST),
		.vdhcp_start = addr(USER_DHCP_START),
		.vnameserver = addr(USER_DNS),
		.if_mtu = USER_MTU,
		.if_mru = USER_MTU,
	};
	struct net_user *u = calloc(1, sizeof(*u));
	int e;

	if (!u) {
		snprintf(err, errlen, "vif %u: out of memory", index);
		return NULL;
	}
	net_link_init(&u->link, &user_ops, index, rx, opaque);
	pthread_mutex_init(&u->lock, NULL);
	u->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (u->efd < 0 || add_pollfd(u, u->efd, POLLIN) < 0) {
		snprintf(err, errlen, "vif %u: eventfd: %s", index,
			 strerror(u->efd < 0 ? errno : ENOMEM));
		goto fail;
	}
	u->slirp = slirp_new(&cfg, &user_callbacks, u);
	if (!u->slirp) {
		snprintf(err, errlen,
			 "vif %u: cannot start user-mode networking", index);
		goto fail;
	}
	if (add_forwards(u, spec, err, errlen))
		goto fail;
	e = net_link_start_thread(&u->thread, user_thread, u);
	if (e) {
		snprintf(err, errlen, "vif %u: cannot start a thread: %s",
			 index, strerror(e));
		goto fail;
	}
	u->started = true;
	return &u->link;
fail:
	user_free(&u->link);
	return NULL;
}
