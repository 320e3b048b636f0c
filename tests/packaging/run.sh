#!/bin/bash
# Packaging tier: build the Debian and RPM packages (make deb, make rpm) and
# check them: lintian and rpmlint clean, exact file lists and modes, the
# version in every place it is written, the maintainer scripts, and the
# local apt repository.  One PASS/FAIL line per assertion; always exits 0.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/report.sh
. "$top/tests/lib/report.sh"
hx_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

out=$top/out
debdir=$out/deb
rpmdir=$out/rpm
tmp=$(mktemp -d /tmp/hxen-packaging.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

version=$(cat "$top/VERSION")
src=/usr/src/hxen-$version

# --- helpers -----------------------------------------------------------

# deb_paths DEB : the paths of the files and symlinks in DEB, sorted.
deb_paths() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { print $6 }' | sed 's,^\./,/,' | LC_ALL=C sort
}

# deb_file DEB PATH : print the contents of PATH in DEB.
deb_file() {
	dpkg-deb --fsys-tarfile "$1" | tar -xOf - ".$2"
}

# rpm_file RPM PATH : print the contents of PATH in RPM.
rpm_file() {
	(cd "$tmp" && rm -rf x && mkdir x && cd x &&
		rpm2cpio "$1" | cpio -i --quiet --to-stdout ".$2")
}

# same NAME WANT GOT : PASS if the two (multi-line) texts are equal, else
# FAIL showing the difference.
same() {
	local d
	if d=$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$3")); then
		t_pass "$1"
	else
		t_fail "$1" "differs (< want, > got): $(printf '%s' "$d" | grep '^[<>]' | head -n 8 | tr '\n' ' ')"
	fi
}

# dkms_conf_var FILE VAR : the value of VAR in a dkms.conf.
dkms_conf_var() {
	sed -n "s/^$2=[\"']\{0,1\}\([^\"']*\)[\"']\{0,1\}\$/\1/p" "$1" | head -n1
}

# --- Debian -------------------------------------------------------------

hx_log "make deb"
if make -C "$top" deb >"$tmp/make-deb.log" 2>&1; then
	t_pass packaging/deb-build
else
	t_fail packaging/deb-build "make deb failed: $(tail -n 5 "$tmp/make-deb.log" | tr '\n' ' ')"
fi
deb_hxen=$debdir/hxen_${version}_amd64.deb
deb_dkms=$debdir/hxen-dkms_${version}_all.deb
changes=$debdir/hxen_${version}_amd64.changes

if grep -qx "deb \[trusted=yes\] file:$debdir/repo ./" "$tmp/make-deb.log"; then
	t_pass packaging/deb-prints-apt-line
else
	t_fail packaging/deb-prints-apt-line "make deb did not print: deb [trusted=yes] file:$debdir/repo ./"
fi

if [ -f "$deb_hxen" ] && [ -f "$deb_dkms" ] && [ -f "$changes" ]; then
	hx_log "lintian (source, .dsc, .changes and .debs)"
	if out=$(lintian --allow-root --fail-on error,warning --tag-display-limit 0 \
		"$changes" 2>&1) && ! printf '%s\n' "$out" | grep -Eq '^[EW]: '; then
		t_pass packaging/deb-lintian
	else
		t_fail packaging/deb-lintian "$(printf '%s\n' "$out" | grep -E '^[EW]: ' | head -n 6 | tr '\n' ' ')"
	fi
	# lintian on the .deb files on their own as well (binary checks only).
	if out=$(lintian --allow-root --fail-on error,warning "$deb_hxen" "$deb_dkms" 2>&1) &&
		! printf '%s\n' "$out" | grep -Eq '^[EW]: '; then
		t_pass packaging/deb-lintian-debs
	else
		t_fail packaging/deb-lintian-debs "$(printf '%s\n' "$out" | grep -E '^[EW]: ' | head -n 6 | tr '\n' ' ')"
	fi
