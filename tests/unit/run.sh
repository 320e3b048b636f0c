#!/bin/bash
# Unit tier: user-space tools and the hypervisor core built as a program.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/report.sh"

if make -s -C "$top/userspace" >"${TMPDIR:-/tmp}/hxen-unit-build.log" 2>&1; then
	t_pass unit/userspace-builds-warning-free
else
	t_fail unit/userspace-builds-warning-free "$(tail -n 5 "${TMPDIR:-/tmp}/hxen-unit-build.log" | tr '\n' ' ')"
fi

# The core's unit tests print their own PASS/FAIL lines.
if out=$(make -s -C "$here/core" run OUT="${O:-$top/out}/unit-core" 2>&1); then :; fi
printf '%s\n' "$out" | grep -E '^(PASS|FAIL): ' | while IFS= read -r line; do
	case $line in
	PASS:*) t_pass "${line#PASS: }" ;;
	FAIL:*) n=${line#FAIL: }; t_fail "${n%%: *}" "${n#*: }" ;;
	esac
done
printf '%s\n' "$out" | grep -qE '^(PASS|FAIL): ' ||
	t_fail core/unit-tests-ran "$(printf '%s' "$out" | tail -n 5 | tr '\n' ' ')"

if make -s -C "$top/ioemu" >"${TMPDIR:-/tmp}/hxen-unit-ioemu.log" 2>&1; then
	t_pass unit/ioemu-builds-warning-free
else
	t_fail unit/ioemu-builds-warning-free "$(tail -n 5 "${TMPDIR:-/tmp}/hxen-unit-ioemu.log" | tr '\n' ' ')"
fi

# ioemu's pieces and the user-space libraries print their own results too.
for suite in ioemu userspace; do
	if out=$(make -s -C "$here/$suite" run OUT="${O:-$top/out}/unit-$suite" 2>&1); then :; fi
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL): ' | while IFS= read -r line; do
		case $line in
		PASS:*) t_pass "${line#PASS: }" ;;
		FAIL:*) n=${line#FAIL: }; t_fail "${n%%: *}" "${n#*: }" ;;
		esac
	done
	printf '%s\n' "$out" | grep -qE '^(PASS|FAIL): ' ||
		t_fail "$suite/unit-tests-ran" "$(printf '%s' "$out" | tail -n 5 | tr '\n' ' ')"
done

for t in "$here"/test-*.sh; do
	bash "$t"
done
exit 0
