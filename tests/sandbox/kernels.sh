# shellcheck shell=bash
# The kernel matrix of the sandbox tests: which Debian kernels, where their
# images and build roots come from, and how hxen.ko is built for each.
#
#   line   kernel package suite   build root
#   5.10   bullseye               bullseye root (gcc-10, its own headers)
#   6.1    bookworm               bookworm root
#   6.12   bookworm-backports     the same bookworm root, backports added
#
# Nothing is installed on the host: kernel images are unpacked with
# dpkg-deb -x under $HXEN_CACHE, headers live in Debian roots made with
# hx_mkroot.  Each prepared root is cached as a tarball keyed by the header
# packages it holds, and kept unpacked between runs.
#
# Source this after tests/lib/debian.sh.

HXK_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this
HXK_LINES=(5.10 6.1 6.12)
# What every build root has besides the kernel headers.
HXK_ROOT_PKGS=make,gcc,libc6-dev,dkms,kmod,xz-utils,zstd,openssl,ca-certificates,patch
# The mirror as seen from inside a root (the host's, unless overridden).
HX_ROOT_MIRROR_IN=${HX_ROOT_MIRROR_IN:-$HXEN_MIRROR}

hxk_out() { printf '%s\n' "${O:-$HXK_REPO/out}"; }
hxk_version() { tr -d ' \n' <"$HXK_REPO/VERSION"; }

# hxk_suite LINE : the suite whose linux-image-amd64 gives LINE's kernel.
hxk_suite() {
	case $1 in
	5.10) echo bullseye ;;
	6.1) echo bookworm ;;
	6.12) echo bookworm-backports ;;
	*) hx_log "unknown kernel line $1"; return 1 ;;
	esac
}

# hxk_root_suite LINE : the distribution of the root LINE is built in.
hxk_root_suite() {
	case $1 in
	5.10) echo bullseye ;;
	6.1 | 6.12) echo bookworm ;;
	*) hx_log "unknown kernel line $1"; return 1 ;;
	esac
}

# hxk_root_lines SUITE : the kernel lines built in SUITE's root.
hxk_root_lines() {
	case $1 in
	bullseye) echo 5.10 ;;
	bookworm) echo 6.1 6.12 ;;
	esac
}

