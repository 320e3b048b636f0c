# shellcheck shell=bash
# The Linux guest the sandbox boots on hxen: the sandbox's own Debian
# kernel and a small busybox initramfs whose /init says it runs and gives
# a shell on the console.  Source after sandbox.sh.

# hxs_guest_initrd DEST : write the guest's initramfs (gzip cpio) to DEST.
hxs_guest_initrd() {
	local dest=$1 r rc
	r=$(mktemp -d "${TMPDIR:-/tmp}/hxs-guest.XXXXXX") || return 1
	chmod 0755 "$r"
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root}
	cp /bin/busybox "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	# The kernel runs /sbin/poweroff when asked to power off through
	# xenstore (control/shutdown); this init does not take signals.
	printf '#!/bin/sh\nexec /bin/busybox poweroff -f\n' >"$r/sbin/poweroff"
	printf '#!/bin/sh\nexec /bin/busybox reboot -f\n' >"$r/sbin/reboot"
	chmod 0755 "$r/sbin/poweroff" "$r/sbin/reboot"
	cat >"$r/init" <<-'EOF2'
		#!/bin/sh
		/bin/busybox --install -s
		mount -t proc proc /proc
		mount -t sysfs sys /sys
		mount -t devtmpfs dev /dev 2>/dev/null
		echo "HXG: init running on $(grep -c ^processor /proc/cpuinfo) cpus"
		export PS1='hxg# '
		# hxg.pipe: commands line by line from the console, without
		# line editing (for tests); else an interactive shell.
		case " $(cat /proc/cmdline) " in
		*" hxg.pipe "*) while read -r l; do eval "$l"; done ;;
		esac
		while :; do setsid cttyhack sh -i; done
	EOF2
	chmod 0755 "$r/init"
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$dest.tmp" &&
		mv "$dest.tmp" "$dest"
	rc=$?
	rm -rf "$r"
	return $rc
}
