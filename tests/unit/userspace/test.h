/* SPDX-License-Identifier: GPL-2.0 */
/* Assertions for the user-space unit tests: "PASS: name" / "FAIL: name: why". */
#ifndef USERSPACE_TEST_H
#define USERSPACE_TEST_H

#include <stdio.h>
#include <string.h>

extern int test_failures;

#define EXPECT(name, cond)						\
	do {								\
		if (cond) {						\
			printf("PASS: userspace/%s\n", name);		\
		} else {						\
			printf("FAIL: userspace/%s: %s (%s:%d)\n", name,	\
			       #cond, __FILE__, __LINE__);		\
			test_failures++;				\
		}							\
	} while (0)

/* @str (maybe NULL) equals @want; the failure shows both. */
#define EXPECT_STR(name, str, want)					\
	do {								\
		const char *got_ = (str), *want_ = (want);		\
		if (got_ && !strcmp(got_, want_)) {			\
			printf("PASS: userspace/%s\n", name);		\
		} else {						\
			printf("FAIL: userspace/%s: got \"%s\", want \"%s\" (%s:%d)\n", \
			       name, got_ ? got_ : "(null)", want_,	\
			       __FILE__, __LINE__);			\
			test_failures++;				\
		}							\
	} while (0)

/* @str (maybe NULL) contains @part; the failure shows both. */
#define EXPECT_CONTAINS(name, str, part)				\
	do {								\
		const char *got_ = (str), *part_ = (part);		\
		if (got_ && strstr(got_, part_)) {			\
			printf("PASS: userspace/%s\n", name);		\
		} else {						\
			printf("FAIL: userspace/%s: \"%s\" does not contain \"%s\" (%s:%d)\n", \
			       name, got_ ? got_ : "(null)", part_,	\
			       __FILE__, __LINE__);			\
			test_failures++;				\
		}							\
	} while (0)

#endif /* USERSPACE_TEST_H */
