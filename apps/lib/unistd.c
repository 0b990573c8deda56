/*
 * unistd.c - the POSIX file and process calls, each a thin wrapper over one
 * entry of the API table that turns a negative return into errno.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libc_impl.h"

ssize_t read(int fd, void *buf, size_t n)
{
    return __sysret(__anyk->read(fd, buf, n));
}

ssize_t write(int fd, const void *buf, size_t n)
{
    return __sysret(__anyk->write(fd, buf, n));
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    return __sysret(__anyk->pread(fd, buf, n, off));
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return __sysret(__anyk->pwrite(fd, buf, n, off));
}

off_t lseek(int fd, off_t off, int whence)
{
    return __sysret(__anyk->lseek(fd, off, whence));
}

int close(int fd)
{
    return (int)__sysret(__anyk->close(fd));
}

int dup(int fd)
{
    return (int)__sysret(__anyk->dup(fd));
}

int dup2(int fd, int newfd)
{
    return (int)__sysret(__anyk->dup2(fd, newfd));
}

int pipe(int fds[2])
{
    return (int)__sysret(__anyk->pipe(fds));
}

int open(const char *path, int flags, ...)
{
    unsigned mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, unsigned);
        va_end(ap);
    }
    return (int)__sysret(__anyk->open(path, flags, mode));
}

int creat(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    if (cmd == F_DUPFD_CLOEXEC) {
        int nfd = (int)__sysret(__anyk->fcntl(fd, F_DUPFD, arg));
        if (nfd >= 0)
            __anyk->fcntl(nfd, F_SETFD, FD_CLOEXEC);
        return nfd;
    }
    return (int)__sysret(__anyk->fcntl(fd, cmd, arg));
}

int chdir(const char *path)
{
    return (int)__sysret(__anyk->chdir(path));
}

int fchdir(int fd)
{
    (void)fd;
    errno = ENOSYS;
    return -1;
}

char *getcwd(char *buf, size_t n)
{
    long r = __sysret(__anyk->getcwd(buf, n));
    return r < 0 ? NULL : buf;
}

int unlink(const char *path)
{
    return (int)__sysret(__anyk->unlink(path));
}

int rmdir(const char *path)
{
    return (int)__sysret(__anyk->rmdir(path));
}

int link(const char *target, const char *path)
{
    return (int)__sysret(__anyk->link(target, path));
}

int symlink(const char *target, const char *path)
{
    return (int)__sysret(__anyk->symlink(target, path));
}

ssize_t readlink(const char *path, char *buf, size_t n)
{
    return __sysret(__anyk->readlink(path, buf, n));
}

int rename(const char *from, const char *to)
{
    return (int)__sysret(__anyk->rename(from, to));
}

int chown(const char *path, uid_t uid, gid_t gid)
{
    return (int)__sysret(__anyk->chown(path, uid, gid));
}

int lchown(const char *path, uid_t uid, gid_t gid)
{
    return chown(path, uid, gid);
}

int truncate(const char *path, off_t len)
{
    return (int)__sysret(__anyk->truncate(path, len));
}

int ftruncate(int fd, off_t len)
{
    return (int)__sysret(__anyk->ftruncate(fd, len));
}

int fsync(int fd)
{
    return (int)__sysret(__anyk->fsync(fd));
}

int fdatasync(int fd)
{
    return fsync(fd);
}

void sync(void)
{
    __anyk->sync();
}

/*
 * anyk has one user, root, so permission is what the mode bits allow anyone:
 * a file is readable/writable/executable if any of the u/g/o bits say so
 * (executable additionally requires some x bit even for root, as on Linux).
 */
int access(const char *path, int mode)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if ((mode & R_OK) && !(st.st_mode & 0444))
        goto denied;
    if ((mode & W_OK) && !(st.st_mode & 0222))
        goto denied;
    if ((mode & X_OK) && !(st.st_mode & 0111) && !S_ISDIR(st.st_mode))
        goto denied;
    return 0;
denied:
    errno = EACCES;
    return -1;
}

int isatty(int fd)
{
    struct anyk_termios t;
    int r = __anyk->ioctl(fd, ANYK_TCGETS, &t);
    if (r < 0) {
        errno = r == -EBADF ? EBADF : ENOTTY;
        return 0;
    }
    return 1;
}

pid_t getpid(void)
{
    return __anyk->getpid();
}

pid_t getppid(void)
{
    return __anyk->getppid();
}

int setpgid(pid_t pid, pid_t pgid)
{
    return (int)__sysret(__anyk->setpgid(pid, pgid));
}

pid_t getpgid(pid_t pid)
{
    return (pid_t)__sysret(__anyk->getpgid(pid));
}

pid_t getpgrp(void)
{
    return getpgid(0);
}

pid_t setsid(void)
{
    if (setpgid(0, 0) < 0)
        return -1;
    return getpid();
}

pid_t tcgetpgrp(int fd)
{
    int pg;
    if (__sysret(__anyk->ioctl(fd, ANYK_TIOCGPGRP, &pg)) < 0)
        return -1;
    return pg;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
    int pg = pgrp;
    return (int)__sysret(__anyk->ioctl(fd, ANYK_TIOCSPGRP, &pg));
}

/* anyk has one user, and it is root. */
uid_t getuid(void)
{
    return 0;
}

uid_t geteuid(void)
{
    return 0;
}

gid_t getgid(void)
{
    return 0;
}

gid_t getegid(void)
{
    return 0;
}

int gethostname(char *name, size_t n)
{
    if (n < 5) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(name, "anyk", 5);
    return 0;
}

unsigned sleep(unsigned seconds)
{
    struct timespec req = {seconds, 0}, rem = {0, 0};
    if (nanosleep(&req, &rem) < 0)
        return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
    return 0;
}

int usleep(useconds_t usec)
{
    struct timespec req = {usec / 1000000, (long)(usec % 1000000) * 1000};
    return nanosleep(&req, NULL);
}

long sysconf(int name)
{
    switch (name) {
    case _SC_PAGESIZE:
        return 4096;
    case _SC_CLK_TCK:
        return 100;
    case _SC_OPEN_MAX:
        return 64;
    case _SC_ARG_MAX:
        return 131072;
    case _SC_NPROCESSORS_ONLN:
        return 1;
    case _SC_LINE_MAX:
        return 2048;
    case _SC_HOST_NAME_MAX:
        return 64;
    }
    errno = EINVAL;
    return -1;
}

long pathconf(const char *path, int name)
{
    (void)path;
    if (name == _PC_PATH_MAX)
        return 4096;
    if (name == _PC_NAME_MAX)
        return 255;
    errno = EINVAL;
    return -1;
}
