/*
 * tmpfs_impl.h - tmpfs internals shared by its files (not for other subsystems).
 */
#ifndef FS_TMPFS_IMPL_H
#define FS_TMPFS_IMPL_H

#include "fs/tmpfs/tmpfs.h"
#include "lib/list.h"

/* File data: a radix tree of pages (tmpfs_data.c). */
struct tdata {
    void **root;
    unsigned height;
    size_t pages;   /* data pages */
    size_t nodes;   /* interior pages */
};

void tdata_init(struct tdata *d);
long tdata_read(struct tdata *d, int64_t size, void *buf, size_t n, int64_t off);
/* Returns bytes written (short if memory ran out) or -ENOSPC if none. */
long tdata_write(struct tdata *d, const void *buf, size_t n, int64_t off);
void tdata_truncate(struct tdata *d, int64_t old_size, int64_t size);
void tdata_free(struct tdata *d);

struct tnode;

/* A directory entry: in its directory's hash chain and in cookie order. */
struct tdirent {
    struct tdirent *hnext;
    struct list_node order;
    struct tnode *node;
    uint64_t cookie;        /* getdents position; increases with insertion, never reused */
    uint16_t len;
    char name[];
};

struct tdir {
    struct tdirent **hash;
    size_t nbuckets, count;
    struct list_node entries;   /* by cookie */
    uint64_t next_cookie;
    struct tnode *parent;
    /*
     * Where the last getdents stopped, so the next one resumes in O(1): resume
     * is the first entry whose cookie is >= resume_off (every entry before it
     * in the list has a smaller cookie), or NULL for no hint.
     */
    struct tdirent *resume;
    int64_t resume_off;
};

struct tnode {
    uint64_t ino;
    uint32_t mode, nlink, uid, gid;
    int64_t size;
    struct anyk_timespec atime, mtime, ctime;
    struct vnode *vn;           /* while referenced */
    struct tmpfs *fs;
    union {
        struct tdata data;      /* regular files */
        struct tdir dir;        /* directories */
        char *target;           /* symbolic links */
    } u;
};

struct tmpfs {
    struct tnode *root;
    uint64_t next_ino;
    size_t inodes;
};

#endif
