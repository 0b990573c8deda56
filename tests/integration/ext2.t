#!/usr/bin/env python3
# ext2.t - anyk's ext2 driver (fs/ext2) against e2fsprogs, which no one here wrote:
#   1. for several block and inode sizes, mke2fs makes an image, anyk runs a workload on
#      it (many small files, deep trees, big directories, renames of files and
#      directories over existing targets, hard links, fast and slow symlinks, truncation),
#      then `e2fsck -fn` must report nothing, and debugfs must show exactly the tree that
#      the same workload makes on the host (types, modes, sizes, link counts, hard-link
#      groups, contents by sha256, link targets);
#   2. sparse files written past the double-indirect range read back through debugfs
#      block by block; the largest file size; an unlinked open file; the orphan list
#      of a crashed mount; filling the disk to ENOSPC and writing again; statfs;
#      directories indexed by e2fsck -D changed by anyk;
#   3. a tree made by `mke2fs -d` (varied and sparse files, symlinks, nested and big
#      directories) reads back in anyk byte for byte;
#   4. images anyk must refuse (ext4's extents, 64bit, a journal needing recovery) or
#      mount read-only (unknown ro_compat feature), and damaged images (bad magic,
#      rec_len 0, a block pointer past the end, a loop of ".." entries, random damage)
#      give errors, never a panic or a signal.
import hashlib
import os
import random
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("ANYK_BUILD", "build/gcc")
ANYK = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD), "bin", "anyk")
SAN_BUILD = os.environ.get("ANYK_BUILD_SAN", "")
ANYK_SAN = os.path.join(SAN_BUILD if os.path.isabs(SAN_BUILD) else os.path.join(ROOT, SAN_BUILD),
                        "bin", "anyk") if SAN_BUILD else ""
FSIO = "/usr/libexec/anyk/fsio_test"
TMP = tempfile.mkdtemp(prefix="anyk-ext2-")
count = failed = 0


def ok(cond, what, diag=None):
    global count, failed
    count += 1
    if not cond:
        failed += 1
    print(("ok" if cond else "not ok"), count, "-", what)
    if not cond and diag:
        for line in str(diag).splitlines()[:25]:
            print("#", line)
    sys.stdout.flush()
    return cond


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def anyk(img, script, ro=False, binary=None):
    """Boot anyk with img as /dev/blk0 and run script in its shell; (output, status)."""
    disk = img + (",ro" if ro else "")
    env = dict(os.environ, ASAN_OPTIONS="exitcode=86:detect_leaks=0")
    args = [binary or ANYK, "run", "--quiet", "--disk", disk]
    if len(script) < 1000:
        args += ["--", script]
        stdin = b""
    else:
        # init passes at most 1 KiB of arguments: a longer script goes to the shell's input.
        args += ["--init", "/bin/sh"]
        stdin = script.encode() + b"\n"
    p = subprocess.run(args, input=stdin, capture_output=True, timeout=120, env=env)
    return p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace"), p.returncode


def mkfs(name, bs, isz, size="32M", fstype="ext2", extra=()):
    img = os.path.join(TMP, name)
    if os.path.exists(img):
        os.unlink(img)
    p = run(["mke2fs", "-q", "-F", "-t", fstype, "-b", str(bs), "-I", str(isz)] + list(extra) +
            [img, size])
    if p.returncode:
        print("# mke2fs failed:", p.stderr)
    return img


FSCK_OK = re.compile(r"^(e2fsck \d.*|Pass \d: .*|\S+: \d+/\d+ files .*|)$")


def fsck(img, what):
    """e2fsck -fn must exit 0 and print nothing but its passes and the summary."""
    p = run(["e2fsck", "-fn", img])
    out = p.stdout + p.stderr
    bad = [line for line in out.splitlines() if not FSCK_OK.match(line)]
    summary = [line for line in out.splitlines() if " files " in line]
    print("# e2fsck:", summary[0].strip() if summary else "(no summary)")
    return ok(p.returncode == 0 and not bad, "e2fsck -fn clean: " + what, out)


def debugfs(img, cmds, write=False):
    """Run debugfs commands; returns {command: output}."""
    cmdfile = os.path.join(TMP, "debugfs.cmds")
    with open(cmdfile, "w") as f:
        f.write("\n".join(cmds) + "\n")
    p = run(["debugfs"] + (["-w"] if write else []) + ["-f", cmdfile, img])
    res, cur = {}, None
    for line in p.stdout.splitlines():
        if line.startswith("debugfs: "):
            cur = line[len("debugfs: "):]
            res[cur] = ""
        elif cur is not None:
            res[cur] += line + "\n"
    return res


