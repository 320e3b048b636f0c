// SPDX-License-Identifier: GPL-2.0
/*
 * The guest boot loader: kernels built here as small ELF files (and
 * wrapped in fake bzImages with each compressor), broken in every way the
 * loader has to notice, and the start info, memory map and initrd that
 * boot_write_info() leaves in guest RAM.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <lzma.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <zlib.h>
#include <zstd.h>

#include "boot.h"
#include "test.h"

int test_failures;

#define MIB		(1ULL << 20)
#define GIB_4		0x100000000ULL
#define LOW_RAM		(64 * MIB)
#define HIGH_RAM	(16 * MIB)
#define KERNEL_GPA	(16 * MIB)	/* where Linux links itself */
#define SEG_FILESZ	0x3000
#define SEG_MEMSZ	0x5000		/* 0x2000 bytes of bss */
#define ENTRY_OFFSET	0x123

/* Layout of the ELF files built here. */
#define ELF_PHDR_OFF	0x40
#define ELF_NOTES_OFF	0x100
#define ELF_SHDR_OFF	0x200
#define ELF_DATA_OFF	0x400	/* segment data comes last */

#ifndef REAL_KERNELS
#define REAL_KERNELS	"/var/cache/hxen-test/kernels/*/boot/vmlinuz-*"
#endif

static char tmpdir[] = "/tmp/hxen-test-boot-XXXXXX";
static char err[256];

struct ram {
	struct guest_mem m;
	size_t low_size;
	size_t high_size;
};

struct blob {
	uint8_t *data;
	size_t size;
};

struct elf_spec {
	int elf32;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t entry;
	unsigned int desc_size;		/* 0: no PVH note */
	int note_in_section;		/* SHT_NOTE section, no PT_NOTE */
	unsigned int note_align;	/* 4 or 8 */
};

/* ------------------------------------------------------------------ */
/* Guest RAM and files                                                 */

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

/* Low RAM from 0, and optionally a range at 4 GiB. */
static void ram_init(struct ram *r, size_t low, size_t high)
{
	memset(r, 0, sizeof(*r));
	r->low_size = low;
	r->high_size = high;
	r->m.r[0].gpa = 0;
	r->m.r[0].size = low;
	r->m.r[0].host = map_anon(low);
	r->m.nr = 1;
	if (high) {
		r->m.r[1].gpa = GIB_4;
		r->m.r[1].size = high;
		r->m.r[1].host = map_anon(high);
		r->m.nr = 2;
	}
	r->m.total = low + high;
}

static void ram_free(struct ram *r)
{
	munmap(r->m.r[0].host, r->low_size);
	if (r->high_size)
		munmap(r->m.r[1].host, r->high_size);
}

static uint8_t *gpa(struct ram *r, uint64_t addr)
{
	return r->m.r[0].host + addr;
}

static void tmp_path(char *path, size_t len, const char *name)
{
	snprintf(path, len, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static void *xmalloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p) {
		perror("calloc");
		exit(2);
	}
	return p;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint8_t seg_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/* ------------------------------------------------------------------ */
/* Building ELF kernels                                                */

static struct elf_spec default_spec(void)
{
	struct elf_spec s = {
		.paddr = KERNEL_GPA,
		.filesz = SEG_FILESZ,
		.memsz = SEG_MEMSZ,
		.entry = KERNEL_GPA + ENTRY_OFFSET,
		.desc_size = 8,
		.note_align = 4,
	};

	return s;
}

static size_t align_to(size_t v, size_t align)
{
	return (v + align - 1) / align * align;
}

static size_t put_note(uint8_t *block, size_t off, const char *name,
		       uint32_t type, const void *desc, uint32_t descsz,
		       unsigned int align)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;

	put32(block + off, namesz);
	put32(block + off + 4, descsz);
	put32(block + off + 8, type);
	memcpy(block + off + 12, name, namesz);
	off = align_to(off + 12 + namesz, align);
	memcpy(block + off, desc, descsz);
	return align_to(off + descsz, align);
}

/* Other notes first, so the loader has to walk past them. */
static size_t put_notes(uint8_t *block, const struct elf_spec *s)
{
	uint8_t build_id[20];
	uint64_t entry = s->entry;
	size_t len;

	memset(build_id, 0x11, sizeof(build_id));
	len = put_note(block, 0, "GNU", NT_GNU_BUILD_ID, build_id,
		       sizeof(build_id), s->note_align);
	len = put_note(block, len, "Xen", 6, "linux", 6, s->note_align);
	if (s->desc_size)
		len = put_note(block, len, "Xen", 18, &entry, s->desc_size,
			       s->note_align);
	return len;
}

static void put_headers64(uint8_t *f, const struct elf_spec *s,
			  size_t notes_len)
{
	Elf64_Ehdr eh = { .e_type = ET_EXEC, .e_machine = EM_X86_64 };
	Elf64_Phdr load = { .p_type = PT_LOAD, .p_offset = ELF_DATA_OFF };
	Elf64_Phdr note = { .p_type = PT_NOTE, .p_offset = ELF_NOTES_OFF };
	Elf64_Shdr sh = { .sh_type = SHT_NOTE, .sh_offset = ELF_NOTES_OFF };

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_version = EV_CURRENT;
	eh.e_entry = s->paddr;
	eh.e_phoff = ELF_PHDR_OFF;
	eh.e_shoff = ELF_SHDR_OFF;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(load);
	eh.e_phnum = s->note_in_section ? 1 : 2;
	eh.e_shentsize = sizeof(sh);
	eh.e_shnum = s->note_in_section ? 2 : 0;
	memcpy(f, &eh, sizeof(eh));

	load.p_vaddr = 0xffffffff80000000ULL + s->paddr;
	load.p_paddr = s->paddr;
	load.p_filesz = s->filesz;
	load.p_memsz = s->memsz;
	load.p_align = 0x1000;
	memcpy(f + ELF_PHDR_OFF, &load, sizeof(load));
	note.p_filesz = note.p_memsz = notes_len;
	note.p_align = s->note_align;
	memcpy(f + ELF_PHDR_OFF + sizeof(load), &note, sizeof(note));

	/* Section 0 stays the null section. */
	sh.sh_size = notes_len;
	sh.sh_addralign = s->note_align;
	memcpy(f + ELF_SHDR_OFF + sizeof(sh), &sh, sizeof(sh));
}

