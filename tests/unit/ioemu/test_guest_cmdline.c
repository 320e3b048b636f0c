// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's command line: hxen's defaults before the user's, left out
 * when the user set them, when the VM has no disk, or when they would
 * not fit.
 */
#include <stdbool.h>
#include <string.h>

#include "guest_cmdline.h"
#include "test.h"

int test_failures;

#define SEGS	"xen_blkfront.max_indirect_segments=256"

static void expect_line(const char *name, const char *user, bool disk,
			const char *want)
{
	char out[4096];
	const char *got = guest_cmdline(out, sizeof(out), user, disk);

	EXPECT(name, !strcmp(got, want));
	if (strcmp(got, want))
		printf("  got \"%s\", want \"%s\"\n", got, want);
}

int main(void)
{
	char small[64], fits[sizeof(SEGS) + 3], big[5000];
	const char *got;

	expect_line("cmdline/disk-default-first", "console=hvc0 root=/dev/xvda",
		    true, SEGS " console=hvc0 root=/dev/xvda");
	expect_line("cmdline/empty-user-line", "", true, SEGS);
	expect_line("cmdline/null-user-line", NULL, true, SEGS);
	expect_line("cmdline/no-disk-no-default", "console=hvc0", false,
		    "console=hvc0");
	expect_line("cmdline/no-disk-empty", NULL, false, "");
	expect_line("cmdline/user-value-kept",
		    "console=hvc0 xen_blkfront.max_indirect_segments=32", true,
		    "console=hvc0 xen_blkfront.max_indirect_segments=32");
	expect_line("cmdline/user-dashes-kept",
		    "xen-blkfront.max-indirect-segments=64 quiet", true,
		    "xen-blkfront.max-indirect-segments=64 quiet");
	expect_line("cmdline/other-option-not-a-match",
		    "xen_blkfront.max_indirect_segments_x=1 xen_blkfront.max=2",
		    true,
		    SEGS " xen_blkfront.max_indirect_segments_x=1 xen_blkfront.max=2");
	expect_line("cmdline/only-whole-words", "axen_blkfront.max_indirect_segments=8",
		    true, SEGS " axen_blkfront.max_indirect_segments=8");

	/* Room for the user's line but not the default: the line alone. */
	memset(small, 'x', sizeof(small) - 1);
	small[sizeof(small) - 1] = 0;
	small[40] = 0;
	got = guest_cmdline(fits, sizeof(fits), small, true);
	EXPECT("cmdline/default-dropped-when-full", !strcmp(got, small));
	got = guest_cmdline(fits, sizeof(fits), "ab", true);
	EXPECT("cmdline/default-fits-exactly", !strcmp(got, SEGS " ab"));

	/* A line too long for the loader is handed back unchanged. */
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	got = guest_cmdline(small, sizeof(small), big, true);
	EXPECT("cmdline/too-long-returned-as-is", got == big);
	return test_failures ? 1 : 0;
}
