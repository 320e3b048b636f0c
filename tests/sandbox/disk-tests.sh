# shellcheck shell=sh
# Sourced by linux-tests.sh: a Linux guest with PV disks (xen-blkfront)
# on a qcow2 image made by createimg, a raw image and a read-only raw
# image, all owned by carol, who runs ioemu.  The guest's answers and
# the images themselves (qemu-img check, qemu-img compare, checksums)
# are what the checks look at.

DK=/tmp/hxt-disks
# dk_ask CMD : lg_ask in guest "disk" with a fresh mark each time.
dk_ask() {
	LG_SEQ=$((LG_SEQ + 1))
	lg_ask disk "Q$LG_SEQ" "$1"
}

# dk_expect NAME WANT CMD : lg_expect for guest "disk".
dk_expect() { lg_expect disk "disk/$1" "$2" "$3"; }

# dk_wait_inits N : wait until the console has shown N guest boots.
dk_wait_inits() {
	i=0
	while [ "$i" -lt 120 ]; do
		[ "$(grep -c 'HXG: init running' /tmp/disk.out)" -ge "$1" ] && return 0
		kill -0 "$LG_PID" 2>/dev/null || return 1
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# dk_check NAME IMAGE : qemu-img check finds the qcow2 image clean.
dk_check() {
	if out=$(qemu-img check -f qcow2 "$2" 2>&1); then
		pass "disk/$1"
	else
		fail "disk/$1" "qemu-img check exit $?: $(echo "$out" | tr '\n' ' ' | head -c 300)"
	fi
}

# The raw disk's pattern: 4 MiB of text at 1 MiB.
dk_pattern() { yes hxen-disk-pattern | head -c 4194304; }

dk_setup() {
	rm -rf "$DK" && mkdir -p "$DK" || return 1
	createimg -f qcow2 "$DK/a.qcow2" 64M >/dev/null &&
		createimg "$DK/b.raw" 16M >/dev/null &&
		createimg "$DK/ro.raw" 8M >/dev/null || return 1
	dk_pattern | dd of="$DK/ro.raw" bs=64k conv=notrunc 2>/dev/null
	chown -R "${HXT_MEMBER% *}:${HXT_MEMBER#* }" "$DK"
	cat >"$DK/second.cfg" <<-EOF
		name = "second"
		memory = 32
		kernel = "$LG/vmlinuz"
		disk = [ 'format=qcow2, vdev=xvda, target=$DK/a.qcow2' ]
	EOF
	LG_EXTRA_CFG="disk = [ 'format=qcow2, vdev=xvda, access=rw, target=$DK/a.qcow2', 'format=raw, vdev=xvdb, target=$DK/b.raw', 'vdev=xvdc, access=ro, target=$DK/ro.raw' ]
on_reboot = \"restart\"
on_crash = \"destroy\""
}

# The disks as the guest sees them, before anything is written.
dk_devices() {
	dk_expect xvda-sectors 131072 'cat /sys/block/xvda/size'
	dk_expect xvdb-sectors 32768 'cat /sys/block/xvdb/size'
	dk_expect xvdc-read-only 1 'cat /sys/block/xvdc/ro'
	# ioemu's default on the command line: blkfront sends 1 MiB requests.
	dk_expect xvda-1mib-requests 1024 'cat /sys/block/xvda/queue/max_hw_sectors_kb'
	want=$(head -c 4194304 "$DK/ro.raw" | sha256sum | cut -d' ' -f1)
	dk_expect xvdc-reads-image "$want" 'timeout 30 head -c 4194304 /dev/xvdc | sha256sum | cut -d" " -f1'
	dk_expect xvdc-write-refused fail 'timeout 30 dd if=/dev/zero of=/dev/xvdc bs=4k count=1 oflag=direct 2>/dev/null && echo ok || echo fail'
}

# ext4 on the qcow2 disk, files and their checksums; the raw pattern.
dk_write() {
	dk_expect mkfs-ext4 0 'timeout 60 mkfs.ext4 -q /dev/xvda >/dev/null 2>&1; echo $?'
	dk_expect mount 0 'mount -t ext4 /dev/xvda /mnt; echo $?'
	dk_expect write-files 0 'grep -q " /mnt ext4 " /proc/mounts && dd if=/dev/urandom of=/mnt/f1 bs=1M count=8 2>/dev/null && cp /bin/busybox /mnt/f2 && mkdir -p /mnt/d && seq 1 20000 >/mnt/d/f3 && sha256sum /mnt/f1 /mnt/f2 /mnt/d/f3 >/mnt/sums && sync; echo $?'
	dk_ask 'cat /mnt/sums | sha256sum | cut -d" " -f1'
	DK_SUMS=$ANS
	dk_expect raw-pattern-written 0 'yes hxen-disk-pattern | head -c 4194304 | dd of=/dev/xvdb bs=64k seek=16 conv=fsync 2>/dev/null; echo $?'
	# Discard: 1 MiB at 8 MiB written, then discarded, reads back zeros
	# (and the raw image has a hole there, checked in dk_images).
	dk_expect discard 0 'dd if=/dev/urandom of=/dev/xvdb bs=64k seek=128 count=16 conv=fsync 2>/dev/null && blkdiscard -o 8388608 -l 1048576 /dev/xvdb; echo $?'
	zeros=$(head -c 1048576 /dev/zero | sha256sum | cut -d' ' -f1)
	dk_expect discard-reads-zeros "$zeros" 'dd if=/dev/xvdb bs=64k skip=128 count=16 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1'
}

# The files as written, after a reboot or a new start.
dk_verify() {
	dk_expect "$1-mount" 0 'mount -t ext4 /dev/xvda /mnt; echo $?'
	dk_expect "$1-checksums" OK 'cd /mnt && sha256sum -c -s sums && echo OK || echo BAD; cd /'
	dk_expect "$1-same-sums" "$DK_SUMS" 'cat /mnt/sums | sha256sum | cut -d" " -f1'
}

# What the images hold once the VM is gone.
dk_images() {
	dk_check qcow2-check-after-poweroff "$DK/a.qcow2"
	createimg --force "$DK/want.raw" 16M >/dev/null
	dk_pattern | dd of="$DK/want.raw" bs=64k seek=16 conv=notrunc 2>/dev/null
	if out=$(qemu-img compare -f raw -F raw "$DK/want.raw" "$DK/b.raw" 2>&1); then
		pass disk/raw-compare-equal
	else
		fail disk/raw-compare-equal "$(echo "$out" | tr '\n' ' ' | head -c 300)"
	fi
	# The discarded MiB is a hole again: only the pattern is allocated.
	held=$(stat -c '%b %B' "$DK/b.raw" | awk '{ print $1 * $2 }')
	if [ "$held" -le $((4194304 + 65536)) ]; then
		pass disk/discard-punches-hole
	else
		fail disk/discard-punches-hole "$held bytes allocated in b.raw, want about 4 MiB"
	fi
}

# A second VM may not open an image the first has writable.
dk_lock() {
	out=$(XDG_CACHE_HOME=$LG_CACHE runas "${HXT_MEMBER% *}" "${HXT_MEMBER#* }" \
		"$HXT_HXEN_GID" /usr/bin/ioemu --stdio "$DK/second.cfg" </dev/null 2>&1)
	st=$?
	case "$st:$out" in
	2:*"in use"*) pass disk/second-vm-locked-out ;;
	*) fail disk/second-vm-locked-out "exit $st: $(echo "$out" | tr '\n' ' ' | head -c 300)" ;;
	esac
}