static void put_headers32(uint8_t *f, const struct elf_spec *s,
			  size_t notes_len)
{
	Elf32_Ehdr eh = { .e_type = ET_EXEC, .e_machine = EM_386 };
	Elf32_Phdr load = { .p_type = PT_LOAD, .p_offset = ELF_DATA_OFF };
	Elf32_Phdr note = { .p_type = PT_NOTE, .p_offset = ELF_NOTES_OFF };
	Elf32_Shdr sh = { .sh_type = SHT_NOTE, .sh_offset = ELF_NOTES_OFF };

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_version = EV_CURRENT;
	eh.e_entry = (uint32_t)s->paddr;
	eh.e_phoff = ELF_PHDR_OFF;
	eh.e_shoff = ELF_SHDR_OFF;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(load);
	eh.e_phnum = s->note_in_section ? 1 : 2;
	eh.e_shentsize = sizeof(sh);
	eh.e_shnum = s->note_in_section ? 2 : 0;
	memcpy(f, &eh, sizeof(eh));

	load.p_vaddr = 0xc0000000U + (uint32_t)s->paddr;
	load.p_paddr = (uint32_t)s->paddr;
	load.p_filesz = (uint32_t)s->filesz;
	load.p_memsz = (uint32_t)s->memsz;
	load.p_align = 0x1000;
	memcpy(f + ELF_PHDR_OFF, &load, sizeof(load));
	note.p_filesz = note.p_memsz = (uint32_t)notes_len;
	note.p_align = s->note_align;
	memcpy(f + ELF_PHDR_OFF + sizeof(load), &note, sizeof(note));

	sh.sh_size = (uint32_t)notes_len;
	sh.sh_addralign = s->note_align;
	memcpy(f + ELF_SHDR_OFF + sizeof(sh), &sh, sizeof(sh));
}

static struct blob build_elf(const struct elf_spec *s)
{
	struct blob b;
	size_t i, notes_len;

	b.size = ELF_DATA_OFF + s->filesz;
	b.data = xmalloc(b.size);
	notes_len = put_notes(b.data + ELF_NOTES_OFF, s);
	if (s->elf32)
		put_headers32(b.data, s, notes_len);
	else
		put_headers64(b.data, s, notes_len);
	for (i = 0; i < s->filesz; i++)
		b.data[ELF_DATA_OFF + i] = seg_byte(i);
	return b;
}

/* Field offsets in the ELF64 files, for breaking them. */
#define EH64(field)	offsetof(Elf64_Ehdr, field)
#define LOAD64(field)	(ELF_PHDR_OFF + offsetof(Elf64_Phdr, field))

/* ------------------------------------------------------------------ */
/* Compressing and wrapping in a bzImage                               */

static void append_size(struct blob *b, size_t used, size_t orig_size)
{
	put32(b->data + used, (uint32_t)orig_size);
	b->size = used + 4;
}

/* The payload as the kernel build makes it: stream + 4-byte size. */
static struct blob compress_gzip(const struct blob *in)
{
	struct blob out;
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		exit(2);
	out.data = xmalloc(deflateBound(&zs, in->size) + 4);
	zs.next_in = in->data;
	zs.avail_in = (uInt)in->size;
	zs.next_out = out.data;
	zs.avail_out = (uInt)deflateBound(&zs, in->size);
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		exit(2);
	append_size(&out, zs.total_out, in->size);
	deflateEnd(&zs);
	return out;
}

static struct blob compress_xz(const struct blob *in)
{
	size_t bound = lzma_stream_buffer_bound(in->size), used = 0;
	struct blob out;

	out.data = xmalloc(bound + 4);
	if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in->data,
				    in->size, out.data, &used, bound) !=
	    LZMA_OK)
		exit(2);
	append_size(&out, used, in->size);
	return out;
}

static struct blob compress_zstd(const struct blob *in)
{
	size_t bound = ZSTD_compressBound(in->size), used;
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	struct blob out;

	out.data = xmalloc(bound + 4);
	/* The zstd tool checksums its frames; so does the kernel's. */
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 19);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	used = ZSTD_compress2(cctx, out.data, bound, in->data, in->size);
	if (ZSTD_isError(used))
		exit(2);
	ZSTD_freeCCtx(cctx);
	append_size(&out, used, in->size);
	return out;
}

#define BZ_PAYLOAD_REL	0x80	/* payload_offset used here */

static struct blob make_bzimage(const struct blob *payload,
				uint8_t setup_sects, uint16_t version)
{
	size_t pm_start = ((setup_sects ? setup_sects : 4) + 1) * 512;
	struct blob b;

	/* Trailing bytes after the payload, as in a real bzImage. */
	b.size = pm_start + BZ_PAYLOAD_REL + payload->size + 0x40;
	b.data = xmalloc(b.size);
	memset(b.data + pm_start + BZ_PAYLOAD_REL + payload->size, 0xEE,
	       0x40);
	b.data[0x1f1] = setup_sects;
	memcpy(b.data + 0x202, "HdrS", 4);
	put16(b.data + 0x206, version);
	put32(b.data + 0x248, BZ_PAYLOAD_REL);
	put32(b.data + 0x24c, (uint32_t)payload->size);
	memcpy(b.data + pm_start + BZ_PAYLOAD_REL, payload->data,
	       payload->size);
	return b;
}

/* ------------------------------------------------------------------ */
/* Loading kernels                                                     */

/* Load ELF bytes and check what landed in RAM. */
static void expect_loads(const char *name, const struct elf_spec *s,
			 const struct blob *elf)
{
	struct ram r;
	struct boot_image img = { 0, 0, 0 };
	char what[128];
	size_t i, bad = 0;
	int ret;

	ram_init(&r, LOW_RAM, 0);
	/* Junk where the bss goes and just after it. */
	memset(gpa(&r, s->paddr), 0xAA, s->memsz + 0x1000);
	ret = boot_load_elf(&r.m, elf->data, elf->size, &img, err,
			    sizeof(err));
	snprintf(what, sizeof(what), "boot/%s_loads", name);
	EXPECT(what, ret == 0);
	if (ret)
		printf("  error: %s\n", err);
	for (i = 0; i < s->filesz; i++)
		bad += gpa(&r, s->paddr)[i] != seg_byte(i);
	snprintf(what, sizeof(what), "boot/%s_bytes_equal", name);
	EXPECT(what, bad == 0);
	for (i = s->filesz, bad = 0; i < s->memsz; i++)
		bad += gpa(&r, s->paddr)[i] != 0;
	snprintf(what, sizeof(what), "boot/%s_bss_zeroed", name);
	EXPECT(what, bad == 0);
	snprintf(what, sizeof(what), "boot/%s_no_overrun", name);
	EXPECT(what, gpa(&r, s->paddr)[s->memsz] == 0xAA);
	snprintf(what, sizeof(what), "boot/%s_entry", name);
	EXPECT(what, img.entry == s->entry);
	snprintf(what, sizeof(what), "boot/%s_span", name);
	EXPECT(what, img.kernel_start == s->paddr &&
		     img.kernel_end == s->paddr + s->memsz);
	ram_free(&r);
}

