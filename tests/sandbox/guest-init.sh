#!/bin/sh
# /init of the sandbox initramfs (busybox sh).  Loads hxen.ko into the
# booted Debian kernel, checks it against what hxenctl and the kernel say,
# prints one "HXT: PASS: <name>" or "HXT: FAIL: <name>: <why>" line per
# check and "HXT: DONE" at the end, then powers the machine off.
#
# /etc/hxt.conf (written by run.sh) sets:
#   HXT_MODE      test (every check) or demo (show hxenctl, few checks)
#   HXT_VERSION   the expected hxen version (VERSION of the tree)
#   HXT_KVM       kvm modules to load, in order (files under /lib/hxt/kvm)
#   HXT_HXEN_DEPS modules hxen.ko needs, in order (under /lib/hxt/deps)
#   HXT_KVM_HOLDS yes when loading kvm_amd takes SVM at once (6.12+)
#   HXT_HXEN_GID, HXT_OUTSIDER, HXT_STALE, HXT_MEMBER, HXT_MEMBER2
#                 "uid gid" of users (HXT_MEMBER2: a second member of hxen)
#   HXT_VIRSH     yes when this boot runs the virsh scenario
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C

/bin/busybox mkdir -p /proc /sys /dev /tmp /run
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || HXT_NO_DEVTMPFS=1
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
# shellcheck source=/dev/null
. /etc/hxt.conf

# Results go to the console and, uncut by kernel messages, to ttyS1.
RES=/dev/ttyS1
[ -c "$RES" ] || RES=/dev/null
say() {
	echo "HXT: $*"
	echo "HXT: $*" >"$RES"
}
pass() { say "PASS: $1"; }
fail() { say "FAIL: $1: $(echo "$2" | tr '\n' ' ' | cut -c1-300)"; }
finish() {
	say "DONE"
	sync
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

# relay CMD... : run a test program that prints PASS:/FAIL: lines and
# turn them into results; a program that prints none is a failure.
relay() {
	: >/tmp/relay
	"$@" 2>&1 | while IFS= read -r l; do
		case $l in
		PASS:* | FAIL:*) say "$l"; echo "$l" >>/tmp/relay ;;
		*) echo "$l" ;;
		esac
	done
	[ -s /tmp/relay ] || fail "relay/$2" "no results from $*"
}
param() { cat "/sys/module/hxen/parameters/$1" 2>/dev/null; }

# expect_x NAME STATUS REGEX NOTREGEX CMD... : CMD must exit STATUS; its
# stderr (for failures) or stdout (for success) must match REGEX and, if
# NOTREGEX is not empty, must not match NOTREGEX.
expect_x() {
	name=$1 want=$2 re=$3 notre=$4
	shift 4
	run "$@"
	if [ "$want" -eq 0 ]; then where=$OUT; else where=$ERR; fi
	echo "$name: exit $ST: $(tail -n 1 "$where")"
	if [ "$ST" -ne "$want" ]; then
		fail "$name" "exit $ST, want $want; stdout: $(head -c 150 "$OUT"); stderr: $(head -c 150 "$ERR")"
	elif ! grep -Eq -- "$re" "$where"; then
		fail "$name" "output does not match /$re/: $(head -c 200 "$where")"
	elif [ -n "$notre" ] && grep -Eq -- "$notre" "$where"; then
		fail "$name" "output matches /$notre/: $(head -c 200 "$where")"
	else
		pass "$name"
	fi
}

# expect NAME STATUS REGEX CMD... : expect_x without a NOTREGEX.
expect() {
	n=$1 w=$2 r=$3
	shift 3
	expect_x "$n" "$w" "$r" '' "$@"
}

# caps_get KEY : the value of KEY in the last "hxenctl caps" output.
caps_get() {
	sed -n "s/^$1: //p" "$OUT" | head -n 1
}

# check_caps_key NAME KEY REGEX : the caps value of KEY matches REGEX.
check_caps_key() {
	v=$(caps_get "$2")
	if echo "$v" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1" "$2 is '$v', want /$3/"
	fi
}

