#!/bin/bash
# virthxend against the real libvirt client: Debian's virsh talks to the
# daemon over libvirt's remote protocol, on a private socket given in the
# URI (hxen:///session?mode=direct&socket=PATH) and, as an unprivileged
# user, on the default per-user socket libvirt itself picks.  Also: bad
# packets from a raw client, the idle --timeout exit, SIGTERM, one daemon
# per socket, stale sockets.  Needs virsh and virt-xml-validate
# (libvirt-clients); perl (perl-base) plays the misbehaving client.
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
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# start SOCK [ARGS...] : run the daemon on SOCK in the background; $! is
# recorded in pids and in $last.  Waits until the socket exists.
start() {
	local sock=$1 i
	shift
	"$daemon" --listen="$sock" "$@" 2>>"$tmp/daemon.log" &
	last=$!
	pids+=("$last")
	for i in $(seq 50); do
		[ -S "$sock" ] && return 0
		kill -0 "$last" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# gone PID SECONDS : wait up to SECONDS for PID to exit; its status in $st.
gone() {
	local pid=$1 i
	for i in $(seq $(($2 * 10))); do
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

# Domain procedures are not implemented: libvirt errors, daemon unharmed.
t_expect virsh/dominfo-unsupported 1 "error: failed to get domain 'foo'" vsh dominfo foo
t_expect virsh/nodeinfo-unsupported 1 \
	'error: this function is not supported by the connection driver' vsh nodeinfo
printf "<domain type='xen'><name>g</name></domain>\n" >"$tmp/g.xml"
t_expect virsh/define-unsupported 1 \
	'not supported by the connection driver: virDomainDefineXML' \
	vsh define "$tmp/g.xml"
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
for i in $(seq 50); do
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
exit 0
