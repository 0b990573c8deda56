#!/bin/bash
# anyk-fs: an ext2 image made by mke2fs, worked on without root through anyk's own
# driver. The oracles are e2fsprogs': `e2fsck -fn` must find nothing wrong after
# every change, and `debugfs` must read back what anyk-fs wrote and listed. A tree
# of files (sizes around the ext2 block boundaries, holes, links of both kinds,
# nested directories, odd modes and times) goes in with put -r, comes back with
# get -r, and must compare equal with diff -r and sha256sum.
#
# Three parts: usage and errors that need no file system driver; the tool's own
# logic (copies, path resolution inside the image) on the kernel's tmpfs, in one
# boot; then the ext2 images, skipped while the kernel has no ext2 driver.
. "$(dirname "$0")/lib.sh"

export LC_ALL=C TZ=UTC
PATH=$PATH:/sbin:/usr/sbin
AFS=$ANYK_BUILD/bin/anyk-fs
if [ ! -x "$AFS" ]; then
    echo "1..0 # SKIP $AFS is not built"
    exit 0
fi

# afs ARGS...: run anyk-fs (bounded); sets OUT, ERR and STATUS.
afs() {
    timeout 120 "$AFS" "$@" >"$TMP/out" 2>"$TMP/err"
    STATUS=$?
    OUT=$(cat "$TMP/out")
    ERR=$(cat "$TMP/err")
}

# The permission bits and type of `ls -l` ("drwxr-x---") as an octal st_mode.
mode_octal='
function oct(s,    t, m, i, c) {
    t = substr(s, 1, 1)
    m = 0
    for (i = 2; i <= 10; i++) {
        c = substr(s, i, 1)
        m = m * 2 + (c == "r" || c == "w" || c == "x" || c == "s" || c == "t")
    }
    if (substr(s, 4, 1) ~ /[sS]/) m += 2048
    if (substr(s, 7, 1) ~ /[sS]/) m += 1024
    if (substr(s, 10, 1) ~ /[tT]/) m += 512
    if (t == "d") m += 16384; else if (t == "l") m += 40960; else if (t == "c") m += 8192
    else if (t == "b") m += 24576; else if (t == "p") m += 4096; else if (t == "s") m += 49152
    else m += 32768
    return sprintf("%o", m)
}'

# `anyk-fs ls -lani` and `debugfs ls -l` as "inode mode uid gid size name", sorted.
norm_afs_ls() {
    sed -nE 's/^ *([0-9]+) ([-dlcbps][-rwxsStT]{9}) +[0-9]+ +([0-9]+) +([0-9]+) +([0-9]+) [A-Z][a-z]{2} [ 0-9][0-9] +[0-9:]{4,5} (.*)$/\1 \2 \3 \4 \5 \6/p' |
        sed -E 's/ -> .*$//' | awk "$mode_octal"'{ $2 = oct($2); print }' | sort
}
norm_debugfs_ls() {
    sed -nE 's/^ *([0-9]+) +([0-7]+) +\([0-9]+\) +([0-9]+) +([0-9]+) +([0-9]+) +[0-9]+-[A-Za-z]+-[0-9]+ [0-9:]+ (.*)$/\1 \2 \3 \4 \5 \6/p' |
        sort
}

