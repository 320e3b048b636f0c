#!/bin/bash
# Unit tests for createimg: every format at several sizes checked with
# qemu-img, sparse and preallocated images, qemu-io round trips, the
# on-disk qcow2 header, every error path with its exit status and message,
# the temporary-file-and-rename guarantees, the progress bar and the man
# page.  Prints one PASS/FAIL line per assertion and always exits 0.
set -u

HERE=$(dirname "$0")
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/report.sh
. "$ROOT/tests/lib/report.sh"

T=createimg
CREATEIMG=$HERE/../../userspace/createimg/createimg
MANPAGE=$ROOT/userspace/createimg/createimg.1
VERSION=$(cat "$ROOT/VERSION")

KiB=1024
MiB=$((1024 * KiB))
GiB=$((1024 * MiB))
TiB=$((1024 * GiB))

if [ ! -x "$CREATEIMG" ]; then
	make -C "$ROOT/userspace" >/dev/null 2>&1
fi
if [ ! -x "$CREATEIMG" ]; then
	t_fail "$T/build" "$CREATEIMG missing and 'make -C userspace' failed"
	exit 0
fi
CREATEIMG=$(cd "$(dirname "$CREATEIMG")" && pwd)/createimg

WORK=$(mktemp -d /tmp/createimg-test.XXXXXX)

# Unmount whatever the tests mounted under $WORK, then remove it.
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	local mounted
	cd / || return
	awk -v work="$WORK/" 'index($2, work) == 1 { print $2 }' /proc/mounts |
		sort -r | while read -r mounted; do
			umount "$mounted" 2>/dev/null
		done
	rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- helpers

have() {
	command -v "$1" >/dev/null 2>&1
}

# json_get FILE FILTER: a value from a JSON document (jq syntax).
json_get() {
	if have jq; then
		jq -r "$2" "$1"
	else
		# Enough of jq's syntax for the filters used here:
		# .a."b-c".d // default
		python3 - "$1" "$2" <<-'EOF'
		import json, sys
		doc = json.load(open(sys.argv[1]))
		path, _, default = sys.argv[2].partition(" // ")
		for key in path.lstrip(".").split("."):
		    key = key.strip('"')
		    doc = doc.get(key) if isinstance(doc, dict) else None
		if doc is None:
		    print(default or "null")
		elif isinstance(doc, bool):
		    print(str(doc).lower())
		else:
		    print(doc)
		EOF
	fi
}

allocated_bytes() {
	echo $(($(stat -c %b "$1") * $(stat -c %B "$1")))
}

# temp_files_left DIR: createimg temporary files remaining in DIR.
temp_files_left() {
	find "$1" -maxdepth 1 -name '.createimg-*' | wc -l
}

# Create a tmpfs of SIZE at a new directory; prints the directory.
mount_tmpfs() {
	local dir
	dir=$(mktemp -d "$WORK/tmpfs.XXXXXX")
	mount -t tmpfs -o "size=$1,mode=0755" tmpfs "$dir" 2>/dev/null || return 1
	echo "$dir"
}

# Create an ext2 file system of SIZE on a loop device; prints its mount
# point.  ext2 has no fallocate(), so preallocation must write zeros.
mount_ext2() {
	local dir image
	have mkfs.ext2 || return 1
	dir=$(mktemp -d "$WORK/ext2.XXXXXX")
	image=$dir.fs
	truncate -s "$1" "$image" &&
		mkfs.ext2 -q -F "$image" >/dev/null 2>&1 &&
		mount -o loop "$image" "$dir" 2>/dev/null || return 1
	echo "$dir"
}

unmount() {
	umount "$1" 2>/dev/null
}

# create NAME ARGS...: createimg must succeed and print nothing.
create() {
	local name=$1 out st
	shift
	out=$("$CREATEIMG" "$@" 2>&1)
	st=$?
	if [ "$st" -ne 0 ]; then
		t_fail "$name" "exit $st, want 0: $(printf '%s' "$out" | head -c 300)"
	elif [ -n "$out" ]; then
		t_fail "$name" "unexpected output: $(printf '%s' "$out" | head -c 300)"
	else
		t_pass "$name"
	fi
}

# expect_info NAME FILE FORMAT SIZE: qemu-img info reports both exactly.
expect_info() {
	local name=$1 file=$2 format=$3 size=$4 json=$WORK/info.json
	local got_format got_size

	if ! qemu-img info --output=json "$file" >"$json" 2>"$WORK/info.err"; then
		t_fail "$name" "qemu-img info failed: $(head -c 200 "$WORK/info.err")"
		return
	fi
	got_format=$(json_get "$json" .format)
	got_size=$(json_get "$json" '."virtual-size"')
	if [ "$got_format" != "$format" ]; then
		t_fail "$name" "format $got_format, want $format"
	elif [ "$got_size" != "$size" ]; then
		t_fail "$name" "virtual-size $got_size, want $size"
	else
		t_pass "$name"
	fi
}

