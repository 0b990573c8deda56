/*
 * dev.c - the devices behind the hypercalls, on the monitor's side: the
 * console (stdin/stdout, a terminal in raw mode restored on every way out),
 * the poller (epoll on the console and a timerfd), the disks (pread/pwrite
 * on image files or block devices), entropy, the preemption tick and the
 * signals that ask for a shutdown.
 *
 * The same behaviour as the posix host (host/posix/hyp.c), which is the
 * reference; the buffers here are guest memory that hcall.c has already
 * checked. Everything after setup runs under the seccomp filter (confine.c):
 * no stdio, no allocation, only the system calls listed there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <termios.h>
#include <unistd.h>

#include "host/kvm/kvm.h"

#define SECTOR 512

static struct {
    int epfd, timerfd;
    bool timer_armed;
    bool cons_pollable;         /* stdin works with epoll (not a regular file) */
    bool cons_eof;
    bool cons_reported;         /* a file console was reported ready; again after a read */
    bool initrd_released;
    volatile sig_atomic_t raw;  /* the terminal is in raw mode and must be restored */
    struct termios saved;
    volatile int32_t *tick;     /* in guest memory */
    pid_t pid;                  /* ours: the one thread there is */
    volatile sig_atomic_t shutdown_sig; /* SIGINT/SIGTERM/SIGHUP asked for a clean shutdown */
    bool shutdown_reported;
} dev = { .epfd = -1, .timerfd = -1 };

static struct {
    int fd;
    uint64_t size;
    bool read_only;
    char name[32];
} disk[POSIX_DISKS_MAX];
static unsigned ndisk;

/* ---- messages, terminal and signals ------------------------------------------------ */

void dev_say(const char *fmt, ...)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "anyk-kvm: ");
    va_list ap;

    va_start(ap, fmt);
    n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 2)
        n = (int)sizeof(buf) - 2;
    buf[n++] = '\n';
    if (write(STDERR_FILENO, buf, (size_t)n) < 0) {
        /* nowhere left to say it */
    }
}

void dev_restore_terminal(void)
{
    if (dev.raw) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &dev.saved);
        dev.raw = 0;
    }
}

void dev_exit(int status)
{
    dev_restore_terminal();
    /* After a shutdown the host asked for, exit as a shell reports that signal. */
    _exit(dev.shutdown_sig ? 128 + dev.shutdown_sig : status & 0xff);
}

/*
 * A signal that ends the monitor (a second SIGINT, SIGQUIT, a fault of its
 * own): restore the terminal, then die of that very signal, as a shell expects.
 * The signal is blocked while its handler runs, so it strikes on the return.
 */
static void fatal_signal(int sig)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };

    dev_restore_terminal();
    sigaction(sig, &dfl, NULL);
    syscall(SYS_tgkill, dev.pid, dev.pid, sig);
}

/* The first SIGINT, SIGTERM or SIGHUP asks the kernel to shut down cleanly; a second one ends it. */
static void shutdown_signal(int sig)
{
    if (dev.shutdown_sig)
        fatal_signal(sig);
    dev.shutdown_sig = sig;
}

/* The time slice ended: tell the kernel through its tick word. KVM_RUN returns with EINTR. */
static void tick_signal(int sig)
{
    (void)sig;
    if (dev.tick)
        *dev.tick = 1;
}

static void on_signal(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };

    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void setup_terminal(void)
{
    struct termios raw;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &dev.saved) < 0)
        return;
    raw = dev.saved;
    /* Keys reach the kernel untranslated, Ctrl-C and Ctrl-Z included; output keeps NL -> CRNL. */
    raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
        return;
    dev.raw = 1;
    on_signal(SIGQUIT, fatal_signal, 0);
    on_signal(SIGABRT, fatal_signal, 0);
    on_signal(SIGSEGV, fatal_signal, 0);
    on_signal(SIGBUS, fatal_signal, 0);
    on_signal(SIGILL, fatal_signal, 0);
    on_signal(SIGFPE, fatal_signal, 0);
}

uint32_t dev_cons_flags(void)
{
    return dev.raw ? HYP_BOOT_CONS_TTY : 0;
}

int dev_pid(void)
{
    return dev.pid;
}

int dev_tty_fd(void)
{
    return dev.raw ? STDIN_FILENO : -1;
}

void dev_set_tick(volatile int32_t *tick)
{
    struct itimerval it = { { 0, POSIX_TICK_US }, { 0, POSIX_TICK_US } };

    dev.tick = tick;
    /* Profiling time counts while the vCPU runs the guest, and not while it sleeps in poll. */
    on_signal(SIGPROF, tick_signal, SA_RESTART);
    setitimer(ITIMER_PROF, &it, NULL);
}