# held NAME WANT : "hxenctl caps" reports held-by-other-hypervisor WANT.
held() {
	run "$HXENCTL" caps
	if [ "$ST" -ne 0 ]; then
		fail "$1" "hxenctl caps exit $ST: $(head -c 200 "$ERR")"
		return
	fi
	echo "$1: held-by-other-hypervisor: $(caps_get held-by-other-hypervisor)"
	check_caps_key "$1" held-by-other-hypervisor "^$2( |\$)"
}

# dev_node : make sure /dev/hxen exists once the module is loaded.
dev_node() {
	i=0
	while [ ! -e /dev/hxen ] && [ $i -lt 20 ]; do
		if [ -n "${HXT_NO_DEVTMPFS:-}" ] && [ -r /sys/class/misc/hxen/dev ]; then
			mm=$(cat /sys/class/misc/hxen/dev)
			mknod /dev/hxen c "${mm%%:*}" "${mm##*:}"
		fi
		sleep 0.1
		i=$((i + 1))
	done
	[ -c /dev/hxen ]
}

load_hxen() {
	for m in $HXT_HXEN_DEPS; do
		[ -d "/sys/module/$(echo "${m%.ko}" | tr - _)" ] && continue
		insmod "/lib/hxt/deps/$m" >"$OUT" 2>&1 || return 1
	done
	insmod /lib/hxt/hxen.ko >"$OUT" 2>&1
}

echo "sandbox: $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpus, mode $HXT_MODE"

if [ "$HXT_MODE" = demo ]; then
	if load_hxen && dev_node; then
		pass insmod
		# What the packaged udev rule (99-hxen.rules) does on a real system.
		chown "root:$HXT_HXEN_GID" /dev/hxen && chmod 0660 /dev/hxen
	else
		fail insmod "$(cat "$OUT")"
	fi
	for c in version caps doctor; do
		echo "\$ hxenctl $c"
		"$HXENCTL" "$c"
		st=$?
		echo "(exit $st)"
		if [ "$c" = version ]; then
			if [ $st -eq 0 ]; then pass version; else fail version "exit $st"; fi
		fi
	done
	if [ -f /lib/hxt/linux-tests.sh ]; then
		LG_FUNCTIONS_ONLY=1
		. /lib/hxt/linux-tests.sh
		lg_demo
	fi
	finish
fi

if [ "$HXT_MODE" = linux ]; then
	# Only the Linux guests (for working on them).
	if load_hxen && dev_node; then
		chown "root:$HXT_HXEN_GID" /dev/hxen && chmod 0660 /dev/hxen
		. /lib/hxt/linux-tests.sh
	else
		fail insmod "$(cat "$OUT")"
	fi
	finish
fi

if [ "$HXT_MODE" = crash ]; then
	# A host crash with a VM writing: the image is on an ext4 disk of
	# the sandbox; the flushed data is checked on the host afterwards.
	if load_hxen && dev_node; then
		chown "root:$HXT_HXEN_GID" /dev/hxen && chmod 0660 /dev/hxen
		for m in $(cat /lib/hxg/order); do insmod "/lib/hxg/$m" 2>/dev/null; done
		LG_FUNCTIONS_ONLY=1
		. /lib/hxt/linux-tests.sh
		. /lib/hxt/disk-crash.sh
	else
		fail insmod "$(cat "$OUT")"
	fi
	# No sync: what the sandbox's page cache holds is lost.
	say "DONE"
	sleep 1
	echo c >/proc/sysrq-trigger
fi

if [ "$HXT_MODE" = bench ]; then
	# hxen and an idle kvm_amd side by side (Linux < 6.12: KVM takes SVM
	# only while its own VM runs), then the same guests on each.
	if load_hxen && dev_node; then
		for m in $HXT_KVM; do insmod "/lib/hxt/kvm/$m"; done
		chown "root:$HXT_HXEN_GID" /dev/hxen && chmod 0660 /dev/hxen
		# shellcheck disable=SC2034 # read by linux-tests.sh
		LG_FUNCTIONS_ONLY=1
		. /lib/hxt/linux-tests.sh
		# HXT_BENCH_ONLY=exit|disk|boot: one of the three.
		case ${HXT_BENCH_ONLY:-exit} in exit)
			exitbench /lib/hxt/guests "${HXT_BENCH_N:-20000}" |
				while IFS= read -r l; do say "$l"; done ;;
		esac
		case ${HXT_BENCH_ONLY:-disk} in disk) lg_disk_bench ;; esac
		case ${HXT_BENCH_ONLY:-boot} in boot) lg_boot_bench ;; esac
	else
		fail insmod "$(cat "$OUT")"
	fi
	finish