# expect_check_clean NAME FILE FORMAT: qemu-img check finds no errors,
# leaks or corruptions.  qemu-img cannot check raw images (it exits 63
# saying so); for those the file size must equal the virtual size.
expect_check_clean() {
	local name=$1 file=$2 format=$3 json=$WORK/check.json st
	local errors leaks corruptions

	qemu-img check -f "$format" --output=json "$file" >"$json" 2>"$WORK/check.err"
	st=$?
	if [ "$format" = raw ]; then
		if [ "$st" -eq 63 ] && grep -q 'does not support checks' "$WORK/check.err"; then
			t_pass "$name"
		else
			t_fail "$name" "qemu-img check on raw: exit $st: $(head -c 200 "$WORK/check.err")"
		fi
		return
	fi
	if [ "$st" -ne 0 ]; then
		t_fail "$name" "qemu-img check exit $st: $(tr '\n' ' ' <"$json" | head -c 300) $(head -c 200 "$WORK/check.err")"
		return
	fi
	errors=$(json_get "$json" '."check-errors"')
	leaks=$(json_get "$json" '.leaks // 0')
	corruptions=$(json_get "$json" '.corruptions // 0')
	if [ "$errors" = 0 ] && [ "$leaks" = 0 ] && [ "$corruptions" = 0 ]; then
		t_pass "$name"
	else
		t_fail "$name" "check-errors=$errors leaks=$leaks corruptions=$corruptions"
	fi
}

# expect_qemu_io NAME FILE FORMAT CMD...: every qemu-io command succeeds
# (exit 0, no failure or pattern mismatch reported).
expect_qemu_io() {
	local name=$1 file=$2 format=$3 out st
	local args=()

	shift 3
	for cmd in "$@"; do
		args+=(-c "$cmd")
	done
	out=$(qemu-io -f "$format" "${args[@]}" "$file" 2>&1)
	st=$?
	if [ "$st" -ne 0 ] || printf '%s' "$out" | grep -Eqi 'fail|error'; then
		t_fail "$name" "qemu-io exit $st: $(printf '%s' "$out" | head -c 300 | tr '\n' ' ')"
	else
		t_pass "$name"
	fi
}

