/*
 * ext2_impl.h - the ext2 driver's internals, shared by its files (not for other subsystems).
 *
 *   super.c   mount, unmount, statfs, sync; the superblock and group descriptors;
 *             errors; the orphan list
 *   alloc.c   the block and inode bitmaps, the free counts
 *   inode.c   in-memory inodes, reading and writing them, block mapping, freeing blocks
 *   dir.c     directory records: find, add, remove, readdir
 *   data.c    file contents: read, write, truncate, symlink targets
 *   vnops.c   the vnode ops on top of the above
 *
 * Locking: every entry point (vnode op, fs_type op) takes fs->lock, so one
 * operation runs at a time on a file system and the on-disk structures and
 * the in-memory inodes never change under a function that has read them.
 * Functions here assume the lock is held.
 *
 * Errors: a structure found inconsistent on disk is reported with kerr naming
 * the inode (ext2_corrupt), the file system is marked as having errors, and
 * the caller gets -EUCLEAN; nothing is written on the strength of a bad
 * number.
 */
#ifndef FS_EXT2_IMPL_H
#define FS_EXT2_IMPL_H

#include "blk/blk.h"
#include "fs/ext2/ext2.h"
#include "kern/sync.h"
#include "lib/list.h"

#define EXT2_NODE_HASH 64

struct ext2_fs {
    struct blkdev *dev;
    struct mount *mnt;
    struct mutex lock;
    struct buf *sbuf;            /* the block holding the superblock, held while mounted */
    struct ext2_super *sb;       /* inside sbuf */

    /* Geometry, checked at mount. */
    uint32_t bsize;              /* bytes per block: 1024, 2048 or 4096 */
    uint32_t bshift;             /* log2(bsize) */
    uint32_t ppb;                /* block pointers per indirect block */
    uint32_t ppb_shift;
    uint32_t nblocks, first_data, bpg, ngroups;
    uint32_t ninodes, ipg, isize, first_ino, itb;   /* itb: inode table blocks per group */
    uint32_t gdt_blocks, reserved_gdt;
    uint64_t max_size;           /* largest file size */
    uint64_t overhead;           /* blocks used by metadata (statfs) */

    bool readonly;               /* nothing is written (mounted ro, or forced) */
    bool sync;                   /* write-through (the sync option) */
    bool filetype;               /* directory records carry the file type */
    uint16_t mount_state;        /* s_state when mounted: restored at unmount */

    /* Where each group's bitmaps and inode table are (checked at mount, never moved). */
    struct ext2_gmeta {
        uint32_t block_bitmap, inode_bitmap, inode_table;
    } *gmeta;

    struct list_node nodes[EXT2_NODE_HASH];   /* in-memory inodes, by number */
    uint32_t dir_rotor;          /* next group to try for a new directory */
};

/* An inode in memory: exists while something references it. */
struct ext2_node {
    struct ext2_fs *fs;
    uint32_t ino;
    uint32_t refs;               /* the vnode's, plus transient ones inside an op */
    struct vnode *vn;            /* while the VFS references the inode */
    struct list_node hash_link;
    struct ext2_inode di;        /* the on-disk inode; written back by ext2_iupdate */
    struct ext2_inode_extra dx;  /* its extra fields, those covered by i_extra_isize */
    uint32_t alloc_hint;         /* where the next block should go (after the last one) */
    bool orphan;                 /* on the superblock's orphan list */
};

/* ---- super.c ----------------------------------------------------------------------- */

