#!/bin/bash
# tests/tier.sh NAME : run one test tier, appending its results to
# $HXEN_RESULTS, and print how long it took.  Tiers: unit, build (the
# module build matrix), sandbox (boots in QEMU, AMD SVM), bochs (a boot in
# Bochs, Intel VT-x), packaging, distro.
set -u
here=$(cd "$(dirname "$0")" && pwd)
name=$1
start=$(date +%s)
echo "=== tier $name ==="
case $name in
build) script=$here/sandbox/build-matrix.sh ;;
*) script=$here/$name/run.sh ;;
esac
bash "$script"
rc=$?
echo "=== tier $name: $(( $(date +%s) - start )) s ==="
[ -n "${HXEN_TIMES:-}" ] && echo "$name $(( $(date +%s) - start ))" >>"$HXEN_TIMES"
exit $rc
