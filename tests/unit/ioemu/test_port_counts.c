// SPDX-License-Identifier: GPL-2.0
/*
 * ioemu --stats: the line naming the ports the guest most often exited
 * to user space for, busiest first (ties in port order), eight at most.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ioemu.h"
#include "test.h"

int test_failures;

/* What vcpus_log_stats() writes to stderr for @vm. */
static void logged(struct vm *vm, char *out, size_t len)
{
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(f), 2);
	vcpus_log_stats(vm);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = 0;
	fclose(f);
}

int main(void)
{
	static const struct { unsigned int port, count; } seen[] = {
		{ 0x10, 1 }, { 0x30, 3 }, { 0x40, 100 }, { 0x42, 6 },
		{ 0x80, 5 }, { 0x2f8, 6 }, { 0x3f8, 6 }, { 0xcf8, 77 },
		{ 0xcfc, 39 }, { 0xffff, 2 },
	};
	struct vm vm = { .nr_vcpus = 0 };
	char out[1024];
	size_t i;

	vm.port_counts = calloc(PORT_COUNT, sizeof(*vm.port_counts));
	if (!vm.port_counts)
		return 1;
	logged(&vm, out, sizeof(out));
	EXPECT("port-counts/none",
	       !strcmp(out, "ioemu: port I/O in user space, busiest ports: none\n"));

	for (i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		vm.port_counts[seen[i].port] = seen[i].count;
	logged(&vm, out, sizeof(out));
	EXPECT("port-counts/busiest-eight-in-order",
	       !strcmp(out, "ioemu: port I/O in user space, busiest ports: 0x40 100 0xcf8 77 0xcfc 39 0x42 6 0x2f8 6 0x3f8 6 0x80 5 0x30 3\n"));
	if (test_failures)
		printf("  logged: %s", out);

	/* Without --stats there are no counters and no line. */
	free(vm.port_counts);
	vm.port_counts = NULL;
	logged(&vm, out, sizeof(out));
	EXPECT("port-counts/no-line-without-stats", !out[0]);
	return test_failures ? 1 : 0;
}
