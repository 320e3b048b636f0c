// SPDX-License-Identifier: GPL-2.0
/*
 * hxenctl doctor: check every step between "the packages are installed"
 * and "this user can run VMs", and say how to fix each one that fails.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hxenctl.h"
#include "libhxen.h"

#define PATH_LEN 512

struct doctor {
	char release[128];
	int failures;
	int warnings;
	bool module_loaded;
	bool dev_usable;
	bool svm;		/* the CPU offers AMD SVM */
	struct hxen_caps caps;
};

static void report(struct doctor *d, const char *tag, const char *fix,
		   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct doctor *d, const char *tag, const char *fix,
		   const char *fmt, ...)
{
	va_list ap;

	if (!strcmp(tag, "FAIL"))
		d->failures++;
	else if (!strcmp(tag, "warn"))
		d->warnings++;
	printf("[%-4s] ", tag);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (fix)
		printf("       fix: %s\n", fix);
}

static bool host_exists(const char *path)
{
	char p[PATH_LEN];
	struct stat st;

	return stat(hxen_host_path(p, sizeof(p), path), &st) == 0;
}

/* First line of a host file, without its newline; false if unreadable. */
static bool host_read_line(const char *path, char *buf, size_t len)
{
	char p[PATH_LEN];
	FILE *f = fopen(hxen_host_path(p, sizeof(p), path), "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* Search @dir (host path) recursively for hxen.ko[.xz|.zst|.gz]. */
static bool find_module(const char *dir, char *found, size_t len, int depth)
{
	char p[PATH_LEN], sub[PATH_LEN];
	struct dirent *e;
	bool hit = false;
	DIR *dh;

	if (depth > 6)
		return false;
	dh = opendir(hxen_host_path(p, sizeof(p), dir));
	if (!dh)
		return false;
	while (!hit && (e = readdir(dh))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "build") ||
		    !strcmp(e->d_name, "source"))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (!strcmp(e->d_name, "hxen.ko") ||
		    !strncmp(e->d_name, "hxen.ko.", 8)) {
			snprintf(found, len, "%s", sub);
			hit = true;
		} else if (e->d_type == DT_DIR) {
			hit = find_module(sub, found, len, depth + 1);
		}
	}
	closedir(dh);
	return hit;
}

static void check_built(struct doctor *d)
{
	char dir[PATH_LEN], found[PATH_LEN], fix[PATH_LEN * 2];

	snprintf(dir, sizeof(dir), "/lib/modules/%s", d->release);
	if (find_module(dir, found, sizeof(found), 0)) {
		report(d, "ok", NULL, "hxen.ko is installed for kernel %s: %s",
		       d->release, found);
		return;
	}
	if (host_exists("/sys/module/hxen")) {
		snprintf(fix, sizeof(fix),
			 "install it so it loads at boot: sudo dkms install hxen/%s -k %s",
			 HXEN_TOOLS_VERSION, d->release);
		report(d, "warn", fix,
		       "hxen.ko is loaded but not installed for kernel %s",
		       d->release);
		return;
	}
	snprintf(dir, sizeof(dir), "/lib/modules/%s/build/Makefile",
		 d->release);
	if (!host_exists(dir)) {
		snprintf(fix, sizeof(fix),
			 "sudo apt install linux-headers-%s (Fedora: sudo dnf install kernel-devel-%s), then sudo dkms autoinstall -k %s",
			 d->release, d->release, d->release);
		report(d, "FAIL", fix,
		       "hxen.ko is not built for kernel %s: its headers are not installed",
		       d->release);
		return;
	}
	snprintf(fix, sizeof(fix),
		 "sudo dkms autoinstall -k %s; if it fails, read /var/lib/dkms/hxen/*/build/make.log ('dkms status hxen' lists the builds)",
		 d->release);
	report(d, "FAIL", fix, "hxen.ko is not built for kernel %s",
	       d->release);
}

