# shellcheck shell=bash
# Boot side of the sandbox: build the initramfs for one kernel line, boot
# it in QEMU TCG and turn the guest's HXT: lines into test results.
# Source after tests/lib/report.sh, tests/lib/debian.sh and kernels.sh.

HXS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/abi.sh
. "$HXS_DIR/../lib/abi.sh"
# shellcheck source=linux-guest.sh
. "$HXS_DIR/linux-guest.sh"
HXT_TIMEOUT=${HXT_TIMEOUT:-300}
# bzimage: boot the packaged vmlinuz through the BIOS, as a PC does.
# pvh: start the image's uncompressed ELF at its PVH entry, skipping the
# BIOS and the decompressor (a few seconds faster per boot under TCG).
HXT_BOOT=${HXT_BOOT:-bzimage}
# single: both vCPUs on one host thread.  multi-threaded TCG occasionally
# oopses on int3 while the kernel patches its own text during boot (the
# other vCPU runs a stale translation), which has nothing to do with hxen.
HXT_TCG_THREAD=${HXT_TCG_THREAD:-single}
# Users of the permission checks: "uid gid".  The stale user is listed in
# group hxen in /etc/group but runs without it (as after "usermod -aG"
# without logging in again); the member runs with it.  The second member
# is the other user of the virsh scenario.
HXS_HXEN_GID=990
HXS_OUTSIDER="1001 1001"
HXS_STALE="1002 1002"
HXS_MEMBER="1003 1003"
HXS_MEMBER2="1004 1004"
# The kernel lines whose boots run the virsh scenario (virsh-tests.sh).
HXS_VIRSH_LINES=${HXT_VIRSH_LINES:-5.10 6.1 6.12}

# hxs_userspace : build hxenctl (and the static runas helper) on the host.
hxs_userspace() {
	local out log
	out=$(hxk_out)
	log=$out/sandbox/userspace.log
	mkdir -p "$out/sandbox"
	gcc -std=c11 -Wall -Wextra -Werror -O2 -static -o "$out/sandbox/runas" \
		"$HXS_DIR/runas.c" >"$log" 2>&1 || return 1
	gcc -std=c11 -Wall -Wextra -Werror -O2 -static -o "$out/sandbox/diskbench" \
		"$HXS_DIR/diskbench.c" >>"$log" 2>&1 || return 1
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static \
		-I"$HXK_REPO/module/include/uapi" -o "$out/sandbox/vmtest" \
		"$HXK_REPO/tests/vm/vmtest.c" >>"$log" 2>&1 || return 1
	make -C "$HXK_REPO/tests/guests" OUT="$out/guests" >>"$log" 2>&1 || return 1
	make -C "$HXK_REPO/userspace" >>"$log" 2>&1 || return 1
	make -C "$HXK_REPO/ioemu" >>"$log" 2>&1 || return 1
	[ -x "$HXK_REPO/userspace/hxenctl/hxenctl" ]
}

