#!/bin/bash
# tools.t - the coreutils of apps/coreutils checked against GNU coreutils, util-linux and
# GNU grep on the build machine (the outside oracle): same arguments, same standard input,
# byte-for-byte the same standard output and standard error, and the same exit status.
# Tools that change the file system are checked by their effects, read back with GNU tools.
#
# Environment: BIN   directory holding the tools under test (default: build them natively
#                    with the host's cc and libc into build/coreutils-native);
#              RUN   optional command prefix for every tool under test (e.g. a loader shim).
# Prints TAP; run it with prove or directly.
set -u
export LC_ALL=C TZ=UTC
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=$ROOT/apps/coreutils
RUN=${RUN:-}
[ -n "${BIN:-}" ] && BIN=$(cd "$BIN" && pwd)

if [ -z "${BIN:-}" ]; then
    BIN=$ROOT/build/coreutils-native
    mkdir -p "$BIN"
    for f in "$SRC"/*.c; do
        t=$BIN/$(basename "$f" .c)
        [ "$t" -nt "$f" ] && [ "$t" -nt "$SRC/common.h" ] && continue
        ${CC:-cc} -std=gnu11 -O1 -Wall -Wextra -Werror -Wstrict-prototypes -Wshadow \
            -o "$t" "$f" || { echo "Bail out! cannot build $f"; exit 1; }
    done
fi

T=$(mktemp -d /tmp/coreutils-test.XXXXXX)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
    shift
    for line in "$@"; do echo "#   $line"; done
}

# same [-i INPUT] TOOL ARGS...: run our TOOL and GNU's (via env, so argv[0] is the bare name
# and shell builtins are not used) in the same directory on the same input; compare all.
same() {
    local input=/dev/null
    if [ "$1" = -i ]; then input=$2; shift 2; fi
    local tool=$1; shift
    local desc="$tool $*"
    env "$tool" "$@" <"$input" >"$T/.gnu.out" 2>"$T/.gnu.err"; local s1=$?
    $RUN "$BIN/$tool" "$@" <"$input" >"$T/.our.out" 2>"$T/.our.err"; local s2=$?
    if ! cmp -s "$T/.gnu.out" "$T/.our.out"; then
        not_ok "$desc: stdout" "$(diff <(od -c "$T/.gnu.out") <(od -c "$T/.our.out") | head -20)"
    elif ! cmp -s "$T/.gnu.err" "$T/.our.err"; then
        not_ok "$desc: stderr" "gnu: $(cat "$T/.gnu.err")" "ours: $(cat "$T/.our.err")"
    elif [ $s1 != $s2 ]; then
        not_ok "$desc: status" "gnu $s1, ours $s2"
    else
        ok "$desc"
    fi
}

# status EXPECTED TOOL ARGS...: our tool alone, exit status only (stdout/err discarded).
status() {
    local want=$1; shift
    $RUN "$BIN/$1" "${@:2}" </dev/null >/dev/null 2>&1; local got=$?
    if [ "$got" = "$want" ]; then ok "status $want: $*"; else not_ok "status: $*" "want $want got $got"; fi
}

# check DESC COMMAND...: a shell test on the effects.
check() {
    local desc=$1; shift
    if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}

# ---- inputs -----------------------------------------------------------------------------
printf 'one two\nthree\n\n  four  five six\nseven\n' > text
printf 'no newline at end' > nonl
printf 'b 2\na 10\nc 1\nb 2\na 3\n10\n9\n-1\nB 1\n' > sortme
printf 'a\na\nb\nc\nc\nc\nd\nA\na\n' > dups
seq 1 30 > lines30
head -c 300 /dev/urandom > rnd 2>/dev/null || dd if=/dev/zero of=rnd bs=300 count=1 2>/dev/null
printf '%064d' 0 > zeros64
{ printf 'abcdefghijklmnopqrstuvwxyz0123456789'; printf '%048d' 0; printf 'tail\n'; } > mixed
: > empty

# ---- text tools ---------------------------------------------------------------------------
for t in true false; do same $t; same $t --ignored; done
same echo hello world
same echo -n no newline
same echo -e 'a\tb\\c\n\0101\x41'
same echo -e 'stop\cnot printed'
same echo -neE x
same echo -x not an option
same echo
same printf '%s-%d\n' a 1 b 2 c
same printf '%5s|%-5s|\n' x y
same printf '%x %o %X %u\n' 255 8 255 7
same printf '%c%c\n' hello w
same printf '%05d|%+d|% d\n' 42 42 42
same printf '%.3s|%*d|%-*d|\n' abcdef 5 7 3 1
same printf '%d %i\n' 0x1f -7 010 -0
same printf '%s %s\n' only
same printf '%%\n'
same printf '%d\n' abc
same printf '%d\n' 12abc
same printf '%#x %#o\n' 255 8
same printf '%z'
same printf 'a\tb\\c\101\x41\n'
same printf '%b|\n' 'a\tb\0101' 'x\cy'
same printf 'abc\cdef'
same printf '%d\n' "'A"
same printf 'x\n' extra
same printf
same cat text nonl
same cat -n text nonl
same -i text cat - nonl
same cat nosuch text
same cat empty
same wc text
same wc text nonl lines30
same wc -l text
same -i text wc
same -i text wc -w
same wc -c text nosuch nonl
same wc -lw nosuch
same head text
same head -n 2 text
same head -n -2 text
same head -c 5 text
same head -c -5 nonl
same head -3 lines30
same head text nonl
same head nosuch
same -i lines30 head -n 4
same tail text
same tail -n 2 text nonl
same tail -n +3 text
same tail -c 7 nonl
same tail -c +5 nonl
same tail -n 0 text
same tail -3 lines30
same tail nosuch
same -i lines30 tail -n 2
same tee
same -i text tee out1 out2
check "tee wrote the files" cmp out1 text
same -i text tee -a out1
check "tee -a appended" cmp out1 <(cat text text text)
same -i text tee nodir/x
same sort sortme
same sort -r sortme
same sort -n sortme
same sort -rn sortme
same sort -u sortme
same sort -k 2 sortme
same sort -n -k 2 sortme
same sort -t ' ' -k 2n sortme
same sort -f dups
same sort text nonl
same sort nosuch
same uniq dups
same uniq -c dups
same uniq -d dups
same uniq -u dups
same uniq -i dups
same uniq nosuch
same -i dups uniq -c
same grep -F two text
same grep -F -n e text
same grep -F -c e text
same grep -F -v e text
same grep -F -i FOUR text
same grep -F -l e text nonl lines30
same grep -F -q two text
same grep -F nomatch text
same grep -F x nosuch
same grep -F -e one -e seven text
same grep -F e text nonl
same grep -F -x seven text
same grep 'o.*e' text
same grep '^t' text
same grep 'e$' text
same grep '[fs]i[vx]' text
same grep '^$' text
same grep -c '[^a-z ]' text
same grep -E 'one|seven' text
same grep -E '(ee|ou)r?' text
same grep 't\(w\|h\)' text
same grep -i 'O\{2\}' text
same grep -E '[[:digit:]]{2}' lines30
same grep 'a\+b*' text
same -i text grep -n o
same hexdump -C text
same hexdump -C rnd
same hexdump -C zeros64
same hexdump -C mixed
same hexdump -C empty
same hexdump -C nosuch
same hexdump -C text nonl
same -i mixed hexdump -C
same sha256sum text nonl empty rnd
same sha256sum nosuch
same -i text sha256sum
same -i text sha256sum -
sha256sum text nonl > sums
same sha256sum -c sums
same basename /usr/lib/x.so .so
same basename /usr/lib/
same basename /
same basename x.so x.so
same basename -a a/b c/d/
same basename -s .c a/b.c c.c
same basename
same dirname /usr/lib/x
same dirname /usr/lib/
same dirname x
same dirname / //a a/b/c/
same dirname
same seq 5
same seq 3 7
same seq 10 -3 1
same seq 0 0.5 2
same seq -w 8 11
same seq -s , 1 4
same seq 1.25 0.25 2
same seq -w -3 1
same seq 5 1
same seq x
same pwd
same sleep 0.1
same sleep x
same sleep
same test -n x
same test -z x
same test x = y
same test 3 -lt 10
same test -d text
same test '!' -e nosuch
same test 1 -eq x

# ---- file-system tools: effects read back with GNU stat/ls/find --------------------------
tree() { (cd "$1" && find . | sort | while read -r p; do
    printf '%s %s %s\n' "$p" "$(stat -c %F "$p")" "$( [ -L "$p" ] && readlink "$p" || { [ -f "$p" ] && sha256sum < "$p" | cut -c1-16; } )"; done); }
status 0 mkdir -p fs/a/b/c
check "mkdir -p made the chain" test -d fs/a/b/c
status 0 mkdir -p fs/a/b/c
status 1 mkdir fs/a
same mkdir fs/a
same mkdir nodir/x
status 0 mkdir -m 700 fs/m
check "mkdir -m 700" test "$(stat -c %a fs/m)" = 700
status 0 touch fs/a/f1 fs/a/b/f2
check "touch created files" test -f fs/a/f1 -a -f fs/a/b/f2 -a ! -s fs/a/f1
status 0 touch -t 202001020304.05 fs/a/f1
check "touch -t set the time" test "$(stat -c %Y fs/a/f1)" = "$(date -u -d '2020-01-02 03:04:05' +%s)"
status 0 touch -c fs/nosuch
check "touch -c did not create" test ! -e fs/nosuch
same touch nodir/x
cp text fs/a/b/text
status 0 ln -s text fs/a/b/link
check "ln -s made the link" test "$(readlink fs/a/b/link)" = text
same ln -s text fs/a/b/link
status 0 ln -sf f2 fs/a/b/link
check "ln -sf replaced it" test "$(readlink fs/a/b/link)" = f2
status 0 ln fs/a/b/text fs/hard
check "ln made a hard link" test "$(stat -c %h fs/hard)" = 2
same ln nosuch fs/x
status 0 cp -r fs/a fs/copy
check "cp -r copied the tree" test "$(tree fs/a)" = "$(tree fs/copy)"
mkdir fs/into
status 0 cp -r fs/a fs/into
check "cp -r into a directory" test "$(tree fs/a)" = "$(tree fs/into/a)"
chmod 640 fs/a/f1
status 0 cp -p fs/a/f1 fs/kept
check "cp -p kept mode and mtime" test "$(stat -c '%a %Y' fs/a/f1)" = "$(stat -c '%a %Y' fs/kept)"
status 0 cp text nonl fs/into
check "cp files into a directory" cmp fs/into/nonl nonl
same cp fs/a fs/x
same cp nosuch fs/x
same cp text text
same cp text nonl fs/kept
status 0 mv fs/copy fs/moved
check "mv renamed the tree" test ! -e fs/copy -a "$(tree fs/a)" = "$(tree fs/moved)"
status 0 mv fs/kept fs/into
check "mv into a directory" test -f fs/into/kept -a ! -e fs/kept
same mv nosuch fs/x
same mv fs/into fs/into/sub
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d .)" ]; then
    X=/dev/shm/coreutils-exdev.$$
    status 0 mv fs/moved "$X"
    check "mv across file systems (EXDEV) copied and removed" \
        test ! -e fs/moved -a "$(tree fs/a)" = "$(tree "$X")"
    rm -rf "$X"
else
    ok "# SKIP no second file system for EXDEV"
fi
status 1 rm fs/a
same rm fs/a
same rm nosuch
same rm -f nosuch
same rm -r .
same rm -rf fs/..
same rm -r /
status 0 rm -r fs/into
check "rm -r removed the tree" test ! -e fs/into
status 0 rm fs/hard
check "rm removed a file" test ! -e fs/hard
same rmdir fs/a
same rmdir nosuch
mkdir -p fs/p/q/r
cd fs
status 0 rmdir -p p/q/r
check "rmdir -p removed the parents" test ! -e p
cd "$T"
chmod 755 fs/a/f1
touch -d '2020-01-02 03:04:05' fs/a/f1
touch -d '@1700000000' fs/a/b/f2
same ls fs/a
same ls -a fs/a
same ls -A fs/a
same ls -ln fs/a/b
same ls -lnd fs/a fs/a/f1
same ls -R fs
same ls -1 fs/a/b text nonl
same ls nosuch text
same ls -d fs/a/b/link
same ls -F fs/a/b
cd fs/a; same ls; cd "$T"
# stat: GNU knows birth times and user names, anyk does not; compare everything else
names() { grep -v '^ Birth:' | sed 's,/ *[A-Za-z_][A-Za-z0-9_-]*),/NAME),g'; }
for f in text fs/a/b/link /dev/null fs; do
    check "stat $f (without Birth and user names)" \
        test "$(stat "$f" | names)" = "$($RUN "$BIN/stat" "$f" | names)"
done

echo "1..$n"
[ $failed = 0 ]
