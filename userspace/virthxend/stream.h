/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streams of the remote program (libvirt's virStream) between a client
 * and a socket: the console of a VM.  The call that opens one gets an
 * empty reply; then STREAM packets with its procedure and serial carry
 * the bytes both ways, status VIR_NET_CONTINUE.  The end of the VM's
 * data is an empty VIR_NET_CONTINUE packet, a failure a VIR_NET_ERROR
 * one; the client ends the stream with VIR_NET_OK (finish) or
 * VIR_NET_ERROR (abort), each of which the daemon confirms with an empty
 * VIR_NET_OK.  A connection has at most one stream at a time.
 */
#ifndef VIRTHXEND_STREAM_H
#define VIRTHXEND_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "dispatch.h"
#include "rpc_packet.h"
#include "xdr.h"

/* The most bytes of data one STREAM packet carries. */
#define STREAM_CHUNK 65536

/* Make @fd (a connected socket, now the stream's) the stream of @c. */
void stream_attach(struct rpc_conn *c, int fd, int32_t proc,
		   uint32_t serial);

/* A STREAM packet from the client, with its payload in @d. */
enum dispatch_result stream_incoming(struct rpc_conn *c,
				     const struct rpc_header *h,
				     struct xdr_dec *d, struct xdr_enc *out);

/* The descriptor to watch for the VM's data, or -1 when there is none. */
int stream_poll_fd(const struct rpc_conn *c);

/*
 * Pass on what the VM's side has (or its end) as packets appended to
 * @out.  Returns 0, or -1 when @out cannot take them.
 */
int stream_pump(struct rpc_conn *c, struct xdr_enc *out);

/* Drop the stream of @c, if any, without telling the client. */
void stream_close(struct rpc_conn *c);

#endif /* VIRTHXEND_STREAM_H */
