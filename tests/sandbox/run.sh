#!/bin/bash
# Sandbox tests: boot each Debian kernel of the matrix in QEMU TCG (which
# emulates AMD SVM with nested paging), load hxen.ko there and check it
# with hxenctl.  One boot per kernel runs all of that kernel's checks.
#
#   tests/sandbox/run.sh [LINE...]      (default: 5.10 6.1 6.12)
#
# Results: "PASS: sandbox/<line>/<check>" lines via tests/lib/report.sh.
# Console logs: out/sandbox/<line>.log; boot times: out/sandbox/times.
# Env: HXT_TIMEOUT (seconds per boot, default 300), O (output directory),
# HXT_SANDBOX_MODE (test: every check, then a host crash with a VM
# writing, on 6.1; linux: only the Linux guests; crash: only the crash).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/report.sh"
. "$here/../lib/debian.sh"
. "$here/kernels.sh"
. "$here/sandbox.sh"

[ "$(id -u)" -eq 0 ] || { t_fail sandbox/setup "run as root (needs debootstrap and chroot)"; exit 1; }

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=("${HXK_LINES[@]}")
out=$(hxk_out)
mkdir -p "$out/sandbox"

hxs_userspace || t_fail sandbox/userspace "make -C userspace failed: $(tail -n 3 "$out/sandbox/userspace.log" | tr '\n' ' ')"
for line in "${lines[@]}"; do
	hxs_run_line "$line" "${HXT_SANDBOX_MODE:-test}"
done
# A host crash while a VM writes (one kernel is enough: the module's part
# is the same; it is ioemu's flushes that are checked).
if [ "${HXT_SANDBOX_MODE:-test}" = test ]; then
	for line in "${lines[@]}"; do
		[ "$line" = 6.1 ] && hxs_run_line 6.1 crash
	done
fi
exit 0
