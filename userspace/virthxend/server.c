// SPDX-License-Identifier: GPL-2.0
/*
 * The main loop.  One poll() covers the signalfd, the listening socket
 * and every client.  A client is served one request at a time: after a
 * complete packet it is not read again until its answer has been written,
 * so a client holds at most one packet in and one answer out.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "stream.h"

/* An idle client keeps an answer buffer no larger than this. */
#define CLIENT_KEEP_OUT 65536u

/*
 * One connected client; everything is owned by the main loop.
 *	out/out_off: the answer being written, out_off bytes of it sent.
 */
struct client {
	int fd;
	struct rpc_reader rd;
	struct xdr_enc out;
	size_t out_off;
	struct rpc_conn conn;
};

struct server {
	const struct vhd_config *cfg;
	int listen_fd;
	int sig_fd;
	struct client *clients[SERVER_MAX_CLIENTS];
	unsigned int nr_clients;
	unsigned int idle_timeout;	/* seconds, 0 = never */
	long long idle_since_ms;	/* when the last client left */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void client_free(struct client *cl)
{
	stream_close(&cl->conn);
	close(cl->fd);
	rpc_reader_free(&cl->rd);
	xdr_enc_free(&cl->out);
	free(cl);
}

static void drop_client(struct server *s, unsigned int i)
{
	log_debug("client on fd %d gone", s->clients[i]->fd);
	client_free(s->clients[i]);
	s->clients[i] = s->clients[--s->nr_clients];
	s->clients[s->nr_clients] = NULL;
	if (!s->nr_clients)
		s->idle_since_ms = now_ms();
}

static void accept_clients(struct server *s)
{
	for (;;) {
		struct client *cl;
		int fd;

		fd = accept4(s->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_msg("accept: %s", strerror(errno));
			return;
		}
		if (s->nr_clients == SERVER_MAX_CLIENTS) {
			log_msg("%d clients already; refusing another",
				SERVER_MAX_CLIENTS);
			close(fd);
			continue;
		}
		cl = calloc(1, sizeof(*cl));
		if (!cl) {
			log_msg("out of memory; refusing a client");
			close(fd);
			continue;
		}
		cl->fd = fd;
		rpc_reader_init(&cl->rd, SERVER_MAX_PACKET);
		xdr_enc_init(&cl->out, VIR_NET_MESSAGE_MAX +
					       VIR_NET_MESSAGE_LEN_MAX);
		cl->conn.cfg = s->cfg;
		s->clients[s->nr_clients++] = cl;
		log_debug("client on fd %d", fd);
	}
}

/* Write what is pending; 0 (done or would block) or -1 to drop the client. */
static int client_flush(struct client *cl)
{
	while (cl->out_off < cl->out.len) {
		ssize_t n = send(cl->fd, cl->out.data + cl->out_off,
				 cl->out.len - cl->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		cl->out_off += (size_t)n;
	}
	cl->out_off = 0;
	if (cl->out.cap > CLIENT_KEEP_OUT)
		xdr_enc_free(&cl->out);
	xdr_enc_reset(&cl->out);
	return 0;
}

/* Pass on what the client's stream has; -1 to drop the client. */
static int client_stream(struct client *cl)
{
	if (stream_pump(&cl->conn, &cl->out))
		return -1;
	return client_flush(cl);
}

/* Read toward one packet and answer it; -1 to drop the client. */
static int client_read(struct client *cl)
{
	int rc = rpc_reader_feed(&cl->rd, cl->fd);

	if (rc == 0)
		return 0;
	if (rc < 0) {
		if (rc == -EMSGSIZE)
			log_msg("client sent a packet length outside 28..%u; disconnecting it",
				SERVER_MAX_PACKET);
		else if (rc != -EPIPE && rc != -ECONNRESET)
			log_msg("client connection: %s", strerror(-rc));
		return -1;
	}
	if (dispatch_packet(&cl->conn, cl->rd.body,
			    cl->rd.total - VIR_NET_MESSAGE_LEN_MAX,
			    &cl->out) == DISPATCH_CLOSE)
		return -1;
	return client_flush(cl);
}

/*
 * SIGTERM, SIGINT, SIGHUP and SIGCHLD arrive on a signalfd.  The VMs
 * the daemon starts are its children until they end (vmctl.h): SIGCHLD
 * says one ended and waits to be reaped.
 */
static int signals_open(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Collect the VMs that ended (signals may merge: all of them). */
static void reap_children(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		log_debug("ioemu pid %ld ended", (long)pid);
}

/* 1 if a signal asks the daemon to stop. */
static int signals_read(int fd)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			log_debug("signal %u: exiting", si.ssi_signo);
			return 1;
		}
		if (si.ssi_signo == SIGCHLD)
			reap_children();
		/* SIGHUP: there is no configuration to reload. */
	}
	return 0;
}