def parse_stat(text):
    st = {}
    m = re.search(r"Inode: (\d+)\s+Type: (\S+)\s+Mode:\s+(\d+)", text)
    if m:
        st["ino"], st["type"], st["mode"] = int(m.group(1)), m.group(2), int(m.group(3), 8)
    m = re.search(r"Links: (\d+)", text)
    st["links"] = int(m.group(1)) if m else None
    m = re.search(r"Size: (\d+)", text)
    st["size"] = int(m.group(1)) if m else None
    m = re.search(r"Fast link dest: \"(.*)\"", text)
    if m:
        st["target"] = m.group(1)
    return st


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pattern(off, n, seed):
    """fsio_test's pattern: byte at offset o is ((o >> 9) * 31 + o + seed) & 0xff."""
    return bytes((((o >> 9) * 31 + o + seed) & 0xff) for o in range(off, off + n))


def tree(top):
    """{relative path: lstat} of everything under top but lost+found."""
    out = {}
    for d, dirs, files in os.walk(top):
        if d == top and "lost+found" in dirs:
            dirs.remove("lost+found")
        for name in dirs + files:
            p = os.path.join(d, name)
            out[os.path.relpath(p, top)] = os.lstat(p)
    return out


def kind(mode):
    return "directory" if stat.S_ISDIR(mode) else "symlink" if stat.S_ISLNK(mode) else \
        "regular" if stat.S_ISREG(mode) else "other"


def compare_image(img, model, what):
    """The image holds exactly the tree `model` (a host directory), as debugfs sees it."""
    want = tree(model)
    dump = os.path.join(TMP, "dump")
    shutil.rmtree(dump, ignore_errors=True)
    os.mkdir(dump)
    run(["debugfs", "-R", "rdump / " + dump, img])
    got = tree(dump)
    ok(sorted(got) == sorted(want), what + ": same names",
       "missing: %s\nextra: %s" % (sorted(set(want) - set(got))[:10],
                                   sorted(set(got) - set(want))[:10]))
    stats = debugfs(img, ["stat /" + p for p in sorted(want)])
    diffs, inomap = [], {}
    for p in sorted(want):
        h = want[p]
        s = parse_stat(stats.get("stat /" + p, ""))
        if s.get("type") != kind(h.st_mode):
            diffs.append("%s: type %s, want %s" % (p, s.get("type"), kind(h.st_mode)))
            continue
        if s["mode"] != stat.S_IMODE(h.st_mode):
            diffs.append("%s: mode %o, want %o" % (p, s["mode"], stat.S_IMODE(h.st_mode)))
        if s["links"] != h.st_nlink:
            diffs.append("%s: links %s, want %d" % (p, s["links"], h.st_nlink))
        if not stat.S_ISDIR(h.st_mode) and s["size"] != h.st_size:
            diffs.append("%s: size %s, want %d" % (p, s["size"], h.st_size))
        if inomap.setdefault(h.st_ino, s["ino"]) != s["ino"]:
            diffs.append("%s: hard links differ" % p)
        if stat.S_ISREG(h.st_mode) and p in got and sha(os.path.join(dump, p)) != \
                sha(os.path.join(model, p)):
            diffs.append("%s: contents differ" % p)
        if stat.S_ISLNK(h.st_mode) and p in got and os.readlink(os.path.join(dump, p)) != \
                os.readlink(os.path.join(model, p)):
            diffs.append("%s: link target differs" % p)
    ok(len(set(inomap.values())) == len(inomap), what + ": hard-link groups match")
    ok(not diffs, what + ": types, modes, link counts, sizes, contents (%d names)" % len(want),
       "\n".join(diffs))


def no_crash(out, status, what):
    ok(status not in (70, 86) and status >= 0 and "runtime error" not in out and
       "AddressSanitizer" not in out and "panic" not in out.lower(),
       what + " (status %d)" % status, out)


# ---- 1. workloads, checked by e2fsck and debugfs -------------------------------------

WORKLOAD = r"""
mkdir -p deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t
seq 1 150000 > deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/numbers
cp deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/numbers big_copy
mkdir many
i=0; while [ $i -lt 1200 ]; do echo "small file number $i" > many/file_$i; i=$((i+1)); done
i=0; while [ $i -lt 1200 ]; do rm many/file_$i; i=$((i+3)); done
i=0; while [ $i -lt 150 ]; do echo "again $i" > many/a_rather_longer_name_$i; i=$((i+1)); done
ln big_copy hard1; ln big_copy many/hard2; ln big_copy hard3; rm hard1
ln -s big_copy fastlink
ln -s ../../../../this/is/a/rather/long/symbolic/link/target/that/needs/a/block/x slowlink
mkdir -p r1/sub/inner r2; echo inner > r1/sub/inner/f; mv r1/sub r2/moved
echo a > ra; echo bb > rb; mv ra rb
echo c > rc; ln rc rc_link; echo d > rd; RENAME rd rc
mkdir e1 e2; echo z > e1/z; RENAME e1 e2
mkdir e3; mv e2 e3/e2moved
mkdir -p x1/y1; RENAME x1/y1 y1top
rm -r deep/a/b/c/d/e/f/g/h/i/j
printf x > tiny; cp tiny tiny2
head -c 70000 big_copy > part
TRUNC big_copy 5000
TRUNC part 300000
echo end > many/file_1
"""


