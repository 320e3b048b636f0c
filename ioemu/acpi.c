// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal ACPI tables for a hardware-reduced platform: RSDP, XSDT, FADT,
 * an empty DSDT and a MADT listing one local APIC per vCPU.  Layouts are
 * those of the ACPI 6.x specification; all fields are little-endian,
 * which is what x86 hosts store.
 */
#include <string.h>

#include "acpi.h"

#define ACPI_TABLE_ALIGN	16
/* OEM table ids are this + the signature: "HXENFACP". */
#define ACPI_OEM_TABLE_PREFIX	"HXEN"
#define ACPI_CREATOR_ID		"HXEN"

#define RSDP_REVISION		2	/* 2.0+: has the XSDT address */
#define RSDP_V1_LENGTH		20	/* first checksum covers */
#define XSDT_REVISION		1
#define FADT_REVISION		6
#define FADT_MINOR_REVISION	0
#define DSDT_REVISION		2	/* 64-bit AML integers */
#define MADT_REVISION		4

#define MADT_TYPE_LAPIC		0
#define MADT_LAPIC_ENABLED	(1U << 0)

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

/* Generic Address Structure. */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));

struct acpi_fadt {
	struct acpi_header header;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_revision;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} __attribute__((packed));

struct acpi_madt {
	struct acpi_header header;
	uint32_t lapic_address;
	uint32_t flags;
} __attribute__((packed));

struct acpi_madt_lapic {
	uint8_t type;
	uint8_t length;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP is 36 bytes");
_Static_assert(sizeof(struct acpi_header) == 36, "SDT header is 36 bytes");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT 6.x is 276 bytes");

/*
 * The DSDT's only object: Name (_S5, Package () { 5, 5, 0, 0 }), the
 * sleep type Linux writes to the sleep control register to power off.
 */
static const uint8_t dsdt_aml[] = {
	0x08, '_', 'S', '5', '_',	/* NameOp, NameString */
	0x12, 0x08, 0x04,		/* PackageOp, PkgLength, 4 elements */
	0x0a, ACPI_SLEEP_TYPE_S5,	/* BytePrefix 5 */
	0x0a, ACPI_SLEEP_TYPE_S5,
	0x00, 0x00,			/* ZeroOp, ZeroOp */
};
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT fixed part is 44");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "LAPIC entry is 8");

/* Where each table goes: offsets from the start of the buffer. */
struct acpi_layout {
	size_t rsdp, xsdt, fadt, dsdt, madt, end;
	size_t xsdt_len, madt_len;
};

static size_t align_up(size_t v)
{
	return (v + ACPI_TABLE_ALIGN - 1) & ~(size_t)(ACPI_TABLE_ALIGN - 1);
}

static void acpi_plan(struct acpi_layout *l, unsigned int nr_vcpus)
{
	l->xsdt_len = sizeof(struct acpi_header) + 2 * sizeof(uint64_t);
	l->madt_len = sizeof(struct acpi_madt) +
		      nr_vcpus * sizeof(struct acpi_madt_lapic);
	l->rsdp = 0;
	l->xsdt = align_up(l->rsdp + sizeof(struct acpi_rsdp));
	l->fadt = align_up(l->xsdt + l->xsdt_len);
	l->dsdt = align_up(l->fadt + sizeof(struct acpi_fadt));
	l->madt = align_up(l->dsdt + sizeof(struct acpi_header) +
			   sizeof(dsdt_aml));
	l->end = l->madt + l->madt_len;
}

/* The byte that makes len bytes from p sum to zero. */
static uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return (uint8_t)-sum;
}

static void acpi_fill_header(struct acpi_header *h, const char *sig,
			     uint32_t len, uint8_t revision)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = revision;
	memcpy(h->oem_id, ACPI_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_PREFIX, 4);
	memcpy(h->oem_table_id + 4, sig, 4);
	h->oem_revision = 1;
	memcpy(h->creator_id, ACPI_CREATOR_ID, 4);
	h->creator_revision = 1;
}

/* Set the checksum of the table already written at table. */
static void acpi_seal(uint8_t *table)
{
	struct acpi_header h;

	memcpy(&h, table, sizeof(h));
	table[offsetof(struct acpi_header, checksum)] =
		acpi_checksum(table, h.length);
}

static void acpi_write_dsdt(uint8_t *buf, const struct acpi_layout *l)
{
	struct acpi_header dsdt;

	acpi_fill_header(&dsdt, "DSDT", sizeof(dsdt) + sizeof(dsdt_aml),
			 DSDT_REVISION);
	memcpy(buf + l->dsdt, &dsdt, sizeof(dsdt));
	memcpy(buf + l->dsdt + sizeof(dsdt), dsdt_aml, sizeof(dsdt_aml));
	acpi_seal(buf + l->dsdt);
}

