/*
 * lib.c - library mode on the posix host: anyk_boot(), anyk_halt() and the
 * API table a program gets (include/anyk/anyk.h).
 *
 * The program's calling thread becomes the kernel's first thread at boot.
 * Every entry of the table the program receives is a wrapper that takes one
 * lock (the virtual CPU), calls the kernel's own entry, and lets go, so any
 * number of host threads may call in and the kernel still sees one at a
 * time. The kernel's pointer checks are widened to all of the address
 * space: the program's buffers are its own memory, not the kernel's RAM.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <anyk/anyk.h>
#include <anyk/errno.h>
#include "fs/vfs.h"
#include "host/posix/posix.h"
#include "kern/kernel.h"
#include "kern/syscall.h"

#pragma GCC visibility push(default)
const struct anyk_api *anyk_boot(const struct anyk_config *cfg);
int anyk_halt(void);
#pragma GCC visibility pop

static struct {
    pthread_mutex_t vcpu;       /* held by the thread inside the kernel */
    const struct anyk_api *k;   /* the kernel's own table */
    bool booted, halted;
} lib = { .vcpu = PTHREAD_MUTEX_INITIALIZER };

static bool enter(void)
{
    pthread_mutex_lock(&lib.vcpu);
    if (lib.halted) {
        pthread_mutex_unlock(&lib.vcpu);
        return false;
    }
    return true;
}

static void leave(void)
{
    pthread_mutex_unlock(&lib.vcpu);
}

/* A wrapper for each entry: the same call, inside the lock. */
#define WRAP(ret, name, params, args)                                                          \
    static ret w_##name params                                                                 \
    {                                                                                          \
        ret ret_;                                                                              \
        if (!enter())                                                                          \
            return (ret)-ESHUTDOWN;                                                            \
        ret_ = lib.k->name args;                                                               \
        leave();                                                                               \
        return ret_;                                                                           \
    }

WRAP(int, open, (const char *p, int fl, uint32_t m), (p, fl, m))
WRAP(int, close, (int fd), (fd))
WRAP(long, read, (int fd, void *b, size_t n), (fd, b, n))
WRAP(long, write, (int fd, const void *b, size_t n), (fd, b, n))
WRAP(long, pread, (int fd, void *b, size_t n, int64_t o), (fd, b, n, o))
WRAP(long, pwrite, (int fd, const void *b, size_t n, int64_t o), (fd, b, n, o))
WRAP(int64_t, lseek, (int fd, int64_t o, int w), (fd, o, w))
WRAP(int, stat, (const char *p, struct anyk_stat *st), (p, st))
WRAP(int, lstat, (const char *p, struct anyk_stat *st), (p, st))
WRAP(int, fstat, (int fd, struct anyk_stat *st), (fd, st))
WRAP(int, mkdir, (const char *p, uint32_t m), (p, m))
WRAP(int, rmdir, (const char *p), (p))
WRAP(int, unlink, (const char *p), (p))
WRAP(int, rename, (const char *a, const char *b), (a, b))
WRAP(int, link, (const char *a, const char *b), (a, b))
WRAP(int, symlink, (const char *a, const char *b), (a, b))
WRAP(long, readlink, (const char *p, char *b, size_t n), (p, b, n))
WRAP(int, chmod, (const char *p, uint32_t m), (p, m))
WRAP(int, chown, (const char *p, uint32_t u, uint32_t g), (p, u, g))
WRAP(int, utimens, (const char *p, const struct anyk_timespec t[2]), (p, t))
WRAP(int, truncate, (const char *p, int64_t l), (p, l))
WRAP(int, ftruncate, (int fd, int64_t l), (fd, l))
WRAP(int, fsync, (int fd), (fd))
WRAP(long, getdents, (int fd, void *b, size_t n), (fd, b, n))
WRAP(int, statfs, (const char *p, struct anyk_statfs *st), (p, st))
WRAP(int, dup, (int fd), (fd))
WRAP(int, dup2, (int fd, int nfd), (fd, nfd))
WRAP(int, fcntl, (int fd, int c, long a), (fd, c, a))
WRAP(int, ioctl, (int fd, unsigned long r, void *a), (fd, r, a))
WRAP(int, pipe, (int fds[2]), (fds))
WRAP(int, chdir, (const char *p), (p))
WRAP(long, getcwd, (char *b, size_t n), (b, n))
WRAP(int, mount, (const char *s, const char *t, const char *f, unsigned long fl, const char *o),
     (s, t, f, fl, o))
