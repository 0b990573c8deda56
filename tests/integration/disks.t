#!/bin/bash
# Disks on the posix host: --disk images appear as /dev/blkN, data written
# reaches the file after sync, an image cannot be used by two anyk processes
# at once, read-only disks refuse writes with EROFS all the way up to the
# program, and host I/O errors reach the program as EIO.
. "$(dirname "$0")/lib.sh"

img=$TMP/disk.img
truncate -s 4M "$img"
printf 'from the host' | dd of="$img" conv=notrunc status=none

run_anyk '' run -q --disk "$img" -- 'head -c 13 /dev/blk0; echo; printf "from anyk" > /dev/blk0; sync'
is "$STATUS" 0 "anyk reads and writes /dev/blk0"
like "$OUT" '^from the host$' "it reads what the host put on the image"
is "$(head -c 9 "$img")" "from anyk" "what it wrote is in the image file after sync"

run_anyk '' run -q --disk "$img" -- 'printf "no sync" > /dev/blk0'
is "$(head -c 7 "$img")" "no sync" "writes still reach the image without sync: halt writes back"

"$ANYK" run -q --disk "$img" -- 'sleep 2' </dev/null >/dev/null 2>&1 &
pid=$!
sleep 0.5
run_anyk '' run -q --disk "$img" -- true
is "$STATUS" 1 "a second anyk on the same image is refused (exit 1)"
like "$OUT" 'in use by another process' "and says the image is in use"
kill $pid 2>/dev/null; wait $pid 2>/dev/null

run_anyk '' run -q --disk "$img,ro" -- 'echo x > /dev/blk0; echo status=$?; ls -l /dev/blk0'
like "$OUT" 'Read-only file system' "a write to a read-only disk fails with EROFS in the program"
like "$OUT" '^status=1$' "the program sees the failure"
like "$OUT" '^br--r--r-- ' "the node of a read-only disk has no write permission"

run_anyk '' run -q --disk "$TMP/missing.img" -- true
is "$STATUS" 1 "a missing image: exit 1"
like "$OUT" "^anyk: --disk $TMP/missing.img: No such file or directory$" "with one clear line"

run_anyk '' run -q --disk "$TMP" -- true
like "$OUT" 'Is a directory' "a directory is refused as a disk"

# The periodic flusher: data reaches the image while anyk still runs, without sync.
truncate -s 4M "$img"
"$ANYK" run -q --disk "$img" --append blk.flush=200 -- 'printf flusher > /dev/blk0; sleep 2' \
    </dev/null >/dev/null 2>&1 &
pid=$!
sleep 1
is "$(head -c 7 "$img")" "flusher" "with --append blk.flush=200 the write is on the image within a second"
kill $pid 2>/dev/null; wait $pid 2>/dev/null

# An I/O error: the image shrinks under anyk, so reading its last block fails.
truncate -s 4M "$img"
"$ANYK" run -q --disk "$img" -- 'sleep 0.5; tail -c 100 /dev/blk0 > /dev/null; echo status=$?' \
    </dev/null >"$TMP/io" 2>&1 &
pid=$!
sleep 0.2
truncate -s 1M "$img"
wait $pid
like "$(cat "$TMP/io")" 'Input/output error' "a failed host read reaches the program as EIO"
like "$(cat "$TMP/io")" '^status=1$' "and the program fails"

done_testing
