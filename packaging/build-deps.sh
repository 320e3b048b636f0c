#!/bin/bash
# Install what building and testing hxen needs on a Debian (bookworm)
# machine.  Idempotent: installs only what is missing.  Run as root.
set -eu
pkgs=(
	build-essential make gcc pkg-config git ca-certificates curl
	qemu-system-x86 qemu-utils busybox-static cpio xz-utils zstd kmod
	debootstrap dkms debhelper dh-dkms dpkg-dev
	fakeroot lintian rpm rpmlint apt-utils udev jq e2fsprogs util-linux
	libxen-dev zlib1g-dev liblzma-dev libzstd-dev libslirp-dev libxml2-dev
	libvirt-clients libxml2-utils
	bochs bochsbios vgabios bochs-term syslinux mtools dosfstools bsdutils binutils
)
# (dh-sequence-installsysusers, which debian/control needs, is provided by
# debhelper itself on bookworm.)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "build-deps: missing packages: ${missing[*]}" >&2
	echo "build-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
	exit 1
fi
echo "build-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