# Host file attributes that must survive a round trip (symbolic links' own
# times excepted: the program API has no lutimens).
attrs() {
    (cd "$1" && find . -print0 | sort -z | xargs -0 stat -c '%n %F %a %s %h' &&
        find . ! -type l -print0 | sort -z | xargs -0 stat -c '%n %Y' &&
        find . -type l -print0 | sort -z | xargs -0 -n1 readlink)
}
sums() {
    (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

# check DESCRIPTION COMMAND...: ok if COMMAND succeeds; else its output as diagnostics.
check() {
    desc=$1
    shift
    if "$@" >"$TMP/check" 2>&1; then ok 0 "$desc"; else
        ok 1 "$desc"
        head -20 "$TMP/check" | sed 's/^/#   /'
    fi
}

# same GOT EXPECTED DESCRIPTION: like is, for long texts; shows the first differences.
same() {
    printf '%s\n' "$1" >"$TMP/got"
    printf '%s\n' "$2" >"$TMP/want"
    if cmp -s "$TMP/got" "$TMP/want"; then ok 0 "$3"; else
        ok 1 "$3"
        diff "$TMP/want" "$TMP/got" | head -10 | sed 's/^/#   /'
    fi
}

# The tree that goes in: sizes around 1 KiB blocks and the direct/indirect limits,
# a hole, links both ways (a long "slow" target too), modes, names, old times.
make_tree() {
    src=$1
    mkdir -p "$src/nested/a/b/c/d" "$src/empty" "$src/private" "$src/many"
    : >"$src/empty-file"
    echo hello >"$src/hello.txt"
    head -c 1024 /dev/urandom >"$src/one-block"
    head -c 4097 /dev/urandom >"$src/nested/4097"
    head -c $((12 * 1024 + 1)) /dev/urandom >"$src/nested/a/direct-plus-one"
    head -c $((300 * 1024)) /dev/urandom >"$src/nested/a/b/indirect"
    head -c $((5 * 1024 * 1024 + 17)) /dev/urandom >"$src/nested/a/b/c/double-indirect"
    truncate -s 20M "$src/sparse"
    printf 'middle' | dd of="$src/sparse" bs=1 seek=$((10 * 1024 * 1024)) conv=notrunc 2>/dev/null
    echo secret >"$src/private/key"
    chmod 0600 "$src/private/key"
    chmod 0700 "$src/private"
    echo run >"$src/tool"
    chmod 4755 "$src/tool"
    chmod 1777 "$src/empty"
    ln -s hello.txt "$src/rel-link"
    ln -s /nested/a/b "$src/abs-link"
    ln -s does-not-exist "$src/dangling"
    ln -s "$(printf 'x%.0s' $(seq 1 100))/target" "$src/slow-link"
    ln "$src/hello.txt" "$src/nested/hard"
    echo spaced >"$src/with space"
    touch "$src/$(printf 'n%.0s' $(seq 1 255))"
    for i in $(seq 1 300); do echo "$i" >"$src/many/file-$i"; done
    touch -h -d '2001-02-03 04:05:06' "$src/hello.txt" "$src/nested/a/b/c" "$src/one-block"
    touch -d '1999-12-31 23:59:59' "$src/nested"
}

# ---- part 1: usage and errors (no driver needed) ---------------------------------------

afs
is "$STATUS" 2 "no arguments: a usage error, exit 2"
like "$ERR" "^Try 'anyk-fs --help'" "and it says where to read more"
afs --help
is "$STATUS" 0 "--help exits 0"
like "$OUT" '^Usage: anyk-fs ' "and prints the usage on stdout"
head -c 1M /dev/zero >"$TMP/zero.img"
afs "$TMP/zero.img"
is "$STATUS" 2 "an image but no command: usage, exit 2"
like "$ERR" "^anyk-fs: missing command" "saying the command is missing"
afs "$TMP/zero.img" frobnicate /
is "$STATUS" 2 "an unknown command: exit 2"
is "$(head -1 "$TMP/err")" "anyk-fs: unknown command 'frobnicate'" "named in the message"
afs "$TMP/zero.img" ls -Z /
is "$STATUS" 2 "an unknown option: exit 2"
afs "$TMP/zero.img" chmod u+x /a
is "$STATUS" 2 "a mode that is not octal: exit 2"
afs "$TMP/zero.img" mv /a
is "$STATUS" 2 "mv without a destination: exit 2"
afs "$TMP/no-such.img" ls /
is "$STATUS" 1 "a missing image: exit 1"
is "$ERR" "anyk-fs: cannot open '$TMP/no-such.img': No such file or directory" \
    "with one line in cp's words"
afs "$TMP" ls /
is "$STATUS:$ERR" "1:anyk-fs: cannot open '$TMP': Is a directory" "a directory as the image: exit 1"
timeout 60 flock "$TMP/zero.img" "$AFS" "$TMP/zero.img" mkdir /x >/dev/null 2>"$TMP/err"
is "$?:$(cat "$TMP/err")" "1:anyk-fs: cannot open '$TMP/zero.img': in use by another process" \
    "an image locked by another process is refused"

# ---- part 2: the tool's logic on the kernel's tmpfs, one boot ------------------------------

make_tree "$TMP/src"
mkdir "$TMP/back"
afs -t tmpfs "$TMP/zero.img" put -r "$TMP/src" / ';' mkdir -p /x/y ';' \
    ln -s /src/hello.txt /x/abs ';' ln -s ../../.. /x/y/up ';' \
    get -r /src "$TMP/back" ';' cat /x/abs /x/y/up/src/rel-link ';' \
    ls /x/y/up/.. ';' cat /../proc/meminfo
is "$STATUS" 1 "tmpfs: one boot runs every command (the last one fails on purpose)"
is "$ERR" "anyk-fs: /../proc/meminfo: No such file or directory" \
    "'..' at the image's root stays in the image"
is "$OUT" "$(printf 'hello\nhello\nsrc\nx')" \
    "absolute and relative links resolve inside the image, not the kernel's root"
check "tmpfs: put -r then get -r gives back the same tree (diff -r)" \
    diff -r --no-dereference "$TMP/src" "$TMP/back/src"
same "$(attrs "$TMP/back/src")" "$(attrs "$TMP/src")" \
    "tmpfs: types, modes, sizes, link counts, times and link targets survive"
is "$(stat -c %i "$TMP/back/src/hello.txt")" "$(stat -c %i "$TMP/back/src/nested/hard")" \
    "tmpfs: hard links stay linked"
blocks=$(stat -c %b "$TMP/back/src/sparse")
ok $([ "$blocks" -lt 1024 ]; echo $?) "tmpfs: a sparse file stays sparse ($blocks blocks)"

# ---- part 3: ext2 images made by mke2fs ---------------------------------------------------

if ! command -v mke2fs >/dev/null || ! command -v e2fsck >/dev/null ||
    ! command -v debugfs >/dev/null; then
    ok 0 "ext2 images # SKIP e2fsprogs (mke2fs, e2fsck, debugfs) is not installed"
    done_testing
    exit
fi
img=$TMP/img
mke2fs -q -t ext2 -F "$img" 64M >/dev/null 2>&1
afs "$img" ls /
if printf '%s' "$ERR" | grep -q "unknown file system type"; then
    ok 0 "ext2 images # SKIP this anyk has no ext2 driver yet ($ERR)"
    done_testing
    exit
fi
is "$STATUS:$OUT" "0:lost+found" "ls / on a fresh mke2fs image shows lost+found"

fsck_ok() { # fsck_ok WHEN
    check "e2fsck -fn finds nothing wrong $1" e2fsck -fn "$img"
}

afs "$img" put -r "$TMP/src" /
is "$STATUS:$ERR" "0:" "put -r of the tree: exit 0, nothing on stderr"
fsck_ok "after put -r"

afs "$img" ls -lani /src
is "$STATUS" 0 "ls -lani /src"
got=$(printf '%s\n' "$OUT" | grep -v ' with space$' | norm_afs_ls)
want=$(debugfs -R 'ls -l /src' "$img" 2>/dev/null | grep -v ' with space$' | norm_debugfs_ls)
same "$got" "$want" "debugfs ls -l agrees with anyk-fs ls: inodes, modes, owners, sizes, names"
like "$OUT" ' rel-link -> hello\.txt$' "ls -l shows a link's target"
want=$(printf '%s\n' "$OUT" | awk '$NF == "tool" { print $1 }')
like "$(debugfs -R 'stat /src/tool' "$img" 2>/dev/null)" "^Inode: $want .*Mode: +04755" \
    "debugfs sees the set-uid bit put -r copied"
mtime=$(debugfs -R 'stat /src/hello.txt' "$img" 2>/dev/null | sed -nE 's/^ *mtime: (0x[0-9a-f]+).*/\1/p')
is "$((mtime))" "$(stat -c %Y "$TMP/src/hello.txt")" "debugfs sees the modification time put kept"
debugfs -R "dump /src/nested/a/b/c/double-indirect $TMP/dumped" "$img" >/dev/null 2>&1
check "debugfs reads back a 5 MiB file (double indirect blocks) as written" \
    cmp "$TMP/dumped" "$TMP/src/nested/a/b/c/double-indirect"
debugfs -R "dump /src/sparse $TMP/dumped" "$img" >/dev/null 2>&1
check "and the sparse file" cmp "$TMP/dumped" "$TMP/src/sparse"
like "$(debugfs -R 'stat /src/slow-link' "$img" 2>/dev/null)" "Size: 107" \
    "debugfs sees the 107-byte (slow) link target"

before=$(sha256sum <"$img")
rm -rf "$TMP/back" && mkdir "$TMP/back"
afs "$img" get -r /src "$TMP/back"
is "$STATUS:$ERR" "0:" "get -r of the tree: exit 0, nothing on stderr"
check "get -r gives back what put -r wrote (diff -r)" \
    diff -r --no-dereference "$TMP/src" "$TMP/back/src"
same "$(sums "$TMP/back/src")" "$(sums "$TMP/src")" "and every file's sha256 matches"
same "$(attrs "$TMP/back/src")" "$(attrs "$TMP/src")" \
    "types, modes, sizes, link counts, times and link targets survive the round trip"
is "$(stat -c %i "$TMP/back/src/hello.txt")" "$(stat -c %i "$TMP/back/src/nested/hard")" \
    "hard links stay linked"
blocks=$(stat -c %b "$TMP/back/src/sparse")
ok $([ "$blocks" -lt 1024 ]; echo $?) "a sparse file stays sparse both ways ($blocks blocks)"
afs "$img" cat /src/hello.txt /src/rel-link
is "$OUT" "$(printf 'hello\nhello')" "cat, also through a link"
afs "$img" tree /src/nested
is "$OUT" "/src/nested
|-- 4097
|-- a
|   |-- b
|   |   |-- c
|   |   |   |-- d
|   |   |   \`-- double-indirect
|   |   \`-- indirect
|   \`-- direct-plus-one
\`-- hard

4 directories, 5 files" "tree draws the tree and counts directories and files (ASCII in the C locale)"
afs "$img" df
is "$STATUS" 0 "df"
read -r _ size used avail pct mnt <<<"$(printf '%s\n' "$OUT" | tail -1)"
bs=$(dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Block size: *//p')
free=$(dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Free blocks: *//p')
resv=$(dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Reserved block count: *//p')
is "$avail" "$(((free - resv) * bs / 1024))" "df's Available is dumpe2fs's free less reserved blocks"
is "$mnt" "/" "df shows the image's root"
afs "$img" stat /src/hello.txt /src/rel-link
like "$OUT" '^  File: /src/rel-link -> hello\.txt$' "stat shows a link and its target"
like "$OUT" '^Access: \(0644/-rw-r--r--\)  Uid: \( *[0-9]+/ *[^ ]+\)   Gid: \(' \
    "stat's Access line is GNU stat's"
like "$OUT" '^Modify: 2001-02-03 04:05:06\.0+ \+0000$' "and so is its Modify line"
is "$(sha256sum <"$img")" "$before" "ls, cat, get, tree, df and stat leave the image untouched"

afs "$img" mkdir -p /new/a/b/c ';' mv /src/hello.txt /new/a/moved.txt ';' \
    ln /new/a/moved.txt /new/hard ';' ln -s ../x /new/sym ';' chmod 640 /new/a/moved.txt ';' \
    rm -r /src/nested /src/many ';' rm /src/empty-file ';' mkdir /new/a
is "$STATUS" 1 "mkdir -p, mv, ln, ln -s, chmod, rm -r, rm in one boot (the last mkdir fails)"
is "$ERR" "anyk-fs: cannot create directory '/new/a': File exists" "mkdir of an existing directory"
fsck_ok "after mkdir, mv, ln, chmod and rm -r"
like "$(debugfs -R 'stat /new/a/b/c' "$img" 2>/dev/null)" "Type: directory" \
    "debugfs sees the directory mkdir -p made"
dbg=$(debugfs -R 'stat /new/a/moved.txt' "$img" 2>/dev/null)
like "$dbg" "Mode: +0640" "debugfs sees chmod's mode"
like "$dbg" "Links: 2" "and the second link"
like "$(debugfs -R 'stat /new/sym' "$img" 2>/dev/null)" 'Fast link dest: "\.\./x"' \
    "debugfs reads the symbolic link"
debugfs -R 'ls /src' "$img" 2>/dev/null >"$TMP/ls"
unlike "$(cat "$TMP/ls")" '(hello\.txt|nested|many|empty-file)' "moved and removed names are gone"
afs "$img" stat /new/hard
like "$OUT" "^Device: .*Inode: $(printf '%s' "$dbg" | sed -nE 's/^Inode: ([0-9]+).*/\1/p') +Links: 2$" \
    "stat agrees with debugfs on the inode and its link count"

# Errors in the words of cp and ls, exit 1, and the image still clean.
afs "$img" get /missing "$TMP/x"
is "$STATUS:$ERR" "1:anyk-fs: cannot stat '/missing': No such file or directory" \
    "get of a missing file"
afs "$img" stat /missing
is "$STATUS:$ERR" "1:anyk-fs: cannot stat '/missing': No such file or directory" \
    "stat of a missing file"
afs "$img" ls /missing
is "$STATUS:$ERR" "1:anyk-fs: cannot access '/missing': No such file or directory" \
    "ls of a missing file"
afs "$img" put "$TMP/missing" /
is "$STATUS:$ERR" "1:anyk-fs: cannot stat '$TMP/missing': No such file or directory" \
    "put of a missing host file"
afs "$img" rm /new
is "$STATUS:$ERR" "1:anyk-fs: cannot remove '/new': Is a directory" "rm of a directory without -r"
afs "$img" rm -r /
is "$STATUS" 1 "rm -r / is refused"
afs "$img" get /src "$TMP/x"
is "$STATUS:$ERR" "1:anyk-fs: -r not specified; omitting directory '/src'" "get of a directory without -r"
rm -r "$TMP/x" 2>/dev/null
afs "$img" rm -r /new /src
is "$STATUS:$ERR" "0:" "rm -r of everything put there"
fsck_ok "after removing everything"
afs "$TMP/zero.img" ls /
is "$STATUS" 1 "an image that is not ext2: exit 1"
like "$ERR" "^anyk-fs: cannot mount '$TMP/zero\.img'" "saying it cannot be mounted"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "in one line: $ERR"

done_testing