# be_field FILE OFFSET BYTES: big-endian unsigned integer at OFFSET.
be_field() {
	local hex
	hex=$(od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n')
	echo $((16#$hex))
}

sha() {
	sha256sum "$1" | cut -d' ' -f1
}

# ------------------------------------------------------ prerequisites

for tool in qemu-img qemu-io; do
	if have "$tool"; then
		t_pass "$T/prereq/$tool"
	else
		t_fail "$T/prereq/$tool" "$tool not installed (Debian: qemu-utils)"
	fi
done
if ! have jq && ! have python3; then
	t_fail "$T/prereq/json" "neither jq nor python3 is installed"
fi

# ------------------------------------------------------ help and version

out=$("$CREATEIMG" --help 2>"$WORK/stderr")
st=$?
if [ "$st" -ne 0 ]; then
	t_fail "$T/help/exit" "exit $st, want 0"
elif ! printf '%s\n' "$out" | head -n1 | grep -Eq '^Usage: createimg \[-f raw\|qcow2\] \[--preallocate\] \[--force\] FILE SIZE$'; then
	t_fail "$T/help/stdout" "usage line missing from stdout: $(printf '%s' "$out" | head -n1)"
elif [ -s "$WORK/stderr" ]; then
	t_fail "$T/help/stdout" "help wrote to stderr: $(head -c 200 "$WORK/stderr")"
else
	t_pass "$T/help/stdout"
fi
t_expect "$T/help/short" 0 '^Usage: createimg ' "$CREATEIMG" -h
t_expect "$T/help/mentions-sizes" 0 'multiple of 512 and at most' "$CREATEIMG" --help

out=$("$CREATEIMG" --version 2>&1)
st=$?
if [ "$st" -eq 0 ] && [ "$out" = "createimg $VERSION" ]; then
	t_pass "$T/version"
else
	t_fail "$T/version" "exit $st, output '$out', want 'createimg $VERSION'"
fi

# ------------------------------------------------------ formats and sizes

cd "$WORK" || exit 0

declare -A SIZE_BYTES=(
	[512]=512
	[1M]=$MiB
	[1000K]=$((1000 * KiB))
	[10G]=$((10 * GiB))
	[1T]=$TiB
)

for format in raw qcow2; do
	for size in 512 1M 1000K 10G 1T; do
		bytes=${SIZE_BYTES[$size]}
		file=$WORK/$format-$size.img
		name=$T/$format/$size
		create "$name/create" -f "$format" "$file" "$size"
		expect_info "$name/info" "$file" "$format" "$bytes"
		expect_check_clean "$name/check" "$file" "$format"
		if [ "$format" = raw ]; then
			got=$(stat -c %s "$file" 2>/dev/null)
			t_expect "$name/file-size" 0 "^$bytes\$" echo "$got"
		fi
		# Sparse: a few metadata clusters at most, whatever the size.
		alloc=$(allocated_bytes "$file" 2>/dev/null || echo 0)
		if [ -f "$file" ] && [ "$alloc" -le $((1 * MiB)) ]; then
			t_pass "$name/sparse"
		else
			t_fail "$name/sparse" "allocated $alloc bytes, want <= 1 MiB"
		fi
	done
done

# The default format is raw.
create "$T/default-format/create" "$WORK/default.img" 1M
expect_info "$T/default-format/info" "$WORK/default.img" raw "$MiB"

# The largest accepted size.  ext4 cannot hold a 64 TiB file, so the raw
# one is made on a tmpfs.
create "$T/qcow2/64T/create" -f qcow2 "$WORK/qcow2-64T.img" 64T
expect_info "$T/qcow2/64T/info" "$WORK/qcow2-64T.img" qcow2 $((64 * TiB))
expect_check_clean "$T/qcow2/64T/check" "$WORK/qcow2-64T.img" qcow2
if big=$(mount_tmpfs 16m); then
	create "$T/raw/64T/create" "$big/raw-64T.img" 64T
	expect_info "$T/raw/64T/info" "$big/raw-64T.img" raw $((64 * TiB))
	rm -f "$big/raw-64T.img"
	unmount "$big"
else
	t_fail "$T/raw/64T/create" "cannot mount a tmpfs to hold a 64 TiB sparse file"
fi

# Options after the operands, --format=, and "--" before a FILE that
# starts with a dash.
create "$T/options/permuted" "$WORK/permuted.img" 2M -f qcow2
expect_info "$T/options/permuted-info" "$WORK/permuted.img" qcow2 $((2 * MiB))
create "$T/options/long-format" --format=qcow2 "$WORK/long.img" 1M
expect_info "$T/options/long-format-info" "$WORK/long.img" qcow2 "$MiB"
create "$T/options/dash-file" -- -dash.img 1M
expect_info "$T/options/dash-file-info" "$WORK/-dash.img" raw "$MiB"

# ------------------------------------------------------ size syntax

declare -A SUFFIX_BYTES=(
	[2048]=2048
	[2048B]=2048
	[4k]=$((4 * KiB))
	[4K]=$((4 * KiB))
	[4KB]=$((4 * KiB))
	[4KiB]=$((4 * KiB))
	[4kib]=$((4 * KiB))
	[3m]=$((3 * MiB))
	[3MiB]=$((3 * MiB))
	[10g]=$((10 * GiB))
	[10GB]=$((10 * GiB))
	[10GiB]=$((10 * GiB))
	[2t]=$((2 * TiB))
	[2TiB]=$((2 * TiB))
	[0010M]=$((10 * MiB))
)
for size in "${!SUFFIX_BYTES[@]}"; do
	file=$WORK/suffix-$size.img
	"$CREATEIMG" "$file" "$size" >/dev/null 2>&1
	got=$(stat -c %s "$file" 2>/dev/null || echo missing)
	t_expect "$T/size/$size" 0 "^${SUFFIX_BYTES[$size]}\$" echo "$got"
	rm -f "$file"
done

# ------------------------------------------------------ qcow2 header

hdr=$WORK/qcow2-10G.img
declare -A HEADER_FIELDS=(
	[magic]="0 4 $((16#514649fb))"
	[version]="4 4 3"
	[backing-file-offset]="8 8 0"
	[backing-file-size]="16 4 0"
	[cluster-bits]="20 4 16"
	[crypt-method]="32 4 0"
	[l1-size]="36 4 20"
	[nb-snapshots]="60 4 0"
	[incompatible-features]="72 8 0"
	[compatible-features]="80 8 0"
	[autoclear-features]="88 8 0"
	[refcount-order]="96 4 4"
	[header-length]="100 4 104"
	[extension-end-marker]="104 8 0"
)
for field in "${!HEADER_FIELDS[@]}"; do
	read -r offset length want <<<"${HEADER_FIELDS[$field]}"
	got=$(be_field "$hdr" "$offset" "$length")
	t_expect "$T/qcow2/header/$field" 0 "^$want\$" echo "$got"
done
# The L1 table has one entry per 512 MiB of virtual disk.
for size in 512 1000K 1T 64T; do
	case $size in
	512 | 1000K) want=1 ;;
	1T) want=2048 ;;
	64T) want=131072 ;;
	esac
	got=$(be_field "$WORK/qcow2-$size.img" 36 4)
	t_expect "$T/qcow2/header/l1-size-$size" 0 "^$want\$" echo "$got"
