// SPDX-License-Identifier: GPL-2.0
/*
 * ioemu: the device model of one VM.  It reads the VM's configuration,
 * creates the VM through /dev/hxen, loads the kernel (PVH boot), serves
 * xenstore and the console, runs one thread per vCPU, and ends or
 * restarts the VM as the configuration says when the guest powers off,
 * reboots or crashes.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>

#include "boot.h"
#include "console.h"
#include "control.h"
#include "devices.h"
#include "guest_cmdline.h"
#include "kernel_cache.h"
#include "ioemu.h"
#include "libhxen.h"
#include "vmconfig.h"
#include "xenstore.h"

#define PAGE_SHIFT		12
#define DEFAULT_DOMID		1
/* How often an unacknowledged shutdown request is repeated. */
#define SHUTDOWN_REASK_MS	10000

/* ioemu's exit statuses (ioemu(8)). */
#define EXIT_POWEROFF		0
#define EXIT_FAILURE_IOEMU	1
#define EXIT_USAGE		2
#define EXIT_CRASH		3

struct ioemu {
	struct vmconfig cfg;
	struct devices dev;
	struct vm vm;
	struct console con;
	struct xs_server *xs;
	const char *log_path;
	const char *control_path;
	bool pty;
	bool stdio;
	bool daemon;
	bool stats;
	bool stdin_closed;
	bool shutting_down;
	bool asking;
	int64_t asked_ms;
	unsigned int domid;
	int sig_fd;
	struct control ctl;
	bool ctl_open;
	struct timespec started;
};

static struct ioemu *debug_target;

static void debug_out(const uint8_t *buf, size_t len)
{
	console_output(&debug_target->con, buf, len);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ioemu [OPTIONS] CONFIG\n"
		"Run the VM that CONFIG (xl.cfg syntax, see hxen.cfg(5)) describes.\n"
		"\n"
		"  --console-log FILE  append the guest's console to FILE\n"
		"  --stdio             console on standard input and output\n"
		"  --pty               console on a new PTY (its path is printed)\n"
		"  --domid N           the guest's domain id (default 1)\n"
		"  --control PATH      serve the control socket PATH (hxenctl)\n"
		"  --daemon            run without a terminal (hxenctl create)\n"
		"  --stats             time disk requests; log exit counters and busy ports\n"
		"                      when the VM ends\n"
		"  -h, --help          this help\n");
}

/* The disk images, found (when relative) from the file's directory. */
static int open_devices(struct ioemu *io, const char *cfg_path, char *err,
			size_t errlen)
{
	char *dir = realpath(cfg_path, NULL);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	int ret;

	if (!slash) {
		snprintf(err, errlen, "%s: %s", cfg_path, strerror(errno));
		free(dir);
		return -1;
	}
	slash[slash == dir] = '\0';
	ret = devices_open(&io->dev, &io->cfg, dir, err, errlen);
	free(dir);
	return ret;
}

static int parse_args(struct ioemu *io, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "console-log", required_argument, NULL, 'l' },
		{ "stdio", no_argument, NULL, 's' },
		{ "pty", no_argument, NULL, 'p' },
		{ "domid", required_argument, NULL, 'd' },
		{ "control", required_argument, NULL, 'c' },
		{ "daemon", no_argument, NULL, 'D' },
		{ "stats", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512], *end;
	unsigned long v;
	int c;

	io->domid = DEFAULT_DOMID;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			io->log_path = optarg;
			break;
		case 's':
			io->stdio = true;
			break;
		case 'p':
			io->pty = true;
			break;
		case 'd':
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno || *end || !v || v >= DOMID_FIRST_RESERVED) {
				fprintf(stderr, "ioemu: --domid: '%s' is not a domain id (1..%u)\n",
					optarg, DOMID_FIRST_RESERVED - 1);
				return -1;
			}
			io->domid = (unsigned int)v;
			break;
		case 'c':
			io->control_path = optarg;
			break;
		case 'D':
			io->daemon = true;
			break;
		case 'S':
			io->stats = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return -1;
	}
	if (io->daemon && (io->stdio || !io->control_path)) {
		fprintf(stderr, "ioemu: --daemon needs --control and no --stdio\n");
		return -1;
	}
	if (vmconfig_parse_file(argv[optind], &io->cfg, err, sizeof(err)) ||
	    vmconfig_check_files(&io->cfg, err, sizeof(err)) ||
	    open_devices(io, argv[optind], err, sizeof(err))) {
		fprintf(stderr, "ioemu: %s\n", err);
		return -1;
	}
	return 0;
}

