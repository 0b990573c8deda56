#!/bin/bash
# apps/lib (the programs' libc) on Linux, through tests/apps/linux_shim: first
# glibc confirms every expected printf string of tests/apps/printf_cases.h
# (an oracle no one here wrote), then libc_test - an anyk program linked with
# the shim - runs its own TAP checks, which are passed through here.
. "$(dirname "$0")/lib.sh"

bin=$ANYK_BUILD/tests/apps/libc_test
ok $([ -x "$bin" ]; echo $?) "libc_test is built ($bin)"

cc -std=gnu11 -Wall -Wno-format -o "$TMP/printf_oracle" tests/apps/printf_oracle.c 2>"$TMP/cc.err"
ok $? "the printf oracle builds against the host's libc"
out=$("$TMP/printf_oracle")
st=$?
ok $st "glibc prints every expected string of printf_cases.h"
[ $st -eq 0 ] || printf '%s\n' "$out" | grep '^not ok' | sed 's/^/#   /'

# libc_test's own results, renumbered into this script's plan.
out=$(timeout 60 "$bin" 2>&1)
st=$?
ok $st "libc_test exits 0 (status $st)"
n=0
while IFS= read -r line; do
    case $line in
    "ok "*) n=$((n + 1)); ok 0 "libc: ${line#ok * - }" ;;
    "not ok "*) n=$((n + 1)); ok 1 "libc: ${line#not ok * - }" ;;
    "#"*) echo "$line" ;;
    esac
done <<<"$out"
plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.//p')
ok $([ -n "$plan" ] && [ "$n" -eq "$plan" ]; echo $?) "libc_test ran its whole plan ($n of ${plan:-?})"

done_testing
