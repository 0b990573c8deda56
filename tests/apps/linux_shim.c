/*
 * linux_shim.c - run an anyk program as an ordinary Linux process, for
 * testing apps/lib and the programs before (and beside) the kernel's loader.
 *
 * Freestanding like the programs themselves: no glibc, only raw Linux system
 * calls. shim_main builds a struct anyk_api whose entries are those system
 * calls (converting the few structures whose layouts differ) and calls the
 * program's _start (apps/lib/crt0.c) exactly as the kernel would. spawn is
 * fork + the file actions + setpgid + execve, reporting exec failures to the
 * parent through a close-on-exec pipe, as posix_spawn must.
 */
#include <anyk/api.h>
#include <anyk/errno.h>

/* Linux x86_64 system call numbers */
enum {
    NR_read = 0, NR_write = 1, NR_open = 2, NR_close = 3, NR_stat = 4, NR_fstat = 5,
    NR_lstat = 6, NR_poll = 7, NR_lseek = 8, NR_mmap = 9, NR_munmap = 11,
    NR_rt_sigaction = 13, NR_rt_sigprocmask = 14, NR_ioctl = 16, NR_pread64 = 17,
    NR_pwrite64 = 18, NR_dup = 32, NR_dup2 = 33, NR_nanosleep = 35, NR_getpid = 39,
    NR_fork = 57, NR_execve = 59, NR_exit = 60, NR_wait4 = 61, NR_kill = 62, NR_fcntl = 72,
    NR_fsync = 74, NR_truncate = 76, NR_ftruncate = 77, NR_getcwd = 79, NR_chdir = 80,
    NR_rename = 82, NR_mkdir = 83, NR_rmdir = 84, NR_link = 86, NR_unlink = 87,
    NR_symlink = 88, NR_readlink = 89, NR_chmod = 90, NR_chown = 92, NR_setpgid = 109,
    NR_getppid = 110, NR_getpgid = 121, NR_statfs = 137, NR_sync = 162, NR_mount = 165,
    NR_umount2 = 166, NR_getdents64 = 217, NR_clock_gettime = 228, NR_exit_group = 231,
    NR_utimensat = 280, NR_pipe2 = 293,
};

#define L_AT_FDCWD (-100)
#define L_O_CLOEXEC 02000000
#define L_SA_RESTORER 0x04000000
#define L_SIGTTOU 22
#define L_SIG_BLOCK 0
#define L_SIG_UNBLOCK 1

static long sc(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

#define SC0(n) sc(n, 0, 0, 0, 0, 0, 0)
#define SC1(n, a) sc(n, (long)(a), 0, 0, 0, 0, 0)
#define SC2(n, a, b) sc(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(n, a, b, c) sc(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SC4(n, a, b, c, d) sc(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SC5(n, a, b, c, d, e) sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define SC6(n, a, b, c, d, e, f) \
    sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* Linux's x86_64 struct stat, struct statfs and kernel termios */
struct linux_stat {
    uint64_t st_dev, st_ino, st_nlink;
    uint32_t st_mode, st_uid, st_gid, pad0;
    uint64_t st_rdev;
    int64_t st_size, st_blksize, st_blocks;
    struct anyk_timespec st_atim, st_mtim, st_ctim;
    int64_t unused[3];
};

struct linux_statfs {
    int64_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};

struct linux_termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};

struct linux_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

void __shim_sigreturn(void);
int _start(const struct anyk_api *api, long *sp);
void shim_main(long *sp) __attribute__((noreturn));

static void sh_emit(int c)
{
    char ch = (char)c;
    SC3(NR_write, 1, &ch, 1);
}

static int sh_key(void)
{
    unsigned char ch;
    return SC3(NR_read, 0, &ch, 1) == 1 ? ch : -1;
}

static int sh_open(const char *path, int flags, uint32_t mode)
{
    return (int)SC3(NR_open, path, flags, mode);
}

static int sh_close(int fd)
{
    return (int)SC1(NR_close, fd);
}

static long sh_read(int fd, void *buf, size_t n)
{
    return SC3(NR_read, fd, buf, n);
}

static long sh_write(int fd, const void *buf, size_t n)
{
    return SC3(NR_write, fd, buf, n);
}

static long sh_pread(int fd, void *buf, size_t n, int64_t off)
{
    return SC4(NR_pread64, fd, buf, n, off);
}

