#!/bin/bash
# Booting with an ext2 root: `anyk run --disk root.img --root /dev/blk0` on an
# image that mke2fs made from the build's rootfs; what anyk writes is there
# for debugfs, e2fsck finds nothing wrong, and the file system is marked clean
# after halt, Ctrl-C-style shutdown (SIGTERM) included.
. "$(dirname "$0")/lib.sh"

img=$TMP/root.img
mke2fs -q -t ext2 -d "$ANYK_BUILD/rootfs" -F "$img" 32M >/dev/null 2>&1
ok $? "mke2fs made a root image from $ANYK_BUILD/rootfs"

run_anyk '' run -q --disk "$img" --root /dev/blk0 -- \
    'head -n 1 /proc/mounts; echo kept > /home/note; mkdir /home/d; ln -s note /home/l; exit 4'
is "$STATUS" 4 "the shell on the ext2 root runs and exits 4"
like "$OUT" '^/dev/blk0 / ext2 rw 0 0$' "/ is the ext2 disk"
is "$(debugfs -R 'cat /home/note' "$img" 2>/dev/null)" "kept" "debugfs reads the file anyk wrote"
is "$(debugfs -R 'stat /home/l' "$img" 2>/dev/null | grep -c 'Fast link dest: "note"')" 1 \
    "and the symlink"
out=$(e2fsck -fn "$img" 2>&1)
ok $? "e2fsck -fn finds nothing wrong"
[ $? -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'
like "$(dumpe2fs -h "$img" 2>/dev/null)" '^Filesystem state: +clean$' "the file system is marked clean after halt"

"$ANYK" run -q --disk "$img" --root /dev/blk0 -- 'echo before > /home/sig; sleep 100' \
    </dev/null >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -TERM $pid
wait $pid
is "$?" 143 "SIGTERM to anyk shuts it down: exit 143"
is "$(debugfs -R 'cat /home/sig' "$img" 2>/dev/null)" "before" "what was written before is on disk"
e2fsck -fn "$img" >/dev/null 2>&1
ok $? "e2fsck -fn is clean after the SIGTERM shutdown"
like "$(dumpe2fs -h "$img" 2>/dev/null)" '^Filesystem state: +clean$' "and the state is clean"

run_anyk '' run -q --disk "$img,ro" --root /dev/blk0 -- 'echo x > /home/y; echo status=$?; head -n 1 /proc/mounts'
like "$OUT" '^/dev/blk0 / ext2 ro 0 0$' "a read-only disk gives a read-only root"
like "$OUT" 'Read-only file system' "writes fail with EROFS"

truncate -s 1M "$TMP/empty.img"
run_anyk '' run -q --disk "$TMP/empty.img" --root /dev/blk0 -- true
is "$STATUS" 1 "a disk that is not ext2 cannot be the root: exit 1"
like "$OUT" 'root: cannot mount /dev/blk0' "with a clear message"

done_testing
