/*
 * syscall.c - the program API table (include/anyk/api.h).
 *
 * Every entry is the kernel's edge for what a program passes: pointers are
 * checked against the memory programs can own (kernel RAM; a program's image,
 * stack and heap all live there), strings are copied in with a length
 * limit, flags and descriptors are checked, and errors come back as negative
 * errno values. Entry and exit of every call are preemption points, and
 * pending signals are delivered on the way out (leave()).
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "kern/cons.h"
#include "kern/kernel.h"
#include "kern/kexec.h"
#include "kern/printk.h"
#include "kern/syscall.h"
#include "kern/syscall_net.h"
#include "kern/task.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "lib/string.h"

#define POLL_MAX 256
#define SPAWN_ACTIONS_MAX 64
#define ARGV_MAX 4096

/* ---- the edge: user memory ------------------------------------------------------ */

static struct {
    uintptr_t lo, hi; /* memory programs may pass: the kernel's RAM region */
} uspace;

void syscall_set_user_range(uintptr_t lo, uintptr_t hi)
{
    uspace.lo = lo;
    uspace.hi = hi;
}

/* Is [p, p+n) memory a program may hand the kernel? */
static bool uok(const void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p;

    if (!p)
        return n == 0;
    return a >= uspace.lo && a < uspace.hi && n <= uspace.hi - a;
}

bool syscall_uok(const void *p, size_t n)
{
    return uok(p, n);
}

/* Copy a NUL-terminated string (a path) from a program; -EFAULT or -ENAMETOOLONG. */
static int ustr(char *dst, const char *src, size_t cap)
{
    if (!uok(src, 1))
        return -EFAULT;
    for (size_t i = 0; i < cap; i++) {
        if ((uintptr_t)src + i >= uspace.hi)
            return -EFAULT;
        dst[i] = src[i];
        if (!dst[i])
            return 0;
    }
    return -ENAMETOOLONG;
}

/* Validate a NULL-terminated vector of strings (argv, envp) in place. */
static int uvec(char *const v[])
{
    if (!v)
        return 0;
    for (size_t i = 0;; i++) {
        if (i >= ARGV_MAX || !uok(&v[i], sizeof(v[i])))
            return i >= ARGV_MAX ? -E2BIG : -EFAULT;
        if (!v[i])
            return 0;
        const char *s = v[i];
        size_t k = 0;
        if (!uok(s, 1))
            return -EFAULT;
        while ((uintptr_t)s + k < uspace.hi && s[k])
            k++;
        if ((uintptr_t)s + k >= uspace.hi)
            return -EFAULT;
    }
}

static long leave(long r)
{
    sched_preempt_point();
    if (thread_self()->sig_pending)
        task_deliver_signals();
    return r;
}

long syscall_leave(long r)
{
    return leave(r);
}

#define ENTER()                                                                                \
    struct task *self = task_current();                                                        \
    (void)self;                                                                                \
    sched_preempt_point()

#define PATH(var, user)                                                                        \
    char var[VFS_PATH_MAX];                                                                    \
    do {                                                                                       \
        int r_ = ustr(var, user, sizeof(var));                                                 \
        if (r_ < 0)                                                                            \
            return leave(r_);                                                                  \
    } while (0)

#define FD(var, fd)                                                                            \
    struct file *var = task_fd(self, fd);                                                      \
    if (!var)                                                                                  \
    return leave(-EBADF)

/* ---- console -------------------------------------------------------------------- */

static void api_emit(int c)
{
    char ch = (char)c;

    cons_write(&ch, 1);
}

static int api_key(void)
{
    char c;
    long n;

    sched_preempt_point();
    n = cons_read_raw(&c, 1);
    return (int)leave(n > 0 ? (unsigned char)c : -1);
}

/* ---- files ------------------------------------------------------------------------ */

static int api_open(const char *upath, int flags, uint32_t mode)
{
    ENTER();
    PATH(path, upath);
    struct file *f;
    int r = vfs_open(&self->fs, path, flags, mode & 07777 & ~self->umask, &f);

    if (r < 0)
        return (int)leave(r);
    r = task_fd_install(self, f, 0, flags & ANYK_O_CLOEXEC);
    if (r < 0)
        file_put(f);
    return (int)leave(r);
}

