// SPDX-License-Identifier: GPL-2.0
/*
 * What a PVH kernel finds besides itself: the initrd, hvm_start_info with
 * the command line, module list and memory map, and the ACPI tables, all
 * at the fixed addresses boot.h describes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "acpi.h"
#include "boot.h"

#define MIB		(1ULL << 20)
#define GIB_4		0x100000000ULL
#define BOOT_PAGE	4096ULL
#define BOOT_INFO_PAGE	0x1000

/* Low RAM, the reserved BIOS area, 1 MiB to low end, the high ranges. */
#define BOOT_MEMMAP_MAX	(3 + GUEST_MEM_MAX_RANGES)

_Static_assert(BOOT_START_INFO_GPA + sizeof(struct hvm_start_info) <=
	       BOOT_MODLIST_GPA, "start info runs into the module list");
_Static_assert(BOOT_MODLIST_GPA + sizeof(struct hvm_modlist_entry) <=
	       BOOT_MEMMAP_GPA, "module list runs into the memory map");
_Static_assert(BOOT_MEMMAP_GPA + BOOT_MEMMAP_MAX *
	       sizeof(struct hvm_memmap_table_entry) <= BOOT_CMDLINE_GPA,
	       "memory map runs into the command line");
_Static_assert(BOOT_ACPI_GPA < BOOT_CONSOLE_GPA, "ACPI area is empty");

/* Where the initrd went. */
struct initrd_place {
	uint64_t gpa;
	uint64_t size;
};

static uint64_t round_down_page(uint64_t v)
{
	return v & ~(BOOT_PAGE - 1);
}