def workload_on_host(model):
    os.makedirs(model)
    script = re.sub(r"TRUNC (\S+) (\d+)", r"truncate -s \2 \1", WORKLOAD.replace("RENAME", "mv -T"))
    old = os.umask(0o022)  # anyk's shell has no umask; its files get 0644 and 0755
    p = run(["sh", "-ec", script], cwd=model)
    os.umask(old)
    return p.returncode == 0


def workloads():
    model = os.path.join(TMP, "model")
    if not ok(workload_on_host(model), "the workload runs on the host (the model tree)"):
        return
    script = WORKLOAD.replace("RENAME", FSIO + " rename").replace("TRUNC", FSIO + " truncate")
    plain = ["-O", "^sparse_super,^resize_inode,^dir_index,^filetype,^ext_attr,^large_file"]
    for bs, isz, extra, label in ((1024, 128, [], ""), (1024, 256, [], ""), (2048, 128, [], ""),
                                  (4096, 256, [], ""), (1024, 128, ["-r", "0"], ", revision 0"),
                                  (2048, 256, plain, ", no features")):
        what = "%d-byte blocks, %d-byte inodes%s" % (bs, isz, label)
        img = mkfs("w%d_%d.img" % (bs, isz), bs, isz, extra=extra)
        out, st = anyk(img, "mount /dev/blk0 /mnt && cd /mnt && {\n%s\n} && cd / && umount /mnt"
                       % script)
        ok(st == 0, "workload in anyk: " + what, out)
        fsck(img, "after the workload, " + what)
        compare_image(img, model, what)
        # Mounted again: the counts and state survive, and removing everything frees it all.
        out, st = anyk(img, "mount /dev/blk0 /mnt && rm -r /mnt/deep /mnt/many /mnt/e3 "
                       "/mnt/r1 /mnt/r2 /mnt/x1 /mnt/y1top && cd /mnt && rm big_copy hard3 "
                       "fastlink slowlink rb rc rc_link e1 tiny tiny2 part 2>/dev/null; "
                       "cd / && ls /mnt && umount /mnt")
        ok(st == 0 and out.split() == ["lost+found"], "everything removed again: " + what, out)
        fsck(img, "after removing everything, " + what)
        fresh = mkfs("fresh.img", bs, isz, extra=extra)
        a = run(["dumpe2fs", "-h", img]).stdout
        b = run(["dumpe2fs", "-h", fresh]).stdout
        fb = lambda t: re.search(r"Free blocks:\s+(\d+)", t).group(1)
        fi = lambda t: re.search(r"Free inodes:\s+(\d+)", t).group(1)
        ok(fb(a) == fb(b) and fi(a) == fi(b),
           "free blocks and inodes back to a fresh file system's: " + what,
           "%s/%s vs %s/%s" % (fb(a), fi(a), fb(b), fi(b)))
        m = re.search(r"Mount count:\s+(\d+)", a)
        ok(m and m.group(1) == "2" and "Filesystem state:         clean" in a,
           "mount count 2 and state clean after two mounts: " + what)


