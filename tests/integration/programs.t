#!/usr/bin/env python3
# programs.t - the shell and the tools running on the anyk kernel itself,
# against outside oracles:
#   1. every non-terminal case of tests/sh/sh.t (each checked against dash by
#      that script's ORACLE mode) runs inside `anyk run`, in a fresh kernel;
#   2. pipelines of the coreutils-style tools run inside anyk and, byte for
#      byte, must print what the same pipeline prints on Linux with GNU
#      coreutils, grep and util-linux (LC_ALL=C);
#   3. exit statuses of programs become anyk's own exit status.
# ANYK_RUN names the command that boots the kernel, as words (default:
# "BUILD/bin/anyk run"); tests/integration/programs_kvm.t runs it all again
# under anyk-kvm that way.
# Programs write errors to the console too; each case sends its stderr to
# /dev/null inside anyk so that only standard output is compared.
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("ANYK_BUILD", "build/gcc")
ANYK = os.path.join(ROOT, BUILD, "bin", "anyk") if not os.path.isabs(BUILD) else \
    os.path.join(BUILD, "bin", "anyk")
RUN = os.environ.get("ANYK_RUN", "").split() or [ANYK, "run"]
count = failed = 0


def ok(cond, what, diag=None):
    global count, failed
    count += 1
    if not cond:
        failed += 1
    print(("ok" if cond else "not ok"), count, "-", what)
    if not cond and diag:
        for line in diag.splitlines()[:12]:
            print("#", line)
    sys.stdout.flush()


def anyk(args, stdin=""):
    p = subprocess.run(RUN + ["--quiet"] + args, input=stdin, capture_output=True,
                       text=True, timeout=30)
    return p.stdout, p.returncode


def quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


# ---- 1. the shell's cases ---------------------------------------------------------

def load_cases():
    src = open(os.path.join(ROOT, "tests/sh/sh.t")).read()
    src = src[:src.index("\ndef run_case")]
    os.environ.setdefault("SH", "/bin/false")  # keep sh.t from building its native shell
    ns = {"__file__": os.path.join(ROOT, "tests/sh/sh.t")}
    exec(compile(src, "sh.t", "exec"), ns)
    return ns["CASES"]


def prelude(files):
    """Commands that recreate the case's files in /w and enter it."""
    cmds = ["exec 2>/dev/null", "mkdir -p /w", "cd /w"]
    for name, text in (files or {}).items():
        esc = "".join("\\%03o" % b for b in text.encode())
        cmds.append("printf '%%b' '%s' > %s" % (esc, quote(name)))
    return cmds


def run_shell_case(case):
    name, script, out, rc = case[:4]
    opts = case[4] if len(case) > 4 else {}
    mode = opts.get("mode", "c")
    args = opts.get("args", [])
    pre = prelude(opts.get("files"))
    if mode == "c":
        got, st = anyk(["--init", "/bin/sh", "--", "-c", "\n".join(pre + [script])] +
                       (args or ["sh"])[:1] + args[1:])
    elif mode == "file":
        pre.append("printf '%%b' '%s' > script.sh" %
                   "".join("\\%03o" % b for b in (script + "\n").encode()))
        got, st = anyk(["--init", "/bin/sh", "--", "-c",
                        "\n".join(pre + ['sh script.sh "$@"', "exit $?"]), "sh"] + args)
    else:
        got, st = anyk(["--init", "/bin/sh"], "\n".join(pre + [script]) + "\n")
    return got == out and st == rc, "expected %r status %d, got %r status %d" % (out, rc, got, st)


# Cases that need something anyk's world does not have yet, with the reason.
SKIP = {
}

for case in load_cases():
    opts = case[4] if len(case) > 4 else {}
    if opts.get("mode") == "tty":
        continue
    if case[0] in SKIP:
        print("ok %d # SKIP %s: %s" % (count + 1, case[0], SKIP[case[0]]))
        count += 1
        continue
    good, diag = run_shell_case(case)
    ok(good, "sh on anyk: " + case[0], diag)

# ---- 2. tools against GNU ----------------------------------------------------------------