static int err_has(const char *words)
{
	return strstr(err, words) != NULL;
}

/* Load must fail with a message holding both word lists. */
static void expect_elf_fails(const char *name, const struct blob *elf,
			     const char *w1, const char *w2)
{
	struct ram r;
	struct boot_image img;
	char what[128];
	int ret;

	ram_init(&r, LOW_RAM, 0);
	err[0] = 0;
	ret = boot_load_elf(&r.m, elf->data, elf->size, &img, err,
			    sizeof(err));
	snprintf(what, sizeof(what), "boot/%s_refused", name);
	EXPECT(what, ret == -1 && err_has(w1) && (!w2 || err_has(w2)));
	if (ret != -1 || !err_has(w1) || (w2 && !err_has(w2)))
		printf("  got %d: %s\n", ret, err);
	ram_free(&r);
}

static void expect_file_fails(const char *name, const char *path,
			      const char *w1, const char *w2)
{
	struct ram r;
	struct boot_image img;
	char what[128];
	int ret;

	ram_init(&r, LOW_RAM, 0);
	err[0] = 0;
	ret = boot_load_kernel(&r.m, path, &img, err, sizeof(err));
	snprintf(what, sizeof(what), "boot/%s_refused", name);
	EXPECT(what, ret == -1 && err_has(w1) && (!w2 || err_has(w2)));
	if (ret != -1 || !err_has(w1) || (w2 && !err_has(w2)))
		printf("  got %d: %s\n", ret, err);
	ram_free(&r);
}

static void test_elf_good(void)
{
	struct elf_spec s = default_spec();
	struct blob b;

	b = build_elf(&s);
	expect_loads("elf64_desc8", &s, &b);
	free(b.data);

	s.desc_size = 4;
	b = build_elf(&s);
	expect_loads("elf64_desc4", &s, &b);
	free(b.data);

	s = default_spec();
	s.note_align = 8;
	b = build_elf(&s);
	expect_loads("elf64_note_align8", &s, &b);
	free(b.data);

	s = default_spec();
	s.note_in_section = 1;
	b = build_elf(&s);
	expect_loads("elf64_note_in_section", &s, &b);
	free(b.data);

	s = default_spec();
	s.elf32 = 1;
	s.desc_size = 4;
	b = build_elf(&s);
	expect_loads("elf32", &s, &b);
	free(b.data);

	s = default_spec();
	s.paddr = BOOT_HIGH_GPA;
	s.entry = BOOT_HIGH_GPA;
	s.memsz = s.filesz;
	b = build_elf(&s);
	expect_loads("elf64_at_1mib_no_bss", &s, &b);
	free(b.data);
}

/* Build from a spec, break one thing, expect the words. */
static void elf_case(const char *name, const struct elf_spec *s,
		     size_t patch_off, unsigned int patch_len,
		     uint64_t patch_val, const char *w1, const char *w2)
{
	struct blob b = build_elf(s);

	if (patch_len == 2)
		put16(b.data + patch_off, (uint16_t)patch_val);
	else if (patch_len == 4)
		put32(b.data + patch_off, (uint32_t)patch_val);
	else if (patch_len == 8)
		put64(b.data + patch_off, patch_val);
	else if (patch_len == 1)
		b.data[patch_off] = (uint8_t)patch_val;
	expect_elf_fails(name, &b, w1, w2);
	free(b.data);
}

static void test_elf_bad(void)
{
	struct elf_spec s = default_spec();

	s.desc_size = 0;
	elf_case("no_pvh_note", &s, 0, 0, 0, "XEN_ELFNOTE_PHYS32_ENTRY",
		 "CONFIG_PVH=y");
	s = default_spec();
	s.desc_size = 2;
	elf_case("note_desc_2_bytes", &s, 0, 0, 0, "4 or 8", NULL);

	s = default_spec();
	s.paddr = LOW_RAM - 0x1000;
	s.entry = s.paddr;
	elf_case("segment_past_ram", &s, 0, 0, 0, "outside guest RAM (64 MiB)",
		 "give the VM more memory");
	s.paddr = 0xC0000000ULL;
	s.entry = s.paddr;
	elf_case("segment_in_hole", &s, 0, 0, 0, "outside guest RAM", NULL);
	s = default_spec();
	s.paddr = 0x8000;
	s.entry = s.paddr;
	elf_case("segment_below_1mib", &s, 0, 0, 0, "below 1 MiB", NULL);
	s = default_spec();
	s.filesz = SEG_MEMSZ + 0x10;
	elf_case("filesz_over_memsz", &s, 0, 0, 0, "file size", NULL);
	s = default_spec();
	s.entry = s.paddr + s.memsz + 0x1000;
	elf_case("entry_outside", &s, 0, 0, 0, "outside its loaded segments",
		 NULL);
	s.entry = GIB_4 + s.paddr;
	elf_case("entry_above_4g", &s, 0, 0, 0, "outside its loaded segments",
		 NULL);

	s = default_spec();
	elf_case("paddr_wraps", &s, LOAD64(p_paddr), 8, 0xFFFFFFFFFFFFF000ULL,
		 "wraps", NULL);
	elf_case("seg_offset_past_file", &s, LOAD64(p_offset), 8,
		 ELF_DATA_OFF + 0x100, "outside the file", NULL);
	elf_case("seg_offset_huge", &s, LOAD64(p_offset), 8, ~0ULL,
		 "outside the file", NULL);
	elf_case("no_load_segment", &s, LOAD64(p_type), 4, PT_NULL,
		 "no loadable segments", NULL);
	elf_case("wrong_machine", &s, EH64(e_machine), 2, EM_AARCH64,
		 "not x86", NULL);
	elf_case("bad_class", &s, EI_CLASS, 1, 7, "ELF class", NULL);
	elf_case("big_endian", &s, EI_DATA, 1, ELFDATA2MSB, "little-endian",
		 NULL);
	elf_case("bad_phentsize", &s, EH64(e_phentsize), 2, 40,
		 "program header size", NULL);
	elf_case("phoff_past_file", &s, EH64(e_phoff), 8, 0x10000,
		 "program headers lie outside", NULL);
	elf_case("phnum_zero", &s, EH64(e_phnum), 2, 0, "program headers",
		 NULL);
	elf_case("phnum_xnum", &s, EH64(e_phnum), 2, PN_XNUM,
		 "program headers", NULL);
	elf_case("not_elf", &s, 0, 4, 0x464c457e, "not an ELF", NULL);

	/* A broken section table only loses the fallback. */
	s.note_in_section = 1;
	elf_case("note_section_table_past_file", &s, EH64(e_shoff), 8,
		 0x100000, "CONFIG_PVH=y", NULL);
	elf_case("note_section_huge_size", &s,
		 ELF_SHDR_OFF + sizeof(Elf64_Shdr) +
		 offsetof(Elf64_Shdr, sh_size), 8, ~0ULL, "CONFIG_PVH=y",
		 NULL);
	s.note_in_section = 0;
	/* The Xen note's namesz, far too large: the walk must stop. */
	elf_case("note_namesz_huge", &s, ELF_NOTES_OFF + 12 + 4 + 20 + 12 + 4 +
		 8, 4, 0xFFFFFFF0U, "CONFIG_PVH=y", NULL);
}

