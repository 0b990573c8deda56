#!/bin/bash
# anyk-kvm: the kernel as a KVM guest under anyk's own monitor. The command
# line and exit statuses of `anyk run`; the shell, the clocks and a disk in
# the guest; a guest that faults or passes out-of-range pointers and lengths
# in every hypercall (tests/kvm/testguest) ends cleanly, never the monitor;
# and the monitor, once confined, dies of SIGSYS on a forbidden system call.
# programs_kvm.t runs the whole of programs.t under anyk-kvm besides.
. "$(dirname "$0")/lib.sh"

KVM=$ANYK_BUILD/bin/anyk-kvm
GUEST=$ANYK_BUILD/tests/kvm/testguest
if [ ! -e /dev/kvm ]; then
    echo "1..0 # SKIP no /dev/kvm on this machine (no KVM, or the kvm module is not loaded)"
    exit 0
elif [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    echo "1..0 # SKIP /dev/kvm is not readable and writable by this user (the kvm group?)"
    exit 0
elif [ ! -x "$KVM" ]; then
    echo "1..0 # SKIP $KVM is not built (sanitizer builds have none)"
    exit 0
fi

# run_kvm INPUT ARGS...: like run_anyk, for anyk-kvm; OUT gets stdout, ERR stderr.
run_kvm() {
    input=$1
    shift
    OUT=$(printf '%b' "$input" | timeout -s KILL 20 "$KVM" "$@" 2>"$TMP/err")
    STATUS=$?
    ERR=$(cat "$TMP/err")
}

# ---- booting, halting, the command line ----------------------------------------------

run_kvm '' -q -- 'exit 7'
is "$STATUS" 7 "anyk-kvm -q -- 'exit 7': the first shell's status is the monitor's"
is "$OUT$ERR" "" "-q keeps the console quiet"
run_kvm 'halt 3\n' --init monitor
is "$STATUS" 3 "the kernel monitor's halt 3 ends anyk-kvm with status 3"
like "$OUT" '^\[ *[0-9]+\.[0-9]{6}\] anyk [0-9.]+ \(x86_64, kvm host\): 64 MiB RAM, 0 block devices, 0 NICs$' \
    "the banner names the kvm host and the default 64 MiB"
run_kvm '' -q -m 128M -- 'grep MemTotal /proc/meminfo'
is "$(echo $OUT)" "MemTotal: 131072 kB" "--mem 128M gives the guest kernel 128 MiB"
run_kvm 'echo from-stdin\n' -q
is "$OUT" "from-stdin" "an interactive shell reads the console from stdin"
run_kvm '' -q --init monitor -- 'panic oops'
is "$STATUS" 70 "a kernel panic in the guest exits 70"
like "$OUT" 'panic: requested from the monitor: oops' "and the guest says why"

for args in "--mem" "--mem abc" "--frob" "extra" "-m 1"; do
    err=$(timeout -s KILL 5 "$KVM" $args </dev/null 2>&1 >/dev/null)
    st=$?
    want=2
    [ "$args" = "-m 1" ] && want=1 # a valid size the monitor cannot use
    is "$st" "$want" "anyk-kvm $args exits with status $want"
    like "$err" '^anyk-kvm: ' "anyk-kvm $args explains itself on stderr"
done
out=$("$KVM" --help)
is "$?" 0 "--help exits 0"
like "$out" '^usage: anyk-kvm \[OPTIONS\]' "--help prints the usage of anyk-kvm"
like "$out" '--disk FILE\[,ro\]' "with the options of anyk run"
like "$("$KVM" --version)" '^anyk-kvm [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"

# ---- the shell, files and clocks in the guest ------------------------------------------

run_kvm '' -q -- 'seq 1 1000 | sort -rn | head -n 3 | tr "\n" " "'
is "$OUT" "1000 999 998 " "a pipeline of three programs runs in the guest"
run_kvm '' -q -- 'mkdir -p /tmp/a/b && echo data > /tmp/a/b/f && cp /tmp/a/b/f /tmp/g &&
    mv /tmp/g /tmp/h && cat /tmp/h && rm -r /tmp/a && ls /tmp/a 2>/dev/null; echo $?'
is "$(echo $OUT)" "data 2" "files: mkdir, write, cp, mv, cat, rm -r, a missing file"
start=$(date +%s%N)
run_kvm 'sleep 0.3\nuptime\nhalt 4\n' -q --init monitor
end=$(date +%s%N)
ms=$(((end - start) / 1000000))
is "$STATUS" 4 "sleep 0.3 in the monitor, then halt 4"
ok $([ "$ms" -ge 300 ] && [ "$ms" -lt 5000 ]; echo $?) \
    "sleep 0.3 takes at least 300 ms of host time, from the guest's TSC clock (took $ms ms)"
like "$OUT" '^up 0:00:00\.[3-9][0-9]{2}, 2 threads$' "uptime counts from boot on the TSC clock"
run_kvm '' -q -- 'touch /tmp/t; stat /tmp/t'
guest=$(printf '%s\n' "$OUT" | sed -n 's/^Modify: \([0-9-]* [0-9:]*\)\..*/\1/p')
guest_s=$(date -u -d "$guest" +%s 2>/dev/null || echo 0)
now=$(date -u +%s)
ok $([ $((guest_s - now)) -le 2 ] && [ $((now - guest_s)) -le 2 ]; echo $?) \
    "the guest's wall clock (a new file's mtime) agrees with the host's ($guest UTC)"

# ---- a disk through --disk ------------------------------------------------------------

img=$TMP/disk.img
head -c 1048576 /dev/zero >"$img"
printf 'from-the-host' | dd of="$img" bs=1 seek=8192 conv=notrunc 2>/dev/null
run_kvm '' -q --disk "$img" -- 'head -c 1024 /dev/blk0 >/dev/null; printf written-by-the-guest > /dev/blk0;
    sync; tail -c +8193 /dev/blk0 | head -c 13'
is "$OUT" "from-the-host" "the guest reads what the host wrote into the image"
is "$(head -c 20 "$img")" "written-by-the-guest" "the host reads what the guest wrote to /dev/blk0"
run_kvm '' --disk "$img,ro" --init monitor -- 'halt 0'
like "$OUT" 'blk0: disk.img, 1 MiB, read-only' "a disk given with ,ro is read-only in the guest"
run_kvm '' -q --disk "$img,ro" -- 'printf x > /dev/blk0; sync; echo st=$?'
is "$(head -c 20 "$img")" "written-by-the-guest" "and the guest cannot change it"
run_kvm '' -q --disk "$TMP/missing.img"
is "$STATUS" 1 "a missing disk image: status 1"
like "$ERR" '^anyk-kvm: --disk .*missing.img: No such file or directory' "and its name on stderr"

# ---- confinement ---------------------------------------------------------------------

st=$( (env ANYK_KVM_TEST_SECCOMP=1 timeout -s KILL 20 "$KVM" -q -- 'exit 5' </dev/null \
    >/dev/null 2>&1; echo $?) 2>/dev/null)
is "$st" $((128 + 31)) "confined, the monitor dies of SIGSYS when it tries open() (status $st)"

# ---- guests that misbehave -------------------------------------------------------------

ANYK_KVM_KERNEL=$GUEST run_kvm '' --disk "$img" -- badcalls
is "$STATUS" 0 "every out-of-range pointer, length, offset and block is refused: test guest says 0"
like "$OUT" '^badcalls: [0-9]+ checks, 0 failed$' "the test guest's checks all passed"
like "$ERR" '^anyk-kvm: hypercall cons_write refused: buffer \[0x[0-9a-f]+, \+0x1\) is not inside guest memory$' \
    "the monitor reports a refused buffer"
like "$ERR" '^anyk-kvm: hypercall [a-z_]+ refused: argument block .* is not inside guest memory$' \
    "and a refused argument block"
unlike "$ERR" 'guest stopped' "and keeps serving the guest"

ANYK_KVM_KERNEL=$GUEST run_kvm '' -- fault
is "$STATUS" 70 "a guest that takes a page fault without an IDT: status 70"
like "$ERR" 'guest stopped: the guest took an exception it could not handle \(triple fault\)' \
    "the monitor names the triple fault"
like "$ERR" '^anyk-kvm:   rip [0-9a-f]{16}  rsp [0-9a-f]{16}' "and dumps the registers"
like "$ERR" 'cr0 [0-9a-f]+  cr2 [0-9a-f]{16}  cr3 0000000000008000' "with the control registers"
like "$ERR" 'rip is in guest_main\+0x[0-9a-f]+ of the kernel image' \
    "and names the function from the image's symbols"
ANYK_KVM_KERNEL=$GUEST run_kvm '' -- port
is "$STATUS" 70 "a guest that reads a port nobody serves: status 70"
like "$ERR" 'port I/O nobody serves: in from port 0x60' "the monitor names the port"
ANYK_KVM_KERNEL=$GUEST run_kvm '' -- hlt
is "$STATUS" 70 "a guest that halts its CPU: status 70"
like "$ERR" 'halted its CPU' "the monitor says so"

# Kernel images that are not one: refused before anything runs.
printf 'not an elf' >"$TMP/bad.elf"
ANYK_KVM_KERNEL=$TMP/bad.elf run_kvm ''
is "$STATUS" 1 "a kernel image that is not ELF: status 1"
like "$ERR" 'kernel image: not an ELF file' "and says so"
head -c 200 "$GUEST" >"$TMP/short.elf"
ANYK_KVM_KERNEL=$TMP/short.elf run_kvm ''
is "$STATUS" 1 "a truncated kernel image: status 1"
like "$ERR" 'kernel image: (program headers|segment [0-9]+) .*outside the file' "and says what is wrong"
ANYK_KVM_KERNEL=/bin/true run_kvm ''
is "$STATUS" 1 "a program that is not a kernel (/bin/true): status 1"
like "$ERR" '^anyk-kvm: kernel image: ' "and a clear message"

done_testing