/* Secure Boot state from the EFI variable; -1 when not an EFI system. */
static int secure_boot_state(void)
{
	char p[PATH_LEN];
	unsigned char buf[5];
	FILE *f;
	size_t n;

	f = fopen(hxen_host_path(p, sizeof(p),
				 "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"),
		  "rb");
	if (!f)
		return host_exists("/sys/firmware/efi") ? 0 : -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* 4 bytes of attributes, then the one-byte value. */
	return n == 5 && buf[4] == 1;
}

static void check_loaded(struct doctor *d)
{
	char version[64];
	int sb = secure_boot_state();

	if (sb < 0)
		report(d, "ok", NULL, "not an EFI system: no Secure Boot");
	else if (!sb)
		report(d, "ok", NULL, "Secure Boot is off");
	else
		report(d, "ok", NULL,
		       "Secure Boot is on: hxen.ko must be signed with an enrolled key");

	d->module_loaded = host_exists("/sys/module/hxen");
	if (!d->module_loaded) {
		report(d, "FAIL",
		       sb > 0 ?
		       "sudo modprobe hxen; if it says 'Key was rejected by service', enrol the DKMS signing key: sudo mokutil --import /var/lib/dkms/mok.pub (Ubuntu: /var/lib/shim-signed/mok/MOK.der), reboot, choose 'Enroll MOK' in the MOK manager, then sudo modprobe hxen" :
		       "sudo modprobe hxen (it loads at boot through /usr/lib/modules-load.d/hxen.conf)",
		       "the hxen module is not loaded");
		return;
	}
	if (!host_read_line("/sys/module/hxen/version", version,
			    sizeof(version)))
		snprintf(version, sizeof(version), "unknown");
	if (strcmp(version, HXEN_TOOLS_VERSION))
		report(d, "warn",
		       "install the same version of hxen and hxen-dkms, then: sudo modprobe -r hxen && sudo modprobe hxen",
		       "the hxen module is loaded, version %s (the tools are %s)",
		       version, HXEN_TOOLS_VERSION);
	else
		report(d, "ok", NULL, "the hxen module is loaded, version %s",
		       version);
}

static void check_device(struct doctor *d)
{
	const char *dev = hxen_device_path();
	struct group *gr;
	struct passwd *pw;
	struct stat st;
	const char *gname, *oname;

	if (!d->module_loaded)
		return;
	if (stat(dev, &st) != 0 || !S_ISCHR(st.st_mode)) {
		report(d, "FAIL",
		       "check that udev runs; 'ls -l /sys/class/misc/hxen' shows the device the kernel made",
		       "%s is missing although the module is loaded", dev);
		return;
	}
	gr = getgrgid(st.st_gid);
	pw = getpwuid(st.st_uid);
	gname = gr ? gr->gr_name : "?";
	oname = pw ? pw->pw_name : "?";
	if (st.st_uid == 0 && gr && !strcmp(gname, "hxen") &&
	    (st.st_mode & 07777) == 0660)
		report(d, "ok", NULL, "%s is root:hxen, mode 0660", dev);
	else
		report(d, "FAIL",
		       "install /usr/lib/udev/rules.d/99-hxen.rules (package hxen), then: sudo udevadm trigger --sysname-match=hxen",
		       "%s is %s:%s, mode %04o (want root:hxen, 0660)", dev,
		       oname, gname, (unsigned int)(st.st_mode & 07777));
}

