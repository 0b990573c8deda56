#!/bin/bash
# The ext2 driver against mutated images: libFuzzer (tests/fuzz/ext2_fuzz.c,
# built by `make fuzz` with clang, ASan and UBSan) mounts each mutation of
# images that mke2fs made, walks, reads and writes it, and unmounts. A bounded
# number of runs must end with no crash, no sanitizer report, no leak.
. "$(dirname "$0")/lib.sh"

fuzzer=${ANYK_FUZZER:-build/clang-san-fuzz/fuzz/ext2_fuzz}
runs=${ANYK_FUZZ_RUNS:-4000}
if ! [ -x "$fuzzer" ]; then
    ok 1 "the fuzzer $fuzzer is built (make fuzz)"
    done_testing
    exit
fi
mkdir -p "$TMP/tree/dir/sub" "$TMP/corpus"
echo "hello" > "$TMP/tree/small"
head -c 70000 /dev/urandom > "$TMP/tree/dir/big"
ln -s small "$TMP/tree/link"
ln -s "$(printf 'x%.0s' $(seq 1 100))" "$TMP/tree/dir/longlink"
for i in $(seq 1 30); do echo "$i" > "$TMP/tree/dir/sub/f$i"; done
n=0
for bs in 1024 2048 4096; do
    img="$TMP/corpus/seed-$bs"
    mke2fs -q -t ext2 -b $bs -I 128 -N 64 -d "$TMP/tree" -F "$img" 1M >/dev/null 2>&1 &&
        n=$((n + 1))
done
is "$n" 3 "mke2fs made three seed images (1, 2 and 4 KiB blocks)"
e2fsck -fn "$TMP/corpus/seed-1024" >/dev/null 2>&1
ok $? "the seeds are clean for e2fsck"
"$fuzzer" -runs="$runs" -max_len=1048576 -rss_limit_mb=1024 -timeout=10 \
    "$TMP/corpus" >"$TMP/log" 2>&1
st=$?
ok $st "$runs mutated images mounted, walked, written and unmounted: no crash, no sanitizer \
report, no leak"
[ $st -eq 0 ] || tail -30 "$TMP/log" | sed 's/^/#   /'
like "$(tail -3 "$TMP/log")" "Done $runs runs" "libFuzzer completed all $runs runs"
done_testing
