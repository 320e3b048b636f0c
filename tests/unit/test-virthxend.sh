#!/bin/bash
# virthxend against the real libvirt client: Debian's virsh talks to the
# daemon over libvirt's remote protocol, on a private socket given in the
# URI (hxen:///session?mode=direct&socket=PATH) and, as an unprivileged
# user, on the default per-user socket libvirt itself picks.  Domains:
# define, dumpxml, undefine, autostart and lookups, with errors for what
# is unknown, malformed or unsupported; their life (start, suspend,
# resume, shutdown, reboot, destroy, transient domains) with fake-ioemu
# (see test-hxenctl-vm.sh) as the VMs, shared with hxenctl; a start with
# the real ioemu and no /dev/hxen, which fails and leaves nothing behind;
# another user's daemon seeing none of it.  Also: bad packets from a raw
# client, the idle --timeout exit, SIGTERM, one daemon per socket, stale
# sockets, and the client library starting the daemon itself (with
# remote_mode = "direct" in libvirt.conf too).  Needs virsh and
# virt-xml-validate (libvirt-clients, libxml2-utils), jq; perl (perl-base)
# plays the misbehaving client.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/report.sh"

daemon=$top/userspace/virthxend/virthxend
ver=$(cat "$top/VERSION")
if ! make -s -C "$top/userspace" virthxend/virthxend >/dev/null 2>&1 ||
	[ ! -x "$daemon" ]; then
	t_fail virthxend/builds "cannot build userspace/virthxend/virthxend"
	exit 0
fi
if ! command -v virsh >/dev/null 2>&1; then
	t_fail virthxend/virsh-present "virsh not found: install libvirt-clients (packaging/build-deps.sh)"
	exit 0
fi

