/* SPDX-License-Identifier: GPL-2.0 */
/* hxenctl: one function per subcommand. */
#ifndef HXENCTL_H
#define HXENCTL_H

#include <stddef.h>

#define HXENCTL "hxenctl"

int cmd_version(int argc, char **argv);
int cmd_caps(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);

/*
 * cmd_vm.c: the runtime directory into @dir (0), or an exit status after
 * printing why it is unusable.
 */
int vm_runtime_dir(char *dir, size_t len);

/* 0 if @name is a valid VM name, else HXEN_EXIT_USAGE after saying so. */
int vm_check_name(const char *name);

/* cmd_console.c: attach to VM @name's console; returns an exit status. */
int vm_console(const char *dir, const char *name);

/*
 * For a subcommand that takes no arguments: 0 to go on, a negative value
 * when --help was printed (exit 0), or HXEN_EXIT_USAGE after an error.
 */
int no_args(const char *cmd, int argc, char **argv);

#endif /* HXENCTL_H */
