/* sys/statfs.h - file system statistics, as Linux's statfs. */
#ifndef _SYS_STATFS_H
#define _SYS_STATFS_H

#include <sys/types.h>

struct statfs {
    long f_type;
    long f_bsize;
    fsblkcnt_t f_blocks, f_bfree, f_bavail;
    fsfilcnt_t f_files, f_ffree;
    long f_namelen;
    long f_flags;       /* MS_* it is mounted with */
    long f_frsize;
};

int statfs(const char *path, struct statfs *st);
int fstatfs(int fd, struct statfs *st);

#endif
