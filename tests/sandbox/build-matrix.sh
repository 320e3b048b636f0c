#!/bin/bash
# Build tests of hxen.ko across the kernel matrix (5.10, 6.1, 6.12), in
# Debian roots that hold each kernel's own headers and compiler:
#
#   build/<line>/module          make W=1 succeeds with zero "warning:" lines
#   build/<line>/vermagic        the .ko is for exactly that kernel release
#   build/<line>/missing-headers make KDIR=/nonexistent names linux-headers-
#   build/<line>/dkms-tree       dkms add <tree>, build, install, remove
#   build/<line>/dkms-usr-src    make install-dkms-src, then the same
#   build/<line>/dkms-no-kernel  dkms build -k 9.9.9-nonexistent fails, says why
#   build/<line>/dkms-no-headers dkms build -k 6.99.0-nonexistent: no headers
#   build/checkpatch/<file>      checkpatch.pl: no ERROR or WARNING
#
#   tests/sandbox/build-matrix.sh [LINE...]   (default: all lines)
#
# Built modules land in out/modules/<line>/ for tests/sandbox/run.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/report.sh"
. "$here/../lib/debian.sh"
. "$here/kernels.sh"

[ "$(id -u)" -eq 0 ] || { t_fail build/setup "run as root (needs debootstrap and chroot)"; exit 1; }

