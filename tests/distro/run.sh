#!/bin/bash
# Distro tier: hxen as a Debian bookworm user gets it.
#
#   1. a debootstrapped bookworm root with systemd, udev, dkms and the 6.1
#      kernel and headers (cached under $HXEN_CACHE/roots);
#   2. "apt-get install hxen-dkms hxen" from the local repository that
#      make deb builds: DKMS builds and installs hxen.ko for the root's
#      kernel (not the host's, whose uname the chroot sees);
#   3. bookworm-backports' 6.12 headers (which bring the 6.12 image): DKMS'
#      kernel hooks build hxen for 6.12 by themselves (hxen.ko.xz);
#   4. the root boots under QEMU (TCG) with systemd; a oneshot unit checks
#      /dev/hxen, group access and dmesg, and powers off;
#   5. removing and purging the packages leaves no DKMS state behind.
#
# Needs root.  One PASS/FAIL line per check; always exits 0.
# Environment: HXEN_CACHE (cache, see tests/lib/debian.sh), HXEN_DISTRO_WORK
# (work directory, default /var/tmp/hxen-distro), HXEN_BOOT_TIMEOUT (s, 300).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/report.sh
. "$top/tests/lib/report.sh"
# shellcheck source=../lib/debian.sh
. "$top/tests/lib/debian.sh"
# shellcheck source=../lib/abi.sh
. "$top/tests/lib/abi.sh"

version=$(cat "$top/VERSION")
work=${HXEN_DISTRO_WORK:-/var/tmp/hxen-distro}
root=$work/root
boot_timeout=${HXEN_BOOT_TIMEOUT:-300}
suite=bookworm
root_pkgs=systemd-sysv,udev,dkms,kmod,linux-image-amd64,linux-headers-amd64,xz-utils
apt_cache=$HXEN_CACHE/distro-apt
started=$(date +%s)

# The steps run in order; once one fails, the later ones that need it are
# reported as failed with this reason instead of being run.
blocked=

fail_rest() { # fail_rest REASON NAME...
	local why=$1 n
	shift
	for n in "$@"; do t_fail "distro/$n" "$why"; done
}

# Unmount whatever is still mounted below the work directory (an earlier
# run that was interrupted), deepest first: hx_mkroot removes the root
# with rm -rf, which must never reach the host's /dev through a bind mount.
unmount_all() {
	local m
	awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
}
trap unmount_all EXIT

# in_root CMD... : run a shell command line in the root.
in_root() {
	hx_chroot "$root" /bin/sh -c "$*"
}
# The root's apt lists and downloaded packages live in $apt_cache (bind
# mounted while apt runs), so that later runs only refresh them.
mount_caches() {
	mkdir -p "$apt_cache/lists/partial" "$apt_cache/archives/partial" \
		"$root/var/lib/apt/lists" "$root/var/cache/apt/archives"
	mount --bind "$apt_cache/lists" "$root/var/lib/apt/lists" &&
		mount --bind "$apt_cache/archives" "$root/var/cache/apt/archives"
}
umount_caches() {
	umount "$root/var/cache/apt/archives" "$root/var/lib/apt/lists" 2>/dev/null
}

guest_checks="boot-kernel module-loaded-at-boot module-from-dkms dev-node-perms alice-version bob-denied dmesg-clean"
all_steps="root-bootstrap install install-dkms-6.1-installed install-dkms-ko
	install-dkms-not-host-kernel install-hxen-files-and-group install-virthxend-runs headers-6.12-install
	headers-6.12-dkms-built headers-6.12-keeps-6.1 boot $(printf 'boot-%s ' $guest_checks)
	remove remove-clean"

[ "$(id -u)" -eq 0 ] || {
	fail_rest "needs root (debootstrap, chroot, mount)" $all_steps
	exit 0
}
mkdir -p "$work" "$HXEN_CACHE"
unmount_all
if awk -v w="$work/" 'index($2, w) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
	fail_rest "cannot unmount what an earlier run left mounted below $work" $all_steps
	exit 0
