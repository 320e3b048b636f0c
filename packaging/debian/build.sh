#!/bin/bash
# Build the hxen Debian packages and a local apt repository.
#
#   packaging/debian/build.sh OUTDIR        (make deb: OUTDIR = out/deb)
#
# A clean copy of the source tree is made under OUTDIR/build with this
# directory as its debian/, and dpkg-buildpackage builds the source package
# (3.0 native) and the binary packages hxen and hxen-dkms from it.  The
# results (.dsc, .tar.xz, .changes, .buildinfo, .deb) go to OUTDIR, and
# OUTDIR/repo becomes a flat apt repository for
#   deb [trusted=yes] file:OUTDIR/repo ./
set -eu -o pipefail

log() { printf '[%s] deb: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'deb: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
version=$(cat "$top/VERSION")

for tool in dpkg-buildpackage dpkg-parsechangelog dpkg-scanpackages apt-ftparchive dh dh_dkms; do
	command -v "$tool" >/dev/null || die "$tool not found (run packaging/build-deps.sh)"
done

# The package version comes from VERSION; debian/changelog must agree.
clversion=$(dpkg-parsechangelog -l "$top/packaging/debian/changelog" -S Version)
[ "$clversion" = "$version" ] ||
	die "debian/changelog has version $clversion but VERSION is $version"

# debian/hxen.sysusers is dh_installsysusers' copy of the group definition
# that the other formats install from packaging/hxen.sysusers.
cmp -s "$top/packaging/debian/hxen.sysusers" "$top/packaging/hxen.sysusers" ||
	die "packaging/debian/hxen.sysusers differs from packaging/hxen.sysusers"

work=$out/build
src=$work/hxen-$version
rm -rf "$work"
mkdir -p "$src"

# Copy the tree without version control data, build output and objects
# (the patterns of .gitignore).  OUTDIR itself is left out when it lies
# inside the tree.
excludes=(--exclude=./.git --exclude=./out --exclude='*.o' --exclude='*.a'
	--exclude='*.ko' --exclude='*.ko.xz' --exclude='*.mod' --exclude='*.mod.c'
	--exclude='*.cmd' --exclude='.*.cmd' --exclude=Module.symvers
	--exclude=modules.order --exclude=.conftest --exclude=compat_autoconf.h
	--exclude=.tmp_versions --exclude=./tests/unit/build --exclude=./ioemu/ioemu)
case $out/ in
"$top"/*) excludes+=("--exclude=./${out#"$top"/}") ;;
esac
log "copying the source tree to $src"
tar -C "$top" "${excludes[@]}" -cf - . | tar -C "$src" -xf -
make -s -C "$src/userspace" clean >/dev/null

rm -rf "$src/debian"
cp -a "$top/packaging/debian" "$src/debian"
rm -f "$src/debian/build.sh"

log "dpkg-buildpackage (log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage --build=full -us -uc) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "dpkg-buildpackage failed; see $out/build.log"
fi

rm -f "$out"/*.deb "$out"/*.dsc "$out"/*.tar.xz "$out"/*.changes "$out"/*.buildinfo
for f in "$work"/*.deb "$work"/*.dsc "$work"/*.tar.xz "$work"/*.changes "$work"/*.buildinfo; do
	[ -e "$f" ] && mv "$f" "$out/"
done
ls "$out"/hxen_"$version"_amd64.deb "$out"/hxen-dkms_"$version"_all.deb >/dev/null ||
	die "the expected .deb files were not built"

log "making the apt repository $out/repo"
rm -rf "$out/repo"
mkdir -p "$out/repo"
cp "$out"/*.deb "$out/repo/"
(
	cd "$out/repo"
	dpkg-scanpackages --multiversion . /dev/null >Packages 2>/dev/null
	gzip -9nk Packages
	apt-ftparchive -o APT::FTPArchive::Release::Origin=hxen \
		-o APT::FTPArchive::Release::Label=hxen \
		-o APT::FTPArchive::Release::Suite=local \
		release . >Release.tmp
	mv Release.tmp Release
)
rm -rf "$work"

ls -1 "$out"/*.deb >&2
echo "deb [trusted=yes] file:$out/repo ./"
