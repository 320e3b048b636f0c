// SPDX-License-Identifier: GPL-2.0
/* Defined domains as domain XML files in the user's configuration dir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errmsg.h"
#include "domstore.h"
#include "domxml.h"
#include "file_replace.h"
#include "vmuuid.h"

#define STORE_SUBDIR	"hxen/domains"

/* ---- The directory ------------------------------------------------------- */

/* $XDG_CONFIG_HOME, or ~/.config. */
static int config_home(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct passwd *pw;
	int n;

	if (xdg && xdg[0] == '/') {
		n = snprintf(buf, len, "%s", xdg);
	} else {
		if (!home || home[0] != '/') {
			pw = getpwuid(geteuid());
			home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ?
			       pw->pw_dir : NULL;
		}
		if (!home)
			return -1;
		n = snprintf(buf, len, "%s/.config", home);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* mkdir -p, each new directory with mode 0700 whatever the umask. */
static int make_dirs(char *path)
{
	char *slash;
	int rc = 0;

	for (slash = strchr(path + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		if (mkdir(path, 0700) == 0)
			rc = chmod(path, 0700);
		else if (errno != EEXIST)
			rc = -1;
		if (slash)
			*slash = '/';
		if (rc || !slash)
			return rc;
	}
}

int domstore_open(struct domstore *st, char *err, size_t errlen)
{
	char home[VMDIR_PATH_MAX - sizeof(STORE_SUBDIR) - 1];
	uid_t uid = geteuid();
	struct stat st_dir;

	if (config_home(home, sizeof(home)) < 0)
		return errmsg_set(err, errlen, DOMSTORE_FAILED,
				  "cannot tell where your configuration directory is: set HOME or XDG_CONFIG_HOME");
	snprintf(st->dir, sizeof(st->dir), "%s/%s", home, STORE_SUBDIR);
	if (make_dirs(st->dir) < 0)
		return errmsg_set(err, errlen, DOMSTORE_FAILED,
				  "cannot create the domain directory %s: %s",
				  st->dir, strerror(errno));
	if (lstat(st->dir, &st_dir) < 0)
		return errmsg_set(err, errlen, DOMSTORE_FAILED,
				  "cannot check the domain directory %s: %s",
				  st->dir, strerror(errno));
	if (S_ISLNK(st_dir.st_mode) || !S_ISDIR(st_dir.st_mode))
		return errmsg_set(err, errlen, DOMSTORE_FAILED,
				  "the domain directory %s is %s, not a directory; remove it",
				  st->dir, S_ISLNK(st_dir.st_mode) ?
				  "a symbolic link" : "something else");
	if (st_dir.st_uid != uid)
		return errmsg_set(err, errlen, DOMSTORE_FAILED,
				  "the domain directory %s belongs to uid %u, not to you (uid %u)",
				  st->dir, (unsigned int)st_dir.st_uid,
				  (unsigned int)uid);
	if (st_dir.st_mode & 077)
		return errmsg_set(err, errlen, DOMSTORE_FAILED,
				  "the domain directory %s has mode %04o, but only you may enter it: run 'chmod 700 %s'",
				  st->dir, (unsigned int)(st_dir.st_mode & 07777),
				  st->dir);
	return DOMSTORE_OK;
}

/* DIR/NAME.SUFFIX, or an error for a name that is not a VM name. */
static int file_of(const struct domstore *st, const char *name,
		   const char *suffix, char *path, size_t len, char *err,
		   size_t errlen)
{
	if (!vmdir_name_valid(name))
		return errmsg_set(err, errlen, DOMSTORE_NOT_FOUND,
				  "'%s' is not a domain name (1 to 64 letters, digits, '_', '.' and '-', not starting with '.' or '-')",
				  name);
	if (vmdir_file(path, len, st->dir, name, suffix) < 0)
		return errmsg_set(err, errlen, DOMSTORE_FAILED,
				  "the path %s/%s%s is too long", st->dir, name,
				  suffix);
	return DOMSTORE_OK;
}

/* ---- Definitions --------------------------------------------------------- */

int domstore_load(const struct domstore *st, const char *name,
		  struct vmconfig *cfg, char *err, size_t errlen)
{
	char path[VMDIR_PATH_MAX], why[1024], *xml;
	size_t len;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	rc = file_of(st, name, ".xml", path, sizeof(path), err, errlen);
	if (rc)
		return rc;
	rc = file_read_all(path, VMCONFIG_FILE_MAX, &xml, &len);
	if (rc == -ENOENT)
		return errmsg_set(err, errlen, DOMSTORE_NOT_FOUND,
				  "no domain named '%s' is defined", name);
	if (rc < 0)
		return errmsg_set(err, errlen, DOMSTORE_FAILED, "cannot read %s: %s",
				  path, strerror(-rc));
	rc = domxml_parse_string(xml, len, path, NULL, cfg, why,
				 sizeof(why));
	free(xml);
	if (rc < 0)
		return errmsg_set(err, errlen, DOMSTORE_BAD_XML, "%s", why);
	if (strcmp(cfg->name, name) || !cfg->uuid[0]) {
		vmconfig_free(cfg);
		return errmsg_set(err, errlen, DOMSTORE_BAD_XML,
				  "%s: not the definition of '%s' as hxen writes it (a <name> and a <uuid>)",
				  path, name);
	}
	return DOMSTORE_OK;
}

bool domstore_exists(const struct domstore *st, const char *name)
{
	char path[VMDIR_PATH_MAX], why[256];

	return file_of(st, name, ".xml", path, sizeof(path), why,
		       sizeof(why)) == DOMSTORE_OK &&
	       access(path, F_OK) == 0;
}

/* Another defined domain with @uuid: its name into @other (1), or 0. */
static int uuid_taken(const struct domstore *st, const char *name,
		      const char *uuid, char *other, size_t len)
{
	char why[1024], **names;
	struct vmconfig cfg;
	int n, i, found = 0;

	n = domstore_names(st, &names, why, sizeof(why));
	for (i = 0; i < n && !found; i++) {
		if (!strcmp(names[i], name) ||
		    domstore_load(st, names[i], &cfg, why, sizeof(why)))
			continue;
		if (!strcmp(cfg.uuid, uuid)) {
			snprintf(other, len, "%s", names[i]);
			found = 1;
		}
		vmconfig_free(&cfg);
	}
	if (n > 0)
		vmdir_free_names(names, n);
	return found;
}

/* Give @cfg the UUID of the domain it redefines, or a new one. */
static int settle_uuid(const struct domstore *st, struct vmconfig *cfg,
		       bool *existed, char *err, size_t errlen)
{
	char why[1024], other[VMCONFIG_NAME_MAX + 1];
	struct vmconfig old;
	int rc;

	rc = domstore_load(st, cfg->name, &old, why, sizeof(why));
	*existed = rc != DOMSTORE_NOT_FOUND;
	if (rc == DOMSTORE_OK) {
		if (cfg->uuid[0] && strcmp(cfg->uuid, old.uuid)) {
			errmsg_set(err, errlen, DOMSTORE_CONFLICT,
				   "domain '%s' is already defined with UUID %s, not %s",
				   cfg->name, old.uuid, cfg->uuid);
			vmconfig_free(&old);
			return DOMSTORE_CONFLICT;
		}
		memcpy(cfg->uuid, old.uuid, sizeof(cfg->uuid));
		vmconfig_free(&old);
	} else if (rc != DOMSTORE_NOT_FOUND && rc != DOMSTORE_BAD_XML) {
		return errmsg_set(err, errlen, rc, "%s", why);
	}
	/* A damaged definition is replaced, keeping nothing of it. */
	if (!cfg->uuid[0]) {
		rc = vmuuid_generate(cfg->uuid);
		if (rc < 0)
			return errmsg_set(err, errlen, DOMSTORE_FAILED,
					  "cannot make a UUID: /dev/urandom: %s",
					  strerror(-rc));
		return DOMSTORE_OK;
	}
	if (uuid_taken(st, cfg->name, cfg->uuid, other, sizeof(other)))
		return errmsg_set(err, errlen, DOMSTORE_CONFLICT,
				  "UUID %s belongs to domain '%s' already",
				  cfg->uuid, other);
	return DOMSTORE_OK;
}

int domstore_define(const struct domstore *st, const char *xml,
		    struct vmconfig *cfg, bool *existed, char *err,
		    size_t errlen)
{
	char path[VMDIR_PATH_MAX], why[1024], *text;
	int rc;

	*existed = false;
	if (domxml_parse_string(xml, strlen(xml), "domain XML", NULL, cfg,
				why, sizeof(why)) < 0)
		return errmsg_set(err, errlen, DOMSTORE_BAD_XML, "%s", why);
	rc = file_of(st, cfg->name, ".xml", path, sizeof(path), err, errlen);
	if (rc == DOMSTORE_NOT_FOUND)
		rc = DOMSTORE_BAD_XML;
	if (rc == DOMSTORE_OK)
		rc = settle_uuid(st, cfg, existed, err, errlen);
	if (rc == DOMSTORE_OK &&
	    domxml_format(cfg, &text, why, sizeof(why)) < 0)
		rc = errmsg_set(err, errlen, DOMSTORE_BAD_XML, "%s", why);
	if (rc == DOMSTORE_OK) {
		int e = file_replace(path, text, strlen(text), 0600);

		free(text);
		if (e < 0)
			rc = errmsg_set(err, errlen, DOMSTORE_FAILED,
					"cannot write %s: %s", path, strerror(-e));
	}
	if (rc != DOMSTORE_OK)
		vmconfig_free(cfg);
	return rc;
}

int domstore_undefine(const struct domstore *st, const char *name,
		      char *err, size_t errlen)
{
	char path[VMDIR_PATH_MAX];
	int rc;

	rc = domstore_set_autostart(st, name, false, err, errlen);
	if (rc)
		return rc;
	file_of(st, name, ".xml", path, sizeof(path), err, errlen);
	if (unlink(path) < 0)
		return errmsg_set(err, errlen, DOMSTORE_FAILED,
				  "cannot remove %s: %s", path, strerror(errno));
	return DOMSTORE_OK;
}

/* ---- Listing ------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int domstore_names(const struct domstore *st, char ***names, char *err,
		   size_t errlen)
{
	DIR *d = opendir(st->dir);
	struct dirent *e;
	char **v = NULL;
	int n = 0, cap = 0;

	*names = NULL;
	if (!d) {
		errmsg_set(err, errlen, DOMSTORE_FAILED, "cannot read %s: %s",
			   st->dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char *name;

		if (len <= 4 || strcmp(e->d_name + len - 4, ".xml"))
			continue;
		name = strndup(e->d_name, len - 4);
		if (!name)
			goto nomem;
		if (!vmdir_name_valid(name)) {
			free(name);
			continue;
		}
		if (n == cap) {
			int ncap = cap ? cap * 2 : 16;
			char **nv = realloc(v, (size_t)ncap * sizeof(*v));

			if (!nv) {
				free(name);
				goto nomem;
			}
			v = nv;
			cap = ncap;
		}
		v[n++] = name;
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof(*v), cmp_names);
	*names = v;
	return n;
nomem:
	closedir(d);
	vmdir_free_names(v, n);
	errmsg_set(err, errlen, DOMSTORE_FAILED, "out of memory");
	return -1;
}

/* ---- Autostart ----------------------------------------------------------- */

bool domstore_autostart(const struct domstore *st, const char *name)
{
	char path[VMDIR_PATH_MAX], why[256];
	struct stat s;

	return file_of(st, name, ".autostart", path, sizeof(path), why,
		       sizeof(why)) == DOMSTORE_OK &&
	       lstat(path, &s) == 0 && S_ISREG(s.st_mode) &&
	       domstore_exists(st, name);
}

int domstore_set_autostart(const struct domstore *st, const char *name,
			   bool on, char *err, size_t errlen)
{
	char path[VMDIR_PATH_MAX];
	int rc, fd;

	rc = file_of(st, name, ".autostart", path, sizeof(path), err, errlen);
	if (rc)
		return rc;
	if (!domstore_exists(st, name))
		return errmsg_set(err, errlen, DOMSTORE_NOT_FOUND,
				  "no domain named '%s' is defined", name);
	if (!on) {
		if (unlink(path) < 0 && errno != ENOENT)
			return errmsg_set(err, errlen, DOMSTORE_FAILED,
					  "cannot remove %s: %s", path,
					  strerror(errno));
		return DOMSTORE_OK;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errmsg_set(err, errlen, DOMSTORE_FAILED,
				  "cannot create %s: %s", path, strerror(errno));
	close(fd);
	return DOMSTORE_OK;
}
