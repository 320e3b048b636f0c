/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's ACPI tables: just enough for a PVH Linux guest to find its
 * vCPUs.  The platform is "hardware-reduced" (no SCI, PM timer or
 * fixed-feature hardware), has no 8259s, no IO-APIC, no VGA and no CMOS
 * RTC; there is one local APIC per vCPU, APIC id = vCPU index.
 *
 * Layout from gpa on, each table 16-byte aligned:
 * RSDP (revision 2; RSDT address 0), XSDT -> { FADT, MADT },
 * FADT (revision 6) -> X_DSDT, DSDT (no AML), MADT.
 */
#ifndef IOEMU_ACPI_H
#define IOEMU_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_OEM_ID		"HXEN  "	/* six characters */
#define ACPI_MAX_VCPUS		255		/* 8-bit APIC ids */
#define ACPI_LAPIC_GPA		0xFEE00000U

/* FADT flags and IA-PC boot architecture flags hxen sets. */
#define ACPI_FADT_WBINVD	(1U << 0)
#define ACPI_FADT_HW_REDUCED	(1U << 20)
#define ACPI_FADT_RESET_REG_SUP	(1U << 10)

/*
 * Where a hardware-reduced guest powers off and resets: it writes
 * SLP_TYP << 2 | SLP_EN (bit 5) to the sleep control port, with SLP_TYP
 * from the DSDT's _S5 for power-off, and the reset value to the reset
 * port (the PC's 0xCF9).
 */
#define ACPI_SLEEP_CONTROL_PORT	0x0604
#define ACPI_SLEEP_STATUS_PORT	0x0605
#define ACPI_SLEEP_TYPE_S5	5
#define ACPI_SLEEP_ENABLE	0x20
#define ACPI_RESET_PORT		0x0cf9
#define ACPI_RESET_VALUE	0x06
#define ACPI_BOOT_NO_VGA	(1U << 2)
#define ACPI_BOOT_NO_CMOS_RTC	(1U << 5)

/*
 * Build the tables into the host buffer buf of size bytes, which the
 * guest will see at guest-physical gpa (the RSDP is at gpa itself).
 * Returns the bytes used, or -1 if they do not fit or nr_vcpus is not
 * 1 to ACPI_MAX_VCPUS.
 */
int acpi_build(uint8_t *buf, size_t size, uint64_t gpa,
	       unsigned int nr_vcpus);

#endif /* IOEMU_ACPI_H */
