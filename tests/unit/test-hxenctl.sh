#!/bin/bash
# hxenctl: every subcommand and every error path, without the module.
# An LD_PRELOAD shim (fake_hxen_ioctl.c) answers the ioctls on a stand-in
# device file; a private mount namespace supplies the group database for
# the permission cases; HXEN_SYSROOT points doctor at a fake /sys, /proc
# and /lib/modules.  Needs root (unshare, setpriv).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/report.sh"
# shellcheck source=../lib/abi.sh
. "$top/tests/lib/abi.sh"

ctl=$top/userspace/hxenctl/hxenctl
[ -x "$ctl" ] || make -s -C "$top/userspace" >/dev/null
ver=$(cat "$top/VERSION")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shim=$tmp/fake_hxen_ioctl.so
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -shared -fPIC \
	-I"$top/module/include/uapi" -o "$shim" "$here/fake_hxen_ioctl.c" -ldl ||
	t_fail hxenctl/shim-builds "cannot build the ioctl shim"

mkdir -p "$tmp/root"
# Character devices with /dev/null's numbers: real ioctls on them fail
# with ENOTTY, the shim answers for $dev.
dev=$tmp/hxen
mknod -m 0666 "$dev" c 1 3
export HXEN_SYSROOT=$tmp/root

# flat CMD... : CMD's output on one line, CMD's exit status.
flat() {
	local out st
	out=$("$@" 2>&1)
	st=$?
	printf '%s' "$out" | tr '\n' ' '
	return $st
}

# fake ARGS... : hxenctl with the shim answering on $dev
fake() { env HXEN_DEVICE="$dev" FAKE_HXEN=1 LD_PRELOAD="$shim" "$ctl" "$@"; }

# --- command line ---------------------------------------------------------
t_expect hxenctl/help 0 'Usage: hxenctl.*version.*caps.*doctor' flat "$ctl" --help
t_expect hxenctl/no-args 2 'Usage: hxenctl' "$ctl"
t_expect hxenctl/unknown-command 2 "unknown command 'frobnicate'" "$ctl" frobnicate
t_expect hxenctl/version-flag 0 "^hxenctl $ver\$" "$ctl" --version
t_expect hxenctl/subcommand-help 0 'Usage: hxenctl version' "$ctl" version --help
t_expect hxenctl/extra-argument 2 "unexpected argument 'x'" "$ctl" version x
t_expect hxenctl/doctor-extra-argument 2 "unexpected argument" "$ctl" doctor --all

# --- version ------------------------------------------------------------------
out=$(fake version 2>&1)
want=$(printf 'hxenctl %s\nmodule 0.1.0 (kernel 6.1.0-test-amd64)\nabi %s' "$ver" "$(hx_abi_version)")
if [ "$out" = "$want" ]; then t_pass hxenctl/version-output
else t_fail hxenctl/version-output "got: $out"; fi
t_expect hxenctl/not-loaded 3 "not loaded \(/nonexistent/hxen is missing\).*modprobe hxen" \
	env HXEN_DEVICE=/nonexistent/hxen "$ctl" version
mkdir -p "$tmp/root/sys/module/hxen"
t_expect hxenctl/loaded-no-node 3 "loaded but /nonexistent/hxen is missing.*udev" \
	env HXEN_DEVICE=/nonexistent/hxen "$ctl" version
rmdir "$tmp/root/sys/module/hxen"
t_expect hxenctl/abi-mismatch 5 "ABI mismatch: hxenctl $ver speaks ABI 1.x but the loaded module 9.0.0 speaks ABI 2.0" \
	env FAKE_ABI_MAJOR=2 FAKE_ABI_MINOR=0 FAKE_BUILD=9.0.0 HXEN_DEVICE="$dev" FAKE_HXEN=1 LD_PRELOAD="$shim" "$ctl" version
t_expect hxenctl/abi-minor-newer-ok 0 "abi 1.7" \
	env FAKE_ABI_MINOR=7 HXEN_DEVICE="$dev" FAKE_HXEN=1 LD_PRELOAD="$shim" "$ctl" version
t_expect hxenctl/not-an-hxen-device 5 "is not an hxen device" \
	env HXEN_DEVICE="$dev" "$ctl" version