lines=("$@")
[ ${#lines[@]} -gt 0 ] || lines=("${HXK_LINES[@]}")
out=$(hxk_out)
version=$(hxk_version)
mkdir -p "$out/modules"

# oneline FILE : the first lines of FILE worth quoting in a FAIL reason.
oneline() { head -n "${2:-3}" "$1" | tr '\n' ' ' | cut -c1-400; }

# --- checkpatch ---------------------------------------------------------------
bm_checkpatch() {
	local cp f log
	log=$out/checkpatch.log
	: >"$log"
	if ! cp=$(hxk_checkpatch); then
		t_fail build/checkpatch "cannot fetch checkpatch.pl (linux-source-6.1)"
		return
	fi
	hx_log "checkpatch ($(cat "${cp%/*}/source-version")) on module/ and xen/"
	local files
	files=$(cd "$HXK_REPO" && find module xen \( -name .conftest -prune \) -o -type f \
		\( -name '*.c' -o -name '*.h' \) ! -name '*.mod.c' ! -name compat_autoconf.h \
		! -name '*.tmp' -print | LC_ALL=C sort)
	if [ -z "$files" ]; then
		t_fail build/checkpatch "no .c or .h files under module/ and xen/"
		return
	fi
	for f in $files; do
		local res
		res=$(cd "$HXK_REPO" && perl "$cp" --no-tree --terse --show-types -f "$f" 2>&1)
		printf '%s\n' "$res" >>"$log"
		if printf '%s\n' "$res" | grep -Eq '(^|: )(ERROR|WARNING):'; then
			t_fail "build/checkpatch/$f" "$(printf '%s\n' "$res" | grep -E '(ERROR|WARNING):' |
				head -n 3 | tr '\n' ' ' | cut -c1-400)"
		else
			t_pass "build/checkpatch/$f"
		fi
	done
}

# --- module build -------------------------------------------------------------
bm_module() {
	local line=$1 root=$2 rel=$3 n log vm
	log=$out/modules/$line/build.log
	if ! n=$(hxk_build_module "$line" "$root"); then
		t_fail "build/$line/module" "make failed for $rel: $(grep -E 'error|Error' "$log" | head -n 3 | tr '\n' ' ' | cut -c1-400)"
		t_fail "build/$line/vermagic" "no module built"
		return
	fi
	if [ "$n" -eq 0 ]; then
		t_pass "build/$line/module"
	else
		t_fail "build/$line/module" "$n warning: lines with W=1: $(grep -i 'warning:' "$log" | head -n 2 | tr '\n' ' ' | cut -c1-400)"
	fi
	vm=$(modinfo -F vermagic "$out/modules/$line/hxen.ko" 2>/dev/null)
	if [ "${vm%% *}" = "$rel" ]; then
		t_pass "build/$line/vermagic"
	else
		t_fail "build/$line/vermagic" "vermagic '$vm' is not for $rel"
	fi
}

bm_missing_headers() {
	local line=$1 root=$2 log st
	log=$out/modules/$line/missing-headers.log
	hx_chroot "$root" make -C "/build/hxen-$line/module" KDIR=/nonexistent >"$log" 2>&1
	st=$?
	if [ "$st" -eq 0 ]; then
		t_fail "build/$line/missing-headers" "make KDIR=/nonexistent succeeded"
	elif ! grep -q 'linux-headers-' "$log"; then
		t_fail "build/$line/missing-headers" "exit $st but no message naming linux-headers-: $(oneline "$log")"
	else
		t_pass "build/$line/missing-headers"
	fi
}

# --- DKMS ---------------------------------------------------------------------
# The module file name DKMS installs for a kernel: compressed like the
# kernel's own modules.
bm_ko_name() {
	local cfg=$1/usr/src/linux-headers-$2/.config
	if grep -q '^CONFIG_MODULE_COMPRESS_XZ=y' "$cfg" 2>/dev/null; then
		echo hxen.ko.xz
	elif grep -q '^CONFIG_MODULE_COMPRESS_ZSTD=y' "$cfg" 2>/dev/null; then
		echo hxen.ko.zst
	elif grep -q '^CONFIG_MODULE_COMPRESS_GZIP=y' "$cfg" 2>/dev/null; then
		echo hxen.ko.gz
	else
		echo hxen.ko
	fi
}

# bm_step ROOT LOG CMD... : run CMD in ROOT, output appended to LOG.
bm_step() {
	local root=$1 log=$2
	shift 2
	printf '+ %s\n' "$*" >>"$log"
	hx_chroot "$root" "$@" >>"$log" 2>&1
}

# bm_installed ROOT REL : the hxen modules installed for REL, one a line.
bm_installed() {
	(cd "$1" && find "lib/modules/$2" -name 'hxen.ko*' 2>/dev/null | LC_ALL=C sort)
}

# bm_dkms LINE ROOT REL MODE : MODE "tree" adds a copy of the source tree,
# "usr-src" installs the packaged /usr/src layout first.
bm_dkms() {
	local line=$1 root=$2 rel=$3 mode=$4 name log why='' want got st
	name=build/$line/dkms-$mode
	log=$out/modules/$line/dkms-$mode.log
	: >"$log"
	want=$(bm_ko_name "$root" "$rel")
	rm -rf "$root/var/lib/dkms/hxen" "$root/usr/src/hxen-$version"
	if [ "$mode" = tree ]; then
		hxk_copy_tree "$root/build/dkms-src-$line"
		bm_step "$root" "$log" dkms add "/build/dkms-src-$line" || why="dkms add <tree> failed"
	else
		hxk_copy_tree "$root/build/pkg-src-$line"
		if ! bm_step "$root" "$log" make -C "/build/pkg-src-$line" install-dkms-src DESTDIR=/; then
			why="make install-dkms-src failed"
		elif [ ! -f "$root/usr/src/hxen-$version/dkms.conf" ]; then
			why="make install-dkms-src made no /usr/src/hxen-$version/dkms.conf"
		elif ! bm_step "$root" "$log" dkms add -m hxen -v "$version"; then
			why="dkms add -m hxen -v $version failed"
		else
			bm_no_kernel "$line" "$root"
		fi
	fi
	if [ -z "$why" ] && ! bm_step "$root" "$log" dkms build -m hxen -v "$version" -k "$rel"; then
		why="dkms build failed: $(grep -iE 'error' "$log" | head -n 2 | tr '\n' ' ' | cut -c1-300)"
	fi
	if [ -z "$why" ] && ! bm_step "$root" "$log" dkms install -m hxen -v "$version" -k "$rel"; then
		why="dkms install failed: $(grep -iE 'error' "$log" | head -n 2 | tr '\n' ' ' | cut -c1-300)"
	fi
	if [ -z "$why" ]; then
		got=$(bm_installed "$root" "$rel")
		printf 'installed: %s\n' "$got" >>"$log"
		if [ -z "$got" ]; then
			why="dkms install put no hxen.ko* under /lib/modules/$rel"
		elif [ "$(printf '%s\n' "$got" | wc -l)" -ne 1 ] || [ "${got##*/}" != "$want" ]; then
			why="installed '$(echo "$got" | tr '\n' ' ')', want one $want"
		elif ! hx_chroot "$root" dkms status -m hxen -v "$version" -k "$rel" 2>&1 | grep -q 'installed'; then
			why="dkms status does not say installed"
		fi
	fi
	bm_step "$root" "$log" dkms remove -m hxen -v "$version" --all
	st=$?
	if [ -z "$why" ]; then
		got=$(bm_installed "$root" "$rel")
		if [ "$st" -ne 0 ]; then
			why="dkms remove --all exit $st"
		elif [ -n "$got" ]; then
			why="left after dkms remove: $got"
		elif [ -e "$root/var/lib/dkms/hxen" ]; then
			why="/var/lib/dkms/hxen left after dkms remove"
		elif [ -n "$(hx_chroot "$root" dkms status -m hxen 2>/dev/null)" ]; then
			why="dkms status still lists hxen after remove"
		fi
	fi
	rm -rf "$root/var/lib/dkms/hxen" "$root/usr/src/hxen-$version"
	if [ -z "$why" ]; then
		t_pass "$name"
	else
		t_fail "$name" "$why (log: $log)"
	fi
}

# bm_no_kernel LINE ROOT : dkms build for kernels that are not there must
# fail and say why (hxen must already be added).  9.9.9 is outside
# BUILD_EXCLUSIVE_KERNEL; 6.99.0 is inside it, so DKMS looks for headers.
bm_no_kernel() {
	local line=$1 root=$2 log st k name re
	for k in 9.9.9-nonexistent 6.99.0-nonexistent; do
		case $k in
		9.*) name=build/$line/dkms-no-kernel re='headers|BUILD_EXCLUSIVE|kernel source' ;;
		*) name=build/$line/dkms-no-headers re='headers' ;;
		esac
		log=$out/modules/$line/dkms-$k.log
		hx_chroot "$root" dkms build -m hxen -v "$version" -k "$k" >"$log" 2>&1
		st=$?
		printf 'exit %s\n' "$st" >>"$log"
		if [ "$st" -eq 0 ]; then
			t_fail "$name" "dkms build -k $k exited 0"
		elif ! grep -Eiq "$re" "$log"; then
			t_fail "$name" "dkms build -k $k: exit $st without /$re/: $(oneline "$log")"
		else
			t_pass "$name"
		fi
	done
}

