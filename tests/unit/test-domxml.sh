#!/bin/bash
# Domain XML end to end: what domxml_format() writes is valid libvirt
# domain XML (virt-xml-validate, from libvirt-clients) and reads back the
# same; hxenctl and ioemu take XML files; a refused element stops
# hxenctl create with its name and line before ioemu starts.  The VM
# itself is fake-ioemu (see test-hxenctl-vm.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/report.sh
. "$top/tests/lib/report.sh"

ctl=$top/userspace/hxenctl/hxenctl
ioemu=$top/ioemu/ioemu
make -s -C "$top/userspace" >/dev/null 2>&1 ||
	t_fail domxml/userspace-builds "make -C userspace failed"
make -s -C "$top/ioemu" >/dev/null 2>&1 ||
	t_fail domxml/ioemu-builds "make -C ioemu failed"
tmp=$(mktemp -d)
started_pids=()

# shellcheck disable=SC2317 # called through the trap
cleanup() {
	local p
	for p in "${started_pids[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# t_eq NAME GOT WANT
t_eq() {
	if [ "$2" = "$3" ]; then t_pass "$1"
	else t_fail "$1" "got '$(printf '%s' "$2" | head -c 300 | tr '\n' '|')', want '$(printf '%s' "$3" | tr '\n' '|')'"; fi
}

# --- helpers built against libhxen -------------------------------------------
mkdir -p "$tmp/bin"
read -ra xml_libs <<<"$(pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)"
cflags=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2
	-Wstrict-prototypes -O2 -g -I"$top/userspace/lib")

# dumpxml FILE: the configuration file (xl.cfg or XML) as domain XML.
cat >"$tmp/dumpxml.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>

#include "domxml.h"
#include "vmconfig.h"

int main(int argc, char **argv)
{
	struct vmconfig cfg;
	char err[512], *xml;

	if (argc != 2)
		return 2;
	if (vmconfig_parse_file(argv[1], &cfg, err, sizeof(err)) ||
	    domxml_format(&cfg, &xml, err, sizeof(err))) {
		fprintf(stderr, "dumpxml: %s\n", err);
		vmconfig_free(&cfg);
		return 1;
	}
	fputs(xml, stdout);
	free(xml);
	vmconfig_free(&cfg);
	return 0;
}
EOF
if ! out=$(cc "${cflags[@]}" -o "$tmp/bin/dumpxml" "$tmp/dumpxml.c" \
	"$top/userspace/lib/libhxen.a" "${xml_libs[@]}" 2>&1); then
	t_fail domxml/dumpxml-builds "$(printf '%s' "$out" | head -n 5 | tr '\n' ' ')"
	exit 0
