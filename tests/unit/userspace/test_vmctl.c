// SPDX-License-Identifier: GPL-2.0
/*
 * The VM life cycle (vmctl_*.c) against fake-ioemu, a stand-in for ioemu
 * built beside this program, in a temporary XDG_RUNTIME_DIR: start from a
 * file and from domain XML, the live domain XML, list and info, pause,
 * reboot, shutdown (with and without a guest that powers off), destroy,
 * and every failure a start can meet, with the end of the VM's log.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "vmconfig.h"
#include "vmctl.h"

int test_failures;

static char tmp[] = "/tmp/hxen-test-vmctl-XXXXXX";
static char rundir[2 * PATH_MAX];
static char fake[2 * PATH_MAX];
static char warned[512];

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(1);
	}
	chmod(path, mode);
}

static void on_warn(const char *msg)
{
	snprintf(warned, sizeof(warned), "%s", msg);
}

/* Start from file @cfg (under tmp); the status, @s filled in. */
static int start_file(const char *cfg, struct vmctl_start *s, char *err,
		      size_t errlen)
{
	static char path[8 * PATH_MAX];

	memset(s, 0, sizeof(*s));
	snprintf(path, sizeof(path), "%s/%s", tmp, cfg);
	s->config_path = path;
	s->warn = on_warn;
	return vmctl_start(s, err, errlen);
}

/* The process @pid has ended (reaped here), within 5 s. */
static bool ended(long pid)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (waitpid((pid_t)pid, NULL, WNOHANG) == (pid_t)pid ||
		    kill((pid_t)pid, 0) < 0)
			return true;
		usleep(50000);
	}
	return false;
}

static bool in_file(const char *path, const char *part)
{
	char buf[16384];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, part) != NULL;
}

static void test_life(void)
{
	char err[VMCTL_ERR_MAX], path[8 * PATH_MAX];
	struct vmctl_start s, again;
	struct vmctl_vm *vms, vm;
	struct vmconfig cfg;
	int rc, n;

	rc = start_file("web.cfg", &s, err, sizeof(err));
	EXPECT("start/file", rc == VMCTL_OK);
	if (rc != VMCTL_OK)
		printf("# %s\n", err);
	EXPECT_STR("start/name", s.name, "web");
	EXPECT("start/domid", s.domid == 1);
	EXPECT("start/pid", s.pid > 1 && kill((pid_t)s.pid, 0) == 0);
	snprintf(path, sizeof(path), "%s/web.log", rundir);
	EXPECT("start/log", in_file(path, "fake-ioemu: args: --daemon --control"));
	EXPECT("start/session-leader",
	       in_file(path, "fake-ioemu: session leader: yes"));
	EXPECT("start/no-warning", !warned[0]);

	/* The live domain XML. */
	rc = vmctl_live_config(rundir, "web", &cfg, err, sizeof(err));
	EXPECT("live/read", rc == VMCTL_OK);
	EXPECT("live/memory", cfg.memory_mib == 256 && cfg.vcpus == 2);
	EXPECT_CONTAINS("live/kernel-absolute", cfg.kernel, "/vmlinuz");
	EXPECT("live/kernel-absolute-slash", cfg.kernel && cfg.kernel[0] == '/');
	vmconfig_free(&cfg);
	snprintf(path, sizeof(path), "%s/web.xml", rundir);
	{
		struct stat st;

		EXPECT("live/mode-0600", stat(path, &st) == 0 &&
		       (st.st_mode & 0777) == 0600);
	}

	n = vmctl_list(&vms, err, sizeof(err));
	EXPECT("list/one", n == 1);
	if (n == 1) {
		EXPECT_STR("list/name", vms[0].info.name, "web");
		EXPECT("list/answered", vms[0].answered);
		EXPECT_STR("list/state", vms[0].info.state, "running");
		EXPECT("list/vcpus-memory", vms[0].info.vcpus == 2 &&
		       vms[0].info.memory_mib == 256);
		EXPECT("list/pid", vms[0].info.pid == s.pid);
	}
	free(vms);

	rc = start_file("web.cfg", &again, err, sizeof(err));
	EXPECT("start/twice", rc == VMCTL_RUNNING);
	EXPECT_STR("start/twice-says", err,
		   "a VM named 'web' is already running (hxenctl list shows it; 'hxenctl shutdown web' ends it)");

	EXPECT("pause", vmctl_pause("web", true, err, sizeof(err)) ==
	       VMCTL_OK);
	EXPECT("info/paused", vmctl_vm_info("web", &vm, err, sizeof(err)) ==
	       VMCTL_OK && vm.answered && !strcmp(vm.info.state, "paused"));
	EXPECT("unpause", vmctl_pause("web", false, err, sizeof(err)) ==
	       VMCTL_OK);
	EXPECT("info/running", vmctl_vm_info("web", &vm, err, sizeof(err)) ==
	       VMCTL_OK && !strcmp(vm.info.state, "running"));

	EXPECT("reboot", vmctl_shutdown("web", true, 60, err, sizeof(err)) ==
	       VMCTL_OK);
	snprintf(path, sizeof(path), "%s/web.log", rundir);
	EXPECT("reboot/reached-guest", in_file(path, "[console] rebooting"));
	EXPECT("reboot/not-waited", kill((pid_t)s.pid, 0) == 0);

	/* Power off without waiting, then wait for it here. */
	EXPECT("shutdown/no-wait", vmctl_shutdown("web", false, 0, err,
						  sizeof(err)) == VMCTL_OK);
	EXPECT("shutdown/ended", ended(s.pid));
	EXPECT("shutdown/gone", vmctl_vm_info("web", &vm, err, sizeof(err)) ==
	       VMCTL_NO_VM);
	EXPECT_STR("shutdown/gone-says", err,
		   "no VM named 'web' (hxenctl list shows yours)");
	n = vmctl_list(&vms, err, sizeof(err));
	EXPECT("list/empty", n == 0);
	free(vms);
}

