#!/bin/sh
# /init of the Bochs initramfs (busybox sh).  Runs on an emulated Intel
# CPU with VT-x: loads kvm_intel and runs a KVM guest as a yardstick for
# Bochs' VMX, unloads KVM, then loads hxen.ko, shows what hxenctl caps
# and doctor say and runs vmtest, the test guests and a Debian kernel as
# a PVH guest, and runs hxen beside KVM.  Prints one
# "HXT: PASS: <name>" or "HXT: FAIL: <name>: <why>" line per check and
# "HXT: DONE" at the end (tests/bochs/run.sh fails the boot without it),
# then powers off.
#
# /etc/hxt.conf (written by run.sh) sets:
#   HXT_LINE       the kernel line (6.1)
#   HXT_MODE       main (one CPU: everything but CPU hotplug) or smp (two
#                  CPUs: CPU hotplug beside hxen and KVM guests)
#   HXT_VERSION    the expected hxen version (VERSION of the tree)
#   HXT_KVM        kvm modules to load, in order (files under /lib/hxt/kvm)
#   HXT_HXEN_DEPS  modules hxen.ko needs, in order (under /lib/hxt/deps)
#   HXT_HXEN_GID   the gid of group hxen
#   HXT_MEMBER     "uid gid" of carol, a member of group hxen
#   HXT_CPUS       the number of CPUs Bochs emulates
#   HXT_KVMLOOP    guest seconds the KVM guest runs after its first round
#   HXT_ONLY       "beside": the main boot runs only hxen beside KVM
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C

/bin/busybox mkdir -p /proc /sys /dev /tmp /run
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
# shellcheck source=/dev/null
. /etc/hxt.conf

# Results go to the console and, uncut by kernel messages, to ttyS1
# (COM2, a file of its own on the host).
RES=/dev/ttyS1
[ -c "$RES" ] || RES=/dev/null
stty -F "$RES" 115200 raw -echo 2>/dev/null
say() {
	echo "HXT: $*"
	echo "HXT: $*" >"$RES"
	: >/tmp/beat
}
pass() { say "PASS: $1"; }
fail() { say "FAIL: $1: $(echo "$2" | tr '\n' ' ' | cut -c1-300)"; }
# stamp WHAT : the guest's uptime, to see where the time goes.
stamp() {
	echo "bochs: $1 at uptime $(cut -d' ' -f1 /proc/uptime)"
	: >/tmp/beat
}

