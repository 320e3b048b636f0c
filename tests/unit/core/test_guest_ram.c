// SPDX-License-Identifier: GPL-2.0
/* Unit tests of guest RAM ranges (xen/common/guest_ram.c). */
#include <string.h>

#include "fake_host.h"
#include "test.h"
#include <hxen/errno.h>
#include <hxen/guest_ram.h>
#include <hxen/host.h>

int test_failures;

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static bool nothing_held(void)
{
	return fake_mem.blocks_live == 0 && fake_mem.pages_live == 0 &&
	       fake_mem.zallocs_live == 0;
}

static void test_layout_with_holes(void)
{
	struct hx_guest_ram ram = { 0 };
	struct hxh_page *p, *q;
	unsigned char *va;

	fake_mem_reset();
	/* 0-640K, 1M-8M (unaligned start, aligned 2M-8M), hole, 4G-4G+2M */
	EXPECT("ram/add-low", hx_ram_add(&ram, 0, 640 * 1024) == 0);
	EXPECT("ram/add-main", hx_ram_add(&ram, 1 * MiB, 7 * MiB) == 0);
	EXPECT("ram/add-high", hx_ram_add(&ram, 4 * GiB, 2 * MiB) == 0);
	EXPECT("ram/total", ram.total_bytes == 640 * 1024 + 9 * MiB);
	EXPECT("ram/pages-counted", ram.nr_pages == (640 * 1024 + 9 * MiB) / 4096 &&
	       fake_mem.pages_live == (long)ram.nr_pages);

	EXPECT("ram/hole-640k", hx_ram_page(&ram, 640 * 1024) == NULL);
	EXPECT("ram/hole-below-4g", hx_ram_page(&ram, 4 * GiB - 4096) == NULL);
	EXPECT("ram/hole-after-high", hx_ram_page(&ram, 4 * GiB + 2 * MiB) == NULL);
	EXPECT("ram/last-low-page", hx_ram_page(&ram, 640 * 1024 - 4096) != NULL);
	EXPECT("ram/first-main-page", hx_ram_page(&ram, 1 * MiB) != NULL);
	EXPECT("ram/last-main-page", hx_ram_page(&ram, 8 * MiB - 1) != NULL);

	/* Chunk 1M-2M is partial: small pages; 2M-4M whole: one block. */
	EXPECT("ram/partial-chunk-small", hx_ram_large(&ram, 1 * MiB) == NULL);
	EXPECT("ram/whole-chunk-large", hx_ram_large(&ram, 2 * MiB) != NULL);
	EXPECT("ram/high-chunk-large", hx_ram_large(&ram, 4 * GiB) != NULL);
	EXPECT("ram/hole-not-large", hx_ram_large(&ram, 16 * MiB) == NULL);

	p = hx_ram_page(&ram, 2 * MiB + 5 * 4096);
	q = hx_ram_large(&ram, 2 * MiB);
	EXPECT("ram/large-nth-page", p == hxh_page_nth(q, 5));

	va = hxh_page_to_va(hx_ram_page(&ram, 3 * MiB));
	EXPECT("ram/zeroed", va[0] == 0 && va[4095] == 0 &&
	       !memcmp(va, va + 1, 4095));
	va[7] = 0xaa;
	EXPECT("ram/distinct-pages",
	       ((unsigned char *)hxh_page_to_va(hx_ram_page(&ram, 3 * MiB + 4096)))[7] == 0);

	hx_ram_free(&ram);
	EXPECT("ram/free-returns-everything", nothing_held());
	EXPECT("ram/free-resets", ram.nr_ranges == 0 && ram.total_bytes == 0);
}

