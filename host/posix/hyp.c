/*
 * hyp.c - the hypercalls on Linux.
 *
 * RAM is an anonymous mapping at a fixed address. hyp_poll waits in epoll on
 * the console, the NICs (net.c) and a timerfd set to the kernel's next deadline. The console is
 * the process's stdin/stdout; when stdin is a terminal it is switched to raw
 * mode (the kernel does its own line editing) and restored on every way out:
 * hyp_halt, exit(), fatal signals, and sanitizer reports. The preemption tick
 * is a virtual-time interval timer: it only runs while the process uses CPU,
 * so an idle kernel is never woken by it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "host/posix/posix.h"

#ifdef ANYK_SAN
#include <sanitizer/common_interface_defs.h>
#endif

static struct {
    int epfd, timerfd;
    uint64_t timer_armed;       /* deadline the timerfd is set to (0: disarmed) */
    bool cons_pollable;         /* stdin works with epoll (not a regular file) */
    bool cons_eof;
    bool cons_reported;         /* a file console was reported ready; again after a read */
    bool raw;                   /* the terminal is in raw mode and must be restored */
    struct termios saved;
    volatile int tick;
    int in, out;                /* the console: the process's stdin/stdout, or others */
    volatile sig_atomic_t shutdown_sig; /* SIGINT/SIGTERM/SIGHUP asked for a clean shutdown */
    const void *initrd;         /* released at the first hyp_poll (see hyp.h) */
    size_t initrd_size;
    bool initrd_malloced;
    bool shutdown_reported;
} host = { .epfd = -1, .timerfd = -1, .in = STDIN_FILENO, .out = STDOUT_FILENO };

/* ---- console and terminal ------------------------------------------------ */

static void restore_terminal(void)
{
    if (host.raw) {
        tcsetattr(host.in, TCSAFLUSH, &host.saved);
        host.raw = false;
    }
}

static void fatal_signal(int sig)
{
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

/*
 * SIGINT, SIGTERM, SIGHUP: the first asks the kernel to shut down cleanly
 * (hyp_poll reports it; file systems are synced and unmounted); a second one
 * ends the process at once.
 */
static void shutdown_signal(int sig)
{
    if (host.shutdown_sig)
        fatal_signal(sig);
    host.shutdown_sig = sig;
}

#ifdef ANYK_SAN
static void sanitizer_death(void)
{
    restore_terminal();
}
#endif

static void setup_terminal(void)
{
    static const int sigs[] = { SIGQUIT, SIGABRT,
#ifndef ANYK_SAN /* the sanitizers own these and report through their death callback */
                                SIGSEGV, SIGBUS, SIGILL, SIGFPE,
#endif
    };
    struct termios raw;

    if (!isatty(host.in) || tcgetattr(host.in, &host.saved) < 0)
        return;
    raw = host.saved;
    /* Keys reach the kernel untranslated, Ctrl-C and Ctrl-Z included; output keeps NL -> CRNL. */
    raw.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cflag |= CS8;
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(host.in, TCSAFLUSH, &raw) < 0)
        return;
    host.raw = true;
    atexit(restore_terminal);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa = { .sa_handler = fatal_signal, .sa_flags = SA_RESETHAND };
        sigaction(sigs[i], &sa, NULL);
    }
#ifdef ANYK_SAN
    __sanitizer_set_death_callback(sanitizer_death);
#endif
}