fi

# --- load -------------------------------------------------------------
loaded=0
if load_hxen; then
	pass insmod
	loaded=1
else
	fail insmod "$(cat "$OUT")"
fi
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

# --- hxenctl version ----------------------------------------------------
printf 'hxenctl %s\nmodule %s (kernel %s)\nabi %s\n' "$HXT_VERSION" "$HXT_VERSION" \
	"$(uname -r)" "$HXT_ABI" >/tmp/want-version
run "$HXENCTL" version
if [ "$ST" -ne 0 ]; then
	fail version "exit $ST: $(head -c 200 "$ERR")"
elif ! cmp -s "$OUT" /tmp/want-version; then
	fail version "got '$(cat "$OUT")', want '$(cat /tmp/want-version)'"
else
	pass version
fi

# --- hxenctl caps -------------------------------------------------------
run "$HXENCTL" caps
if [ "$ST" -ne 0 ]; then
	fail caps "exit $ST: $(head -c 200 "$ERR")"
else
	pass caps
	echo "--- hxenctl caps"
	cat "$OUT"
	check_caps_key caps/vendor vendor '^AMD$'
	check_caps_key caps/svm svm '^yes$'
	check_caps_key caps/svm-firmware svm-firmware '^enabled$'
	check_caps_key caps/npt npt '^yes$'
	a=$(caps_get asids)
	if [ -n "$a" ] && [ "$a" -gt 0 ] 2>/dev/null; then
		pass caps/asids
	else
		fail caps/asids "asids is '$a', want a number > 0"
	fi
	check_caps_key caps/vmx vmx '^no$'
	check_caps_key caps/held-before-kvm held-by-other-hypervisor '^no$'
fi

# --- coexistence with KVM -------------------------------------------------
# hxen turns SVM on only for its own guest runs and borrows SVM where KVM
# has it on, so neither needs the other out of the way, in any order.