/* Kernel, initrd, start info and ACPI tables into guest RAM. */
static int load_guest(struct ioemu *io, struct boot_image *img)
{
	char line[BOOT_CMDLINE_MAX];
	struct boot_params_in p = {
		.cmdline = guest_cmdline(line, sizeof(line), io->cfg.cmdline,
					 io->cfg.nr_disks > 0),
		.initrd_path = io->cfg.ramdisk,
		.nr_vcpus = io->cfg.vcpus,
		.acpi = 1,
	};
	char err[512], cache[PATH_MAX];
	bool cached = !kcache_dir(cache, sizeof(cache));

	if (boot_load_kernel_cached(&io->vm.mem, io->cfg.kernel,
				    cached ? cache : NULL, img, err,
				    sizeof(err)) ||
	    boot_write_info(&io->vm.mem, img, &p, err, sizeof(err))) {
		ioemu_log("%s", err);
		return -1;
	}
	return 0;
}

/* The console and xenstore rings, their event channels and params. */
static int setup_devices(struct ioemu *io)
{
	struct vm *vm = &io->vm;
	struct xs_domain_info info = {
		.name = io->cfg.name,
		.vcpus = io->cfg.vcpus,
		.memory_kib = io->cfg.memory_mib << 10,
	};
	void *cons = guest_mem_ptr(&vm->mem, BOOT_CONSOLE_GPA, 4096);
	void *store = guest_mem_ptr(&vm->mem, BOOT_XENSTORE_GPA, 4096);

	memset(cons, 0, 4096);
	memset(store, 0, 4096);
	vm->console_port = vm_evtchn_bind(vm, &vm->console_efd);
	vm->store_port = vm_evtchn_bind(vm, &vm->store_efd);
	if (!vm->console_port || !vm->store_port)
		return -1;
	if (vm_set_param(vm, HVM_PARAM_CONSOLE_PFN,
			 BOOT_CONSOLE_GPA >> PAGE_SHIFT) ||
	    vm_set_param(vm, HVM_PARAM_CONSOLE_EVTCHN, vm->console_port) ||
	    vm_set_param(vm, HVM_PARAM_STORE_PFN,
			 BOOT_XENSTORE_GPA >> PAGE_SHIFT) ||
	    vm_set_param(vm, HVM_PARAM_STORE_EVTCHN, vm->store_port))
		return -1;
	if (console_init(&io->con, vm, cons, io->log_path, io->pty,
			 io->stdio))
		return -1;
	if (io->pty)
		printf("console: %s\n", io->con.pty_path);
	io->xs = xs_server_new(io->domid);
	if (!io->xs || xs_domain_populate(io->xs, &info)) {
		ioemu_log("cannot set up xenstore");
		return -1;
	}
	xs_server_attach_ring(io->xs, store);
	return devices_attach(&io->dev, vm, io->xs);
}

static void drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		ioemu_log("eventfd read: %s", strerror(errno));
}

static void service_store(struct ioemu *io)
{
	if (xs_server_process(io->xs))
		vm_evtchn_notify(&io->vm, io->vm.store_port);
}

/* Ask the guest to power off, as xl shutdown does. */
static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void request_shutdown(struct ioemu *io, const char *how)
{
	xs_local_write(io->xs, "control/shutdown", how);
	service_store(io);
	io->shutting_down = true;
	io->asking = true;
	io->asked_ms = now_ms();
}

/* poll()'s timeout: until the next time a shutdown request is repeated. */
static int reask_timeout(struct ioemu *io)
{
	int64_t left;

	if (!io->asking)
		return -1;
	left = io->asked_ms + SHUTDOWN_REASK_MS - now_ms();
	return left > 0 ? (int)left : 0;
}

/*
 * A guest acknowledges a shutdown request by emptying control/shutdown.
 * Until it does, ask again now and then: a request that arrived while
 * the guest could not take it (early in boot, say) is not lost.
 */
static void reask_shutdown(struct ioemu *io)
{
	char how[16];
	int n = xs_local_read(io->xs, "control/shutdown", how, sizeof(how));

	if (n <= 0 || (size_t)n >= sizeof(how)) {
		io->asking = false;	/* taken (or not ours to repeat) */
		return;
	}
	ioemu_log("%s has not taken the %s request yet; asking again",
		  io->cfg.name, how);
	request_shutdown(io, how);
}

/* --- the control socket (hxenctl) ------------------------------------ */

static void ctl_info(void *opaque, struct control_info *out)
{
	struct ioemu *io = opaque;
	struct timespec now;

	snprintf(out->name, sizeof(out->name), "%s", io->cfg.name);
	out->domid = io->domid;
	out->state = io->vm.paused ? CONTROL_PAUSED :
		     io->shutting_down ? CONTROL_SHUTTING_DOWN :
					 CONTROL_RUNNING;
	out->vcpus = io->cfg.vcpus;
	out->memory_mib = io->cfg.memory_mib;
	clock_gettime(CLOCK_MONOTONIC, &now);
	out->uptime_s = (uint64_t)(now.tv_sec - io->started.tv_sec);
	snprintf(out->console_pty, sizeof(out->console_pty), "%s",
		 io->con.pty_path);
}