long hyp_cons_write(const void *buf, size_t len)
{
    const char *p = buf;
    size_t left = len;

    while (left) {
        ssize_t n = write(host.out, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd pfd = { .fd = host.out, .events = POLLOUT };
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

long hyp_cons_read(void *buf, size_t len)
{
    struct pollfd pfd = { .fd = host.in, .events = POLLIN };
    ssize_t n;

    if (host.cons_eof)
        return 0;
    host.cons_reported = false;
    if (len == 0)
        return -EAGAIN;
    /* Never block, and never set O_NONBLOCK on a descriptor shared with the user's shell. */
    if (poll(&pfd, 1, 0) == 0)
        return -EAGAIN;
    do
        n = read(host.in, buf, len);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        return n;
    if (n < 0 && errno == EAGAIN)
        return -EAGAIN;
    host.cons_eof = true;
    if (host.cons_pollable)
        epoll_ctl(host.epfd, EPOLL_CTL_DEL, host.in, NULL);
    return 0;
}

/* ---- time ------------------------------------------------------------------ */

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t hyp_clock_mono_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}

uint64_t hyp_clock_wall_ns(void)
{
    return clock_ns(CLOCK_REALTIME);
}

/* ---- idle ------------------------------------------------------------------ */

static void arm_timer(uint64_t deadline)
{
    struct itimerspec its = { 0 };

    if (deadline == host.timer_armed)
        return;
    if (deadline != HYP_POLL_FOREVER) {
        its.it_value.tv_sec = (time_t)(deadline / 1000000000ull);
        its.it_value.tv_nsec = (long)(deadline % 1000000000ull);
    }
    timerfd_settime(host.timerfd, TFD_TIMER_ABSTIME, &its, NULL);
    host.timer_armed = deadline == HYP_POLL_FOREVER ? 0 : deadline;
}

/*
 * The kernel has unpacked the initramfs: give its memory back. The built-in
 * one lies in the binary's read-only data: MADV_DONTNEED drops those pages
 * from memory (they would be read from the file again if ever touched).
 */
static void release_initrd(void)
{
    uintptr_t lo = ((uintptr_t)host.initrd + 4095) & ~(uintptr_t)4095;
    uintptr_t hi = ((uintptr_t)host.initrd + host.initrd_size) & ~(uintptr_t)4095;

    if (host.initrd_malloced)
        free((void *)host.initrd);
    else if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_DONTNEED);
    host.initrd = NULL;
}

uint32_t hyp_poll(uint64_t deadline_ns)
{
    struct epoll_event evs[16];
    uint32_t ready = 0;
    int timeout = -1, n;

    if (host.initrd)
        release_initrd();
    if (host.shutdown_sig && !host.shutdown_reported) {
        host.shutdown_reported = true;
        return HYP_POLL_SHUTDOWN;
    }
    /* A regular file is always readable: report it once per read the kernel does. */
    if (!host.cons_pollable && !host.cons_eof && !host.cons_reported) {
        host.cons_reported = true;
        return HYP_POLL_CONS;
    }
    if (deadline_ns <= hyp_clock_mono_ns())
        timeout = 0;
    else
        arm_timer(deadline_ns);
    do
        n = epoll_wait(host.epfd, evs, 16, timeout);
    while (n < 0 && errno == EINTR && !host.shutdown_sig);
    if (host.shutdown_sig && !host.shutdown_reported) {
        host.shutdown_reported = true;
        return HYP_POLL_SHUTDOWN;
    }
    for (int i = 0; i < n; i++) {
        if (evs[i].data.fd == host.in) {
            ready |= HYP_POLL_CONS;
        } else if (evs[i].data.fd == host.timerfd) {
            uint64_t expirations;
            if (read(host.timerfd, &expirations, sizeof(expirations)) < 0) {
                /* already consumed: nothing to do */
            }
            host.timer_armed = 0;
        } else {
            ready |= posix_net_event(evs[i].data.fd);
        }
    }
    return ready;
}

/* ---- disks ------------------------------------------------------------------- */

#define SECTOR 512

static struct {
    int fd;
    char *mem;              /* a memory disk, or NULL */
    uint64_t size;
    bool read_only;
    char name[32];
} disk[POSIX_DISKS_MAX];
static unsigned ndisk;

/* Open a disk image exclusively: two anyk processes must never write one image. */
static int open_disk(const struct posix_disk *pd, unsigned i)
{
    struct stat st;
    int fd;
    const char *base;

    if (pd->mem) {
        disk[i].mem = pd->mem;
        disk[i].size = pd->mem_size - pd->mem_size % SECTOR;
        disk[i].read_only = pd->read_only;
        disk[i].fd = -1;
        snprintf(disk[i].name, sizeof(disk[i].name), "memory%u", i);
        return 0;
    }
    fd = open(pd->path, (pd->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    base = strrchr(pd->path, '/');

    if (fd < 0) {
        fprintf(stderr, "anyk: --disk %s: %s\n", pd->path, strerror(errno));
        return -1;
    }
    if (flock(fd, (pd->read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
        fprintf(stderr, "anyk: --disk %s: in use by another process (%s)\n", pd->path,
                strerror(errno));
        close(fd);
        return -1;
    }
    if (fstat(fd, &st) < 0) {
        fprintf(stderr, "anyk: --disk %s: %s\n", pd->path, strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISBLK(st.st_mode)) {
        uint64_t bytes;
        if (ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
            fprintf(stderr, "anyk: --disk %s: cannot read its size: %s\n", pd->path,
                    strerror(errno));
            close(fd);
            return -1;
        }
        disk[i].size = bytes;
    } else if (S_ISREG(st.st_mode)) {
        disk[i].size = (uint64_t)st.st_size;
    } else {
        fprintf(stderr, "anyk: --disk %s: not a regular file or a block device\n", pd->path);
        close(fd);
        return -1;
    }
    disk[i].size -= disk[i].size % SECTOR;
    if (disk[i].size == 0) {
        fprintf(stderr, "anyk: --disk %s: empty (less than one %d-byte sector)\n", pd->path,
                SECTOR);
        close(fd);
        return -1;
    }
    disk[i].fd = fd;
    disk[i].read_only = pd->read_only;
    snprintf(disk[i].name, sizeof(disk[i].name), "%s", base ? base + 1 : pd->path);
    return 0;
}

int hyp_blk_info(uint32_t i, struct hyp_blk_info *info)
{
    if (i >= ndisk)
        return -ENODEV;
    info->size = disk[i].size;
    info->sector_size = SECTOR;
    info->read_only = disk[i].read_only;
    snprintf(info->name, sizeof(info->name), "%s", disk[i].name);
    return 0;
}

/* Bounds and alignment of a request against disk i: 0 or -EINVAL. */
static int blk_check(uint32_t i, uint64_t off, size_t len)
{
    if (i >= ndisk || off % SECTOR || len % SECTOR || off > disk[i].size ||
        len > disk[i].size - off)
        return -EINVAL;
    return 0;
}

/* pread or pwrite of a whole, checked request; a short transfer is an I/O error. */
static int disk_io(uint32_t i, uint64_t off, void *buf, size_t len, bool write)
{
    char *p = buf;

    if (blk_check(i, off, len) < 0)
        return -EINVAL;
    if (write && disk[i].read_only)
        return -EROFS;
    if (disk[i].mem) {
        if (write)
            memcpy(disk[i].mem + off, p, len);
        else
            memcpy(p, disk[i].mem + off, len);
        return 0;
    }
    while (len) {
        ssize_t n = write ? pwrite(disk[i].fd, p, len, (off_t)off)
                          : pread(disk[i].fd, p, len, (off_t)off);
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

int hyp_blk_read(uint32_t i, uint64_t off, void *buf, size_t len)
{
    return disk_io(i, off, buf, len, false);
}

int hyp_blk_write(uint32_t i, uint64_t off, const void *buf, size_t len)
{
    return disk_io(i, off, (void *)buf, len, true);
}

int hyp_blk_flush(uint32_t i)
{
    if (i >= ndisk)
        return -ENODEV;
    if (disk[i].read_only || disk[i].mem)
        return 0;
    return fdatasync(disk[i].fd) < 0 ? -EIO : 0;
}

/* ---- entropy and halt -------------------------------------------------------- */

int hyp_random(void *buf, size_t len)
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

void hyp_halt(int status)
{
    restore_terminal();
    /* After a shutdown the host asked for, exit as a shell reports that signal. */
    exit(host.shutdown_sig ? 128 + host.shutdown_sig : status & 0xff);
}

/* ---- setup ------------------------------------------------------------------- */

static void on_tick(int sig)
{
    (void)sig;
    host.tick = 1;
}

extern char __ehdr_start[];

int posix_setup(const struct posix_config *cfg, struct hyp_boot *boot)
{
    struct stat st;
    void *ram;
    int nnet;

    if (cfg->mem < POSIX_MEM_MIN || cfg->mem > POSIX_MEM_MAX || cfg->mem % 4096) {
        fprintf(stderr, "anyk: memory size must be a multiple of 4K between %luM and %luG\n",
                POSIX_MEM_MIN >> 20, POSIX_MEM_MAX >> 30);
        return -1;
    }
    for (unsigned i = 0; i < cfg->ndisks && i < POSIX_DISKS_MAX; i++)
        if (open_disk(&cfg->disks[i], i) < 0)
            return -1;
    ndisk = cfg->ndisks;

    ram = mmap((void *)POSIX_RAM_BASE, cfg->mem, PROT_READ | PROT_WRITE | PROT_EXEC,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (ram == MAP_FAILED || ram != (void *)POSIX_RAM_BASE) {
        fprintf(stderr, "anyk: cannot map %zu MiB of kernel RAM at %#lx: %s\n", cfg->mem >> 20,
                POSIX_RAM_BASE, ram == MAP_FAILED ? strerror(errno) : "address taken");
        if (ram != MAP_FAILED)
            munmap(ram, cfg->mem);
        return -1;
    }

    host.epfd = epoll_create1(EPOLL_CLOEXEC);
    host.timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (host.epfd < 0 || host.timerfd < 0) {
        fprintf(stderr, "anyk: cannot create the event poller: %s\n", strerror(errno));
        return -1;
    }
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = host.timerfd };
    epoll_ctl(host.epfd, EPOLL_CTL_ADD, host.timerfd, &ev);
    if ((nnet = posix_net_setup(cfg, host.epfd)) < 0)
        return -1;
    /* Edge-triggered: input is reported when it arrives, not while it waits unread. */
    ev.events = EPOLLIN | EPOLLET;
    host.in = cfg->library ? -1 : STDIN_FILENO;
    host.out = cfg->library ? STDERR_FILENO : STDOUT_FILENO;
    ev.data.fd = host.in;
    if (host.in < 0 || fstat(host.in, &st) < 0) {
        host.cons_eof = true; /* no console input at all: it has ended */
    } else if (epoll_ctl(host.epfd, EPOLL_CTL_ADD, host.in, &ev) == 0) {
        host.cons_pollable = true;
    } /* else a regular file or /dev/null: always readable, hyp_poll says so */

    /* In a program that links the kernel, the terminal and SIGPIPE are the program's. */
    if (!cfg->library) {
        static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
        signal(SIGPIPE, SIG_IGN); /* a closed stdout is an -EIO from hyp_cons_write */
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
            struct sigaction sa = { .sa_handler = shutdown_signal };
            sigemptyset(&sa.sa_mask);
            sigaction(sigs[i], &sa, NULL);
        }
        setup_terminal();
    }

    if (!cfg->no_tick) {
        struct sigaction sa = { .sa_handler = on_tick, .sa_flags = SA_RESTART };
        struct itimerval it = { { 0, POSIX_TICK_US }, { 0, POSIX_TICK_US } };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGVTALRM, &sa, NULL);
        setitimer(ITIMER_VIRTUAL, &it, NULL);
    }

    memset(boot, 0, sizeof(*boot));
    boot->abi_version = HYP_ABI_VERSION;
    /* Fresh anonymous memory reads as zero. */
    boot->flags = (host.raw ? HYP_BOOT_CONS_TTY : 0) | HYP_BOOT_RAM_ZEROED;
    boot->ram_base = ram;
    boot->ram_size = cfg->mem;
    boot->cmdline = cfg->cmdline ? cfg->cmdline : "";
    boot->initrd = cfg->initrd;
    boot->initrd_size = cfg->initrd_size;
    host.initrd = cfg->library ? NULL : cfg->initrd; /* a library's caller owns its archive */
    host.initrd_size = cfg->initrd_size;
    host.initrd_malloced = cfg->initrd_malloced;
    boot->tick = cfg->no_tick ? NULL : &host.tick;
    boot->nblk = ndisk;
    boot->nnet = (uint32_t)nnet;
    boot->host_name = "posix";
    boot->image_base = (uintptr_t)__ehdr_start;
    return 0;
}