# spin_start / spin_alive : an hxen VM spinning in the background.
spin_start() {
	guesttest /lib/hxt/guests spin >/tmp/spin 2>&1 &
	spinner=$!
	i=0
	while ! grep -q running /tmp/spin && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
spin_alive() { kill -0 $spinner 2>/dev/null && ! grep -q 'run failed' /tmp/spin; }
spin_stop() {
	kill -9 $spinner 2>/dev/null
	wait $spinner 2>/dev/null
	i=0
	while [ "$(param vms)" != 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
# cpu1_cycle ROUNDS PAUSE : take CPU 1 offline and online ROUNDS times;
# what failed is left in $why (empty when all went well).
cpu1=/sys/devices/system/cpu/cpu1/online
cpu1_cycle() {
	why=
	round=0
	while [ $round -lt "$1" ] && [ -z "$why" ]; do
		round=$((round + 1))
		sleep "$2"
		echo 0 >"$cpu1" 2>/tmp/hp || why="offline (round $round): $(cat /tmp/hp)"
		sleep "$2"
		echo 1 >"$cpu1" 2>/tmp/hp || why="online (round $round): $(cat /tmp/hp)"
	done
}
# more NAME PARAM BEFORE : the module counter PARAM grew since BEFORE.
more() {
	n=$(param "$2")
	if [ -n "$n" ] && [ "$n" -gt "$3" ] 2>/dev/null; then
		pass "$1"
	else
		fail "$1" "$2 is '$n', was $3"
	fi
}

# KVM loads while an hxen VM runs (from 6.12 it turns SVM on at load).
spin_start
kvm_ok=1
for m in $HXT_KVM; do
	if ! insmod "/lib/hxt/kvm/$m" >/tmp/kvm.err 2>&1; then
		kvm_ok=0
		fail kvm-load "insmod $m: $(cat /tmp/kvm.err)"
		break
	fi
done
if [ $kvm_ok -eq 1 ]; then
	if [ -d /sys/module/kvm_amd ]; then
		pass kvm-load
	else
		fail kvm-load "kvm_amd is not in /sys/module after insmod"
		kvm_ok=0
	fi
fi
if spin_alive; then
	pass coexist/hxen-vm-runs-through-kvm-load
else
	fail coexist/hxen-vm-runs-through-kvm-load "$(tail -c 200 /tmp/spin)"
fi
spin_stop
if [ "$HXT_KVM_HOLDS" = yes ]; then
	p=$(cat /sys/module/kvm/parameters/enable_virt_at_load 2>/dev/null)
	if [ "$p" = Y ]; then
		pass kvm-enable-virt-at-load
	else
		fail kvm-enable-virt-at-load "enable_virt_at_load is '$p', want Y"
	fi
fi
if [ $kvm_ok -eq 1 ]; then
	held caps/held-with-kvm "$HXT_KVM_HOLDS"
	# (doctor's exit status also reflects how the sandbox installed hxen)
	mode=$([ "$HXT_KVM_HOLDS" = yes ] && echo shared || echo per-run)
	run "$HXENCTL" doctor
	if grep -q "^\[ok  \] coexistence: $mode;" "$OUT"; then
		pass coexist/doctor-mode
	else
		fail coexist/doctor-mode "want 'coexistence: $mode': $(grep -i coexist "$OUT")"
	fi
	# The same guests beside idle KVM: inside its SVM where it holds it.
	s0=$(param shared_runs)
	relay guesttest /lib/hxt/guests beside kvm-idle
	if [ "$HXT_KVM_HOLDS" = yes ]; then
		more coexist/idle-kvm-runs-shared shared_runs "$s0"
	elif [ "$(param shared_runs)" = "$s0" ]; then
		pass coexist/idle-kvm-runs-own
	else
		fail coexist/idle-kvm-runs-own "shared_runs went from $s0 to $(param shared_runs)"
	fi

	# A KVM guest checks its memory round after round while hxen's run.
	kvmloop /lib/hxt/guests 900 >/tmp/kvmloop 2>&1 &
	kvmloop=$!
	i=0
	while ! grep -q running /tmp/kvmloop && kill -0 $kvmloop 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if grep -q running /tmp/kvmloop; then
		pass coexist/kvm-guest-started
	else
		fail coexist/kvm-guest-started "$(tail -c 300 /tmp/kvmloop)"
	fi
	held caps/held-with-kvm-guest yes
	s0=$(param shared_runs)
	c0=$(param tlb_cleanups)
	relay guesttest /lib/hxt/guests beside kvm-busy
	more coexist/runs-shared-with-kvm-guest shared_runs "$s0"
	more coexist/tlb-cleaned-for-kvm tlb_cleanups "$c0"

	# hxen unloaded and loaded again under the running KVM guest.
	if rmmod hxen >"$OUT" 2>&1 && load_hxen && dev_node; then
		pass coexist/hxen-reload-beside-kvm-guest
	else
		fail coexist/hxen-reload-beside-kvm-guest "$(cat "$OUT")"
	fi

	# CPU 1 goes away and comes back while both hypervisors run guests.
	spin_start
	cpu1_cycle 2 0.5
	sleep 0.5
	spin_alive || why="${why:+$why; }hxen guest: $(tail -c 200 /tmp/spin)"
	kill -0 $kvmloop 2>/dev/null || why="${why:+$why; }KVM guest: $(tail -c 200 /tmp/kvmloop)"
	if [ -z "$why" ]; then
		pass coexist/hotplug-with-both-running
	else
		fail coexist/hotplug-with-both-running "$why"
	fi
	spin_stop

	kill -TERM $kvmloop 2>/dev/null
	wait $kvmloop
	st=$?
	if [ $st -eq 0 ] && grep -q '^kvmloop: ok [1-9][0-9]* rounds$' /tmp/kvmloop; then
		pass coexist/kvm-guest-correct
	else
		fail coexist/kvm-guest-correct "exit $st: $(tail -c 300 /tmp/kvmloop)"
	fi
	echo "coexist: $(tail -n 1 /tmp/kvmloop); shared_runs $(param shared_runs), tlb_cleanups $(param tlb_cleanups)"

	# KVM goes while an hxen VM runs.
	spin_start
	if rmmod kvm_amd >/tmp/kvm.err 2>&1 && rmmod kvm >>/tmp/kvm.err 2>&1; then
		pass kvm-unload
	else
		fail kvm-unload "$(cat /tmp/kvm.err)"
	fi
	sleep 0.5
	if spin_alive; then
		pass coexist/hxen-vm-runs-through-kvm-unload
	else
		fail coexist/hxen-vm-runs-through-kvm-unload "$(tail -c 200 /tmp/spin)"
	fi
	spin_stop
	held caps/held-after-kvm no
fi

# --- permissions ----------------------------------------------------------
if [ -e /dev/hxen ]; then
	chown "root:$HXT_HXEN_GID" /dev/hxen && chmod 0660 /dev/hxen
fi
expect perm/outsider 4 '^hxenctl: .*not in group hxen' runas "${HXT_OUTSIDER% *}" "${HXT_OUTSIDER#* }" - "$HXENCTL" version
expect_x perm/not-logged-in-again 4 '^hxenctl: .*log out and back in' 'not in group hxen' \
	runas "${HXT_STALE% *}" "${HXT_STALE#* }" - "$HXENCTL" version
expect perm/member 0 "^abi ${HXT_ABI}\$" runas "${HXT_MEMBER% *}" "${HXT_MEMBER#* }" "$HXT_HXEN_GID" "$HXENCTL" version

# --- VMs: guest RAM, invalid arguments, lifetime --------------------------
relay vmtest memory
relay runas "${HXT_MEMBER% *}" "${HXT_MEMBER#* }" "$HXT_HXEN_GID" /usr/bin/vmtest invalid
relay vmtest cycles 200
# As a member of group hxen, not root: what users of the product do.
relay runas "${HXT_MEMBER% *}" "${HXT_MEMBER#* }" "$HXT_HXEN_GID" /usr/bin/guesttest /lib/hxt/guests all
# Free memory in kB, counting the pages that wait in the per-CPU free
# lists (since 6.1 they also keep 2 MiB blocks, which MemFree leaves out).
memfree() {
	{
		awk '/^MemFree:/ {print $2}' /proc/meminfo
		awk '$1 == "count:" {n += $2} END {print n * 4}' /proc/zoneinfo
	} 2>/dev/null | awk '{t += $1} END {print t}'
}
# Let the tests before settle (freed pages reach the free lists, caches
# drop) so that MemFree moves with the holder alone.
settle() { sync; echo 3 >/proc/sys/vm/drop_caches; sleep 1; }
settle
pages0=$(param pages)
free0=$(memfree)
vmtest hold 64 >/tmp/hold 2>&1 &
holder=$!
i=0
while ! grep -q holding /tmp/hold && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
free_held=$(memfree)
held_pages=$(( $(param pages) - pages0 ))
# 64 MiB of RAM plus its nested page tables and I/O and MSR bitmaps.
if [ "$held_pages" -ge 16384 ] && [ "$held_pages" -le 16640 ] && [ "$(param vms)" -eq 1 ]; then
	pass vm/hold-counts-pages
else
	fail vm/hold-counts-pages "pages $(param pages) (before $pages0, want 16384 more), vms $(param vms)"
fi
if rmmod hxen >"$OUT" 2>&1; then
	fail vm/no-unload-with-vm "rmmod hxen succeeded while a VM exists"
	load_hxen && dev_node
else
	pass vm/no-unload-with-vm
fi
kill -9 $holder
wait $holder 2>/dev/null
i=0
while [ "$(param vms)" != 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
settle
free1=$(memfree)
if [ "$(param pages)" -eq "$pages0" ] && [ "$(param vms)" -eq 0 ]; then
	pass vm/sigkill-returns-pages
else
	fail vm/sigkill-returns-pages "pages $(param pages) (before $pages0), vms $(param vms)"
fi
# The holder took 64 MiB of guest RAM; at least 48 MiB of host memory
# must show up free again when it dies (freed pages may sit in per-CPU
# lists for a while; the page counter above is the exact check).  The
# drop while it holds is taken from the higher of the two free figures:
# memory the tests before return late would otherwise hide part of it.
free_top=$free0
[ "$free1" -gt "$free_top" ] && free_top=$free1
if [ $((free_top - free_held)) -ge 57344 ] && [ $((free1 - free_held)) -ge 49152 ]; then
	pass vm/sigkill-host-memory
else
	fail vm/sigkill-host-memory "MemFree $free0 kB before, $free_held kB holding 64 MiB, $free1 kB after the kill"
fi

# SIGKILL while the vCPU is inside HXEN_VCPU_RUN, running guest code.
pages0=$(param pages)
guesttest /lib/hxt/guests spin >/tmp/spin 2>&1 &
spinner=$!
i=0
while ! grep -q running /tmp/spin && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
vms_running=$(param vms)
kill -9 $spinner
wait $spinner 2>/dev/null
i=0
while [ "$(param vms)" != 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$vms_running" = 1 ] && [ "$(param vms)" = 0 ] && [ "$(param pages)" = "$pages0" ]; then
	pass vm/sigkill-in-guest-run
else
	fail vm/sigkill-in-guest-run "vms while running $vms_running, after $(param vms); pages $(param pages), before $pages0"
fi

# --- CPU hotplug while a guest runs ----------------------------------------
# hxen keeps no SVM state on a CPU between guest runs, so the vCPU just
# moves on.  With the VM gone, no CPU may be left with SVM on.
if [ -w "$cpu1" ]; then
	spin_start
	cpu1_cycle 3 0.3
	if [ -z "$why" ] && spin_alive; then
		pass hotplug/offline-online-with-guest-running
	else
		fail hotplug/offline-online-with-guest-running "${why:-the guest process died: $(tail -c 200 /tmp/spin)}"
	fi
	spin_stop
	expect hotplug/svm-off-after-last-vm 0 '^held-by-other-hypervisor: no$' "$HXENCTL" caps
	relay runas "${HXT_MEMBER% *}" "${HXT_MEMBER#* }" "$HXT_HXEN_GID" /usr/bin/guesttest /lib/hxt/guests hotplug
else
	fail hotplug/cpu1 "cannot take CPU 1 offline here ($cpu1 not writable)"
fi

# --- Linux guests (ioemu, hxenctl) ------------------------------------------
if [ -f /lib/hxt/linux-tests.sh ]; then
	. /lib/hxt/linux-tests.sh
else
	fail linux/present "no ioemu and guest kernel in the sandbox"
fi

# --- unload, reload ------------------------------------------------------
if rmmod hxen >"$OUT" 2>&1; then
	if [ -e /dev/hxen ]; then
		fail rmmod "/dev/hxen still exists after rmmod"
	else
		pass rmmod
	fi
else
	fail rmmod "$(cat "$OUT")"
fi
expect not-loaded 3 '^hxenctl: .*not loaded' "$HXENCTL" version
expect perm/member-not-loaded 3 '^hxenctl: .*not loaded' runas "${HXT_MEMBER% *}" "${HXT_MEMBER#* }" "$HXT_HXEN_GID" "$HXENCTL" version

why=
for round in 2 3; do
	if ! load_hxen; then
		why="insmod (round $round): $(cat "$OUT")"
		break
	fi
	if ! dev_node; then
		why="no /dev/hxen after insmod (round $round)"
		break
	fi
	run "$HXENCTL" version
	if [ "$ST" -ne 0 ]; then
		why="hxenctl version exit $ST after reload (round $round)"
		break
	fi
	if ! rmmod hxen >"$OUT" 2>&1; then
		why="rmmod (round $round): $(cat "$OUT")"
		break
	fi
	if [ -e /dev/hxen ]; then
		why="/dev/hxen left after rmmod (round $round)"
		break
	fi
done
if [ -z "$why" ]; then pass reload-twice; else fail reload-twice "$why"; fi

# --- kernel log -------------------------------------------------------------
dmesg >/tmp/dmesg
bad=$(grep -E 'WARNING:|BUG:|Oops|general protection|rcu.*stall|soft lockup|hung_task|blocked for more than' /tmp/dmesg | head -n 3)
if [ -z "$bad" ]; then
	pass dmesg-clean
else
	fail dmesg-clean "$bad"
fi
echo "--- hxen kernel messages"
grep -i hxen /tmp/dmesg | tail -n 20

finish
