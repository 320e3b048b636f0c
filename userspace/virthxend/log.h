/* SPDX-License-Identifier: GPL-2.0 */
/* Diagnostics on standard error, one line each, prefixed "virthxend: ". */
#ifndef VIRTHXEND_LOG_H
#define VIRTHXEND_LOG_H

#include <stdbool.h>

/* Set once by main(): also log every call and connection. */
extern bool log_verbose;

void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only with --verbose. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VIRTHXEND_LOG_H */
