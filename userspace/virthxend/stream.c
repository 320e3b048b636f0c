// SPDX-License-Identifier: GPL-2.0
/* A client's stream: bytes between its STREAM packets and a socket. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "rpc_proto.h"
#include "stream.h"

/* How long a write to the VM's side may wait for room. */
#define WRITE_WAIT_MS 2000

void stream_attach(struct rpc_conn *c, int fd, int32_t proc,
		   uint32_t serial)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	c->stream = (struct vhd_stream){
		.open = true,
		.fd = fd,
		.proc = proc,
		.serial = serial,
	};
}

void stream_close(struct rpc_conn *c)
{
	if (!c->stream.open)
		return;
	if (c->stream.fd >= 0)
		close(c->stream.fd);
	c->stream.open = false;
	c->stream.fd = -1;
}

int stream_poll_fd(const struct rpc_conn *c)
{
	return c->stream.open && !c->stream.eof ? c->stream.fd : -1;
}

/* The end of the VM's side: close it; the client hears at the pump. */
static void vm_side_ended(struct rpc_conn *c)
{
	if (c->stream.fd >= 0)
		close(c->stream.fd);
	c->stream.fd = -1;
	c->stream.eof = true;
}

/* End the stream with an error packet to the client. */
static int fail_stream(struct rpc_conn *c, struct xdr_enc *out,
		       const char *msg)
{
	const struct rpc_header h = {
		.prog = REMOTE_PROGRAM,
		.vers = REMOTE_PROTOCOL_VERSION,
		.proc = c->stream.proc,
		.type = VIR_NET_STREAM,
		.serial = c->stream.serial,
	};
	size_t start = out->len;

	stream_close(c);
	if (rpc_build_error(out, &h, VIR_ERR_RPC, VIR_FROM_STREAMS, msg)) {
		xdr_enc_truncate(out, start);
		return -1;
	}
	return 0;
}

int stream_pump(struct rpc_conn *c, struct xdr_enc *out)
{
	char buf[STREAM_CHUNK];
	size_t start = out->len;
	ssize_t n;

	if (!c->stream.open || c->stream.eof)
		return 0;
	n = recv(c->stream.fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		return 0;
	if (n < 0 && errno != ECONNRESET) {
		char msg[128];

		snprintf(msg, sizeof(msg), "cannot read the console: %s",
			 strerror(errno));
		return fail_stream(c, out, msg);
	}
	if (n <= 0) {
		/* The VM ended, or ioemu let go of the console. */
		vm_side_ended(c);
		n = 0;
	}
	/* Data, or with no data the end of it: both VIR_NET_CONTINUE. */
	if (rpc_build_stream(out, c->stream.proc, c->stream.serial,
			     VIR_NET_CONTINUE, buf, (size_t)n)) {
		xdr_enc_truncate(out, start);
		return -1;
	}
	return 0;
}

/* Write all of @p to the VM's side, waiting a little for room. */
static int write_vm_side(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };

			if (poll(&pf, 1, WRITE_WAIT_MS) <= 0)
				return -ETIMEDOUT;
			continue;
		}
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Confirm the client's finish or abort with an empty VIR_NET_OK. */
static enum dispatch_result confirm_end(struct rpc_conn *c,
					struct xdr_enc *out)
{
	size_t start = out->len;

	log_debug("stream of call %u ended by the client", c->stream.serial);
	if (rpc_build_stream(out, c->stream.proc, c->stream.serial,
			     VIR_NET_OK, NULL, 0)) {
		xdr_enc_truncate(out, start);
		stream_close(c);
		return DISPATCH_CLOSE;
	}
	stream_close(c);
	return DISPATCH_OK;
}

enum dispatch_result stream_incoming(struct rpc_conn *c,
				     const struct rpc_header *h,
				     struct xdr_dec *d, struct xdr_enc *out)
{
	char msg[128];
	int rc;

	/* Data for a stream that is gone, as libvirtd: dropped. */
	if (!c->stream.open || h->proc != c->stream.proc ||
	    h->serial != c->stream.serial) {
		log_debug("dropped stream packet, serial %u", h->serial);
		return DISPATCH_OK;
	}
	switch (h->status) {
	case VIR_NET_CONTINUE:
		if (c->stream.eof)
			return DISPATCH_OK;	/* the VM's side is gone */
		rc = write_vm_side(c->stream.fd, d->data + d->pos,
				   xdr_dec_left(d));
		if (!rc)
			return DISPATCH_OK;
		snprintf(msg, sizeof(msg), "cannot write to the console: %s",
			 strerror(-rc));
		return fail_stream(c, out, msg) ? DISPATCH_CLOSE : DISPATCH_OK;
	case VIR_NET_OK:
	case VIR_NET_ERROR:
		return confirm_end(c, out);
	default:
		snprintf(msg, sizeof(msg),
			 "stream packet with unexpected status %u", h->status);
		return fail_stream(c, out, msg) ? DISPATCH_CLOSE : DISPATCH_OK;
	}
}