fi

# --- the apt repository (make deb) --------------------------------------

repo=$top/out/deb/repo
# Rebuild unless the repository is newer than every file it is made from.
stale=yes
if [ -f "$repo/Packages" ]; then
	stale=$(find "$top/VERSION" "$top/dkms.conf" "$top/Makefile" "$top/module" "$top/xen" \
		"$top/userspace" "$top/udev" "$top/packaging" \
		\( -name '*.o' -o -name '*.a' -o -name '*.cmd' -o -name '*.ko' \) -prune -o \
		-type f -newer "$repo/Packages" -print -quit 2>/dev/null)
fi
if [ -n "$stale" ]; then
	hx_log "make deb"
	if ! make -C "$top" deb >"$work/make-deb.log" 2>&1; then
		blocked="make deb failed: $(tail -n 3 "$work/make-deb.log" | tr '\n' ' ')"
	fi
else
	hx_log "using the apt repository in $repo (up to date)"
fi
[ -z "$blocked" ] && [ ! -f "$repo/Packages" ] && blocked="no apt repository at $repo"

# --- 1. the Debian root --------------------------------------------------

t0=$(date +%s)
hx_log "bookworm root ($root_pkgs) -> $root"
if hx_mkroot "$suite" "$root" "$root_pkgs" && [ -x "$root/usr/sbin/dkms" ] &&
	ls "$root"/boot/vmlinuz-6.1.* >/dev/null 2>&1; then
	t_pass distro/root-bootstrap
else
	t_fail distro/root-bootstrap "hx_mkroot failed or the root lacks dkms or a 6.1 kernel"
	blocked=${blocked:-"no Debian root"}
fi
hx_log "root ready in $(($(date +%s) - t0)) s"

# The root's own kernel(s); the chroot's uname -r is the host's.
kver61=$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -name '6.1.[0-9]*-*' -printf '%f\n' 2>/dev/null |
	sort -V | tail -n1)
[ -z "$blocked" ] && [ -z "$kver61" ] && blocked="no 6.1 kernel in $root/lib/modules"

# --- 2. apt-get install hxen-dkms hxen -----------------------------------

if [ -z "$blocked" ]; then
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	rm -rf "$root/srv/hxen-repo"
	mkdir -p "$root/srv"
	cp -a "$repo" "$root/srv/hxen-repo"
	echo "deb [trusted=yes] file:/srv/hxen-repo ./" >"$root/etc/apt/sources.list.d/hxen.list"
	mount_caches || blocked="cannot mount the apt caches"
fi
if [ -z "$blocked" ]; then
	t0=$(date +%s)
	hx_log "apt-get install hxen-dkms hxen (root kernel $kver61, host kernel $(uname -r))"
	if in_root "apt-get -q update && apt-get install -y -q hxen-dkms hxen" \
		>"$work/install.log" 2>&1; then
		t_pass distro/install
	else
		t_fail distro/install "apt-get install failed: $(tail -n 3 "$work/install.log" | tr '\n' ' ')"
		blocked="apt-get install hxen-dkms hxen failed"
	fi
	hx_log "installed in $(($(date +%s) - t0)) s (log: $work/install.log)"