/* Every prefix of a valid kernel must be refused, never crash. */
static void test_elf_truncated(int elf32)
{
	struct elf_spec s = default_spec();
	struct ram r;
	struct boot_image img;
	struct blob b;
	size_t len, accepted = 0;

	s.elf32 = elf32;
	b = build_elf(&s);
	ram_init(&r, LOW_RAM, 0);
	for (len = 0; len < b.size; len++) {
		uint8_t *copy = xmalloc(len);

		/* An exact-size copy, so ASan sees any read past the end. */
		memcpy(copy, b.data, len);
		if (boot_load_elf(&r.m, copy, len, &img, err,
				  sizeof(err)) == 0)
			accepted++;
		free(copy);
	}
	EXPECT(elf32 ? "boot/elf32_every_truncation_refused" :
		       "boot/elf64_every_truncation_refused", accepted == 0);
	ram_free(&r);
	free(b.data);
}

static void test_kernel_files(void)
{
	struct elf_spec s = default_spec();
	struct blob b = build_elf(&s);
	struct boot_image img = { 0, 0, 0 };
	char path[256];
	struct ram r;
	int ret;

	tmp_path(path, sizeof(path), "vmlinux");
	write_file(path, b.data, b.size);
	ram_init(&r, LOW_RAM, 0);
	ret = boot_load_kernel(&r.m, path, &img, err, sizeof(err));
	EXPECT("boot/elf_file_loads", ret == 0 && img.entry == s.entry &&
	       gpa(&r, KERNEL_GPA)[1] == seg_byte(1));
	ram_free(&r);

	tmp_path(path, sizeof(path), "vmlinux-short");
	write_file(path, b.data, b.size - 1);
	expect_file_fails("elf_file_truncated", path, "outside the file",
			  NULL);
	write_file(path, b.data, 100);
	expect_file_fails("elf_file_cut_in_headers", path,
			  "program headers lie outside", NULL);
	write_file(path, b.data, 10);
	expect_file_fails("elf_file_tiny", path, "10 bytes", NULL);
	write_file(path, "", 0);
	expect_file_fails("empty_file", path, "0 bytes", NULL);
	free(b.data);

	b.size = 4096;
	b.data = xmalloc(b.size);
	memset(b.data, 0x5C, b.size);
	tmp_path(path, sizeof(path), "garbage");
	write_file(path, b.data, b.size);
	expect_file_fails("garbage_file", path, "neither an ELF", "bzImage");
	free(b.data);

	tmp_path(path, sizeof(path), "missing");
	expect_file_fails("missing_file", path, "cannot open kernel", NULL);
	expect_file_fails("directory", tmpdir, "not a regular file", NULL);
}

/* ------------------------------------------------------------------ */
/* bzImages                                                            */

static void expect_bzimage_loads(const char *name, const struct blob *bz,
				 const struct elf_spec *s)
{
	struct boot_image img = { 0, 0, 0 };
	char path[256], what[128];
	struct ram r;
	size_t i, bad = 0;
	int ret;

	tmp_path(path, sizeof(path), "bzImage");
	write_file(path, bz->data, bz->size);
	ram_init(&r, LOW_RAM, 0);
	memset(gpa(&r, s->paddr), 0xAA, s->memsz);
	ret = boot_load_kernel(&r.m, path, &img, err, sizeof(err));
	snprintf(what, sizeof(what), "boot/bzimage_%s_loads", name);
	EXPECT(what, ret == 0);
	if (ret)
		printf("  error: %s\n", err);
	for (i = 0; i < s->filesz; i++)
		bad += gpa(&r, s->paddr)[i] != seg_byte(i);
	for (; i < s->memsz; i++)
		bad += gpa(&r, s->paddr)[i] != 0;
	snprintf(what, sizeof(what), "boot/bzimage_%s_bytes_and_bss", name);
	EXPECT(what, bad == 0);
	snprintf(what, sizeof(what), "boot/bzimage_%s_entry", name);
	EXPECT(what, img.entry == s->entry &&
		     img.kernel_end == s->paddr + s->memsz);
	ram_free(&r);
}

static void expect_bzimage_fails(const char *name, const struct blob *bz,
				 const char *w1, const char *w2)
{
	char path[256];

	tmp_path(path, sizeof(path), "bzImage-bad");
	write_file(path, bz->data, bz->size);
	expect_file_fails(name, path, w1, w2);
}

typedef struct blob (*compress_fn)(const struct blob *in);

static const struct {
	const char *name;
	compress_fn compress;
} compressors[] = {
	{ "gzip", compress_gzip },
	{ "xz", compress_xz },
	{ "zstd", compress_zstd },
};

#define NR_COMPRESSORS	(sizeof(compressors) / sizeof(compressors[0]))

/* Truncated and corrupted streams of one compressor. */
static void test_bad_stream(unsigned int c, const struct blob *payload)
{
	struct blob cut = { payload->data, payload->size / 2 };
	struct blob bad = { xmalloc(payload->size), payload->size };
	struct blob bz;
	char name[64];

	bz = make_bzimage(&cut, 3, 0x020f);
	snprintf(name, sizeof(name), "bzimage_%s_truncated_stream",
		 compressors[c].name);
	expect_bzimage_fails(name, &bz, compressors[c].name, "truncated");
	free(bz.data);

	memcpy(bad.data, payload->data, payload->size);
	bad.data[payload->size / 2] ^= 0x55;
	bad.data[payload->size / 2 + 1] ^= 0xA3;
	bz = make_bzimage(&bad, 3, 0x020f);
	snprintf(name, sizeof(name), "bzimage_%s_corrupt_stream",
		 compressors[c].name);
	expect_bzimage_fails(name, &bz, compressors[c].name, NULL);
	free(bz.data);
	free(bad.data);
}