fi
fake=$tmp/bin/fake-ioemu
if ! out=$(cc "${cflags[@]}" -pthread -I"$top/ioemu" -I"$top/module/include/uapi" \
	-DHXEN_TOOLS_VERSION=\"test\" -o "$fake" "$here/fake-ioemu.c" \
	"$top/ioemu/control.c" "$top/userspace/lib/libhxen.a" "${xml_libs[@]}" 2>&1); then
	t_fail domxml/fake-ioemu-builds "$(printf '%s' "$out" | head -n 5 | tr '\n' ' ')"
	exit 0
fi

# --- configurations -------------------------------------------------------------
: >"$tmp/vmlinuz"
: >"$tmp/initrd.img"
cat >"$tmp/web.xml" <<EOF
<domain type='xen'>
  <name>web</name>
  <uuid>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0</uuid>
  <memory unit='MiB'>256</memory>
  <currentMemory unit='MiB'>256</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='xenpvh'>xenpvh</type>
    <kernel>vmlinuz</kernel>
    <initrd>initrd.img</initrd>
    <cmdline>root=/dev/xvda1 console=hvc0 quote=' amp=&amp;</cmdline>
  </os>
  <clock offset='utc' adjustment='reset'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>preserve</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' discard='unmap'/>
      <source file='web.qcow2'/>
      <target dev='xvda' bus='xen'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' discard='ignore'/>
      <source file='$tmp/data.img'/>
      <target dev='xvdb' bus='xen'/>
      <readonly/>
    </disk>
    <interface type='user'>
      <mac address='00:16:3e:12:34:56'/>
      <portForward proto='tcp' address='0.0.0.0'>
        <range start='2222' to='22'/>
      </portForward>
      <portForward proto='udp'>
        <range start='5353' to='53'/>
      </portForward>
    </interface>
    <console type='pty'>
      <target type='xen' port='0'/>
    </console>
    <memballoon model='xen'/>
  </devices>
</domain>
EOF
cat >"$tmp/web.cfg" <<EOF
name = "web"
memory = 256
vcpus = 2
kernel = "vmlinuz"
ramdisk = "initrd.img"
cmdline = "root=/dev/xvda1 console=hvc0"
disk = [ 'format=raw, vdev=xvda, target=$tmp/web.img', 'vdev=xvdc, target=$tmp/a&b <c>.img' ]
vif = [ 'type=user, hostfwd=tcp::2222-:22', 'type=user' ]
EOF

# --- what domxml_format() writes -------------------------------------------------
for f in web.xml web.cfg; do
	if ! out=$("$tmp/bin/dumpxml" "$tmp/$f" 2>&1); then
		t_fail "domxml/format-$f" "$out"
		continue
	fi
	printf '%s\n' "$out" >"$tmp/$f.formatted.xml"
	t_pass "domxml/format-$f"
	again=$("$tmp/bin/dumpxml" "$tmp/$f.formatted.xml" 2>&1)
	t_eq "domxml/format-$f-reads-back-byte-identical" "$again" "$out"
	if command -v virt-xml-validate >/dev/null; then
		t_check "domxml/format-$f-is-valid-libvirt-xml" \
			virt-xml-validate "$tmp/$f.formatted.xml" domain
	else
		t_fail "domxml/format-$f-is-valid-libvirt-xml" \
			"virt-xml-validate is missing: install libvirt-clients (packaging/build-deps.sh)"
	fi
done

# --- refused XML: the element and its line, before ioemu starts -------------------
printf '#!/bin/sh\ntouch "%s/started"\nexec "%s" "$@"\n' "$tmp" "$fake" >"$tmp/bin/marker-ioemu"
chmod +x "$tmp/bin/marker-ioemu"
sed 's|<memballoon model=.xen./>|<graphics type="vnc" port="-1"/>|' "$tmp/web.xml" >"$tmp/broken.xml"
line=$(grep -n '<graphics' "$tmp/broken.xml" | cut -d: -f1)
export XDG_RUNTIME_DIR=$tmp/xdg
mkdir -m 0700 "$XDG_RUNTIME_DIR"
t_expect domxml/hxenctl-create-names-element 2 \
	"^hxenctl: $tmp/broken.xml:$line: <graphics> is not supported by hxen\$" \
	env HXEN_IOEMU="$tmp/bin/marker-ioemu" "$ctl" create "$tmp/broken.xml"
printf '<domain type="xen">\n  <name>half</name>\n  <os>\n' >"$tmp/truncated.xml"
t_expect domxml/hxenctl-create-truncated 2 \
	"^hxenctl: $tmp/truncated.xml:[0-9]+: malformed XML: " \
	env HXEN_IOEMU="$tmp/bin/marker-ioemu" "$ctl" create "$tmp/truncated.xml"
printf '<!DOCTYPE domain SYSTEM "file:///etc/passwd">\n<domain type="xen"/>\n' >"$tmp/dtd.xml"
t_expect domxml/hxenctl-create-refuses-doctype 2 \
	"^hxenctl: $tmp/dtd.xml:1: <!DOCTYPE> is not supported" \
	env HXEN_IOEMU="$tmp/bin/marker-ioemu" "$ctl" create "$tmp/dtd.xml"
if [ ! -e "$tmp/started" ]; then
	t_pass domxml/refused-xml-starts-nothing
else
	t_fail domxml/refused-xml-starts-nothing "ioemu ran"
fi

# ioemu reads the file itself too; it stops at the configuration, before
# it would open /dev/hxen.
if [ -x "$ioemu" ]; then
	t_expect domxml/ioemu-names-element 2 \
		"^ioemu: $tmp/broken.xml:$line: <graphics> is not supported by hxen\$" \
		"$ioemu" "$tmp/broken.xml"
	sed 's|<kernel>vmlinuz</kernel>|<kernel>/nonexistent/vmlinuz</kernel>|' \
		"$tmp/web.xml" >"$tmp/nokernel.xml"
	t_expect domxml/ioemu-reads-xml 2 \
		"^ioemu: kernel '/nonexistent/vmlinuz': No such file or directory\$" \
		"$ioemu" "$tmp/nokernel.xml"
else
	t_fail domxml/ioemu-names-element "no $ioemu"
fi

# --- a VM from domain XML -----------------------------------------------------------
export HXEN_IOEMU=$fake
t_expect domxml/hxenctl-create 0 "^Started web \(domid [0-9]+, ioemu pid [0-9]+\)$" \
	"$ctl" create "$tmp/web.xml"
json=$("$ctl" list --json 2>&1)
pid=$(printf '%s' "$json" | jq -r '.[] | select(.name == "web") | .pid' 2>/dev/null)
[ -n "$pid" ] && started_pids+=("$pid")
if printf '%s' "$json" | jq -e 'length == 1 and .[0].name == "web" and
	.[0].vcpus == 2 and .[0].memory_mib == 256' >/dev/null 2>&1; then
	t_pass domxml/hxenctl-list-shows-xml-settings
else
	t_fail domxml/hxenctl-list-shows-xml-settings "got: $json"
fi
t_expect domxml/ioemu-given-xml-file 0 "^fake-ioemu: args: .* $tmp/web.xml\$" \
	cat "$XDG_RUNTIME_DIR/hxen/web.log"
t_check domxml/hxenctl-destroy "$ctl" destroy web
exit 0
