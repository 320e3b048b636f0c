#!/bin/bash
# Bochs tests: boot Debian's kernel in Bochs, whose software CPU emulates
# Intel VT-x (VMX with EPT, VPID and unrestricted guest); there, load
# kvm_intel and run a KVM guest as a yardstick that the emulated VMX works
# at all, then load hxen.ko and run vmtest, the test guests and a Debian
# kernel as a PVH guest, and hxen beside KVM.  The only
# Intel test bed: QEMU TCG emulates AMD SVM only and the test machines
# have no VT-x.
#
#   tests/bochs/run.sh [LINE...]      (default: 6.1)
#
# Two boots per line: main (one CPU, everything but CPU hotplug; about 7
# minutes) and smp (two CPUs: CPU hotplug beside hxen and KVM guests).
# Results: "PASS: bochs/<line>/<check>" (main) and bochs/<line>-smp/...
# lines via tests/lib/report.sh.  Serial console: out/bochs/<tag>.serial
# (tag: <line> or <line>-smp); boot times: out/bochs/times; the rest
# (results channel, Bochs' log and terminal output, wall time of each
# stage) in out/bochs/work-<tag>/.
# Env: HXT_BOCHS_MODES (default "main smp"), HXT_BOCHS_TIMEOUT (seconds
# per boot, default 720), HXT_BOCHS_CPUS (emulated CPUs of the main
# boot, default 1), HXT_BOCHS_MEGS (RAM in MiB, default 512),
# HXT_BOCHS_KVMLOOP (guest seconds the KVM yardstick runs, default 0.2:
# about 7 s of wall time), HXT_BOCHS_MODEL (Bochs CPU model),
# HXT_BOCHS_ONLY=beside (the main boot loads hxen and runs only the
# phase beside a busy KVM guest: a shorter boot to debug that phase),
# O (output directory), HXEN_CACHE (downloads, as for the sandbox).
# shellcheck source-path=SCRIPTDIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/report.sh
. "$here/../lib/report.sh"
# shellcheck source=../lib/debian.sh
. "$here/../lib/debian.sh"
# shellcheck source=../sandbox/kernels.sh
. "$here/../sandbox/kernels.sh"
# shellcheck source=../sandbox/sandbox.sh
. "$here/../sandbox/sandbox.sh"

HXB_TIMEOUT=${HXT_BOCHS_TIMEOUT:-720}
# The boots of each line: main (one CPU: everything but CPU hotplug) and
# smp (two CPUs, a much slower machine: CPU hotplug only).
HXB_MODES=${HXT_BOCHS_MODES:-main smp}
# Set for each boot by hxb_run_line.
HXB_MODE=main
HXB_CPUS=1
HXB_MEGS=${HXT_BOCHS_MEGS:-512}
HXB_KVMLOOP=${HXT_BOCHS_KVMLOOP:-0.2}
# The CPU Bochs emulates: Skylake-X has VMX with EPT, VPID, unrestricted
# guest, shadow VMCS and PML in Bochs 2.7.
HXB_MODEL=${HXT_BOCHS_MODEL:-corei7_skylake_x}
# Seconds without output before the debugger's prompt counts as a stop.
HXB_STILL=30
# The boot disk: the kernel and the initramfs, which holds the Linux
# guest's kernel and initramfs too, and hxenctl's and ioemu's libraries
# (libxml2 brings ICU's 31 MB of data): about 65 MB.  Reading it costs
# Bochs little; unpacking it, a few seconds.
HXB_DISK_MEGS=128
# What the tier needs on the host (see packaging/build-deps.sh).
HXB_TOOLS=(bochs script syslinux mcopy mkfs.vfat cpio busybox strip)