PIPELINES = [
    "seq 1 20",
    "seq 5 -1 1 | sort -n",
    "seq 1 1000 | sort -r | head -n 7",
    "seq 1 1000 | tail -n 3",
    "seq 1 100000 | wc -l",
    "printf '%s\\n' b a c a b a | sort | uniq -c",
    "printf '%s\\n' b a c a b a | sort -u",
    "printf '%s\\n' pear apple fig | sort -r",
    "printf '%05d|%-4s|%x\\n' 42 ab 255",
    "printf 'one two\\nthree\\n' | wc",
    "echo hello world | grep -c o",
    "printf 'alpha\\nbeta\\ngamma\\n' | grep -n a",
    "printf 'alpha\\nbeta\\ngamma\\n' | grep -v beta",
    "printf 'x\\ny\\n' | grep -F z; echo status $?",
    "seq 1 300 | sha256sum",
    "printf 'anyk' | sha256sum",
    "seq 1 40 | hexdump -C",
    "head -c 100 /dev/zero | hexdump -C",
    "echo abc | tee /tmp/t >/dev/null; cat /tmp/t",
    "basename /a/b/c.txt .txt; dirname /a/b/c.txt",
    "mkdir -p /tmp/d/e/f && touch /tmp/d/e/f/g && ls /tmp/d/e/f",
    "mkdir -p /tmp/s && echo data > /tmp/s/x && cp -r /tmp/s /tmp/s2 && cat /tmp/s2/x",
    "echo 1 > /tmp/m1 && mv /tmp/m1 /tmp/m2 && cat /tmp/m2 && ls /tmp/m1; echo $?",
    "echo t > /tmp/l && ln -s /tmp/l /tmp/ls && cat /tmp/ls && ln /tmp/l /tmp/h && cat /tmp/h && rm /tmp/l && cat /tmp/h",
    "mkdir -p /tmp/r/a/b && rm -r /tmp/r && ls /tmp/r; echo $?",
    "yes | head -n 3",
    "true; echo $?; false; echo $?",
    "env -i A=1 B=2 env",
    "seq 3 | while read x; do echo n$x; done",
    "echo a:b:c | cut -d: -f2 2>/dev/null || echo no-cut",
]

GNU_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "HOME": "/"}

for cmd in PIPELINES:
    try:
        want = subprocess.run(["/bin/sh", "-c", "cd / && " + cmd], capture_output=True,
                              text=True, env=GNU_ENV, timeout=30)
    finally:
        for leftover in ("/tmp/t", "/tmp/d", "/tmp/s", "/tmp/s2", "/tmp/m2", "/tmp/l", "/tmp/ls",
                         "/tmp/h"):
            subprocess.run(["rm", "-rf", leftover])
    got, st = anyk(["--", "exec 2>/dev/null; " + cmd])
    ok(got == want.stdout and st == want.returncode, "on anyk as with GNU: " + cmd,
       "GNU: %r (status %d)\nanyk: %r (status %d)" % (want.stdout, want.returncode, got, st))

# ---- 3. statuses and the kernel's own view --------------------------------------------------

got, st = anyk(["--", "exit 42"])
ok(st == 42, "the first shell's exit status is anyk's (exit 42 -> %d)" % st)
got, st = anyk(["--", "halt 7"])
ok(st == 7, "the halt tool stops the kernel with its status (halt 7 -> %d)" % st)
got, st = anyk([], "echo from-stdin\n")
ok(got == "from-stdin\n" and st == 0, "an interactive shell on a piped console: %r %d" % (got, st))
got, st = anyk(["--", "ps"])
ok("sh" in got and "ps" in got and st == 0, "ps lists the shell and itself", got)
got, st = anyk(["--", "cat /proc/mounts"])
ok(got == "rootfs / tmpfs rw 0 0\ndevfs /dev devfs rw 0 0\nproc /proc procfs rw 0 0\n",
   "/proc/mounts lists the root tmpfs, /dev and /proc", got)