static void test_bzimage_compressors(void)
{
	struct elf_spec s = default_spec();
	struct blob elf, payload, bz;
	unsigned int c;
	char name[64];

	/* Bigger than the first output buffer guess, to make it grow. */
	s.filesz = 0x180000;
	s.memsz = 0x200000;
	elf = build_elf(&s);
	for (c = 0; c < NR_COMPRESSORS; c++) {
		payload = compressors[c].compress(&elf);
		bz = make_bzimage(&payload, 27, 0x020f);
		expect_bzimage_loads(compressors[c].name, &bz, &s);
		free(bz.data);

		/* A wrong recorded size only costs some reallocations. */
		put32(payload.data + payload.size - 4, 1);
		bz = make_bzimage(&payload, 0, 0x0208);
		snprintf(name, sizeof(name), "%s_small_size_hint_sects0",
			 compressors[c].name);
		expect_bzimage_loads(name, &bz, &s);
		free(bz.data);

		test_bad_stream(c, &payload);
		free(payload.data);
	}
	free(elf.data);
}

/* Whether guest RAM holds the default segment and zeroed bss. */
static int segment_loaded(struct ram *r, const struct elf_spec *s)
{
	size_t i, bad = 0;

	for (i = 0; i < s->filesz; i++)
		bad += gpa(r, s->paddr)[i] != seg_byte(i);
	for (; i < s->memsz; i++)
		bad += gpa(r, s->paddr)[i] != 0;
	return bad == 0;
}

/* Load path through the kernel cache in cache; 0 or -1. */
static int load_cached(const char *path, const char *cache,
		       const struct elf_spec *s, int *loaded)
{
	struct boot_image img = { 0, 0, 0 };
	struct ram r;
	int ret;

	ram_init(&r, LOW_RAM, 0);
	memset(gpa(&r, s->paddr), 0xAA, s->memsz);
	ret = boot_load_kernel_cached(&r.m, path, cache, &img, err,
				      sizeof(err));
	*loaded = !ret && img.entry == s->entry && segment_loaded(&r, s);
	ram_free(&r);
	return ret;
}

/*
 * A bzImage booted through the kernel cache: the first load stores the
 * vmlinux, the next ones come from it, and a damaged entry is replaced
 * by a fresh decompression instead of being booted.
 */
static void test_bzimage_cache(void)
{
	struct elf_spec s = default_spec();
	struct blob elf = build_elf(&s), payload = compress_xz(&elf), bz;
	char path[256], cache[256], entry[512];
	glob_t g;
	int loaded, fd, ret;
	uint8_t byte, orig;

	bz = make_bzimage(&payload, 27, 0x020f);
	tmp_path(path, sizeof(path), "bzImage");
	write_file(path, bz.data, bz.size);
	tmp_path(cache, sizeof(cache), "cache");

	ret = load_cached(path, cache, &s, &loaded);
	snprintf(entry, sizeof(entry), "%s/*.kernel", cache);
	EXPECT("boot/cache_first_load", ret == 0 && loaded);
	EXPECT("boot/cache_entry_stored",
	       !glob(entry, 0, NULL, &g) && g.gl_pathc == 1);
	if (g.gl_pathc == 1)
		snprintf(entry, sizeof(entry), "%s", g.gl_pathv[0]);
	globfree(&g);

	ret = load_cached(path, cache, &s, &loaded);
	EXPECT("boot/cache_hit_loads", ret == 0 && loaded);

	/* Flip the vmlinux's last byte in the entry. */
	fd = open(entry, O_RDWR);
	orig = byte = 0;
	if (fd >= 0 && pread(fd, &orig, 1, lseek(fd, 0, SEEK_END) - 1) == 1) {
		byte = orig ^ 0xFF;
		if (pwrite(fd, &byte, 1, lseek(fd, 0, SEEK_END) - 1) != 1)
			byte = orig;
	}
	if (fd >= 0)
		close(fd);
	ret = load_cached(path, cache, &s, &loaded);
	EXPECT("boot/cache_damaged_entry_not_booted", ret == 0 && loaded);
	fd = open(entry, O_RDONLY);
	if (fd >= 0 && pread(fd, &byte, 1, lseek(fd, 0, SEEK_END) - 1) == 1)
		EXPECT("boot/cache_damaged_entry_replaced", byte == orig);
	else
		EXPECT("boot/cache_damaged_entry_replaced", 0);
	if (fd >= 0)
		close(fd);

	/* An ELF vmlinux is loaded as it is, never cached. */
	tmp_path(path, sizeof(path), "vmlinux");
	write_file(path, elf.data, elf.size);
	unlink(entry);
	ret = load_cached(path, cache, &s, &loaded);
	snprintf(entry, sizeof(entry), "%s/*.kernel", cache);
	EXPECT("boot/cache_not_for_elf", ret == 0 && loaded &&
	       glob(entry, 0, NULL, &g) == GLOB_NOMATCH);
	globfree(&g);
	rmdir(cache);
	free(bz.data);
	free(payload.data);
	free(elf.data);
}

static void test_bzimage_unsupported(void)
{
	static const struct {
		const char *name;
		uint8_t magic[4];
	} formats[] = {
		{ "bzip2", { 'B', 'Z', 'h', '9' } },
		{ "lzma", { 0x5d, 0x00, 0x00, 0x80 } },
		{ "lzo", { 0x89, 'L', 'Z', 'O' } },
		{ "lz4", { 0x02, 0x21, 0x4c, 0x18 } },
	};
	uint8_t data[64];
	struct blob payload = { data, sizeof(data) }, bz;
	char name[64], words[64];
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(data, 0x42, sizeof(data));
		memcpy(data, formats[i].magic, 4);
		bz = make_bzimage(&payload, 3, 0x020f);
		snprintf(name, sizeof(name), "bzimage_%s", formats[i].name);
		snprintf(words, sizeof(words), "compressed with %s",
			 formats[i].name);
		expect_bzimage_fails(name, &bz, words,
				     "hxen reads gzip, xz and zstd");
		free(bz.data);
	}
	memset(data, 0x42, sizeof(data));
	bz = make_bzimage(&payload, 3, 0x020f);
	expect_bzimage_fails("bzimage_unknown_format", &bz,
			     "unknown compression format", "42 42 42 42");
	free(bz.data);
}

