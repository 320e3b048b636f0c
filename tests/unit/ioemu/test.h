/* SPDX-License-Identifier: GPL-2.0 */
/* Assertions for the ioemu unit tests: "PASS: name" / "FAIL: name: why". */
#ifndef IOEMU_TEST_H
#define IOEMU_TEST_H

#include <stdio.h>

extern int test_failures;

#define EXPECT(name, cond)						\
	do {								\
		if (cond) {						\
			printf("PASS: ioemu/%s\n", name);		\
		} else {						\
			printf("FAIL: ioemu/%s: %s (%s:%d)\n", name,	\
			       #cond, __FILE__, __LINE__);		\
			test_failures++;				\
		}							\
	} while (0)

#endif /* IOEMU_TEST_H */