static long sh_pwrite(int fd, const void *buf, size_t n, int64_t off)
{
    return SC4(NR_pwrite64, fd, buf, n, off);
}

static int64_t sh_lseek(int fd, int64_t off, int whence)
{
    return SC3(NR_lseek, fd, off, whence);
}

static void stat_to_anyk(struct anyk_stat *st, const struct linux_stat *l)
{
    st->st_dev = l->st_dev;
    st->st_ino = l->st_ino;
    st->st_mode = l->st_mode;
    st->st_nlink = (uint32_t)l->st_nlink;
    st->st_uid = l->st_uid;
    st->st_gid = l->st_gid;
    st->st_rdev = l->st_rdev;
    st->st_size = l->st_size;
    st->st_blksize = l->st_blksize;
    st->st_blocks = l->st_blocks;
    st->st_atim = l->st_atim;
    st->st_mtim = l->st_mtim;
    st->st_ctim = l->st_ctim;
}

static int do_stat(long nr, long arg, struct anyk_stat *st)
{
    struct linux_stat l;
    long r = SC2(nr, arg, &l);
    if (r < 0)
        return (int)r;
    stat_to_anyk(st, &l);
    return 0;
}

static int sh_stat(const char *path, struct anyk_stat *st)
{
    return do_stat(NR_stat, (long)path, st);
}

static int sh_lstat(const char *path, struct anyk_stat *st)
{
    return do_stat(NR_lstat, (long)path, st);
}

static int sh_fstat(int fd, struct anyk_stat *st)
{
    return do_stat(NR_fstat, fd, st);
}

static int sh_mkdir(const char *path, uint32_t mode)
{
    return (int)SC2(NR_mkdir, path, mode);
}

static int sh_rmdir(const char *path)
{
    return (int)SC1(NR_rmdir, path);
}

static int sh_unlink(const char *path)
{
    return (int)SC1(NR_unlink, path);
}

static int sh_rename(const char *from, const char *to)
{
    return (int)SC2(NR_rename, from, to);
}

static int sh_link(const char *target, const char *path)
{
    return (int)SC2(NR_link, target, path);
}

static int sh_symlink(const char *target, const char *path)
{
    return (int)SC2(NR_symlink, target, path);
}

static long sh_readlink(const char *path, char *buf, size_t n)
{
    return SC3(NR_readlink, path, buf, n);
}

static int sh_chmod(const char *path, uint32_t mode)
{
    return (int)SC2(NR_chmod, path, mode);
}

static int sh_chown(const char *path, uint32_t uid, uint32_t gid)
{
    return (int)SC3(NR_chown, path, uid, gid);
}

static int sh_utimens(const char *path, const struct anyk_timespec times[2])
{
    return (int)SC4(NR_utimensat, L_AT_FDCWD, path, times, 0);
}

static int sh_truncate(const char *path, int64_t len)
{
    return (int)SC2(NR_truncate, path, len);
}

static int sh_ftruncate(int fd, int64_t len)
{
    return (int)SC2(NR_ftruncate, fd, len);
}

static int sh_fsync(int fd)
{
    return (int)SC1(NR_fsync, fd);
}

/* Linux's dirent64 has the very layout of struct anyk_dirent. */
static long sh_getdents(int fd, void *buf, size_t n)
{
    return SC3(NR_getdents64, fd, buf, n);
}

static int sh_statfs(const char *path, struct anyk_statfs *st)
{
    struct linux_statfs l;
    long r = SC2(NR_statfs, path, &l);
    if (r < 0)
        return (int)r;
    st->f_type = l.f_type;
    st->f_bsize = l.f_bsize;
    st->f_blocks = l.f_blocks;
    st->f_bfree = l.f_bfree;
    st->f_bavail = l.f_bavail;
    st->f_files = l.f_files;
    st->f_ffree = l.f_ffree;
    st->f_namelen = l.f_namelen;
    st->f_flags = l.f_flags & ANYK_MS_RDONLY;   /* Linux's ST_RDONLY is 1 too */
    return 0;
}

static int sh_dup(int fd)
{
    return (int)SC1(NR_dup, fd);
}

static int sh_dup2(int fd, int newfd)
{
    return (int)SC2(NR_dup2, fd, newfd);
}

static int sh_fcntl(int fd, int cmd, long arg)
{
    return (int)SC3(NR_fcntl, fd, cmd, arg);
}