static int api_close(int fd)
{
    ENTER();
    return (int)leave(task_fd_close(self, fd));
}

static long api_read(int fd, void *buf, size_t n)
{
    ENTER();
    FD(f, fd);
    if (!uok(buf, n))
        return leave(-EFAULT);
    return leave(file_read(f, buf, n));
}

static long pipe_check(struct task *self, long r)
{
    if (r == -EPIPE)
        task_signal(self->pid, ANYK_SIGPIPE);
    return r;
}

static long api_write(int fd, const void *buf, size_t n)
{
    ENTER();
    FD(f, fd);
    if (!uok(buf, n))
        return leave(-EFAULT);
    return leave(pipe_check(self, file_write(f, buf, n)));
}

static long api_pread(int fd, void *buf, size_t n, int64_t off)
{
    ENTER();
    FD(f, fd);
    if (!uok(buf, n))
        return leave(-EFAULT);
    return leave(file_pread(f, buf, n, off));
}

static long api_pwrite(int fd, const void *buf, size_t n, int64_t off)
{
    ENTER();
    FD(f, fd);
    if (!uok(buf, n))
        return leave(-EFAULT);
    return leave(pipe_check(self, file_pwrite(f, buf, n, off)));
}

static int64_t api_lseek(int fd, int64_t off, int whence)
{
    ENTER();
    FD(f, fd);
    return leave(file_lseek(f, off, whence));
}

static int stat_common(const char *upath, struct anyk_stat *st, bool follow)
{
    ENTER();
    PATH(path, upath);
    if (!uok(st, sizeof(*st)))
        return (int)leave(-EFAULT);
    return (int)leave(vfs_stat(&self->fs, path, st, follow));
}

static int api_stat(const char *p, struct anyk_stat *st)
{
    return stat_common(p, st, true);
}

static int api_lstat(const char *p, struct anyk_stat *st)
{
    return stat_common(p, st, false);
}

static int api_fstat(int fd, struct anyk_stat *st)
{
    ENTER();
    FD(f, fd);
    if (!uok(st, sizeof(*st)))
        return (int)leave(-EFAULT);
    return (int)leave(file_fstat(f, st));
}

/* Calls that take one path and pass it on with a number. */
#define PATH_CALL(name, vfs_call, type)                                                        \
    static int name(const char *upath, type arg)                                               \
    {                                                                                          \
        ENTER();                                                                               \
        PATH(path, upath);                                                                     \
        return (int)leave(vfs_call(&self->fs, path, arg));                                     \
    }

static int api_mkdir(const char *upath, uint32_t mode)
{
    ENTER();
    PATH(path, upath);
    return (int)leave(vfs_mkdir(&self->fs, path, mode & 07777 & ~self->umask));
}

PATH_CALL(api_chmod, vfs_chmod, uint32_t)
PATH_CALL(api_truncate, vfs_truncate, int64_t)

static int api_rmdir(const char *upath)
{
    ENTER();
    PATH(path, upath);
    return (int)leave(vfs_rmdir(&self->fs, path));
}

static int api_unlink(const char *upath)
{
    ENTER();
    PATH(path, upath);
    return (int)leave(vfs_unlink(&self->fs, path));
}

/* Calls that take two paths. */
#define PATH2_CALL(name, vfs_call)                                                             \
    static int name(const char *ua, const char *ub)                                            \
    {                                                                                          \
        ENTER();                                                                               \
        PATH(a, ua);                                                                           \
        PATH(b, ub);                                                                           \
        return (int)leave(vfs_call(&self->fs, a, b));                                          \
    }

PATH2_CALL(api_rename, vfs_rename)
PATH2_CALL(api_link, vfs_link)
PATH2_CALL(api_symlink, vfs_symlink)