/* A byte-wide register at an I/O port. */
static struct acpi_gas io_byte(uint16_t port)
{
	return (struct acpi_gas){ .space_id = 1, .bit_width = 8,
				  .access_size = 1, .address = port };
}

static void acpi_write_madt(uint8_t *buf, const struct acpi_layout *l,
			    unsigned int nr_vcpus)
{
	struct acpi_madt madt;
	unsigned int i;

	acpi_fill_header(&madt.header, "APIC", l->madt_len, MADT_REVISION);
	madt.lapic_address = ACPI_LAPIC_GPA;
	madt.flags = 0;		/* no PCAT_COMPAT: there are no 8259s */
	memcpy(buf + l->madt, &madt, sizeof(madt));
	for (i = 0; i < nr_vcpus; i++) {
		struct acpi_madt_lapic lapic = {
			.type = MADT_TYPE_LAPIC,
			.length = sizeof(lapic),
			.processor_uid = (uint8_t)i,
			.apic_id = (uint8_t)i,
			.flags = MADT_LAPIC_ENABLED,
		};

		memcpy(buf + l->madt + sizeof(madt) + i * sizeof(lapic),
		       &lapic, sizeof(lapic));
	}
	acpi_seal(buf + l->madt);
}

static void acpi_write_fadt(uint8_t *buf, const struct acpi_layout *l,
			    uint64_t gpa)
{
	struct acpi_fadt fadt;

	memset(&fadt, 0, sizeof(fadt));
	acpi_fill_header(&fadt.header, "FACP", sizeof(fadt), FADT_REVISION);
	fadt.minor_revision = FADT_MINOR_REVISION;
	/* Hardware-reduced: no FACS, SCI or PM blocks are needed. */
	fadt.flags = ACPI_FADT_WBINVD | ACPI_FADT_HW_REDUCED |
		     ACPI_FADT_RESET_REG_SUP;
	/* Power off and reset: writes to ports that ioemu watches. */
	fadt.sleep_control_reg = io_byte(ACPI_SLEEP_CONTROL_PORT);
	fadt.sleep_status_reg = io_byte(ACPI_SLEEP_STATUS_PORT);
	fadt.reset_reg = io_byte(ACPI_RESET_PORT);
	fadt.reset_value = ACPI_RESET_VALUE;
	fadt.iapc_boot_arch = ACPI_BOOT_NO_VGA | ACPI_BOOT_NO_CMOS_RTC;
	/* Only the 64-bit pointer: the 32-bit one must then be ignored. */
	fadt.x_dsdt = gpa + l->dsdt;
	memcpy(buf + l->fadt, &fadt, sizeof(fadt));
	acpi_seal(buf + l->fadt);
}

static void acpi_write_xsdt(uint8_t *buf, const struct acpi_layout *l,
			    uint64_t gpa)
{
	struct acpi_header xsdt;
	uint64_t entries[2] = { gpa + l->fadt, gpa + l->madt };

	acpi_fill_header(&xsdt, "XSDT", l->xsdt_len, XSDT_REVISION);
	memcpy(buf + l->xsdt, &xsdt, sizeof(xsdt));
	memcpy(buf + l->xsdt + sizeof(xsdt), entries, sizeof(entries));
	acpi_seal(buf + l->xsdt);
}

static void acpi_write_rsdp(uint8_t *buf, const struct acpi_layout *l,
			    uint64_t gpa)
{
	struct acpi_rsdp rsdp;

	memset(&rsdp, 0, sizeof(rsdp));
	memcpy(rsdp.signature, "RSD PTR ", sizeof(rsdp.signature));
	memcpy(rsdp.oem_id, ACPI_OEM_ID, sizeof(rsdp.oem_id));
	rsdp.revision = RSDP_REVISION;
	rsdp.rsdt_address = 0;	/* XSDT only */
	rsdp.length = sizeof(rsdp);
	rsdp.xsdt_address = gpa + l->xsdt;
	rsdp.checksum = acpi_checksum((const uint8_t *)&rsdp, RSDP_V1_LENGTH);
	rsdp.extended_checksum = acpi_checksum((const uint8_t *)&rsdp,
					       sizeof(rsdp));
	memcpy(buf + l->rsdp, &rsdp, sizeof(rsdp));
}

int acpi_build(uint8_t *buf, size_t size, uint64_t gpa,
	       unsigned int nr_vcpus)
{
	struct acpi_layout l;

	if (nr_vcpus == 0 || nr_vcpus > ACPI_MAX_VCPUS)
		return -1;
	acpi_plan(&l, nr_vcpus);
	if (l.end > size)
		return -1;
	memset(buf, 0, l.end);
	acpi_write_dsdt(buf, &l);
	acpi_write_madt(buf, &l, nr_vcpus);
	acpi_write_fadt(buf, &l, gpa);
	acpi_write_xsdt(buf, &l, gpa);
	acpi_write_rsdp(buf, &l, gpa);
	return (int)l.end;
}
