# The control-ABI version this tree speaks, "MAJOR.MINOR", read from the
# uapi header, so that tests never hard-code it.
hx_abi_version() {
	awk '$1 == "#define" && $2 == "HXEN_ABI_MAJOR" {M = $3}
	     $1 == "#define" && $2 == "HXEN_ABI_MINOR" {m = $3}
	     END {print M "." m}' "$(dirname "${BASH_SOURCE[0]}")/../../module/include/uapi/hxen.h"
}