# hxs_copy_ko SRC DEST : copy a module, decompressing .xz/.zst/.gz (busybox
# insmod loads only plain .ko files).
hxs_copy_ko() {
	case $1 in
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -qdc "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# hxs_load_order MODDIR NAME : the modules.dep paths to insmod, in order,
# for module NAME (kvm-amd) of the image whose modules are in MODDIR.
hxs_load_order() {
	local moddir=$1 name=$2 entry deps i
	entry=$(grep -E "(^|/)$name\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" | head -n1)
	[ -n "$entry" ] || return 1
	read -r -a deps <<<"${entry#*:}"
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
		printf '%s\n' "${deps[i]}"
	done
	printf '%s\n' "${entry%%:*}"
}

# hxs_add_binary ROOT FILE [DIR] : copy an executable to ROOT/DIR (default
# usr/bin) and the shared libraries ldd names (plus the dynamic loader)
# into ROOT at the same paths.
hxs_add_binary() {
	local root=$1 f=$2 dir=${3:-usr/bin} lib
	mkdir -p "$root/$dir"
	cp "$f" "$root/$dir/"
	ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
		[ -f "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# hxs_virsh_files ROOT : what the virsh scenario (virsh-tests.sh) runs:
# Debian's virsh, virthxend where the client library starts it from
# (/usr/sbin), script(1) to give virsh console a terminal, and
# virt-xml-validate with xmllint and libvirt's schemas.  What the host
# lacks is left out, and the scenario says so.
hxs_virsh_files() {
	local root=$1 f p
	[ -x "$HXK_REPO/userspace/virthxend/virthxend" ] &&
		hxs_add_binary "$root" "$HXK_REPO/userspace/virthxend/virthxend" usr/sbin
	for f in virsh script xmllint virt-xml-validate; do
		p=$(command -v "$f") && hxs_add_binary "$root" "$p"
	done
	if [ -d /usr/share/libvirt/schemas ]; then
		mkdir -p "$root/usr/share/libvirt"
		cp -r /usr/share/libvirt/schemas "$root/usr/share/libvirt/"
	fi
	return 0
}

# hxs_initrd LINE MODE IMGDIR REL KO DEST : write the initramfs to DEST.
hxs_initrd() {
	local line=$1 mode=$2 img=$3 rel=$4 ko=$5 dest=$6 r moddir p list name kvm="" predeps="" holds dep
	local virsh=no
	r=$(mktemp -d "${TMPDIR:-/tmp}/hxs-initrd.XXXXXX") || return 1
	chmod 0755 "$r"
	mkdir -p "$r"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,usr/bin,usr/sbin,lib/hxt/kvm,lib/hxt/deps}
	cp /bin/busybox "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	install -m 0755 "$HXS_DIR/guest-init.sh" "$r/init"
	cp "$ko" "$r/lib/hxt/hxen.ko"
	moddir=$img/lib/modules/$rel
	# Modules hxen.ko itself depends on, if any, are loaded before it.
	for dep in $(modinfo -F depends "$ko" 2>/dev/null | tr ',' ' '); do
		list=$(hxs_load_order "$moddir" "$dep") || { hx_log "hxen.ko needs $dep, not in $rel"; rm -rf "$r"; return 1; }
		for p in $list; do
			name=$(basename "${p%.ko*}").ko
			case " $predeps " in *" $name "*) continue ;; esac
			hxs_copy_ko "$moddir/$p" "$r/lib/hxt/deps/$name" || { rm -rf "$r"; return 1; }
			predeps="$predeps $name"
		done
	done
	list=$(hxs_load_order "$moddir" kvm-amd) || { hx_log "no kvm-amd in $moddir/modules.dep"; rm -rf "$r"; return 1; }
	for p in $list; do
		name=$(basename "${p%.ko*}").ko
		hxs_copy_ko "$moddir/$p" "$r/lib/hxt/kvm/$name" || { rm -rf "$r"; return 1; }
		kvm="$kvm $name"
	done
	# From 6.12 on, KVM takes SVM as soon as kvm_amd loads
	# (kvm.enable_virt_at_load=Y); before, only while it runs VMs.
	case $line in
	5.* | 6.[0-9] | 6.1[01]) holds=no ;;
	*) holds=yes ;;
	esac
	if [ -x "$HXK_REPO/userspace/hxenctl/hxenctl" ]; then
		hxs_add_binary "$r" "$HXK_REPO/userspace/hxenctl/hxenctl"
	fi
	# The crash mode's disk: virtio-blk and ext4 in the sandbox itself.
	if [ "$mode" = crash ]; then
		HXS_GUEST_MODULES="crc32c_generic ext4 virtio_pci virtio_blk" \
			hxs_guest_modules "$r" "$moddir" || { rm -rf "$r"; return 1; }
	fi
	if [ -x "$HXK_REPO/ioemu/ioemu" ]; then
		hxs_add_binary "$r" "$HXK_REPO/ioemu/ioemu"
		# Where virthxend (and hxenctl, when it is not beside it) finds it.
		mkdir -p "$r/usr/lib/hxen"
		ln -s ../../bin/ioemu "$r/usr/lib/hxen/ioemu"
		mkdir -p "$r/lib/hxt/linux"
		cp "$img/boot/vmlinuz-$rel" "$r/lib/hxt/linux/vmlinuz"
		hxs_guest_initrd "$r/lib/hxt/linux/initrd.gz" "$moddir" || { rm -rf "$r"; return 1; }
		cp "$HXS_DIR/linux-tests.sh" "$HXS_DIR/disk-tests.sh" "$HXS_DIR/net-tests.sh" \
			"$HXS_DIR/virsh-tests.sh" "$HXS_DIR/disk-crash.sh" "$r/lib/hxt/"
		# The virsh scenario runs where the Linux guests' tests do.
		case "$mode: $HXS_VIRSH_LINES " in
		test:*" $line "* | linux:*" $line "*) hxs_virsh_files "$r" && virsh=yes ;;
		esac
		# Disk images: made by createimg, checked by qemu-img.
		hxs_add_binary "$r" "$HXK_REPO/userspace/createimg/createimg"
		hxs_add_binary "$r" "$(command -v qemu-img)"
	fi
	# The boot benchmark's yardstick: QEMU with KVM, same kernel and initrd.
	if [ "$mode" = bench ]; then
		hxs_add_binary "$r" "$(command -v qemu-system-x86_64)"
		mkdir -p "$r/usr/share/qemu"
		cp -L /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin \
			/usr/share/qemu/kvmvapic.bin "$r/usr/share/qemu/"
	fi
	cp "$(hxk_out)/sandbox/runas" "$r/usr/bin/runas"
	cp "$(hxk_out)/sandbox/vmtest" "$r/usr/bin/vmtest"
	mkdir -p "$r/lib/hxt/guests"
	cp "$(hxk_out)"/guests/*.bin "$r/lib/hxt/guests/"
	cp "$(hxk_out)/guests/guesttest" "$r/usr/bin/guesttest"
	cp "$(hxk_out)/guests/exitbench" "$r/usr/bin/exitbench"
	cp "$(hxk_out)/guests/kvmloop" "$r/usr/bin/kvmloop"
	cat >"$r/etc/passwd" <<-EOF
		root:x:0:0:root:/root:/bin/sh
		alice:x:${HXS_OUTSIDER% *}:${HXS_OUTSIDER#* }:outside group hxen:/tmp:/bin/sh
		bob:x:${HXS_STALE% *}:${HXS_STALE#* }:listed in hxen, not logged in again:/tmp:/bin/sh
		carol:x:${HXS_MEMBER% *}:${HXS_MEMBER#* }:member of hxen:/tmp:/bin/sh
		dave:x:${HXS_MEMBER2% *}:${HXS_MEMBER2#* }:member of hxen too:/home/dave:/bin/sh
	EOF
	cat >"$r/etc/group" <<-EOF
		root:x:0:
		hxen:x:$HXS_HXEN_GID:bob,carol,dave
		alice:x:${HXS_OUTSIDER#* }:
		bob:x:${HXS_STALE#* }:
		carol:x:${HXS_MEMBER#* }:
		dave:x:${HXS_MEMBER2#* }:
	EOF
	printf 'passwd: files\ngroup: files\n' >"$r/etc/nsswitch.conf"
	cat >"$r/etc/hxt.conf" <<-EOF
		HXT_MODE=$mode
		HXT_LINUX_DEBUG=${HXT_LINUX_DEBUG:-}
		HXT_LINUX_SOAK=${HXT_LINUX_SOAK:-}
		HXT_LINUX_ONLY=${HXT_LINUX_ONLY:-}
		HXT_BENCH_ONLY=${HXT_BENCH_ONLY:-}
		HXT_BENCH_ROUNDS=${HXT_BENCH_ROUNDS:-3}
		HXT_GUEST_EXTRA="${HXT_GUEST_EXTRA:-}"
		HXT_BOOT_ROUNDS=${HXT_BOOT_ROUNDS:-2}
		HXT_LINE=$line
		HXT_VERSION=$(hxk_version)
		HXT_ABI=$(hx_abi_version)
		HXT_KVM="${kvm# }"
		HXT_HXEN_DEPS="${predeps# }"
		HXT_KVM_HOLDS=$holds
		HXT_HXEN_GID=$HXS_HXEN_GID
		HXT_OUTSIDER="$HXS_OUTSIDER"
		HXT_STALE="$HXS_STALE"
		HXT_MEMBER="$HXS_MEMBER"
		HXT_MEMBER2="$HXS_MEMBER2"
		HXT_VIRSH=$virsh
	EOF
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$dest.tmp" &&
		mv "$dest.tmp" "$dest"
	local rc=$?
	rm -rf "$r"
	return $rc
}

# hxs_crash_disk FILE : an empty ext4 filesystem of 128 MiB in FILE.
hxs_crash_disk() {
	rm -f "$1"
	truncate -s 128M "$1" && mkfs.ext4 -q -F "$1" >/dev/null 2>&1
}

# hxs_crash_check LINE WORK RESULTS : after the crash mode's boot, the
# MiB the guest wrote and flushed before the sandbox crashed must be in
# the image on the crash disk (its journal replayed first, as a reboot
# would).
hxs_crash_check() {
	local line=$1 work=$2 res=$3 want got img=$2/crash.qcow2 raw=$2/crash.raw
	want=$(sed -n 's/^HXT: CRASH-SHA \([0-9a-f]*\).*/\1/p' "$res" | tr -d '\r' | head -n 1)
	[ -n "$want" ] || { t_fail "sandbox/$line/disk/flushed-data-survives-host-crash" "the guest reported no checksum"; return; }
	rm -f "$img" "$raw"
	e2fsck -fy "$work/crashdisk.img" >"$work/e2fsck.log" 2>&1
	if ! debugfs -R "dump /crash.qcow2 $img" "$work/crashdisk.img" >"$work/debugfs.log" 2>&1 || [ ! -s "$img" ]; then
		t_fail "sandbox/$line/disk/flushed-data-survives-host-crash" "no image on the crash disk: $(tail -n 3 "$work/debugfs.log" | tr '\n' ' ')"
		return
	fi
	qemu-img check -f qcow2 "$img" >"$work/check.log" 2>&1
	hx_log "$line: qemu-img check after the host crash (exit $?): $(tail -n 2 "$work/check.log" | tr '\n' ' ')"
	got=$(qemu-img convert -f qcow2 -O raw "$img" "$raw" 2>&1 &&
		dd if="$raw" bs=64k skip=32 count=16 2>/dev/null | sha256sum | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		t_pass "sandbox/$line/disk/flushed-data-survives-host-crash"
	else
		t_fail "sandbox/$line/disk/flushed-data-survives-host-crash" "guest '$want', image after the crash '$got'"
	fi
	rm -f "$raw"
}

