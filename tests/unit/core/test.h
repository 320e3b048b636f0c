/* SPDX-License-Identifier: GPL-2.0 */
/* Assertions for the core unit tests: "PASS: name" / "FAIL: name: why". */
#ifndef CORE_TEST_H
#define CORE_TEST_H

#include <stdio.h>

extern int test_failures;

#define EXPECT(name, cond)						\
	do {								\
		if (cond) {						\
			printf("PASS: core/%s\n", name);		\
		} else {						\
			printf("FAIL: core/%s: %s (%s:%d)\n", name,	\
			       #cond, __FILE__, __LINE__);		\
			test_failures++;				\
		}							\
	} while (0)

#endif /* CORE_TEST_H */