tmp=$(mktemp -d)
chmod 711 "$tmp"
pids=()
ctl=$top/userspace/hxenctl/hxenctl
# The VMs of the user the test plays, and of the "other user".
run_dirs=("$tmp/run" "$tmp/run2" "$tmp/other-run")
cleanup() {
	local p d
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for d in "${run_dirs[@]}"; do
		[ -d "$d/hxen" ] || continue
		for p in $(XDG_RUNTIME_DIR=$d "$ctl" list --json 2>/dev/null |
			jq -r '.[].pid // empty' 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The user's directories: VMs in $XDG_RUNTIME_DIR/hxen, definitions in
# $XDG_CONFIG_HOME/hxen/domains.  The VMs are fake-ioemu's.
export XDG_RUNTIME_DIR=$tmp/run XDG_CONFIG_HOME=$tmp/config
mkdir -m 0700 "$XDG_RUNTIME_DIR"
rt=$XDG_RUNTIME_DIR/hxen
defs=$XDG_CONFIG_HOME/hxen/domains
fake=$tmp/fake-ioemu
read -ra xml_libs <<<"$(pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)"
if ! out=$(cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g \
	-I"$top/ioemu" -I"$top/userspace/lib" -I"$top/module/include/uapi" \
	-o "$fake" "$here/fake-ioemu.c" "$top/ioemu/control.c" \
	"$top/userspace/lib/libhxen.a" "${xml_libs[@]}" 2>&1); then
	t_fail virthxend/fake-ioemu-builds "$(printf '%s' "$out" | head -n 5 | tr '\n' ' ')"
	exit 0
fi
export HXEN_IOEMU=$fake
unset FAKE_IOEMU_FAIL FAKE_IOEMU_DELAY_MS FAKE_IOEMU_IGNORE_SHUTDOWN

# start SOCK [ARGS...] : run the daemon on SOCK in the background; $! is
# recorded in pids and in $last.  Waits until the socket exists.
start() {
	local sock=$1 _
	shift
	"$daemon" --listen="$sock" "$@" 2>>"$tmp/daemon.log" &
	last=$!
	pids+=("$last")
	for _ in $(seq 50); do
		[ -S "$sock" ] && return 0
		kill -0 "$last" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# gone PID SECONDS : wait up to SECONDS for PID to exit; its status in $st.
gone() {
	local pid=$1 _
	for _ in $(seq $(($2 * 10))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			st=$?
			return 0
		fi
		sleep 0.1
	done
	return 1
}

sock=$tmp/sock
uri="hxen:///session?mode=direct&socket=$sock"
vsh() { virsh -c "$uri" "$@"; }

# --- command line ---------------------------------------------------------
t_expect virthxend/help 0 'Usage: virthxend.*--timeout' "$daemon" --help
t_expect virthxend/version-flag 0 "^virthxend $ver\$" "$daemon" --version
t_expect virthxend/bad-option 2 "unknown or incomplete option '--frob'" "$daemon" --frob
t_expect virthxend/bad-timeout 2 "invalid --timeout 'soon'" "$daemon" --timeout=soon
t_expect virthxend/extra-argument 2 "unexpected argument 'x'" "$daemon" x
t_expect virthxend/listen-too-long 2 "too long" "$daemon" --listen="$tmp/$(printf 'x%.0s' $(seq 120))"

if ! start "$sock"; then
	t_fail virthxend/starts "$(tail -n 3 "$tmp/daemon.log" | tr '\n' ' ')"
	exit 0
fi
main=$last
t_pass virthxend/starts
if [ "$(stat -c %a "$sock")" = 600 ] && [ -f "$sock.pid" ] &&
	[ "$(cat "$sock.pid")" = "$main" ]; then
	t_pass virthxend/socket-0600-and-pidfile
else
	t_fail virthxend/socket-0600-and-pidfile "$(stat -c %a "$sock") pid file: $(cat "$sock.pid" 2>&1)"
fi

# --- what virsh sees ------------------------------------------------------
t_expect virsh/version 0 "Running hypervisor: hxen $ver" vsh version
t_expect virsh/version-api 0 "Using API: hxen " vsh version
t_expect virsh/version-daemon 0 "Running against daemon: 9\.0\.0" vsh version --daemon
t_expect virsh/uri 0 "^hxen:///session\?mode=direct&socket=$sock\$" vsh uri
t_expect virsh/hostname 0 "^$(hostname)\$" vsh hostname

out=$(vsh list --all 2>&1)
st=$?
if [ $st -eq 0 ] && [ "$(printf '%s\n' "$out" | sed '/^$/d' | wc -l)" -eq 2 ] &&
	printf '%s\n' "$out" | head -n 1 | grep -Eq '^ *Id +Name +State *$'; then
	t_pass virsh/list-all-empty
else
	t_fail virsh/list-all-empty "exit $st: $(printf '%s' "$out" | tr '\n' '|')"
fi
t_expect virsh/list-empty 0 'Id +Name +State' vsh list

caps=$(vsh capabilities 2>&1)
if printf '%s' "$caps" | grep -q "<arch name='x86_64'>" &&
	printf '%s' "$caps" | grep -q "<os_type>xen</os_type>" &&
	printf '%s' "$caps" | grep -q "<domain type='xen'/>"; then
	t_pass virsh/capabilities
else
	t_fail virsh/capabilities "$(printf '%s' "$caps" | head -c 300 | tr '\n' ' ')"
fi
if command -v virt-xml-validate >/dev/null 2>&1; then
	printf '%s\n' "$caps" >"$tmp/caps.xml"
	t_expect virsh/capabilities-valid 0 'validates' \
		virt-xml-validate "$tmp/caps.xml" capability
else
	t_fail virsh/capabilities-valid "virt-xml-validate not found: install libvirt-clients"
fi

# Unknown domains and procedures: libvirt errors, daemon unharmed.
t_expect virsh/dominfo-unknown 1 "error: failed to get domain 'foo'" vsh dominfo foo
t_expect virsh/nodeinfo-unsupported 1 \
	'error: this function is not supported by the connection driver' vsh nodeinfo
t_expect virsh/still-serving 0 "^$(hostname)\$" vsh hostname
t_expect virsh/read-only 0 'Id +Name +State' virsh -r -c "$uri" list --all
t_expect virsh/other-scheme-refused 1 'no connection driver available for qemu:///session' \
	virsh -c "qemu:///session?mode=direct&socket=$sock" list

# An interactive virsh idle for longer than its 5 s keepalive interval
# keeps working.
out=$( (sleep 6; echo hostname; echo quit) | vsh 2>&1)
if printf '%s' "$out" | grep -q "$(hostname)"; then
	t_pass virsh/idle-session
else
	t_fail virsh/idle-session "$(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
fi

# --- domains: definitions -----------------------------------------------------
# t_eq NAME GOT WANT
t_eq() {
	if [ "$2" = "$3" ]; then t_pass "$1"
	else t_fail "$1" "got '$(printf '%s' "$2" | head -c 300 | tr '\n' '|')', want '$(printf '%s' "$3" | tr '\n' '|')'"; fi
}
# t_true NAME CMD... : PASS if CMD succeeds (quietly).
t_true() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then t_pass "$name"; else t_fail "$name" "not true: $*"; fi
}
# state_is NAME STATE : the domain reaches STATE within 5 s.
state_is() {
	local _
	for _ in $(seq 50); do
		[ "$(vsh domstate "$1" 2>/dev/null | sed '/^$/d')" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
# flat CMD... : CMD's output on one line, CMD's exit status.
flat() {
	local out st
	out=$("$@" 2>&1)
	st=$?
	printf '%s' "$out" | tr '\n' ' '
	return "$st"
}

: >"$tmp/vmlinuz"
: >"$tmp/disk.img"
cat >"$tmp/g.xml" <<EOF
<domain type='xen'>
  <name>g</name>
  <memory unit='MiB'>128</memory>
  <vcpu>2</vcpu>
  <os>
    <type>xenpvh</type>
    <kernel>$tmp/vmlinuz</kernel>
    <cmdline>console=hvc0</cmdline>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='$tmp/disk.img'/>
      <target dev='xvda' bus='xen'/>
    </disk>
    <interface type='user'>
      <mac address='00:16:3e:00:00:01'/>
    </interface>
  </devices>
</domain>
EOF

t_expect domain/define 0 "^Domain 'g' defined from $tmp/g.xml\$" vsh define "$tmp/g.xml"
t_eq domain/store-dir-0700 "$(stat -c %a "$defs" 2>&1)" 700
t_eq domain/store-file-0600 "$(stat -c %a "$defs/g.xml" 2>&1)" 600
t_expect domain/list-all-shut-off 0 '^ *- +g +shut off *$' vsh list --all
t_eq domain/list-running-empty "$(vsh list --name | sed '/^$/d')" ""
t_eq domain/list-inactive "$(vsh list --inactive --name | sed '/^$/d')" g
out=$(vsh dominfo g 2>&1)
t_expect domain/dominfo-state 0 '^State: +shut off$' printf '%s\n' "$out"
t_expect domain/dominfo-id 0 '^Id: +-$' printf '%s\n' "$out"
t_expect domain/dominfo-cpus 0 '^CPU\(s\): +2$' printf '%s\n' "$out"
t_expect domain/dominfo-memory 0 '^Max memory: +131072 KiB$' printf '%s\n' "$out"
t_expect domain/dominfo-persistent 0 '^Persistent: +yes$' printf '%s\n' "$out"
t_expect domain/dominfo-autostart 0 '^Autostart: +disable$' printf '%s\n' "$out"
t_expect domain/dominfo-os-type 0 '^OS Type: +xenpvh$' printf '%s\n' "$out"
t_eq domain/domstate "$(vsh domstate g | sed '/^$/d')" "shut off"
t_eq domain/domstate-reason "$(vsh domstate --reason g | sed '/^$/d')" "shut off (unknown)"

# dumpxml: valid libvirt XML that defines the same domain again.
vsh dumpxml g >"$tmp/g-dump.xml" 2>&1
uuid=$(vsh domuuid g | sed '/^$/d')
t_expect domain/dumpxml-uuid 0 "<uuid>$uuid</uuid>" cat "$tmp/g-dump.xml"
t_expect domain/dumpxml-no-id-shut-off 0 "^<domain type='xen'>\$" cat "$tmp/g-dump.xml"
t_expect domain/dumpxml-valid 0 'validates' virt-xml-validate "$tmp/g-dump.xml" domain
t_expect domain/undefine 0 "^Domain 'g' has been undefined\$" vsh undefine g
t_true domain/undefine-removes-file test ! -e "$defs/g.xml"
t_expect domain/undefined-unknown 1 "failed to get domain 'g'" vsh dominfo g
t_expect domain/redefine-dump 0 "^Domain 'g' defined" vsh define "$tmp/g-dump.xml"
vsh dumpxml g >"$tmp/g-dump2.xml" 2>&1
t_true domain/dumpxml-round-trip cmp "$tmp/g-dump.xml" "$tmp/g-dump2.xml"
t_expect domain/redefine-keeps-uuid 0 "^Domain 'g' defined" vsh define "$tmp/g.xml"
t_eq domain/uuid-stable "$(vsh domuuid g | sed '/^$/d')" "$uuid"
t_expect domain/lookup-by-uuid 0 '^Name: +g$' vsh dominfo "$uuid"
t_eq domain/domname-by-uuid "$(vsh domname "$uuid" | sed '/^$/d')" g
t_expect domain/domblklist 0 "^ *xvda +$tmp/disk.img *\$" vsh domblklist g
t_expect domain/domiflist 0 '^ *- +user +- +- +00:16:3e:00:00:01 *$' vsh domiflist g

t_expect domain/autostart-on 0 "^Domain 'g' marked as autostarted\$" vsh autostart g
t_true domain/autostart-marker test -f "$defs/g.autostart"
t_expect domain/dominfo-autostart-on 0 '^Autostart: +enable$' vsh dominfo g
t_eq domain/list-autostart "$(vsh list --all --autostart --name | sed '/^$/d')" g
t_expect domain/autostart-off 0 "^Domain 'g' unmarked as autostarted\$" vsh autostart --disable g
t_true domain/autostart-marker-gone test ! -e "$defs/g.autostart"
t_eq domain/list-autostart-none "$(vsh list --all --autostart --name | sed '/^$/d')" ""

# Unknown names, bad XML: libvirt errors, and the daemon keeps serving.
for c in dominfo start undefine dumpxml autostart domstate destroy; do
	t_expect "domain/$c-unknown" 1 "error: failed to get domain 'nosuch'" vsh "$c" nosuch
done
t_expect domain/uuid-unknown 1 "failed to get domain '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'" \
	vsh dominfo 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
printf "<domain type='xen'><name>b</name>\n" >"$tmp/malformed.xml"
t_expect domain/define-malformed 1 \
	'error: XML error: domain XML:2: malformed XML' vsh define "$tmp/malformed.xml"
sed 's|<devices>|<devices><graphics type="vnc"/>|; s|<name>g<|<name>u<|' "$tmp/g.xml" >"$tmp/unsupported.xml"
t_expect domain/define-unsupported-device 1 \
	"error: unsupported configuration: domain XML:[0-9]+: <graphics> is not supported by hxen" \
	vsh define "$tmp/unsupported.xml"
printf "<domain type='xen'><name>k</name></domain>\n" >"$tmp/nokernel.xml"
t_expect domain/define-no-kernel 1 'error: XML error: .*kernel' vsh define "$tmp/nokernel.xml"
t_expect domain/define-missing-file 1 'error: Failed to open file' vsh define "$tmp/nosuch.xml"
sed "s|<name>g<|<name>g2<|; s|</name>|</name><uuid>$uuid</uuid>|" "$tmp/g.xml" >"$tmp/twin.xml"
t_expect domain/define-uuid-taken 1 "operation failed: UUID $uuid belongs to domain 'g' already" \
	vsh define "$tmp/twin.xml"
t_eq domain/bad-xml-defines-nothing "$(vsh list --all --name | sed '/^$/d')" g
t_expect domain/read-only-refused 1 'operation forbidden|read only' \
	virsh -r -c "$uri" undefine g
t_true domain/daemon-survives-bad-input kill -0 "$main"
t_expect domain/still-serving 0 "^$(hostname)\$" vsh hostname

# --- domains: their life, with fake-ioemu ------------------------------------
t_expect domain/start 0 "^Domain 'g' started\$" vsh start g
id=$(vsh domid g | sed '/^$/d')
t_expect domain/id-is-ioemu-pid 0 "^[0-9]+\$" printf '%s\n' "$id"
t_expect domain/ioemu-reads-live-xml 0 "args: --daemon --control $rt/g.sock --console-log $rt/g.log $rt/g.xml\$" \
	cat "$rt/g.log"
t_expect domain/list-running 0 "^ *$id +g +running *\$" vsh list
t_expect domain/hxenctl-sees-it 0 '^g +1 +running +2 +128 ' "$ctl" list
t_expect domain/dominfo-running 0 '^State: +running$' vsh dominfo g
t_expect domain/dumpxml-running-id 0 "^<domain type='xen' id='$id'>\$" vsh dumpxml g
vsh dumpxml g >"$tmp/g-running.xml" 2>&1
t_expect domain/dumpxml-running-valid 0 'validates' virt-xml-validate "$tmp/g-running.xml" domain
t_expect domain/dumpxml-inactive 0 "^<domain type='xen'>\$" vsh dumpxml --inactive g
t_expect domain/start-twice 1 'Domain is already active|already running' vsh start g
t_expect domain/suspend 0 "^Domain 'g' suspended\$" vsh suspend g
t_eq domain/state-paused "$(vsh domstate --reason g | sed '/^$/d')" "paused (user)"
t_expect domain/hxenctl-sees-paused 0 '^g +1 +paused ' "$ctl" list
t_expect domain/resume 0 "^Domain 'g' resumed\$" vsh resume g
t_eq domain/state-running "$(vsh domstate --reason g | sed '/^$/d')" "running (booted)"
t_expect domain/reboot 0 "^Domain 'g' is being rebooted\$" vsh reboot g
t_expect domain/reboot-reached-guest 0 '^\[console\] rebooting$' cat "$rt/g.log"
# virsh console needs a terminal: script(1) makes one.  fake-ioemu's
# guest echoes in upper case; Ctrl-] detaches and the VM runs on.
if command -v script >/dev/null; then
	out=$( (sleep 1; printf 'hello'; sleep 1; printf '\035') |
		timeout 30 script -qec "virsh -c '$uri' console g; echo; echo status=\$?" /dev/null 2>&1)
	t_expect domain/console-connected 0 "Connected to domain 'g'" printf '%s\n' "$out"
	t_expect domain/console-echo 0 'HELLO' printf '%s\n' "$out"
	t_expect domain/console-detached 0 'status=0' printf '%s\n' "$out"
	t_eq domain/console-detach-leaves-vm "$(vsh domstate g | sed '/^$/d')" running
else
	t_fail domain/console-connected "script(1) not found: install bsdutils"
fi
t_expect domain/console-needs-tty 1 'Cannot run interactive console without a controlling TTY' \
	vsh console g </dev/null
t_expect domain/shutdown 0 "^Domain 'g' is being shutdown\$" vsh shutdown g
if state_is g "shut off"; then t_pass domain/shutdown-shuts-off
else t_fail domain/shutdown-shuts-off "$(vsh domstate g 2>&1)"; fi
t_true domain/shutdown-ioemu-gone sh -c "! kill -0 $id 2>/dev/null"
t_expect domain/shutdown-keeps-definition 0 '^ *- +g +shut off *$' vsh list --all
t_expect domain/hxenctl-start-seen 0 "^Started g" "$ctl" create "$defs/g.xml"
t_expect domain/hxenctl-started-listed 0 '^ *[0-9]+ +g +running *$' vsh list
# Destroyed under an open console, which then ends without an error.
if command -v script >/dev/null; then
	(sleep 2; vsh destroy g >"$tmp/destroy.out" 2>&1) &
	destroyer=$!
	out=$( (sleep 5) | timeout 30 script -qec "virsh -c '$uri' console g; echo; echo status=\$?" /dev/null 2>&1)
	wait "$destroyer"
	t_expect domain/destroy 0 "^Domain 'g' destroyed\$" cat "$tmp/destroy.out"
	t_expect domain/console-ends-with-vm 0 'status=0' printf '%s\n' "$out"
	if printf '%s' "$out" | grep -q 'error'; then
		t_fail domain/console-ends-cleanly "$(printf '%s' "$out" | tr '\r\n' '  ')"
	else
		t_pass domain/console-ends-cleanly
	fi
else
	t_expect domain/destroy 0 "^Domain 'g' destroyed\$" vsh destroy g
fi
t_expect domain/destroyed-shut-off 0 '^ *- +g +shut off *$' vsh list --all
t_expect domain/hxenctl-sees-none 0 '^NAME +ID +STATE +VCPUS +MEM\(MiB\) +UPTIME$' flat "$ctl" list
t_expect domain/suspend-shut-off 1 "Requested operation is not valid: domain 'g' is not running" \
	vsh suspend g

# A transient domain: from XML, gone when it ends.
sed 's|<name>g<|<name>tr<|' "$tmp/g.xml" >"$tmp/tr.xml"
t_expect domain/create-transient 0 "^Domain 'tr' created from $tmp/tr.xml\$" vsh create "$tmp/tr.xml"
t_eq domain/list-transient "$(vsh list --transient --name | sed '/^$/d')" tr
t_expect domain/transient-not-persistent 0 '^Persistent: +no$' vsh dominfo tr
t_expect domain/transient-no-autostart 1 'cannot set autostart for transient domain' vsh autostart tr
t_expect domain/transient-undefine 1 'cannot undefine transient domain' vsh undefine tr
t_true domain/transient-defines-nothing test ! -e "$defs/tr.xml"
t_expect domain/transient-destroy 0 "^Domain 'tr' destroyed\$" vsh destroy tr
t_expect domain/transient-gone 1 "failed to get domain 'tr'" vsh dominfo tr
# An hxenctl VM from xl.cfg is a transient domain to virsh.
printf 'name = "web"\nkernel = "%s/vmlinuz"\nmemory = 64\n' "$tmp" >"$tmp/web.cfg"
"$ctl" create "$tmp/web.cfg" >/dev/null 2>&1
t_expect domain/hxenctl-vm-listed 0 '^ *[0-9]+ +web +running *$' vsh list --transient
t_expect domain/hxenctl-vm-dumpxml 0 "<memory unit='KiB'>65536</memory>" vsh dumpxml web
t_eq domain/hxenctl-vm-uuid-stable "$(vsh domuuid web | sed '/^$/d')" "$(vsh domuuid web | sed '/^$/d')"
t_expect domain/hxenctl-vm-shutdown 0 "is being shutdown" vsh shutdown web
if state_is web "" || ! vsh dominfo web >/dev/null 2>&1; then t_pass domain/hxenctl-vm-shut-down
else t_fail domain/hxenctl-vm-shut-down "$(vsh list --all 2>&1 | tr '\n' '|')"; fi

# --- domains: the real ioemu, without /dev/hxen --------------------------------
if make -s -C "$top/ioemu" >/dev/null 2>&1 && [ -x "$top/ioemu/ioemu" ] &&
	HXEN_IOEMU=$top/ioemu/ioemu HXEN_DEVICE=$tmp/no-hxen start "$tmp/real-sock"; then
	real=$last
	out=$(virsh -c "hxen:///session?mode=direct&socket=$tmp/real-sock" start g 2>&1)
	st=$?
	t_eq domain/real-start-fails "$st" 1
	t_expect domain/real-start-says-why 0 \
		"operation failed: the ioemu of 'g' exited with status 1 before the VM ran; the end of $rt/g.log:" \
		printf '%s\n' "$out"
	t_expect domain/real-start-quotes-log 0 "^  ioemu: the hxen module is not loaded \($tmp/no-hxen is missing\)" \
		printf '%s\n' "$out"
	t_true domain/real-start-no-socket test ! -e "$rt/g.sock"
	if pgrep -f -- "--control $rt/g.sock" >/dev/null; then
		t_fail domain/real-start-no-process "$(pgrep -af -- "--control $rt/g.sock")"
	else
		t_pass domain/real-start-no-process
	fi
	t_expect domain/real-start-shut-off 0 '^ *- +g +shut off *$' vsh list --all
	kill "$real"
	gone "$real" 5
else
	t_fail domain/real-start-fails "cannot build ioemu or start a daemon with it"
fi

# --- domains: autostart, once per boot -----------------------------------------
vsh autostart g >/dev/null
mkdir -m 0700 "$tmp/run2"
if XDG_RUNTIME_DIR=$tmp/run2 start "$tmp/auto-sock"; then
	auto=$last
	auri="hxen:///session?mode=direct&socket=$tmp/auto-sock"
	t_expect domain/autostarted 0 '^ *[0-9]+ +g +running *$' virsh -c "$auri" list
	virsh -c "$auri" destroy g >/dev/null 2>&1
	kill "$auto"
	gone "$auto" 5
	XDG_RUNTIME_DIR=$tmp/run2 start "$tmp/auto-sock" && auto=$last
	t_expect domain/autostart-once-per-boot 0 '^ *- +g +shut off *$' virsh -c "$auri" list --all
	kill "$auto"
	gone "$auto" 5
else
	t_fail domain/autostarted "daemon did not start"
fi
vsh autostart --disable g >/dev/null

# --- domains: another user's daemon sees none of it ----------------------------
mkdir -m 0700 "$tmp/other-run"
if XDG_RUNTIME_DIR=$tmp/other-run XDG_CONFIG_HOME=$tmp/other-config start "$tmp/other-sock"; then
	other=$last
	ouri="hxen:///session?mode=direct&socket=$tmp/other-sock"
	vsh start g >/dev/null 2>&1
	t_eq domain/other-user-list-empty "$(virsh -c "$ouri" list --all --name | sed '/^$/d')" ""
	t_expect domain/other-user-no-domain 1 "failed to get domain 'g'" virsh -c "$ouri" dominfo g
	t_expect domain/other-user-no-uuid 1 "failed to get domain" virsh -c "$ouri" dominfo "$uuid"
	t_expect domain/other-user-defines-own 0 "defined" virsh -c "$ouri" define "$tmp/tr.xml"
	t_eq domain/first-user-unaffected "$(vsh list --all --name | sed '/^$/d')" g
	vsh destroy g >/dev/null 2>&1
	kill "$other"
	gone "$other" 5
else
	t_fail domain/other-user-list-empty "daemon did not start"
fi

# --- misbehaving clients --------------------------------------------------
# raw HEX... : send the bytes to the socket, read until the daemon closes
# (or 2 s pass), print how many bytes came back.
raw() {
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		print $s pack("H*", $ARGV[1]);
		my ($buf, $all) = ("", "");
		eval {
			local $SIG{ALRM} = sub { die "timeout\n" };
			alarm 2;
			while (sysread($s, $buf, 65536)) { $all .= $buf; }
			alarm 0;
		};
		print length($all), "\n";
	' "$sock" "$1"
}
# Length 0xffffffff: dropped without an answer.
t_expect raw/length-over-limit 0 '^0$' raw ffffffff0000000000000000
# Length 8, below a header: dropped.
t_expect raw/length-below-header 0 '^0$' raw 0000000800000000
# hdr PROG TYPE : a whole 28-byte packet, header only (version 1,
# procedure 1, serial 1, status OK), in hex.
hdr() { printf '0000001c%08x%08x%08x%08x%08x%08x' "$1" 1 1 "$2" 1 0; }
# A call of an unknown program: an error reply; the client then stops
# reading after 2 s.
t_expect raw/unknown-program 0 '^[1-9][0-9]*$' raw "$(hdr 0x12345678 0)"
# A reply sent by the client: dropped.
t_expect raw/reply-from-client 0 '^0$' raw "$(hdr 0x20008086 1)"
# A keepalive PING (a MESSAGE of program 0x6b656570): one 28-byte PONG.
t_expect raw/keepalive-ping-pong 0 '^28$' raw "$(hdr 0x6b656570 2)"
# Random garbage.
t_expect raw/garbage 0 '^[0-9]+$' raw "$(head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n')"
if kill -0 "$main" 2>/dev/null; then
	t_pass raw/daemon-survives
else
	t_fail raw/daemon-survives "daemon died: $(tail -n 3 "$tmp/daemon.log" | tr '\n' ' ')"
fi
t_expect raw/still-serving 0 "^$(hostname)\$" vsh hostname

# A client that sends half a packet and waits does not hold up others.
perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die;
	print $s pack("H*", "000000400000");
	sleep 4;' "$sock" &
half=$!
sleep 0.3
t_expect raw/half-packet-does-not-block 0 "^$(hostname)\$" timeout 3 virsh -c "$uri" hostname
wait "$half" 2>/dev/null

# --- one daemon per socket, stale sockets, SIGTERM --------------------------
t_expect daemon/second-refused 1 "another virthxend \(pid $main\) already serves $sock" \
	"$daemon" --listen="$sock"
: >"$tmp/file"
t_expect daemon/not-a-socket-refused 1 "is not a socket" "$daemon" --listen="$tmp/file"

kill -KILL "$main"
wait "$main" 2>/dev/null
if [ -S "$sock" ] && start "$sock"; then
	main=$last
	t_expect daemon/stale-socket-replaced 0 "^$(hostname)\$" vsh hostname
else
	t_fail daemon/stale-socket-replaced "$(tail -n 3 "$tmp/daemon.log" | tr '\n' ' ')"
fi
kill -TERM "$main"
if gone "$main" 5 && [ "$st" -eq 0 ] && [ ! -e "$sock" ] && [ ! -e "$sock.pid" ]; then
	t_pass daemon/sigterm-clean-exit
else
	t_fail daemon/sigterm-clean-exit "status ${st:-running}; left: $(ls "$tmp" | tr '\n' ' ')"
fi

# --- idle exit --------------------------------------------------------------
if start "$tmp/idle" --timeout=1; then
	idle=$last
	virsh -c "hxen:///session?mode=direct&socket=$tmp/idle" hostname >/dev/null 2>&1
	if gone "$idle" 5 && [ "$st" -eq 0 ] && [ ! -e "$tmp/idle" ]; then
		t_pass daemon/idle-timeout-exit
	else
		t_fail daemon/idle-timeout-exit "still running 5 s after its last client (--timeout=1)"
	fi
else
	t_fail daemon/idle-timeout-exit "did not start"
fi
# A connected client keeps it alive past the timeout.
if start "$tmp/busy" --timeout=1; then
	busy=$last
	out=$( (sleep 3; echo hostname; echo quit) |
		virsh -c "hxen:///session?mode=direct&socket=$tmp/busy" 2>&1)
	if printf '%s' "$out" | grep -q "$(hostname)" && gone "$busy" 5; then
		t_pass daemon/idle-timeout-waits-for-clients
	else
		t_fail daemon/idle-timeout-waits-for-clients "$(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"
	fi
else
	t_fail daemon/idle-timeout-waits-for-clients "did not start"
fi

# --- the default per-user socket --------------------------------------------
# An unprivileged daemon without --listen listens where libvirt's client
# library looks for hxen:///session: $XDG_RUNTIME_DIR/libvirt/virthxend-sock.
xdg=$tmp/xdg
mkdir -p "$xdg"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
	chown 65534:65534 "$xdg"
	as_user=(setpriv --reuid 65534 --regid 65534 --clear-groups)
fi
chmod 700 "$xdg"
# A copy the other user can surely execute.
install -m 0755 "$daemon" "$tmp/virthxend"
"${as_user[@]}" env -i PATH="$PATH" HOME="$xdg" XDG_RUNTIME_DIR="$xdg" \
	"$tmp/virthxend" --timeout=30 2>>"$tmp/daemon.log" &
user_daemon=$!
pids+=("$user_daemon")
for _ in $(seq 50); do
	[ -S "$xdg/libvirt/virthxend-sock" ] && break
	sleep 0.1
done
if [ "$(stat -c %a "$xdg/libvirt" 2>/dev/null)" = 700 ] && [ -S "$xdg/libvirt/virthxend-sock" ]; then
	t_pass user/default-socket-path
else
	t_fail user/default-socket-path "no socket at $xdg/libvirt/virthxend-sock: $(tail -n 2 "$tmp/daemon.log" | tr '\n' ' ')"
fi
t_expect user/virsh-default-uri 0 'Id +Name +State' \
	"${as_user[@]}" env -i PATH="$PATH" HOME="$xdg" XDG_RUNTIME_DIR="$xdg" \
	virsh -c 'hxen:///session?mode=direct' list --all
t_expect user/system-uri-refused 1 'hxen:///system is served by root' \
	"${as_user[@]}" env -i PATH="$PATH" HOME="$xdg" XDG_RUNTIME_DIR="$xdg" \
	virsh -c "hxen:///system?mode=direct&socket=$xdg/libvirt/virthxend-sock" list
kill "$user_daemon"
if gone "$user_daemon" 5 && [ ! -e "$xdg/libvirt/virthxend-sock" ]; then
	t_pass user/sigterm-removes-socket
else
	t_fail user/sigterm-removes-socket "socket left behind"
fi
# --- the client library starts the daemon -----------------------------------
# For hxen:///session?mode=direct, an unprivileged client that finds
# nothing on the socket starts "virthxend --timeout=120" itself, from
# /usr/sbin or, when LIBVIRTD_PATH names a directory, from there: here a
# private sbin holding the daemon and, as the ioemu beside it, fake-ioemu
# (the client passes the daemon PATH, HOME and the XDG directories, not
# HXEN_IOEMU).  remote_mode = "direct" in the user's libvirt.conf makes
# plain hxen:///session do the same.
auto=$tmp/auto
mkdir -p "$auto/sbin" "$auto/home/.config/libvirt" "$auto/run"
install -m 0755 "$daemon" "$auto/sbin/virthxend"
install -m 0755 "$fake" "$auto/sbin/ioemu"
[ "$(id -u)" -eq 0 ] && chown -R 65534:65534 "$auto/home" "$auto/run"
chmod 700 "$auto/run"
# avsh [VAR=VALUE...] URI ARGS... : virsh as the user, in a clean environment.
avsh() {
	local envs=()
	while [ $# -gt 0 ] && [[ $1 =~ ^[A-Z_]+= ]]; do
		envs+=("$1")
		shift
	done
	"${as_user[@]}" env -i PATH="$PATH" HOME="$auto/home" XDG_RUNTIME_DIR="$auto/run" \
		LIBVIRTD_PATH="$auto/sbin" "${envs[@]}" virsh -c "$@"
}
asock=$auto/run/libvirt/virthxend-sock
# auto_stop : end the daemon the client started (its pid file names it).
auto_stop() {
	local p n=0
	p=$(cat "$asock.pid" 2>/dev/null) || return 0
	pids+=("$p")
	kill "$p" 2>/dev/null
	while kill -0 "$p" 2>/dev/null && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}
t_expect autostart/legacy-without-direct 1 "Failed to connect socket to '$auto/run/libvirt/libvirt-sock'" \
	avsh LIBVIRT_AUTOSTART=0 'hxen:///session' list
t_expect autostart/disabled 1 "Failed to connect socket to '$asock'" \
	avsh LIBVIRT_AUTOSTART=0 'hxen:///session?mode=direct' list
t_true autostart/disabled-starts-nothing test ! -e "$asock.pid"
t_expect autostart/virsh-starts-daemon 0 'Id +Name +State' avsh 'hxen:///session?mode=direct' list --all
apid=$(cat "$asock.pid" 2>/dev/null)
t_eq autostart/daemon-command-line "$(tr '\0' ' ' <"/proc/${apid:-0}/cmdline" 2>&1)" \
	"$auto/sbin/virthxend --timeout=120 "
t_eq autostart/daemon-runs-as-user "$(stat -c %u "/proc/${apid:-0}" 2>&1)" "$(stat -c %u "$auto/run")"
t_expect autostart/daemon-runs-ioemu-beside-it 0 "^Domain 'tr' created from $tmp/tr.xml\$" \
	avsh 'hxen:///session?mode=direct' create "$tmp/tr.xml"
t_expect autostart/daemon-vm-listed 0 '^ *[0-9]+ +tr +running *$' avsh 'hxen:///session?mode=direct' list
t_expect autostart/daemon-vm-destroyed 0 "^Domain 'tr' destroyed\$" \
	avsh 'hxen:///session?mode=direct' destroy tr
auto_stop
t_true autostart/daemon-stopped test ! -e "$asock"
printf 'remote_mode = "direct"\n' >"$auto/home/.config/libvirt/libvirt.conf"
chmod 0644 "$auto/home/.config/libvirt/libvirt.conf"
t_expect autostart/remote-mode-direct 0 'Id +Name +State' avsh 'hxen:///session' list --all
t_true autostart/remote-mode-direct-started-daemon test -S "$asock"
t_expect autostart/remote-mode-direct-uri 0 '^hxen:///session$' avsh 'hxen:///session' uri
auto_stop
exit 0
