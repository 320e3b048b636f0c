# shellcheck shell=sh
# Sourced by linux-tests.sh: libvirt's own client manages an hxen guest.
# Debian's virsh (libvirt-clients), run as carol and as dave (both in
# group hxen, each with a home and an XDG_RUNTIME_DIR of their own),
# connects to hxen:///session?mode=direct, and the client library starts
# /usr/sbin/virthxend for each of them.  carol defines the Linux guest of
# the hxenctl tests as domain XML, starts it, sees it listed (by hxenctl
# too), types a command into its shell through "virsh console" (on a
# terminal that script(1) makes), validates its dumpxml against libvirt's
# schema, shuts it down and undefines it.  dave's virsh, with its own
# daemon, sees none of carol's domains.  Malformed XML and a device hxen
# does not have are libvirt errors, and the daemon serves on.  One guest
# boot.  Results: linux/virsh/<check>.  Uses pass/fail/run/expect/param
# from guest-init.sh and LG, LG_CACHE from linux-tests.sh.

VS_URI='hxen:///session?mode=direct'
VS_XML=/tmp/vs.xml

# vs_who USER : VS_UID, VS_GID, VS_HOME, VS_RUN (XDG_RUNTIME_DIR) and
# VS_CACHEDIR (XDG_CACHE_HOME) of carol or dave.  carol's cache is the one
# her earlier boots filled with the decompressed guest kernel.
vs_who() {
	case $1 in
	carol) VS_UID=${HXT_MEMBER% *} VS_GID=${HXT_MEMBER#* } VS_CACHEDIR=$LG_CACHE ;;
	dave) VS_UID=${HXT_MEMBER2% *} VS_GID=${HXT_MEMBER2#* } VS_CACHEDIR=/home/dave/.cache ;;
	esac
	VS_HOME=/home/$1
	VS_RUN=/run/user/$VS_UID
	VS_SOCK=$VS_RUN/libvirt/virthxend-sock
}

# vs_as USER PROGRAM [ARG...] : PROGRAM as USER, with group hxen, in USER's
# session (home, runtime and cache directories).
vs_as() {
	vs_who "$1"
	shift
	HOME=$VS_HOME XDG_RUNTIME_DIR=$VS_RUN XDG_CACHE_HOME=$VS_CACHEDIR \
		runas "$VS_UID" "$VS_GID" "$HXT_HXEN_GID" "$@"
}

# virsh_as USER ARG... : USER's virsh on hxen:///session?mode=direct.
virsh_as() {
	vs_user=$1
	shift
	vs_as "$vs_user" /usr/bin/virsh -c "$VS_URI" "$@"
}

# vs_validate FILE : virt-xml-validate FILE against the domain schema,
# its verdict (xmllint's, on standard error) on standard output.
vs_validate() { virt-xml-validate "$1" domain 2>&1; }

# vs_daemon USER : the pid of USER's virthxend, from its pid file (in a
# command substitution: call vs_who for USER's VS_SOCK as well).
vs_daemon() {
	vs_who "$1"
	cat "$VS_SOCK.pid" 2>/dev/null
}

# vs_check_daemon CHECK USER : USER's daemon is the one the client library
# started (/usr/sbin/virthxend --timeout=120), runs as USER and has its
# socket in USER's runtime directory.
vs_check_daemon() {
	vs_who "$2"
	vs_pid=$(vs_daemon "$2")
	vs_cmd=$(tr '\000' ' ' <"/proc/${vs_pid:-0}/cmdline" 2>/dev/null)
	vs_owner=$(stat -c %u "/proc/${vs_pid:-0}" 2>/dev/null)
	if [ -S "$VS_SOCK" ] && [ "$vs_cmd" = "/usr/sbin/virthxend --timeout=120 " ] &&
		[ "$vs_owner" = "$VS_UID" ]; then
		pass "$1"
	else
		fail "$1" "socket: $(ls -l "$VS_SOCK" 2>&1); pid '$vs_pid', uid '$vs_owner', command line '$vs_cmd'"
	fi
}