/* anyk's termios is the first four words of Linux's; the rest is kept as it is. */
static int sh_ioctl(int fd, unsigned long req, void *arg)
{
    struct linux_termios lt;
    struct anyk_termios *at = arg;
    long r;
    switch (req) {
    case ANYK_TCGETS:
        r = SC3(NR_ioctl, fd, ANYK_TCGETS, &lt);
        if (r == 0) {
            at->c_iflag = lt.c_iflag;
            at->c_oflag = lt.c_oflag;
            at->c_cflag = lt.c_cflag;
            at->c_lflag = lt.c_lflag;
        }
        return (int)r;
    case ANYK_TCSETS:
        r = SC3(NR_ioctl, fd, ANYK_TCGETS, &lt);
        if (r < 0)
            return (int)r;
        lt.c_iflag = at->c_iflag;
        lt.c_oflag = at->c_oflag;
        lt.c_cflag = at->c_cflag;
        lt.c_lflag = at->c_lflag;
        return (int)SC3(NR_ioctl, fd, ANYK_TCSETS, &lt);
    default:
        return (int)SC3(NR_ioctl, fd, req, arg);
    }
}

static int sh_pipe(int fds[2])
{
    return (int)SC2(NR_pipe2, fds, 0);
}

static int sh_chdir(const char *path)
{
    return (int)SC1(NR_chdir, path);
}

static long sh_getcwd(char *buf, size_t n)
{
    return SC2(NR_getcwd, buf, n);
}

static int sh_mount(const char *source, const char *target, const char *fstype,
                    unsigned long flags, const char *options)
{
    return (int)SC5(NR_mount, source, target, fstype, flags, options);
}

static int sh_umount(const char *target)
{
    return (int)SC2(NR_umount2, target, 0);
}

static int sh_sync(void)
{
    SC0(NR_sync);
    return 0;
}

static int sh_poll(struct anyk_pollfd *fds, unsigned nfds, int timeout_ms)
{
    return (int)SC3(NR_poll, fds, nfds, timeout_ms);
}

static void child_fail(int errfd, long err) __attribute__((noreturn));
static void child_fail(int errfd, long err)
{
    int e = (int)-err;
    SC3(NR_write, errfd, &e, sizeof(e));
    SC1(NR_exit, 127);
    __builtin_unreachable();
}

/* In the forked child: become what the spawn asks for, then exec; never returns. */
static void spawn_child(int errfd, const char *path, char *const argv[], char *const envp[],
                        const struct anyk_spawn_action *act, unsigned nact,
                        const struct anyk_spawn_attr *attr) __attribute__((noreturn));
static void spawn_child(int errfd, const char *path, char *const argv[], char *const envp[],
                        const struct anyk_spawn_action *act, unsigned nact,
                        const struct anyk_spawn_attr *attr)
{
    long r;
    if (attr && (attr->flags & (ANYK_SPAWN_SETPGROUP | ANYK_SPAWN_FOREGROUND))) {
        if ((r = SC2(NR_setpgid, 0, attr->pgroup)) < 0)
            child_fail(errfd, r);
        if (attr->flags & ANYK_SPAWN_FOREGROUND) {
            /* A background group may take the terminal only with SIGTTOU blocked. */
            unsigned long set = 1ul << (L_SIGTTOU - 1), old;
            int pg = (int)SC1(NR_getpgid, 0);
            SC4(NR_rt_sigprocmask, L_SIG_BLOCK, &set, &old, 8);
            SC3(NR_ioctl, 0, ANYK_TIOCSPGRP, &pg);
            SC4(NR_rt_sigprocmask, L_SIG_UNBLOCK, &set, 0, 8);
        }
    }
    for (unsigned i = 0; i < nact; i++) {
        const struct anyk_spawn_action *a = &act[i];
        switch (a->op) {
        case ANYK_SPAWN_OPEN:
            r = SC3(NR_open, a->path, a->flags, a->mode);
            if (r >= 0 && r != a->fd) {
                long d = SC2(NR_dup2, r, a->fd);
                SC1(NR_close, r);
                r = d;
            }
            break;
        case ANYK_SPAWN_DUP2:
            /* POSIX: dup2 onto itself clears close-on-exec */
            r = a->fd == a->src_fd ? SC3(NR_fcntl, a->fd, ANYK_F_SETFD, 0)
                                   : SC2(NR_dup2, a->src_fd, a->fd);
            break;
        case ANYK_SPAWN_CLOSE:
            r = SC1(NR_close, a->fd);
            break;
        case ANYK_SPAWN_CHDIR:
            r = SC1(NR_chdir, a->path);
            break;
        default:
            r = -EINVAL;
        }
        if (r < 0)
            child_fail(errfd, r);
    }
    r = SC3(NR_execve, path, argv, envp);
    child_fail(errfd, r);
}

