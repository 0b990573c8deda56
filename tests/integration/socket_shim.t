#!/bin/bash
# The socket API's oracle: tests/apps/socket_test.c, linked with the Linux shim,
# runs on Linux's own stack (loopback); socket_on_anyk.t runs the same checks on
# anyk. Each check is written so that Linux's answer is the expected one.
. "$(dirname "$0")/lib.sh"

bin=$ANYK_BUILD/tests/apps/socket_test
ok $([ -x "$bin" ]; echo $?) "socket_test is built ($bin)"
out=$(timeout 60 "$bin" 2>&1)
st=$?
ok $st "socket_test passes on Linux (status $st)"
n=0
while IFS= read -r line; do
    case $line in
    "ok "*) n=$((n + 1)); ok 0 "linux: ${line#ok * - }" ;;
    "not ok "*) n=$((n + 1)); ok 1 "linux: ${line#not ok * - }" ;;
    "#"*) echo "$line" ;;
    esac
done <<<"$out"
plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.//p')
ok $([ -n "$plan" ] && [ "$n" -eq "$plan" ]; echo $?) "socket_test ran its whole plan ($n of ${plan:-?})"

done_testing
