# hxen top-level Makefile: the one entry point.
#
#   make            build user space (hxenctl, createimg, virthxend, ioemu)
#   make module     build hxen.ko against the running kernel, or KDIR=/path
#   make check      run every test tier; ends with "N passed, N failed"
#   make demo       boot the sandbox and show hxen working in it
#   make bench      exit costs, disk throughput and boot time on hxen
#                   against kvm_amd, as ratios
#   make deb|rpm    build packages (deb also makes a local apt repository)
#   make install    install tools (virthxend in sbin), udev rule, sysusers,
#                   modules-load and the DKMS source tree under
#                   $(DESTDIR)$(PREFIX)

VERSION := $(shell cat $(CURDIR)/VERSION)
PREFIX ?= /usr
DESTDIR ?=
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
O ?= $(CURDIR)/out

BINDIR := $(PREFIX)/bin
SBINDIR := $(PREFIX)/sbin
MANDIR := $(PREFIX)/share/man
LIBDIR_UDEV := $(PREFIX)/lib/udev/rules.d
SYSUSERSDIR := $(PREFIX)/lib/sysusers.d
MODLOADDIR := $(PREFIX)/lib/modules-load.d
SRCDIR_DKMS := $(PREFIX)/src/hxen-$(VERSION)
LIBEXECDIR ?= $(PREFIX)/lib/hxen

.PHONY: all userspace module clean check check-unit check-build check-sandbox \
	check-bochs check-packaging check-distro deps demo bench deb rpm install install-tools \
	install-dkms-src dist

all: userspace

userspace:
	$(MAKE) -C userspace VERSION=$(VERSION) IOEMU_PATH=$(LIBEXECDIR)/ioemu
	$(MAKE) -C ioemu VERSION=$(VERSION)

module:
	$(MAKE) -C module KDIR=$(KDIR)

deps:
	packaging/build-deps.sh

# Each tier appends PASS/FAIL lines to $(O)/results; the summary is last.
TIERS := unit build sandbox bochs packaging distro
RUN_TIER = HXEN_RESULTS=$(O)/results HXEN_TIMES=$(O)/times O=$(O) tests/tier.sh

check: deps
	@mkdir -p $(O); : >$(O)/results; : >$(O)/times
	-for t in $(TIERS); do $(RUN_TIER) $$t; done
	@echo "Tier times (s):"; cat $(O)/times
	@tests/summary.sh $(O)/results

$(addprefix check-,$(TIERS)): deps
	@mkdir -p $(O); : >$(O)/results; : >$(O)/times
	-$(RUN_TIER) $(patsubst check-%,%,$@)
	@tests/summary.sh $(O)/results

demo: deps
	tests/sandbox/demo.sh

bench: deps
	tests/bench/run.sh

deb: userspace
	packaging/debian/build.sh $(O)/deb

rpm:
	packaging/rpm/build.sh $(O)/rpm

dist:
	@mkdir -p $(O)
	git archive --prefix=hxen-$(VERSION)/ -o $(O)/hxen-$(VERSION).tar.gz HEAD

install: install-tools install-dkms-src

install-tools: userspace
	$(MAKE) -C userspace install VERSION=$(VERSION) IOEMU_PATH=$(LIBEXECDIR)/ioemu \
		DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) BINDIR=$(BINDIR) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR)
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(LIBDIR_UDEV) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(MODLOADDIR)
	install -m 0755 ioemu/ioemu $(DESTDIR)$(LIBEXECDIR)/ioemu
	install -m 0644 udev/99-hxen.rules $(DESTDIR)$(LIBDIR_UDEV)/99-hxen.rules
	install -m 0644 packaging/hxen.sysusers $(DESTDIR)$(SYSUSERSDIR)/hxen.conf
	install -m 0644 packaging/hxen.modules-load $(DESTDIR)$(MODLOADDIR)/hxen.conf

# The DKMS source tree: exactly what dkms.conf needs to build hxen.ko.
install-dkms-src:
	install -d $(DESTDIR)$(SRCDIR_DKMS)
	tar -C $(CURDIR) --exclude='*.o' --exclude='*.ko' --exclude='*.cmd' \
		--exclude='*.mod*' --exclude='.conftest' --exclude='compat_autoconf.h' \
		--exclude='Module.symvers' --exclude='modules.order' \
		-cf - VERSION dkms.conf module xen | tar -C $(DESTDIR)$(SRCDIR_DKMS) -xf -

clean:
	$(MAKE) -C userspace clean
	$(MAKE) -C ioemu clean
	-$(MAKE) -C module clean KDIR=$(KDIR)
	rm -rf $(O)