static uint64_t round_up_page(uint64_t v)
{
	return round_down_page(v + BOOT_PAGE - 1);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The highest page-aligned spot for size bytes in [lo, hi), if any. */
static int fit_at_top(uint64_t lo, uint64_t hi, uint64_t size, uint64_t *gpa)
{
	uint64_t at;

	if (hi <= lo || size > hi - lo)
		return -1;
	at = round_down_page(hi - size);
	if (at < lo)
		return -1;
	*gpa = at;
	return 0;
}

/*
 * The initrd goes as high as it can in low RAM: above the kernel if it
 * fits there, else between 1 MiB and the kernel.  low_top is where low
 * RAM ends, capped at 4 GiB.  Returns 0, or -1 with the largest gap.
 */
static int initrd_pick_gpa(uint64_t low_top, const struct boot_image *img,
			   uint64_t size, uint64_t *gpa, uint64_t *largest)
{
	uint64_t above = max_u64(round_up_page(img->kernel_end),
				 BOOT_HIGH_GPA);
	uint64_t below = min_u64(img->kernel_start, low_top);

	if (!fit_at_top(above, low_top, size, gpa) ||
	    !fit_at_top(BOOT_HIGH_GPA, below, size, gpa))
		return 0;
	*largest = max_u64(low_top > above ? low_top - above : 0,
			   below > BOOT_HIGH_GPA ? below - BOOT_HIGH_GPA : 0);
	return -1;
}

static int initrd_load(const struct guest_mem *m, uint64_t low_top,
		       const struct boot_image *img, const char *path,
		       struct initrd_place *place, char *err, size_t errlen)
{
	uint64_t gpa, largest;
	struct stat st;
	void *dst;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return boot_fail(err, errlen, "cannot open initrd %s: %s",
				 path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return boot_fail(err, errlen,
				 "initrd %s is not a regular, non-empty file",
				 path);
	}
	if (initrd_pick_gpa(low_top, img, (uint64_t)st.st_size, &gpa,
			    &largest)) {
		close(fd);
		return boot_fail(err, errlen,
				 "initrd %s (%llu MiB) does not fit in guest RAM below %llu MiB next to the kernel (%llu MiB free); give the VM more memory",
				 path,
				 (unsigned long long)((st.st_size + MIB - 1) /
						      MIB),
				 (unsigned long long)(low_top / MIB),
				 (unsigned long long)(largest / MIB));
	}
	dst = guest_mem_ptr(m, gpa, (uint64_t)st.st_size);
	if (!dst) {
		close(fd);
		return boot_fail(err, errlen,
				 "initrd %s would land outside guest RAM",
				 path);
	}
	got = boot_read_full(fd, dst, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size)
		return boot_fail(err, errlen, "cannot read initrd %s: %s", path,
				 got < 0 ? strerror(errno) : "file shrank");
	place->gpa = gpa;
	place->size = (uint64_t)st.st_size;
	return 0;
}

static int write_cmdline(const struct guest_mem *m, const char *cmdline,
			 char *err, size_t errlen)
{
	size_t len = cmdline ? strlen(cmdline) : 0;
	char *dst = guest_mem_ptr(m, BOOT_CMDLINE_GPA, BOOT_CMDLINE_MAX);

	if (len > BOOT_CMDLINE_MAX - 1)
		return boot_fail(err, errlen,
				 "kernel command line is %zu bytes; the limit is %d",
				 len, BOOT_CMDLINE_MAX - 1);
	memset(dst, 0, BOOT_CMDLINE_MAX);
	if (len)
		memcpy(dst, cmdline, len);
	return 0;
}

static void memmap_add(struct hvm_memmap_table_entry *map, unsigned int *nr,
		       uint64_t addr, uint64_t size, uint32_t type)
{
	struct hvm_memmap_table_entry *e = &map[(*nr)++];

	e->addr = addr;
	e->size = size;
	e->type = type;
	e->reserved = 0;
}

/* The RAM ranges at or above 4 GiB, in address order. */
static unsigned int high_ranges(const struct guest_mem *m,
				const struct guest_ram_range **out)
{
	unsigned int i, j, nr = 0;

	for (i = 0; i < m->nr && i < GUEST_MEM_MAX_RANGES; i++) {
		const struct guest_ram_range *r = &m->r[i];

		if (r->gpa < GIB_4 || r->size == 0)
			continue;
		for (j = nr; j > 0 && out[j - 1]->gpa > r->gpa; j--)
			out[j] = out[j - 1];
		out[j] = r;
		nr++;
	}
	return nr;
}

static unsigned int build_memmap(const struct guest_mem *m, uint64_t low_end,
				 struct hvm_memmap_table_entry *map)
{
	const struct guest_ram_range *high[GUEST_MEM_MAX_RANGES];
	unsigned int i, nr_high, nr = 0;

	memmap_add(map, &nr, 0, BOOT_LOW_RAM_END, XEN_HVM_MEMMAP_TYPE_RAM);
	memmap_add(map, &nr, BOOT_ACPI_GPA, BOOT_HIGH_GPA - BOOT_ACPI_GPA,
		   XEN_HVM_MEMMAP_TYPE_RESERVED);
	if (low_end > BOOT_HIGH_GPA)
		memmap_add(map, &nr, BOOT_HIGH_GPA, low_end - BOOT_HIGH_GPA,
			   XEN_HVM_MEMMAP_TYPE_RAM);
	nr_high = high_ranges(m, high);
	for (i = 0; i < nr_high; i++)
		memmap_add(map, &nr, high[i]->gpa, high[i]->size,
			   XEN_HVM_MEMMAP_TYPE_RAM);
	return nr;
}

static void write_start_info(const struct guest_mem *m, uint64_t low_end,
			     const struct initrd_place *initrd, int acpi)
{
	struct hvm_memmap_table_entry map[BOOT_MEMMAP_MAX];
	struct hvm_modlist_entry mod;
	struct hvm_start_info si;
	uint8_t *page = guest_mem_ptr(m, BOOT_START_INFO_GPA, BOOT_INFO_PAGE);

	memset(page, 0, BOOT_INFO_PAGE);
	memset(&si, 0, sizeof(si));
	si.magic = XEN_HVM_START_MAGIC_VALUE;
	si.version = 1;
	si.cmdline_paddr = BOOT_CMDLINE_GPA;
	si.rsdp_paddr = acpi ? BOOT_ACPI_GPA : 0;
	si.memmap_paddr = BOOT_MEMMAP_GPA;
	si.memmap_entries = build_memmap(m, low_end, map);
	memcpy(page + (BOOT_MEMMAP_GPA - BOOT_START_INFO_GPA), map,
	       si.memmap_entries * sizeof(map[0]));
	if (initrd->size) {
		memset(&mod, 0, sizeof(mod));
		mod.paddr = initrd->gpa;
		mod.size = initrd->size;
		si.nr_modules = 1;
		si.modlist_paddr = BOOT_MODLIST_GPA;
		memcpy(page + (BOOT_MODLIST_GPA - BOOT_START_INFO_GPA), &mod,
		       sizeof(mod));
	}
	memcpy(page, &si, sizeof(si));
}

/*
 * The area is cleared even without ACPI: a guest given no RSDP address
 * scans 0xE0000-0xFFFFF for one, and must not find stale bytes.
 */
static int write_acpi(const struct guest_mem *m, int acpi,
		      unsigned int nr_vcpus, char *err, size_t errlen)
{
	uint64_t size = BOOT_CONSOLE_GPA - BOOT_ACPI_GPA;
	uint8_t *area = guest_mem_ptr(m, BOOT_ACPI_GPA, size);

	memset(area, 0, size);
	if (acpi && acpi_build(area, size, BOOT_ACPI_GPA, nr_vcpus) < 0)
		return boot_fail(err, errlen,
				 "cannot build ACPI tables for %u vCPUs; hxen supports 1 to %d",
				 nr_vcpus, ACPI_MAX_VCPUS);
	return 0;
}

int boot_write_info(const struct guest_mem *m, const struct boot_image *img,
		    const struct boot_params_in *p, char *err, size_t errlen)
{
	struct initrd_place initrd = { 0, 0 };
	uint64_t low_end = guest_mem_low_end(m);

	/* The fixed boot data below 1 MiB has to land in RAM. */
	if (!guest_mem_ptr(m, 0, BOOT_HIGH_GPA))
		return boot_fail(err, errlen,
				 "guest RAM must start at 0 and span at least 1 MiB");
	if (p->acpi && (p->nr_vcpus == 0 || p->nr_vcpus > ACPI_MAX_VCPUS))
		return boot_fail(err, errlen,
				 "cannot build ACPI tables for %u vCPUs; hxen supports 1 to %d",
				 p->nr_vcpus, ACPI_MAX_VCPUS);
	if (write_cmdline(m, p->cmdline, err, errlen))
		return -1;
	if (p->initrd_path &&
	    initrd_load(m, min_u64(low_end, GIB_4), img, p->initrd_path,
			&initrd, err, errlen))
		return -1;
	write_start_info(m, low_end, &initrd, p->acpi);
	return write_acpi(m, p->acpi, p->nr_vcpus, err, errlen);
}
