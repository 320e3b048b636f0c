#!/bin/bash
# hxenctl's VM commands (create, list, console, shutdown, reboot, destroy,
# pause, unpause) end to end, against fake-ioemu: a stand-in for ioemu
# built from fake-ioemu.c and the real control socket server
# (ioemu/control.c).  XDG_RUNTIME_DIR points into a temporary directory.
# As root it also checks that another user sees none of it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/report.sh
. "$top/tests/lib/report.sh"

ctl=$top/userspace/hxenctl/hxenctl
make -s -C "$top/userspace" >/dev/null 2>&1 ||
	t_fail hxenctl-vm/userspace-builds "make -C userspace failed"
tmp=$(mktemp -d)
fake=$tmp/bin/fake-ioemu
started_pids=()

# shellcheck disable=SC2317 # called through the trap
cleanup() {
	local p
	for p in "${started_pids[@]}" $(vm_pids); do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The pids of the running VMs (to clean up after a failure).
# shellcheck disable=SC2317
vm_pids() {
	"$ctl" list --json 2>/dev/null | jq -r '.[].pid // empty' 2>/dev/null
}

# The flags of ioemu/Makefile; libhxen reads domain XML with libxml2.
mkdir -p "$tmp/bin"
read -ra xml_libs <<<"$(pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)"
if ! out=$(cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wstrict-prototypes -O2 -g -pthread -I"$top/ioemu" -I"$top/userspace/lib" \
	-I"$top/module/include/uapi" -DHXEN_TOOLS_VERSION=\"test\" \
	-o "$fake" "$here/fake-ioemu.c" "$top/ioemu/control.c" \
	"$top/userspace/lib/libhxen.a" "${xml_libs[@]}" 2>&1); then
	t_fail hxenctl-vm/fake-ioemu-builds "$(printf '%s' "$out" | head -n 5 | tr '\n' ' ')"
	exit 0
fi

export XDG_RUNTIME_DIR=$tmp/xdg
mkdir -m 0700 "$XDG_RUNTIME_DIR"
export HXEN_IOEMU=$fake
unset FAKE_IOEMU_FAIL FAKE_IOEMU_DELAY_MS FAKE_IOEMU_IGNORE_SHUTDOWN
rt=$XDG_RUNTIME_DIR/hxen

# flat CMD... : CMD's output on one line, CMD's exit status.
# shellcheck disable=SC2317 # called through t_expect
flat() {
	local out st
	out=$("$@" 2>&1)
	st=$?
	printf '%s' "$out" | tr '\n' ' '
	return "$st"
}

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

# t_quiet NAME CMD... : CMD succeeds and prints nothing.
t_quiet() {
	local name=$1 out st
	shift
	out=$("$@" 2>&1)
	st=$?
	if [ "$st" = 0 ] && [ -z "$out" ]; then t_pass "$name"
	else t_fail "$name" "exit $st, output: $(printf '%s' "$out" | head -c 300 | tr '\n' ' ')"; fi
}

vm_pid() { "$ctl" list --json | jq -r --arg n "$1" '.[] | select(.name == $n) | .pid'; }

# gone PID: true once the process has ended (waits up to 5 s).
gone() {
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

: >"$tmp/vmlinuz"
cat >"$tmp/web.cfg" <<'EOF'
# A web server.
name = "web"
kernel = "vmlinuz"
memory = 256
vcpus = 2
EOF

# --- command line -----------------------------------------------------------------
t_expect hxenctl-vm/help-lists-commands 0 \
	'version.*caps.*doctor.*create.*list.*console.*shutdown.*reboot.*destroy.*pause.*unpause' \
	flat "$ctl" --help
for c in create list console shutdown reboot destroy pause unpause; do
	t_expect "hxenctl-vm/$c-help" 0 "^Usage: hxenctl $c" "$ctl" "$c" --help
done
t_expect hxenctl-vm/create-no-config 2 "hxenctl create: which configuration file\?" "$ctl" create
t_expect hxenctl-vm/create-unknown-option 2 "hxenctl create: unknown option '--frob'" \
	"$ctl" create --frob "$tmp/web.cfg"
t_expect hxenctl-vm/list-extra-argument 2 "hxenctl list: unexpected argument 'web'" "$ctl" list web
t_expect hxenctl-vm/shutdown-bad-timeout 2 "wants whole seconds from 1 to 86400, not 'soon'" \
	"$ctl" shutdown --timeout soon web
t_expect hxenctl-vm/shutdown-timeout-needs-value 2 "option '--timeout' needs a value" \
	"$ctl" shutdown web --timeout
t_expect hxenctl-vm/pause-no-name 2 "hxenctl pause: which VM\?" "$ctl" pause
t_expect hxenctl-vm/pause-two-names 2 "unexpected argument 'b'" "$ctl" pause a b
t_expect hxenctl-vm/bad-name-slash 2 "'a/b' is not a VM name" "$ctl" pause a/b
t_expect hxenctl-vm/bad-name-dot 2 "'\.\.' is not a VM name" "$ctl" console ..
t_expect hxenctl-vm/console-no-name 2 "which VM\?" "$ctl" console

# --- configuration errors: nothing is started -----------------------------------
printf '#!/bin/sh\ntouch "%s/started"\nexec "%s" "$@"\n' "$tmp" "$fake" >"$tmp/bin/marker-ioemu"
chmod +x "$tmp/bin/marker-ioemu"
printf 'name = "bad"\nkernel = "vmlinuz"\nmemroy = 64\n' >"$tmp/bad.cfg"
t_expect hxenctl-vm/bad-config-names-line 2 "^hxenctl: $tmp/bad.cfg:3: unknown key 'memroy'" \
	env HXEN_IOEMU="$tmp/bin/marker-ioemu" "$ctl" create "$tmp/bad.cfg"
printf 'name = "nokernel"\nkernel = "/nonexistent/vmlinuz"\n' >"$tmp/nokernel.cfg"
t_expect hxenctl-vm/missing-kernel 1 "kernel '/nonexistent/vmlinuz': No such file or directory" \
	env HXEN_IOEMU="$tmp/bin/marker-ioemu" "$ctl" create "$tmp/nokernel.cfg"
t_expect hxenctl-vm/missing-config 2 "nosuch.cfg" "$ctl" create "$tmp/nosuch.cfg"
if [ ! -e "$tmp/started" ] && [ ! -e "$rt/nokernel.log" ] && [ ! -e "$rt/bad.log" ]; then
	t_pass hxenctl-vm/config-errors-start-nothing
else
	t_fail hxenctl-vm/config-errors-start-nothing "ioemu ran or a log appeared: $(find "$tmp" -newer "$tmp/vmlinuz" | tr '\n' ' ')"
fi
printf 'not a program\n' >"$tmp/bin/garbage" && chmod +x "$tmp/bin/garbage"
t_expect hxenctl-vm/ioemu-exec-fails 1 "^hxenctl: cannot run $tmp/bin/garbage: Exec format error$" \
	env HXEN_IOEMU="$tmp/bin/garbage" "$ctl" create "$tmp/web.cfg"
t_expect hxenctl-vm/ioemu-not-runnable 1 "HXEN_IOEMU is '/nonexistent/ioemu', which cannot be run" \
	env HXEN_IOEMU=/nonexistent/ioemu "$ctl" create "$tmp/web.cfg"

# --- the life of a VM -------------------------------------------------------------
t_expect hxenctl-vm/create 0 "^Started web \(domid 1, ioemu pid [0-9]+\)$" "$ctl" create "$tmp/web.cfg"
pid=$(vm_pid web)
started_pids+=("$pid")
t_eq hxenctl-vm/runtime-dir-mode "$(stat -c '%a %u' "$rt")" "700 $(id -u)"
t_eq hxenctl-vm/socket-mode "$(stat -c '%F %a' "$rt/web.sock")" "socket 600"
t_true hxenctl-vm/ioemu-runs kill -0 "$pid"
log=$(cat "$rt/web.log")
t_expect hxenctl-vm/ioemu-args 0 \
	"^fake-ioemu: args: --daemon --control $rt/web.sock --console-log $rt/web.log $tmp/web.cfg\$" \
	printf '%s\n' "$log"
t_expect hxenctl-vm/ioemu-own-session 0 "^fake-ioemu: session leader: yes$" printf '%s\n' "$log"
t_expect hxenctl-vm/ioemu-stdin-null 0 "^fake-ioemu: stdin is /dev/null: yes$" printf '%s\n' "$log"
t_expect hxenctl-vm/console-log 0 "^\[console\] web booted$" printf '%s\n' "$log"

out=$("$ctl" list)
t_expect hxenctl-vm/list-header 0 "^NAME +ID +STATE +VCPUS +MEM\(MiB\) +UPTIME$" \
	printf '%s\n' "$(printf '%s\n' "$out" | head -n 1)"
t_expect hxenctl-vm/list-row 0 "^web +1 +running +2 +256 +0:00:0[0-9]$" \
	printf '%s\n' "$(printf '%s\n' "$out" | sed -n 2p)"
t_eq hxenctl-vm/list-one-row "$(printf '%s\n' "$out" | wc -l)" 2
json=$("$ctl" list --json)
if printf '%s' "$json" | jq -e --argjson pid "$pid" \
	'length == 1 and .[0].name == "web" and .[0].domid == 1 and
	 .[0].state == "running" and .[0].vcpus == 2 and .[0].memory_mib == 256 and
	 .[0].pid == $pid and (.[0].uptime_s | type) == "number" and
	 .[0].console_pty == null' >/dev/null 2>&1; then
	t_pass hxenctl-vm/list-json
else
	t_fail hxenctl-vm/list-json "got: $json"
fi

t_quiet hxenctl-vm/pause "$ctl" pause web
t_expect hxenctl-vm/list-paused 0 "^web +1 +paused +2 " "$ctl" list
t_eq hxenctl-vm/list-json-paused "$("$ctl" list --json | jq -r '.[0].state')" paused
t_quiet hxenctl-vm/unpause "$ctl" unpause web
t_expect hxenctl-vm/list-unpaused 0 "^web +1 +running +2 " "$ctl" list

# The console, not on a terminal: input until EOF, output until ioemu ends it.
out=$(printf 'hello vm\n' | "$ctl" console web 2>"$tmp/console.err")
st=$?
t_eq hxenctl-vm/console-round-trip "$st:$out" "0:HELLO VM"
t_eq hxenctl-vm/console-no-hint-without-tty "$(cat "$tmp/console.err")" ""
out=$(head -c 100000 /dev/zero | tr '\0' 'x' | "$ctl" console web | tr -d 'X' | wc -c)
t_eq hxenctl-vm/console-bulk "$out" 0
# On a terminal (script(1) makes one): raw mode, the hint, Ctrl-] detaches,
# and the terminal is back in canonical mode afterwards.
if command -v script >/dev/null; then
	out=$( (printf 'abc'; sleep 1; printf '\035') |
		script -qec "$ctl console web; echo; echo status=\$?; stty -a" /dev/null 2>&1)
	t_expect hxenctl-vm/console-tty-hint 0 "Connected to web's console; Ctrl-\] to detach" \
		printf '%s\n' "$out"
	t_expect hxenctl-vm/console-tty-echo 0 "ABC" printf '%s\n' "$out"
	t_expect hxenctl-vm/console-tty-detach 0 "Detached from web's console" printf '%s\n' "$out"
	t_expect hxenctl-vm/console-tty-status 0 "status=0" printf '%s\n' "$out"
	t_expect hxenctl-vm/console-tty-restored 0 "[^-]icanon" printf '%s\n' "$out"
fi
t_true hxenctl-vm/console-detach-leaves-vm kill -0 "$pid"

t_quiet hxenctl-vm/reboot "$ctl" reboot web
t_expect hxenctl-vm/reboot-reached-guest 0 "^\[console\] rebooting$" cat "$rt/web.log"
t_expect hxenctl-vm/reboot-still-running 0 "^web +1 +running " "$ctl" list

t_expect hxenctl-vm/create-twice 1 "a VM named 'web' is already running" \
	"$ctl" create "$tmp/web.cfg"
t_true hxenctl-vm/create-twice-leaves-first kill -0 "$pid"

t_quiet hxenctl-vm/shutdown "$ctl" shutdown web
# The fake writes this just before it closes its connections.
t_expect hxenctl-vm/shutdown-waited 0 "^\[console\] the VM ended$" cat "$rt/web.log"
t_true hxenctl-vm/shutdown-ioemu-exited gone "$pid"
t_true hxenctl-vm/shutdown-socket-removed test ! -e "$rt/web.sock"
t_expect hxenctl-vm/shutdown-poweroff-reached-guest 0 "^\[console\] powering off$" cat "$rt/web.log"
t_expect hxenctl-vm/gone-after-shutdown 1 "no VM named 'web' \(hxenctl list shows yours\)" \
	"$ctl" pause web

t_expect hxenctl-vm/create-again 0 "^Started web" "$ctl" create "$tmp/web.cfg"
pid=$(vm_pid web)
started_pids+=("$pid")
t_expect hxenctl-vm/log-rotated 0 "powering off" cat "$rt/web.log.1"
t_true hxenctl-vm/log-fresh test "$(grep -c 'booted' "$rt/web.log")" = 1
t_quiet hxenctl-vm/destroy "$ctl" destroy web
t_expect hxenctl-vm/destroy-waited 0 "^\[console\] the VM ended$" cat "$rt/web.log"
t_true hxenctl-vm/destroy-ioemu-exited gone "$pid"
t_expect hxenctl-vm/list-empty 0 "^NAME +ID +STATE +VCPUS +MEM\(MiB\) +UPTIME$" flat "$ctl" list
t_eq hxenctl-vm/list-json-empty "$("$ctl" list --json | jq -c .)" "[]"

for c in console shutdown reboot destroy pause unpause; do
	t_expect "hxenctl-vm/$c-unknown-vm" 1 "^hxenctl: no VM named 'nosuch' \(hxenctl list shows yours\)$" \
		"$ctl" "$c" nosuch
done

# --- a guest that does not power off ----------------------------------------------
FAKE_IOEMU_IGNORE_SHUTDOWN=1 "$ctl" create "$tmp/web.cfg" >/dev/null
pid=$(vm_pid web)
started_pids+=("$pid")
start=$(date +%s)
t_expect hxenctl-vm/shutdown-timeout 1 \
	"^hxenctl: web did not shut down within 1 s; 'hxenctl destroy web' ends it at once$" \
	"$ctl" shutdown --timeout 1 web
t_true hxenctl-vm/shutdown-timeout-took-1s test $(($(date +%s) - start)) -le 3
t_expect hxenctl-vm/list-shutting-down 0 "^web +1 +shutting-down " "$ctl" list
t_quiet hxenctl-vm/destroy-after-timeout "$ctl" destroy web
t_true hxenctl-vm/destroyed gone "$pid"

# --- create -c: start and attach ----------------------------------------------------
out=$(printf 'abc\n' | "$ctl" create -c "$tmp/web.cfg" 2>&1)
st=$?
t_eq hxenctl-vm/create-console "$st|$out" "0|$(printf 'Started web (domid 1, ioemu pid %s)\nABC' \
	"$(vm_pid web)")"
pid=$(vm_pid web)
started_pids+=("$pid")
t_expect hxenctl-vm/create-console-detach-keeps-vm 0 "^web +1 +running" "$ctl" list

# --- a stale socket (ioemu killed) ---------------------------------------------------
kill -9 "$pid"
gone "$pid"
t_true hxenctl-vm/stale-socket-left test -S "$rt/web.sock"
t_eq hxenctl-vm/stale-not-listed "$("$ctl" list | wc -l)" 1
t_true hxenctl-vm/stale-removed test ! -e "$rt/web.sock"
t_expect hxenctl-vm/stale-then-create 0 "^Started web" "$ctl" create "$tmp/web.cfg"
pid=$(vm_pid web)
started_pids+=("$pid")
"$ctl" destroy web

# --- ioemu fails, or is slow ------------------------------------------------------------
t_expect hxenctl-vm/ioemu-fails 1 \
	"the ioemu of 'web' exited with status 1 before the VM ran; the end of $rt/web.log: .*ioemu: cannot open /dev/hxen: No such file or directory" \
	flat env FAKE_IOEMU_FAIL="cannot open /dev/hxen: No such file or directory" \
	"$ctl" create "$tmp/web.cfg"
t_true hxenctl-vm/ioemu-fails-no-socket test ! -e "$rt/web.sock"
t_expect hxenctl-vm/slow-start 0 "^Started web" env FAKE_IOEMU_DELAY_MS=1500 "$ctl" create "$tmp/web.cfg"
t_expect hxenctl-vm/slow-start-listed 0 "^web +1 +running" "$ctl" list
"$ctl" destroy web

# --- which ioemu ------------------------------------------------------------------------
cp "$ctl" "$tmp/bin/hxenctl"
cp "$fake" "$tmp/bin/ioemu"
t_expect hxenctl-vm/ioemu-next-to-hxenctl 0 "^Started web" \
	env -u HXEN_IOEMU "$tmp/bin/hxenctl" create "$tmp/web.cfg"
t_expect hxenctl-vm/ioemu-next-to-hxenctl-ran 0 "^fake-ioemu: argv0: $tmp/bin/ioemu$" cat "$rt/web.log"
"$ctl" destroy web
if [ ! -e /usr/lib/hxen/ioemu ]; then
	mkdir "$tmp/lonely"
	cp "$ctl" "$tmp/lonely/hxenctl"
	t_expect hxenctl-vm/no-ioemu 1 "cannot run /usr/lib/hxen/ioemu \(No such file or directory\); install the hxen package, or set HXEN_IOEMU" \
		env -u HXEN_IOEMU "$tmp/lonely/hxenctl" create "$tmp/web.cfg"
fi

# --- the runtime directory ----------------------------------------------------------------
mkdir -p "$tmp/perm/hxen" && chmod 0755 "$tmp/perm/hxen"
t_expect hxenctl-vm/rundir-mode-refused 1 \
	"runtime directory $tmp/perm/hxen has mode 0755, but only you may enter it: run 'chmod 700 $tmp/perm/hxen'" \
	env XDG_RUNTIME_DIR="$tmp/perm" "$ctl" list
mkdir -p "$tmp/link" "$tmp/elsewhere" && ln -s "$tmp/elsewhere" "$tmp/link/hxen"
t_expect hxenctl-vm/rundir-symlink-refused 1 "runtime directory $tmp/link/hxen is a symbolic link" \
	env XDG_RUNTIME_DIR="$tmp/link" "$ctl" create "$tmp/web.cfg"
mkdir -p "$tmp/file" && : >"$tmp/file/hxen"
t_expect hxenctl-vm/rundir-not-dir-refused 1 "runtime directory $tmp/file/hxen is not a directory" \
	env XDG_RUNTIME_DIR="$tmp/file" "$ctl" list
t_expect hxenctl-vm/rundir-missing-parent 1 "cannot create the runtime directory $tmp/nonexistent/hxen" \
	env XDG_RUNTIME_DIR="$tmp/nonexistent" "$ctl" list
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$tmp/owner/hxen" && chmod 0700 "$tmp/owner/hxen" && chown 65534:65534 "$tmp/owner/hxen"
	t_expect hxenctl-vm/rundir-owner-refused 1 \
		"runtime directory $tmp/owner/hxen belongs to uid 65534, not to you \(uid 0\)" \
		env XDG_RUNTIME_DIR="$tmp/owner" "$ctl" list
fi
mkdir -p "$tmp/fresh"
t_expect hxenctl-vm/rundir-created 0 "^NAME" \
	sh -c 'umask 0777; exec "$@"' _ env XDG_RUNTIME_DIR="$tmp/fresh" "$ctl" list
t_eq hxenctl-vm/rundir-created-0700-despite-umask "$(stat -c %a "$tmp/fresh/hxen")" 700

# --- another user sees nothing ----------------------------------------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	"$ctl" create "$tmp/web.cfg" >/dev/null
	pid=$(vm_pid web)
	started_pids+=("$pid")
	# Even with the way to it open, the 0700 hxen directory keeps
	# others out.
	chmod 0711 "$tmp" "$tmp/bin" "$XDG_RUNTIME_DIR"
	mkdir -m 0700 "$tmp/nobody" && chown 65534:65534 "$tmp/nobody"
	nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	t_expect hxenctl-vm/other-user-list-empty 0 "^NAME +ID +STATE +VCPUS +MEM\(MiB\) +UPTIME$" \
		flat nobody env XDG_RUNTIME_DIR="$tmp/nobody" "$tmp/bin/hxenctl" list
	t_expect hxenctl-vm/other-user-no-such-vm 1 "no VM named 'web'" \
		nobody env XDG_RUNTIME_DIR="$tmp/nobody" "$tmp/bin/hxenctl" pause web
	t_expect hxenctl-vm/other-user-refuses-foreign-dir 1 "belongs to uid 0, not to you \(uid 65534\)" \
		nobody env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" "$tmp/bin/hxenctl" list
	if nobody test -e "$rt/web.sock"; then
		t_fail hxenctl-vm/other-user-cannot-reach-socket "uid 65534 can see $rt/web.sock"
	else
		t_pass hxenctl-vm/other-user-cannot-reach-socket
	fi
	t_expect hxenctl-vm/other-user-vm-unharmed 0 "^web +1 +running" "$ctl" list
	"$ctl" destroy web
fi

t_eq hxenctl-vm/nothing-left-running "$("$ctl" list --json | jq length)" 0
exit 0