static long api_readlink(const char *upath, char *buf, size_t n)
{
    ENTER();
    PATH(path, upath);
    if (!uok(buf, n))
        return leave(-EFAULT);
    return leave(vfs_readlink(&self->fs, path, buf, n));
}

static int api_chown(const char *upath, uint32_t uid, uint32_t gid)
{
    ENTER();
    PATH(path, upath);
    return (int)leave(vfs_chown(&self->fs, path, uid, gid));
}

static int api_utimens(const char *upath, const struct anyk_timespec times[2])
{
    ENTER();
    PATH(path, upath);
    if (times && !uok(times, 2 * sizeof(times[0])))
        return (int)leave(-EFAULT);
    for (int i = 0; times && i < 2; i++) {
        long ns = times[i].tv_nsec;
        if ((ns < 0 || ns >= 1000000000) && ns != ANYK_UTIME_NOW && ns != ANYK_UTIME_OMIT)
            return (int)leave(-EINVAL);
    }
    return (int)leave(vfs_utimens(&self->fs, path, times));
}

static int api_ftruncate(int fd, int64_t len)
{
    ENTER();
    FD(f, fd);
    return (int)leave(file_ftruncate(f, len));
}

static int api_fsync(int fd)
{
    ENTER();
    FD(f, fd);
    return (int)leave(file_fsync(f));
}

static long api_getdents(int fd, void *buf, size_t n)
{
    ENTER();
    FD(f, fd);
    if (!uok(buf, n))
        return leave(-EFAULT);
    return leave(file_getdents(f, buf, n));
}

static int api_statfs(const char *upath, struct anyk_statfs *st)
{
    ENTER();
    PATH(path, upath);
    if (!uok(st, sizeof(*st)))
        return (int)leave(-EFAULT);
    return (int)leave(vfs_statfs(&self->fs, path, st));
}

static int api_dup(int fd)
{
    ENTER();
    FD(f, fd);
    file_get(f);
    int r = task_fd_install(self, f, 0, false);
    if (r < 0)
        file_put(f);
    return (int)leave(r);
}

static int api_dup2(int fd, int newfd)
{
    ENTER();
    FD(f, fd);
    if (newfd < 0 || newfd >= TASK_NOFILE)
        return (int)leave(-EBADF);
    if (newfd == fd)
        return (int)leave(fd);
    file_get(f);
    return (int)leave(task_fd_replace(self, newfd, f));
}

static int api_fcntl(int fd, int cmd, long arg)
{
    const int settable = ANYK_O_APPEND | ANYK_O_NONBLOCK;
    int r;

    ENTER();
    FD(f, fd);
    switch (cmd) {
    case ANYK_F_DUPFD:
        if (arg < 0 || arg >= TASK_NOFILE)
            return (int)leave(-EINVAL);
        file_get(f);
        if ((r = task_fd_install(self, f, (int)arg, false)) < 0)
            file_put(f);
        return (int)leave(r);
    case ANYK_F_GETFD:
        return (int)leave((self->cloexec >> fd) & 1 ? ANYK_FD_CLOEXEC : 0);
    case ANYK_F_SETFD:
        if (arg & ANYK_FD_CLOEXEC)
            self->cloexec |= 1ull << fd;
        else
            self->cloexec &= ~(1ull << fd);
        return (int)leave(0);
    case ANYK_F_GETFL:
        return (int)leave(f->flags);
    case ANYK_F_SETFL:
        f->flags = (f->flags & ~settable) | ((int)arg & settable);
        return (int)leave(0);
    default:
        return (int)leave(-EINVAL);
    }
}

static int api_ioctl(int fd, unsigned long req, void *arg)
{
    ENTER();
    FD(f, fd);
    if (arg && !uok(arg, sizeof(struct anyk_termios)))
        return (int)leave(-EFAULT);
    return (int)leave(file_ioctl(f, req, arg));
}

