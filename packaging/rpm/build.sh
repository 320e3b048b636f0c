#!/bin/bash
# Build the hxen RPM packages (hxen for x86_64, hxen-dkms noarch).
#
#   packaging/rpm/build.sh OUTDIR           (make rpm: OUTDIR = out/rpm)
#
# Works on Debian too: rpmbuild runs with --nodeps (the build dependencies
# are Debian packages there) and a private _topdir under OUTDIR.  The
# .rpm and .src.rpm files are left in OUTDIR.
set -eu -o pipefail

log() { printf '[%s] rpm: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'rpm: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
version=$(cat "$top/VERSION")
spec=$top/packaging/rpm/hxen.spec
command -v rpmbuild >/dev/null || die "rpmbuild not found (run packaging/build-deps.sh)"

# The spec's fallback version and its newest %changelog entry must be
# this version.
specversion=$(sed -n 's/^%{!?hxen_version:%global hxen_version \([^}]*\)}$/\1/p' "$spec")
[ "$specversion" = "$version" ] ||
	die "hxen.spec's fallback hxen_version is '$specversion' but VERSION is $version"
clversion=$(sed -n '/^%changelog/,${s/^\* .* - \([^ ]*\)-[^-]*$/\1/p}' "$spec" | head -n1)
[ "$clversion" = "$version" ] ||
	die "the first %changelog entry of hxen.spec is for $clversion but VERSION is $version"

topdir=$out/rpmbuild
rm -rf "$topdir"
mkdir -p "$topdir"/{BUILD,BUILDROOT,RPMS,SOURCES,SPECS,SRPMS}

# Source tarball: the tree without version control data and build output.
excludes=(--exclude=./.git --exclude=./out --exclude='*.o' --exclude='*.a'
	--exclude='*.ko' --exclude='*.ko.xz' --exclude='*.mod' --exclude='*.mod.c'
	--exclude='*.cmd' --exclude='.*.cmd' --exclude=Module.symvers
	--exclude=modules.order --exclude=.conftest --exclude=compat_autoconf.h
	--exclude=.tmp_versions --exclude=./tests/unit/build --exclude=./ioemu/ioemu
	--exclude=./userspace/hxenctl/hxenctl --exclude=./userspace/createimg/createimg
	--exclude=./userspace/virthxend/virthxend)
case $out/ in
"$top"/*) excludes+=("--exclude=./${out#"$top"/}") ;;
esac
log "source tarball hxen-$version.tar.gz"
tar -C "$top" "${excludes[@]}" --transform="s,^\./,hxen-$version/," \
	--owner=0 --group=0 --numeric-owner -czf "$topdir/SOURCES/hxen-$version.tar.gz" .
cp "$spec" "$topdir/SPECS/"

defs=(--define "_topdir $topdir" --define "hxen_version $version"
	--define "packager hxen maintainers <maintainers@hxen.invalid>")
# Where rpm lacks systemd-rpm-macros (Debian), give its directories.
for m in _udevrulesdir=/usr/lib/udev/rules.d _sysusersdir=/usr/lib/sysusers.d \
	_modulesloaddir=/usr/lib/modules-load.d; do
	[ "$(rpm --eval "%{${m%%=*}}")" = "%{${m%%=*}}" ] && defs+=(--define "${m%%=*} ${m#*=}")
done
if [ -e /etc/debian_version ]; then
	# Debian has no find-debuginfo, which strips the binaries elsewhere:
	# no debuginfo package, no /usr/lib/.build-id links, and the tools
	# and virthxend (the only ELF files besides ioemu, which the spec
	# strips) are stripped here.  Its brp-compress needs bash.
	defs+=(--define 'debug_package %{nil}' --define '_build_id_links none'
		--define '__brp_strip %{__strip} --strip-unneeded %{buildroot}%{_bindir}/* %{buildroot}%{_sbindir}/*'
		--define '__brp_compress /bin/bash %{_rpmconfigdir}/brp-compress %{?_prefix}')
fi

log "rpmbuild (log: $out/build.log)"
if ! rpmbuild -ba --nodeps "${defs[@]}" "$topdir/SPECS/hxen.spec" >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "rpmbuild failed; see $out/build.log"
fi

rm -f "$out"/*.rpm
mv "$topdir"/RPMS/*/*.rpm "$topdir"/SRPMS/*.src.rpm "$out/"
rm -rf "$topdir"
ls -1 "$out"/*.rpm
