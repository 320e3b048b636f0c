/* SPDX-License-Identifier: GPL-2.0 */
/* The daemon's main loop: clients of the listening socket, one poll(). */
#ifndef VIRTHXEND_SERVER_H
#define VIRTHXEND_SERVER_H

#include "dispatch.h"
#include "rpc_proto.h"

/* Clients served at once; more are accepted and closed at once. */
#define SERVER_MAX_CLIENTS 64

/*
 * Largest packet accepted from a client, length word included: one string
 * of the protocol's maximum (a domain XML) and room for the rest of the
 * call.  Longer packets end the client's connection.
 */
#define SERVER_MAX_PACKET (REMOTE_STRING_MAX + 65536u)

/*
 * Serve @listen_fd until SIGTERM or SIGINT, or, when @idle_timeout (in
 * seconds) is not 0, until no client has been connected for that long.
 * Returns 0, or -errno if the loop itself fails.
 */
int server_run(int listen_fd, const struct vhd_config *cfg,
	       unsigned int idle_timeout);

#endif /* VIRTHXEND_SERVER_H */