/* poll()'s timeout: until the idle exit is due, or forever. */
static int poll_timeout(const struct server *s)
{
	long long left;

	if (!s->idle_timeout || s->nr_clients)
		return -1;
	left = s->idle_since_ms + s->idle_timeout * 1000LL - now_ms();
	if (left <= 0)
		return 0;
	return left > 60000 ? 60000 : (int)left;
}

static bool idle_expired(const struct server *s)
{
	return s->idle_timeout && !s->nr_clients &&
	       now_ms() - s->idle_since_ms >= s->idle_timeout * 1000LL;
}

/*
 * The poll() set: the signalfd, the listening socket, then two entries
 * per client: its socket, and its stream's (fd -1, which poll() skips,
 * when it has none or an answer is still being written).
 */
#define CLIENT_PFD(i) (2 + 2 * (i))
#define STREAM_PFD(i) (3 + 2 * (i))

static int serve(struct server *s)
{
	struct pollfd pfd[2 + 2 * SERVER_MAX_CLIENTS];

	for (;;) {
		unsigned int i, n = s->nr_clients;
		int rc;

		if (idle_expired(s)) {
			log_debug("no client for %u s: exiting",
				  s->idle_timeout);
			return 0;
		}
		pfd[0] = (struct pollfd){ .fd = s->sig_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = s->listen_fd,
					  .events = POLLIN };
		for (i = 0; i < n; i++) {
			struct client *cl = s->clients[i];

			pfd[CLIENT_PFD(i)] = (struct pollfd){
				.fd = cl->fd,
				.events = cl->out.len ? POLLOUT : POLLIN,
			};
			pfd[STREAM_PFD(i)] = (struct pollfd){
				.fd = cl->out.len ? -1 :
				      stream_poll_fd(&cl->conn),
				.events = POLLIN,
			};
		}
		rc = poll(pfd, 2 + 2 * n, poll_timeout(s));
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if ((pfd[0].revents & POLLIN) && signals_read(s->sig_fd))
			return 0;

		/* Clients from the last to the first: dropping one moves the last. */
		for (i = n; i-- > 0;) {
			struct client *cl = s->clients[i];
			short re = pfd[CLIENT_PFD(i)].revents;
			int bad = 0;

			if (re && cl->out.len)
				bad = (re & (POLLERR | POLLHUP | POLLNVAL)) ||
				      client_flush(cl);
			else if (re)
				bad = (re & POLLNVAL) || client_read(cl);
			/* The stream only while no answer is pending. */
			if (!bad && pfd[STREAM_PFD(i)].revents &&
			    !cl->out.len)
				bad = client_stream(cl);
			if (bad)
				drop_client(s, i);
		}
		if (pfd[1].revents & POLLIN)
			accept_clients(s);
	}
}

int server_run(int listen_fd, const struct vhd_config *cfg,
	       unsigned int idle_timeout)
{
	struct server s = {
		.cfg = cfg,
		.listen_fd = listen_fd,
		.idle_timeout = idle_timeout,
		.idle_since_ms = now_ms(),
	};
	int rc;

	signal(SIGPIPE, SIG_IGN);
	s.sig_fd = signals_open();
	if (s.sig_fd < 0)
		return s.sig_fd;
	reap_children();	/* any that ended before SIGCHLD was caught */
	rc = serve(&s);
	while (s.nr_clients)
		drop_client(&s, s.nr_clients - 1);
	close(s.sig_fd);
	return rc;
}