fi
if [ -z "$blocked" ]; then
	# dkms' common.postinst sees the host's kernel release, finds no such
	# kernel in the root ("belongs to a chroot's host") and, on a first
	# install, builds for every kernel in /lib/modules instead: here the
	# root's 6.1.  It must not have tried the host kernel.
	status=$(in_root "dkms status -m hxen -v $version" 2>/dev/null)
	printf '%s\n' "$status" >"$work/dkms-status-6.1.log"
	if printf '%s\n' "$status" | grep -Fq "hxen/$version, $kver61, x86_64: installed"; then
		t_pass distro/install-dkms-6.1-installed
	else
		t_fail distro/install-dkms-6.1-installed "dkms status: $(printf '%s' "$status" | tr '\n' ' ') (want $kver61 installed)"
	fi
	ko=$(ls "$root/lib/modules/$kver61/updates/dkms/"hxen.ko* 2>/dev/null | head -n1)
	vermagic=$( [ -n "$ko" ] && in_root "modinfo -F vermagic ${ko#"$root"}" 2>/dev/null)
	if [ -n "$ko" ] && [ "${vermagic%% *}" = "$kver61" ]; then
		t_pass distro/install-dkms-ko
	else
		t_fail distro/install-dkms-ko "no hxen.ko for $kver61 in /lib/modules/$kver61/updates/dkms (vermagic '$vermagic')"
	fi
	if grep -q "belongs to a chroot's host" "$work/install.log" &&
		! printf '%s\n' "$status" | grep -q "$(uname -r)"; then
		t_pass distro/install-dkms-not-host-kernel
	else
		t_fail distro/install-dkms-not-host-kernel "dkms considered the host kernel $(uname -r): $(printf '%s' "$status" | tr '\n' ' ')"
	fi
	grp=$(in_root "getent group hxen" 2>&1)
	rule=$root/usr/lib/udev/rules.d/99-hxen.rules
	if [ -n "$grp" ] && [ -f "$rule" ] && [ "$(stat -c '%a %U:%G' "$rule")" = "644 root:root" ] &&
		[ -x "$root/usr/bin/hxenctl" ] && [ -f "$root/usr/lib/modules-load.d/hxen.conf" ]; then
		t_pass distro/install-hxen-files-and-group
	else
		t_fail distro/install-hxen-files-and-group "group '$grp', rule $(stat -c '%a %U:%G' "$rule" 2>&1)"
	fi
	# virthxend runs with what apt installed for the package (libxml2,
	# by shlibs).
	out=$(in_root "/usr/sbin/virthxend --version" 2>&1)
	if [ "$out" = "virthxend $version" ]; then
		t_pass distro/install-virthxend-runs
	else
		t_fail distro/install-virthxend-runs "$(printf '%s' "$out" | head -c 300 | tr '\n' ' ')"
	fi
else
	fail_rest "$blocked" install install-dkms-6.1-installed install-dkms-ko \
		install-dkms-not-host-kernel install-hxen-files-and-group install-virthxend-runs
fi

# --- 3. 6.12 headers from bookworm-backports -----------------------------

kver612=
if [ -z "$blocked" ]; then
	t0=$(date +%s)
	echo "deb $HXEN_MIRROR $suite-backports main" >"$root/etc/apt/sources.list.d/backports.list"
	hpkg=$(in_root "apt-get -q update >/dev/null 2>&1; apt-cache show linux-headers-amd64/$suite-backports" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n1 | sed 's/[ ,(].*//')
	case $hpkg in
	linux-headers-6.12.*-amd64)
		kver612=${hpkg#linux-headers-}
		# The headers bring their kernel image.  Its initramfs is not made
		# (INITRD=No, honoured by the kernel's postinst hook): 6.12 is never
		# booted here, and making one takes minutes in a chroot.  The DKMS
		# hooks run all the same.
		hx_log "apt-get install $hpkg (with its kernel image)"
		if in_root "INITRD=No apt-get install -y -q -t $suite-backports $hpkg" >"$work/headers-6.12.log" 2>&1; then
			t_pass distro/headers-6.12-install
		else
			t_fail distro/headers-6.12-install "$(tail -n 3 "$work/headers-6.12.log" | tr '\n' ' ')"
		fi
		;;
	*)
		t_fail distro/headers-6.12-install "cannot resolve the 6.12 headers in $suite-backports (got '$hpkg')"
		;;
	esac
	hx_log "6.12 headers step took $(($(date +%s) - t0)) s (log: $work/headers-6.12.log)"