done
spec=$WORK/spec.json
qemu-img info --output=json "$hdr" >"$spec" 2>/dev/null
t_expect "$T/qcow2/info/compat" 0 '^1\.1$' json_get "$spec" '."format-specific".data.compat'
t_expect "$T/qcow2/info/refcount-bits" 0 '^16$' json_get "$spec" '."format-specific".data."refcount-bits"'
t_expect "$T/qcow2/info/cluster-size" 0 '^65536$' json_get "$spec" '."cluster-size"'
t_expect "$T/qcow2/info/no-backing-file" 0 '^null$' json_get "$spec" '."backing-filename"'

# ------------------------------------------------------ qemu-io round trips

expect_qemu_io "$T/raw/10G/io" "$WORK/raw-10G.img" raw \
	'write -P 0xab 0 1M' 'read -P 0xab 0 1M' 'read -P 0 1M 1M'
expect_qemu_io "$T/qcow2/10G/io" "$WORK/qcow2-10G.img" qcow2 \
	'write -P 0xab 0 1M' 'read -P 0xab 0 1M' 'read -P 0 1M 1M'
expect_check_clean "$T/qcow2/10G/check-after-io" "$WORK/qcow2-10G.img" qcow2
expect_qemu_io "$T/qcow2/1T/io" "$WORK/qcow2-1T.img" qcow2 \
	'write -P 0xab 0 1M' 'read -P 0xab 0 1M' \
	'write -P 0xcd 1023G 1M' 'read -P 0xcd 1023G 1M'
expect_check_clean "$T/qcow2/1T/check-after-io" "$WORK/qcow2-1T.img" qcow2
# The last, partial cluster of a size that is not a cluster multiple.
expect_qemu_io "$T/qcow2/1000K/io" "$WORK/qcow2-1000K.img" qcow2 \
	'write -P 0xab 0 1000K' 'read -P 0xab 0 1000K'
expect_check_clean "$T/qcow2/1000K/check-after-io" "$WORK/qcow2-1000K.img" qcow2
expect_qemu_io "$T/qcow2/64T/io" "$WORK/qcow2-64T.img" qcow2 \
	'write -P 0xab 0 1M' 'read -P 0xab 0 1M' \
	'write -P 0xcd 65535G 1M' 'read -P 0xcd 65535G 1M'
expect_check_clean "$T/qcow2/64T/check-after-io" "$WORK/qcow2-64T.img" qcow2
# Writes past the end must fail: the virtual size really is the limit.
t_expect "$T/qcow2/10G/io-past-end" 1 'error|failed' \
	qemu-io -f qcow2 -c 'write -P 0xab 10G 64k' "$WORK/qcow2-10G.img"

# ------------------------------------------------------ preallocation

file=$WORK/raw-prealloc.img
create "$T/raw/prealloc/create" --preallocate "$file" 64M
expect_info "$T/raw/prealloc/info" "$file" raw $((64 * MiB))
alloc=$(allocated_bytes "$file" 2>/dev/null || echo 0)
if [ "$alloc" -ge $((64 * MiB)) ] && [ "$alloc" -le $((65 * MiB)) ]; then
	t_pass "$T/raw/prealloc/allocated"
else
	t_fail "$T/raw/prealloc/allocated" "allocated $alloc bytes, want about $((64 * MiB))"
fi
expect_qemu_io "$T/raw/prealloc/io" "$file" raw \
	'read -P 0 0 64M' 'write -P 0xab 0 1M' 'read -P 0xab 0 1M'

for size in 1000K 64M; do
	case $size in
	1000K) bytes=$((1000 * KiB)) ;;
	64M) bytes=$((64 * MiB)) ;;
	esac
	file=$WORK/qcow2-prealloc-$size.img
	name=$T/qcow2/prealloc/$size
	create "$name/create" -f qcow2 --preallocate "$file" "$size"
	expect_info "$name/info" "$file" qcow2 "$bytes"
	expect_check_clean "$name/check" "$file" qcow2
	# Every guest byte is mapped to an allocated data cluster.
	qemu-img map -f qcow2 --output=json "$file" >"$WORK/map.json" 2>&1
	if have jq; then
		mapped=$(jq '[.[] | select(.data == true and .zero == false) | .length] | add // 0' "$WORK/map.json")
	else
		mapped=$(python3 -c 'import json,sys; print(sum(e["length"] for e in json.load(open(sys.argv[1])) if e["data"] and not e["zero"]))' "$WORK/map.json")
	fi
	t_expect "$name/all-mapped" 0 "^$bytes\$" echo "$mapped"
	actual=$(qemu-img info --output=json "$file" | json_get /dev/stdin '."actual-size"')
	if [ "$actual" -ge "$bytes" ]; then
		t_pass "$name/actual-size"
	else
		t_fail "$name/actual-size" "actual-size $actual < virtual size $bytes"
	fi
	expect_qemu_io "$name/reads-zero" "$file" qcow2 "read -P 0 0 $size"
	expect_qemu_io "$name/io" "$file" qcow2 \
		'write -P 0xab 0 512k' 'read -P 0xab 0 512k'
	expect_check_clean "$name/check-after-io" "$file" qcow2