static int api_pipe(int fds[2])
{
    struct file *rd, *wr;
    int r, a, b;

    ENTER();
    if (!uok(fds, 2 * sizeof(int)))
        return (int)leave(-EFAULT);
    if ((r = pipe_create(&rd, &wr)) < 0)
        return (int)leave(r);
    if ((a = task_fd_install(self, rd, 0, false)) < 0) {
        file_put(rd);
        file_put(wr);
        return (int)leave(a);
    }
    if ((b = task_fd_install(self, wr, 0, false)) < 0) {
        task_fd_close(self, a);
        file_put(wr);
        return (int)leave(b);
    }
    fds[0] = a;
    fds[1] = b;
    return (int)leave(0);
}

static int api_chdir(const char *upath)
{
    struct vnode *dir;
    int r;

    ENTER();
    PATH(path, upath);
    if ((r = vfs_lookup_dir(&self->fs, path, &dir)) < 0)
        return (int)leave(r);
    vnode_put(self->fs.cwd);
    self->fs.cwd = dir;
    return (int)leave(0);
}

static long api_getcwd(char *buf, size_t n)
{
    ENTER();
    if (!uok(buf, n))
        return leave(-EFAULT);
    return leave(vfs_getcwd(&self->fs, buf, n));
}

static int api_mount(const char *usrc, const char *utarget, const char *utype,
                     unsigned long flags, const char *uopts)
{
    char src[VFS_PATH_MAX], type[32], opts[256];
    int r;

    ENTER();
    PATH(target, utarget);
    if ((usrc && (r = ustr(src, usrc, sizeof(src))) < 0) ||
        (r = ustr(type, utype, sizeof(type))) < 0 ||
        (uopts && (r = ustr(opts, uopts, sizeof(opts))) < 0))
        return (int)leave(r);
    return (int)leave(vfs_mount(&self->fs, usrc ? src : NULL, target, type, (uint32_t)flags,
                                uopts ? opts : NULL));
}

static int api_umount(const char *utarget)
{
    ENTER();
    PATH(target, utarget);
    return (int)leave(vfs_umount(&self->fs, target));
}

static int api_sync(void)
{
    ENTER();
    return (int)leave(vfs_sync());
}

static int api_poll(struct anyk_pollfd *fds, unsigned nfds, int timeout_ms)
{
    struct wait_entry ent[POLL_MAX];
    struct waitq *wq[POLL_MAX];
    uint64_t deadline;

    ENTER();
    if (nfds > POLL_MAX)
        return (int)leave(-EINVAL);
    if (!uok(fds, nfds * sizeof(*fds)))
        return (int)leave(-EFAULT);
    deadline = timeout_ms < 0 ? UINT64_MAX : ktime_now() + (uint64_t)timeout_ms * NSEC_PER_MSEC;
    for (;;) {
        int ready = 0, r;

        for (unsigned i = 0; i < nfds; i++) {
            struct file *f = fds[i].fd < 0 ? NULL : task_fd(self, fds[i].fd);
            unsigned ev;

            wq[i] = NULL;
            if (fds[i].fd < 0)
                ev = 0;
            else if (!f)
                ev = ANYK_POLLNVAL;
            else
                ev = file_poll(f, &wq[i]) &
                     ((unsigned)fds[i].events | ANYK_POLLERR | ANYK_POLLHUP);
            fds[i].revents = (short)ev;
            ready += ev != 0;
        }
        if (ready || ktime_now() >= deadline)
            return (int)leave(ready);
        for (unsigned i = 0; i < nfds; i++)
            if (wq[i])
                waitq_add(wq[i], &ent[i]);
        r = waitq_block_intr(deadline);
        for (unsigned i = 0; i < nfds; i++)
            if (wq[i])
                waitq_remove(&ent[i]);
        if (r == -EINTR)
            return (int)leave(-EINTR);
    }
}

/* ---- tasks -------------------------------------------------------------------------- */

