// SPDX-License-Identifier: GPL-2.0
/*
 * acpi_build(): the tables are read back by byte offsets taken from the
 * ACPI specification, not through acpi.c's structures, so a layout
 * mistake there shows up here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "test.h"

int test_failures;

#define TABLES_GPA	0xE0000ULL
#define BUF_SIZE	0x1C000

/* Byte offsets in the ACPI tables. */
#define SDT_LENGTH		4
#define SDT_REVISION		8
#define SDT_OEM_ID		10
#define SDT_HEADER_LEN		36
#define RSDP_CHECKSUM_LEN	20
#define RSDP_REVISION		15
#define RSDP_RSDT		16
#define RSDP_LENGTH		20
#define RSDP_XSDT		24
#define FADT_DSDT32		40
#define FADT_BOOT_ARCH		109
#define FADT_FLAGS		112
#define FADT_X_DSDT		140
#define MADT_LAPIC_ADDR		36
#define MADT_FLAGS		40
#define MADT_ENTRIES		44

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int sums_to_zero(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

/* The table a guest-physical pointer names, if it is inside the buffer. */
static const uint8_t *table_at(const uint8_t *buf, int used, uint64_t gpa)
{
	if (gpa < TABLES_GPA ||
	    gpa - TABLES_GPA + SDT_HEADER_LEN > (uint64_t)used)
		return NULL;
	return buf + (gpa - TABLES_GPA);
}

static int table_ok(const uint8_t *t, const char *sig, int used,
		    const uint8_t *buf)
{
	uint32_t len;

	if (!t || memcmp(t, sig, 4))
		return 0;
	len = rd32(t + SDT_LENGTH);
	if (len < SDT_HEADER_LEN || (size_t)(t - buf) + len > (size_t)used)
		return 0;
	return sums_to_zero(t, len) && !memcmp(t + SDT_OEM_ID, "HXEN  ", 6);
}

static void check_tables(unsigned int nr_vcpus)
{
	uint8_t *buf = malloc(BUF_SIZE);
	const uint8_t *xsdt, *fadt, *madt, *dsdt, *e;
	char name[64];
	int used, lapics_ok = 1;
	unsigned int i, nr_entries;

	memset(buf, 0xA5, BUF_SIZE);
	used = acpi_build(buf, BUF_SIZE, TABLES_GPA, nr_vcpus);
	snprintf(name, sizeof(name), "acpi/%u_vcpus_builds", nr_vcpus);
	EXPECT(name, used > 0 && used <= BUF_SIZE);
	if (used <= 0) {
		free(buf);
		return;
	}

	snprintf(name, sizeof(name), "acpi/%u_vcpus_rsdp", nr_vcpus);
	EXPECT(name, !memcmp(buf, "RSD PTR ", 8) && buf[RSDP_REVISION] == 2 &&
		     rd32(buf + RSDP_RSDT) == 0 &&
		     rd32(buf + RSDP_LENGTH) == 36 &&
		     sums_to_zero(buf, RSDP_CHECKSUM_LEN) &&
		     sums_to_zero(buf, 36) && !memcmp(buf + 9, "HXEN  ", 6));

	xsdt = table_at(buf, used, rd64(buf + RSDP_XSDT));
	snprintf(name, sizeof(name), "acpi/%u_vcpus_xsdt", nr_vcpus);
	EXPECT(name, table_ok(xsdt, "XSDT", used, buf) &&
		     rd32(xsdt + SDT_LENGTH) == SDT_HEADER_LEN + 16);
	if (!table_ok(xsdt, "XSDT", used, buf)) {
		free(buf);
		return;
	}
	fadt = table_at(buf, used, rd64(xsdt + SDT_HEADER_LEN));
	madt = table_at(buf, used, rd64(xsdt + SDT_HEADER_LEN + 8));

	snprintf(name, sizeof(name), "acpi/%u_vcpus_fadt", nr_vcpus);
	EXPECT(name, table_ok(fadt, "FACP", used, buf) &&
		     fadt[SDT_REVISION] == 6 &&
		     rd32(fadt + SDT_LENGTH) == 276 &&
		     (rd32(fadt + FADT_FLAGS) & (1U << 20)) &&
		     rd32(fadt + FADT_DSDT32) == 0);
	snprintf(name, sizeof(name), "acpi/%u_vcpus_fadt_boot_arch", nr_vcpus);
	EXPECT(name, fadt && (fadt[FADT_BOOT_ARCH] & 0x24) == 0x24 &&
		     !(fadt[FADT_BOOT_ARCH] & 0x3));

	dsdt = fadt ? table_at(buf, used, rd64(fadt + FADT_X_DSDT)) : NULL;
	snprintf(name, sizeof(name), "acpi/%u_vcpus_dsdt", nr_vcpus);
	EXPECT(name, table_ok(dsdt, "DSDT", used, buf) &&
		     rd32(dsdt + SDT_LENGTH) == SDT_HEADER_LEN + 14);
	/* Name (_S5, Package () { 5, 5, 0, 0 }) for power-off. */
	snprintf(name, sizeof(name), "acpi/%u_vcpus_dsdt_s5", nr_vcpus);
	EXPECT(name, dsdt && !memcmp(dsdt + SDT_HEADER_LEN,
				     "\x08_S5_\x12\x08\x04\x0a\x05\x0a\x05\x00\x00",
				     14));
	/* Sleep control at 0x604 and reset 6 at 0xCF9, byte-wide I/O. */
	snprintf(name, sizeof(name), "acpi/%u_vcpus_fadt_power_regs", nr_vcpus);
	EXPECT(name, fadt && fadt[244] == 1 && fadt[245] == 8 &&
		     rd64(fadt + 248) == 0x604 && fadt[116] == 1 &&
		     rd64(fadt + 120) == 0xcf9 && fadt[128] == 6 &&
		     (rd32(fadt + 112) & (1U << 10)));

	snprintf(name, sizeof(name), "acpi/%u_vcpus_madt", nr_vcpus);
	EXPECT(name, table_ok(madt, "APIC", used, buf) &&
		     rd32(madt + MADT_LAPIC_ADDR) == 0xFEE00000U &&
		     rd32(madt + MADT_FLAGS) == 0);
	if (!table_ok(madt, "APIC", used, buf)) {
		free(buf);
		return;
	}
	nr_entries = 0;
	for (e = madt + MADT_ENTRIES; e < madt + rd32(madt + SDT_LENGTH);
	     e += e[1] ? e[1] : 1) {
		if (e[0] != 0 || e[1] != 8 || e[2] != nr_entries ||
		    e[3] != nr_entries || rd32(e + 4) != 1)
			lapics_ok = 0;
		nr_entries++;
	}
	snprintf(name, sizeof(name), "acpi/%u_vcpus_madt_entries", nr_vcpus);
	EXPECT(name, nr_entries == nr_vcpus && lapics_ok);

	/* The tables must not reach past the length returned. */
	for (i = (unsigned int)used; i < BUF_SIZE && buf[i] == 0xA5; i++)
		;
	snprintf(name, sizeof(name), "acpi/%u_vcpus_stays_in_bounds",
		 nr_vcpus);
	EXPECT(name, i == BUF_SIZE);
	free(buf);
}

static void check_refusals(void)
{
	uint8_t *buf = malloc(BUF_SIZE);
	int need;

	EXPECT("acpi/zero_vcpus_refused",
	       acpi_build(buf, BUF_SIZE, TABLES_GPA, 0) == -1);
	EXPECT("acpi/256_vcpus_refused",
	       acpi_build(buf, BUF_SIZE, TABLES_GPA, 256) == -1);
	need = acpi_build(buf, BUF_SIZE, TABLES_GPA, 8);
	EXPECT("acpi/exact_size_fits",
	       need > 0 &&
	       acpi_build(buf, (size_t)need, TABLES_GPA, 8) == need);
	EXPECT("acpi/one_byte_short_refused",
	       need > 0 &&
	       acpi_build(buf, (size_t)need - 1, TABLES_GPA, 8) == -1);
	EXPECT("acpi/tiny_buffer_refused",
	       acpi_build(buf, 16, TABLES_GPA, 1) == -1);
	free(buf);
}

int main(void)
{
	check_tables(1);
	check_tables(4);
	check_tables(255);
	check_refusals();
	return test_failures ? 1 : 0;
}