done

# Where fallocate() is not supported, preallocation writes zeros instead.
if ext2=$(mount_ext2 64m); then
	if fallocate -l 64k "$ext2/probe" 2>/dev/null; then
		t_fail "$T/prealloc-fallback/no-fallocate" "ext2 supports fallocate here; the fallback is not exercised"
	else
		t_pass "$T/prealloc-fallback/no-fallocate"
	fi
	rm -f "$ext2/probe"
	for format in raw qcow2; do
		file=$ext2/$format.img
		name=$T/prealloc-fallback/$format
		create "$name/create" -f "$format" --preallocate "$file" 16M
		expect_info "$name/info" "$file" "$format" $((16 * MiB))
		expect_check_clean "$name/check" "$file" "$format"
		alloc=$(allocated_bytes "$file" 2>/dev/null || echo 0)
		if [ "$alloc" -ge $((16 * MiB)) ]; then
			t_pass "$name/allocated"
		else
			t_fail "$name/allocated" "allocated $alloc bytes, want >= $((16 * MiB))"
		fi
		expect_qemu_io "$name/reads-zero" "$file" "$format" 'read -P 0 0 16M'
		rm -f "$file"
	done
	# Running out of space while writing zeros.
	t_expect "$T/prealloc-fallback/enospc" 1 \
		"^createimg: cannot write '.*big\\.img': No space left on device" \
		"$CREATEIMG" --preallocate "$ext2/big.img" 100M
	t_expect "$T/prealloc-fallback/enospc-no-temp" 0 '^0$' temp_files_left "$ext2"
	unmount "$ext2"
else
	t_fail "$T/prealloc-fallback/no-fallocate" "cannot make and loop-mount an ext2 file system (need root, mkfs.ext2 and loop devices)"
fi

# ------------------------------------------------------ usage errors (2)

touch "$WORK/exists.img"
usage_error() {
	local name=$1 re=$2
	shift 2
	t_expect "$T/usage/$name" 2 "^createimg: $re" "$CREATEIMG" "$@"
}
usage_error no-args 'missing FILE and SIZE' 
usage_error missing-size 'missing SIZE' "$WORK/u.img"
usage_error extra-arg "too many arguments.*'extra'" "$WORK/u.img" 1M extra
usage_error bad-format "unknown image format 'vmdk'; supported formats are raw and qcow2" -f vmdk "$WORK/u.img" 1M
usage_error format-case "unknown image format 'QCOW2'" -f QCOW2 "$WORK/u.img" 1M
usage_error format-no-value "option '-f' needs a value" -f
usage_error unknown-long-option "unknown option '--bogus'" --bogus "$WORK/u.img" 1M
usage_error unknown-short-option "unknown option '-x'" -x "$WORK/u.img" 1M
usage_error empty-file 'FILE is empty' '' 1M
usage_error trailing-slash ".*dir/' names a directory" "$WORK/dir/" 1M
usage_error size-zero "invalid size '0': the size must be greater than zero" "$WORK/u.img" 0
usage_error size-zero-suffix "invalid size '0G': the size must be greater than zero" "$WORK/u.img" 0G
usage_error size-negative "invalid size '-1': the size must be positive" "$WORK/u.img" -1
usage_error size-negative-suffix "invalid size '-12G': the size must be positive" "$WORK/u.img" -12G
usage_error size-negative-after-dashdash "invalid size '-1': the size must be positive" -- "$WORK/u.img" -1
usage_error size-fraction "invalid size '1.5G': fractions are not accepted.*1536M" "$WORK/u.img" 1.5G
usage_error size-leading-dot "invalid size '.5G': fractions are not accepted" "$WORK/u.img" .5G
usage_error size-unknown-suffix "invalid size '10X': unknown suffix; accepted suffixes are K, M, G and T" "$WORK/u.img" 10X
usage_error size-petabytes "invalid size '1P': unknown suffix" "$WORK/u.img" 1P
usage_error size-trailing-junk "invalid size '10GiBs': unknown suffix" "$WORK/u.img" 10GiBs
usage_error size-space "invalid size '10 G': unknown suffix" "$WORK/u.img" '10 G'
usage_error size-empty "invalid size '': the size is empty" "$WORK/u.img" ''
usage_error size-not-number "invalid size 'abc': not a number" "$WORK/u.img" abc
usage_error size-hex "invalid size '0x1000': unknown suffix" "$WORK/u.img" 0x1000
usage_error size-plus "invalid size '\\+1G': not a number" "$WORK/u.img" +1G
usage_error size-leading-space "invalid size ' 1G': not a number" "$WORK/u.img" ' 1G'
usage_error size-unaligned "invalid size '1000': not a multiple of 512 bytes" "$WORK/u.img" 1000
usage_error size-unaligned-small "invalid size '1': not a multiple of 512 bytes" "$WORK/u.img" 1
usage_error size-over-max "invalid size '65T': too large; the maximum image size is 64T" "$WORK/u.img" 65T
usage_error size-max-plus-512 "invalid size '70368744178176': too large; the maximum image size is 64T" "$WORK/u.img" 70368744178176
usage_error size-overflow-64bit "invalid size '18446744073709551616': too large" "$WORK/u.img" 18446744073709551616
usage_error size-overflow-huge "invalid size '99999999999999999999999999': too large" "$WORK/u.img" 99999999999999999999999999
usage_error size-overflow-suffix "invalid size '17179869184T': too large" "$WORK/u.img" 17179869184T
out=$("$CREATEIMG" "$WORK/u.img" 10X 2>&1 >/dev/null | wc -l)
t_expect "$T/usage/error-is-one-line" 0 '^1$' echo "$out"
if [ -e "$WORK/u.img" ] || [ "$(temp_files_left "$WORK")" -ne 0 ]; then
	t_fail "$T/usage/nothing-created" "a usage error left $WORK/u.img or a temporary file"