fi
if [ -n "$kver612" ]; then
	status=$(in_root "dkms status -m hxen -v $version" 2>/dev/null)
	printf '%s\n' "$status" >"$work/dkms-status-6.12.log"
	# Built during that apt-get run by DKMS' kernel hooks (the headers'
	# header_postinst.d/dkms, or the image's postinst.d/dkms once the
	# headers are unpacked), with nothing in this test asking for it.
	if printf '%s\n' "$status" | grep -Fq "hxen/$version, $kver612, x86_64: installed" &&
		[ -f "$root/lib/modules/$kver612/updates/dkms/hxen.ko.xz" ] &&
		grep -Fq "dkms: autoinstall for kernel: $kver612" "$work/headers-6.12.log"; then
		t_pass distro/headers-6.12-dkms-built
	else
		t_fail distro/headers-6.12-dkms-built "dkms status: $(printf '%s' "$status" | tr '\n' ' '); $(ls "$root/lib/modules/$kver612/updates/dkms/" 2>&1 | tr '\n' ' '); hook ran: $(grep -c "autoinstall for kernel: $kver612" "$work/headers-6.12.log")"
	fi
	if printf '%s\n' "$status" | grep -Fq "hxen/$version, $kver61, x86_64: installed"; then
		t_pass distro/headers-6.12-keeps-6.1
	else
		t_fail distro/headers-6.12-keeps-6.1 "dkms status: $(printf '%s' "$status" | tr '\n' ' ')"
	fi
elif [ -n "$blocked" ]; then
	fail_rest "$blocked" headers-6.12-install headers-6.12-dkms-built headers-6.12-keeps-6.1
else
	fail_rest "the 6.12 headers were not installed" headers-6.12-dkms-built headers-6.12-keeps-6.1
fi

# --- 4. boot the root ----------------------------------------------------

if [ -z "$blocked" ]; then
	umount_caches
	t0=$(date +%s)
	in_root "id alice >/dev/null 2>&1 || useradd -m -G hxen alice;
		id bob >/dev/null 2>&1 || useradd -m bob" >"$work/users.log" 2>&1
	install -m 0755 "$here/guest-checks.sh" "$root/usr/local/sbin/hxen-distro-check"
	cat >"$root/etc/systemd/system/hxen-distro-check.service" <<-EOF
		[Unit]
		Description=hxen distro test checks
		After=basic.target systemd-modules-load.service systemd-udev-trigger.service
		SuccessAction=poweroff-force
		FailureAction=poweroff-force

		[Service]
		Type=oneshot
		ExecStart=/usr/local/sbin/hxen-distro-check $version $(hx_abi_version)
		StandardOutput=journal+console
		StandardError=journal+console
		TimeoutStartSec=240
	EOF
	cat >"$root/etc/systemd/system/hxen-distro-check.target" <<-EOF
		[Unit]
		Description=hxen distro test
		Requires=basic.target hxen-distro-check.service
		After=basic.target hxen-distro-check.service
		AllowIsolate=yes
	EOF
	echo "hxen-distro-test" >"$root/etc/hostname"

	img=$work/root.img
	rm -f "$img"
	size_mb=$(( $(du -sm --exclude=./proc --exclude=./sys "$root" | cut -f1) * 13 / 10 + 256 ))
	hx_log "ext4 image of the root (${size_mb} MiB) -> $img"
	if ! mke2fs -q -F -t ext4 -L hxenroot -d "$root" "$img" "${size_mb}M" >"$work/mke2fs.log" 2>&1; then
		blocked="mke2fs -d failed: $(tail -n 2 "$work/mke2fs.log" | tr '\n' ' ')"
	fi
	kernel=$root/boot/vmlinuz-$kver61
	initrd=$root/boot/initrd.img-$kver61
	[ -z "$blocked" ] && { [ -f "$kernel" ] && [ -f "$initrd" ] || blocked="no $kernel or $initrd"; }
