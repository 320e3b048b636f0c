# shellcheck shell=bash
# The Linux guest the sandbox boots on hxen: the sandbox's own Debian
# kernel and a small busybox initramfs whose /init says it runs and gives
# a shell on the console.  Source after sandbox.sh.

# The guest's PV drivers, ext4, and virtio for the benchmark's QEMU+KVM
# side, loaded by its /init in this order (those built in are skipped).
HXS_GUEST_MODULES="xen-blkfront xen-netfront crc32c_generic ext4 virtio_pci virtio_blk"

# hxs_guest_modules ROOT MODDIR : copy HXS_GUEST_MODULES and what they
# need from MODDIR to ROOT/lib/hxg, listed in load order in ROOT/lib/hxg/order.
hxs_guest_modules() {
	local root=$1 moddir=$2 m p name list done=""
	mkdir -p "$root/lib/hxg"
	: >"$root/lib/hxg/order"
	for m in $HXS_GUEST_MODULES; do
		if grep -qE "/${m//[-_]/[-_]}\.ko\$" "$moddir/modules.builtin" 2>/dev/null; then
			continue
		fi
		list=$(hxs_load_order "$moddir" "$m") || { hx_log "no $m in $moddir/modules.dep"; return 1; }
		for p in $list; do
			name=$(basename "${p%.ko*}").ko
			case " $done " in *" $name "*) continue ;; esac
			hxs_copy_ko "$moddir/$p" "$root/lib/hxg/$name" || return 1
			echo "$name" >>"$root/lib/hxg/order"
			done="$done $name"
		done
	done
}

# hxs_guest_initrd DEST MODDIR : write the guest's initramfs (gzip cpio) to
# DEST, with the modules of the kernel whose modules are in MODDIR.
hxs_guest_initrd() {
	local dest=$1 moddir=$2 r rc
	r=$(mktemp -d "${TMPDIR:-/tmp}/hxs-guest.XXXXXX") || return 1
	chmod 0755 "$r"
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,mnt}
	cp /bin/busybox "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	hxs_guest_modules "$r" "$moddir" || { rm -rf "$r"; return 1; }
	hxs_add_binary "$r" "$(command -v mkfs.ext4)"
	cp "$(hxk_out)/sandbox/diskbench" "$r/bin/diskbench"
	# The kernel runs /sbin/poweroff when asked to power off through
	# xenstore (control/shutdown); this init does not take signals.
	printf '#!/bin/sh\nexec /bin/busybox poweroff -f\n' >"$r/sbin/poweroff"
	printf '#!/bin/sh\nexec /bin/busybox reboot -f\n' >"$r/sbin/reboot"
	# udhcpc's hook: the lease it got, on the interface.
	mkdir -p "$r/etc"
	cat >"$r/etc/udhcpc.script" <<-'EOF2'
		#!/bin/sh
		case $1 in
		bound | renew)
			ip addr flush dev "$interface"
			ip addr add "$ip/${mask:-24}" dev "$interface"
			[ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
			echo "nameserver ${dns%% *}" >/etc/resolv.conf
			;;
		esac
		exit 0
	EOF2
	chmod 0755 "$r/etc/udhcpc.script"
	chmod 0755 "$r/sbin/poweroff" "$r/sbin/reboot"
	cat >"$r/init" <<-'EOF2'
		#!/bin/sh
		/bin/busybox --install -s
		mount -t proc proc /proc
		mount -t sysfs sys /sys
		mount -t devtmpfs dev /dev 2>/dev/null
		# Options for a module, from the command line as modprobe
		# takes them (module.option=value).
		for m in $(cat /lib/hxg/order); do
			n=$(echo "${m%.ko}" | tr - _)
			o=""
			for a in $(cat /proc/cmdline); do
				case $a in "$n".*) o="$o ${a#"$n".}" ;; esac
			done
			# shellcheck disable=SC2086 # one word per option
			insmod "/lib/hxg/$m" $o
		done
		echo "HXG: init running on $(grep -c ^processor /proc/cpuinfo) cpus"
		# hxg.bench=DEVICE[,SPAN-MIB[,SECONDS[,ROUNDS]]]: the disk
		# benchmark, then power off.
		for a in $(cat /proc/cmdline); do
			case $a in
			hxg.bench=*)
				IFS=, read -r dev span secs rounds <<-EOF3
					${a#hxg.bench=}
				EOF3
				diskbench "$dev" "${span:-32}" "${secs:-3}" "${rounds:-1}"
				poweroff -f
				;;
			esac
		done
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