/* Report an inconsistency of inode ino (0: the file system); returns -EUCLEAN. */
int ext2_corrupt(struct ext2_fs *fs, uint32_t ino, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A buffer was changed: mark it dirty, and write it now when mounted with sync. */
void ext2_dirty(struct ext2_fs *fs, struct buf *b);
/* The superblock was changed. */
void ext2_super_dirty(struct ext2_fs *fs);
/* Group g's descriptor, in *b (release it with brelse). */
int ext2_group_get(struct ext2_fs *fs, uint32_t g, struct buf **b, struct ext2_group **gd);
/* Does group g hold a copy of the superblock and descriptors? */
bool ext2_group_has_super(const struct ext2_fs *fs, uint32_t g);
uint32_t ext2_group_first(const struct ext2_fs *fs, uint32_t g);
uint32_t ext2_group_nblocks(const struct ext2_fs *fs, uint32_t g);
/* Is blk a valid data block: inside the file system and not metadata? */
bool ext2_block_in_fs(const struct ext2_fs *fs, uint64_t blk);
bool ext2_block_is_meta(struct ext2_fs *fs, uint32_t blk);
uint32_t ext2_now(void);
/* Put node (nlink 0, still open) on the orphan list / take it off. */
int ext2_orphan_add(struct ext2_node *n);
void ext2_orphan_del(struct ext2_node *n);

/* ---- alloc.c ----------------------------------------------------------------------- */

/* A free block near goal (0: anywhere), marked used. -ENOSPC if none. */
int ext2_balloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
void ext2_bfree(struct ext2_fs *fs, uint32_t ino, uint32_t blk);
/* A free inode, preferably in group pref, marked used (and counted as a directory). */
int ext2_ialloc(struct ext2_fs *fs, uint32_t pref, bool dir, uint32_t *out);
void ext2_ifree(struct ext2_fs *fs, uint32_t ino, bool dir);
/* Is ino marked in use in its bitmap? 1, 0 or -errno. */
int ext2_inode_in_use(struct ext2_fs *fs, uint32_t ino);

/* ---- inode.c ----------------------------------------------------------------------- */

#define EXT2_IGET_ANY 1          /* also an inode with no links (orphans) */

/* The on-disk inode ino inside its inode table block *b (release with brelse). */
int ext2_iraw(struct ext2_fs *fs, uint32_t ino, struct buf **b, struct ext2_inode **di);
int ext2_iget(struct ext2_fs *fs, uint32_t ino, int flags, struct ext2_node **out);
/* Set up a just-allocated inode in memory (zeroed, mode set) with one reference. */
int ext2_inew(struct ext2_fs *fs, uint32_t ino, uint32_t mode, struct ext2_node **out);
void ext2_iref(struct ext2_node *n);
/* Drop a reference; the last one frees the inode on disk too if it has no links. */
void ext2_iput(struct ext2_node *n);
/* Write the in-memory inode into its inode table block. */
int ext2_iupdate(struct ext2_node *n);
uint32_t ext2_group_of_ino(const struct ext2_fs *fs, uint32_t ino);

uint64_t ext2_isize(const struct ext2_node *n);
void ext2_set_isize(struct ext2_node *n, uint64_t size);
bool ext2_is_dir(const struct ext2_node *n);
bool ext2_is_reg(const struct ext2_node *n);
bool ext2_is_lnk(const struct ext2_node *n);
/* Does i_block hold block pointers (not a fast symlink target or a device number)? */
bool ext2_has_blocks(const struct ext2_node *n);
#define EXT2_TOUCH_A 1
#define EXT2_TOUCH_M 2
#define EXT2_TOUCH_C 4
void ext2_touch(struct ext2_node *n, int what);
void ext2_get_times(const struct ext2_node *n, struct anyk_stat *st);
void ext2_set_time(struct ext2_node *n, int which, const struct anyk_timespec *t);

/*
 * The physical block of logical block lblk in *out (0 for a hole). With
 * alloc, a hole is filled: *fresh says the block is new (its contents are
 * garbage: the caller writes all of it or zeroes it).
 */
int ext2_bmap(struct ext2_node *n, uint64_t lblk, bool alloc, uint32_t *out, bool *fresh);
/* Free every block at logical lblk >= keep (and the indirect blocks left unused). */
int ext2_free_blocks(struct ext2_node *n, uint64_t keep);

/* ---- dir.c ------------------------------------------------------------------------- */

int ext2_dir_lookup(struct ext2_node *dir, const char *name, size_t len, uint32_t *ino);
int ext2_dir_add(struct ext2_node *dir, const char *name, size_t len, uint32_t ino,
                 uint32_t mode);
/* Remove name, which must point at ino. */
int ext2_dir_remove(struct ext2_node *dir, const char *name, size_t len, uint32_t ino);
/* Point the existing record name at ino (rename over a target, fixing ".."). */
int ext2_dir_retarget(struct ext2_node *dir, const char *name, size_t len, uint32_t ino,
                      uint32_t mode);
/* 1 if dir holds nothing but "." and "..", 0 if not, or -errno. */
int ext2_dir_empty(struct ext2_node *dir);
/* The first block of a new directory: "." and "..". */
int ext2_dir_init(struct ext2_node *dir, uint32_t parent);
int ext2_dir_readdir(struct ext2_node *dir, int64_t *off, vfs_filldir_fn fill, void *ctx);

/* ---- data.c ------------------------------------------------------------------------ */

long ext2_read(struct ext2_node *n, void *buf, size_t len, int64_t off);
long ext2_write(struct ext2_node *n, const void *buf, size_t len, int64_t off);
int ext2_truncate(struct ext2_node *n, uint64_t size);
long ext2_readlink(struct ext2_node *n, char *buf, size_t len);
int ext2_symlink_init(struct ext2_node *n, const char *target, size_t len);

/* ---- vnops.c ----------------------------------------------------------------------- */

/* The vnode of n, with a reference (allocated on first use). */
int ext2_vnode(struct ext2_node *n, struct vnode **out);
void ext2_vnode_release(struct vnode *vn);

#endif
