# shellcheck shell=sh
# Sourced by linux-tests.sh: a Linux guest with a PV network interface
# (xen-netfront) on user-mode networking, run by carol (no privileges).
# The guest gets an address by DHCP, fetches a file from a server on the
# sandbox's loopback (10.0.2.2 is the host), and serves a file that the
# sandbox fetches through a host port forward.  DNS is not tried: the
# sandbox has no name server for user-mode networking to forward to.

NT=/tmp/hxt-net
NT_HOST_PORT=18080
NT_FWD_PORT=12222

nt_ask() {
	LG_SEQ=$((LG_SEQ + 1))
	lg_ask net "Q$LG_SEQ" "$1"
}

nt_expect() { lg_expect net "net/$1" "$2" "$3"; }

nt_tests() {
	rm -rf "$NT" && mkdir -p "$NT/www" || { fail net/setup "no $NT"; return; }
	ip link set lo up 2>/dev/null
	head -c 30000 /dev/urandom | od -A n -t x1 >"$NT/www/host.txt"
	want_host=$(sha256sum "$NT/www/host.txt" | cut -d' ' -f1)
	httpd -p "127.0.0.1:$NT_HOST_PORT" -h "$NT/www"
	# A forward from a port that is taken stops ioemu at start.
	cat >"$NT/taken.cfg" <<-EOF
		name = "taken"
		memory = 32
		kernel = "$LG/vmlinuz"
		vif = [ 'hostfwd=tcp:127.0.0.1:$NT_HOST_PORT-:80' ]
	EOF
	chmod 0644 "$NT/taken.cfg"
	out=$(runas "${HXT_MEMBER% *}" "${HXT_MEMBER#* }" "$HXT_HXEN_GID" \
		/usr/bin/ioemu --stdio "$NT/taken.cfg" </dev/null 2>&1)
	st=$?
	case "$st:$out" in
	2:*"$NT_HOST_PORT"*"in use"*) pass net/taken-port-error ;;
	*) fail net/taken-port-error "exit $st: $(echo "$out" | tr '\n' ' ' | head -c 300)" ;;
	esac
	LG_EXTRA_CFG="vif = [ 'type=user, hostfwd=tcp:127.0.0.1:$NT_FWD_PORT-:8000' ]"
	lg_start net 1
	LG_EXTRA_CFG=
	if ! lg_wait net "HXG: init running" 120; then
		fail net/boots "$(lg_tail net)"
		kill -9 "$LG_PID" 2>/dev/null
		lg_exit_status
		pkill -f "httpd -p 127.0.0.1:$NT_HOST_PORT" 2>/dev/null
		return
	fi
	pass net/boots
	nt_expect eth0-present 1 'test -e /sys/class/net/eth0 && echo 1'
	nt_expect mac-from-xen 00:16:3e 'cut -c1-8 /sys/class/net/eth0/address'
	nt_expect dhcp 0 'ip link set eth0 up; timeout 30 udhcpc -i eth0 -n -q -t 10 -s /etc/udhcpc.script >/dev/null 2>&1; echo $?'
	nt_expect dhcp-address 10.0.2.15 "ip -4 addr show eth0 | sed -n 's/.*inet \\([0-9.]*\\).*/\\1/p'"
	nt_expect reaches-host-loopback "$want_host" "timeout 30 wget -q -O - http://10.0.2.2:$NT_HOST_PORT/host.txt | sha256sum | cut -d' ' -f1"
	nt_expect guest-serves 0 'mkdir -p /www && seq 1 5000 >/www/guest.txt && httpd -p 8000 -h /www; echo $?'
	nt_ask 'sha256sum /www/guest.txt | cut -d" " -f1'
	want_guest=$ANS
	got=$(timeout 30 wget -q -O - "http://127.0.0.1:$NT_FWD_PORT/guest.txt" 2>/dev/null | sha256sum | cut -d' ' -f1)
	if [ -n "$want_guest" ] && [ "$got" = "$want_guest" ]; then
		pass net/port-forward-reaches-guest
	else
		fail net/port-forward-reaches-guest "guest '$want_guest', fetched '$got': $(tail -c 300 /tmp/net.err | tr '\n' ' ')"
	fi
	lg_type 'poweroff -f'
	lg_exit_status
	if [ "$LG_ST" = 0 ]; then pass net/poweroff-exit-0; else fail net/poweroff-exit-0 "ioemu status $LG_ST"; fi
	grep -E 'vif[0-9]+:' /tmp/net.err | head -n 6 | sed 's/^/net| /'
	pkill -f "httpd -p 127.0.0.1:$NT_HOST_PORT" 2>/dev/null
}

nt_tests
