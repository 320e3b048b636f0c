/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Defined domains: VMs the user keeps, running or not, each as domain
 * XML in the user's configuration directory.
 *
 * The directory is $XDG_CONFIG_HOME/hxen/domains (an XDG_CONFIG_HOME
 * that is not absolute is ignored), else ~/.config/hxen/domains.  It has
 * mode 0700 and belongs to the user.  For each domain NAME it holds
 * NAME.xml (mode 0600, domain XML as domxml_format() writes it, always
 * with a <uuid>) and, when the domain starts with virthxend, the empty
 * file NAME.autostart.  Files are replaced whole (file_replace.h), so a
 * reader never sees half a definition.
 */
#ifndef DOMSTORE_H
#define DOMSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "vmconfig.h"
#include "vmdir.h"

enum domstore_status {
	DOMSTORE_OK = 0,
	DOMSTORE_BAD_XML,	/* the XML does not describe an hxen VM */
	DOMSTORE_NOT_FOUND,	/* no domain of that name is defined */
	DOMSTORE_CONFLICT,	/* its UUID belongs to another domain */
	DOMSTORE_FAILED,	/* the directory or a file failed us */
};

struct domstore {
	char dir[VMDIR_PATH_MAX];
};

/*
 * Find the directory and create what is missing of it (mode 0700), then
 * check that it is a directory (not a symbolic link) of the user's that
 * nobody else may enter.  Returns DOMSTORE_OK or DOMSTORE_FAILED with a
 * message in @err.
 */
int domstore_open(struct domstore *st, char *err, size_t errlen);

/*
 * Define the domain that the domain XML @xml describes, or redefine it
 * if one of that name exists.  Paths in it must be absolute.  A UUID the
 * XML does not give is the domain's present one, or else a new random
 * one; a UUID it gives must be that of the domain it redefines, and no
 * other domain's.  On DOMSTORE_OK, @cfg holds the definition as stored
 * (vmconfig_free() it) and *@existed tells whether it replaced one.  Else
 * DOMSTORE_BAD_XML, DOMSTORE_CONFLICT or DOMSTORE_FAILED, with a message
 * in @err and @cfg empty.
 */
int domstore_define(const struct domstore *st, const char *xml,
		    struct vmconfig *cfg, bool *existed, char *err,
		    size_t errlen);

/*
 * Read the definition of domain @name into @cfg: DOMSTORE_OK,
 * DOMSTORE_NOT_FOUND, DOMSTORE_BAD_XML (the file is damaged) or
 * DOMSTORE_FAILED.
 */
int domstore_load(const struct domstore *st, const char *name,
		  struct vmconfig *cfg, char *err, size_t errlen);

/* Whether domain @name is defined. */
bool domstore_exists(const struct domstore *st, const char *name);

/*
 * Forget domain @name, its autostart mark too: DOMSTORE_OK,
 * DOMSTORE_NOT_FOUND or DOMSTORE_FAILED.
 */
int domstore_undefine(const struct domstore *st, const char *name,
		      char *err, size_t errlen);

/*
 * The names of the defined domains, sorted, into *@names (free with
 * vmdir_free_names()): the count, or -1 with a message in @err.
 */
int domstore_names(const struct domstore *st, char ***names, char *err,
		   size_t errlen);

/* Whether domain @name is marked to start with virthxend. */
bool domstore_autostart(const struct domstore *st, const char *name);

/*
 * Mark domain @name to start with virthxend, or not: DOMSTORE_OK,
 * DOMSTORE_NOT_FOUND or DOMSTORE_FAILED.
 */
int domstore_set_autostart(const struct domstore *st, const char *name,
			   bool on, char *err, size_t errlen);

#endif /* DOMSTORE_H */