dk_missing() {
	sed "s|$DK/a.qcow2|$DK/none.qcow2|" "$DK/second.cfg" >"$DK/missing.cfg"
	out=$(runas "${HXT_MEMBER% *}" "${HXT_MEMBER#* }" "$HXT_HXEN_GID" \
		/usr/bin/ioemu --stdio "$DK/missing.cfg" </dev/null 2>&1)
	st=$?
	case "$st:$out" in
	2:*"none.qcow2"*"No such file"*) pass disk/missing-image-error ;;
	*) fail disk/missing-image-error "exit $st: $(echo "$out" | tr '\n' ' ' | head -c 300)" ;;
	esac
	# hxenctl shows why its ioemu did not start.
	as carol /usr/bin/hxenctl create "$DK/missing.cfg"
	case "$ST:$AS_OUT" in
	0:*) fail disk/hxenctl-missing-image "created: $AS_OUT" ;;
	*"none.qcow2"*"No such file"*) pass disk/hxenctl-missing-image ;;
	*) fail disk/hxenctl-missing-image "exit $ST: $(echo "$AS_OUT" | tr '\n' ' ' | head -c 300)" ;;
	esac
}

# Guest crash, then SIGKILL of ioemu, each in the middle of writes.
dk_crashes() {
	lg_start disk 2
	if ! dk_wait_inits 1; then
		fail disk/crash-boot "$(lg_tail disk)"
		kill -9 "$LG_PID" 2>/dev/null
		lg_exit_status
		return
	fi
	lg_type 'mount -t ext4 /dev/xvda /mnt; (dd if=/dev/urandom of=/mnt/big bs=64k count=2000 2>/dev/null &); sleep 2; echo c >/proc/sysrq-trigger'
	lg_exit_status
	if [ "$LG_ST" = 3 ]; then pass disk/guest-crash-exit-3; else fail disk/guest-crash-exit-3 "ioemu status $LG_ST: $(lg_tail disk)"; fi
	dk_check qcow2-check-after-guest-crash "$DK/a.qcow2"

	lg_start disk 2
	if ! dk_wait_inits 1; then
		fail disk/kill-boot "$(lg_tail disk)"
		kill -9 "$LG_PID" 2>/dev/null
		lg_exit_status
		return
	fi
	# Flushed before the kill: 1 MiB at 12 MiB of the raw disk.
	dk_ask 'dd if=/dev/urandom of=/dev/xvdb bs=64k seek=192 count=16 conv=fsync 2>/dev/null; dd if=/dev/xvdb bs=64k skip=192 count=16 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1'
	flushed=$ANS
	lg_type 'while :; do dd if=/dev/urandom of=/dev/xvda bs=4k count=8 seek=$((RANDOM * 4)) oflag=direct 2>/dev/null; done &'
	sleep 3
	kill -9 "$LG_PID"
	lg_exit_status
	dk_check qcow2-check-after-sigkill "$DK/a.qcow2"
	got=$(dd if="$DK/b.raw" bs=64k skip=192 count=16 2>/dev/null | sha256sum | cut -d' ' -f1)
	if [ -n "$flushed" ] && [ "$got" = "$flushed" ]; then
		pass disk/flushed-data-survives-sigkill
	else
		fail disk/flushed-data-survives-sigkill "guest '$flushed', image '$got'"
	fi
}