# hxs_boot VMLINUZ INITRD CONSOLE RESULTS [interactive] : boot once in
# QEMU TCG with a hard timeout.  The console goes to CONSOLE (and to the
# terminal too when interactive), the guest's ttyS1 to RESULTS.
hxs_boot() {
	local kernel=$1 initrd=$2 log=$3 res=$4 inter=${5:-}
	local qemu=("${HXT_QEMU:-qemu-system-x86_64}" -accel "tcg,thread=$HXT_TCG_THREAD" -cpu max -smp 2 -m 1024 -nographic -no-reboot
		-kernel "$kernel" -initrd "$initrd"
		-append "console=ttyS0 loglevel=7 panic=-1 rdinit=/init$HXS_APPEND"
		-serial mon:stdio -serial "file:$res" "${HXS_QEMU_EXTRA[@]}")
	: >"$res"
	if [ -n "$inter" ]; then
		timeout -k 10 "$HXT_TIMEOUT" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$log"
		return "${PIPESTATUS[0]}"
	fi
	timeout -k 10 "$HXT_TIMEOUT" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' >"$log"
	return "${PIPESTATUS[0]}"
}

# hxs_run_line LINE MODE [interactive] : build (if needed) and boot LINE,
# report its results as sandbox/LINE/<check>.
hxs_run_line() {
	local line=$1 mode=$2 inter=${3:-} out img rel ko work t0 t1 secs st res log kernel
	out=$(hxk_out)
	mkdir -p "$out/sandbox"
	if ! hxk_ensure_module "$line"; then
		t_fail "sandbox/$line/build" "hxen.ko cannot be built for $line (see $out/modules/$line/build.log)"
		return 0
	fi
	ko=$out/modules/$line/hxen.ko
	rel=$(cat "$out/modules/$line/release")
	if ! img=$(hxk_image "$line"); then
		t_fail "sandbox/$line/image" "cannot fetch or unpack the kernel image of $line"
		return 0
	fi
	work=$out/sandbox/work-$line
	log=$out/sandbox/$line.log
	if [ "$mode" != test ]; then
		work=$out/sandbox/work-$line-$mode
		log=$out/sandbox/$mode-$line.log
	fi
	mkdir -p "$work"
	rm -f "$work/results"
	if ! hxs_initrd "$line" "$mode" "$img" "$rel" "$ko" "$work/initrd"; then
		t_fail "sandbox/$line/initrd" "cannot build the initramfs"
		return 0
	fi
	res=$work/results
	HXS_QEMU_EXTRA=()
	HXS_APPEND=
	# Under the software CPU the kernel finds its TSC unstable against
	# the HPET and reads the time from the emulated HPET, an MMIO access
	# per read, which makes timings wander.  The benchmarks trust the
	# TSC: hxen and KVM are measured in the same boot either way.
	[ "$mode" = bench ] && HXS_APPEND=" tsc=reliable"
	if [ "$mode" = crash ]; then
		hxs_crash_disk "$work/crashdisk.img" || { t_fail "sandbox/$line/crash-disk" "cannot make the crash disk"; return 0; }
		HXS_QEMU_EXTRA=(-drive "file=$work/crashdisk.img,if=virtio,format=raw")
	fi
	kernel=$img/boot/vmlinuz-$rel
	if [ "$HXT_BOOT" = pvh ]; then
		kernel=$(hxk_vmlinux "$img" "$rel") ||
			{ hx_log "no PVH-capable ELF in vmlinuz-$rel; booting the bzImage"; kernel=$img/boot/vmlinuz-$rel; }
	fi
	local try
	for try in 1 2; do
		hx_log "booting $rel (${kernel##*/}) in QEMU TCG ($mode; timeout ${HXT_TIMEOUT}s)"
		t0=$(date +%s.%N)
		hxs_boot "$kernel" "$work/initrd" "$log" "$res" "$inter"
		st=$?
		t1=$(date +%s.%N)
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
		printf '%s %s %s %s %ss exit %s\n' "$(date +%F.%T)" "$line" "$mode" "${kernel##*/}" \
			"$secs" "$st" >>"$out/sandbox/times"
		hx_log "$line boot took ${secs}s (qemu exit $st)"
		# A kernel that dies before /init has printed anything never saw
		# hxen: boot it once more, keeping the first console log.
		if [ "$try" -eq 1 ] && ! grep -q '^sandbox: ' "$log" && ! grep -q '^HXT: ' "$res"; then
			mv "$log" "$log.crashed-before-init"
			hx_log "$line: the kernel stopped before /init ran (log kept: $log.crashed-before-init); booting again"
			continue
		fi
		break
	done
	# Prefer the clean ttyS1 channel; fall back to the console.
	grep -q '^HXT: ' "$res" 2>/dev/null || res=$log
	local entry kind
	while IFS= read -r entry; do
		case $entry in
		"HXT: PASS: "*)
			t_pass "sandbox/$line/${entry#HXT: PASS: }" ;;
		"HXT: FAIL: "*)
			entry=${entry#HXT: FAIL: }
			t_fail "sandbox/$line/${entry%%: *}" "${entry#*: }" ;;
		esac
	done < <(tr -d '\r' <"$res")
	[ "$mode" = crash ] && hxs_crash_check "$line" "$work" "$res"
	if tr -d '\r' <"$res" | grep -qx 'HXT: DONE'; then
		t_pass "sandbox/$line/boot"
	else
		kind="no 'HXT: DONE' (qemu exit $st"
		[ "$st" -eq 124 ] && kind="$kind: timed out after ${HXT_TIMEOUT}s"
		t_fail "sandbox/$line/boot" "$kind); console tail: $(tail -n 15 "$log" | tr '\n' '|' | cut -c1-1500)"
	fi
	return 0
}
