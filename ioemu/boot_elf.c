// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel loading: read the kernel file, unwrap a bzImage, copy the ELF
 * segments to their physical addresses and find the PVH entry point in
 * Xen's ELF note.  The file is untrusted, so every offset and size in it
 * is checked before use, and structures are copied out with memcpy()
 * because nothing in the file is guaranteed to be aligned.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/elfnote.h>

#include "boot.h"
#include "kernel_cache.h"

#define MIB		(1ULL << 20)
#define GIB_4		0x100000000ULL
#define NOTE_HDR_SIZE	12	/* namesz, descsz, type: 32 bits each */

/* The parts of an ELF header the loader uses, for either class. */
struct elf_file {
	const uint8_t *data;
	size_t size;
	int is64;
	uint64_t phoff;
	unsigned int phnum;
	uint64_t shoff;
	unsigned int shnum;	/* 0 when the section table is unusable */
};

struct elf_seg {
	uint32_t type;
	uint64_t offset;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

struct elf_sect {
	uint32_t type;
	uint64_t offset;
	uint64_t size;
	uint64_t align;
};

int boot_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

ssize_t boot_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (uint8_t *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* Whether [off, off + len) lies inside size bytes, without overflowing. */
static int in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static uint64_t round_up_pow2(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

static uint64_t get_le(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = (v << 8) | p[bytes];
	return v;
}

static int elf_parse_header64(struct elf_file *ef, char *err, size_t errlen)
{
	Elf64_Ehdr eh;

	if (ef->size < sizeof(eh))
		return boot_fail(err, errlen,
				 "kernel ELF header is truncated (%zu bytes)",
				 ef->size);
	memcpy(&eh, ef->data, sizeof(eh));
	if (eh.e_machine != EM_X86_64)
		return boot_fail(err, errlen,
				 "kernel is a 64-bit ELF for machine %u, not x86-64",
				 eh.e_machine);
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return boot_fail(err, errlen,
				 "kernel ELF program header size is %u, expected %zu",
				 eh.e_phentsize, sizeof(Elf64_Phdr));
	ef->phoff = eh.e_phoff;
	ef->phnum = eh.e_phnum;
	ef->shoff = eh.e_shoff;
	ef->shnum = eh.e_shentsize == sizeof(Elf64_Shdr) ? eh.e_shnum : 0;
	return 0;
}

static int elf_parse_header32(struct elf_file *ef, char *err, size_t errlen)
{
	Elf32_Ehdr eh;

	if (ef->size < sizeof(eh))
		return boot_fail(err, errlen,
				 "kernel ELF header is truncated (%zu bytes)",
				 ef->size);
	memcpy(&eh, ef->data, sizeof(eh));
	if (eh.e_machine != EM_386)
		return boot_fail(err, errlen,
				 "kernel is a 32-bit ELF for machine %u, not x86",
				 eh.e_machine);
	if (eh.e_phentsize != sizeof(Elf32_Phdr))
		return boot_fail(err, errlen,
				 "kernel ELF program header size is %u, expected %zu",
				 eh.e_phentsize, sizeof(Elf32_Phdr));
	ef->phoff = eh.e_phoff;
	ef->phnum = eh.e_phnum;
	ef->shoff = eh.e_shoff;
	ef->shnum = eh.e_shentsize == sizeof(Elf32_Shdr) ? eh.e_shnum : 0;
	return 0;
}

static int elf_parse_header(struct elf_file *ef, const uint8_t *data,
			    size_t size, char *err, size_t errlen)
{
	size_t phentsize, shentsize;

	memset(ef, 0, sizeof(*ef));
	ef->data = data;
	ef->size = size;
	if (size < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG))
		return boot_fail(err, errlen, "kernel is not an ELF file");
	if (data[EI_DATA] != ELFDATA2LSB)
		return boot_fail(err, errlen,
				 "kernel is not a little-endian ELF file");
	if (data[EI_CLASS] == ELFCLASS64) {
		ef->is64 = 1;
		if (elf_parse_header64(ef, err, errlen))
			return -1;
	} else if (data[EI_CLASS] == ELFCLASS32) {
		if (elf_parse_header32(ef, err, errlen))
			return -1;
	} else {
		return boot_fail(err, errlen, "kernel has unknown ELF class %u",
				 data[EI_CLASS]);
	}

	/* PN_XNUM would mean the real count hides in section 0. */
	if (ef->phnum == 0 || ef->phnum >= PN_XNUM)
		return boot_fail(err, errlen,
				 "kernel ELF has %u program headers; expected 1 to %u",
				 ef->phnum, PN_XNUM - 1);
	phentsize = ef->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (!in_bounds(ef->phoff, (uint64_t)ef->phnum * phentsize, size))
		return boot_fail(err, errlen,
				 "kernel ELF program headers lie outside the file (truncated?)");

	/* Sections are only a fallback for finding the note: drop bad ones. */
	shentsize = ef->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	if (!in_bounds(ef->shoff, (uint64_t)ef->shnum * shentsize, size))
		ef->shnum = 0;
	return 0;
}

static void elf_get_seg(const struct elf_file *ef, unsigned int i,
			struct elf_seg *seg)
{
	if (ef->is64) {
		Elf64_Phdr ph;

		memcpy(&ph, ef->data + ef->phoff + (uint64_t)i * sizeof(ph),
		       sizeof(ph));
		seg->type = ph.p_type;
		seg->offset = ph.p_offset;
		seg->paddr = ph.p_paddr;
		seg->filesz = ph.p_filesz;
		seg->memsz = ph.p_memsz;
		seg->align = ph.p_align;
	} else {
		Elf32_Phdr ph;

		memcpy(&ph, ef->data + ef->phoff + (uint64_t)i * sizeof(ph),
		       sizeof(ph));
		seg->type = ph.p_type;
		seg->offset = ph.p_offset;
		seg->paddr = ph.p_paddr;
		seg->filesz = ph.p_filesz;
		seg->memsz = ph.p_memsz;
		seg->align = ph.p_align;
	}
}

static void elf_get_sect(const struct elf_file *ef, unsigned int i,
			 struct elf_sect *sect)
{
	if (ef->is64) {
		Elf64_Shdr sh;

		memcpy(&sh, ef->data + ef->shoff + (uint64_t)i * sizeof(sh),
		       sizeof(sh));
		sect->type = sh.sh_type;
		sect->offset = sh.sh_offset;
		sect->size = sh.sh_size;
		sect->align = sh.sh_addralign;
	} else {
		Elf32_Shdr sh;

		memcpy(&sh, ef->data + ef->shoff + (uint64_t)i * sizeof(sh),
		       sizeof(sh));
		sect->type = sh.sh_type;
		sect->offset = sh.sh_offset;
		sect->size = sh.sh_size;
		sect->align = sh.sh_addralign;
	}
}

/* The PVH entry from the note's value, which may be 32 or 64 bits wide. */
static int note_read_entry(const uint8_t *desc, uint32_t descsz,
			   uint64_t *entry, char *err, size_t errlen)
{
	if (descsz != 4 && descsz != 8)
		return boot_fail(err, errlen,
				 "kernel PVH entry note holds %u bytes; expected 4 or 8",
				 descsz);
	*entry = get_le(desc, descsz);
	return 1;
}

/*
 * Walk one block of ELF notes looking for Xen's PHYS32_ENTRY note.
 * Name and value start at offsets aligned to 4 bytes (what Linux emits)
 * unless the block says it is 8-byte aligned.  A malformed block ends the
 * walk: another block may still hold the note.
 * Returns 1 with *entry, 0 if not found, -1 with err for a bad PVH note.
 */
static int notes_find_pvh(const uint8_t *notes, uint64_t len, uint64_t align,
			  uint64_t *entry, char *err, size_t errlen)
{
	uint64_t pad = align == 8 ? 8 : 4;
	uint64_t off = 0;

	while (len - off >= NOTE_HDR_SIZE) {
		uint32_t namesz = (uint32_t)get_le(notes + off, 4);
		uint32_t descsz = (uint32_t)get_le(notes + off + 4, 4);
		uint32_t type = (uint32_t)get_le(notes + off + 8, 4);
		uint64_t name_off = off + NOTE_HDR_SIZE;
		uint64_t desc_off = round_up_pow2(name_off + namesz, pad);

		if (desc_off > len || descsz > len - desc_off)
			return 0;
		if (namesz == 4 && !memcmp(notes + name_off, "Xen", 4) &&
		    type == XEN_ELFNOTE_PHYS32_ENTRY)
			return note_read_entry(notes + desc_off, descsz, entry,
					       err, errlen);
		off = round_up_pow2(desc_off + descsz, pad);
		if (off > len)
			return 0;
	}
	return 0;
}

/* Look in PT_NOTE segments first, then in SHT_NOTE sections. */
static int elf_find_pvh_entry(const struct elf_file *ef, uint64_t *entry,
			      char *err, size_t errlen)
{
	unsigned int i;
	int found;

	for (i = 0; i < ef->phnum; i++) {
		struct elf_seg seg;

		elf_get_seg(ef, i, &seg);
		if (seg.type != PT_NOTE ||
		    !in_bounds(seg.offset, seg.filesz, ef->size))
			continue;
		found = notes_find_pvh(ef->data + seg.offset, seg.filesz,
				       seg.align, entry, err, errlen);
		if (found)
			return found;
	}
	for (i = 0; i < ef->shnum; i++) {
		struct elf_sect sect;

		elf_get_sect(ef, i, &sect);
		if (sect.type != SHT_NOTE ||
		    !in_bounds(sect.offset, sect.size, ef->size))
			continue;
		found = notes_find_pvh(ef->data + sect.offset, sect.size,
				       sect.align, entry, err, errlen);
		if (found)
			return found;
	}
	return boot_fail(err, errlen,
			 "kernel has no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY); it needs CONFIG_PVH=y");
}

static int seg_check(const struct guest_mem *m, const struct elf_file *ef,
		     const struct elf_seg *seg, char *err, size_t errlen)
{
	uint64_t end = seg->paddr + seg->memsz;

	if (seg->filesz > seg->memsz)
		return boot_fail(err, errlen,
				 "kernel segment at 0x%llx has file size 0x%llx larger than its memory size 0x%llx",
				 (unsigned long long)seg->paddr,
				 (unsigned long long)seg->filesz,
				 (unsigned long long)seg->memsz);
	if (!in_bounds(seg->offset, seg->filesz, ef->size))
		return boot_fail(err, errlen,
				 "kernel segment data at file offset 0x%llx (+0x%llx) lies outside the file (truncated?)",
				 (unsigned long long)seg->offset,
				 (unsigned long long)seg->filesz);
	if (end < seg->paddr)
		return boot_fail(err, errlen,
				 "kernel segment at 0x%llx with size 0x%llx wraps around the address space",
				 (unsigned long long)seg->paddr,
				 (unsigned long long)seg->memsz);
	/* Below 1 MiB live the start info, ACPI tables and ring pages. */
	if (seg->paddr < BOOT_HIGH_GPA)
		return boot_fail(err, errlen,
				 "kernel segment at 0x%llx starts below 1 MiB, where hxen keeps boot data",
				 (unsigned long long)seg->paddr);
	if (!guest_mem_ptr(m, seg->paddr, seg->memsz))
		return boot_fail(err, errlen,
				 "kernel segment at 0x%llx-0x%llx is outside guest RAM (%llu MiB); give the VM more memory",
				 (unsigned long long)seg->paddr,
				 (unsigned long long)end,
				 (unsigned long long)(m->total / MIB));
	return 0;
}

/* Check every loadable segment and find the span they cover. */
static int elf_check_segments(const struct guest_mem *m,
			      const struct elf_file *ef,
			      struct boot_image *img, char *err, size_t errlen)
{
	unsigned int i, nr_loads = 0;

	img->kernel_start = UINT64_MAX;
	img->kernel_end = 0;
	for (i = 0; i < ef->phnum; i++) {
		struct elf_seg seg;

		elf_get_seg(ef, i, &seg);
		if (seg.type != PT_LOAD || seg.memsz == 0)
			continue;
		if (seg_check(m, ef, &seg, err, errlen))
			return -1;
		if (seg.paddr < img->kernel_start)
			img->kernel_start = seg.paddr;
		if (seg.paddr + seg.memsz > img->kernel_end)
			img->kernel_end = seg.paddr + seg.memsz;
		nr_loads++;
	}
	if (!nr_loads)
		return boot_fail(err, errlen,
				 "kernel ELF has no loadable segments");
	return 0;
}

static void elf_copy_segments(const struct guest_mem *m,
			      const struct elf_file *ef)
{
	unsigned int i;

	for (i = 0; i < ef->phnum; i++) {
		struct elf_seg seg;
		uint8_t *dst;

		elf_get_seg(ef, i, &seg);
		if (seg.type != PT_LOAD || seg.memsz == 0)
			continue;
		dst = guest_mem_ptr(m, seg.paddr, seg.memsz);
		memcpy(dst, ef->data + seg.offset, seg.filesz);
		memset(dst + seg.filesz, 0, seg.memsz - seg.filesz);
	}
}

int boot_load_elf(const struct guest_mem *m, const uint8_t *elf, size_t size,
		  struct boot_image *img, char *err, size_t errlen)
{
	struct elf_file ef;
	struct boot_image found;

	if (elf_parse_header(&ef, elf, size, err, errlen) ||
	    elf_check_segments(m, &ef, &found, err, errlen) ||
	    elf_find_pvh_entry(&ef, &found.entry, err, errlen) < 0)
		return -1;
	/* The entry runs in 32-bit mode, from bytes this loader put there. */
	if (found.entry >= GIB_4 || found.entry < found.kernel_start ||
	    found.entry >= found.kernel_end)
		return boot_fail(err, errlen,
				 "kernel PVH entry point 0x%llx lies outside its loaded segments 0x%llx-0x%llx",
				 (unsigned long long)found.entry,
				 (unsigned long long)found.kernel_start,
				 (unsigned long long)found.kernel_end);
	elf_copy_segments(m, &ef);
	*img = found;
	return 0;
}

/* Read the whole kernel file into a new buffer, refusing absurd sizes. */
static int read_kernel_file(const char *path, uint8_t **data, size_t *size,
			    char *err, size_t errlen)
{
	struct stat st;
	uint8_t *buf;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return boot_fail(err, errlen, "cannot open kernel %s: %s", path,
				 strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return boot_fail(err, errlen,
				 "kernel %s is not a regular file", path);
	}
	if ((uint64_t)st.st_size > BOOT_KERNEL_FILE_MAX || st.st_size < 64) {
		close(fd);
		return boot_fail(err, errlen,
				 "kernel %s is %lld bytes; hxen reads kernels of 64 bytes to %llu MiB",
				 path, (long long)st.st_size,
				 BOOT_KERNEL_FILE_MAX / MIB);
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		close(fd);
		return boot_fail(err, errlen, "out of memory reading kernel %s",
				 path);
	}
	got = boot_read_full(fd, buf, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		free(buf);
		return boot_fail(err, errlen, "cannot read kernel %s: %s", path,
				 got < 0 ? strerror(errno) : "file shrank");
	}
	*data = buf;
	*size = (size_t)st.st_size;
	return 0;
}

/*
 * A bzImage: its vmlinux from the kernel cache in cache_dir (NULL: no
 * cache) when it was booted before, else decompressed (and then cached).
 */
static int load_bzimage(const struct guest_mem *m, const uint8_t *file,
			size_t size, const char *cache_dir,
			struct boot_image *img, char *err, size_t errlen)
{
	struct kcache_hit hit;
	uint8_t *elf;
	size_t elf_size;
	int ret;

	if (cache_dir && !kcache_get(cache_dir, file, size, &hit)) {
		ret = boot_load_elf(m, hit.elf, hit.elf_len, img, err, errlen);
		kcache_release(&hit);
		return ret;
	}
	if (boot_unpack_bzimage(file, size, &elf, &elf_size, err, errlen))
		return -1;
	if (elf_size < SELFMAG || memcmp(elf, ELFMAG, SELFMAG)) {
		ret = boot_fail(err, errlen,
				"bzImage payload is not an ELF kernel after decompression");
	} else {
		ret = boot_load_elf(m, elf, elf_size, img, err, errlen);
		/* Only a kernel that loaded is worth keeping. */
		if (!ret && cache_dir)
			kcache_put(cache_dir, file, size, elf, elf_size);
	}
	free(elf);
	return ret;
}

int boot_load_kernel_cached(const struct guest_mem *m, const char *path,
			    const char *cache_dir, struct boot_image *img,
			    char *err, size_t errlen)
{
	uint8_t *file = NULL;
	size_t size = 0;
	int ret;

	if (read_kernel_file(path, &file, &size, err, errlen))
		return -1;
	if (!memcmp(file, ELFMAG, SELFMAG))
		ret = boot_load_elf(m, file, size, img, err, errlen);
	else if (boot_is_bzimage(file, size))
		ret = load_bzimage(m, file, size, cache_dir, img, err, errlen);
	else
		ret = boot_fail(err, errlen,
				"kernel %s is neither an ELF vmlinux nor a bzImage",
				path);
	free(file);
	return ret;
}

int boot_load_kernel(const struct guest_mem *m, const char *path,
		     struct boot_image *img, char *err, size_t errlen)
{
	return boot_load_kernel_cached(m, path, NULL, img, err, errlen);
}