WRAP(int, umount, (const char *t), (t))
WRAP(int, sync, (void), ())
WRAP(int, poll, (struct anyk_pollfd *f, unsigned n, int t), (f, n, t))
WRAP(int, spawn, (const char *p, char *const av[], char *const ev[],
                  const struct anyk_spawn_action *a, unsigned n, const struct anyk_spawn_attr *at),
     (p, av, ev, a, n, at))
WRAP(int, wait, (int pid, int *st, int o), (pid, st, o))
WRAP(int, getpid, (void), ())
WRAP(int, getppid, (void), ())
WRAP(int, kill, (int pid, int sig), (pid, sig))
WRAP(int, sigaction, (int s, const struct anyk_sigaction *a, struct anyk_sigaction *o), (s, a, o))
WRAP(int, setpgid, (int pid, int pg), (pid, pg))
WRAP(int, getpgid, (int pid), (pid))
WRAP(int, clock_gettime, (int c, struct anyk_timespec *ts), (c, ts))
WRAP(int, nanosleep, (const struct anyk_timespec *r, struct anyk_timespec *m), (r, m))
WRAP(int, munmap, (void *a, size_t n), (a, n))
WRAP(long, klog_read, (uint64_t *s, char *b, size_t n), (s, b, n))
WRAP(int, kexec, (const char *p), (p))
WRAP(uint32_t, umask, (uint32_t m), (m))
WRAP(int, socket, (int d, int t, int p), (d, t, p))
WRAP(int, bind, (int fd, const void *a, uint32_t l), (fd, a, l))
WRAP(int, connect, (int fd, const void *a, uint32_t l), (fd, a, l))
WRAP(int, listen, (int fd, int b), (fd, b))
WRAP(int, accept, (int fd, void *a, uint32_t *l, int fl), (fd, a, l, fl))
WRAP(long, sendto, (int fd, const void *b, size_t n, int fl, const void *a, uint32_t l),
     (fd, b, n, fl, a, l))
WRAP(long, recvfrom, (int fd, void *b, size_t n, int fl, void *a, uint32_t *l),
     (fd, b, n, fl, a, l))
WRAP(int, shutdown, (int fd, int h), (fd, h))
WRAP(int, getsockname, (int fd, void *a, uint32_t *l), (fd, a, l))
WRAP(int, getpeername, (int fd, void *a, uint32_t *l), (fd, a, l))
WRAP(int, setsockopt, (int fd, int lv, int nm, const void *v, uint32_t l), (fd, lv, nm, v, l))
WRAP(int, getsockopt, (int fd, int lv, int nm, void *v, uint32_t *l), (fd, lv, nm, v, l))
WRAP(int, netconf, (int op, void *a, size_t l), (op, a, l))

static void w_emit(int c)
{
    if (enter()) {
        lib.k->emit(c);
        leave();
    }
}

static int w_key(void)
{
    int r = -1;

    if (enter()) {
        r = lib.k->key();
        leave();
    }
    return r;
}

static void *w_mmap(void *a, size_t n, int p, int f, int fd, int64_t o)
{
    void *r;

    if (!enter())
        return (void *)(intptr_t)-ESHUTDOWN;
    r = lib.k->mmap(a, n, p, f, fd, o);
    leave();
    return r;
}

/* The program is task 0, which has nothing to exit to: exit ends the program itself. */
static void __attribute__((noreturn)) w_exit(int status)
{
    anyk_halt();
    exit(status & 0xff);
}