else
	t_pass "$T/usage/nothing-created"
fi

# ------------------------------------------------------ runtime errors (1)

# Refused overwrite leaves the old file byte for byte.
old=$WORK/old.img
head -c 100000 /dev/urandom >"$old"
before=$(sha "$old")
t_expect "$T/exists/refused" 1 "^createimg: '.*old\\.img' already exists; use --force to replace it$" \
	"$CREATEIMG" -f qcow2 "$old" 1G
t_expect "$T/exists/unchanged" 0 "^$before\$" sha "$old"
t_expect "$T/exists/refused-raw-prealloc" 1 'already exists; use --force' \
	"$CREATEIMG" --preallocate "$old" 1M
t_expect "$T/exists/still-unchanged" 0 "^$before\$" sha "$old"

# --force replaces it.
create "$T/force/replace" -f qcow2 --force "$old" 3G
expect_info "$T/force/info" "$old" qcow2 $((3 * GiB))
expect_check_clean "$T/force/check" "$old" qcow2
create "$T/force/replace-again" --force "$old" 5M
expect_info "$T/force/info-again" "$old" raw $((5 * MiB))
# --force replaces a symbolic link itself, not its target.
echo target >"$WORK/link-target"
ln -s link-target "$WORK/link.img"
create "$T/force/symlink" --force "$WORK/link.img" 1M
if [ ! -L "$WORK/link.img" ] && [ "$(cat "$WORK/link-target")" = target ]; then
	t_pass "$T/force/symlink-replaced-not-followed"
else
	t_fail "$T/force/symlink-replaced-not-followed" "link or its target was handled wrongly"
fi

t_expect "$T/error/missing-directory" 1 \
	"^createimg: cannot create '.*/no/such/dir/x\\.img': directory '.*/no/such/dir' does not exist$" \
	"$CREATEIMG" "$WORK/no/such/dir/x.img" 1M
mkdir -p "$WORK/adir"
t_expect "$T/error/is-directory" 1 "^createimg: '.*adir' is a directory" \
	"$CREATEIMG" "$WORK/adir" 1M
t_expect "$T/error/is-directory-force" 1 "^createimg: '.*adir' is a directory" \
	"$CREATEIMG" --force -f qcow2 "$WORK/adir" 1M
ln -s adir "$WORK/adir-link"
t_expect "$T/error/symlink-to-directory" 1 "is a directory" \
	"$CREATEIMG" --force "$WORK/adir-link" 1M
if [ -d "$WORK/adir" ] && [ -L "$WORK/adir-link" ]; then
	t_pass "$T/error/directory-untouched"
else
	t_fail "$T/error/directory-untouched" "directory or link was replaced"
fi
t_expect "$T/error/parent-is-file" 1 "^createimg: cannot create '.*old\\.img/x': '.*old\\.img' is not a directory$" \
	"$CREATEIMG" "$old/x" 1M
mkfifo "$WORK/fifo"
t_expect "$T/error/special-file" 1 "^createimg: '.*fifo' is not a regular file; refusing to replace it$" \
	"$CREATEIMG" --force "$WORK/fifo" 1M
if [ -p "$WORK/fifo" ]; then
	t_pass "$T/error/special-file-untouched"
else
	t_fail "$T/error/special-file-untouched" "the FIFO was replaced"
fi

