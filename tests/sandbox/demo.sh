#!/bin/bash
# Boot the 6.1 sandbox with its console on the terminal: load hxen.ko, run
# "hxenctl version", "hxenctl caps" and "hxenctl doctor", then boot the
# same Debian kernel with a busybox initramfs as an hxen guest (hxenctl
# create), type a few commands into its shell through hxenctl console,
# shut it down, power off.  Exits non-zero when the guest did not answer
# (or hxenctl version failed, or the boot went wrong).
#
#   tests/sandbox/demo.sh [LINE]      (default 6.1)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/report.sh"
. "$here/../lib/debian.sh"
. "$here/kernels.sh"
. "$here/sandbox.sh"

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (needs debootstrap and chroot)" >&2; exit 1; }
line=${1:-6.1}
out=$(hxk_out)
mkdir -p "$out/sandbox"
# Results of the demo are not test results of make check.
unset HXEN_RESULTS

if ! hxs_userspace; then
	echo "demo: building hxenctl failed:" >&2
	tail -n 20 "$out/sandbox/userspace.log" >&2
	exit 1
fi
hxs_run_line "$line" demo interactive
res=$out/sandbox/work-$line-demo/results
if grep -q '^HXT: PASS: version' "$res" 2>/dev/null &&
	grep -q '^HXT: PASS: demo/guest-shell' "$res"; then
	echo "demo: an hxen guest booted and answered in its shell (console: $out/sandbox/demo-$line.log)"
	exit 0
fi
echo "demo: failed in the sandbox: $(grep '^HXT: FAIL' "$res" 2>/dev/null | head -n 3 | tr '\n' ' ') (console: $out/sandbox/demo-$line.log)" >&2
exit 1
