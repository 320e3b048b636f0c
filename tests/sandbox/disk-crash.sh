# shellcheck shell=sh
# Sourced by the sandbox's /init in crash mode: a guest writes to a qcow2
# image on the sandbox's own ext4 disk (/dev/vda, a file on the host), 1
# MiB with conv=fsync (so blkfront flushes) and then 4 MiB more without a
# flush; then the sandbox crashes (sysrq c) without syncing.  The host
# checks the image afterwards (hxs_crash_check): the flushed MiB must be
# there.  This reports the checksum the guest saw as "CRASH-SHA <sum>".

CR=/crash

cr_run() {
	mkdir -p "$CR" && mount -t ext4 /dev/vda "$CR" ||
		{ fail disk/crash-mount "cannot mount /dev/vda"; return; }
	createimg -f qcow2 "$CR/crash.qcow2" 64M >/dev/null &&
		chown "${HXT_MEMBER% *}:${HXT_MEMBER#* }" "$CR/crash.qcow2" ||
		{ fail disk/crash-image "createimg failed"; return; }
	# The image itself exists before the VM: that much is synced.
	sync
	LG_EXTRA_CFG="disk = [ 'format=qcow2, vdev=xvda, target=$CR/crash.qcow2' ]"
	lg_start crash 1
	LG_EXTRA_CFG=
	if ! lg_wait crash "HXG: init running" 120; then
		fail disk/crash-boot "$(lg_tail crash)"
		return
	fi
	lg_ask crash CR1 'dd if=/dev/urandom of=/dev/xvda bs=64k seek=32 count=16 conv=fsync 2>/dev/null; dd if=/dev/xvda bs=64k skip=32 count=16 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1'
	case $ANS in
	[0-9a-f]*) pass disk/crash-flushed-write ;;
	*) fail disk/crash-flushed-write "no checksum from the guest: '$ANS'"; return ;;
	esac
	say "CRASH-SHA $ANS"
	lg_ask crash CR2 'dd if=/dev/urandom of=/dev/xvda bs=64k seek=256 count=64 2>/dev/null; echo $?'
	# Give ioemu a moment to have the unflushed writes in flight.
	sleep 1
}

cr_run