fi
if [ -z "$blocked" ]; then
	console=$work/console.log
	hx_log "booting $kver61 under QEMU (TCG, timeout ${boot_timeout} s; console: $console)"
	t0=$(date +%s)
	timeout --kill-after=10 "$boot_timeout" qemu-system-x86_64 -accel tcg -cpu max -m 2048 -smp 2 \
		-nographic -no-reboot -monitor none -serial stdio \
		-kernel "$kernel" -initrd "$initrd" \
		-append "root=/dev/vda rootfstype=ext4 rw console=ttyS0,115200 loglevel=7 panic=-1 systemd.unit=hxen-distro-check.target systemd.show_status=1" \
		-drive "file=$img,format=raw,if=virtio,cache=unsafe" \
		-nic none </dev/null >"$console" 2>&1
	rc=$?
	boot_s=$(($(date +%s) - t0))
	hx_log "QEMU exited with $rc after $boot_s s"
	# Plain text: no carriage returns, no colour escapes from systemd.
	tr -d '\r' <"$console" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' >"$console.txt"
	if grep -q 'HXT: DONE' "$console.txt"; then
		t_pass distro/boot
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		t_fail distro/boot "no 'HXT: DONE' within ${boot_timeout} s (boot hung?); last console lines: $(grep -v '^\s*$' "$console.txt" | tail -n 3 | tr '\n' ' ')"
	else
		t_fail distro/boot "QEMU exited $rc before 'HXT: DONE'; last console lines: $(grep -v '^\s*$' "$console.txt" | tail -n 3 | tr '\n' ' ')"
	fi
	for c in $guest_checks; do
		line=$(grep -aoE "HXT: (PASS|FAIL): $c(: .*)?\$" "$console.txt" | head -n1)
		case $line in
		"HXT: PASS: $c") t_pass "distro/boot-$c" ;;
		"HXT: FAIL: $c: "*) t_fail "distro/boot-$c" "${line#"HXT: FAIL: $c: "}" ;;
		*) t_fail "distro/boot-$c" "no result on the console (boot hung, timed out or the check crashed; see $console)" ;;
		esac
	done
	rm -f "$img"
else
	t_fail distro/boot "$blocked"
	for c in $guest_checks; do t_fail "distro/boot-$c" "$blocked"; done
fi
rm -f "$root/etc/systemd/system/hxen-distro-check.service" \
	"$root/etc/systemd/system/hxen-distro-check.target" "$root/usr/local/sbin/hxen-distro-check"

# --- 5. remove and purge -------------------------------------------------

if [ -z "$blocked" ] || [ -d "$root/var/lib/dkms/hxen" ]; then
	t0=$(date +%s)
	mount_caches
	hx_log "apt-get remove, then purge, hxen-dkms hxen"
	if in_root "apt-get remove -y -q hxen-dkms hxen && apt-get purge -y -q hxen-dkms hxen" \
		>"$work/remove.log" 2>&1; then
		t_pass distro/remove
	else
		t_fail distro/remove "$(tail -n 3 "$work/remove.log" | tr '\n' ' ')"
	fi
	left=
	[ -e "$root/var/lib/dkms/hxen" ] && left+="/var/lib/dkms/hxen; "
	[ -e "$root/usr/src/hxen-$version" ] && left+="/usr/src/hxen-$version; "
	kos=$(cd "$root" && find lib/modules -name 'hxen.ko*' 2>/dev/null | tr '\n' ' ')
	[ -n "$kos" ] && left+="$kos; "
	pk=$(in_root "dpkg-query -W -f='\${Package} \${db:Status-Abbrev}\n' hxen hxen-dkms 2>/dev/null" | awk '$2 != "un"' | tr '\n' ' ')
	[ -n "$pk" ] && left+="dpkg still knows: $pk; "
	if [ -z "$left" ]; then
		t_pass distro/remove-clean
	else
		t_fail distro/remove-clean "left behind: $left"
	fi
	umount_caches
	hx_log "removed in $(($(date +%s) - t0)) s"
else
	fail_rest "$blocked" remove remove-clean
fi

unmount_all
hx_log "distro test done in $(($(date +%s) - started)) s"
exit 0