# hxk_release LINE : the current kernel release of LINE (6.1.0-50-amd64),
# from the suite's linux-image-amd64 metapackage.
hxk_release() {
	local suite rel
	suite=$(hxk_suite "$1") || return 1
	hx_apt_update "$suite" || hx_log "cannot refresh the $suite package lists; using the cached ones"
	rel=$(hx_depends_of "$suite" linux-image-amd64)
	rel=${rel#linux-image-}
	[ -n "$rel" ] || { hx_log "no linux-image-amd64 in $suite"; return 1; }
	printf '%s\n' "$rel"
}

# hxk_image LINE : unpack LINE's kernel image package under $HXEN_CACHE and
# print the directory (it holds boot/vmlinuz-REL and lib/modules/REL with a
# modules.dep made by depmod).
hxk_image() {
	local line=$1 suite rel dir deb
	suite=$(hxk_suite "$line") || return 1
	rel=$(hxk_release "$line") || return 1
	dir=$HXEN_CACHE/kernels/$rel
	if [ ! -f "$dir/.unpacked" ]; then
		hx_log "fetching linux-image-$rel from $suite"
		deb=$(hx_fetch "$suite" "$HXEN_CACHE/debs/$suite" "linux-image-$rel") || return 1
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir" || { hx_log "cannot unpack $deb"; return 1; }
		# Newer packages put modules under usr/lib; present one layout.
		if [ ! -d "$dir/lib/modules/$rel" ] && [ -d "$dir/usr/lib/modules/$rel" ]; then
			mkdir -p "$dir/lib/modules"
			ln -s "../../usr/lib/modules/$rel" "$dir/lib/modules/$rel"
		fi
		depmod -b "$dir" "$rel" || { hx_log "depmod failed for $rel"; return 1; }
		touch "$dir/.unpacked"
	fi
	printf '%s\n' "$dir"
}

# hxk_root SUITE : prepare the build root of SUITE (bullseye or bookworm)
# with the headers of its kernel lines, and print its directory.  A
# reused root is cleaned of anything an earlier run left in it.
hxk_root() {
	local suite=$1 line rel hdrs=() extra key dir tarball log
	for line in $(hxk_root_lines "$suite"); do
		rel=$(hxk_release "$line") || return 1
		hdrs+=("linux-headers-$rel")
	done
	[ ${#hdrs[@]} -gt 0 ] || { hx_log "no kernel lines for root $suite"; return 1; }
	key=$(printf '%s ' "$suite" "$HXK_ROOT_PKGS" "${hdrs[@]}" | md5sum | cut -c1-12)
	dir=$HXEN_CACHE/sandbox/root-$suite
	tarball=$HXEN_CACHE/roots/build-$suite-$key.tar
	hxk_umount_all "$dir"
	if grep -q " $dir/" /proc/mounts; then
		hx_log "something is still mounted under $dir; not touching it"
		return 1
	fi
	if [ -f "$dir/.hxk-key" ] && [ "$(cat "$dir/.hxk-key")" = "$key" ]; then
		hxk_root_clean "$dir"
		printf '%s\n' "$dir"
		return 0
	fi
	if [ -f "$tarball" ]; then
		hx_log "unpacking the cached $suite build root"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -C "$dir" -xf "$tarball" || return 1
		printf '%s\n' "$key" >"$dir/.hxk-key"
		printf '%s\n' "$dir"
		return 0
	fi
	hx_log "making the $suite build root with ${hdrs[*]} (once; cached)"
	hx_mkroot "$suite" "$dir" "$HXK_ROOT_PKGS" || { hx_log "debootstrap of $suite failed"; return 1; }
	log=$dir.prepare.log
	: >"$log"
	if [ "$suite" = bookworm ]; then
		printf 'deb %s bookworm-backports main\n' "$HX_ROOT_MIRROR_IN" \
			>"$dir/etc/apt/sources.list.d/backports.list"
	fi
	# A kernel image pulled in by headers must not build an initramfs here.
	hx_chroot "$dir" sh -c 'dpkg-divert --local --rename --add /usr/sbin/update-initramfs &&
		ln -sf /bin/true /usr/sbin/update-initramfs' >>"$log" 2>&1 || return 1
	read -r -a extra <<<"$(hxk_root_extra "$suite")"
	if ! hx_chroot "$dir" sh -c 'apt-get -q update && apt-get install -y -q --no-install-recommends "$@"' \
		sh "${hdrs[@]}" "${extra[@]}" >>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		hx_log "installing ${hdrs[*]} in the $suite root failed (log: $log)"
		return 1
	fi
	rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*_Packages \
		"$dir"/var/lib/apt/lists/*_Translation-*
	mkdir -p "$HXEN_CACHE/roots"
	tar -C "$dir" --exclude=./.hxk-key -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" || return 1
	printf '%s\n' "$key" >"$dir/.hxk-key"
	printf '%s\n' "$dir"
}

# hxk_root_extra SUITE : packages a root needs from another suite to install
# its headers (6.12's headers want a newer linux-base than bookworm's).
hxk_root_extra() {
	case $1 in
	bookworm) echo linux-base/bookworm-backports ;;
	esac
}

# hxk_root_clean DIR : remove what a previous run left in a build root.
hxk_root_clean() {
	local dir=$1
	rm -rf "$dir/build" "$dir/var/lib/dkms/hxen" "$dir"/usr/src/hxen-*
	find "$dir/lib/modules" -name 'hxen.ko*' -delete 2>/dev/null
	return 0
}

# hxk_umount_all DIR : undo mounts an interrupted hx_chroot left behind.
hxk_umount_all() {
	local m
	for m in dev/pts dev sys proc; do
		mountpoint -q "$1/$m" 2>/dev/null && umount -l "$1/$m"
	done
	return 0
}

# hxk_copy_tree DEST : copy the source tree (no .git, no outputs) to DEST.
hxk_copy_tree() {
	rm -rf "$1"
	mkdir -p "$1"
	tar -C "$HXK_REPO" --exclude=./.git --exclude=./out --exclude='*.o' \
		--exclude='*.ko' --exclude='*.ko.xz' --exclude='*.cmd' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude=.conftest --exclude=compat_autoconf.h \
		--exclude=Module.symvers --exclude=modules.order -cf - . |
		tar -C "$1" -xf -
}

# hxk_build_module LINE ROOTDIR : build hxen.ko for LINE with W=1 in the
# root, keep it and its log in out/modules/LINE/.  Prints the number of
# warning: lines of the log on stdout; fails if the build fails.
hxk_build_module() {
	local line=$1 root=$2 rel mdir rc hash
	rel=$(hxk_release "$line") || return 1
	mdir=$(hxk_out)/modules/$line
	rm -rf "$mdir"
	mkdir -p "$mdir"
	hash=$(hxk_src_hash)
	hxk_copy_tree "$root/build/hxen-$line"
	hx_log "building hxen.ko for $rel (W=1)"
	hx_chroot "$root" make -C "/build/hxen-$line/module" -j2 \
		"KDIR=/usr/src/linux-headers-$rel" W=1 >"$mdir/build.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [ ! -f "$root/build/hxen-$line/module/hxen.ko" ]; then
		hx_log "build for $rel failed (log: $mdir/build.log)"
		return 1
	fi
	cp "$root/build/hxen-$line/module/hxen.ko" "$mdir/hxen.ko"
	printf '%s\n' "$rel" >"$mdir/release"
	printf '%s\n' "$hash" >"$mdir/source"
	grep -ci 'warning:' "$mdir/build.log"
	return 0
}

# hxk_src_hash : a hash of everything hxen.ko is built from.
hxk_src_hash() {
	(cd "$HXK_REPO" && find VERSION dkms.conf module/ xen/ -type f ! -name '*.o' ! -name '*.ko' \
		! -name '*.cmd' ! -name '*.mod' ! -name '*.mod.c' ! -path '*/.conftest/*' \
		! -name 'compat_autoconf.h*' ! -name Module.symvers ! -name modules.order \
		-print0 | LC_ALL=C sort -z | xargs -0 md5sum | md5sum | cut -c1-16)
}

# hxk_ensure_module LINE : make sure out/modules/LINE/hxen.ko exists, is
# for LINE's current kernel and was built from the current sources;
# build it (in its root) when not.
hxk_ensure_module() {
	local line=$1 mdir rel root
	mdir=$(hxk_out)/modules/$line
	rel=$(hxk_release "$line") || return 1
	if [ -f "$mdir/hxen.ko" ] && [ "$(cat "$mdir/release" 2>/dev/null)" = "$rel" ] &&
		[ "$(cat "$mdir/source" 2>/dev/null)" = "$(hxk_src_hash)" ]; then
		return 0
	fi
	root=$(hxk_root "$(hxk_root_suite "$line")") || return 1
	hxk_build_module "$line" "$root" >/dev/null
}

# hxk_checkpatch : fetch linux-source-6.1 from bookworm once and keep only
# scripts/checkpatch.pl and the two data files it reads beside it, under
# $HXEN_CACHE.  Prints the path of checkpatch.pl.
hxk_checkpatch() {
	local dir=$HXEN_CACHE/checkpatch/linux-6.1 deb
	if [ ! -f "$dir/.extracted" ]; then
		hx_apt_update bookworm || return 1
		hx_log "fetching linux-source-6.1 for checkpatch.pl (once; cached)"
		deb=$(hx_fetch bookworm "$HXEN_CACHE/debs/bookworm" linux-source-6.1) || return 1
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/src/linux-source-6.1.tar.xz |
			tar -xJf - -C "$dir" --strip-components=2 \
				linux-source-6.1/scripts/checkpatch.pl \
				linux-source-6.1/scripts/spelling.txt \
				linux-source-6.1/scripts/const_structs.checkpatch ||
			{ hx_log "cannot extract checkpatch.pl from $deb"; return 1; }
		dpkg-deb -f "$deb" Version >"$dir/source-version"
		rm -f "$deb"
		touch "$dir/.extracted"
	fi
	printf '%s\n' "$dir/checkpatch.pl"
}

# hxk_vmlinux IMGDIR REL : the uncompressed ELF kernel inside IMGDIR's
# vmlinuz (xz or zstd payload), made once.  It carries the PVH entry note,
# so QEMU starts it directly, skipping the BIOS boot path and the
# decompressor (each takes seconds under TCG).  Prints its path; fails
# when the image has no usable payload.
hxk_vmlinux() {
	local z=$1/boot/vmlinuz-$2 elf=$1/boot/vmlinux-$2 off
	if [ ! -s "$elf" ]; then
		off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$z" | head -n1 | cut -d: -f1)
		if [ -n "$off" ]; then
			tail -c +"$((off + 1))" "$z" | xz -dc --single-stream >"$elf.tmp" 2>/dev/null
		else
			off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$z" | head -n1 | cut -d: -f1)
			[ -n "$off" ] || return 1
			tail -c +"$((off + 1))" "$z" | zstd -qdc >"$elf.tmp" 2>/dev/null
		fi
		# PVH entry: Xen ELF note type 18 (XEN_ELFNOTE_PHYS32_ENTRY).
		if ! readelf -n "$elf.tmp" 2>/dev/null | grep -q '(0x00000012)'; then
			rm -f "$elf.tmp"
			return 1
		fi
		mv "$elf.tmp" "$elf"
	fi
	printf '%s\n' "$elf"
}
