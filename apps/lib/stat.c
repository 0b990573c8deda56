/* stat.c - file status, modes and times: <sys/stat.h> and statfs over the API table. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>

#include "libc_impl.h"

/* struct stat has POSIX types; the kernel's struct has fixed widths. */
static void stat_from_anyk(struct stat *st, const struct anyk_stat *k)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = k->st_dev;
    st->st_ino = k->st_ino;
    st->st_mode = k->st_mode;
    st->st_nlink = k->st_nlink;
    st->st_uid = k->st_uid;
    st->st_gid = k->st_gid;
    st->st_rdev = k->st_rdev;
    st->st_size = k->st_size;
    st->st_blksize = k->st_blksize;
    st->st_blocks = k->st_blocks;
    st->st_atim.tv_sec = k->st_atim.tv_sec;
    st->st_atim.tv_nsec = k->st_atim.tv_nsec;
    st->st_mtim.tv_sec = k->st_mtim.tv_sec;
    st->st_mtim.tv_nsec = k->st_mtim.tv_nsec;
    st->st_ctim.tv_sec = k->st_ctim.tv_sec;
    st->st_ctim.tv_nsec = k->st_ctim.tv_nsec;
}

int stat(const char *path, struct stat *st)
{
    struct anyk_stat k;
    if (__sysret(__anyk->stat(path, &k)) < 0)
        return -1;
    stat_from_anyk(st, &k);
    return 0;
}

int lstat(const char *path, struct stat *st)
{
    struct anyk_stat k;
    if (__sysret(__anyk->lstat(path, &k)) < 0)
        return -1;
    stat_from_anyk(st, &k);
    return 0;
}

int fstat(int fd, struct stat *st)
{
    struct anyk_stat k;
    if (__sysret(__anyk->fstat(fd, &k)) < 0)
        return -1;
    stat_from_anyk(st, &k);
    return 0;
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    if (dirfd != AT_FDCWD && path[0] != '/') {
        errno = ENOSYS;
        return -1;
    }
    return (flags & AT_SYMLINK_NOFOLLOW) ? lstat(path, st) : stat(path, st);
}

int mkdir(const char *path, mode_t mode)
{
    return (int)__sysret(__anyk->mkdir(path, mode));
}

int mkfifo(const char *path, mode_t mode)
{
    (void)path;
    (void)mode;
    errno = ENOSYS;
    return -1;
}

int chmod(const char *path, mode_t mode)
{
    return (int)__sysret(__anyk->chmod(path, mode));
}

/* The API changes modes by path only. */
int fchmod(int fd, mode_t mode)
{
    (void)fd;
    (void)mode;
    errno = ENOSYS;
    return -1;
}

/* The kernel keeps the mask (inherited by spawned programs, 022 at boot). */
mode_t umask(mode_t mask)
{
    if (__anyk->size < offsetof(struct anyk_api, umask) + sizeof(__anyk->umask) || !__anyk->umask)
        return 022;
    return (mode_t)__anyk->umask((uint32_t)mask);
}

int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
    if ((dirfd != AT_FDCWD && (!path || path[0] != '/')) || flags != 0 || !path) {
        errno = ENOSYS;
        return -1;
    }
    if (!times)
        return (int)__sysret(__anyk->utimens(path, NULL));
    struct anyk_timespec k[2] = {{times[0].tv_sec, times[0].tv_nsec},
                                 {times[1].tv_sec, times[1].tv_nsec}};
    return (int)__sysret(__anyk->utimens(path, k));
}

int futimens(int fd, const struct timespec times[2])
{
    (void)fd;
    (void)times;
    errno = ENOSYS;
    return -1;
}

int utimes(const char *path, const struct timeval tv[2])
{
    if (!tv)
        return utimensat(AT_FDCWD, path, NULL, 0);
    struct timespec ts[2] = {{tv[0].tv_sec, tv[0].tv_usec * 1000},
                             {tv[1].tv_sec, tv[1].tv_usec * 1000}};
    return utimensat(AT_FDCWD, path, ts, 0);
}

int statfs(const char *path, struct statfs *st)
{
    struct anyk_statfs k;
    if (__sysret(__anyk->statfs(path, &k)) < 0)
        return -1;
    memset(st, 0, sizeof(*st));
    st->f_type = k.f_type;
    st->f_bsize = k.f_bsize;
    st->f_frsize = k.f_bsize;
    st->f_blocks = k.f_blocks;
    st->f_bfree = k.f_bfree;
    st->f_bavail = k.f_bavail;
    st->f_files = k.f_files;
    st->f_ffree = k.f_ffree;
    st->f_namelen = k.f_namelen;
    st->f_flags = k.f_flags;
    return 0;
}

int fstatfs(int fd, struct statfs *st)
{
    (void)fd;
    (void)st;
    errno = ENOSYS;
    return -1;
}
