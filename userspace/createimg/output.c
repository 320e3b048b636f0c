// SPDX-License-Identifier: GPL-2.0
/*
 * Temporary-file-and-rename creation of the image file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "createimg.h"
#include "output.h"

#define TEMP_NAME_TEMPLATE ".createimg-XXXXXX"

/*
 * The temporary file's name lives here, not in struct output_file, so that
 * the signal handler can remove it.  Only one image is written per run.
 */
static char temp_path[PATH_MAX];
static volatile sig_atomic_t temp_exists;

static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void remove_temp_and_die(int signo)
{
	if (temp_exists)
		unlink(temp_path);
	/* The handler was reset to the default: this ends the process. */
	raise(signo);
}

static void install_cleanup_handlers(void)
{
	struct sigaction action, previous;
	size_t i;

	memset(&action, 0, sizeof(action));
	action.sa_handler = remove_temp_and_die;
	action.sa_flags = SA_RESETHAND;
	sigemptyset(&action.sa_mask);
	for (i = 0; i < ARRAY_SIZE(cleanup_signals); i++) {
		/* Leave signals ignored by the caller (e.g. nohup) ignored. */
		if (sigaction(cleanup_signals[i], NULL, &previous) == 0 &&
		    previous.sa_handler == SIG_IGN)
			continue;
		sigaction(cleanup_signals[i], &action, NULL);
	}
}

/* Keep the handlers out while temp_exists and the file disagree. */
static void block_cleanup_signals(sigset_t *saved)
{
	sigset_t blocked;
	size_t i;

	sigemptyset(&blocked);
	for (i = 0; i < ARRAY_SIZE(cleanup_signals); i++)
		sigaddset(&blocked, cleanup_signals[i]);
	sigprocmask(SIG_BLOCK, &blocked, saved);
}

static void restore_signals(const sigset_t *saved)
{
	sigprocmask(SIG_SETMASK, saved, NULL);
}

/* The directory part of @path ("." if it has none); NULL if out of memory. */
static char *directory_of(const char *path)
{
	const char *last_slash = strrchr(path, '/');

	if (!last_slash)
		return strdup(".");
	if (last_slash == path)
		return strdup("/");
	return strndup(path, (size_t)(last_slash - path));
}

static int check_directory(const char *path, const char *directory)
{
	struct stat info;

	if (stat(directory, &info) != 0) {
		if (errno == ENOENT)
			report_error("cannot create '%s': directory '%s' does "
				     "not exist", path, directory);
		else
			report_error("cannot create '%s': %s: %s", path,
				     directory, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(info.st_mode)) {
		report_error("cannot create '%s': '%s' is not a directory",
			     path, directory);
		return -1;
	}
	return 0;
}

static int check_existing_file(const char *path, bool replace_existing)
{
	struct stat info;

	if (stat(path, &info) == 0 && S_ISDIR(info.st_mode)) {
		report_error("'%s' is a directory; FILE must be the path of "
			     "an image file", path);
		return -1;
	}
	if (lstat(path, &info) != 0) {
		if (errno == ENOENT)
			return 0;
		report_error("cannot create '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!replace_existing) {
		report_error("'%s' already exists; use --force to replace it",
			     path);
		return -1;
	}
	if (!S_ISREG(info.st_mode) && !S_ISLNK(info.st_mode)) {
		report_error("'%s' is not a regular file; refusing to replace "
			     "it", path);
		return -1;
	}
	return 0;
}

int output_check_target(const char *path, bool replace_existing)
{
	char *directory = directory_of(path);
	int err;

	if (!directory) {
		report_error("out of memory");
		return -1;
	}
	err = check_directory(path, directory);
	if (!err)
		err = check_existing_file(path, replace_existing);
	free(directory);
	return err;
}

static mode_t current_umask(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return mask;
}

static void report_create_error(const struct output_file *out, int err)
{
	if (err == EACCES || err == EPERM)
		report_error("cannot create '%s': permission denied: cannot "
			     "write to directory '%s'", out->path,
			     out->directory);
	else
		report_error("cannot create '%s': %s", out->path,
			     strerror(err));
}

int output_open(struct output_file *out, const char *path,
		bool replace_existing)
{
	sigset_t saved;
	int length, err = 0;

	out->path = path;
	out->replace_existing = replace_existing;
	out->fd = -1;
	out->directory = directory_of(path);
	if (!out->directory) {
		report_error("out of memory");
		return -1;
	}

	length = snprintf(temp_path, sizeof(temp_path), "%s/%s",
			  out->directory, TEMP_NAME_TEMPLATE);
	if (length < 0 || (size_t)length >= sizeof(temp_path)) {
		report_create_error(out, ENAMETOOLONG);
		output_discard(out);
		return -1;
	}

	install_cleanup_handlers();
	block_cleanup_signals(&saved);
	out->fd = mkostemp(temp_path, O_CLOEXEC);
	if (out->fd >= 0)
		temp_exists = 1;
	else
		err = errno;
	restore_signals(&saved);
	if (out->fd < 0) {
		report_create_error(out, err);
		output_discard(out);
		return -1;
	}

	/* mkostemp() makes the file 0600; give it a normal file's mode. */
	if (fchmod(out->fd, 0666 & ~current_umask()) != 0) {
		report_error("cannot set the mode of '%s': %s", out->path,
			     strerror(errno));
		output_discard(out);
		return -1;
	}
	return 0;
}

/* rename() that fails with EEXIST instead of replacing @to. */
static int rename_without_replacing(const char *from, const char *to)
{
#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	/* Without renameat2(), link() gives the same guarantee. */
	if (link(from, to) != 0)
		return -1;
	unlink(from);
	return 0;
}

static int sync_directory(const char *directory)
{
	int fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0 && errno != EINVAL)
		err = -errno;
	close(fd);
	return err;
}

int output_commit(struct output_file *out)
{
	sigset_t saved;
	int result, err;

	if (fsync(out->fd) != 0 || close(out->fd) != 0) {
		err = errno;
		out->fd = -1;
		report_error("cannot write '%s': %s", out->path,
			     strerror(err));
		return -1;
	}
	out->fd = -1;

	block_cleanup_signals(&saved);
	if (out->replace_existing)
		result = rename(temp_path, out->path);
	else
		result = rename_without_replacing(temp_path, out->path);
	err = errno;
	if (result == 0)
		temp_exists = 0;
	restore_signals(&saved);

	if (result != 0) {
		if (err == EEXIST)
			report_error("'%s' already exists; use --force to "
				     "replace it", out->path);
		else
			report_error("cannot create '%s': %s", out->path,
				     strerror(err));
		return -1;
	}

	err = sync_directory(out->directory);
	if (err) {
		report_error("cannot flush directory '%s' to disk: %s",
			     out->directory, strerror(-err));
		return -1;
	}
	free(out->directory);
	out->directory = NULL;
	return 0;
}

void output_discard(struct output_file *out)
{
	sigset_t saved;

	if (out->fd >= 0) {
		close(out->fd);
		out->fd = -1;
	}
	block_cleanup_signals(&saved);
	if (temp_exists) {
		unlink(temp_path);
		temp_exists = 0;
	}
	restore_signals(&saved);
	free(out->directory);
	out->directory = NULL;
}