static void test_xml_start(void)
{
	char err[VMCTL_ERR_MAX], path[8 * PATH_MAX], xml[1024];
	struct vmctl_start s = { .warn = on_warn };
	struct vmconfig cfg;
	int rc;

	snprintf(xml, sizeof(xml),
		 "<domain type='xen'><name>db</name>"
		 "<uuid>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</uuid>"
		 "<memory unit='MiB'>64</memory>"
		 "<os><type>xenpvh</type><kernel>%s/vmlinuz</kernel></os>"
		 "</domain>", tmp);
	s.config_xml = xml;
	rc = vmctl_start(&s, err, sizeof(err));
	EXPECT("start/xml", rc == VMCTL_OK);
	if (rc != VMCTL_OK)
		printf("# %s\n", err);
	snprintf(path, sizeof(path), "%s/db.log", rundir);
	{
		char want[8 * PATH_MAX];

		snprintf(want, sizeof(want), "--console-log %s/db.log %s/db.xml",
			 rundir, rundir);
		EXPECT("start/xml-ioemu-reads-live-file", in_file(path, want));
	}
	rc = vmctl_live_config(rundir, "db", &cfg, err, sizeof(err));
	EXPECT("live/xml-uuid", rc == VMCTL_OK &&
	       !strcmp(cfg.uuid, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
	vmconfig_free(&cfg);

	EXPECT("destroy", vmctl_destroy("db", err, sizeof(err)) == VMCTL_OK);
	EXPECT("destroy/ended", ended(s.pid));
	{
		struct vmctl_vm vm;

		EXPECT("destroy/gone", vmctl_vm_info("db", &vm, err,
						     sizeof(err)) ==
		       VMCTL_NO_VM);
	}

	/* Both given, or neither. */
	s.config_path = "/dev/null";
	EXPECT("start/file-and-xml", vmctl_start(&s, err, sizeof(err)) ==
	       VMCTL_BAD_CONFIG);
	s.config_path = NULL;
	s.config_xml = NULL;
	EXPECT("start/nothing", vmctl_start(&s, err, sizeof(err)) ==
	       VMCTL_BAD_CONFIG);
	s.config_xml = "<domain type='xen'><name>x</name>"
		       "<os><type>xenpvh</type><kernel>k</kernel></os></domain>";
	EXPECT("start/xml-relative-path", vmctl_start(&s, err, sizeof(err)) ==
	       VMCTL_BAD_CONFIG);
	EXPECT_CONTAINS("start/xml-relative-path-says", err, "relative path");
}

/* A configuration domain XML cannot say: no live XML, an old one gone. */
static void test_no_live_xml(void)
{
	char err[VMCTL_ERR_MAX];
	struct vmctl_start s;
	struct vmconfig cfg;
	int rc;

	rc = start_file("tap.cfg", &s, err, sizeof(err));
	EXPECT("start/tap", rc == VMCTL_OK);
	if (rc != VMCTL_OK)
		printf("# %s\n", err);
	rc = vmctl_live_config(rundir, "web", &cfg, err, sizeof(err));
	EXPECT("live/none-for-tap", rc == VMCTL_NO_VM);
	EXPECT_CONTAINS("live/none-for-tap-says", err,
			"domain XML cannot express");
	vmctl_destroy("web", err, sizeof(err));
	ended(s.pid);
}

static void test_shutdown_timeout(void)
{
	char err[VMCTL_ERR_MAX];
	struct vmctl_start s;
	time_t t0;
	int rc;

	setenv("FAKE_IOEMU_IGNORE_SHUTDOWN", "1", 1);
	rc = start_file("web.cfg", &s, err, sizeof(err));
	unsetenv("FAKE_IOEMU_IGNORE_SHUTDOWN");
	EXPECT("start/stubborn", rc == VMCTL_OK);
	t0 = time(NULL);
	rc = vmctl_shutdown("web", false, 1, err, sizeof(err));
	EXPECT("shutdown/timeout", rc == VMCTL_FAILED);
	EXPECT_STR("shutdown/timeout-says", err,
		   "web did not shut down within 1 s; 'hxenctl destroy web' ends it at once");
	EXPECT("shutdown/timeout-took-1s", time(NULL) - t0 <= 3);
	EXPECT("shutdown/still-runs", kill((pid_t)s.pid, 0) == 0);
	EXPECT("destroy/stubborn", vmctl_destroy("web", err, sizeof(err)) ==
	       VMCTL_OK);
	EXPECT("destroy/stubborn-ended", ended(s.pid));
}

static void test_start_failures(void)
{
	char err[VMCTL_ERR_MAX], path[8 * PATH_MAX];
	struct vmctl_start s;
	struct vmctl_vm vm;
	int rc;

	EXPECT("start/bad-config", start_file("bad.cfg", &s, err,
					      sizeof(err)) ==
	       VMCTL_BAD_CONFIG);
	EXPECT_CONTAINS("start/bad-config-says", err,
			"bad.cfg:2: unknown key 'memroy'");
	EXPECT("start/missing-config", start_file("nosuch.cfg", &s, err,
						  sizeof(err)) ==
	       VMCTL_BAD_CONFIG);
	EXPECT("start/missing-kernel", start_file("nokernel.cfg", &s, err,
						  sizeof(err)) ==
	       VMCTL_FAILED);
	EXPECT_CONTAINS("start/missing-kernel-says", err,
			"nokernel.cfg: kernel '/nonexistent/vmlinuz': No such file or directory");

	setenv("HXEN_IOEMU", "/nonexistent/ioemu", 1);
	EXPECT("start/no-ioemu", start_file("web.cfg", &s, err, sizeof(err)) ==
	       VMCTL_FAILED);
	EXPECT_STR("start/no-ioemu-says", err,
		   "HXEN_IOEMU is '/nonexistent/ioemu', which cannot be run: No such file or directory");

	/* An ioemu that fails, with more lines than the tail shows. */
	snprintf(path, sizeof(path), "%s/failing-ioemu", tmp);
	write_file(path,
		   "#!/bin/sh\n"
		   "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"line $i\"; done\n"
		   "printf 'ioemu: bell\\007 here\\n\\n' >&2\n"
		   "exit 3\n", 0755);
	setenv("HXEN_IOEMU", path, 1);
	rc = start_file("web.cfg", &s, err, sizeof(err));
	EXPECT("start/ioemu-fails", rc == VMCTL_FAILED);
	snprintf(path, sizeof(path),
		 "the ioemu of 'web' exited with status 3 before the VM ran; the end of %s/web.log:\n"
		 "  line 4\n  line 5\n  line 6\n  line 7\n  line 8\n"
		 "  line 9\n  line 10\n  line 11\n  line 12\n"
		 "  ioemu: bell? here", rundir);
	EXPECT_STR("start/ioemu-fails-tail", err, path);
	EXPECT("start/ioemu-fails-no-socket",
	       vmctl_vm_info("web", &vm, err, sizeof(err)) == VMCTL_NO_VM);

	/* One that cannot be executed. */
	snprintf(path, sizeof(path), "%s/garbage", tmp);
	write_file(path, "not a program\n", 0755);
	setenv("HXEN_IOEMU", path, 1);
	rc = start_file("web.cfg", &s, err, sizeof(err));
	EXPECT("start/exec-fails", rc == VMCTL_FAILED);
	EXPECT_CONTAINS("start/exec-fails-says", err, ": Exec format error");

	/* The old log cannot be kept: a warning, and the start goes on. */
	setenv("HXEN_IOEMU", fake, 1);
	snprintf(path, sizeof(path), "%s/web.log.1", rundir);
	unlink(path);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/web.log.1/x", rundir);
	write_file(path, "x", 0600);
	warned[0] = '\0';
	rc = start_file("web.cfg", &s, err, sizeof(err));
	EXPECT("start/warns", rc == VMCTL_OK);
	EXPECT_CONTAINS("start/warns-says", warned, "cannot keep the old log as");
	vmctl_destroy("web", err, sizeof(err));
	ended(s.pid);

	/* Commands to VMs that do not run, or cannot be named. */
	EXPECT("shutdown/unknown", vmctl_shutdown("nosuch", false, 1, err,
						  sizeof(err)) == VMCTL_NO_VM);
	EXPECT_STR("shutdown/unknown-says", err,
		   "no VM named 'nosuch' (hxenctl list shows yours)");
	EXPECT("destroy/unknown", vmctl_destroy("nosuch", err, sizeof(err)) ==
	       VMCTL_NO_VM);
	EXPECT("pause/unknown", vmctl_pause("nosuch", true, err, sizeof(err)) ==
	       VMCTL_NO_VM);
	EXPECT("pause/bad-name", vmctl_pause("a/b", true, err, sizeof(err)) ==
	       VMCTL_BAD_NAME);
	EXPECT_CONTAINS("pause/bad-name-says", err, "'a/b' is not a VM name");
	EXPECT("info/bad-name", vmctl_vm_info("..", &vm, err, sizeof(err)) ==
	       VMCTL_BAD_NAME);

	/* A runtime directory too deep for a socket path. */
	{
		char deep[PATH_MAX], old[PATH_MAX];

		snprintf(old, sizeof(old), "%s", getenv("XDG_RUNTIME_DIR"));
		snprintf(deep, sizeof(deep), "%s/%0100d", tmp, 0);
		mkdir(deep, 0700);
		setenv("XDG_RUNTIME_DIR", deep, 1);
		EXPECT("start/socket-path-too-long",
		       start_file("web.cfg", &s, err, sizeof(err)) ==
		       VMCTL_FAILED);
		EXPECT_CONTAINS("start/socket-path-too-long-says", err,
				".sock is too long (limit 107 bytes)");
		setenv("XDG_RUNTIME_DIR", old, 1);
	}
}

int main(void)
{
	char path[8 * PATH_MAX], self[PATH_MAX], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0 || !mkdtemp(tmp)) {
		perror("setup");
		return 1;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	snprintf(fake, sizeof(fake), "%s/fake-ioemu", self);
	setenv("HXEN_IOEMU", fake, 1);
	snprintf(path, sizeof(path), "%s/xdg", tmp);
	mkdir(path, 0700);
	setenv("XDG_RUNTIME_DIR", path, 1);
	snprintf(rundir, sizeof(rundir), "%s/xdg/hxen", tmp);

	snprintf(path, sizeof(path), "%s/vmlinuz", tmp);
	write_file(path, "", 0644);
	snprintf(path, sizeof(path), "%s/web.cfg", tmp);
	write_file(path, "name = 'web'\nkernel = 'vmlinuz'\nmemory = 256\nvcpus = 2\n",
		   0644);
	snprintf(path, sizeof(path), "%s/tap.cfg", tmp);
	write_file(path, "name = 'web'\nkernel = 'vmlinuz'\n"
		   "vif = ['type=tap, ifname=tap0']\n", 0644);
	snprintf(path, sizeof(path), "%s/bad.cfg", tmp);
	write_file(path, "name = 'bad'\nmemroy = 64\n", 0644);
	snprintf(path, sizeof(path), "%s/nokernel.cfg", tmp);
	write_file(path, "name = 'nokernel'\nkernel = '/nonexistent/vmlinuz'\n",
		   0644);

	test_life();
	test_xml_start();
	test_no_live_xml();
	test_shutdown_timeout();
	test_start_failures();

	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	if (system(path) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
	return test_failures ? 1 : 0;
}