static void test_bad_ranges(void)
{
	struct hx_guest_ram ram = { 0 };

	fake_mem_reset();
	EXPECT("ram/zero-size", hx_ram_add(&ram, 0, 0) == -HX_EINVAL);
	EXPECT("ram/misaligned-gpa", hx_ram_add(&ram, 100, 4096) == -HX_EINVAL);
	EXPECT("ram/misaligned-size", hx_ram_add(&ram, 0, 4097) == -HX_EINVAL);
	EXPECT("ram/beyond-48-bits", hx_ram_add(&ram, HX_GPA_MAX, 4096) == -HX_EINVAL);
	EXPECT("ram/wraps", hx_ram_add(&ram, HX_GPA_MAX - 4096, 8192) == -HX_EINVAL);
	EXPECT("ram/huge-size", hx_ram_add(&ram, 0, ~0ULL & ~4095ULL) == -HX_EINVAL);
	EXPECT("ram/too-much", hx_ram_add(&ram, 0, HX_RAM_MAX_BYTES + 4096) == -HX_ENOSPC);
	EXPECT("ram/nothing-allocated-on-reject", nothing_held());

	EXPECT("ram/base", hx_ram_add(&ram, 1 * MiB, 1 * MiB) == 0);
	EXPECT("ram/overlap-inside", hx_ram_add(&ram, 1 * MiB + 4096, 4096) == -HX_EINVAL);
	EXPECT("ram/overlap-start", hx_ram_add(&ram, 1 * MiB - 4096, 8192) == -HX_EINVAL);
	EXPECT("ram/overlap-cover", hx_ram_add(&ram, 0, 4 * MiB) == -HX_EINVAL);
	EXPECT("ram/adjacent-below", hx_ram_add(&ram, 1 * MiB - 4096, 4096) == 0);
	EXPECT("ram/adjacent-above", hx_ram_add(&ram, 2 * MiB, 4096) == 0);
	EXPECT("ram/ranges", ram.nr_ranges == 3);
	hx_ram_free(&ram);
	EXPECT("ram/bad-free", nothing_held());
}

static void test_range_limit(void)
{
	struct hx_guest_ram ram = { 0 };
	int i, err = 0;

	fake_mem_reset();
	for (i = 0; i < HX_RAM_MAX_RANGES && !err; i++)
		err = hx_ram_add(&ram, (u64)i * 2 * MiB, 4096);
	EXPECT("ram/max-ranges-accepted", err == 0 && ram.nr_ranges == HX_RAM_MAX_RANGES);
	EXPECT("ram/one-too-many", hx_ram_add(&ram, 1 * GiB, 4096) == -HX_ENOSPC);
	hx_ram_free(&ram);
	EXPECT("ram/limit-free", nothing_held());
}

static void test_allocation_failures(void)
{
	struct hx_guest_ram ram = { 0 };
	long n;
	int failed_cleanly = 1;

	/* Fail the n-th allocation for every n: nothing may leak. */
	for (n = 0; n < 40; n++) {
		int err;

		fake_mem_reset();
		fake_mem.fail_after = n;
		fake_mem.fail_large = n & 1;
		err = hx_ram_add(&ram, 1 * MiB, 5 * MiB);
		if (err == 0) {
			hx_ram_free(&ram);
		} else if (err != -HX_ENOMEM || ram.nr_ranges != 0) {
			failed_cleanly = 0;
		}
		if (!nothing_held())
			failed_cleanly = 0;
	}
	EXPECT("ram/every-failure-point-leaks-nothing", failed_cleanly);

	fake_mem_reset();
	fake_mem.fail_large = true;
	EXPECT("ram/large-fallback", hx_ram_add(&ram, 0, 4 * MiB) == 0);
	EXPECT("ram/fallback-small-pages", hx_ram_large(&ram, 0) == NULL &&
	       hx_ram_page(&ram, 4 * MiB - 4096) != NULL &&
	       fake_mem.pages_live == 1024);
	hx_ram_free(&ram);

	fake_mem_reset();
	fake_mem.stop_after = 2;
	EXPECT("ram/interrupted", hx_ram_add(&ram, 0, 16 * MiB) == -HX_EINTR);
	EXPECT("ram/interrupted-leaks-nothing", nothing_held() && ram.nr_ranges == 0);
}

int main(void)
{
	test_layout_with_holes();
	test_bad_ranges();
	test_range_limit();
	test_allocation_failures();
	return test_failures ? 1 : 0;
}