# --- main ---------------------------------------------------------------------
t_start=$(date +%s)
bm_checkpatch
# Prepare the roots side by side (a cold start debootstraps both).
declare -A wanted=()
tmp=$(mktemp -d)
t0=$(date +%s)
for suite in bullseye bookworm; do
	for line in $(hxk_root_lines "$suite"); do
		for l in "${lines[@]}"; do [ "$l" = "$line" ] && wanted[$suite]+=" $line"; done
	done
	[ -n "${wanted[$suite]:-}" ] || continue
	(hxk_root "$suite" >"$tmp/$suite") &
done
wait
hx_log "build roots ready in $(($(date +%s) - t0))s"
for suite in bullseye bookworm; do
	read -r -a mine <<<"${wanted[$suite]:-}"
	[ ${#mine[@]} -gt 0 ] || continue
	root=$(cat "$tmp/$suite" 2>/dev/null)
	if [ -z "$root" ] || [ ! -f "$root/.hxk-key" ]; then
		for line in "${mine[@]}"; do
			t_fail "build/$line/root" "cannot prepare the $suite build root with the $line headers"
		done
		continue
	fi
	for line in "${mine[@]}"; do
		t0=$(date +%s)
		mkdir -p "$out/modules/$line"
		if ! rel=$(hxk_release "$line"); then
			t_fail "build/$line/release" "cannot resolve the $line kernel release"
			continue
		fi
		bm_module "$line" "$root" "$rel"
		bm_missing_headers "$line" "$root"
		bm_dkms "$line" "$root" "$rel" tree
		bm_dkms "$line" "$root" "$rel" usr-src
		secs=$(($(date +%s) - t0))
		hx_log "$line ($rel): build and DKMS checks took ${secs}s"
		printf '%s %s build+dkms %ss\n' "$(date +%F.%T)" "$line" "$secs" >>"$out/modules/times"
	done
done
rm -rf "$tmp"
hx_log "build matrix done in $(($(date +%s) - t_start))s"
exit 0