static int ctl_shutdown(void *opaque, bool reboot)
{
	request_shutdown(opaque, reboot ? "reboot" : "poweroff");
	return 0;
}

static void ctl_destroy(void *opaque)
{
	struct ioemu *io = opaque;

	vm_end(&io->vm, VM_END_KILLED);
}

static int ctl_pause(void *opaque, bool pause)
{
	struct ioemu *io = opaque;

	return vcpus_pause(&io->vm, pause);
}

static int ctl_console(void *opaque, int fd)
{
	struct ioemu *io = opaque;

	return console_attach(&io->con, fd) ? -EMFILE : 0;
}

static void ctl_log(void *opaque, const char *msg)
{
	(void)opaque;
	ioemu_log("%s", msg);
}

static const struct control_ops ctl_ops = {
	.info = ctl_info,
	.shutdown = ctl_shutdown,
	.destroy = ctl_destroy,
	.pause = ctl_pause,
	.console_attach = ctl_console,
	.log = ctl_log,
};

static int open_control(struct ioemu *io)
{
	char err[512];

	if (!io->control_path || io->ctl_open)
		return 0;
	if (control_open(&io->ctl, io->control_path, &ctl_ops, io, err,
			 sizeof(err)) < 0) {
		ioemu_log("%s", err);
		return -1;
	}
	io->ctl_open = true;
	return 0;
}

static void read_input(struct ioemu *io, int fd)
{
	uint8_t buf[1024];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0)
		console_input(&io->con, buf, (size_t)n);
}

static void handle_signal(struct ioemu *io)
{
	struct signalfd_siginfo si;

	if (read(io->sig_fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP)
		request_shutdown(io, "poweroff");
	else
		vm_end(&io->vm, VM_END_KILLED);
}

enum { FD_STOP, FD_SIG, FD_CONSOLE, FD_STORE, FD_STDIN, FD_PTY, NR_FDS };

/* Console clients (hxenctl console): their input goes to the guest. */
static int add_clients(struct ioemu *io, struct pollfd *p, int max)
{
	int i, n = 0;

	for (i = 0; i < CONSOLE_MAX_CLIENTS && n < max; i++) {
		if (io->con.clients[i] < 0)
			continue;
		p[n++] = (struct pollfd){ .fd = io->con.clients[i],
					  .events = POLLIN };
	}
	return n;
}

static void serve_clients(struct ioemu *io, const struct pollfd *p, int n)
{
	uint8_t buf[1024];
	ssize_t len;
	int i;

	for (i = 0; i < n; i++) {
		if (!p[i].revents)
			continue;
		len = read(p[i].fd, buf, sizeof(buf));
		if (len > 0) {
			console_input(&io->con, buf, (size_t)len);
		} else if (len == 0 || errno != EAGAIN) {
			console_detach(&io->con, p[i].fd);
			close(p[i].fd);
		}
	}
}

static void event_loop(struct ioemu *io)
{
	struct pollfd p[NR_FDS + CONSOLE_MAX_CLIENTS + CONTROL_POLL_MAX];
	int i, nc, nctl, ready;

	while (vm_ended(&io->vm) == VM_END_NONE) {
		for (i = 0; i < NR_FDS; i++)
			p[i] = (struct pollfd){ .fd = -1, .events = POLLIN };
		p[FD_STOP].fd = io->vm.stop_efd;
		p[FD_SIG].fd = io->sig_fd;
		p[FD_CONSOLE].fd = io->vm.console_efd;
		p[FD_STORE].fd = io->vm.store_efd;
		if (io->stdio && !io->stdin_closed)
			p[FD_STDIN].fd = STDIN_FILENO;
		p[FD_PTY].fd = io->con.pty_fd;
		nc = add_clients(io, p + NR_FDS, CONSOLE_MAX_CLIENTS);
		nctl = io->ctl_open ? control_poll_fds(&io->ctl,
						       p + NR_FDS + nc,
						       CONTROL_POLL_MAX) : 0;
		ready = poll(p, (nfds_t)(NR_FDS + nc + nctl),
			     reask_timeout(io));
		if (reask_timeout(io) == 0)
			reask_shutdown(io);
		if (ready == 0)
			continue;
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			ioemu_log("poll: %s", strerror(errno));
			vm_end(&io->vm, VM_END_ERROR);
			break;
		}
		if (p[FD_STOP].revents)
			drain(io->vm.stop_efd);
		if (p[FD_SIG].revents)
			handle_signal(io);
		if (p[FD_CONSOLE].revents) {
			drain(io->vm.console_efd);
			console_service(&io->con);
		}
		if (p[FD_STORE].revents) {
			drain(io->vm.store_efd);
			service_store(io);
		}
		if (p[FD_STDIN].revents & POLLIN)
			read_input(io, STDIN_FILENO);
		else if (p[FD_STDIN].revents)
			io->stdin_closed = true;
		if (p[FD_PTY].revents & POLLIN)
			read_input(io, io->con.pty_fd);
		serve_clients(io, p + NR_FDS, nc);
		if (nctl)
			control_handle(&io->ctl, p + NR_FDS + nc, nctl);
	}
	/* What the guest wrote last, e.g. a panic message. */
	console_service(&io->con);
}

