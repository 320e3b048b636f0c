/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where virthxend listens, and claiming that place: one daemon per socket,
 * a stale socket from a daemon that died replaced, anything else left
 * alone.
 */
#ifndef VIRTHXEND_SOCKPATH_H
#define VIRTHXEND_SOCKPATH_H

#include <stddef.h>

/*
 * The socket libvirt's client library connects to for hxen:// URIs in
 * direct mode, into @buf:
 *   root       /var/run/libvirt/virthxend-sock
 *   others     $XDG_RUNTIME_DIR/libvirt/virthxend-sock, or without
 *              XDG_RUNTIME_DIR, $XDG_CACHE_HOME (default ~/.cache) instead
 * Returns 0, or -ENAMETOOLONG / -ENOENT (no home directory) with @why.
 */
int sockpath_default(char *buf, size_t len, char *why, size_t whylen);

/*
 * Create the directory that holds @path if missing (its parents too), the
 * last one mode 0700 (0755 for /var/run/libvirt).  0 or -errno with @why.
 */
int sockpath_make_dir(const char *path, char *why, size_t whylen);

/*
 * Claim @path: lock "@path.pid" (and write our pid there), then deal with
 * what is at @path.  A socket nobody answers on is stale and removed; a
 * live socket or a file that is not a socket is refused.  Returns the
 * lock's fd, to keep open while serving, or -errno with @why:
 * -EADDRINUSE when another daemon serves @path.
 */
int sockpath_claim(const char *path, char *why, size_t whylen);

/* Bind and listen on @path (mode 0600).  The fd, or -errno with @why. */
int sockpath_listen(const char *path, char *why, size_t whylen);

/* Remove @path and its pid file, then drop the lock @lock_fd. */
void sockpath_release(const char *path, int lock_fd);

#endif /* VIRTHXEND_SOCKPATH_H */