# hxb_tools : print the tools of HXB_TOOLS that are missing; fail if any.
hxb_tools() {
	local t missing=()
	for t in "${HXB_TOOLS[@]}"; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	[ -e /usr/share/bochs/BIOS-bochs-latest ] || missing+=(bochsbios)
	[ -e /usr/share/vgabios/vgabios.bin ] || missing+=(vgabios)
	[ -e /usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so ] || missing+=(bochs-term)
	[ ${#missing[@]} -eq 0 ] && return 0
	printf '%s\n' "${missing[*]}"
	return 1
}

# hxb_kvm MODDIR DEST : decompress kvm-intel.ko and the modules it needs
# into DEST (once per kernel release) and print their names in load order.
hxb_kvm() {
	local moddir=$1 dest=$2 list p name names=""
	list=$(hxs_load_order "$moddir" kvm-intel) || { hx_log "no kvm-intel in $moddir/modules.dep"; return 1; }
	mkdir -p "$dest"
	for p in $list; do
		name=$(basename "${p%.ko*}").ko
		if [ ! -s "$dest/$name" ]; then
			hxs_copy_ko "$moddir/$p" "$dest/$name.tmp" && mv "$dest/$name.tmp" "$dest/$name" || return 1
		fi
		names="$names $name"
	done
	printf '%s\n' "${names# }"
}

# hxb_hxen_deps KO MODDIR ROOT : copy the modules hxen.ko depends on, if
# any, from MODDIR to ROOT/lib/hxt/deps and print their names in order.
hxb_hxen_deps() {
	local ko=$1 moddir=$2 r=$3 dep list p name predeps=""
	for dep in $(modinfo -F depends "$ko" 2>/dev/null | tr ',' ' '); do
		list=$(hxs_load_order "$moddir" "$dep") || { hx_log "hxen.ko needs $dep, not in $moddir"; return 1; }
		for p in $list; do
			name=$(basename "${p%.ko*}").ko
			case " $predeps " in *" $name "*) continue ;; esac
			hxs_copy_ko "$moddir/$p" "$r/lib/hxt/deps/$name" || return 1
			predeps="$predeps $name"
		done
	done
	printf '%s\n' "${predeps# }"
}

# hxb_root ROOT KO : fill ROOT: busybox, init.sh as /init, hxen.ko (debug
# info stripped), hxenctl with its libraries, vmtest, guesttest with the
# guests, kvmloop, ioemu and runas for the Linux guest, and the users and
# groups (carol, in group hxen, runs the Linux guest).
hxb_root() {
	local r=$1 ko=$2 out
	out=$(hxk_out)
	mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,usr/bin,usr/sbin,lib/hxt/kvm,lib/hxt/deps,lib/hxt/guests}
	cp /bin/busybox "$r/bin/busybox" &&
		ln -s busybox "$r/bin/sh" &&
		install -m 0755 "$here/init.sh" "$r/init" &&
		strip --strip-debug -o "$r/lib/hxt/hxen.ko" "$ko" &&
		hxs_add_binary "$r" "$HXK_REPO/userspace/hxenctl/hxenctl" &&
		hxs_add_binary "$r" "$HXK_REPO/ioemu/ioemu" &&
		cp "$out/sandbox/vmtest" "$out/sandbox/runas" "$out/guests/guesttest" "$out/guests/kvmloop" "$r/usr/bin/" &&
		cp "$out"/guests/*.bin "$r/lib/hxt/guests/" &&
		cp "$HXS_DIR/linux-tests.sh" "$r/lib/hxt/" || return 1
	cat >"$r/etc/passwd" <<-EOF
		root:x:0:0:root:/root:/bin/sh
		carol:x:${HXS_MEMBER% *}:${HXS_MEMBER#* }:member of hxen:/tmp:/bin/sh
	EOF
	cat >"$r/etc/group" <<-EOF
		root:x:0:
		hxen:x:$HXS_HXEN_GID:carol
		carol:x:${HXS_MEMBER#* }:
	EOF
	printf 'passwd: files\ngroup: files\n' >"$r/etc/nsswitch.conf"
}

# hxb_linux_guest IMGDIR REL WORK : WORK/linux/{vmlinuz,initrd.gz}, the
# Linux guest: the image's own kernel and the sandbox's guest initramfs
# without modules (the console and the Xen drivers it needs are built
# in); made once per kernel release.
hxb_linux_guest() {
	local img=$1 rel=$2 d=$3/linux
	if [ -s "$d/initrd.gz" ] && [ "$(cat "$d/release" 2>/dev/null)" = "$rel" ] &&
		[ "$d/initrd.gz" -nt "$HXS_DIR/linux-guest.sh" ]; then
		return 0
	fi
	rm -rf "$d"
	mkdir -p "$d"
	cp "$img/boot/vmlinuz-$rel" "$d/vmlinuz" &&
		HXS_GUEST_MODULES="" hxs_guest_initrd "$d/initrd.gz" "$img/lib/modules/$rel" &&
		echo "$rel" >"$d/release"
}

# hxb_initrd LINE IMGDIR REL KO WORK : write WORK/initrd, the small
# initramfs, uncompressed (inflating it would cost more emulated
# instructions than reading it from the disk does).
hxb_initrd() {
	local line=$1 img=$2 rel=$3 ko=$4 work=$5 r moddir kvm predeps name rc
	moddir=$img/lib/modules/$rel
	kvm=$(hxb_kvm "$moddir" "$work/kvm") || return 1
	r=$(mktemp -d "${TMPDIR:-/tmp}/hxb-initrd.XXXXXX") || return 1
	chmod 0755 "$r"
	if ! hxb_root "$r" "$ko" || ! predeps=$(hxb_hxen_deps "$ko" "$moddir" "$r"); then
		rm -rf "$r"
		return 1
	fi
	for name in $kvm; do cp "$work/kvm/$name" "$r/lib/hxt/kvm/"; done
	if [ "$HXB_MODE" = main ]; then
		if ! hxb_linux_guest "$img" "$rel" "$work"; then
			rm -rf "$r"
			return 1
		fi
		cp -r "$work/linux" "$r/lib/hxt/linux"
	fi
	cat >"$r/etc/hxt.conf" <<-EOF
		HXT_LINE=$line
		HXT_MODE=$HXB_MODE
		HXT_VERSION=$(hxk_version)
		HXT_KVM="$kvm"
		HXT_HXEN_DEPS="$predeps"
		HXT_HXEN_GID=$HXS_HXEN_GID
		HXT_MEMBER="$HXS_MEMBER"
		HXT_CPUS=$HXB_CPUS
		HXT_KVMLOOP=$HXB_KVMLOOP
		HXT_ONLY="${HXT_BOCHS_ONLY:-}"
	EOF
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$work/initrd.tmp" &&
		mv "$work/initrd.tmp" "$work/initrd"
	rc=$?
	rm -rf "$r"
	return $rc
}

# hxb_base_disk VMLINUZ WORK : WORK/base.img, a FAT superfloppy (no
# partition table) with syslinux and the kernel; made once per kernel.
hxb_base_disk() {
	local vmlinuz=$1 work=$2 img=$2/base.img key
	key="$(stat -c '%s %Y' "$vmlinuz") $HXB_DISK_MEGS"
	[ -f "$img" ] && [ "$(cat "$img.key" 2>/dev/null)" = "$key" ] && return 0
	rm -f "$img" "$img.key" "$img.tmp"
	truncate -s "${HXB_DISK_MEGS}M" "$img.tmp" &&
		mkfs.vfat -n HXBOCHS "$img.tmp" >/dev/null &&
		syslinux --install "$img.tmp" &&
		mcopy -i "$img.tmp" "$vmlinuz" ::/vmlinuz &&
		mv "$img.tmp" "$img" || return 1
	printf '%s\n' "$key" >"$img.key"
}

# hxb_disk WORK : WORK/disk.img, the base disk plus the initramfs and a
# syslinux.cfg booting the kernel with the console on ttyS0.
hxb_disk() {
	local work=$1
	# lpj: skip the delay-loop calibration (slow in Bochs); quiet: fewer
	# console lines at 115200 baud.
	printf '%s\n' 'DEFAULT linux' 'LABEL linux' ' KERNEL vmlinuz' \
		" APPEND initrd=initrd console=ttyS0,115200 quiet loglevel=4 panic=-1 lpj=1000000 tsc=reliable mitigations=off rdinit=/init" \
		>"$work/syslinux.cfg"
	cp "$work/base.img" "$work/disk.img" &&
		mcopy -i "$work/disk.img" "$work/initrd" ::/initrd &&
		mcopy -i "$work/disk.img" "$work/syslinux.cfg" ::/syslinux.cfg
}

# hxb_bochsrc WORK SERIAL : the Bochs configuration: the disk, the console
# on COM1 into SERIAL, the results on COM2, the term display (Debian's
# build has no nogui) and no waiting for the debugger.
hxb_bochsrc() {
	local work=$1 serial=$2
	cat >"$work/bochsrc" <<-EOF
		megs: $HXB_MEGS
		cpu: model=$HXB_MODEL, count=$HXB_CPUS, ips=200000000
		romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
		vgaromimage: file=/usr/share/vgabios/vgabios.bin
		ata0-master: type=disk, path=$work/disk.img, mode=flat
		boot: disk
		display_library: term
		com1: enabled=1, mode=file, dev=$serial
		com2: enabled=1, mode=file, dev=$work/results
		clock: sync=none, time0=local
		error: action=ignore
		log: $work/bochs.log
	EOF
	# Debian's bochs has the internal debugger and stops at its prompt
	# before the first instruction: "c" continues.
	echo c >"$work/dbg.rc"
}

# hxb_debugger_stop WORK : print where Bochs' internal debugger stopped
# the machine after its start, e.g. when the CPU halts with interrupts
# off; fail if it has not.  A stop shows as the debugger's prompt
# ("<bochs:N>", waiting for a command that never comes) after a location
# line; Bochs prints location lines alone for events it goes on from (a
# guest's triple fault under VMX).
hxb_debugger_stop() {
	local out
	out=$(tr -d '\r' <"$1/bochs.stdout" 2>/dev/null)
	printf '%s\n' "$out" | tail -n 3 | grep -aq '<bochs:[0-9]*>' || return 1
	printf '%s\n' "$out" | grep -aoE '\([0-9]+\)\.?\[[0-9]+\] \[0x[0-9a-f]+\] .*' | tail -n 1 | grep .
}

# hxb_screen_drain WORK : Bochs' term display draws the emulated screen
# on a terminal of its own ("Bochs connected to screen /dev/pts/N"); read
# and drop what it draws, or Bochs blocks for good once that terminal's
# buffer is full (after some 50 G emulated ticks).  Prints the reader's
# pid once it runs; fails while Bochs has not said which terminal.
hxb_screen_drain() {
	local pts
	pts=$(tr -d '\r' <"$1/bochs.stdout" 2>/dev/null | sed -n 's|^Bochs connected to screen "\(/dev/pts/[0-9]*\)".*|\1|p' | head -n 1)
	[ -n "$pts" ] && [ -c "$pts" ] || return 1
	cat "$pts" >/dev/null 2>&1 &
	echo $!
}

# hxb_output_size WORK SERIAL : how much Bochs has written so far.
hxb_output_size() {
	cat "$1/bochs.log" "$2" "$1/results" 2>/dev/null | wc -c
}

# hxb_progress WORK SERIAL SECS : note in WORK/progress, with the wall
# seconds so far, when the kernel prints its first message and each new
# "bochs: ..." stamp of the guest (its clock is far from the wall clock),
# and in WORK/timeline the last result that had come by then.
hxb_progress() {
	local last
	last=$(tail -n 1 "$1/results" 2>/dev/null | tr -d '\r')
	[ -z "$last" ] || [ "$last" = "$(tail -n 1 "$1/timeline" 2>/dev/null | cut -d' ' -f2-)" ] ||
		printf '%ss %s\n' "$3" "$last" >>"$1/timeline"
	[ -f "$2" ] || return 0
	if [ ! -s "$1/progress" ]; then
		grep -qa '^\[' "$2" && printf '%ss kernel: first console message\n' "$3" >>"$1/progress"
		return 0
	fi
	last=$(tr -d '\r' <"$2" | grep -a '^bochs: ' | tail -n 1)
	[ -n "$last" ] || return 0
	[ "$last" = "$(tail -n 1 "$1/progress" | cut -d' ' -f2-)" ] && return 0
	printf '%ss %s\n' "$3" "$last" >>"$1/progress"
}

# hxb_boot WORK SERIAL : run Bochs once, under script (the term display
# needs a terminal), and watch it: after HXB_TIMEOUT seconds, or when
# its debugger has stopped the machine, it is killed (it ignores
# SIGTERM) and the reason is left in WORK/stopped.  Returns Bochs' exit
# status: 1 after the guest's poweroff as well, 137 when killed.
hxb_boot() {
	local work=$1 serial=$2 cmd spid pid start where st size last_size=-1 still=0 drain=
	rm -f "$serial" "$work/results" "$work/disk.img.lock" "$work/bochs.log" "$work/bochs.pid" "$work/stopped"
	: >"$work/results"
	: >"$work/progress"
	: >"$work/timeline"
	printf -v cmd 'cd %q && echo $$ >bochs.pid && exec bochs -q -f bochsrc -rc dbg.rc' "$work"
	timeout -k 10 $((HXB_TIMEOUT + 60)) script -qfec "$cmd" /dev/null </dev/null >"$work/bochs.stdout" 2>&1 &
	spid=$!
	start=$SECONDS
	while kill -0 "$spid" 2>/dev/null; do
		sleep 1
		hxb_progress "$work" "$serial" $((SECONDS - start))
		pid=$(cat "$work/bochs.pid" 2>/dev/null)
		[ -n "$pid" ] || continue
		[ -n "$drain" ] || drain=$(hxb_screen_drain "$work")
		size=$(hxb_output_size "$work" "$serial")
		if [ "$size" = "$last_size" ]; then still=$((still + 1)); else still=0; fi
		last_size=$size
		if [ $still -ge "$HXB_STILL" ] && where=$(hxb_debugger_stop "$work"); then
			printf "Bochs' debugger stopped the machine at %s\n" "$(echo "$where" | tr -s " ")" >"$work/stopped"
		elif [ $((SECONDS - start)) -ge "$HXB_TIMEOUT" ]; then
			printf 'timed out after %ss\n' "$HXB_TIMEOUT" >"$work/stopped"
		else
			continue
		fi
		kill -KILL "$pid" 2>/dev/null
		break
	done
	wait "$spid"
	st=$?
	[ -z "$drain" ] || kill "$drain" 2>/dev/null
	[ "$st" -eq 124 ] && printf 'timed out after %ss\n' "$((HXB_TIMEOUT + 60))" >"$work/stopped"
	return "$st"
}

# hxb_results LINE WORK SERIAL STATUS : turn the guest's HXT: lines into
# results; FAIL bochs/LINE/boot when the final marker is missing.
hxb_results() {
	local line=$1 work=$2 serial=$3 st=$4 res=$2/results entry why bx
	grep -q '^HXT: ' "$res" 2>/dev/null || res=$serial
	while IFS= read -r entry; do
		case $entry in
		"HXT: PASS: "*)
			t_pass "bochs/$line/${entry#HXT: PASS: }" ;;
		"HXT: FAIL: "*)
			entry=${entry#HXT: FAIL: }
			t_fail "bochs/$line/${entry%%: *}" "${entry#*: }" ;;
		esac
	done < <(tr -d '\r' 2>/dev/null <"$res")
	if tr -d '\r' 2>/dev/null <"$res" | grep -qx 'HXT: DONE'; then
		t_pass "bochs/$line/boot"
		# Bochs ends by itself when the guest powers off (ACPI S5).
		if grep -q 'ACPI control: soft power off' "$work/bochs.log" 2>/dev/null; then
			t_pass "bochs/$line/poweroff"
		else
			t_fail "bochs/$line/poweroff" "the guest finished but did not power Bochs off (bochs exit $st); serial tail: $(tr -d '\r' <"$serial" | tail -n 3 | tr '\n' '|' | cut -c1-500)"
		fi
		return 0
	fi
	why="no 'HXT: DONE' (bochs exit $st"
	[ -s "$work/stopped" ] && why="$why: $(head -n 1 "$work/stopped")"
	grep -q 'Kernel panic' "$serial" 2>/dev/null && why="$why: kernel panic"
	# Bochs' own errors and warnings (a wedged CPU shows up there).
	bx=$(grep -E '^[0-9]+[ep]\[|WARNING' "$work/bochs.log" 2>/dev/null | grep -v 'ACPI control: soft power off' |
		tail -n 2 | tr -s ' ' | tr '\n' '|' | cut -c1-300)
	t_fail "bochs/$line/boot" "$why); serial tail: $(tr -d '\r' 2>/dev/null <"$serial" | tail -n 15 | tr '\n' '|' | cut -c1-1500)${bx:+ bochs.log: $bx}"
}

# hxb_run_line LINE MODE : build (if needed) and boot LINE in Bochs for
# MODE (main or smp), report its results as bochs/LINE/<check> (main) or
# bochs/LINE-smp/<check>.
hxb_run_line() {
	local line=$1 tag=$1 out img rel ko work serial t0 t1 secs st
	HXB_MODE=$2
	HXB_CPUS=${HXT_BOCHS_CPUS:-1}
	if [ "$HXB_MODE" = smp ]; then
		tag=$line-smp
		HXB_CPUS=2
	fi
	out=$(hxk_out)
	work=$out/bochs/work-$tag
	serial=$out/bochs/$tag.serial
	mkdir -p "$work"
	if ! hxk_ensure_module "$line"; then
		t_fail "bochs/$tag/build" "hxen.ko cannot be built for $line (see $out/modules/$line/build.log)"
		return 0
	fi
	ko=$out/modules/$line/hxen.ko
	rel=$(cat "$out/modules/$line/release")
	if ! img=$(hxk_image "$line"); then
		t_fail "bochs/$tag/image" "cannot fetch or unpack the kernel image of $line"
		return 0
	fi
	if ! hxb_initrd "$line" "$img" "$rel" "$ko" "$work"; then
		t_fail "bochs/$tag/initrd" "cannot build the initramfs"
		return 0
	fi
	if ! hxb_base_disk "$img/boot/vmlinuz-$rel" "$work" || ! hxb_disk "$work"; then
		t_fail "bochs/$tag/disk" "cannot make the boot disk (mkfs.vfat, syslinux, mcopy)"
		return 0
	fi
	hxb_bochsrc "$work" "$serial"
	hx_log "booting $rel in Bochs ($HXB_MODEL, $HXB_CPUS cpu; timeout ${HXB_TIMEOUT}s; initrd $(stat -c %s "$work/initrd") bytes)"
	t0=$(date +%s.%N)
	hxb_boot "$work" "$serial"
	st=$?
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	printf '%s %s %s %scpu %ss exit %s\n' "$(date +%F.%T)" "$tag" "$rel" "$HXB_CPUS" "$secs" "$st" \
		>>"$out/bochs/times"
	hx_log "$tag boot took ${secs}s (bochs exit $st; serial log $serial); wall times:"
	sed 's/^/    /' "$work/progress" >&2
	hxb_results "$tag" "$work" "$serial" "$st"
	return 0
}

[ "$(id -u)" -eq 0 ] || { t_fail bochs/setup "run as root (the module is built in a chroot)"; exit 1; }
if ! absent=$(hxb_tools); then
	t_fail bochs/setup "missing on the host: $absent (run 'make deps' or packaging/build-deps.sh)"
	exit 1
fi
lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=(6.1)
mkdir -p "$(hxk_out)/bochs"
if ! hxs_userspace; then
	t_fail bochs/userspace "building hxenctl and the test programs failed: $(tail -n 3 "$(hxk_out)/sandbox/userspace.log" | tr '\n' ' ')"
	exit 1
fi
for line in "${lines[@]}"; do
	for mode in $HXB_MODES; do
		hxb_run_line "$line" "$mode"
	done
done
exit 0