t_expect hxenctl/device-is-directory 1 "cannot open $tmp" \
	env HXEN_DEVICE="$tmp" "$ctl" version

# --- permissions (as uid 4242 in a private mount namespace) -------------------
# asuser GROUPFILE GROUPS CMD... : run CMD as uid 4242 ("carol") with the
# given supplementary groups ("" for none) and GROUPFILE as /etc/group.
printf 'root:x:0:0:root:/root:/bin/sh\ncarol:x:4242:4242::/tmp:/bin/sh\n' >"$tmp/passwd"
asuser() {
	local gf=$1 groups=$2
	shift 2
	local g=--clear-groups
	[ -n "$groups" ] && g=--groups=$groups
	unshare -m bash -c 'mount --bind "$1" /etc/group && mount --bind "$2" /etc/passwd && shift 2 && exec "$@"' \
		_ "$gf" "$tmp/passwd" setpriv --reuid=4242 --regid=4242 "$g" "$@"
}
chmod 0711 "$tmp"
pdev=$tmp/pdev
mknod "$pdev" c 1 3
chown 0:4300 "$pdev"
chmod 0660 "$pdev"
printf 'root:x:0:\ncarol:x:4242:\n' >"$tmp/group.none"
printf 'root:x:0:\ncarol:x:4242:\nhxen:x:4300:\n' >"$tmp/group.out"
printf 'root:x:0:\ncarol:x:4242:\nhxen:x:4300:carol\n' >"$tmp/group.member"
printf 'root:x:0:\ncarol:x:4242:\nhxen:x:4301:carol\n' >"$tmp/group.wrongdev"
t_expect hxenctl/perm-no-group 4 "group hxen does not exist" \
	asuser "$tmp/group.none" "" env HXEN_DEVICE="$pdev" "$ctl" version
t_expect hxenctl/perm-not-in-group 4 "you are not in group hxen.*usermod -aG hxen carol" \
	asuser "$tmp/group.out" "" env HXEN_DEVICE="$pdev" "$ctl" version
t_expect hxenctl/perm-relogin 4 "added to group hxen after this session started; log out and back in" \
	asuser "$tmp/group.member" "" env HXEN_DEVICE="$pdev" "$ctl" version
t_expect hxenctl/perm-device-mode 4 "although you are in group hxen: it is group \?, mode 0660.*99-hxen.rules" \
	asuser "$tmp/group.wrongdev" 4301 env HXEN_DEVICE="$pdev" "$ctl" version
t_expect hxenctl/perm-member-ok 5 "is not an hxen device" \
	asuser "$tmp/group.member" 4300 env HXEN_DEVICE="$pdev" "$ctl" version

# --- caps ---------------------------------------------------------------------
out=$(fake caps)
for kv in 'vendor: AMD' 'svm: yes' 'svm-firmware: enabled' 'npt: yes' \
	'asids: 16' 'vmx: no' 'cpus: 4' 'held-by-other-hypervisor: no'; do
	if printf '%s\n' "$out" | grep -qx "$kv"; then t_pass "hxenctl/caps-amd/$kv"
	else t_fail "hxenctl/caps-amd/$kv" "missing in: $(echo $out)"; fi
done
t_expect hxenctl/caps-held 0 'held-by-other-hypervisor: yes \(3 of 4 cpus\)' \
	env FAKE_HELD=3 HXEN_DEVICE="$dev" FAKE_HXEN=1 LD_PRELOAD="$shim" "$ctl" caps
t_expect hxenctl/caps-intel 0 'vendor: Intel.*vmx: yes.*vmx-firmware: enabled.*ept: yes.*vpids: 65535' \
	flat env FAKE_VENDOR=intel HXEN_DEVICE="$dev" FAKE_HXEN=1 LD_PRELOAD="$shim" "$ctl" caps
t_expect hxenctl/caps-ioctl-error 1 'HXEN_GET_CAPS: Input/output error' \
	env FAKE_CAPS_ERRNO=5 HXEN_DEVICE="$dev" FAKE_HXEN=1 LD_PRELOAD="$shim" "$ctl" caps

