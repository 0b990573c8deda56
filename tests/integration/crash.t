#!/usr/bin/env python3
# Crash consistency: anyk is killed with SIGKILL in the middle of a write
# workload on an ext2 disk; afterwards `e2fsck -fy` repairs the image and every
# file that was synced before the kill reads back intact through debugfs
# (e2fsprogs is the oracle). Files written after the last sync may be lost;
# files synced before it may not.
import os
import signal
import subprocess
import sys
import tempfile

build = os.environ.get("ANYK_BUILD", "build/gcc")
anyk = os.path.join(build, "bin", "anyk")
count = failed = 0


def ok(cond, what):
    global count, failed
    count += 1
    failed += not cond
    print(("ok" if cond else "not ok"), count, "-", what, flush=True)


tmp = tempfile.mkdtemp()
img = os.path.join(tmp, "crash.img")
subprocess.run(["mke2fs", "-q", "-t", "ext2", "-F", img, "64M"], check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
script = ("mount /dev/blk0 /mnt && i=1; while [ $i -le 2000 ]; do "
          "seq 1 $((i * 10)) > /mnt/f$i; sync; echo synced $i; i=$((i+1)); done; sleep 100")
p = subprocess.Popen([anyk, "run", "--quiet", "--disk", img, "--", script],
                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
synced = 0
for line in p.stdout:
    if line.startswith("synced "):
        synced = int(line.split()[1])
        if synced >= 60:
            break
p.send_signal(signal.SIGKILL)
p.wait()
ok(p.returncode == -signal.SIGKILL and synced >= 60,
   "anyk was killed with SIGKILL after %d synced files" % synced)

fsck = subprocess.run(["e2fsck", "-fy", img], capture_output=True, text=True)
ok(fsck.returncode in (0, 1), "e2fsck -fy repairs the image (exit %d)" % fsck.returncode)
fsck = subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True)
ok(fsck.returncode == 0, "and then finds nothing more to fix")

bad = []
for i in range(1, synced + 1):
    want = "".join("%d\n" % n for n in range(1, i * 10 + 1))
    got = subprocess.run(["debugfs", "-R", "cat /f%d" % i, img], capture_output=True,
                         text=True).stdout
    if got != want:
        bad.append(i)
ok(not bad, "all %d files synced before the kill are intact%s" %
   (synced, "" if not bad else " (damaged: %s)" % bad[:10]))
subprocess.run(["rm", "-rf", tmp])
print("1..%d" % count)
sys.exit(1 if failed else 0)
