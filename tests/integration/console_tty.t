#!/usr/bin/env python3
# The console on a real terminal (a pty): raw mode with the kernel's own line
# editing (echo, backspace, Ctrl-U, Ctrl-C, escape sequences, Ctrl-D), and the
# terminal's settings restored exactly on every way out (halt, end of input,
# SIGTERM, a kernel panic). ANYK_RUN names the command that boots the
# kernel, as words (default "BUILD/bin/anyk run"); console_tty_kvm.t runs
# this again under anyk-kvm.
import os, pty, select, signal, subprocess, sys, termios, time

build = os.environ.get("ANYK_BUILD", "build/gcc")
anyk = os.path.join(build, "bin", "anyk")
RUN = os.environ.get("ANYK_RUN", "").split() or [anyk, "run"]
count = failed = 0


def ok(cond, what):
    global count, failed
    count += 1
    if not cond:
        failed += 1
    print(("ok" if cond else "not ok"), count, "-", what, flush=True)
    return cond


class Session:
    def __init__(self, *args):
        self.master, self.slave = pty.openpty()
        self.before = termios.tcgetattr(self.slave)
        self.proc = subprocess.Popen(RUN + ["--quiet", "--init", "monitor", *args], stdin=self.slave,
                                     stdout=self.slave, stderr=self.slave, close_fds=True)
        self.out = b""

    def read_until(self, pattern, timeout=10.0):
        end = time.time() + timeout
        while pattern not in self.out and time.time() < end:
            r, _, _ = select.select([self.master], [], [], 0.1)
            if r:
                try:
                    self.out += os.read(self.master, 4096)
                except OSError:
                    break
        return pattern in self.out

    def type(self, data):
        os.write(self.master, data)

    def wait(self, timeout=10.0):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None

    def restored(self):
        return termios.tcgetattr(self.slave) == self.before

    def close(self):
        os.close(self.master)
        os.close(self.slave)


s = Session()
ok(s.read_until(b"anyk> "), "the monitor prompts on a terminal")
ok(not s.restored(), "the terminal is in raw mode while anyk runs")
s.type(b"ech\x7fho hi\r")
ok(s.read_until(b"\r\nhi\r\n"), "typed text is echoed, backspace erases, Enter runs the line")
ok(b"ech\x08 \x08h" in s.out, "backspace echoes as erase (\\b \\b)")
s.out = b""
s.type(b"halt 3\x03")
ok(s.read_until(b"^C\r\n"), "Ctrl-C echoes ^C")
ok(s.read_until(b"anyk> "), "and gives a fresh prompt without running the line")
s.out = b""
s.type(b"garbage\x15echo \x1b[Aok\r")
ok(s.read_until(b"\r\nok\r\n"), "Ctrl-U kills the line; an arrow key's escape sequence is ignored")
s.type(b"\x04")
st = s.wait()
ok(st == 0, "Ctrl-D on an empty line halts with status 0 (got %r)" % st)
ok(s.restored(), "the terminal settings are restored after Ctrl-D")
s.close()

s = Session()
s.read_until(b"anyk> ")
s.type(b"halt 42\r")
st = s.wait()
ok(st == 42, "halt 42 on a terminal exits 42 (got %r)" % st)
ok(s.restored(), "the terminal settings are restored after halt")
s.close()

s = Session()
s.read_until(b"anyk> ")
s.proc.send_signal(signal.SIGTERM)
st = s.wait()
ok(st == 128 + signal.SIGTERM, "SIGTERM shuts the kernel down cleanly: exit status 143 (got %r)"
   % st)
ok(s.restored(), "the terminal settings are restored after SIGTERM")
s.close()

s = Session()
s.read_until(b"anyk> ")
s.proc.send_signal(signal.SIGSEGV)
st = s.wait()
ok(st == -signal.SIGSEGV, "a host crash (SIGSEGV) still ends anyk by that signal (got %r)" % st)
ok(s.restored(), "the terminal settings are restored after SIGSEGV")
s.close()

s = Session()
s.read_until(b"anyk> ")
s.type(b"panic\r")
st = s.wait()
ok(st == 70, "a panic on a terminal exits 70 (got %r)" % st)
ok(s.restored(), "the terminal settings are restored after a panic")
s.close()

print("1..%d" % count)
sys.exit(1 if failed else 0)