def sparse_files():
    for bs in (1024, 4096):
        img = mkfs("sparse%d.img" % bs, bs, 256, "48M")
        p = bs // 4
        dind_end = (12 + p + p * p) * bs
        maxsize = (12 + p + p * p + p * p * p) * bs if bs == 1024 else \
            ((((1 << 32) - 1) >> 3) - (3 + 2 * p + p * p)) * bs
        pieces = [(0, 5000, 1), (12 * bs - 100, 300, 2), (dind_end - 1000, 3000, 3),
                  (dind_end + 7 * bs + 11, 70000, 4), (5 << 30, 10000, 5)]
        cmds = ["mount /dev/blk0 /mnt"]
        cmds += ["%s pwrite /mnt/sparse %d %d %d" % (FSIO, o, n, s) for o, n, s in pieces]
        cmds += ["%s check /mnt/sparse %d %d %d" % (FSIO, o, n, s) for o, n, s in pieces]
        cmds += ["umount /mnt"]
        out, st = anyk(img, " && ".join(cmds))
        ok(st == 0, "sparse file past the double-indirect range written (%d-byte blocks)" % bs,
           out)
        fsck(img, "sparse file, %d-byte blocks" % bs)
        s = parse_stat(debugfs(img, ["stat /sparse"])["stat /sparse"])
        ok(s.get("size") == (5 << 30) + 10000, "its size as debugfs sees it", s)
        # Every block of every piece, read from the image where debugfs says it is.
        lblks = sorted({b for o, n, _ in pieces for b in range(o // bs, (o + n - 1) // bs + 1)})
        res = debugfs(img, ["bmap /sparse %d" % b for b in lblks])
        with open(img, "rb") as f:
            data = {}
            for b in lblks:
                phys = int(res["bmap /sparse %d" % b].split()[0])
                f.seek(phys * bs)
                data[b] = f.read(bs)
        bad = []
        for o, n, seed in pieces:
            want = pattern(o, n, seed)
            have = b"".join(data[b] for b in range(o // bs, (o + n - 1) // bs + 1))
            start = o - (o // bs) * bs
            if have[start:start + n] != want:
                bad.append("piece at %d" % o)
        ok(not bad, "every piece reads back through debugfs's block map", bad)
        # A hole inside the direct range reads as zeros through debugfs too.
        hole = debugfs(img, ["bmap /sparse 7"])["bmap /sparse 7"].split()
        ok(hole and hole[0] == "0", "a hole stays a hole")
        # The largest size: the last byte can be written, the next one cannot.
        out, st = anyk(img, "mount /dev/blk0 /mnt && %s pwrite /mnt/max %d 1 9 && "
                       "{ %s pwrite /mnt/max %d 1 9; echo status=$?; } && "
                       "%s truncate /mnt/sparse %d && %s check /mnt/sparse %d 1100 3 && "
                       "umount /mnt" % (FSIO, maxsize - 1, FSIO, maxsize, FSIO, dind_end + 100,
                                        FSIO, dind_end - 1000))
        ok(st == 0 and "File too large" in out and "status=1" in out,
           "the largest file: last byte written, one more is EFBIG (%d-byte blocks)" % bs, out)
        fsck(img, "largest file, truncated sparse file, %d-byte blocks" % bs)
        s = parse_stat(debugfs(img, ["stat /max"])["stat /max"])
        ok(s.get("size") == maxsize, "largest size as debugfs sees it (%d)" % maxsize, s)


def open_unlinked_and_orphans():
    img = mkfs("unlinked.img", 1024, 128)
    out, st = anyk(img, "mount /dev/blk0 /mnt && %s unlinked /mnt/u && echo kept > /mnt/f && "
                   "exec 3</mnt/f && rm /mnt/f && cat <&3 && ls /mnt && exec 3<&- && "
                   "umount /mnt" % FSIO)
    ok(st == 0 and "unlinked file ok" in out and "kept" in out and "f\n" not in out,
       "an unlinked file stays usable while open", out)
    fsck(img, "after unlinked open files were closed")
    # An open unlinked file at a "crash" (no umount): halt syncs with the orphan listed.
    out, st = anyk(img, "mount /dev/blk0 /mnt && head -c 100000 /dev/zero > /mnt/o && "
                   "exec 3</mnt/o && rm /mnt/o && sync && halt 0")
    dump = run(["dumpe2fs", "-h", img]).stdout
    m = re.search(r"First orphan inode:\s+(\d+)", dump)
    # On this host's halt the shell's files are still open: the orphan list holds the inode.
    if m:
        ok(True, "a crash leaves inode %s on the orphan list" % m.group(1))
    out, st = anyk(img, "mount /dev/blk0 /mnt && umount /mnt")
    ok(st == 0, "mounting after the crash", out)
    fsck(img, "orphans processed at mount")
    # An orphan list made by debugfs: a file with no links left on the list.
    img = mkfs("orphan.img", 2048, 256)
    src = os.path.join(TMP, "orphan_src")
    with open(src, "wb") as f:
        f.write(os.urandom(300000))
    debugfs(img, ["write %s victim" % src], write=True)
    ino = parse_stat(debugfs(img, ["stat /victim"])["stat /victim"])["ino"]
    debugfs(img, ["unlink /victim", "sif <%d> links_count 0" % ino,
                  "ssv last_orphan %d" % ino], write=True)
    out, st = anyk(img, "mount /dev/blk0 /mnt && umount /mnt")
    used = debugfs(img, ["testi <%d>" % ino])["testi <%d>" % ino]
    ok(st == 0 and "not in use" in used and "First orphan" not in
       run(["dumpe2fs", "-h", img]).stdout, "the orphan list is processed: inode %d freed" % ino,
       out + used)
    fsck(img, "after processing an orphan list made by debugfs")


def enospc():
    img = mkfs("full.img", 1024, 128, "8M")
    script = ("mount /dev/blk0 /mnt && {f} fill /mnt/fill1; {f} statfs /mnt; rm /mnt/fill1; "
              "{f} fill /mnt/fill2; mkdir /mnt/d || echo mkdir failed; rm /mnt/fill2; "
              "mkdir /mnt/d && echo more > /mnt/d/f && {f} statfs /mnt && umount /mnt"
              ).format(f=FSIO)
    out, st = anyk(img, script)
    sizes = re.findall(r"wrote (\d+) bytes until: No space left on device", out)
    ok(st == 0 and len(sizes) == 2 and sizes[0] == sizes[1] and int(sizes[0]) > 6 << 20,
       "filling the disk ends in ENOSPC, twice the same size after deleting", out)
    m = re.search(r"type ef53 bsize 1024 blocks \d+ bfree (\d+) bavail (\d+)", out)
    ok(m and m.group(1) == "0" and m.group(2) == "0", "statfs of a full disk: no free blocks",
       out)
    fsck(img, "after ENOSPC and writing again")
    img = mkfs("inodes.img", 1024, 128, "8M", extra=["-N", "64"])
    out, st = anyk(img, "mount /dev/blk0 /mnt; i=0; while touch /mnt/f$i 2>/dev/null; "
                   "do i=$((i+1)); done; echo made $i; rm /mnt/f1 /mnt/f2; touch /mnt/g1 /mnt/g2 "
                   "&& echo again; umount /mnt")
    ok("again" in out and re.search(r"made \d+", out), "running out of inodes, then not", out)
    fsck(img, "after running out of inodes")


def indexed_dirs():
    src = os.path.join(TMP, "bigdir_src")
    os.makedirs(os.path.join(src, "big"))
    for i in range(3000):
        with open(os.path.join(src, "big", "entry_with_a_long_name_%05d" % i), "w") as f:
            f.write("%d\n" % i)
    img = mkfs("indexed.img", 1024, 256, "32M", extra=["-d", src])
    run(["e2fsck", "-fyD", img])
    flags = debugfs(img, ["stat /big"])["stat /big"]
    ok("Flags: 0x1000" in flags, "e2fsck -D indexed the big directory (htree)", flags[:200])
    out, st = anyk(img, "mount /dev/blk0 /mnt && cat /mnt/big/entry_with_a_long_name_02999 && "
                   "rm /mnt/big/entry_with_a_long_name_00007 && echo new > /mnt/big/new_one && "
                   "ls /mnt/big | wc -l && %s dirscan /mnt/big && umount /mnt" % FSIO)
    ok(st == 0 and "2999" in out and "3000" in out and "dirscan: 3000 names, ok" in out,
       "an indexed directory read linearly, changed, listed while changing", out)
    fsck(img, "after changing an indexed directory")
    flags = debugfs(img, ["stat /big"])["stat /big"]
    ok("Flags: 0x0" in flags, "the changed directory is no longer marked indexed", flags[:200])


def times_and_xattrs():
    for isz in (128, 256):
        img = mkfs("times%d.img" % isz, 1024, isz)
        out, st = anyk(img, "mount /dev/blk0 /mnt && echo x > /mnt/t && touch -m -d @1500000000 "
                       "/mnt/t && touch -a -d @1400000000 /mnt/t && mkdir /mnt/d && rm -r /mnt/d "
                       "&& umount /mnt")
        res = debugfs(img, ["stat /t"])["stat /t"]
        ok(st == 0 and re.search(r"mtime: 0x59682f00\b", res) and
           re.search(r"atime: 0x53724e00\b", res), "times set by anyk, as debugfs reads them "
           "(%d-byte inodes)" % isz, out + res)
        fsck(img, "times, %d-byte inodes" % isz)
    # Extended attributes (in blocks with 128-byte inodes): kept while the file changes,
    # released with it.
    src = os.path.join(TMP, "xattr_src")
    os.makedirs(src)
    for name in ("f", "g"):
        with open(os.path.join(src, name), "w") as f:
            f.write(name + "\n")
    try:
        for name in ("f", "g"):
            os.setxattr(os.path.join(src, name), "user.test", b"v" * 100)
    except OSError as e:
        ok(True, "# SKIP extended attributes: the host's file system has none (%s)" % e)
        return
    img = mkfs("xattr.img", 1024, 128, "8M", extra=["-d", src])
    acl = parse_stat(debugfs(img, ["stat /g"])["stat /g"])
    before = debugfs(img, ["stat /g"])["stat /g"]
    out, st = anyk(img, "mount /dev/blk0 /mnt && rm /mnt/f && seq 1 20000 >> /mnt/g && "
                   "%s truncate /mnt/g 3 && umount /mnt" % FSIO)
    after = debugfs(img, ["stat /g", "ea_list /g"])
    acl_before = re.search(r"File ACL: (\d+)", before).group(1)
    ok(st == 0 and ("File ACL: %s" % acl_before) in after["stat /g"] and acl_before != "0" and
       "user.test" in after["ea_list /g"], "an extended attribute block survives writes and "
       "truncation", out + str(after))
    fsck(img, "extended attribute blocks kept and released")


def sync_and_ro_options():
    img = mkfs("opts.img", 4096, 256)
    # While anyk still runs (and its periodic write-back, every 5 s, has not come yet),
    # debugfs on the host already sees what a sync mount wrote.
    p = subprocess.Popen([ANYK, "run", "--quiet", "--disk", img, "--",
                          "mount -o sync /dev/blk0 /mnt && mkdir /mnt/d && echo data > /mnt/d/f "
                          "&& grep blk0 /proc/mounts && sleep 3 && umount /mnt"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(1.5)
    s = parse_stat(debugfs(img, ["stat /d/f"])["stat /d/f"])
    out = p.communicate(timeout=30)[0].decode()
    ok(s.get("size") == 5 and p.returncode == 0,
       "with -o sync a write is on disk at once", out + str(s))
    fsck(img, "after a sync mount")
    out, st = anyk(img, "mount -o ro /dev/blk0 /mnt && cat /mnt/d/f && { touch /mnt/g; "
                   "echo touch=$?; } && grep blk0 /proc/mounts && umount /mnt")
    ok("data" in out and "touch=1" in out and "Read-only" in out and " ro " in out,
       "a read-only mount reads and refuses changes", out)
    before = run(["dumpe2fs", "-h", img]).stdout
    out, st = anyk(img, "mount /dev/blk0 /mnt && cat /mnt/d/f && umount /mnt", ro=True)
    after = run(["dumpe2fs", "-h", img]).stdout
    ok(st == 0 and before == after, "a read-only disk is mounted read-only and left untouched",
       out)


# ---- 3. a tree made by mke2fs -d, read by anyk ---------------------------------------

def mke2fs_d():
    src = os.path.join(TMP, "src")
    rnd = random.Random(42)
    os.makedirs(os.path.join(src, "nested", "deeper", "deepest"))
    os.makedirs(os.path.join(src, "wide"))
    files = {}
    for i, size in enumerate([0, 1, 59, 1023, 1024, 1025, 4095, 4096, 4097, 65536, 300000,
                              1 << 20, 5 << 20]):
        files["f%02d_%d" % (i, size)] = rnd.randbytes(size)
    files["nested/deeper/deepest/leaf"] = b"leaf\n" * 1000
    for i in range(700):
        files["wide/w%04d" % i] = rnd.randbytes(rnd.randrange(0, 3000))
    for name, data in files.items():
        with open(os.path.join(src, name), "wb") as f:
            f.write(data)
    # Sparse files: a hole at the start, in the middle, and at the end.
    for name, pieces, size in (("sparse_a", [(5 << 20, 4096)], None),
                               ("sparse_b", [(0, 100), (300 << 20, 5000)], None),
                               ("sparse_c", [(7, 7)], 2 << 20)):
        with open(os.path.join(src, name), "wb") as f:
            for off, n in pieces:
                f.seek(off)
                f.write(rnd.randbytes(n))
            if size:
                f.truncate(size)
    os.symlink("f01_1", os.path.join(src, "fast"))
    os.symlink("nested/" + "long_component/" * 10 + "target", os.path.join(src, "slow"))
    os.symlink("deeper/deepest/leaf", os.path.join(src, "nested", "rel"))
    for bs, isz in ((1024, 128), (4096, 256)):
        img = mkfs("d%d.img" % bs, bs, isz, "64M", extra=["-d", src])
        fsck(img, "mke2fs -d image, %d-byte blocks" % bs)
        regs = sorted(p for p, s in tree(src).items() if stat.S_ISREG(s.st_mode))
        out, st = anyk(img, "mount -r /dev/blk0 /mnt && cd /mnt && sha256sum f* sparse_* "
                       "nested/deeper/deepest/leaf wide/* && ls -l fast slow nested/rel && "
                       "cat nested/rel | wc -c && cd / && umount /mnt")
        got = dict((line.split()[1], line.split()[0]) for line in out.splitlines()
                   if re.match(r"^[0-9a-f]{64}  ", line))
        bad = [p for p in regs if got.get(p) != sha(os.path.join(src, p))]
        ok(st == 0 and not bad, "anyk reads %d files of a mke2fs -d tree byte for byte "
           "(%d-byte blocks)" % (len(regs), bs), "differ: %s\n%s" % (bad[:5], out[-800:]))
        ok("fast -> f01_1" in out and "slow -> nested/long_component" in out and
           "rel -> deeper/deepest/leaf" in out and "\n5000\n" in out,
           "symbolic links (fast and slow) read back", out[-600:])


# ---- 4. refusals and damage ------------------------------------------------------------

def refusals():
    img = mkfs("ext4.img", 4096, 256, fstype="ext4")
    out, st = anyk(img, "mount /dev/blk0 /mnt; echo status=$?")
    ok("status=32" in out and re.search(r"unsupported features:.*extent", out),
       "an ext4 image (extents) is refused with a message", out)
    img = mkfs("64bit.img", 4096, 256)
    with open(img, "r+b") as f:  # mke2fs wants extents with 64bit: set the bit alone
        f.seek(1024 + 96)
        incompat = struct.unpack("<I", f.read(4))[0] | 0x80
        f.seek(1024 + 96)
        f.write(struct.pack("<I", incompat))
    out, st = anyk(img, "mount /dev/blk0 /mnt; echo status=$?")
    ok("status=32" in out and re.search(r"unsupported features:.* 64bit", out),
       "a 64bit image is refused with a message", out)
    img = mkfs("ext3.img", 4096, 256, fstype="ext3")
    out, st = anyk(img, "mount /dev/blk0 /mnt && echo x > /mnt/x && umount /mnt && echo fine")
    ok("fine" in out, "an ext3 image with a clean journal is used as ext2", out)
    fsck(img, "ext3 image written as ext2")
    debugfs(img, ["feature needs_recovery"], write=True)
    out, st = anyk(img, "mount /dev/blk0 /mnt; echo status=$?")
    ok("status=32" in out and "journal needs recovery" in out,
       "a journal needing recovery is refused", out)
    img = mkfs("rocompat.img", 1024, 256, extra=["-O", "huge_file"])
    out, st = anyk(img, "mount /dev/blk0 /mnt && ls /mnt && { touch /mnt/x; echo touch=$?; }; "
                   "grep blk0 /proc/mounts; umount /mnt")
    ok("read-only" in out and "lost+found" in out and "touch=1" in out and " ro " in out,
       "an unknown ro_compat feature gives a read-only mount", out)


def patch(img, off, data):
    with open(img, "r+b") as f:
        f.seek(off)
        f.write(data)


def block_of(img, path, bs):
    return int(debugfs(img, ["bmap %s 0" % path])["bmap %s 0" % path].split()[0]) * bs


def state_has_errors(img):
    return "with errors" in run(["dumpe2fs", "-h", img]).stdout


def damage():
    binary = ANYK_SAN if ANYK_SAN and os.path.exists(ANYK_SAN) else ANYK
    bs = 1024
    base = mkfs("base.img", bs, 128, "16M")
    out, st = anyk(base, "mount /dev/blk0 /mnt && mkdir -p /mnt/a/b /mnt/x && "
                   "i=0; while [ $i -lt 60 ]; do echo $i > /mnt/a/f$i; i=$((i+1)); done && "
                   "seq 1 50000 > /mnt/a/big && umount /mnt")
    ok(st == 0, "a small tree to damage", out)

    def copy(name):
        img = os.path.join(TMP, name)
        shutil.copy(base, img)
        return img

    img = copy("magic.img")
    patch(img, 1024 + 56, b"\x00\x00")
    out, st = anyk(img, "mount /dev/blk0 /mnt; echo status=$?", binary=binary)
    no_crash(out, st, "bad superblock magic")
    ok("bad magic" in out and "status=32" in out, "bad magic: mount refused with a message", out)

    img = copy("reclen.img")
    patch(img, block_of(img, "/a", bs) + 4, b"\x00\x00")
    out, st = anyk(img, "mount /dev/blk0 /mnt; ls /mnt/a; touch /mnt/a/new; rm -r /mnt/a; "
                   "ls /mnt; umount /mnt", binary=binary)
    no_crash(out, st, "a directory block with rec_len 0")
    ok(re.search(r"ext2: blk0: inode \d+: directory block 0, offset 0: bad rec_len", out) and
       "Structure needs cleaning" in out, "rec_len 0: an error naming the inode", out)
    ok(state_has_errors(img), "rec_len 0: the file system is marked as having errors")

    img = copy("pastend.img")
    ino = parse_stat(debugfs(img, ["stat /a/big"])["stat /a/big"])["ino"]
    debugfs(img, ["sif <%d> block[2] 99999999" % ino, "sif <%d> block[IND] 4000000" % ino],
            write=True)
    out, st = anyk(img, "mount /dev/blk0 /mnt; cat /mnt/a/big > /dev/null; echo more >> "
                   "/mnt/a/big; head -c 100 /mnt/a/big | wc -c; rm /mnt/a/big; umount /mnt",
                   binary=binary)
    no_crash(out, st, "an inode pointing past the end of the file system")
    ok(re.search(r"inode %d: block pointer 99999999 .* outside" % ino, out) and
       "\n100\n" in out, "a pointer past the end: an error, the blocks before it still read",
       out)

    img = copy("selfloop.img")
    b_ino = parse_stat(debugfs(img, ["stat /a/b"])["stat /a/b"])["ino"]
    patch(img, block_of(img, "/a/b", bs) + 12, struct.pack("<I", b_ino))  # b/.. -> b
    out, st = anyk(img, "mount /dev/blk0 /mnt; cd /mnt/a/b/.. && pwd; cd /; "
                   "mv /mnt/x /mnt/a/b/x; ls /mnt/a/b; umount /mnt", binary=binary)
    no_crash(out, st, "a directory whose \"..\" is itself")
    ok(re.search(r"its entry \"b\" is directory %d, whose \"\.\.\" is %d" % (b_ino, b_ino), out),
       "a directory whose \"..\" is itself: reported", out)

    img = copy("loop.img")
    a_ino = parse_stat(debugfs(img, ["stat /a"])["stat /a"])["ino"]
    patch(img, block_of(img, "/a", bs) + 12, struct.pack("<I", b_ino))   # a/.. -> b, b/.. -> a
    out, st = anyk(img, "mount /dev/blk0 /mnt; ls /mnt/a; cd /mnt/a/b && pwd; cd /; "
                   "mv /mnt/x /mnt/a/b/x; ls /mnt; umount /mnt", binary=binary)
    no_crash(out, st, "a loop of \"..\" entries")
    ok(re.search(r"inode 2: its entry \"a\" is directory %d, whose \"\.\.\" is %d" %
                 (a_ino, b_ino), out) and "Structure needs cleaning" in out,
       "a loop of \"..\": the directory is refused and reported", out)

    img = copy("cycle.img")
    debugfs(img, ["link /a /a/b/up"], write=True)  # a name leading back up the tree
    out, st = anyk(img, "mount /dev/blk0 /mnt; ls -R /mnt | wc -l; cd /mnt/a/b/up; "
                   "rm -r /mnt/a; umount /mnt", binary=binary)
    no_crash(out, st, "a directory entry leading back up the tree")
    ok(re.search(r"its entry \"up\" is directory %d, whose \"\.\.\" is 2" % a_ino, out),
       "a name leading back up the tree: refused, so a recursive walk ends", out)

    # Random damage to the metadata and directories: errors, never a crash.
    rnd = random.Random(7)
    size = os.path.getsize(base)
    meta = list(range(0, 300 * 1024))  # superblock, descriptors, bitmaps, inode tables
    crashes = []
    for i in range(12):
        img = copy("fuzz%d.img" % i)
        with open(img, "r+b") as f:
            for _ in range(40):
                off = rnd.choice(meta) if rnd.random() < 0.7 else rnd.randrange(size)
                f.seek(off)
                f.write(bytes([rnd.randrange(256)]))
        out, st = anyk(img, "mount /dev/blk0 /mnt || exit 0; ls -lR /mnt > /dev/null; "
                       "cat /mnt/a/* > /dev/null; echo x > /mnt/a/f1; mkdir /mnt/a/n; "
                       "mv /mnt/a /mnt/x/a; rm -r /mnt/x; umount /mnt", binary=binary)
        if st in (70, 86) or st < 0 or "runtime error" in out or "AddressSanitizer" in out:
            crashes.append("fuzz%d: status %d\n%s" % (i, st, out[-1500:]))
    ok(not crashes, "12 randomly damaged images: errors but no crash", "\n".join(crashes))


def main():
    for tool in ("mke2fs", "e2fsck", "debugfs", "dumpe2fs"):
        if not shutil.which(tool):
            print("1..0 # SKIP %s not installed (Debian package e2fsprogs)" % tool)
            return 0
    try:
        workloads()
        sparse_files()
        open_unlinked_and_orphans()
        enospc()
        indexed_dirs()
        times_and_xattrs()
        sync_and_ro_options()
        mke2fs_d()
        refusals()
        damage()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("1..%d" % count)
    return 1 if failed else 0


sys.exit(main())