static void check_group(struct doctor *d)
{
	struct hxen_group_state g;
	struct passwd *pw = getpwuid(getuid());
	char fix[256];

	hxen_group_state(&g);
	if (!g.exists) {
		report(d, "FAIL",
		       "install the hxen package (it creates the group through sysusers.d), or: sudo groupadd --system hxen",
		       "group hxen does not exist");
		return;
	}
	if (getuid() == 0) {
		report(d, "ok", NULL, "running as root");
		return;
	}
	if (g.in_session) {
		report(d, "ok", NULL, "you are in group hxen");
		return;
	}
	if (g.in_database) {
		report(d, "FAIL", "log out and back in (or run 'newgrp hxen')",
		       "you were added to group hxen after this session started");
		return;
	}
	snprintf(fix, sizeof(fix), "sudo usermod -aG hxen %s, then log out and back in",
		 pw ? pw->pw_name : "$USER");
	report(d, "FAIL", fix, "you are not in group hxen");
}

/* Is @word one of the space-separated words of @line? */
static bool has_word(const char *line, const char *word)
{
	size_t n = strlen(word);
	const char *p = line;

	while ((p = strstr(p, word))) {
		if ((p == line || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/*
 * SVM/VMX from /proc/cpuinfo when the device cannot be asked: the first
 * CPU's "flags", and on Intel its "vmx flags" (Linux 5.9 and later).
 */
static unsigned long long cpuinfo_features(void)
{
	char p[PATH_LEN], line[4096];
	unsigned long long f = 0;
	bool flags = false;
	FILE *fp = fopen(hxen_host_path(p, sizeof(p), "/proc/cpuinfo"), "r");

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		if (!strncmp(line, "flags", 5) && !flags) {
			flags = true;
			if (has_word(line, "svm"))
				f |= HXEN_CAP_SVM;
			if (has_word(line, "vmx"))
				f |= HXEN_CAP_VMX;
			if (has_word(line, "npt"))
				f |= HXEN_CAP_NPT;
			if (has_word(line, "ept"))
				f |= HXEN_CAP_EPT;
		} else if (!strncmp(line, "vmx flags", 9)) {
			if (has_word(line, "ept"))
				f |= HXEN_CAP_EPT;
			if (has_word(line, "vpid"))
				f |= HXEN_CAP_VPID;
			if (has_word(line, "unrestricted_guest"))
				f |= HXEN_CAP_UNRESTRICTED;
			break;
		} else if (flags && line[0] == '\n') {
			break;
		}
	}
	fclose(fp);
	return f;
}

static void check_cpu(struct doctor *d)
{
	struct hxen_version v;
	unsigned long long f;
	int fd;

	fd = d->module_loaded ? hxen_open_checked(HXENCTL, &v) : -1;
	if (fd >= 0 && hxen_get_caps(fd, &d->caps) == 0) {
		d->dev_usable = true;
		f = d->caps.features;
	} else {
		f = cpuinfo_features();
	}
	if (fd >= 0)
		close(fd);
	d->svm = f & HXEN_CAP_SVM;

	if (!(f & (HXEN_CAP_SVM | HXEN_CAP_VMX))) {
		report(d, "FAIL",
		       "use a CPU with AMD-V or Intel VT-x; in a virtual machine, enable nested virtualization on its host",
		       "this CPU offers neither AMD SVM nor Intel VMX");
		return;
	}
	if (f & HXEN_CAP_SVM_DISABLED) {
		report(d, "FAIL",
		       "enable 'SVM Mode' (AMD-V) in the firmware setup and power-cycle",
		       "AMD SVM is present but disabled by the firmware");
		return;
	}
	if (f & HXEN_CAP_VMX_DISABLED) {
		report(d, "FAIL",
		       "enable 'Intel Virtualization Technology' (VT-x) in the firmware setup and power-cycle",
		       "Intel VMX is present but disabled by the firmware");
		return;
	}
	if (f & HXEN_CAP_SVM)
		report(d, f & HXEN_CAP_NPT ? "ok" : "FAIL",
		       f & HXEN_CAP_NPT ? NULL :
		       "hxen needs nested paging (NPT): use a newer CPU, or enable it on the host of this virtual machine",
		       "AMD SVM is available%s%s",
		       f & HXEN_CAP_NPT ? " with nested paging" : " without nested paging",
		       d->dev_usable ? "" : " (from /proc/cpuinfo)");
	else if (!(f & HXEN_CAP_EPT) || !(f & HXEN_CAP_UNRESTRICTED))
		report(d, "FAIL",
		       "hxen needs EPT and unrestricted guest (Westmere or newer): use a newer CPU, or enable them on the host of this virtual machine",
		       "Intel VMX is available without %s%s",
		       f & HXEN_CAP_EPT ? "unrestricted guest" : "EPT",
		       d->dev_usable ? "" : " (from /proc/cpuinfo)");
	else
		report(d, "ok", NULL,
		       "Intel VMX is available with EPT, unrestricted guest%s%s",
		       f & HXEN_CAP_VPID ? " and VPID" : ", without VPID",
		       d->dev_usable ? "" : " (from /proc/cpuinfo)");
}

/*
 * How hxen lives beside KVM.  It never needs KVM out of the way: it
 * turns SVM or VMX on only for each guest run, and where another
 * hypervisor has it on, hxen runs its guests inside that ("shared").
 */
static void check_other_hypervisor(struct doctor *d)
{
	const char *kvm_mod = NULL;
	const char *ext = d->svm ? "SVM" : "VMX";
	char at_load[16] = "";
	bool held = d->dev_usable && d->caps.nr_cpus_held;

	if (host_exists("/sys/module/kvm_amd"))
		kvm_mod = "kvm_amd";
	else if (host_exists("/sys/module/kvm_intel"))
		kvm_mod = "kvm_intel";
	host_read_line("/sys/module/kvm/parameters/enable_virt_at_load",
		       at_load, sizeof(at_load));

	if (held)
		report(d, "ok", NULL,
		       "coexistence: shared; another hypervisor%s%s%s has %s on on %u of %u CPUs%s, and hxen runs its guests inside it, leaving it as it found it",
		       kvm_mod ? " (" : "", kvm_mod ? kvm_mod : "",
		       kvm_mod ? ")" : "", ext, d->caps.nr_cpus_held,
		       d->caps.nr_cpus,
		       at_load[0] == 'Y' ? " (kvm.enable_virt_at_load=Y)" : "");
	else if (kvm_mod)
		report(d, "ok", NULL,
		       "coexistence: per-run; %s is loaded and%s has %s off now: hxen turns %s on only while its guests run, so KVM can start guests at any time",
		       kvm_mod, d->dev_usable ? "" : " (without the module, not checked)",
		       ext, ext);
	else
		report(d, "ok", NULL,
		       "coexistence: per-run; no other hypervisor module is loaded, and hxen turns %s on only while its guests run",
		       ext);
}

int cmd_doctor(int argc, char **argv)
{
	struct doctor d = { 0 };
	const char *rel = getenv("HXEN_KERNEL_RELEASE");
	struct utsname u;
	int err;

	err = no_args("doctor", argc, argv);
	if (err)
		return err < 0 ? HXEN_EXIT_OK : err;

	if (rel && *rel) {
		snprintf(d.release, sizeof(d.release), "%s", rel);
	} else if (uname(&u) == 0) {
		snprintf(d.release, sizeof(d.release), "%s", u.release);
	} else {
		fprintf(stderr, "hxenctl: uname: %s\n", strerror(errno));
		return HXEN_EXIT_ERROR;
	}

	printf("hxen doctor: hxenctl %s, kernel %s\n", HXEN_TOOLS_VERSION,
	       d.release);
	check_built(&d);
	check_loaded(&d);
	check_device(&d);
	check_group(&d);
	check_cpu(&d);
	check_other_hypervisor(&d);

	if (d.failures)
		printf("%d problem%s found.\n", d.failures,
		       d.failures == 1 ? "" : "s");
	else
		printf("No problems found%s.\n",
		       d.warnings ? " (see the warnings above)" : "");
	return d.failures ? HXEN_EXIT_ERROR : HXEN_EXIT_OK;
}
