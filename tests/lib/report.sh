# shellcheck shell=bash
# Test result reporting shared by every test tier.
#
# Each result is one line, "PASS: <name>" or "FAIL: <name>: <why>", printed
# on stdout and appended to $HXEN_RESULTS when that is set (make check sets
# it).  tests/summary.sh counts the lines and prints "N passed, N failed".
# There is no "skipped": a test that cannot run here is a FAIL with the reason.

t_pass() {
	printf 'PASS: %s\n' "$1"
	[ -n "${HXEN_RESULTS:-}" ] && printf 'PASS: %s\n' "$1" >>"$HXEN_RESULTS"
	return 0
}

t_fail() {
	printf 'FAIL: %s: %s\n' "$1" "${2:-failed}"
	[ -n "${HXEN_RESULTS:-}" ] && printf 'FAIL: %s: %s\n' "$1" "${2:-failed}" >>"$HXEN_RESULTS"
	return 0
}

# t_check NAME CMD... : PASS if CMD exits 0, else FAIL with its output.
t_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		t_pass "$name"
	else
		t_fail "$name" "$(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# t_expect NAME WANT_STATUS WANT_REGEX CMD... : run CMD, require its exit
# status to be WANT_STATUS and its combined output to match WANT_REGEX
# (grep -E).  This is how every error path of a CLI is tested.
t_expect() {
	local name=$1 want=$2 re=$3 out st
	shift 3
	out=$("$@" 2>&1)
	st=$?
	if [ "$st" -ne "$want" ]; then
		t_fail "$name" "exit $st, want $want; output: $(printf '%s' "$out" | head -c 300 | tr '\n' ' ')"
	elif ! printf '%s' "$out" | grep -Eq -- "$re"; then
		t_fail "$name" "output does not match /$re/: $(printf '%s' "$out" | head -c 300 | tr '\n' ' ')"
	else
		t_pass "$name"
	fi
}