# --- doctor -------------------------------------------------------------------
rel=6.1.0-test-amd64
r=$tmp/root
mkdir -p "$r/proc" "$r/lib/modules/$rel"
printf 'processor\t: 0\nflags\t\t: fpu svm npt\n' >"$r/proc/cpuinfo"
doctor() { env HXEN_KERNEL_RELEASE=$rel HXEN_DEVICE="$dev" FAKE_HXEN=1 LD_PRELOAD="$shim" "$ctl" doctor; }
doctor_held() { env FAKE_HELD=2 HXEN_KERNEL_RELEASE=$rel HXEN_DEVICE="$dev" FAKE_HXEN=1 LD_PRELOAD="$shim" "$ctl" doctor; }
t_expect hxenctl/doctor-no-headers 1 "not built for kernel $rel: its headers are not installed.*apt install linux-headers-$rel" \
	flat doctor
mkdir -p "$r/lib/modules/$rel/build" && : >"$r/lib/modules/$rel/build/Makefile"
t_expect hxenctl/doctor-not-built 1 "hxen.ko is not built for kernel $rel.*dkms autoinstall -k $rel.*make.log" \
	flat doctor
mkdir -p "$r/lib/modules/$rel/updates/dkms" && : >"$r/lib/modules/$rel/updates/dkms/hxen.ko.xz"
t_expect hxenctl/doctor-built 1 "\[ok  \] hxen.ko is installed for kernel $rel: /lib/modules/$rel/updates/dkms/hxen.ko.xz" \
	flat doctor
t_expect hxenctl/doctor-not-loaded 1 "\[FAIL\] the hxen module is not loaded.*fix: sudo modprobe hxen" \
	flat doctor
efi=$r/sys/firmware/efi/efivars
mkdir -p "$efi"
printf '\x06\x00\x00\x00\x01' >"$efi/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
t_expect hxenctl/doctor-secure-boot 1 "Secure Boot is on.*Key was rejected by service.*mokutil --import /var/lib/dkms/mok.pub" \
	flat doctor
rm -rf "$r/sys/firmware"
mkdir -p "$r/sys/module/hxen" && echo "$ver" >"$r/sys/module/hxen/version"
getent group hxen >/dev/null || hxgroup_added=1
[ -n "${hxgroup_added:-}" ] && groupadd --system hxen
chgrp hxen "$dev" && chmod 0660 "$dev"
t_expect hxenctl/doctor-all-ok 0 "module is loaded, version $ver.*root:hxen, mode 0660.*running as root.*AMD SVM is available with nested paging.*coexistence: per-run; no other hypervisor module is loaded.*No problems found" \
	flat doctor
mkdir -p "$r/sys/module/kvm_amd" "$r/sys/module/kvm/parameters"
echo Y >"$r/sys/module/kvm/parameters/enable_virt_at_load"
t_expect hxenctl/doctor-kvm-holds 0 "\[ok  \] coexistence: shared; another hypervisor \(kvm_amd\) has SVM on on 2 of 4 CPUs \(kvm.enable_virt_at_load=Y\), and hxen runs its guests inside it.*No problems found" \
	flat doctor_held
t_expect hxenctl/doctor-kvm-idle 0 "\[ok  \] coexistence: per-run; kvm_amd is loaded and has SVM off now: hxen turns SVM on only while its guests run" \
	flat doctor
chmod 0666 "$dev"
t_expect hxenctl/doctor-bad-mode 1 "is root:hxen, mode 0666 \(want root:hxen, 0660\).*udevadm trigger" \
	flat doctor
chmod 0660 "$dev"
echo 0.0.9 >"$r/sys/module/hxen/version"
t_expect hxenctl/doctor-version-skew 0 "\[warn\] the hxen module is loaded, version 0.0.9 \(the tools are $ver\)" \
	flat doctor
rm -rf "$r/sys/module/hxen"
printf 'flags\t: fpu\n' >"$r/proc/cpuinfo"
rm "$r/lib/modules/$rel/updates/dkms/hxen.ko.xz"
mkdir -p "$r/sys/module/hxen"
t_expect hxenctl/doctor-loaded-not-installed 0 "\[warn\] hxen.ko is loaded but not installed for kernel $rel.*dkms install hxen/$ver -k $rel" flat doctor
rm -rf "$r/sys/module/hxen"
t_expect hxenctl/doctor-no-svm 1 "offers neither AMD SVM nor Intel VMX.*nested virtualization" flat doctor
[ -n "${hxgroup_added:-}" ] && groupdel hxen
exit 0