static int api_spawn(const char *upath, char *const argv[], char *const envp[],
                     const struct anyk_spawn_action *actions, unsigned nactions,
                     const struct anyk_spawn_attr *attr)
{
    struct anyk_spawn_action act[SPAWN_ACTIONS_MAX];
    char paths[4][VFS_PATH_MAX];
    unsigned npaths = 0;
    int r;

    ENTER();
    PATH(path, upath);
    if ((r = uvec(argv)) < 0 || (r = uvec(envp)) < 0)
        return (int)leave(r);
    if (nactions > SPAWN_ACTIONS_MAX)
        return (int)leave(-EINVAL);
    if (!uok(actions, nactions * sizeof(*actions)) || (attr && !uok(attr, sizeof(*attr))))
        return (int)leave(-EFAULT);
    /* Paths in actions are copied in too (at most four of them, which covers <, >, 2> and cd). */
    for (unsigned i = 0; i < nactions; i++) {
        act[i] = actions[i];
        if (act[i].op == ANYK_SPAWN_OPEN || act[i].op == ANYK_SPAWN_CHDIR) {
            if (npaths == 4)
                return (int)leave(-EINVAL);
            if ((r = ustr(paths[npaths], act[i].path, VFS_PATH_MAX)) < 0)
                return (int)leave(r);
            act[i].path = paths[npaths++];
        }
    }
    return (int)leave(task_spawn(path, argv, envp, act, nactions, attr));
}

static int api_wait(int pid, int *status, int options)
{
    ENTER();
    if (status && !uok(status, sizeof(*status)))
        return (int)leave(-EFAULT);
    return (int)leave(task_wait(pid, status, options));
}

static void __attribute__((noreturn)) api_exit(int status)
{
    task_exit(status);
}

static int api_getpid(void)
{
    ENTER();
    return (int)leave(self->pid);
}

static int api_getppid(void)
{
    ENTER();
    return (int)leave(self->ppid);
}

static int api_kill(int pid, int sig)
{
    ENTER();
    if (pid > 0)
        return (int)leave(task_signal(pid, sig));
    return (int)leave(task_signal_group(pid == 0 ? self->pgid : pid == -1 ? -1 : -pid, sig));
}

static int api_sigaction(int sig, const struct anyk_sigaction *act, struct anyk_sigaction *old)
{
    ENTER();
    if ((act && !uok(act, sizeof(*act))) || (old && !uok(old, sizeof(*old))))
        return (int)leave(-EFAULT);
    return (int)leave(task_sigaction(sig, act, old));
}

static int api_setpgid(int pid, int pgid)
{
    ENTER();
    return (int)leave(task_setpgid(pid, pgid));
}

static int api_getpgid(int pid)
{
    ENTER();
    return (int)leave(task_getpgid(pid));
}

/* ---- time --------------------------------------------------------------------------- */

static int api_clock_gettime(int clock, struct anyk_timespec *ts)
{
    uint64_t ns;

    ENTER();
    if (!uok(ts, sizeof(*ts)))
        return (int)leave(-EFAULT);
    if (clock == ANYK_CLOCK_REALTIME)
        ns = hyp_clock_wall_ns();
    else if (clock == ANYK_CLOCK_MONOTONIC)
        ns = ktime_now();
    else
        return (int)leave(-EINVAL);
    ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
    ts->tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
    return (int)leave(0);
}

static int api_nanosleep(const struct anyk_timespec *req, struct anyk_timespec *rem)
{
    struct waitq never;
    uint64_t end, ns;

    ENTER();
    if (!uok(req, sizeof(*req)) || (rem && !uok(rem, sizeof(*rem))))
        return (int)leave(-EFAULT);
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (int64_t)NSEC_PER_SEC)
        return (int)leave(-EINVAL);
    ns = (uint64_t)req->tv_sec > UINT64_MAX / NSEC_PER_SEC / 2
             ? UINT64_MAX / 2
             : (uint64_t)req->tv_sec * NSEC_PER_SEC + (uint64_t)req->tv_nsec;
    end = ktime_now() + ns;
    waitq_init(&never);
    while (ktime_now() < end) {
        if (waitq_wait_intr(&never, end) == -EINTR) {
            if (rem) {
                uint64_t left = end > ktime_now() ? end - ktime_now() : 0;
                rem->tv_sec = (int64_t)(left / NSEC_PER_SEC);
                rem->tv_nsec = (int64_t)(left % NSEC_PER_SEC);
            }
            return (int)leave(-EINTR);
        }
    }
    return (int)leave(0);
}