# Permission denied: an unprivileged user in a root-owned 0755 directory.
rootdir=$WORK/rootdir
mkdir -p "$rootdir"
chmod 0755 "$rootdir" "$WORK"
echo keep >"$rootdir/kept.img"
kept=$(sha "$rootdir/kept.img")
# A copy of the binary, in case the source tree is not readable by others.
install -m 0755 "$CREATEIMG" "$WORK/createimg-copy"
if have setpriv && [ "$(id -u)" -eq 0 ]; then
	t_expect "$T/error/permission-denied" 1 \
		"^createimg: cannot create '.*rootdir/x\\.img': permission denied: cannot write to directory '.*rootdir'$" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/createimg-copy" "$rootdir/x.img" 1M
	t_expect "$T/error/permission-denied-force" 1 "permission denied" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/createimg-copy" --force "$rootdir/kept.img" 1M
	if [ ! -e "$rootdir/x.img" ] && [ "$(sha "$rootdir/kept.img")" = "$kept" ]; then
		t_pass "$T/error/permission-denied-nothing-changed"
	else
		t_fail "$T/error/permission-denied-nothing-changed" "a file was created or changed"
	fi
else
	t_fail "$T/error/permission-denied" "needs root and setpriv to switch to uid 65534"
fi
t_expect "$T/error/no-temp-files-left" 0 '^0$' temp_files_left "$WORK"

# No space left: a tiny tmpfs.  The old file must survive the failure.
if small=$(mount_tmpfs 1m); then
	head -c 4096 /dev/urandom >"$small/old.img"
	small_old=$(sha "$small/old.img")
	t_expect "$T/enospc/raw-prealloc" 1 \
		"^createimg: cannot write '.*new\\.img': No space left on device \\(the preallocated image needs 10485760 bytes\\)$" \
		"$CREATEIMG" --preallocate "$small/new.img" 10M
	t_expect "$T/enospc/qcow2-prealloc" 1 \
		"^createimg: cannot write '.*new\\.img': No space left on device" \
		"$CREATEIMG" -f qcow2 --preallocate "$small/new.img" 10M
	t_expect "$T/enospc/force-raw" 1 "No space left on device" \
		"$CREATEIMG" --force --preallocate "$small/old.img" 10M
	t_expect "$T/enospc/force-qcow2" 1 "No space left on device" \
		"$CREATEIMG" --force -f qcow2 --preallocate "$small/old.img" 10M
	t_expect "$T/enospc/old-file-intact" 0 "^$small_old\$" sha "$small/old.img"
	t_expect "$T/enospc/no-new-file" 0 '^absent$' \
		bash -c "[ -e '$small/new.img' ] && echo present || echo absent"
	t_expect "$T/enospc/no-temp-files-left" 0 '^0$' temp_files_left "$small"
	t_expect "$T/enospc/space-released" 0 '^[0-9]+$' \
		bash -c "test \$(du -sk '$small' | cut -f1) -le 16 && du -sk '$small' | cut -f1"
	unmount "$small"
else
	t_fail "$T/enospc/raw-prealloc" "cannot mount a small tmpfs (need root and mount)"
fi
# Even the few sparse qcow2 metadata clusters need space.
if tiny=$(mount_tmpfs 128k); then
	t_expect "$T/enospc/qcow2-sparse" 1 "^createimg: cannot write '.*q\\.img': No space left on device$" \
		"$CREATEIMG" -f qcow2 "$tiny/q.img" 1T
	t_expect "$T/enospc/qcow2-sparse-no-temp" 0 '^0$' temp_files_left "$tiny"
	unmount "$tiny"
else
	t_fail "$T/enospc/qcow2-sparse" "cannot mount a small tmpfs"
fi

# ------------------------------------------------------ interrupted run

# Stop createimg while it writes a large preallocated image, then send
# SIGTERM: the temporary file must go and the old image stay intact.
if intr=$(mount_tmpfs 256m); then
	echo "old image" >"$intr/vm.img"
	intr_old=$(sha "$intr/vm.img")
	"$CREATEIMG" -f qcow2 --preallocate --force "$intr/vm.img" 1T 2>/dev/null &
	pid=$!
	for _ in $(seq 500); do
		[ "$(temp_files_left "$intr")" -ne 0 ] && break
		sleep 0.01
	done
	kill -STOP "$pid" 2>/dev/null
	seen=$(temp_files_left "$intr")
	kill -TERM "$pid" 2>/dev/null
	kill -CONT "$pid" 2>/dev/null
	wait "$pid"
	st=$?
	if [ "$seen" -ne 1 ]; then
		t_fail "$T/interrupt/caught-mid-write" "temporary file not seen while running (saw $seen)"
	else
		t_expect "$T/interrupt/killed-by-sigterm" 0 '^143$' echo "$st"
		t_expect "$T/interrupt/temp-removed" 0 '^0$' temp_files_left "$intr"
		t_expect "$T/interrupt/old-file-intact" 0 "^$intr_old\$" sha "$intr/vm.img"
	fi
	unmount "$intr"
