#!/bin/bash
# Runs inside the booted distro test root (as the oneshot service
# hxen-distro-check.service, as root) and checks hxen the way a user meets
# it after "apt install hxen-dkms hxen" and a reboot.  Each check prints one
# line on the serial console, "HXT: PASS: name" or "HXT: FAIL: name: why";
# tests/distro/run.sh reads them from the console log.  "HXT: DONE" ends
# the run; the unit then powers the machine off.
set -u
exec >/dev/console 2>&1

version=${1:-}
abi=${2:-}
pass() { printf 'HXT: PASS: %s\n' "$1"; }
fail() { printf 'HXT: FAIL: %s: %s\n' "$1" "$(printf '%s' "$2" | tr '\n' ' ' | head -c 400)"; }
info() { printf 'HXT: INFO: %s\n' "$*"; }

kver=$(uname -r)
info "kernel $kver, hxen $version"
udevadm settle --timeout=60 || info "udevadm settle timed out"

case $kver in
6.1.*) pass boot-kernel ;;
*) fail boot-kernel "booted $kver, want the root's 6.1 kernel" ;;
esac

# hxen.ko was loaded by systemd-modules-load from modules-load.d/hxen.conf
# (nothing in this test loads it by hand).
ml=$(systemctl is-active systemd-modules-load.service 2>&1)
if [ -d /sys/module/hxen ] && [ "$ml" = active ] &&
	grep -qx hxen /usr/lib/modules-load.d/hxen.conf; then
	pass module-loaded-at-boot
else
	fail module-loaded-at-boot "/sys/module/hxen: $([ -d /sys/module/hxen ] && echo present || echo absent); systemd-modules-load: $ml; $(journalctl -b -u systemd-modules-load --no-pager -q 2>&1 | tail -n 3)"
fi
journalctl -b -u systemd-modules-load --no-pager -q 2>/dev/null | grep -i hxen | sed 's/^/HXT: INFO: /'

path=$(modinfo -n hxen 2>&1)
case $path in
"/lib/modules/$kver/updates/dkms/hxen.ko"*) pass module-from-dkms ;;
*) fail module-from-dkms "modinfo -n hxen: $path" ;;
esac

for _ in $(seq 50); do
	[ -e /dev/hxen ] && break
	sleep 0.2
done
perm=$(stat -c '%U:%G %a' /dev/hxen 2>&1)
if [ "$perm" = "root:hxen 660" ] && [ -c /dev/hxen ]; then
	pass dev-node-perms
else
	fail dev-node-perms "stat -c '%U:%G %a' /dev/hxen: $perm (want root:hxen 660)"
fi

# alice is in group hxen: hxenctl version works.
out=$(runuser -u alice -- hxenctl version 2>&1)
st=$?
if [ "$st" -eq 0 ] && printf '%s\n' "$out" | grep -qx "abi $abi" &&
	printf '%s\n' "$out" | grep -qx "hxenctl $version" &&
	printf '%s\n' "$out" | grep -qx "module $version (kernel $kver)"; then
	pass alice-version
else
	fail alice-version "exit $st: $out"
fi
printf '%s\n' "$out" | sed 's/^/HXT: INFO: alice: /'
runuser -u alice -- hxenctl caps 2>&1 | sed 's/^/HXT: INFO: caps: /'

# bob is not: refused with exit status 4 and a message that says why.
out=$(runuser -u bob -- hxenctl version 2>&1)
st=$?
if [ "$st" -eq 4 ] && printf '%s\n' "$out" | grep -q 'not in group hxen'; then
	pass bob-denied
else
	fail bob-denied "exit $st (want 4): $out"
fi

bad=$(dmesg 2>&1 | grep -E 'WARNING:|BUG:|Oops')
if [ -z "$bad" ]; then
	pass dmesg-clean
else
	fail dmesg-clean "$(printf '%s\n' "$bad" | head -n 3)"
fi
dmesg 2>/dev/null | grep -i hxen | head -n 20 | sed 's/^/HXT: INFO: dmesg: /'

echo "HXT: DONE"
sync
exit 0