/* ---- memory ------------------------------------------------------------------------- */

static void *api_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t off)
{
    void *p;

    ENTER();
    (void)addr, (void)prot;
    if (!len || !(flags & ANYK_MAP_ANONYMOUS) || (flags & ANYK_MAP_FIXED) || fd != -1 || off)
        return (void *)leave(-EINVAL);
    if (!(p = task_mem_alloc(self, len)))
        return (void *)leave(-ENOMEM);
    memset(p, 0, len);
    return (void *)leave((long)(uintptr_t)p);
}

static int api_munmap(void *addr, size_t len)
{
    ENTER();
    return (int)leave(task_mem_free(self, addr, len));
}

/* ---- the kernel ----------------------------------------------------------------------- */

static long api_klog_read(uint64_t *seq, char *buf, size_t n)
{
    ENTER();
    if (!uok(seq, sizeof(*seq)) || !uok(buf, n))
        return leave(-EFAULT);
    return leave((long)klog_read(seq, buf, n));
}

static int api_halt(int status)
{
    ENTER();
    if (status < 0 || status > 255)
        return (int)leave(-EINVAL);
    kern_halt(status);
}

static int api_kexec(const char *upath)
{
    ENTER();
    PATH(path, upath);
    return (int)leave(kexec_run(&self->fs, path));
}

static uint32_t api_umask(uint32_t mask)
{
    ENTER();
    uint32_t old = self->umask;
    self->umask = mask & 0777;
    return (uint32_t)leave(old);
}

static const struct anyk_api api_table = {
    .version = ANYK_API_VERSION,
    .size = sizeof(struct anyk_api),
    .emit = api_emit,
    .key = api_key,
    .open = api_open,
    .close = api_close,
    .read = api_read,
    .write = api_write,
    .pread = api_pread,
    .pwrite = api_pwrite,
    .lseek = api_lseek,
    .stat = api_stat,
    .lstat = api_lstat,
    .fstat = api_fstat,
    .mkdir = api_mkdir,
    .rmdir = api_rmdir,
    .unlink = api_unlink,
    .rename = api_rename,
    .link = api_link,
    .symlink = api_symlink,
    .readlink = api_readlink,
    .chmod = api_chmod,
    .chown = api_chown,
    .utimens = api_utimens,
    .truncate = api_truncate,
    .ftruncate = api_ftruncate,
    .fsync = api_fsync,
    .getdents = api_getdents,
    .statfs = api_statfs,
    .dup = api_dup,
    .dup2 = api_dup2,
    .fcntl = api_fcntl,
    .ioctl = api_ioctl,
    .pipe = api_pipe,
    .chdir = api_chdir,
    .getcwd = api_getcwd,
    .mount = api_mount,
    .umount = api_umount,
    .sync = api_sync,
    .poll = api_poll,
    .spawn = api_spawn,
    .wait = api_wait,
    .exit = api_exit,
    .getpid = api_getpid,
    .getppid = api_getppid,
    .kill = api_kill,
    .sigaction = api_sigaction,
    .setpgid = api_setpgid,
    .getpgid = api_getpgid,
    .clock_gettime = api_clock_gettime,
    .nanosleep = api_nanosleep,
    .mmap = api_mmap,
    .munmap = api_munmap,
    .klog_read = api_klog_read,
    .halt = api_halt,
    .kexec = api_kexec,
    .umask = api_umask,
    .socket = api_socket,
    .bind = api_bind,
    .connect = api_connect,
    .listen = api_listen,
    .accept = api_accept,
    .sendto = api_sendto,
    .recvfrom = api_recvfrom,
    .shutdown = api_shutdown,
    .getsockname = api_getsockname,
    .getpeername = api_getpeername,
    .setsockopt = api_setsockopt,
    .getsockopt = api_getsockopt,
    .netconf = api_netconf,
};

const struct anyk_api *syscall_api(void)
{
    return &api_table;
}