static void test_bzimage_header(void)
{
	struct elf_spec s = default_spec();
	struct blob elf = build_elf(&s);
	struct blob payload = compress_gzip(&elf), bz, text;
	size_t pm_start = 4 * 512;

	bz = make_bzimage(&payload, 3, 0x0206);
	expect_bzimage_fails("bzimage_protocol_2_06", &bz, "2.06", "2.08");
	free(bz.data);

	bz = make_bzimage(&payload, 3, 0x020f);
	put32(bz.data + 0x248, (uint32_t)bz.size);
	expect_bzimage_fails("bzimage_payload_offset_past_file", &bz,
			     "outside the file", NULL);
	put32(bz.data + 0x248, BZ_PAYLOAD_REL);
	put32(bz.data + 0x24c, 0xFFFFFFF0U);
	expect_bzimage_fails("bzimage_payload_length_past_file", &bz,
			     "outside the file", NULL);
	put32(bz.data + 0x24c, 4);
	expect_bzimage_fails("bzimage_payload_too_short", &bz, "too short",
			     NULL);
	put32(bz.data + 0x24c, (uint32_t)payload.size);
	bz.data[0x1f1] = 0xFF;	/* setup runs past the end of the file */
	expect_bzimage_fails("bzimage_setup_past_file", &bz,
			     "outside the file", NULL);
	bz.size = 0x240;	/* header cut short */
	bz.data[0x1f1] = 3;
	expect_bzimage_fails("bzimage_header_truncated", &bz, "truncated",
			     NULL);
	bz.size = pm_start + BZ_PAYLOAD_REL + payload.size - 1;
	expect_bzimage_fails("bzimage_file_truncated", &bz, "outside the file",
			     NULL);
	free(bz.data);

	/* A payload that decompresses to something other than ELF. */
	text.size = 5000;
	text.data = xmalloc(text.size);
	memset(text.data, 'x', text.size);
	free(payload.data);
	payload = compress_gzip(&text);
	bz = make_bzimage(&payload, 3, 0x020f);
	expect_bzimage_fails("bzimage_payload_not_elf", &bz, "not an ELF",
			     NULL);
	free(bz.data);
	free(payload.data);
	free(text.data);

	/* An uncompressed ELF payload is taken as it is. */
	bz = make_bzimage(&elf, 3, 0x020f);
	expect_bzimage_loads("uncompressed", &bz, &s);
	free(bz.data);
	free(elf.data);
}

/* The output cap holds against a small, highly compressible payload. */
static void test_unpack_cap(void)
{
	struct blob zeros = { xmalloc(4 * MIB), 4 * MIB }, payload;
	uint8_t *out;
	size_t out_len, nonzero;
	unsigned int c;
	char name[64];
	int ret;

	for (c = 0; c < NR_COMPRESSORS; c++) {
		payload = compressors[c].compress(&zeros);
		out = NULL;
		ret = boot_unpack_payload(payload.data, payload.size, MIB,
					  &out, &out_len, err, sizeof(err));
		snprintf(name, sizeof(name), "boot/unpack_%s_cap_enforced",
			 compressors[c].name);
		EXPECT(name, ret == -1 && out == NULL &&
			     err_has("larger than 1 MiB"));

		ret = boot_unpack_payload(payload.data, payload.size, 8 * MIB,
					  &out, &out_len, err, sizeof(err));
		nonzero = 0;
		if (ret == 0) {
			size_t i;

			for (i = 0; i < out_len; i++)
				nonzero += out[i] != 0;
			free(out);
		}
		snprintf(name, sizeof(name), "boot/unpack_%s_under_cap",
			 compressors[c].name);
		EXPECT(name, ret == 0 && out_len == 4 * MIB && nonzero == 0);
		free(payload.data);
	}
	free(zeros.data);
}

/* ------------------------------------------------------------------ */
/* Start info, memory map, initrd                                      */

static struct hvm_start_info read_start_info(struct ram *r)
{
	struct hvm_start_info si;

	memcpy(&si, gpa(r, BOOT_START_INFO_GPA), sizeof(si));
	return si;
}

static struct hvm_memmap_table_entry read_memmap(struct ram *r,
						 uint64_t addr,
						 unsigned int i)
{
	struct hvm_memmap_table_entry e;

	memcpy(&e, gpa(r, addr + i * sizeof(e)), sizeof(e));
	return e;
}

static int memmap_is(const struct hvm_memmap_table_entry *e, uint64_t addr,
		     uint64_t size, uint32_t type)
{
	return e->addr == addr && e->size == size && e->type == type &&
	       e->reserved == 0;
}

static int rsdp_valid(const uint8_t *p)
{
	uint8_t sum20 = 0, sum36 = 0;
	unsigned int i;

	for (i = 0; i < 36; i++) {
		if (i < 20)
			sum20 += p[i];
		sum36 += p[i];
	}
	return !memcmp(p, "RSD PTR ", 8) && sum20 == 0 && sum36 == 0;
}

static void make_initrd(const char *path, size_t size, struct blob *keep)
{
	size_t i;

	keep->size = size;
	keep->data = xmalloc(size);
	for (i = 0; i < size; i++)
		keep->data[i] = (uint8_t)(i * 13 + (i >> 9));
	write_file(path, keep->data, size);
}

