/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel command line a guest boots with: the user's, after the
 * options hxen adds for the devices the VM has.
 */
#ifndef IOEMU_GUEST_CMDLINE_H
#define IOEMU_GUEST_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Write into @out (@outlen bytes) @user's command line (NULL: empty)
 * after hxen's defaults:
 *
 *   xen_blkfront.max_indirect_segments=256   (when the VM has a disk)
 *
 * blkfront's own default, 32 segments, cuts I/O into 128 KiB requests;
 * hxen's block backend takes 256 (1 MiB) at no extra cost per segment,
 * and fewer, larger requests mean fewer guest exits and interrupts.  A
 * default the user's line already sets (with '-' or '_' in its name) is
 * left out, so theirs applies.  So is one that would not fit @outlen.
 * Returns @out; or @user itself when it alone does not fit (the boot
 * loader then reports its length).
 */
const char *guest_cmdline(char *out, size_t outlen, const char *user,
			  bool has_disk);

#endif /* IOEMU_GUEST_CMDLINE_H */