else
	t_fail packaging/deb-lintian "no .debs/.changes in $debdir"
	t_fail packaging/deb-lintian-debs "no .debs in $debdir"
fi

# Every lintian override must come with a comment saying why.
undocumented=
for f in "$top"/packaging/debian/*lintian-overrides "$top"/packaging/debian/source/lintian-overrides; do
	[ -f "$f" ] || continue
	undocumented+=$(awk -v f="${f#"$top"/}" '
		/^[ \t]*$/ { prev = ""; next }
		/^#/ { prev = $0; next }
		{ if (prev == "") print f ": " $0 "; "; prev = "" }' "$f")
done
if [ -z "$undocumented" ]; then
	t_pass packaging/deb-lintian-overrides-documented
else
	t_fail packaging/deb-lintian-overrides-documented "override without a reason: $undocumented"
fi

# File lists, exactly.
want_hxen="/usr/bin/createimg
/usr/bin/hxenctl
/usr/lib/hxen/ioemu
/usr/lib/modules-load.d/hxen.conf
/usr/lib/sysusers.d/hxen.conf
/usr/lib/udev/rules.d/99-hxen.rules
/usr/sbin/virthxend
/usr/share/doc/hxen/changelog.gz
/usr/share/doc/hxen/copyright
/usr/share/man/man1/createimg.1.gz
/usr/share/man/man1/hxenctl.1.gz
/usr/share/man/man5/hxen.cfg.5.gz
/usr/share/man/man8/virthxend.8.gz"
if [ -f "$deb_hxen" ]; then
	same packaging/deb-files-hxen "$want_hxen" "$(deb_paths "$deb_hxen")"
else
	t_fail packaging/deb-files-hxen "$deb_hxen missing"
fi

# hxen-dkms: the doc files plus exactly what make install-dkms-src puts
# into /usr/src/hxen-<version> (what dkms.conf needs), and no build output.
make -s -C "$top" install-dkms-src DESTDIR="$tmp/dkms-src" PREFIX=/usr >/dev/null 2>&1
want_src=$(cd "$tmp/dkms-src" && find . ! -type d | sed 's,^\.,,' | LC_ALL=C sort)
want_dkms=$(printf '%s\n' "/usr/share/doc/hxen-dkms/changelog.gz" \
	"/usr/share/doc/hxen-dkms/copyright" "$want_src" | LC_ALL=C sort)
if [ -f "$deb_dkms" ]; then
	got_dkms=$(deb_paths "$deb_dkms")
	same packaging/deb-files-hxen-dkms "$want_dkms" "$got_dkms"
	missing=
	for f in dkms.conf VERSION module/Makefile module/Kbuild; do
		printf '%s\n' "$got_dkms" | grep -qx "$src/$f" || missing+=" $f"
	done
	if [ -z "$missing" ]; then
		t_pass packaging/deb-dkms-source-complete
	else
		t_fail packaging/deb-dkms-source-complete "missing in $src:$missing"
	fi
	junk=$(printf '%s\n' "$got_dkms" |
		grep -E '\.(o|ko|ko\.xz|a|cmd|mod|mod\.c)$|/(Module\.symvers|modules\.order|compat_autoconf\.h)$|/\.conftest/' || true)
	if [ -z "$junk" ]; then
		t_pass packaging/deb-dkms-no-build-output
	else
		t_fail packaging/deb-dkms-no-build-output "$(printf '%s' "$junk" | head -n 5 | tr '\n' ' ')"
	fi
else
	t_fail packaging/deb-files-hxen-dkms "$deb_dkms missing"
	t_fail packaging/deb-dkms-source-complete "$deb_dkms missing"
	t_fail packaging/deb-dkms-no-build-output "$deb_dkms missing"
fi

# Modes and owners: the udev rule and config snippets 0644, the tools
# and virthxend 0755, everything root:root.
if [ -f "$deb_hxen" ]; then
	bad=$(dpkg-deb -c "$deb_hxen" | awk '
		$1 ~ /^d/ { next }
		$2 != "root/root" { print $6 ": owner " $2; next }
		$6 ~ /^\.\/usr\/(s?bin\/|lib\/hxen\/ioemu$)/ { if ($1 != "-rwxr-xr-x") print $6 ": " $1; next }
		$1 != "-rw-r--r--" { print $6 ": " $1 }')
	[ -z "$bad" ] && t_pass packaging/deb-modes || t_fail packaging/deb-modes "$(printf '%s' "$bad" | tr '\n' ' ')"
	rule=$(dpkg-deb -c "$deb_hxen" | grep ' \./usr/lib/udev/rules\.d/99-hxen\.rules$')
	if printf '%s\n' "$rule" | grep -Eq '^-rw-r--r-- root/root '; then
		t_pass packaging/deb-udev-rule-mode
	else
		t_fail packaging/deb-udev-rule-mode "${rule:-no /usr/lib/udev/rules.d/99-hxen.rules}"
	fi
	same packaging/deb-udev-rule-content "$(cat "$top/udev/99-hxen.rules")" \
		"$(deb_file "$deb_hxen" /usr/lib/udev/rules.d/99-hxen.rules)"
	same packaging/deb-sysusers-content "$(cat "$top/packaging/hxen.sysusers")" \
		"$(deb_file "$deb_hxen" /usr/lib/sysusers.d/hxen.conf)"
	same packaging/deb-modules-load-content "$(cat "$top/packaging/hxen.modules-load")" \
		"$(deb_file "$deb_hxen" /usr/lib/modules-load.d/hxen.conf)"
	same packaging/deb-virthxend-man-content "$(cat "$top/userspace/virthxend/virthxend.8")" \
		"$(deb_file "$deb_hxen" /usr/share/man/man8/virthxend.8.gz | gzip -dc)"
	# The daemon the package ships answers as this version.
	deb_file "$deb_hxen" /usr/sbin/virthxend >"$tmp/virthxend" && chmod 0755 "$tmp/virthxend"
	same packaging/deb-virthxend-version "virthxend $version" "$("$tmp/virthxend" --version 2>&1)"
else
	for n in deb-modes deb-udev-rule-mode deb-udev-rule-content deb-sysusers-content \
		deb-modules-load-content deb-virthxend-man-content deb-virthxend-version; do
		t_fail "packaging/$n" "$deb_hxen missing"
	done
fi

# Control fields and maintainer scripts.
field() { dpkg-deb -f "$1" "$2" 2>/dev/null; }
if [ -f "$deb_hxen" ] && [ -f "$deb_dkms" ]; then
	why=
	[ "$(field "$deb_dkms" Architecture)" = all ] || why+="hxen-dkms Architecture=$(field "$deb_dkms" Architecture); "
	[ "$(field "$deb_dkms" Section)" = kernel ] || why+="hxen-dkms Section=$(field "$deb_dkms" Section); "
	field "$deb_dkms" Depends | grep -Eq '(^|, )dkms( |,|$)' || why+="hxen-dkms does not depend on dkms; "
	[ "$(field "$deb_dkms" Recommends)" = "linux-headers-amd64 | linux-headers" ] ||
		why+="hxen-dkms Recommends=$(field "$deb_dkms" Recommends); "
	[ "$(field "$deb_hxen" Architecture)" = amd64 ] || why+="hxen Architecture=$(field "$deb_hxen" Architecture); "
	field "$deb_hxen" Recommends | grep -Eq '(^|, )hxen-dkms( |,|$)' || why+="hxen does not recommend hxen-dkms; "
	# virthxend (and hxenctl) read domain XML with libxml2: shlibs finds it.
	field "$deb_hxen" Depends | grep -Eq '(^|, )libxml2( |,|$)' || why+="hxen does not depend on libxml2: $(field "$deb_hxen" Depends); "
	field "$deb_hxen" Suggests | grep -Eq '(^|, )libvirt-clients( |,|$)' ||
		why+="hxen does not suggest libvirt-clients (virsh); "
	[ -z "$why" ] && t_pass packaging/deb-control-fields || t_fail packaging/deb-control-fields "$why"

	dpkg-deb -e "$deb_dkms" "$tmp/ctl-dkms"
	dpkg-deb -e "$deb_hxen" "$tmp/ctl-hxen"
	why=
	grep -q "common.postinst" "$tmp/ctl-dkms/postinst" 2>/dev/null &&
		grep -q "^DKMS_NAME=hxen$" "$tmp/ctl-dkms/postinst" &&
		grep -q "^DKMS_VERSION=$version$" "$tmp/ctl-dkms/postinst" ||
		why+="postinst does not run dkms common.postinst for hxen $version; "
	grep -Eq 'dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all' "$tmp/ctl-dkms/prerm" 2>/dev/null &&
		grep -q "^DKMS_NAME=hxen$" "$tmp/ctl-dkms/prerm" ||
		why+="prerm does not remove hxen from DKMS; "
	[ -z "$why" ] && t_pass packaging/deb-dkms-scripts || t_fail packaging/deb-dkms-scripts "$why"

	why=
	grep -q 'systemd-sysusers .*hxen.conf' "$tmp/ctl-hxen/postinst" 2>/dev/null ||
		why+="postinst does not create the group with systemd-sysusers; "
	grep -q 'udevadm trigger' "$tmp/ctl-hxen/postinst" 2>/dev/null &&
		grep -q '\[ -e /dev/hxen \]' "$tmp/ctl-hxen/postinst" ||
		why+="postinst does not re-trigger udev for an existing /dev/hxen; "
	sh -n "$tmp/ctl-hxen/postinst" 2>/dev/null || why+="postinst has a syntax error; "
	[ -z "$why" ] && t_pass packaging/deb-hxen-postinst || t_fail packaging/deb-hxen-postinst "$why"

	# The postinst must succeed where there is no udev and no /dev/hxen
	# (a chroot): run it with stubs that only record their calls.
	mkdir -p "$tmp/stub"
	printf '#!/bin/sh\necho "$0 $*" >>%s/stub.log\n' "$tmp" >"$tmp/stub/systemd-sysusers"
	cp "$tmp/stub/systemd-sysusers" "$tmp/stub/udevadm"
	chmod +x "$tmp/stub/"*
	if PATH=$tmp/stub:/usr/bin:/bin sh "$tmp/ctl-hxen/postinst" configure "" >/dev/null 2>&1 &&
		grep -q 'systemd-sysusers hxen.conf' "$tmp/stub.log"; then
		t_pass packaging/deb-hxen-postinst-runs
	else
		t_fail packaging/deb-hxen-postinst-runs "postinst configure failed or did not call systemd-sysusers"
	fi
else
	for n in deb-control-fields deb-dkms-scripts deb-hxen-postinst deb-hxen-postinst-runs; do
		t_fail "packaging/$n" "packages missing"
	done
fi

# The local apt repository: index files, both packages listed, and apt
# can read it as "deb [trusted=yes] file:... ./".
repo=$debdir/repo
if [ -f "$repo/Packages" ] && [ -f "$repo/Packages.gz" ] && [ -f "$repo/Release" ] &&
	grep -qx "Package: hxen" "$repo/Packages" && grep -qx "Package: hxen-dkms" "$repo/Packages" &&
	[ "$(grep -c "^Version: $version$" "$repo/Packages")" -ge 2 ] &&
	grep -q ' Packages.gz$' "$repo/Release"; then
	t_pass packaging/deb-repo-index
else
	t_fail packaging/deb-repo-index "$repo lacks Packages/Packages.gz/Release or an entry for hxen, hxen-dkms $version"
fi
aptroot=$tmp/apt
mkdir -p "$aptroot"/etc/apt/{apt.conf.d,preferences.d,sources.list.d} \
	"$aptroot"/var/lib/apt/lists/partial "$aptroot"/var/cache/apt/archives/partial "$aptroot"/var/lib/dpkg
: >"$aptroot/var/lib/dpkg/status"
echo "deb [trusted=yes] file:$repo ./" >"$aptroot/etc/apt/sources.list"
aptq() {
	"$@" -q -o Dir="$aptroot" -o Dir::State::status="$aptroot/var/lib/dpkg/status" \
		-o APT::Architecture=amd64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root
}
if aptq apt-get update >"$tmp/apt.log" 2>&1 &&
	aptq apt-cache policy hxen hxen-dkms >>"$tmp/apt.log" 2>&1 &&
	[ "$(grep -c "Candidate: $version$" "$tmp/apt.log")" -eq 2 ]; then
	t_pass packaging/deb-repo-apt
else
	t_fail packaging/deb-repo-apt "apt does not offer hxen and hxen-dkms $version: $(tail -n 4 "$tmp/apt.log" | tr '\n' ' ')"
fi

# make install from userspace/ alone: the three programs and their manual
# pages under DESTDIR and PREFIX, virthxend (a daemon) in sbin.
if make -s -C "$top/userspace" install DESTDIR="$tmp/inst" PREFIX=/usr/local >"$tmp/inst.log" 2>&1; then
	same packaging/userspace-make-install "/usr/local/bin/createimg
/usr/local/bin/hxenctl
/usr/local/sbin/virthxend
/usr/local/share/man/man1/createimg.1
/usr/local/share/man/man1/hxenctl.1
/usr/local/share/man/man5/hxen.cfg.5
/usr/local/share/man/man8/virthxend.8" "$(cd "$tmp/inst" && find . ! -type d | sed 's,^\.,,' | LC_ALL=C sort)"
else
	t_fail packaging/userspace-make-install "$(tail -n 3 "$tmp/inst.log" | tr '\n' ' ')"
fi

# --- RPM ----------------------------------------------------------------

hx_log "make rpm"
if make -C "$top" rpm >"$tmp/make-rpm.log" 2>&1; then
	t_pass packaging/rpm-build
else
	t_fail packaging/rpm-build "make rpm failed: $(tail -n 5 "$tmp/make-rpm.log" | tr '\n' ' ')"
fi
rpm_hxen=$(ls "$rpmdir"/hxen-"$version"-*.x86_64.rpm 2>/dev/null | head -n1)
rpm_dkms=$(ls "$rpmdir"/hxen-dkms-"$version"-*.noarch.rpm 2>/dev/null | head -n1)
rpmq() { rpm -qp "$@" 2>/dev/null; }

if [ -n "$rpm_hxen" ] && [ -n "$rpm_dkms" ]; then
	# rpm -qpl lists the directories a package owns too; hxen owns none.
	# RPM puts ioemu under %{_libexecdir}, Debian under /usr/lib.
	same packaging/rpm-files-hxen "$(printf '%s\n' "$want_hxen" | grep -v '^/usr/share/doc/' |
		sed 's,^/usr/lib/hxen/ioemu$,/usr/libexec/hxen/ioemu,' | LC_ALL=C sort)" \
		"$(rpmq -l "$rpm_hxen" | LC_ALL=C sort)"
	want_rpm_dkms=$(printf '%s\n' "$src" && (cd "$tmp/dkms-src" && find ".$src" -mindepth 1 |
		sed 's,^\.,,') | LC_ALL=C sort)
	same packaging/rpm-files-hxen-dkms "$want_rpm_dkms" "$(rpmq -l "$rpm_dkms" | LC_ALL=C sort)"

	why=
	[ "$(rpmq --qf '%{ARCH}' "$rpm_hxen")" = x86_64 ] || why+="hxen is $(rpmq --qf '%{ARCH}' "$rpm_hxen"); "
	[ "$(rpmq --qf '%{ARCH}' "$rpm_dkms")" = noarch ] || why+="hxen-dkms is $(rpmq --qf '%{ARCH}' "$rpm_dkms"); "
	rpmq -R "$rpm_dkms" | grep -qx 'dkms' || why+="hxen-dkms does not require dkms; "
	rpmq --suggests "$rpm_hxen" | grep -qx 'libvirt-client' || why+="hxen does not suggest libvirt-client (virsh); "
	rpmq --dump "$rpm_hxen" | awk '$1 == "/usr/sbin/virthxend" { ok = ($5 == "0100755") } END { exit !ok }' ||
		why+="/usr/sbin/virthxend is not mode 0755; "
	[ -z "$why" ] && t_pass packaging/rpm-arch-requires || t_fail packaging/rpm-arch-requires "$why"

	if rpmq --dump "$rpm_hxen" | awk '$1 == "/usr/lib/udev/rules.d/99-hxen.rules" {
		ok = ($5 == "0100644" && $6 == "root" && $7 == "root") } END { exit !ok }'; then
		t_pass packaging/rpm-udev-rule-mode
	else
		t_fail packaging/rpm-udev-rule-mode "$(rpmq --dump "$rpm_hxen" | grep 99-hxen.rules)"
	fi

	# Scriptlets.
	rpmq --qf '%{POSTIN}' "$rpm_dkms" >"$tmp/dkms.post"
	rpmq --qf '%{PREUN}' "$rpm_dkms" >"$tmp/dkms.preun"
	rpmq --qf '%{PREIN}' "$rpm_hxen" >"$tmp/hxen.pre"
	rpmq --qf '%{POSTIN}' "$rpm_hxen" >"$tmp/hxen.post"
	rpmq --scripts "$rpm_dkms" >"$tmp/dkms.scripts"
	why=
	for a in add build install; do
		grep -Eq "dkms $a -m hxen -v $version .*--rpm_safe_upgrade" "$tmp/dkms.scripts" ||
			why+="no 'dkms $a ... --rpm_safe_upgrade'; "
	done
	grep -Eq 'if \[ "?\$1"? -eq 0 \]' "$tmp/dkms.preun" &&
		awk '/if \[ "?\$1"? -eq 0 \]/ { g = 1 } g && /dkms remove -m hxen -v [^ ]+ --all --rpm_safe_upgrade/ { ok = 1 }
			END { exit !ok }' "$tmp/dkms.preun" ||
		why+="%preun does not run 'dkms remove ... --all --rpm_safe_upgrade' under \$1 -eq 0; "
	[ -z "$why" ] && t_pass packaging/rpm-dkms-scripts || t_fail packaging/rpm-dkms-scripts "$why"

	if grep -Eq 'getent group hxen .*\|\| *groupadd -r hxen' "$tmp/hxen.pre"; then
		t_pass packaging/rpm-hxen-pre-group
	else
		t_fail packaging/rpm-hxen-pre-group "%pre lacks 'getent group hxen || groupadd -r hxen'"
	fi
	# No rm or chown in %post (both packages).
	bad=$(cat "$tmp/dkms.post" "$tmp/hxen.post" | grep -En '(^|[;&|`(]|then|do|else)[[:space:]]*(/s?bin/|/usr/s?bin/)?(rm|chown)[[:space:]]' || true)
	[ -z "$bad" ] && t_pass packaging/rpm-post-no-rm-chown || t_fail packaging/rpm-post-no-rm-chown "$bad"

	# Run the hxen-dkms %post with a stub dkms and two kernels with headers
	# (in a private mount namespace, /lib/modules replaced by a test tree):
	# success must add, build and install for each kernel; a failing build
	# must be reported with dkms status and make.log, and not fail rpm.
	mkdir -p "$tmp/mods/6.1.0-9-amd64/build/include" "$tmp/mods/6.12.9-amd64/build/include" \
		"$tmp/mods/5.4.0-old/kernel" "$tmp/dkmsstub"
	cat >"$tmp/dkmsstub/dkms" <<-EOF
		#!/bin/sh
		echo "dkms \$*" >>"$tmp/dkms-calls.log"
		case "\$1" in
		status)
			case " \$* " in
			*" -v "*) ;;
			*) [ -n "\${STUB_OLD:-}" ] && echo "hxen/\$STUB_OLD, 6.1.0-9-amd64, x86_64: installed" ;;
			esac
			[ -f "$tmp/dkms-added" ] && echo "hxen/$version: added"
			exit 0 ;;
		add) touch "$tmp/dkms-added" ;;
		build) exit \${STUB_BUILD_RC:-0} ;;
		esac
		exit 0
	EOF
	chmod +x "$tmp/dkmsstub/dkms"
	# A machine without kernels may have no /lib/modules to mount over;
	# create it for the test and remove it again after.
	made_modules=
	if [ ! -e /lib/modules ]; then
		mkdir /lib/modules && made_modules=1
	fi
	runpost() {
		rm -f "$tmp/dkms-calls.log" "$tmp/dkms-added"
		STUB_BUILD_RC=$1 STUB_OLD=${2:-} unshare -m sh -c 'mount --bind "$1" /lib/modules && PATH="$2:$PATH" sh "$3" 1' \
			sh "$tmp/mods" "$tmp/dkmsstub" "$tmp/dkms.post" >"$tmp/post.out" 2>&1
	}
	if runpost 0 &&
		[ "$(grep -c "^dkms add -m hxen -v $version --rpm_safe_upgrade" "$tmp/dkms-calls.log")" -eq 1 ] &&
		[ "$(grep -Ec "^dkms (build|install) -m hxen -v $version -k (6\.1\.0-9-amd64|6\.12\.9-amd64) --rpm_safe_upgrade" "$tmp/dkms-calls.log")" -eq 4 ] &&
		! grep -q '5.4.0-old' "$tmp/dkms-calls.log"; then
		t_pass packaging/rpm-dkms-post-builds-each-kernel
	else
		t_fail packaging/rpm-dkms-post-builds-each-kernel "calls: $(tr '\n' ';' <"$tmp/dkms-calls.log" 2>/dev/null) output: $(head -c 300 "$tmp/post.out" | tr '\n' ' ')"
	fi
	if runpost 10 && grep -q "dkms status" "$tmp/dkms-calls.log" &&
		grep -q "/var/lib/dkms/hxen/$version/build/make.log" "$tmp/post.out" &&
		grep -q "'dkms build' failed for kernel" "$tmp/post.out" &&
		! grep -q '^dkms install' "$tmp/dkms-calls.log"; then
		t_pass packaging/rpm-dkms-post-failure-reported
	else
		t_fail packaging/rpm-dkms-post-failure-reported "exit or report wrong: $(head -c 300 "$tmp/post.out" | tr '\n' ' ')"
	fi
	# An upgrade: the previous version is still registered with DKMS
	# (%preun leaves it on upgrade); %post must remove it.
	if runpost 0 0.0.9 && grep -q '^dkms remove -m hxen -v 0.0.9 --all' "$tmp/dkms-calls.log" &&
		! grep -q "^dkms remove -m hxen -v $version" "$tmp/dkms-calls.log" &&
		grep -q "^dkms install -m hxen -v $version" "$tmp/dkms-calls.log"; then
		t_pass packaging/rpm-dkms-post-upgrade-removes-old
	else
		t_fail packaging/rpm-dkms-post-upgrade-removes-old "calls: $(tr '\n' ';' <"$tmp/dkms-calls.log" 2>/dev/null)"
	fi
	[ -z "$made_modules" ] || rmdir /lib/modules
else
	for n in rpm-files-hxen rpm-files-hxen-dkms rpm-arch-requires rpm-udev-rule-mode \
		rpm-dkms-scripts rpm-hxen-pre-group rpm-post-no-rm-chown \
		rpm-dkms-post-builds-each-kernel rpm-dkms-post-failure-reported \
		rpm-dkms-post-upgrade-removes-old; do
		t_fail "packaging/$n" "no hxen/hxen-dkms rpm in $rpmdir"
	done
fi

# rpmlint, with the filters (each with its reason) in rpmlint.toml.
if ! command -v rpmlint >/dev/null; then
	t_fail packaging/rpmlint "rpmlint is not installed (packaging/build-deps.sh installs it)"
elif [ -n "$rpm_hxen" ] && [ -n "$rpm_dkms" ]; then
	out=$(rpmlint -c "$here/rpmlint.toml" "$rpmdir"/*.rpm "$top/packaging/rpm/hxen.spec" 2>&1)
	if printf '%s\n' "$out" | grep -q ' 0 errors, 0 warnings'; then
		t_pass packaging/rpmlint
	else
		t_fail packaging/rpmlint "$(printf '%s\n' "$out" | grep -E ': [EW]: ' | head -n 6 | tr '\n' ' ')"
	fi
else
	t_fail packaging/rpmlint "no rpms to check"
fi

# --- versions -----------------------------------------------------------

versions="VERSION=$version"
versions+=" dkms.conf=$(dkms_conf_var "$top/dkms.conf" PACKAGE_VERSION)"
versions+=" debian/changelog=$(dpkg-parsechangelog -l "$top/packaging/debian/changelog" -S Version 2>/dev/null)"
versions+=" spec=$(sed -n 's/^%{!?hxen_version:%global hxen_version \([^}]*\)}$/\1/p' "$top/packaging/rpm/hxen.spec")"
versions+=" spec-changelog=$(sed -n '/^%changelog/,${s/^\* .* - \([^ ]*\)-[^-]*$/\1/p}' "$top/packaging/rpm/hxen.spec" | head -n1)"
[ -f "$deb_dkms" ] && deb_file "$deb_dkms" "$src/dkms.conf" >"$tmp/deb-dkms.conf" 2>/dev/null &&
	versions+=" hxen-dkms.deb:dkms.conf=$(dkms_conf_var "$tmp/deb-dkms.conf" PACKAGE_VERSION)"
[ -f "$deb_hxen" ] && versions+=" hxen.deb=$(field "$deb_hxen" Version)"
if [ -n "$rpm_dkms" ]; then
	rpm_file "$rpm_dkms" "$src/dkms.conf" >"$tmp/rpm-dkms.conf" 2>/dev/null &&
		versions+=" hxen-dkms.rpm:dkms.conf=$(dkms_conf_var "$tmp/rpm-dkms.conf" PACKAGE_VERSION)"
	versions+=" hxen-dkms.rpm=$(rpmq --qf '%{VERSION}' "$rpm_dkms")"
fi
[ -n "$rpm_hxen" ] && versions+=" hxen.rpm=$(rpmq --qf '%{VERSION}' "$rpm_hxen")"
wrong=$(printf '%s\n' $versions | grep -v "=$version\$" || true)
n=$(printf '%s\n' $versions | wc -l)
if [ -z "$wrong" ] && [ "$n" -eq 10 ]; then
	t_pass packaging/version-consistent
else
	t_fail packaging/version-consistent "want $version everywhere: $versions"
fi
if [ -f "$tmp/deb-dkms.conf" ] && [ "$(dkms_conf_var "$tmp/deb-dkms.conf" PACKAGE_NAME)" = hxen ] &&
	[ "$(dkms_conf_var "$tmp/deb-dkms.conf" PACKAGE_VERSION)" = "$version" ]; then
	t_pass packaging/deb-dkms-conf
else
	t_fail packaging/deb-dkms-conf "dkms.conf in hxen-dkms lacks PACKAGE_NAME=hxen/PACKAGE_VERSION=$version"
fi

exit 0