else
	t_fail "$T/interrupt/caught-mid-write" "cannot mount a tmpfs"
fi

# ------------------------------------------------------ file mode

(umask 027 && "$CREATEIMG" "$WORK/mode027.img" 1M)
t_expect "$T/mode/umask-027" 0 '^640$' stat -c %a "$WORK/mode027.img"
(umask 022 && "$CREATEIMG" -f qcow2 "$WORK/mode022.img" 1M)
t_expect "$T/mode/umask-022" 0 '^644$' stat -c %a "$WORK/mode022.img"

# ------------------------------------------------------ progress bar

# Never on a pipe, even for a preallocation.
"$CREATEIMG" -f qcow2 --preallocate "$WORK/pipe.img" 512M 2>&1 | cat >"$WORK/pipe.out"
t_expect "$T/progress/not-on-pipe" 0 '^0$' stat -c %s "$WORK/pipe.out"
rm -f "$WORK/pipe.img"
if have script; then
	# Not for a quick run, even on a terminal.
	script -qec "'$CREATEIMG' --preallocate '$WORK/tty-quick.img' 1M" /dev/null >"$WORK/tty-quick.out" 2>&1
	if grep -q 'preallocating' "$WORK/tty-quick.out"; then
		t_fail "$T/progress/not-for-quick-run" "bar shown: $(tr '\r' '\n' <"$WORK/tty-quick.out" | head -n2)"
	else
		t_pass "$T/progress/not-for-quick-run"
	fi
	# Shown on a terminal once a run has taken over a second.  The run
	# (writing 320 MiB of metadata for a 2 TiB preallocated qcow2 image
	# into a 512 MiB tmpfs, then failing for lack of space) is stopped
	# for 1.5 seconds once it has started writing, so it is long enough
	# on any machine.
	if slow=$(mount_tmpfs 512m); then
		cat >"$WORK/slow.sh" <<-EOF
		#!/bin/sh
		echo \$\$ >'$WORK/slow.pid'
		exec '$CREATEIMG' -f qcow2 --preallocate '$slow/big.img' 2T
		EOF
		chmod +x "$WORK/slow.sh"
		script -qec "$WORK/slow.sh" /dev/null </dev/null >"$WORK/tty-slow.out" 2>&1 &
		script_pid=$!
		# Wait until the image is being written (its size is set).
		for _ in $(seq 1000); do
			[ -n "$(find "$slow" -maxdepth 1 -name '.createimg-*' -size +0)" ] && break
			sleep 0.005
		done
		slow_pid=$(cat "$WORK/slow.pid" 2>/dev/null)
		stopped=no
		if [ -n "$slow_pid" ] && kill -STOP "$slow_pid" 2>/dev/null; then
			stopped=yes
			sleep 1.5
			# script(1) stops itself when its child stops and
			# resumes the child when it is resumed: wake script
			# first, or it loses track of the child.
			kill -CONT "$script_pid" 2>/dev/null
			sleep 0.1
			kill -CONT "$slow_pid" 2>/dev/null
		fi
		wait "$script_pid"
		if grep -Eq 'createimg: preallocating \[[#.]{40}\] +[0-9]+%' "$WORK/tty-slow.out"; then
			t_pass "$T/progress/on-terminal"
		else
			t_fail "$T/progress/on-terminal" "no bar (run stopped for 1.5 s: $stopped): $(tr '\r' '\n' <"$WORK/tty-slow.out" | head -c 200)"
		fi
		t_expect "$T/progress/error-on-own-line" 0 '^createimg: cannot write' \
			bash -c "tr '\\r' '\\n' <'$WORK/tty-slow.out' | grep -E '^createimg: cannot write'"
		unmount "$slow"
	else
		t_fail "$T/progress/on-terminal" "cannot mount a tmpfs"
	fi
else
	t_fail "$T/progress/not-for-quick-run" "script(1) not installed"
fi

# ------------------------------------------------------ man page

if have man; then
	warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$MANPAGE" 2>&1 >/dev/null)
	if [ -z "$warnings" ]; then
		t_pass "$T/man/no-warnings"
	else
		t_fail "$T/man/no-warnings" "$(printf '%s' "$warnings" | head -n3 | tr '\n' ' ')"
	fi
else
	t_fail "$T/man/no-warnings" "man not installed"
fi
for section in NAME SYNOPSIS DESCRIPTION OPTIONS SIZE 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
	t_expect "$T/man/section/${section// /-}" 0 "^\\.SH \"?$section\"?\$" \
		grep -E "^\\.SH \"?$section\"?\$" "$MANPAGE"
done
t_expect "$T/man/see-also" 0 'hxenctl \(1\).*qemu\\-img \(1\)' \
	bash -c "sed -n '/^\\.SH SEE ALSO/,\$p' '$MANPAGE' | tr '\\n' ' '"

exit 0
