#!/bin/bash
# Benchmarks: boot the 6.1 sandbox (KVM there takes SVM only while its
# own guests run, so hxen and kvm_amd can take turns in one boot), run
# the same guests on hxen and on kvm_amd and print the figures of each
# and the ratios hxen/KVM: ns per exit, disk throughput (a Linux guest on
# the same qcow2 image, PV disk against virtio-blk; each figure the
# median of HXT_BENCH_ROUNDS rounds, default 3) and Linux boot time.
# Prints figures; it is not a pass/fail test.
#
#   tests/bench/run.sh [LINE]      (default 6.1)
#   HXT_BENCH_ONLY=exit|disk|boot  one of the three
set -u
here=$(cd "$(dirname "$0")" && pwd)
# QEMU+KVM boots Linux nested under the software CPU: allow for it.
export HXT_TIMEOUT=${HXT_TIMEOUT:-1500}
# Two host threads for the sandbox's two CPUs, as on a real machine: the
# device model then runs beside the guest's vCPU, not in turns with it.
# (Under one thread, KVM's nested guest also stops now and then, spinning
# with interrupts off; the rare boot oops that keeps the tests on one
# thread costs a bench run, not a result.)
export HXT_TCG_THREAD=${HXT_TCG_THREAD:-multi}
. "$here/../lib/report.sh"
. "$here/../lib/debian.sh"
. "$here/../sandbox/kernels.sh"
. "$here/../sandbox/sandbox.sh"

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
line=${1:-6.1}
out=$(hxk_out)
unset HXEN_RESULTS
hxs_userspace || { echo "bench: building the user-space parts failed" >&2; exit 1; }
hxs_run_line "$line" bench >/dev/null
res=$out/sandbox/work-$line-bench/results
if ! grep -q '^HXT: BENCH: ' "$res" 2>/dev/null; then
	echo "bench: no figures (console: $out/sandbox/bench-$line.log)" >&2
	exit 1
fi
echo "On Linux $(cat "$out/modules/$line/release") in QEMU TCG (-cpu max):"
sed -n 's/^HXT: BENCH: /  /p' "$res"
