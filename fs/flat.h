/*
 * flat.h - a file system of one directory with a fixed table of files
 * (devfs and procfs are both that): lookup, readdir and attributes from the
 * table. Entry i has inode number i + 2; the directory is inode 1.
 */
#ifndef FS_FLAT_H
#define FS_FLAT_H

#include "fs/vfs.h"

#define FLAT_MAX 64

struct flat_entry {
    char name[32];
    uint32_t mode;
    const void *ops;    /* the owner's: file_ops for devfs, a generator for procfs */
    void *priv;
};

struct flat {
    struct flat_entry e[FLAT_MAX];
    unsigned n;
    const struct vnode_ops *file_vops; /* ops for the files' vnodes (their open hook) */
    struct anyk_timespec born;
};

int flat_add(struct flat *fl, const char *name, uint32_t mode, const void *ops, void *priv);
/* Mount fl as m: its root directory vnode. */
int flat_mount(struct flat *fl, struct mount *m);
/* The table entry behind a file vnode. */
struct flat_entry *flat_entry_of(struct vnode *vn);
int flat_getattr(struct vnode *vn, struct anyk_stat *st);

#endif