static int sh_spawn(const char *path, char *const argv[], char *const envp[],
                    const struct anyk_spawn_action *actions, unsigned nactions,
                    const struct anyk_spawn_attr *attr)
{
    int p[2];
    long r = SC2(NR_pipe2, p, L_O_CLOEXEC);
    if (r < 0)
        return (int)r;
    long pid = SC0(NR_fork);
    if (pid < 0) {
        SC1(NR_close, p[0]);
        SC1(NR_close, p[1]);
        return (int)pid;
    }
    if (pid == 0) {
        SC1(NR_close, p[0]);
        spawn_child(p[1], path, argv, envp, actions, nactions, attr);
    }
    SC1(NR_close, p[1]);
    /* Also in the parent, so the group exists before spawn returns (as shells do). */
    if (attr && (attr->flags & ANYK_SPAWN_SETPGROUP))
        SC2(NR_setpgid, pid, attr->pgroup ? attr->pgroup : pid);
    int err = 0;
    do
        r = SC3(NR_read, p[0], &err, sizeof(err));
    while (r == -EINTR);
    SC1(NR_close, p[0]);
    if (r == sizeof(err)) {
        /* exec failed: collect the child and report why */
        int st;
        SC4(NR_wait4, pid, &st, 0, 0);
        return -err;
    }
    return (int)pid;
}

static int sh_wait(int pid, int *status, int options)
{
    return (int)SC4(NR_wait4, pid, status, options, 0);
}

static void sh_exit(int status) __attribute__((noreturn));
static void sh_exit(int status)
{
    for (;;)
        SC1(NR_exit_group, status);
}

static int sh_getpid(void)
{
    return (int)SC0(NR_getpid);
}

static int sh_getppid(void)
{
    return (int)SC0(NR_getppid);
}

static int sh_kill(int pid, int sig)
{
    return (int)SC2(NR_kill, pid, sig);
}

static int sh_sigaction(int sig, const struct anyk_sigaction *act, struct anyk_sigaction *old)
{
    struct linux_sigaction la, lo;
    if (act) {
        la.handler = act->handler;
        la.flags = L_SA_RESTORER;
        la.restorer = __shim_sigreturn;
        la.mask = 0;
    }
    long r = SC4(NR_rt_sigaction, sig, act ? &la : 0, &lo, 8);
    if (r < 0)
        return (int)r;
    if (old) {
        old->handler = lo.handler;
        old->flags = 0;
    }
    return 0;
}

static int sh_setpgid(int pid, int pgid)
{
    return (int)SC2(NR_setpgid, pid, pgid);
}

static int sh_getpgid(int pid)
{
    return (int)SC1(NR_getpgid, pid);
}

static int sh_clock_gettime(int clock, struct anyk_timespec *ts)
{
    return (int)SC2(NR_clock_gettime, clock, ts);
}

static int sh_nanosleep(const struct anyk_timespec *req, struct anyk_timespec *rem)
{
    return (int)SC2(NR_nanosleep, req, rem);
}

static void *sh_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
    return (void *)SC6(NR_mmap, addr, len, prot, flags, fd, off);
}

static int sh_munmap(void *addr, size_t len)
{
    return (int)SC2(NR_munmap, addr, len);
}

/* What only a kernel can do is not available to a Linux process. */
static long sh_klog_read(uint64_t *seq, char *buf, size_t n)
{
    (void)seq;
    (void)buf;
    (void)n;
    return -ENOSYS;
}

static int sh_halt(int status)
{
    (void)status;
    return -ENOSYS;
}

static uint32_t sh_umask(uint32_t mask)
{
    return (uint32_t)SC1(95, mask); /* umask */
}

static int sh_kexec(const char *path)
{
    (void)path;
    return -ENOSYS;
}