/* ---- console ------------------------------------------------------------------------- */

long dev_cons_write(const void *buf, size_t len)
{
    const char *p = buf;
    size_t left = len;

    while (left) {
        ssize_t n = write(STDOUT_FILENO, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd pfd = { .fd = STDOUT_FILENO, .events = POLLOUT };
                poll(&pfd, 1, -1);
                continue;
            }
            return -EIO;
        }
        p += n;
        left -= (size_t)n;
    }
    return (long)len;
}

long dev_cons_read(void *buf, size_t len)
{
    struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
    ssize_t n;

    if (dev.cons_eof)
        return 0;
    dev.cons_reported = false;
    if (len == 0)
        return -EAGAIN;
    /* Never block, and never set O_NONBLOCK on a descriptor shared with the user's shell. */
    if (poll(&pfd, 1, 0) == 0)
        return -EAGAIN;
    do
        n = read(STDIN_FILENO, buf, len);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        return n;
    if (n < 0 && errno == EAGAIN)
        return -EAGAIN;
    dev.cons_eof = true;
    if (dev.cons_pollable)
        epoll_ctl(dev.epfd, EPOLL_CTL_DEL, STDIN_FILENO, NULL);
    return 0;
}

/* ---- poll ------------------------------------------------------------------------------ */

/*
 * The kernel has unpacked the initramfs (it reads it only before its first
 * hyp_poll): give those guest pages back to the host.
 */
static void release_initrd(struct vm *vm)
{
    uint64_t lo = (vm->initrd + 4095) & ~4095ull;
    uint64_t hi = (vm->initrd + vm->initrd_size) & ~4095ull;

    dev.initrd_released = true;
    if (hi > lo)
        madvise(vm->mem + lo, hi - lo, MADV_DONTNEED);
}

uint32_t dev_poll(struct vm *vm, uint64_t timeout_ns)
{
    struct epoll_event evs[8];
    uint32_t ready = 0;
    int timeout = -1, n;

    if (!dev.initrd_released)
        release_initrd(vm);
    if (dev.shutdown_sig && !dev.shutdown_reported) {
        dev.shutdown_reported = true;
        return HYP_POLL_SHUTDOWN;
    }
    /* A regular file is always readable: report it once per read the kernel does. */
    if (!dev.cons_pollable && !dev.cons_eof && !dev.cons_reported) {
        dev.cons_reported = true;
        return HYP_POLL_CONS;
    }
    if (timeout_ns == 0) {
        timeout = 0;
    } else if (timeout_ns != UINT64_MAX) {
        /* A relative timeout: the guest's clock and the host's need not agree on an origin. */
        struct itimerspec its = { .it_value = { .tv_sec = (time_t)(timeout_ns / 1000000000u),
                                                .tv_nsec = (long)(timeout_ns % 1000000000u) } };
        timerfd_settime(dev.timerfd, 0, &its, NULL);
        dev.timer_armed = true;
    } else if (dev.timer_armed) {
        struct itimerspec off = { 0 };
        timerfd_settime(dev.timerfd, 0, &off, NULL);
        dev.timer_armed = false;
    }
    do
        n = epoll_wait(dev.epfd, evs, 8, timeout);
    while (n < 0 && errno == EINTR && !dev.shutdown_sig);
    if (dev.shutdown_sig && !dev.shutdown_reported) {
        dev.shutdown_reported = true;
        return HYP_POLL_SHUTDOWN;
    }
    for (int i = 0; i < n; i++) {
        if (evs[i].data.fd == STDIN_FILENO) {
            ready |= HYP_POLL_CONS;
        } else if (evs[i].data.fd == dev.timerfd) {
            uint64_t expirations;
            if (read(dev.timerfd, &expirations, sizeof(expirations)) < 0) {
                /* already consumed: nothing to do */
            }
            dev.timer_armed = false;
        }
    }
    return ready;
}

/* ---- disks ------------------------------------------------------------------------------ */

