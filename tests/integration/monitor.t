#!/bin/bash
# `anyk run --init monitor` as a user drives it through its console: the
# built-in kernel monitor's commands, exit statuses, end of input, the panic
# path, and the command line.
. "$(dirname "$0")/lib.sh"

run_anyk 'halt 7\n' run --init monitor
is "$STATUS" 7 "halt 7: anyk exits with status 7"
like "$OUT" '^\[ *[0-9]+\.[0-9]{6}\] anyk [0-9.]+ \(x86_64, posix host\): 64 MiB RAM, 0 block devices, 0 NICs$' \
    "boot banner names version, architecture, host, memory and devices"

run_anyk 'uptime\n' run --init monitor
is "$STATUS" 0 "end of console input halts with status 0"
like "$OUT" '^up 0:00:00\.[0-9]{3}, 2 threads$' "uptime reports time since boot and threads"

run_anyk 'help\n' run --init monitor
for c in help threads mem log uptime sleep halt; do
    like "$OUT" "^  $c " "help lists '$c'"
done

run_anyk 'threads\n' run --init monitor
like "$OUT" '^ +0  main +running' "threads lists the main thread running"
like "$OUT" '^ +1  idle +ready' "threads lists the idle thread"
like "$OUT" '^2 threads, [0-9]+ context switches' "threads prints scheduler counters"

run_anyk 'mem\n' run --init monitor -m 32M
like "$OUT" '^RAM +32768 KiB' "mem reports the RAM size given with -m 32M"
like "$OUT" '^pages +[0-9]+ KiB used, [0-9]+ KiB free, largest free block [0-9]+ KiB' "mem reports page usage"

run_anyk '' run --init monitor --quiet
is "$OUT" "" "--quiet keeps the banner off the console"
run_anyk 'log\n' run --init monitor --quiet
like "$OUT" '^\[ *[0-9.]+\] anyk .*posix host' "log reads the banner back from the kernel log ring"

start=$(date +%s%N)
run_anyk 'sleep 0.3\nhalt 4\n' run --init monitor --quiet
end=$(date +%s%N)
is "$STATUS" 4 "sleep then halt 4"
ms=$(((end - start) / 1000000))
ok $([ "$ms" -ge 300 ]; echo $?) "sleep 0.3 takes at least 300 ms (took $ms ms)"

run_anyk 'sleep abc\nhalt 300\nhalt x\nfrobnicate\n' run --init monitor --quiet
is "$STATUS" 0 "bad arguments do not halt the kernel"
like "$OUT" '^sleep: usage' "sleep with a bad number says how to use it"
like "$OUT" '^halt: usage: halt \[STATUS\] \(0-255\)' "halt 300 is refused"
like "$OUT" "^monitor: frobnicate: unknown command \(try 'help'\)" "unknown command gets a clear error"

run_anyk '' run --init monitor --quiet -- 'echo one; echo two; halt 9'
is "$STATUS" 9 "init arguments after -- run as a monitor command line"
like "$OUT" '^one$' "first command ran"
like "$OUT" '^two$' "second command ran"

run_anyk 'halt 5\r\n' run --init monitor --quiet
is "$STATUS" 5 "CRLF line endings are accepted"

run_anyk 'panic oops\n' run --init monitor --quiet
is "$STATUS" 70 "a kernel panic exits with status 70"
like "$OUT" 'panic: requested from the monitor: oops' "panic prints its reason"
like "$OUT" '#0 0x[0-9a-f]+ \(\+0x[0-9a-f]+\)' "panic prints a backtrace"
offs=$(printf '%s\n' "$OUT" | sed -n 's/.*#[0-9]* 0x[0-9a-f]* (+0x\([0-9a-f]*\)).*/0x\1/p' | head -4)
fns=$(addr2line -f -e "$ANYK" $offs 2>/dev/null | awk 'NR % 2 == 1' | tr '\n' ' ')
like "$fns" '^panic cmd_panic ' "backtrace frames resolve with addr2line to panic, then its caller ($fns)"

run_anyk '' run --init /sbin/init
is "$STATUS" 127 "an init that does not exist halts with status 127, as a shell's 'not found'"
like "$OUT" 'init: /sbin/init: not found' "and says why"

# Command-line mistakes: one line on stderr, status 2.
for args in "run --mem" "run --mem abc" "run --mem 12Q" "run -m 1" "run --frob" "run -x" \
    "walk" "run extra"; do
    err=$(timeout 5 "$ANYK" $args </dev/null 2>&1 >/dev/null)
    st=$?
    want=2
    [ "$args" = "run -m 1" ] && want=1 # a valid size the host cannot use
    is "$st" "$want" "anyk $args exits with status $want"
    like "$err" '^anyk: ' "anyk $args explains itself on stderr"
done
out=$("$ANYK" 2>&1)
is "$?" 2 "anyk with no command prints usage and exits 2"
out=$("$ANYK" --help)
is "$?" 0 "--help exits 0"
like "$out" '^usage: anyk run' "--help prints usage"
out=$("$ANYK" --version)
like "$out" '^anyk [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"

run_anyk 'mem\n' run --init monitor -m 1G
like "$OUT" '^RAM +1048576 KiB' "-m 1G gives the kernel 1 GiB"
run_anyk 'mem\n' run --init monitor -m 16
like "$OUT" '^RAM +16384 KiB' "-m 16 means 16 MiB, as with QEMU"

done_testing