/* Sockets: Linux's calls take the same structures (sockaddr_in, timeval, linger). */
static int sh_socket(int d, int t, int p)
{
    return (int)SC3(41, d, t, p);
}

static int sh_bind(int fd, const void *a, uint32_t l)
{
    return (int)SC3(49, fd, a, l);
}

static int sh_connect(int fd, const void *a, uint32_t l)
{
    return (int)SC3(42, fd, a, l);
}

static int sh_listen(int fd, int b)
{
    return (int)SC2(50, fd, b);
}

static int sh_accept(int fd, void *a, uint32_t *l, int fl)
{
    return (int)SC4(288, fd, a, l, fl); /* accept4 */
}

static long sh_sendto(int fd, const void *b, size_t n, int fl, const void *a, uint32_t l)
{
    return SC6(44, fd, b, n, fl, a, l);
}

static long sh_recvfrom(int fd, void *b, size_t n, int fl, void *a, uint32_t *l)
{
    return SC6(45, fd, b, n, fl, a, l);
}

static int sh_shutdown(int fd, int h)
{
    return (int)SC2(48, fd, h);
}

static int sh_getsockname(int fd, void *a, uint32_t *l)
{
    return (int)SC3(51, fd, a, l);
}

static int sh_getpeername(int fd, void *a, uint32_t *l)
{
    return (int)SC3(52, fd, a, l);
}

static int sh_setsockopt(int fd, int lv, int nm, const void *v, uint32_t l)
{
    return (int)SC5(54, fd, lv, nm, v, l);
}

static int sh_getsockopt(int fd, int lv, int nm, void *v, uint32_t *l)
{
    return (int)SC5(55, fd, lv, nm, v, l);
}

static int sh_netconf(int op, void *a, size_t l)
{
    (void)op, (void)a, (void)l;
    return -ENOSYS;
}

static const struct anyk_api shim_api = {
    .version = ANYK_API_VERSION,
    .size = sizeof(struct anyk_api),
    .emit = sh_emit,
    .key = sh_key,
    .open = sh_open,
    .close = sh_close,
    .read = sh_read,
    .write = sh_write,
    .pread = sh_pread,
    .pwrite = sh_pwrite,
    .lseek = sh_lseek,
    .stat = sh_stat,
    .lstat = sh_lstat,
    .fstat = sh_fstat,
    .mkdir = sh_mkdir,
    .rmdir = sh_rmdir,
    .unlink = sh_unlink,
    .rename = sh_rename,
    .link = sh_link,
    .symlink = sh_symlink,
    .readlink = sh_readlink,
    .chmod = sh_chmod,
    .chown = sh_chown,
    .utimens = sh_utimens,
    .truncate = sh_truncate,
    .ftruncate = sh_ftruncate,
    .fsync = sh_fsync,
    .getdents = sh_getdents,
    .statfs = sh_statfs,
    .dup = sh_dup,
    .dup2 = sh_dup2,
    .fcntl = sh_fcntl,
    .ioctl = sh_ioctl,
    .pipe = sh_pipe,
    .chdir = sh_chdir,
    .getcwd = sh_getcwd,
    .mount = sh_mount,
    .umount = sh_umount,
    .sync = sh_sync,
    .poll = sh_poll,
    .spawn = sh_spawn,
    .wait = sh_wait,
    .exit = sh_exit,
    .getpid = sh_getpid,
    .getppid = sh_getppid,
    .kill = sh_kill,
    .sigaction = sh_sigaction,
    .setpgid = sh_setpgid,
    .getpgid = sh_getpgid,
    .clock_gettime = sh_clock_gettime,
    .nanosleep = sh_nanosleep,
    .mmap = sh_mmap,
    .munmap = sh_munmap,
    .klog_read = sh_klog_read,
    .halt = sh_halt,
    .kexec = sh_kexec,
    .umask = sh_umask,
    .socket = sh_socket,
    .bind = sh_bind,
    .connect = sh_connect,
    .listen = sh_listen,
    .accept = sh_accept,
    .sendto = sh_sendto,
    .recvfrom = sh_recvfrom,
    .shutdown = sh_shutdown,
    .getsockname = sh_getsockname,
    .getpeername = sh_getpeername,
    .setsockopt = sh_setsockopt,
    .getsockopt = sh_getsockopt,
    .netconf = sh_netconf,
};

void shim_main(long *sp)
{
    sh_exit(_start(&shim_api, sp));
}
