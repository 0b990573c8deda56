/*
 * sys.c - the smaller system interfaces: memory mappings, poll, ioctl and
 * termios, mounting, uname, signals, waiting for children, locale.
 */
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <anyk/version.h>

#include "libc_impl.h"

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    void *p = __anyk->mmap(addr, len, prot, flags, fd, off);
    long r = (long)p;
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return MAP_FAILED;
    }
    return p;
}

int munmap(void *addr, size_t len)
{
    return (int)__sysret(__anyk->munmap(addr, len));
}

/* struct pollfd has the kernel's layout, checked here once. */
_Static_assert(sizeof(struct pollfd) == sizeof(struct anyk_pollfd), "pollfd layout");

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    return (int)__sysret(__anyk->poll((struct anyk_pollfd *)fds, (unsigned)n, timeout_ms));
}

int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return (int)__sysret(__anyk->ioctl(fd, req, arg));
}

/* The kernel keeps only the four flag words; c_cc reads back as the usual defaults. */
int tcgetattr(int fd, struct termios *t)
{
    struct anyk_termios k;
    if (__sysret(__anyk->ioctl(fd, ANYK_TCGETS, &k)) < 0)
        return -1;
    memset(t, 0, sizeof(*t));
    t->c_iflag = k.c_iflag;
    t->c_oflag = k.c_oflag;
    t->c_cflag = k.c_cflag;
    t->c_lflag = k.c_lflag;
    t->c_cc[VINTR] = 3;
    t->c_cc[VQUIT] = 034;
    t->c_cc[VERASE] = 0177;
    t->c_cc[VKILL] = 025;
    t->c_cc[VEOF] = 4;
    t->c_cc[VMIN] = 1;
    t->c_cc[VSUSP] = 032;
    t->c_cc[VWERASE] = 027;
    t->c_ispeed = t->c_ospeed = B38400;
    return 0;
}

int tcsetattr(int fd, int when, const struct termios *t)
{
    (void)when;
    struct anyk_termios k = {t->c_iflag, t->c_oflag, t->c_cflag, t->c_lflag};
    return (int)__sysret(__anyk->ioctl(fd, ANYK_TCSETS, &k));
}

void cfmakeraw(struct termios *t)
{
    t->c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag &= ~(unsigned)OPOST;
    t->c_lflag &= ~(unsigned)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cflag = (t->c_cflag & ~(unsigned)(CSIZE | PARENB)) | CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}

speed_t cfgetispeed(const struct termios *t)
{
    return t->c_ispeed;
}

speed_t cfgetospeed(const struct termios *t)
{
    return t->c_ospeed;
}

int cfsetispeed(struct termios *t, speed_t s)
{
    t->c_ispeed = s;
    return 0;
}

int cfsetospeed(struct termios *t, speed_t s)
{
    t->c_ospeed = s;
    return 0;
}

int mount(const char *source, const char *target, const char *fstype, unsigned long flags,
          const void *data)
{
    return (int)__sysret(__anyk->mount(source, target, fstype, flags, (const char *)data));
}

int umount(const char *target)
{
    return (int)__sysret(__anyk->umount(target));
}

int umount2(const char *target, int flags)
{
    (void)flags;
    return umount(target);
}

static void copy_field(char *dst, const char *src)
{
    strncpy(dst, src, 64);
    dst[64] = 0;
}

int uname(struct utsname *u)
{
    memset(u, 0, sizeof(*u));
    copy_field(u->sysname, "anyk");
    copy_field(u->nodename, "anyk");
    copy_field(u->release, ANYK_VERSION);
    copy_field(u->version, "anyk " ANYK_VERSION);
    copy_field(u->machine, "x86_64");
    return 0;
}

char *setlocale(int category, const char *locale)
{
    (void)category;
    static char c_locale[] = "C";
    if (!locale || !locale[0] || !strcmp(locale, "C") || !strcmp(locale, "POSIX"))
        return c_locale;
    return NULL;
}

/* ---- signals ---------------------------------------------------------------- */

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    struct anyk_sigaction k, ko;
    if (act) {
        k.handler = act->sa_handler;
        k.flags = 0;
    }
    if (__sysret(__anyk->sigaction(sig, act ? &k : NULL, &ko)) < 0)
        return -1;
    if (old) {
        memset(old, 0, sizeof(*old));
        old->sa_handler = ko.handler;
    }
    return 0;
}

sighandler_t signal(int sig, sighandler_t handler)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    if (sigaction(sig, &sa, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int kill(pid_t pid, int sig)
{
    return (int)__sysret(__anyk->kill(pid, sig));
}

int killpg(pid_t pgrp, int sig)
{
    return kill(-pgrp, sig);
}

int raise(int sig)
{
    return kill(getpid(), sig);
}

static int sig_valid(int sig)
{
    if (sig <= 0 || sig >= NSIG) {
        errno = EINVAL;
        return 0;
    }
    return 1;
}

int sigemptyset(sigset_t *set)
{
    *set = 0;
    return 0;
}

int sigfillset(sigset_t *set)
{
    *set = ~0ul;
    return 0;
}

int sigaddset(sigset_t *set, int sig)
{
    if (!sig_valid(sig))
        return -1;
    *set |= 1ul << sig;
    return 0;
}

int sigdelset(sigset_t *set, int sig)
{
    if (!sig_valid(sig))
        return -1;
    *set &= ~(1ul << sig);
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (!sig_valid(sig))
        return -1;
    return (*set >> sig) & 1;
}

/* No mask in the kernel: report an empty one and accept any change. */
int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    (void)how;
    (void)set;
    if (old)
        *old = 0;
    return 0;
}

/* ---- children ---------------------------------------------------------------- */

pid_t waitpid(pid_t pid, int *status, int options)
{
    int st = 0;
    int r = (int)__sysret(__anyk->wait(pid, &st, options & WNOHANG));
    if (r > 0 && status)
        *status = st;
    return r;
}

pid_t wait(int *status)
{
    return waitpid(-1, status, 0);
}