# stall_show SECS : runs in the background for the whole boot.  When no
# result, stamp or test output has come for SECS guest seconds, it shows
# once where things wait: the kernel stack of every user task, hxen's
# counters and the blocked tasks (sysrq w), so that a stall is found in
# the serial log rather than guessed at.
stall_show() {
	shown=0
	while sleep 1; do
		idle=$(($(date +%s) - $(date -r /tmp/beat +%s)))
		if [ "$idle" -lt "$1" ]; then
			shown=0
			continue
		fi
		[ $shown -eq 1 ] && continue
		shown=1
		echo "bochs: stall: no progress for $idle s at uptime $(cut -d' ' -f1 /proc/uptime)"
		for d in /proc/[0-9]*; do
			[ -s "$d/cmdline" ] || continue
			echo "--- task ${d#/proc/} $(tr '\0' ' ' <"$d/cmdline" | cut -c1-80)$(sed -n 's/^State:/ state/p' "$d/status")"
			cat "$d/stack" 2>/dev/null
		done
		grep -H . /sys/module/hxen/parameters/* 2>/dev/null
		echo w >/proc/sysrq-trigger
	done
}

# finish : the final marker; then let the console's UART drain (output
# still in the tty is lost otherwise; a guest second is plenty, and an
# idle one costs about a wall second with one CPU, far more with two)
# and power off, which ends Bochs.
finish() {
	say "DONE"
	sync
	sleep 1
	poweroff -f
	sleep 5
	echo o >/proc/sysrq-trigger
}

HXENCTL=/usr/bin/hxenctl
OUT=/tmp/out
ERR=/tmp/err

# run CMD... : run with stdout in $OUT, stderr in $ERR, status in $ST.
run() {
	"$@" >"$OUT" 2>"$ERR"
	ST=$?
}

# relay NAME CMD... : run a test program that prints PASS:/FAIL: lines
# and turn them into results; a program that prints none fails NAME.
relay() {
	rname=$1
	shift
	: >/tmp/relay
	"$@" 2>&1 | while IFS= read -r l; do
		case $l in
		PASS:* | FAIL:*) say "$l"; echo "$l" >>/tmp/relay ;;
		*) echo "$l"; : >/tmp/beat ;;
		esac
	done
	[ -s /tmp/relay ] || fail "$rname" "no results from $*"
}

# caps_get KEY : the value of KEY in the last "hxenctl caps" output.
caps_get() { sed -n "s/^$1: //p" "$OUT" | head -n 1; }

# check_caps_key NAME KEY REGEX : the caps value of KEY matches REGEX.
check_caps_key() {
	v=$(caps_get "$2")
	if echo "$v" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1" "$2 is '$v', want /$3/"
	fi
}

# dev_node : wait for devtmpfs to show /dev/hxen, then give it the owner
# and mode the packaged udev rule gives it.
dev_node() {
	i=0
	while [ ! -c /dev/hxen ] && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -c /dev/hxen ] || return 1
	chown "root:$HXT_HXEN_GID" /dev/hxen && chmod 0660 /dev/hxen
}

# load_hxen : insmod hxen.ko after the modules it needs; output in $OUT.
load_hxen() {
	for m in $HXT_HXEN_DEPS; do
		insmod "/lib/hxt/deps/$m" >"$OUT" 2>&1 || return 1
	done
	insmod /lib/hxt/hxen.ko >"$OUT" 2>&1
}

# dmesg_clean NAME FROM : no warning, oops, lockup or faulting MSR access
# in the kernel log after its first FROM lines (the boot's own are not
# hxen's).
dmesg_clean() {
	bad=$(dmesg | tail -n +"$(($2 + 1))" | grep -E 'WARNING:|BUG:|Oops|general protection|unchecked MSR|rcu.*stall|soft lockup|hung_task|blocked for more than' | head -n 3)
	if [ -z "$bad" ]; then pass "$1"; else fail "$1" "$bad"; fi
}

# check_cpu : what the emulated CPU offers (vmx flag, CPU count).
check_cpu() {
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	echo "bochs: $(uname -r), $ncpu cpus, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	grep -m1 '^vmx flags' /proc/cpuinfo
	echo "--- kernel messages about the CPU while booting"
	dmesg | grep -iE 'unchecked MSR|vmx|x86/cpu|tsc:|perfctr' | head -n 20
	if grep -m1 '^flags' /proc/cpuinfo | grep -qw vmx; then
		pass cpu/vmx
	else
		fail cpu/vmx "no vmx in the CPU flags of /proc/cpuinfo"
	fi
	if [ "$ncpu" = "$HXT_CPUS" ]; then
		pass cpu/count
	else
		fail cpu/count "$ncpu cpus online, Bochs emulates $HXT_CPUS"
	fi
}

# kvm_load [PREFIX] : insmod the KVM modules in order (results PREFIX/..., default kvm/); fails (with a result) if one
# does not load or /dev/kvm does not appear.
kvm_load() {
	kp=${1:-kvm}
	for m in $HXT_KVM; do
		if ! insmod "/lib/hxt/kvm/$m" >/tmp/kvm.err 2>&1; then
			fail "$kp/load" "insmod $m: $(cat /tmp/kvm.err)"
			return 1
		fi
	done
	if [ ! -d /sys/module/kvm_intel ] || [ ! -c /dev/kvm ]; then
		fail "$kp/load" "no kvm_intel in /sys/module or no /dev/kvm after insmod"
		return 1
	fi
	pass "$kp/load"
	for p in ept vpid unrestricted_guest enable_apicv enable_shadow_vmcs pml nested; do
		printf 'kvm_intel.%s=%s ' "$p" "$(cat "/sys/module/kvm_intel/parameters/$p" 2>/dev/null)"
	done
	echo
	p=$(cat /sys/module/kvm_intel/parameters/ept 2>/dev/null)
	if [ "$p" = Y ]; then pass "$kp/ept"; else fail "$kp/ept" "kvm_intel.ept is '$p'"; fi
}

# bg_start FILE CMD... : run CMD in the background with its output in
# FILE and wait until it prints "running"; its pid is in $bg.
bg_start() {
	f=$1
	shift
	: >"$f"
	"$@" >"$f" 2>&1 &
	bg=$!
	i=0
	while ! grep -q running "$f" && kill -0 $bg 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# kvmloop_start : start the KVM guest (kvm_memloop.bin through /dev/kvm)
# in the background; its pid is in $kvmloop.
kvmloop_start() {
	bg_start /tmp/kvmloop kvmloop /lib/hxt/guests 600
	kvmloop=$bg
}

# kvmloop_stop NAME : stop it with SIGTERM; NAME passes if it ends with
# every round of its memory check in order.
kvmloop_stop() {
	kill -TERM $kvmloop 2>/dev/null
	wait $kvmloop
	st=$?
	cat /tmp/kvmloop
	if [ $st -eq 0 ] && grep -q '^kvmloop: ok [1-9][0-9]* rounds$' /tmp/kvmloop; then
		pass "$1"
	else
		fail "$1" "exit $st: $(tail -c 300 /tmp/kvmloop)"
	fi
}

# kvm_loop : run the KVM guest for HXT_KVMLOOP guest seconds after its
# first round.  A guest second of a busy nested guest is about 3.5 G
# emulated instructions (about 40 s of wall time), so kvmloop is stopped
# with SIGTERM rather than left to run whole seconds.
kvm_loop() {
	stamp "kvmloop"
	kvmloop_start
	sleep "$HXT_KVMLOOP"
	kvmloop_stop kvm/kvmloop
}

# kvm_unload [PREFIX] : rmmod the KVM modules, last loaded first.
kvm_unload() {
	kp=${1:-kvm}
	mods=
	for m in $HXT_KVM; do mods="$(echo "${m%.ko}" | tr - _) $mods"; done
	for m in $mods; do
		if ! rmmod "$m" >/tmp/kvm.err 2>&1; then
			fail "$kp/unload" "rmmod $m: $(cat /tmp/kvm.err)"
			return
		fi
	done
	pass "$kp/unload"
}

# hxen_load : insmod hxen.ko, /dev/hxen, the version in sysfs.
hxen_load() {
	loaded=0
	if load_hxen; then
		pass insmod
		loaded=1
	else
		fail insmod "$(cat "$OUT")"
	fi
	echo "--- hxen kernel messages after insmod"
	dmesg | grep -i hxen
	if [ $loaded -eq 1 ] && dev_node; then
		pass dev-node
	else
		fail dev-node "/dev/hxen is not a character device"
	fi
	v=$(cat /sys/module/hxen/version 2>/dev/null)
	if [ "$v" = "$HXT_VERSION" ]; then
		pass sysfs-version
	else
		fail sysfs-version "/sys/module/hxen/version is '$v', want '$HXT_VERSION'"
	fi
}

# hxen_caps : "hxenctl caps" must see Intel VMX with EPT, VPID and
# unrestricted guest.
hxen_caps() {
	run "$HXENCTL" caps
	echo "--- hxenctl caps (exit $ST)"
	cat "$OUT" "$ERR"
	if [ "$ST" -ne 0 ]; then
		fail caps "exit $ST: $(head -c 200 "$ERR")"
		return
	fi
	pass caps
	check_caps_key caps/vendor vendor '^Intel$'
	check_caps_key caps/vmx vmx '^yes$'
	check_caps_key caps/vmx-firmware vmx-firmware '^enabled$'
	check_caps_key caps/ept ept '^yes$'
	check_caps_key caps/vpid vpid '^yes$'
	check_caps_key caps/unrestricted-guest unrestricted-guest '^yes$'
	check_caps_key caps/cpus cpus "^$ncpu\$"
	check_caps_key caps/svm svm '^no$'
}

# hxen_doctor : show "hxenctl doctor"; its CPU line must be ok.  (Its exit
# status also reflects how hxen is installed, which here it is not.)
hxen_doctor() {
	run "$HXENCTL" doctor
	echo "--- hxenctl doctor (exit $ST)"
	cat "$OUT" "$ERR"
	if grep -q '^\[ok  \] Intel VMX is available with EPT' "$OUT"; then
		pass doctor/cpu
	else
		fail doctor/cpu "want '[ok  ] Intel VMX is available with EPT': $(grep -A1 -i 'vmx\|svm\|cpu' "$OUT" | head -n 2)"
	fi
}

# hxen_guests : vmtest and the test guests, as in the sandbox.
hxen_guests() {
	stamp "vmtest"
	relay vm/memory vmtest memory
	relay vm/invalid vmtest invalid
	relay vm/cycles vmtest cycles 200
	stamp "guesttest"
	relay guest/all guesttest /lib/hxt/guests all
	stamp "hxen tests done"
	echo "--- hxen kernel messages"
	dmesg | grep -i hxen | tail -n 30
}

# hxen_linux : the image's own Debian kernel boots as a PVH guest of
# ioemu, run by carol (group hxen), to a shell that answers on its
# console (the sandbox's lg_boot_tests: CPUs, Xen detected, event
# channels, hvc0, a clean kernel log, poweroff).
hxen_linux() {
	stamp "linux guest"
	# shellcheck disable=SC2034 # read by linux-tests.sh
	LG_FUNCTIONS_ONLY=1
	# shellcheck source=tests/sandbox/linux-tests.sh
	. /lib/hxt/linux-tests.sh
	lg_boot_tests pvh 1
	stamp "linux guest done"
}

# counter NAME : one of hxen's counters in /sys/module/hxen/parameters.
counter() { cat "/sys/module/hxen/parameters/$1" 2>/dev/null || echo -1; }

# spin_start / spin_check NAME : an hxen VM spinning in the background
# (guesttest spin); NAME passes if it still runs, and it is stopped.
spin_start() {
	bg_start /tmp/spin guesttest /lib/hxt/guests spin
	spin=$bg
}

spin_check() {
	if grep -q running /tmp/spin && kill -0 $spin 2>/dev/null; then
		pass "$1"
	else
		fail "$1" "the hxen VM stopped: $(tail -c 200 /tmp/spin)"
	fi
	kill -TERM $spin 2>/dev/null
	wait $spin
}

# hxen_beside_kvm : kvm_intel loads under a running hxen VM, and while a KVM guest
# runs (so KVM is in VMX operation), doctor names the shared mode, the
# guests of each kind run inside KVM's VMX operation (shared_runs grows),
# hxen unloads and loads again under it, the KVM guest checks its memory
# all along, and both unload cleanly.
hxen_beside_kvm() {
	stamp "beside kvm"
	spin_start
	kvm_load coexist/kvm
	ok=$?
	spin_check coexist/hxen-vm-survives-kvm-load
	[ $ok -eq 0 ] || return
	s0=$(counter shared_runs)
	c0=$(counter tlb_cleanups)
	kvmloop_start
	run "$HXENCTL" doctor
	if grep -q '^\[ok  \] coexistence: shared; another hypervisor (kvm_intel) has VMX on' "$OUT"; then
		pass coexist/doctor-shared
	else
		fail coexist/doctor-shared "$(grep coexist "$OUT")"
	fi
	relay coexist/guests guesttest /lib/hxt/guests beside kvm-busy
	if [ "$(counter shared_runs)" -gt "$s0" ] && [ "$(counter tlb_cleanups)" -gt "$c0" ]; then
		pass coexist/shared-runs
	else
		fail coexist/shared-runs "shared_runs $s0 -> $(counter shared_runs), tlb_cleanups $c0 -> $(counter tlb_cleanups)"
	fi
	# hxen goes and comes back under the running KVM guest.
	if rmmod hxen >"$OUT" 2>&1 && load_hxen && dev_node; then
		pass coexist/hxen-reload
		relay coexist/after-reload guesttest /lib/hxt/guests io kvm-after-reload
	else
		fail coexist/hxen-reload "$(cat "$OUT")"
	fi
	kvmloop_stop coexist/kvm-guest-intact
	spin_start
	kvm_unload coexist/kvm
	spin_check coexist/hxen-vm-survives-kvm-unload
}

# cpu1_cycle ROUNDS : take CPU 1 offline and online ROUNDS times; what
# failed is left in $why (empty when all went well).
cpu1=/sys/devices/system/cpu/cpu1/online
cpu1_cycle() {
	why=
	round=0
	while [ $round -lt "$1" ] && [ -z "$why" ]; do
		round=$((round + 1))
		sleep 0.2
		echo 0 >"$cpu1" 2>/tmp/hp || why="offline (round $round): $(cat /tmp/hp)"
		sleep 0.2
		echo 1 >"$cpu1" 2>/tmp/hp || why="online (round $round): $(cat /tmp/hp)"
	done
}

# held NAME WANT : "hxenctl caps" says whether a CPU has VMX on
# (held-by-other-hypervisor: WANT, yes or no).
held() {
	run "$HXENCTL" caps
	v=$(caps_get held-by-other-hypervisor)
	case $v in
	"$2"*) pass "$1" ;;
	*) fail "$1" "held-by-other-hypervisor is '$v', want $2" ;;
	esac
}

# hxen_hotplug : CPU 1 goes offline and comes back while an hxen VM
# spins, first alone, then beside a running KVM guest (kvm_intel in VMX
# operation on both CPUs and taking it down and up with them).  Both
# guests live on, the KVM guest's memory stays intact, and once both
# are gone no CPU is left in VMX operation.
hxen_hotplug() {
	stamp "hotplug"
	if [ ! -w "$cpu1" ]; then
		fail hotplug/cpu1 "cannot take CPU 1 offline here ($cpu1 not writable)"
		return
	fi
	spin_start
	cpu1_cycle 3
	[ -n "$why" ] && fail hotplug/offline-online "$why"
	spin_check hotplug/hxen-vm-survives
	held hotplug/vmx-off-after-last-vm no
	kvm_load hotplug/kvm || return
	kvmloop_start
	s0=$(counter shared_runs)
	spin_start
	cpu1_cycle 2
	[ -n "$why" ] && fail hotplug/offline-online-beside-kvm "$why"
	spin_check hotplug/hxen-vm-survives-beside-kvm
	if [ "$(counter shared_runs)" -gt "$s0" ]; then
		pass hotplug/runs-inside-kvm-vmx
	else
		fail hotplug/runs-inside-kvm-vmx "shared_runs $s0 -> $(counter shared_runs)"
	fi
	kvmloop_stop hotplug/kvm-guest-intact
	relay hotplug/io-after guesttest /lib/hxt/guests io after-hotplug
	relay hotplug/smp-after guesttest /lib/hxt/guests only smp
	kvm_unload hotplug/kvm
	held hotplug/vmx-off-after-kvm no
	stamp "hotplug done"
}

# hxen_unload : rmmod hxen.
hxen_unload() {
	if [ $loaded -eq 1 ]; then
		if rmmod hxen >"$OUT" 2>&1; then
			pass rmmod
		else
			fail rmmod "$(cat "$OUT")"
		fi
	fi
}

stamp "init started"
stall_show 6 &
check_cpu
boot_lines=$(dmesg | wc -l)
if [ "$HXT_MODE" = smp ]; then
	# Two CPUs (a slower machine): only what needs the second one.
	hxen_load
	hxen_hotplug
	hxen_unload
	dmesg_clean dmesg-clean "$boot_lines"
	stamp "done"
	finish
fi
if [ "$HXT_ONLY" = beside ]; then
	hxen_load
	hxen_beside_kvm
	hxen_unload
	dmesg_clean dmesg-clean "$boot_lines"
	stamp "done"
	finish
fi
# KVM first: it shows whether Bochs' VMX works at all, and a guest of
# hxen's that wedges the emulated machine cannot take that answer with it.
stamp "loading kvm"
if kvm_load; then
	kvm_loop
	kvm_unload
fi
dmesg_clean kvm/dmesg-clean "$boot_lines"
boot_lines=$(dmesg | wc -l)
hxen_load
hxen_caps
hxen_doctor
hxen_guests
hxen_linux
hxen_beside_kvm
hxen_unload
dmesg_clean dmesg-clean "$boot_lines"
stamp "done"
finish
