#!/bin/sh
# Check the hypercall boundary: a relocatable object of the core may leave
# undefined only hyp_* symbols (the calls into the host). Anything else means
# core code reached for something outside itself (libc, the host).
#   scripts/check-boundary.sh OBJECT...
# Prints the offending symbols and exits 1 if there are any.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OBJECT..." >&2; exit 2; }
bad=$(nm -u "$@" | awk 'NF == 2 && $1 == "U" { print $2 }' | grep -v '^hyp_' | sort -u || true)
if [ -n "$bad" ]; then
    echo "outside the boundary (not hyp_*):" $bad
    exit 1
fi