got, st = anyk(["--", "grep MemTotal /proc/meminfo"], )
ok(got.split() == ["MemTotal:", "65536", "kB"], "/proc/meminfo reports the RAM given", got)
got, st = anyk(["-m", "128M", "--", "free | head -n 2"])
ok(" 131072 " in got, "free reports 128M of RAM with -m 128M", got)
got, st = anyk(["--", "echo hi > /dev/null; cat /dev/null; head -c 8 /dev/zero | wc -c"])
ok(got == "8\n", "/dev/null and /dev/zero", got)
got, st = anyk(["--", "/bin/nonexistent"])
ok(st == 127, "a missing program gives 127 (got %d)" % st)
got, st = anyk(["--", "cat /etc/motd > /tmp/x; chmod 644 /tmp/x; /tmp/x; echo $?"])
ok(got.strip().endswith("126"), "a file that is not executable gives 126", got)
got, st = anyk(["--", "printf 'not an elf' > /tmp/e; chmod 755 /tmp/e; /tmp/e; echo $?"])
ok(got.strip().splitlines()[-1] in ("126", "2") and "exec" not in got,
   "a malformed program is refused, not run", got)

# ---- 4. every byte a task had comes back -------------------------------------------------

def memfree_lines(out):
    return [l.split()[1] for l in out.splitlines() if l.startswith("MemFree:")]

got, st = anyk(["--", "grep MemFree /proc/meminfo; i=0; while [ $i -lt 100 ]; do /bin/true; "
                "i=$((i+1)); done; grep MemFree /proc/meminfo; while [ $i -lt 10000 ]; do "
                "/bin/true; i=$((i+1)); done; grep MemFree /proc/meminfo; echo $i"])
m = memfree_lines(got)
ok(len(m) == 3 and m[1] == m[2] and got.endswith("10000\n"),
   "10,000 spawned and exited programs: free memory after them equals free memory after the "
   "first 100 (%s)" % m, got)
got, st = anyk(["--", "sleep 100 & kill -9 $!; wait; grep MemFree /proc/meminfo; "
                "sleep 100 & p=$!; kill -9 $p; wait $p; echo st=$?; grep MemFree /proc/meminfo; "
                "sleep 100 & p=$!; kill $p; wait $p; echo st=$?; grep MemFree /proc/meminfo"])
m = memfree_lines(got)
ok("st=137" in got and "st=143" in got and len(m) == 3 and m[0] == m[1] == m[2],
   "programs killed by SIGKILL (137) and SIGTERM (143) give all their memory back (%s)" % m, got)

# ---- 5. raw payloads ----------------------------------------------------------------------

payload = os.path.join(os.path.dirname(ANYK), "..", "rootfs", "boot", "hello.bin")
got, st = anyk(["--kexec", payload], "k")
ok(got == "X\nk\n" and st == 0,
   "anyk run --kexec: the payload prints X, reads the key 'k', prints it, returns 0 "
   "(%r, %d)" % (got, st))
got, st = anyk(["--kexec", payload], "")
ok(got == "X\n" and st == 1, "at the end of input the payload's key() gets -1; it returns 1 "
   "(%r, %d)" % (got, st))
got, st = anyk(["--", "kexec /boot/hello.bin; echo status=$?"], "z")
ok(got == "X\nz\nstatus=0\n", "the kexec tool runs the payload from the shell (%r)" % got)
got, st = anyk(["--kexec", "/nonexistent/payload"])
ok(st == 1, "--kexec of a missing file: exit status 1 (%d)" % st)

# ---- 6. the host asks for a shutdown -------------------------------------------------------

import signal
import time
p = subprocess.Popen(RUN + ["--quiet", "--", "yes > /dev/null"], stdin=subprocess.DEVNULL,
                     stdout=subprocess.PIPE, text=True)
time.sleep(0.5)
p.send_signal(signal.SIGINT)
try:
    st = p.wait(10)
except subprocess.TimeoutExpired:
    p.kill()
    st = None
ok(st == 130, "SIGINT to anyk while a program spins: a clean shutdown, exit 130 (got %r)" % st)

print("1..%d" % count)
sys.exit(1 if failed else 0)