static enum vm_action action_for(const struct vmconfig *cfg, enum vm_end e)
{
	switch (e) {
	case VM_END_POWEROFF:
		return cfg->on_poweroff;
	case VM_END_REBOOT:
		return cfg->on_reboot;
	case VM_END_CRASH:
		return cfg->on_crash;
	default:
		return VM_ACTION_DESTROY;
	}
}

/*
 * on_*= "preserve": the VM stays, stopped, with its memory, until
 * "hxenctl destroy" (or a signal) ends ioemu.
 */
static void preserve(struct ioemu *io)
{
	struct vm *vm = &io->vm;

	ioemu_log("%s stopped; it is kept until 'hxenctl destroy %s'",
		  io->cfg.name, io->cfg.name);
	pthread_mutex_lock(&vm->lock);
	vm->end = VM_END_NONE;
	vm->paused = true;
	pthread_mutex_unlock(&vm->lock);
	drain(vm->stop_efd);
	event_loop(io);
}

/* Boot and run the VM once; return why it ended. */
static enum vm_end run_once(struct ioemu *io)
{
	struct vm *vm = &io->vm;
	struct boot_image img;
	enum vm_end end = VM_END_ERROR;

	memset(vm, 0, sizeof(*vm));
	vm->name = io->cfg.name;
	vm->stats = io->stats;
	if (io->stats)
		vm->port_counts = calloc(PORT_COUNT, sizeof(*vm->port_counts));
	vm->domid = io->domid;
	vm->mem_bytes = io->cfg.memory_mib << 20;
	vm->nr_vcpus = io->cfg.vcpus;
	io->shutting_down = false;
	io->asking = false;
	if (vm_create(vm, "ioemu") || vm_enable_xen(vm) ||
	    load_guest(io, &img) || setup_devices(io) ||
	    vcpus_create(vm, img.entry, BOOT_START_INFO_GPA) ||
	    open_control(io))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &io->started);
	debug_target = io;
	vcpu_debug_out = debug_out;
	if (vcpus_start(vm))
		vm_end(vm, VM_END_ERROR);
	else
		event_loop(io);
	vcpus_stop(vm);
	if (io->stats)
		vcpus_log_stats(vm);
	end = vm_ended(vm);
	if (end != VM_END_KILLED && end != VM_END_ERROR &&
	    action_for(&io->cfg, end) == VM_ACTION_PRESERVE)
		preserve(io);
out:
	free(vm->port_counts);
	vm->port_counts = NULL;
	vcpu_debug_out = NULL;
	devices_detach(&io->dev);
	console_free(&io->con);
	xs_server_free(io->xs);
	io->xs = NULL;
	vm_destroy(vm);
	return end;
}

static int setup_signals(struct ioemu *io)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	sigprocmask(SIG_BLOCK, &s, NULL);
	signal(SIGPIPE, SIG_IGN);
	io->sig_fd = signalfd(-1, &s, SFD_CLOEXEC);
	return io->sig_fd < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static struct ioemu io;
	enum vm_end end;
	int status;

	if (parse_args(&io, argc, argv))
		return EXIT_USAGE;
	if (setup_signals(&io)) {
		ioemu_log("signalfd: %s", strerror(errno));
		return EXIT_FAILURE_IOEMU;
	}
	for (;;) {
		end = run_once(&io);
		if (end == VM_END_ERROR || end == VM_END_KILLED ||
		    action_for(&io.cfg, end) != VM_ACTION_RESTART)
			break;
		ioemu_log("%s: restarting after %s", io.cfg.name,
			  end == VM_END_REBOOT ? "reboot" : "power off or crash");
	}
	switch (end) {
	case VM_END_POWEROFF:
	case VM_END_KILLED:
		status = EXIT_POWEROFF;
		break;
	case VM_END_CRASH:
		ioemu_log("%s crashed", io.cfg.name);
		status = EXIT_CRASH;
		break;
	default:
		status = EXIT_FAILURE_IOEMU;
		break;
	}
	devices_close(&io.dev);
	vmconfig_free(&io.cfg);
	/* Last: hxenctl takes the socket's end as the VM's. */
	if (io.ctl_open)
		control_close(&io.ctl);
	return status;
}