static void test_info_full(void)
{
	const char *cmdline = "console=hvc0 root=/dev/xvda1 ro";
	struct boot_image img = { KERNEL_GPA + ENTRY_OFFSET, KERNEL_GPA,
				  KERNEL_GPA + SEG_MEMSZ };
	struct boot_params_in p = { cmdline, NULL, 3, 1 };
	struct hvm_memmap_table_entry e[4];
	struct hvm_modlist_entry mod;
	struct hvm_start_info si;
	struct blob initrd;
	char path[256];
	struct ram r;
	unsigned int i;
	int ret;

	tmp_path(path, sizeof(path), "initrd");
	make_initrd(path, 300 * 1024 + 123, &initrd);
	p.initrd_path = path;
	ram_init(&r, LOW_RAM, HIGH_RAM);
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	EXPECT("boot/info_full_written", ret == 0);
	if (ret)
		printf("  error: %s\n", err);
	si = read_start_info(&r);
	EXPECT("boot/info_magic_version",
	       si.magic == XEN_HVM_START_MAGIC_VALUE && si.version == 1 &&
	       si.flags == 0 && si.reserved == 0);
	EXPECT("boot/info_cmdline",
	       si.cmdline_paddr == BOOT_CMDLINE_GPA &&
	       !strcmp((char *)gpa(&r, BOOT_CMDLINE_GPA), cmdline));
	EXPECT("boot/info_rsdp", si.rsdp_paddr == BOOT_ACPI_GPA &&
	       rsdp_valid(gpa(&r, BOOT_ACPI_GPA)));

	EXPECT("boot/info_modlist",
	       si.nr_modules == 1 &&
	       si.modlist_paddr >= BOOT_START_INFO_GPA + sizeof(si) &&
	       si.modlist_paddr + sizeof(mod) <= BOOT_MEMMAP_GPA &&
	       si.modlist_paddr % 8 == 0);
	memset(&mod, 0, sizeof(mod));
	if (si.modlist_paddr && si.modlist_paddr < BOOT_MEMMAP_GPA)
		memcpy(&mod, gpa(&r, si.modlist_paddr), sizeof(mod));
	EXPECT("boot/info_initrd_size", mod.size == initrd.size &&
	       mod.cmdline_paddr == 0 && mod.reserved == 0);
	EXPECT("boot/info_initrd_aligned", mod.paddr % 4096 == 0);
	EXPECT("boot/info_initrd_clear_of_kernel",
	       mod.paddr >= img.kernel_end && mod.paddr >= BOOT_HIGH_GPA);
	EXPECT("boot/info_initrd_in_low_ram",
	       mod.paddr + mod.size <= LOW_RAM);
	EXPECT("boot/info_initrd_as_high_as_possible",
	       mod.paddr == ((LOW_RAM - initrd.size) & ~4095ULL));
	EXPECT("boot/info_initrd_content",
	       mod.paddr + initrd.size <= LOW_RAM &&
	       !memcmp(gpa(&r, mod.paddr), initrd.data, initrd.size));

	EXPECT("boot/info_memmap_where", si.memmap_paddr == BOOT_MEMMAP_GPA &&
	       si.memmap_entries == 4);
	for (i = 0; i < 4; i++)
		e[i] = read_memmap(&r, BOOT_MEMMAP_GPA, i);
	EXPECT("boot/info_memmap_low_ram",
	       memmap_is(&e[0], 0, 0xA0000, XEN_HVM_MEMMAP_TYPE_RAM));
	EXPECT("boot/info_memmap_bios_reserved",
	       memmap_is(&e[1], 0xE0000, 0x20000,
			 XEN_HVM_MEMMAP_TYPE_RESERVED));
	EXPECT("boot/info_memmap_ram_above_1mib",
	       memmap_is(&e[2], BOOT_HIGH_GPA, LOW_RAM - BOOT_HIGH_GPA,
			 XEN_HVM_MEMMAP_TYPE_RAM));
	EXPECT("boot/info_memmap_high_ram",
	       memmap_is(&e[3], GIB_4, HIGH_RAM, XEN_HVM_MEMMAP_TYPE_RAM));
	ram_free(&r);
	free(initrd.data);
}

static void test_info_minimal(void)
{
	struct boot_image img = { KERNEL_GPA, KERNEL_GPA, KERNEL_GPA + MIB };
	struct boot_params_in p = { NULL, NULL, 0, 0 };
	struct hvm_start_info si;
	struct ram r;
	int ret;

	ram_init(&r, LOW_RAM, 0);
	memset(gpa(&r, BOOT_CMDLINE_GPA), 'x', BOOT_CMDLINE_MAX);
	memset(gpa(&r, BOOT_START_INFO_GPA), 0xFF, 0x1000);
	memcpy(gpa(&r, BOOT_ACPI_GPA), "RSD PTR stale", 13);
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	si = read_start_info(&r);
	EXPECT("boot/info_minimal_written", ret == 0 &&
	       si.magic == XEN_HVM_START_MAGIC_VALUE && si.version == 1);
	EXPECT("boot/info_minimal_no_modules",
	       si.nr_modules == 0 && si.modlist_paddr == 0);
	EXPECT("boot/info_minimal_no_acpi", si.rsdp_paddr == 0 &&
	       gpa(&r, BOOT_ACPI_GPA)[0] == 0);
	EXPECT("boot/info_minimal_empty_cmdline",
	       si.cmdline_paddr == BOOT_CMDLINE_GPA &&
	       gpa(&r, BOOT_CMDLINE_GPA)[0] == 0);
	EXPECT("boot/info_minimal_memmap", si.memmap_entries == 3);
	ram_free(&r);
}

static void test_info_cmdline_limit(void)
{
	struct boot_image img = { KERNEL_GPA, KERNEL_GPA, KERNEL_GPA + MIB };
	char *line = xmalloc(BOOT_CMDLINE_MAX + 1);
	struct boot_params_in p = { line, NULL, 1, 1 };
	struct ram r;
	int ret;

	ram_init(&r, LOW_RAM, 0);
	memset(line, 'a', BOOT_CMDLINE_MAX - 1);
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	EXPECT("boot/cmdline_4095_fits", ret == 0 &&
	       strlen((char *)gpa(&r, BOOT_CMDLINE_GPA)) ==
	       BOOT_CMDLINE_MAX - 1);
	line[BOOT_CMDLINE_MAX - 1] = 'a';
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	EXPECT("boot/cmdline_4096_refused", ret == -1 &&
	       err_has("command line") && err_has("4096"));
	ram_free(&r);
	free(line);
}