# vs_state_is STATE SECONDS : carol's domain vs reaches STATE in time.
vs_state_is() {
	i=0
	while [ "$i" -lt "$2" ]; do
		[ "$(virsh_as carol domstate vs 2>/dev/null | sed '/^$/d')" = "$1" ] && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}

vs_tests() {
	vs_t0=$(awk '{ print int($1) }' /proc/uptime)
	for f in /usr/bin/virsh /usr/sbin/virthxend /usr/bin/script /usr/bin/virt-xml-validate /usr/bin/xmllint; do
		if [ ! -x "$f" ]; then
			fail linux/virsh/present "$f is not in the sandbox (on the host: packaging/build-deps.sh installs libvirt-clients, libxml2-utils and bsdutils)"
			return
		fi
	done
	pass linux/virsh/present
	# script(1) needs pseudo-terminals.
	if ! grep -q '^devpts /dev/pts ' /proc/mounts; then
		mkdir -p /dev/pts
		mount -t devpts -o mode=0620,ptmxmode=0666 devpts /dev/pts
	fi
	for u in carol dave; do
		vs_who "$u"
		mkdir -p "$VS_HOME" "$VS_RUN"
		chown "$VS_UID:$VS_GID" "$VS_HOME" "$VS_RUN"
		chmod 0700 "$VS_HOME" "$VS_RUN"
	done
	vs_cmdline="console=hvc0 loglevel=${HXT_GUEST_LOGLEVEL:-4} rdinit=/init hxg.pipe${HXT_GUEST_EXTRA:+ $HXT_GUEST_EXTRA}"
	cat >"$VS_XML" <<-EOF
		<domain type='xen'>
		  <name>vs</name>
		  <memory unit='MiB'>160</memory>
		  <vcpu>1</vcpu>
		  <os>
		    <type>linux</type>
		    <kernel>$LG/vmlinuz</kernel>
		    <initrd>$LG/initrd.gz</initrd>
		    <cmdline>$vs_cmdline</cmdline>
		  </os>
		  <devices>
		    <console type='pty'/>
		  </devices>
		</domain>
	EOF
	chmod 0644 "$VS_XML"

	# Nothing listens yet: carol's virsh starts her daemon.
	vs_who carol
	if [ -e "$VS_SOCK" ]; then
		fail linux/virsh/no-daemon-before "$(ls -l "$VS_SOCK")"
	else
		pass linux/virsh/no-daemon-before
	fi
	expect_x linux/virsh/list-starts-daemon 0 '^ *Id +Name +State *$' 'running|shut off' \
		virsh_as carol list --all
	vs_check_daemon linux/virsh/daemon-is-carols carol
	vs_carol=$(vs_daemon carol)

	# define, start, list.
	expect linux/virsh/define 0 "^Domain 'vs' defined from $VS_XML\$" virsh_as carol define "$VS_XML"
	if [ -f /home/carol/.config/hxen/domains/vs.xml ]; then
		pass linux/virsh/define-stored
	else
		fail linux/virsh/define-stored "no /home/carol/.config/hxen/domains/vs.xml: $(find /home/carol 2>&1 | tr '\n' ' ' | head -c 300)"
	fi
	expect linux/virsh/list-defined-shut-off 0 '^ *- +vs +shut off *$' virsh_as carol list --all
	pages0=$(param pages)
	expect linux/virsh/start 0 "^Domain 'vs' started\$" virsh_as carol start vs
	vs_up=$ST
	expect linux/virsh/list-running 0 '^ *[0-9]+ +vs +running *$' virsh_as carol list
	expect linux/virsh/hxenctl-lists-it 0 '^vs +1 +running +1 +160 ' vs_as carol /usr/bin/hxenctl list

	# The console: virsh needs a terminal, which script(1) gives it (and
	# runs its command with $SHELL); its input is the fifo /tmp/vs.in
	# (kept open on fd 8).  The guest's shell must answer; Ctrl-]
	# detaches and the VM runs on.
	rm -f /tmp/vs.in
	mkfifo /tmp/vs.in
	chmod 0666 /tmp/vs.in
	: >/tmp/vs.con
	chmod 0666 /tmp/vs.con
	exec 8<>/tmp/vs.in
	vs_who carol
	SHELL=/bin/sh HOME=$VS_HOME XDG_RUNTIME_DIR=$VS_RUN XDG_CACHE_HOME=$VS_CACHEDIR \
		runas "$VS_UID" "$VS_GID" "$HXT_HXEN_GID" /usr/bin/script -qec \
		"/usr/bin/virsh -c '$VS_URI' console vs; echo; echo status=\$?" /dev/null \
		</tmp/vs.in >/tmp/vs.con 2>&1 &
	vs_spid=$!
	i=0
	while [ "$vs_up" = 0 ] && [ $i -lt 120 ] && ! grep -q 'HXV=42' /tmp/vs.con; do
		printf '%s\n' "echo \"HXV=\$((6*7))\"" >&8
		sleep 2
		i=$((i + 2))
	done
	if grep -q "Connected to domain 'vs'" /tmp/vs.con; then
		pass linux/virsh/console-connected
	else
		fail linux/virsh/console-connected "$(tail -c 300 /tmp/vs.con | tr '\r\n' '  ')"
	fi
	if grep -q 'HXV=42' /tmp/vs.con; then
		pass linux/virsh/console-shell-answers
	else
		fail linux/virsh/console-shell-answers "no HXV=42 in $i s: $(tail -c 400 /tmp/vs.con | tr '\r\n' '  ')"
		tail -n 30 "$VS_RUN/hxen/vs.log" 2>/dev/null | sed 's/^/vs| /'
	fi
	printf '\035' >&8
	i=0
	while [ $i -lt 20 ] && ! grep -q '^status=' /tmp/vs.con; do
		sleep 0.5
		i=$((i + 1))
	done
	if grep -q '^status=0' /tmp/vs.con; then
		pass linux/virsh/console-detaches
	else
		fail linux/virsh/console-detaches "$(tail -c 300 /tmp/vs.con | tr '\r\n' '  ')"
	fi
	kill "$vs_spid" 2>/dev/null
	wait "$vs_spid" 2>/dev/null
	exec 8>&-
	expect linux/virsh/running-after-detach 0 '^running$' virsh_as carol domstate vs

	# dumpxml: the running domain, valid against libvirt's schema.
	run virsh_as carol dumpxml vs
	cp "$OUT" /tmp/vs-dump.xml
	if [ "$ST" -eq 0 ] && grep -Eq "^<domain type='xen' id='[0-9]+'>\$" /tmp/vs-dump.xml &&
		grep -q "<kernel>$LG/vmlinuz</kernel>" /tmp/vs-dump.xml; then
		pass linux/virsh/dumpxml
	else
		fail linux/virsh/dumpxml "exit $ST: $(head -c 300 /tmp/vs-dump.xml "$ERR" | tr '\n' ' ')"
	fi
	expect linux/virsh/dumpxml-validates 0 'validates' vs_validate /tmp/vs-dump.xml
	sed 's/^/vs-dump| /' /tmp/vs-dump.xml

	# dave: his own daemon, none of carol's domains.
	expect_x linux/virsh/other-user-list-empty 0 '^ *Id +Name +State *$' ' vs ' virsh_as dave list --all
	vs_check_daemon linux/virsh/other-user-own-daemon dave
	vs_dave=$(vs_daemon dave)
	if [ -n "$vs_dave" ] && [ "$vs_dave" != "$vs_carol" ]; then
		pass linux/virsh/daemon-per-user
	else
		fail linux/virsh/daemon-per-user "carol's daemon '$vs_carol', dave's '$vs_dave'"
	fi
	expect linux/virsh/other-user-no-domain 1 "failed to get domain 'vs'" virsh_as dave dominfo vs
	expect linux/virsh/other-user-cannot-destroy 1 "failed to get domain 'vs'" virsh_as dave destroy vs

	# Bad XML: libvirt errors on standard error; the same daemon serves on
	# and nothing was defined.
	printf "<domain type='xen'><name>bad</name>\n" >/tmp/vs-bad.xml
	sed "s|<console type='pty'/>|<disk type='block' device='disk'><source dev='/dev/ram0'/><target dev='xvdb' bus='xen'/></disk>|; s|<name>vs<|<name>vb<|" \
		"$VS_XML" >/tmp/vs-block.xml
	chmod 0644 /tmp/vs-bad.xml /tmp/vs-block.xml
	expect linux/virsh/define-malformed 1 '^error: XML error: domain XML:2: malformed XML' \
		virsh_as carol define /tmp/vs-bad.xml
	expect linux/virsh/define-unsupported-device 1 \
		"^error: unsupported configuration: domain XML:[0-9]+: <disk type='block'> is not supported by hxen" \
		virsh_as carol define /tmp/vs-block.xml
	expect_x linux/virsh/serves-after-errors 0 '^ *[0-9]+ +vs +running *$' ' (bad|vb) ' \
		virsh_as carol list --all
	if [ "$(vs_daemon carol)" = "$vs_carol" ] && kill -0 "$vs_carol" 2>/dev/null; then
		pass linux/virsh/same-daemon-after-errors
	else
		fail linux/virsh/same-daemon-after-errors "daemon was $vs_carol, now '$(vs_daemon carol)'"
	fi

	# shutdown: the guest powers off, the domain is shut off and stays
	# defined; its memory goes back to the host.
	expect linux/virsh/shutdown 0 "^Domain 'vs' is being shutdown\$" virsh_as carol shutdown vs
	if vs_state_is "shut off" 60; then
		pass linux/virsh/shut-off
	else
		fail linux/virsh/shut-off "state '$(virsh_as carol domstate vs 2>&1 | tr '\n' ' ')'"
		vs_who carol
		tail -n 30 "$VS_RUN/hxen/vs.log" 2>/dev/null | sed 's/^/vs| /'
	fi
	expect linux/virsh/list-all-shut-off 0 '^ *- +vs +shut off *$' virsh_as carol list --all
	expect_x linux/virsh/hxenctl-lists-nothing 0 '^NAME ' '^vs ' vs_as carol /usr/bin/hxenctl list
	i=0
	while [ "$(param pages)" != "$pages0" ] && [ $i -lt 20 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	if [ "$(param pages)" = "$pages0" ]; then
		pass linux/virsh/shutdown-frees-pages
	else
		fail linux/virsh/shutdown-frees-pages "pages $(param pages), $pages0 before the start"
	fi

	# undefine: gone from the list and from carol's configuration.
	expect linux/virsh/undefine 0 "^Domain 'vs' has been undefined\$" virsh_as carol undefine vs
	expect_x linux/virsh/undefined-gone 0 '^ *Id +Name +State *$' ' vs ' virsh_as carol list --all
	if [ -e /home/carol/.config/hxen/domains/vs.xml ]; then
		fail linux/virsh/undefine-removes-file "/home/carol/.config/hxen/domains/vs.xml is still there"
	else
		pass linux/virsh/undefine-removes-file
	fi

	# Both daemons end on SIGTERM and take their sockets with them.
	why=
	for u in carol dave; do
		vs_who "$u"
		vs_pid=$(vs_daemon "$u")
		[ -n "$vs_pid" ] && kill "$vs_pid"
		i=0
		while [ -e "$VS_SOCK" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -e "$VS_SOCK" ] && why="$why $u's daemon ($vs_pid) left $VS_SOCK;"
	done
	if [ -z "$why" ]; then pass linux/virsh/daemons-end; else fail linux/virsh/daemons-end "$why"; fi
	# A guest left running by a failure above would keep hxen.ko loaded.
	for vs_pid in $(pidof ioemu); do kill -9 "$vs_pid"; done
	vs_t1=$(awk '{ print int($1) }' /proc/uptime)
	echo "virsh scenario: $((vs_t1 - vs_t0)) s"
}

vs_tests
