/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM configuration files: Xen's xl.cfg syntax, read into a VM description
 * (see hxen.cfg(5)).
 */
#ifndef VMCONFIG_H
#define VMCONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Limits on what a configuration may ask for. */
#define VMCONFIG_NAME_MAX	64
#define VMCONFIG_MEMORY_MIN_MIB	16
#define VMCONFIG_MEMORY_MAX_MIB	65536
#define VMCONFIG_MEMORY_DEFAULT_MIB 512
#define VMCONFIG_VCPUS_MAX	64
#define VMCONFIG_CMDLINE_MAX	4095	/* bytes, without the final NUL */
#define VMCONFIG_MAX_DISKS	16
#define VMCONFIG_MAX_VIFS	16
#define VMCONFIG_FILE_MAX	(1024 * 1024)	/* bytes */

/* What to do with a guest when it powers off, reboots or crashes. */
enum vm_action {
	VM_ACTION_DESTROY,
	VM_ACTION_RESTART,
	VM_ACTION_PRESERVE,
};

struct vmconfig {
	char name[VMCONFIG_NAME_MAX + 1];	/* [A-Za-z0-9_.-]+ */
	uint64_t memory_mib;
	unsigned int vcpus;
	char *kernel;		/* an absolute path */
	char *ramdisk;		/* an absolute path, or NULL */
	char *cmdline;		/* the kernel command line, maybe "" */
	enum vm_action on_poweroff, on_reboot, on_crash;
	char uuid[37];		/* lower case, or "" when not given */
	char **disks;		/* 'disk' entries, as written */
	unsigned int nr_disks;
	char **vifs;		/* 'vif' entries, as written */
	unsigned int nr_vifs;
};

/*
 * Read the configuration file @path into @cfg: xl.cfg syntax, or libvirt
 * domain XML when its first non-blank character is '<' (see domxml.h).
 * Relative paths in it are resolved against the file's directory.
 * Returns 0, or -1 with a one-line message in @err ("guest.cfg:7:
 * unknown key 'fooo'") and @cfg left empty.  @err may be NULL when
 * @errlen is 0.
 */
int vmconfig_parse_file(const char *path, struct vmconfig *cfg,
			char *err, size_t errlen);

/*
 * Parse configuration text, xl.cfg or domain XML as for
 * vmconfig_parse_file().  @name_for_errors starts every error message;
 * @base_dir (absolute, or NULL to refuse relative paths) is where
 * relative kernel and ramdisk paths are resolved.  Returns as
 * vmconfig_parse_file().
 */
int vmconfig_parse_string(const char *text, const char *name_for_errors,
			  const char *base_dir, struct vmconfig *cfg,
			  char *err, size_t errlen);

/* Free what @cfg holds and empty it; safe on an empty or freed @cfg. */
void vmconfig_free(struct vmconfig *cfg);

/*
 * Check that the kernel and ramdisk are readable regular files.  Returns
 * 0, or -1 with "kernel '/x/y': No such file or directory" in @err.
 */
int vmconfig_check_files(const struct vmconfig *cfg, char *err,
			 size_t errlen);

/*
 * Print @cfg as one JSON object on one line.  Absent strings are null.
 * Returns 0, or -1 if writing to @out failed.
 */
int vmconfig_to_json(const struct vmconfig *cfg, FILE *out);

/* "destroy", "restart" or "preserve" (the spelling in the file). */
const char *vm_action_name(enum vm_action a);

/*
 * The action @word names, into @action.  Returns 0, -ENOTSUP for an
 * action of xl and libvirt that hxen does not implement
 * ("rename-restart", "coredump-destroy", "coredump-restart",
 * "soft-reset"), or -EINVAL for any other word.
 */
int vm_action_parse(const char *word, enum vm_action *action);

/* ---- For the readers of each configuration format ----------------------- */

/* A string setting as a file gave it, and the line it is on. */
struct vmconfig_text {
	const char *text;	/* NULL when not given */
	unsigned int line;
};

/*
 * How a format names its settings in error messages: "'memory'" in
 * xl.cfg, "<memory>" in domain XML.  @disk_entry and @vif_entry start the
 * messages about one entry ("disk 2: ...", "interface 1: ...").
 */
struct vmconfig_words {
	const char *name, *memory, *vcpus, *kernel, *ramdisk, *uuid;
	const char *disks, *vifs;
	const char *disk_entry, *vif_entry;
};

/*
 * A configuration as a reader found it, before any check.  Strings are
 * borrowed as written; numbers and actions hold the defaults that
 * vmconfig_draft_init() gives them unless the file sets them.  Lines are
 * 0 for what the file does not set.
 */
struct vmconfig_draft {
	const char *file;		/* starts every error message */
	const char *base_dir;		/* absolute, or NULL */
	const struct vmconfig_words *words;
	struct vmconfig_text name, kernel, ramdisk, cmdline, uuid;
	uint64_t memory_mib, vcpus;
	unsigned int memory_line, vcpus_line;
	enum vm_action on_poweroff, on_reboot, on_crash;
	const struct vmconfig_text *disks;	/* disk specifications */
	size_t nr_disks;
	const struct vmconfig_text *vifs;	/* interface specifications */
	size_t nr_vifs;
};

void vmconfig_draft_init(struct vmconfig_draft *d, const char *file,
			 const char *base_dir,
			 const struct vmconfig_words *words);

/*
 * Check every setting of @d against hxen's limits and make @cfg of them
 * (copying what it keeps): the one set of checks whatever the format.
 * Returns 0, or -1 with "FILE:LINE: message" in @err and @cfg left empty.
 */
int vmconfig_build(const struct vmconfig_draft *d, struct vmconfig *cfg,
		   char *err, size_t errlen);

#endif /* VMCONFIG_H */
