# shellcheck shell=bash
# Debian archive helpers for the test tiers: fetch packages of any suite
# without touching the host's apt state, and make (cached) Debian roots.
#
# Everything downloaded or built is kept under $HXEN_CACHE so that a second
# run reuses it.  Needs root for debootstrap/chroot.

HXEN_CACHE=${HXEN_CACHE:-/var/cache/hxen-test}
HXEN_MIRROR=${HXEN_MIRROR:-http://deb.debian.org/debian}
HXEN_KEYRING=${HXEN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

hx_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
hx_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# hx_apt SUITE ARGS... : run apt-get (or apt-cache when the first ARG is
# "cache") against a private state directory that sees only SUITE.
hx_apt() {
	local suite=$1 root cmd=apt-get
	shift
	[ "$1" = cache ] && { cmd=apt-cache; shift; }
	root=$HXEN_CACHE/apt/$suite
	if [ ! -f "$root/etc/apt/sources.list" ]; then
		mkdir -p "$root"/etc/apt/{apt.conf.d,preferences.d,sources.list.d,trusted.gpg.d} \
			"$root"/var/lib/apt/lists/partial "$root"/var/cache/apt/archives/partial \
			"$root"/var/lib/dpkg
		: >"$root/var/lib/dpkg/status"
		echo "deb [signed-by=$HXEN_KEYRING] $HXEN_MIRROR $suite main" \
			>"$root/etc/apt/sources.list"
	fi
	"$cmd" -q -o Dir="$root" -o Dir::State::status="$root/var/lib/dpkg/status" \
		-o APT::Architecture=amd64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root \
		-o Dir::Etc::trusted="$root/etc/apt/trusted.gpg" \
		-o Dir::Etc::trustedparts="$root/etc/apt/trusted.gpg.d" "$@"
}

# hx_apt_update SUITE : refresh the suite's package lists at most once a day.
hx_apt_update() {
	local stamp=$HXEN_CACHE/apt/$1/updated
	if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
		hx_apt "$1" update >/dev/null || return 1
		mkdir -p "${stamp%/*}" && touch "$stamp"
	fi
}

# hx_depends_of SUITE PKG : print the first dependency of a metapackage
# (linux-image-amd64 -> linux-image-6.1.0-NN-amd64).
hx_depends_of() {
	hx_apt "$1" cache show "$2" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n1 | sed 's/[ ,(].*//'
}

# hx_fetch SUITE DIR PKG... : download the candidate .debs of PKG into DIR
# (kept across runs) and print their paths.
hx_fetch() {
	local suite=$1 dir=$2 p f
	shift 2
	mkdir -p "$dir"
	for p in "$@"; do
		f=$(ls "$dir/${p}_"*.deb 2>/dev/null | head -n1)
		if [ -z "$f" ]; then
			(cd "$dir" && hx_apt "$suite" download "$p" >/dev/null) ||
				{ hx_log "cannot download $p from $suite"; return 1; }
			f=$(ls "$dir/${p}_"*.deb | head -n1)
		fi
		printf '%s\n' "$f"
	done
}

# hx_mkroot SUITE DIR PKGS : make a Debian root for SUITE at DIR with the
# comma-separated PKGS included.  The result is cached as a tarball keyed
# by suite and package list, so later runs only unpack it.
hx_mkroot() {
	local suite=$1 dir=$2 pkgs=$3 key tarball
	key=$(printf '%s %s' "$suite" "$pkgs" | md5sum | cut -c1-12)
	tarball=$HXEN_CACHE/roots/$suite-$key.tar
	mkdir -p "$HXEN_CACHE/roots" "$HXEN_CACHE/debootstrap"
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ -f "$tarball" ]; then
		tar -C "$dir" -xf "$tarball"
		return 0
	fi
	hx_log "debootstrap $suite ($pkgs) -> $dir"
	debootstrap --variant=minbase --include="$pkgs" \
		--cache-dir="$HXEN_CACHE/debootstrap" --keyring="$HXEN_KEYRING" \
		"$suite" "$dir" "$HXEN_MIRROR" >"$dir.debootstrap.log" 2>&1 ||
		{ tail -n 20 "$dir.debootstrap.log" >&2; return 1; }
	rm -rf "$dir"/var/cache/apt/archives/*.deb
	tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
}

# hx_chroot DIR CMD... : run CMD in the root DIR with /proc, /sys and /dev
# mounted for the duration.
hx_chroot() {
	local dir=$1 rc
	shift
	mount -t proc proc "$dir/proc"
	mount -t sysfs sys "$dir/sys"
	mount --bind /dev "$dir/dev"
	mount --bind /dev/pts "$dir/dev/pts"
	chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	rc=$?
	umount "$dir/dev/pts" "$dir/dev" "$dir/sys" "$dir/proc"
	return $rc
}