/* Open a disk image exclusively: two anyk processes must never write one image. */
static int open_disk(const struct posix_disk *pd, unsigned i)
{
    const char *base = strrchr(pd->path, '/');
    struct stat st;
    int fd = open(pd->path, (pd->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);

    if (fd < 0) {
        dev_say("--disk %s: %s", pd->path, strerror(errno));
        return -1;
    }
    if (flock(fd, (pd->read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
        dev_say("--disk %s: in use by another process (%s)", pd->path, strerror(errno));
        goto fail;
    }
    if (fstat(fd, &st) < 0) {
        dev_say("--disk %s: %s", pd->path, strerror(errno));
        goto fail;
    }
    if (S_ISBLK(st.st_mode)) {
        if (ioctl(fd, BLKGETSIZE64, &disk[i].size) < 0) {
            dev_say("--disk %s: cannot read its size: %s", pd->path, strerror(errno));
            goto fail;
        }
    } else if (S_ISREG(st.st_mode)) {
        disk[i].size = (uint64_t)st.st_size;
    } else {
        dev_say("--disk %s: not a regular file or a block device", pd->path);
        goto fail;
    }
    disk[i].size -= disk[i].size % SECTOR;
    if (disk[i].size == 0) {
        dev_say("--disk %s: empty (less than one %d-byte sector)", pd->path, SECTOR);
        goto fail;
    }
    disk[i].fd = fd;
    disk[i].read_only = pd->read_only;
    snprintf(disk[i].name, sizeof(disk[i].name), "%s", base ? base + 1 : pd->path);
    return 0;
fail:
    close(fd);
    return -1;
}

unsigned dev_nblk(void)
{
    return ndisk;
}

int dev_blk_info(uint32_t i, struct hyp_blk_info *info)
{
    if (i >= ndisk)
        return -ENODEV;
    memset(info, 0, sizeof(*info));
    info->size = disk[i].size;
    info->sector_size = SECTOR;
    info->read_only = disk[i].read_only;
    memcpy(info->name, disk[i].name, sizeof(info->name));
    info->name[sizeof(info->name) - 1] = '\0';
    return 0;
}

/* A request against disk i: sector-aligned and inside the device, else -EINVAL (-ENODEV, -EROFS). */
int dev_blk_check(uint32_t i, uint64_t off, uint64_t len, bool write)
{
    if (i >= ndisk)
        return -ENODEV;
    if (off % SECTOR || len % SECTOR || off > disk[i].size || len > disk[i].size - off)
        return -EINVAL;
    if (write && disk[i].read_only)
        return -EROFS;
    return 0;
}

int dev_blk_read(uint32_t i, uint64_t off, void *buf, size_t len)
{
    char *p = buf;

    while (len) {
        ssize_t n = pread(disk[i].fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -EIO;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int dev_blk_write(uint32_t i, uint64_t off, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = pwrite(disk[i].fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -EIO;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int dev_blk_flush(uint32_t i)
{
    if (i >= ndisk)
        return -ENODEV;
    if (disk[i].read_only)
        return 0;
    return fdatasync(disk[i].fd) < 0 ? -EIO : 0;
}

/* ---- entropy ----------------------------------------------------------------------------- */

int dev_random(void *buf, size_t len)
{
    char *p = buf;

    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -EIO;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* ---- setup ---------------------------------------------------------------------------------- */

int dev_setup(const struct posix_config *cfg)
{
    struct epoll_event ev = { .events = EPOLLIN };
    struct stat st;

    for (unsigned i = 0; i < cfg->ndisks && i < POSIX_DISKS_MAX; i++)
        if (open_disk(&cfg->disks[i], i) < 0)
            return -1;
    ndisk = cfg->ndisks;

    dev.epfd = epoll_create1(EPOLL_CLOEXEC);
    dev.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (dev.epfd < 0 || dev.timerfd < 0) {
        dev_say("cannot create the event poller: %s", strerror(errno));
        return -1;
    }
    ev.data.fd = dev.timerfd;
    epoll_ctl(dev.epfd, EPOLL_CTL_ADD, dev.timerfd, &ev);
    /* Edge-triggered: input is reported when it arrives, not while it waits unread. */
    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = STDIN_FILENO;
    if (fstat(STDIN_FILENO, &st) < 0)
        dev.cons_eof = true; /* no console input at all: it has ended */
    else if (epoll_ctl(dev.epfd, EPOLL_CTL_ADD, STDIN_FILENO, &ev) == 0)
        dev.cons_pollable = true;
    /* else a regular file or /dev/null: always readable, dev_poll says so */

    dev.pid = getpid();
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is an -EIO from hyp_cons_write */
    on_signal(SIGINT, shutdown_signal, 0);
    on_signal(SIGTERM, shutdown_signal, 0);
    on_signal(SIGHUP, shutdown_signal, 0);
    setup_terminal();
    return 0;
}