dk_tests() {
	if ! dk_setup; then
		fail disk/setup "cannot make the images in $DK"
		return
	fi
	dk_missing
	lg_start disk 2
	if ! dk_wait_inits 1; then
		fail disk/boots "$(lg_tail disk)"
		kill -9 "$LG_PID" 2>/dev/null
		lg_exit_status
		return
	fi
	pass disk/boots
	dk_devices
	dk_write
	dk_lock
	lg_type 'umount /mnt; reboot -f'
	if dk_wait_inits 2; then
		pass disk/guest-reboot
		dk_verify after-reboot
	else
		fail disk/guest-reboot "$(lg_tail disk)"
	fi
	lg_type 'umount /mnt; poweroff -f'
	lg_exit_status
	if [ "$LG_ST" = 0 ]; then pass disk/poweroff-exit-0; else fail disk/poweroff-exit-0 "ioemu status $LG_ST: $(lg_tail disk)"; fi
	grep -E 'xvd.:' /tmp/disk.err | head -n 20 | sed 's/^/disk| /'
	dk_images

	lg_start disk 2
	if dk_wait_inits 1; then
		dk_verify after-restart
		lg_type 'umount /mnt; poweroff -f'
	else
		fail disk/after-restart-boot "$(lg_tail disk)"
		kill -9 "$LG_PID" 2>/dev/null
	fi
	lg_exit_status
	dk_crashes
	LG_EXTRA_CFG=
}

dk_tests
