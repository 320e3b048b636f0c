/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error numbers the core returns to its host (negated, as in Linux).
 * The values are the x86-64 Linux ones, which the Linux port passes
 * through unchanged; errors returned to guests use Xen's numbering.
 */
#ifndef HXEN_ERRNO_H
#define HXEN_ERRNO_H

#define HX_EPERM	1
#define HX_ENOENT	2
#define HX_ESRCH	3
#define HX_EINTR	4
#define HX_EIO		5
#define HX_E2BIG	7
#define HX_EBADF	9
#define HX_EAGAIN	11
#define HX_ENOMEM	12
#define HX_EFAULT	14
#define HX_EBUSY	16
#define HX_EEXIST	17
#define HX_ENODEV	19
#define HX_EINVAL	22
#define HX_ENOSPC	28
#define HX_ERANGE	34
#define HX_ENOSYS	38
#define HX_ETIME	62
#define HX_EOPNOTSUPP	95

#endif /* HXEN_ERRNO_H */