static void test_info_initrd_placement(void)
{
	/* A kernel near the top of low RAM leaves room only below it. */
	struct boot_image img = { LOW_RAM - 4 * MIB, LOW_RAM - 4 * MIB,
				  LOW_RAM - MIB + 1 };
	struct boot_params_in p = { NULL, NULL, 1, 0 };
	struct hvm_modlist_entry mod;
	struct hvm_start_info si;
	struct blob initrd;
	char path[256];
	struct ram r;
	int fd, ret;

	tmp_path(path, sizeof(path), "initrd-2m");
	make_initrd(path, 2 * MIB + 5, &initrd);
	p.initrd_path = path;
	ram_init(&r, LOW_RAM, 0);
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	si = read_start_info(&r);
	memcpy(&mod, gpa(&r, BOOT_MODLIST_GPA), sizeof(mod));
	EXPECT("boot/initrd_below_kernel", ret == 0 && si.nr_modules == 1 &&
	       mod.paddr % 4096 == 0 && mod.paddr >= BOOT_HIGH_GPA &&
	       mod.paddr + mod.size <= img.kernel_start &&
	       mod.paddr == ((img.kernel_start - initrd.size) & ~4095ULL));
	EXPECT("boot/initrd_below_kernel_content",
	       ret == 0 && !memcmp(gpa(&r, mod.paddr), initrd.data,
				   initrd.size));
	free(initrd.data);

	/* Bigger than low RAM: refused before anything is read. */
	tmp_path(path, sizeof(path), "initrd-huge");
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || ftruncate(fd, 80 * MIB) || close(fd))
		exit(2);
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	EXPECT("boot/initrd_too_big_refused", ret == -1 &&
	       err_has("80 MiB") && err_has("does not fit") &&
	       err_has("give the VM more memory"));

	tmp_path(path, sizeof(path), "initrd-empty");
	write_file(path, "", 0);
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	EXPECT("boot/initrd_empty_refused", ret == -1 &&
	       err_has("non-empty"));

	tmp_path(path, sizeof(path), "initrd-missing");
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	EXPECT("boot/initrd_missing_refused", ret == -1 &&
	       err_has("cannot open initrd"));
	ram_free(&r);
}

static void test_info_refusals(void)
{
	struct boot_image img = { KERNEL_GPA, KERNEL_GPA, KERNEL_GPA + MIB };
	struct boot_params_in p = { NULL, NULL, 0, 1 };
	struct ram r;
	int ret;

	ram_init(&r, LOW_RAM, 0);
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	EXPECT("boot/acpi_zero_vcpus_refused", ret == -1 &&
	       err_has("0 vCPUs"));
	p.nr_vcpus = 256;
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	EXPECT("boot/acpi_256_vcpus_refused", ret == -1 &&
	       err_has("256 vCPUs"));
	ram_free(&r);

	ram_init(&r, 512 * 1024, 0);
	p.nr_vcpus = 1;
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	EXPECT("boot/ram_under_1mib_refused", ret == -1 &&
	       err_has("1 MiB"));
	ram_free(&r);
}

/* High ranges listed out of order come out sorted in the memory map. */
static void test_info_memmap_order(void)
{
	struct boot_image img = { KERNEL_GPA, KERNEL_GPA, KERNEL_GPA + MIB };
	struct boot_params_in p = { NULL, NULL, 1, 0 };
	struct hvm_memmap_table_entry e[5];
	struct hvm_start_info si;
	uint8_t unused_host[16];
	struct ram r;
	unsigned int i;
	int ret;

	ram_init(&r, LOW_RAM, 0);
	r.m.r[1] = (struct guest_ram_range){ 3 * GIB_4, MIB, unused_host };
	r.m.r[2] = (struct guest_ram_range){ GIB_4, 2 * MIB, unused_host };
	r.m.nr = 3;
	ret = boot_write_info(&r.m, &img, &p, err, sizeof(err));
	si = read_start_info(&r);
	for (i = 0; i < 5; i++)
		e[i] = read_memmap(&r, BOOT_MEMMAP_GPA, i);
	EXPECT("boot/memmap_high_ranges_sorted", ret == 0 &&
	       si.memmap_entries == 5 &&
	       memmap_is(&e[3], GIB_4, 2 * MIB, XEN_HVM_MEMMAP_TYPE_RAM) &&
	       memmap_is(&e[4], 3 * GIB_4, MIB, XEN_HVM_MEMMAP_TYPE_RAM));
	r.m.nr = 1;
	ram_free(&r);
}

/* ------------------------------------------------------------------ */
/* Real kernels, when the test cache has them                         */

static void test_real_kernel(const char *vmlinuz)
{
	const char *rel = strrchr(vmlinuz, '/') + strlen("/vmlinuz-");
	struct boot_image img = { 0, 0, 0 }, img2 = { 0, 0, 0 };
	char vmlinux[512], name[256];
	struct ram r, r2;
	int ret;

	ram_init(&r, 256 * MIB, 0);
	ret = boot_load_kernel(&r.m, vmlinuz, &img, err, sizeof(err));
	snprintf(name, sizeof(name), "boot/real_vmlinuz_%s_entry", rel);
	EXPECT(name, ret == 0 && img.entry >= img.kernel_start &&
	       img.entry < img.kernel_end && img.kernel_start >= MIB);
	if (ret)
		printf("  error: %s\n", err);

	/* The unpacked ELF next to it, if any, must give the same. */
	snprintf(vmlinux, sizeof(vmlinux), "%.*svmlinux-%s",
		 (int)(strrchr(vmlinuz, '/') + 1 - vmlinuz), vmlinuz, rel);
	if (ret == 0 && access(vmlinux, R_OK) == 0) {
		ram_init(&r2, 256 * MIB, 0);
		ret = boot_load_kernel(&r2.m, vmlinux, &img2, err,
				       sizeof(err));
		snprintf(name, sizeof(name), "boot/real_vmlinux_%s_same",
			 rel);
		EXPECT(name, ret == 0 && img2.entry == img.entry &&
		       img2.kernel_start == img.kernel_start &&
		       img2.kernel_end == img.kernel_end &&
		       !memcmp(gpa(&r, img.kernel_start),
			       gpa(&r2, img.kernel_start),
			       img.kernel_end - img.kernel_start));
		ram_free(&r2);
	}
	ram_free(&r);
}

static void test_real_kernels(void)
{
	glob_t g;
	size_t i;

	if (glob(REAL_KERNELS, 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++)
		test_real_kernel(g.gl_pathv[i]);
	globfree(&g);
}

static void remove_tmpdir(void)
{
	static const char *const names[] = {
		"vmlinux", "vmlinux-short", "garbage", "bzImage",
		"bzImage-bad", "initrd", "initrd-2m", "initrd-huge",
		"initrd-empty",
	};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		tmp_path(path, sizeof(path), names[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	test_elf_good();
	test_elf_bad();
	test_elf_truncated(0);
	test_elf_truncated(1);
	test_kernel_files();
	test_bzimage_compressors();
	test_bzimage_cache();
	test_bzimage_unsupported();
	test_bzimage_header();
	test_unpack_cap();
	test_info_full();
	test_info_minimal();
	test_info_cmdline_limit();
	test_info_initrd_placement();
	test_info_refusals();
	test_info_memmap_order();
	test_real_kernels();
	remove_tmpdir();
	return test_failures ? 1 : 0;
}