/* halt stops the kernel but not the program around it. */
static int w_halt(int status)
{
    (void)status;
    return anyk_halt();
}

static struct anyk_api table = {
    .version = ANYK_API_VERSION,
    .size = sizeof(struct anyk_api),
    .emit = w_emit, .key = w_key, .open = w_open, .close = w_close, .read = w_read,
    .write = w_write, .pread = w_pread, .pwrite = w_pwrite, .lseek = w_lseek, .stat = w_stat,
    .lstat = w_lstat, .fstat = w_fstat, .mkdir = w_mkdir, .rmdir = w_rmdir, .unlink = w_unlink,
    .rename = w_rename, .link = w_link, .symlink = w_symlink, .readlink = w_readlink,
    .chmod = w_chmod, .chown = w_chown, .utimens = w_utimens, .truncate = w_truncate,
    .ftruncate = w_ftruncate, .fsync = w_fsync, .getdents = w_getdents, .statfs = w_statfs,
    .dup = w_dup, .dup2 = w_dup2, .fcntl = w_fcntl, .ioctl = w_ioctl, .pipe = w_pipe,
    .chdir = w_chdir, .getcwd = w_getcwd, .mount = w_mount, .umount = w_umount, .sync = w_sync,
    .poll = w_poll, .spawn = w_spawn, .wait = w_wait, .exit = w_exit, .getpid = w_getpid,
    .getppid = w_getppid, .kill = w_kill, .sigaction = w_sigaction, .setpgid = w_setpgid,
    .getpgid = w_getpgid, .clock_gettime = w_clock_gettime, .nanosleep = w_nanosleep,
    .mmap = w_mmap, .munmap = w_munmap, .klog_read = w_klog_read, .halt = w_halt,
    .kexec = w_kexec, .umask = w_umask,
    .socket = w_socket, .bind = w_bind, .connect = w_connect, .listen = w_listen,
    .accept = w_accept, .sendto = w_sendto, .recvfrom = w_recvfrom, .shutdown = w_shutdown,
    .getsockname = w_getsockname, .getpeername = w_getpeername, .setsockopt = w_setsockopt,
    .getsockopt = w_getsockopt, .netconf = w_netconf,
};

const struct anyk_api *anyk_boot(const struct anyk_config *cfg)
{
    struct posix_config pc = {
        .mem = cfg && cfg->mem ? cfg->mem : POSIX_MEM_DEFAULT,
        .cmdline = cfg && cfg->cmdline ? cfg->cmdline : "quiet",
        .no_tick = true,
        .library = true,
        .initrd = cfg ? cfg->initrd : NULL,
        .initrd_size = cfg ? cfg->initrd_size : 0,
    };
    static struct hyp_boot boot;

    for (unsigned i = 0; cfg && i < cfg->ndisks && i < POSIX_DISKS_MAX; i++) {
        pc.disks[i].path = cfg->disk[i].path;
        pc.disks[i].read_only = cfg->disk[i].read_only != 0;
        pc.ndisks = i + 1;
    }

    pthread_mutex_lock(&lib.vcpu);
    if (lib.booted) {
        pthread_mutex_unlock(&lib.vcpu);
        fprintf(stderr, "anyk_boot: the kernel is already booted in this process\n");
        return NULL;
    }
    if (posix_setup(&pc, &boot) < 0) {
        pthread_mutex_unlock(&lib.vcpu);
        return NULL;
    }
    kern_init(&boot);
    /* The program's buffers live anywhere in its address space, not in kernel RAM. */
    syscall_set_user_range(4096, UINTPTR_MAX);
    lib.k = syscall_api();
    lib.booted = true;
    pthread_mutex_unlock(&lib.vcpu);
    return &table;
}

int anyk_halt(void)
{
    int r;

    pthread_mutex_lock(&lib.vcpu);
    if (!lib.booted || lib.halted) {
        pthread_mutex_unlock(&lib.vcpu);
        return 0;
    }
    r = vfs_sync();
    lib.halted = true;
    pthread_mutex_unlock(&lib.vcpu);
    return r;
}
