#!/bin/bash
# Count the PASS/FAIL lines of a results file, print "N passed, N failed"
# as the last line and exit non-zero when anything failed or nothing ran.
set -u
f=${1:?usage: summary.sh RESULTS}
p=$(grep -c '^PASS: ' "$f" 2>/dev/null)
n=$(grep -c '^FAIL: ' "$f" 2>/dev/null)
if [ "${n:-0}" -gt 0 ]; then
	echo "Failures:"
	grep '^FAIL: ' "$f"
fi
echo "${p:-0} passed, ${n:-0} failed"
[ "${n:-0}" -eq 0 ] && [ "${p:-0}" -gt 0 ]
