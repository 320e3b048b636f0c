/* SPDX-License-Identifier: GPL-2.0 */
/* hxenctl: one function per subcommand. */
#ifndef HXENCTL_H
#define HXENCTL_H

#define HXENCTL "hxenctl"

int cmd_version(int argc, char **argv);
int cmd_caps(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

/*
 * For a subcommand that takes no arguments: 0 to go on, a negative value
 * when --help was printed (exit 0), or HXEN_EXIT_USAGE after an error.
 */
int no_args(const char *cmd, int argc, char **argv);

#endif /* HXENCTL_H */
