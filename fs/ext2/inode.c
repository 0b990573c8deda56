/*
 * inode.c - inodes in memory, and the map from a file's logical blocks to
 * disk blocks through i_block's direct and indirect pointers.
 *
 * An inode is read once into a struct ext2_node, checked, and kept while
 * referenced (the vnode holds one reference; operations take transient
 * ones). Every change is copied back into the inode table block at once
 * (ext2_iupdate), so the buffer cache always holds the current inode and the
 * node can simply be dropped when the last reference goes. An inode whose
 * link count reached 0 is freed on disk then: its blocks, its extended
 * attribute block, its bitmap bit.
 *
 * Block pointers are checked when they are followed: a pointer outside the
 * file system is an error, and a block about to be written (a data block or
 * an indirect block that gets a new pointer) must not be metadata.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "fs/ext2/ext2_impl.h"
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "lib/string.h"

static struct list_node *bucket(struct ext2_fs *fs, uint32_t ino)
{
    return &fs->nodes[ino % EXT2_NODE_HASH];
}

static struct ext2_node *find_node(struct ext2_fs *fs, uint32_t ino)
{
    struct list_node *l;

    list_for_each(l, bucket(fs, ino)) {
        struct ext2_node *n = list_entry(l, struct ext2_node, hash_link);
        if (n->ino == ino)
            return n;
    }
    return NULL;
}

uint32_t ext2_group_of_ino(const struct ext2_fs *fs, uint32_t ino)
{
    return (ino - 1) / fs->ipg;
}

int ext2_iraw(struct ext2_fs *fs, uint32_t ino, struct buf **b, struct ext2_inode **di)
{
    uint32_t per = fs->bsize / fs->isize, idx = (ino - 1) % fs->ipg;
    int r;

    if (ino == 0 || ino > fs->ninodes)
        return ext2_corrupt(fs, 0, "inode number %u out of range", ino);
    r = bread(fs->dev, fs->gmeta[ext2_group_of_ino(fs, ino)].inode_table + idx / per, fs->bsize,
              b);
    if (r < 0)
        return r;
    *di = (struct ext2_inode *)((char *)(*b)->data + (idx % per) * fs->isize);
    return 0;
}

/* ---- attributes ------------------------------------------------------------------ */

static uint32_t ifmt(const struct ext2_node *n)
{
    return n->di.i_mode & ANYK_S_IFMT;
}

bool ext2_is_dir(const struct ext2_node *n)
{
    return ifmt(n) == ANYK_S_IFDIR;
}

bool ext2_is_reg(const struct ext2_node *n)
{
    return ifmt(n) == ANYK_S_IFREG;
}

bool ext2_is_lnk(const struct ext2_node *n)
{
    return ifmt(n) == ANYK_S_IFLNK;
}

bool ext2_has_blocks(const struct ext2_node *n)
{
    if (ext2_is_reg(n) || ext2_is_dir(n))
        return true;
    if (!ext2_is_lnk(n))
        return false; /* devices keep their number in i_block; fifos and sockets nothing */
    /* A fast symlink counts no blocks but its extended attribute block, if any. */
    uint32_t ea = n->di.i_file_acl ? n->fs->bsize >> 9 : 0;
    return n->di.i_blocks != ea;
}

/* Directories' i_size_high is another field (i_dir_acl); only regular files are large. */
uint64_t ext2_isize(const struct ext2_node *n)
{
    uint64_t size = n->di.i_size;

    if (ext2_is_reg(n))
        size |= (uint64_t)n->di.i_size_high << 32;
    return size;
}

void ext2_set_isize(struct ext2_node *n, uint64_t size)
{
    struct ext2_super *sb = n->fs->sb;

    n->di.i_size = (uint32_t)size;
    if (!ext2_is_reg(n))
        return;
    n->di.i_size_high = (uint32_t)(size >> 32);
    if (size > 0x7fffffff && !(sb->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
        /* Older kernels must not write this file system any more. */
        sb->s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
        ext2_super_dirty(n->fs);
    }
}

/* Does i_extra_isize cover the extra field ending at byte `end` of struct ext2_inode_extra? */
static bool has_extra(const struct ext2_node *n, uint32_t end)
{
    return n->fs->isize > EXT2_GOOD_OLD_INODE_SIZE && n->dx.i_extra_isize >= end;
}

#define EXTRA_END(field)                                  \
    (uint32_t)(offsetof(struct ext2_inode_extra, field) + \
               sizeof(((struct ext2_inode_extra *)0)->field))

/* Seconds as the low 32 bits (signed, as ext2 always read them) plus 2 epoch bits in extra. */
static void encode_time(uint32_t *base, uint32_t *extra, const struct anyk_timespec *t)
{
    *base = (uint32_t)t->tv_sec;
    if (extra)
        *extra = ((uint32_t)t->tv_nsec << 2) |
                 (uint32_t)(((t->tv_sec - (int64_t)(int32_t)t->tv_sec) >> 32) & 3);
}

static struct anyk_timespec decode_time(uint32_t base, const uint32_t *extra)
{
    struct anyk_timespec t = { (int32_t)base, 0 };

    if (extra) {
        t.tv_sec += (int64_t)(*extra & 3) << 32;
        t.tv_nsec = *extra >> 2;
        if (t.tv_nsec > 999999999)
            t.tv_nsec = 0;
    }
    return t;
}

void ext2_set_time(struct ext2_node *n, int which, const struct anyk_timespec *t)
{
    switch (which) {
    case EXT2_TOUCH_A:
        encode_time(&n->di.i_atime, has_extra(n, EXTRA_END(i_atime_extra)) ? &n->dx.i_atime_extra
                                                                             : NULL, t);
        break;
    case EXT2_TOUCH_M:
        encode_time(&n->di.i_mtime, has_extra(n, EXTRA_END(i_mtime_extra)) ? &n->dx.i_mtime_extra
                                                                             : NULL, t);
        break;
    case EXT2_TOUCH_C:
        encode_time(&n->di.i_ctime, has_extra(n, EXTRA_END(i_ctime_extra)) ? &n->dx.i_ctime_extra
                                                                             : NULL, t);
        break;
    }
}

static struct anyk_timespec now_ts(void)
{
    uint64_t ns = hyp_clock_wall_ns();
    struct anyk_timespec t = { (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };

    return t;
}

void ext2_touch(struct ext2_node *n, int what)
{
    struct anyk_timespec t = now_ts();

    for (int bit = EXT2_TOUCH_A; bit <= EXT2_TOUCH_C; bit <<= 1)
        if (what & bit)
            ext2_set_time(n, bit, &t);
}

void ext2_get_times(const struct ext2_node *n, struct anyk_stat *st)
{
    st->st_atim = decode_time(n->di.i_atime,
                              has_extra(n, EXTRA_END(i_atime_extra)) ? &n->dx.i_atime_extra : NULL);
    st->st_mtim = decode_time(n->di.i_mtime,
                              has_extra(n, EXTRA_END(i_mtime_extra)) ? &n->dx.i_mtime_extra : NULL);
    st->st_ctim = decode_time(n->di.i_ctime,
                              has_extra(n, EXTRA_END(i_ctime_extra)) ? &n->dx.i_ctime_extra : NULL);
}

/* ---- reading, creating and writing inodes ------------------------------------------ */

/* The checks an inode passes before anything uses its fields. */
static int check_inode(struct ext2_fs *fs, const struct ext2_node *n, int flags)
{
    uint32_t type = ifmt(n);
    uint64_t size = ext2_isize(n);

    if (n->di.i_links_count == 0 && !(flags & EXT2_IGET_ANY))
        return ext2_corrupt(fs, n->ino, "deleted inode referenced");
    if (type != ANYK_S_IFREG && type != ANYK_S_IFDIR && type != ANYK_S_IFLNK &&
        type != ANYK_S_IFCHR && type != ANYK_S_IFBLK && type != ANYK_S_IFIFO &&
        type != ANYK_S_IFSOCK)
        return ext2_corrupt(fs, n->ino, "bad mode 0%o", n->di.i_mode);
    if (n->di.i_flags & (EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL))
        return ext2_corrupt(fs, n->ino, "uses extents or inline data (not ext2)");
    if (type == ANYK_S_IFDIR && (size == 0 || size % fs->bsize))
        return ext2_corrupt(fs, n->ino, "directory size %llu is not a whole number of blocks",
                            (unsigned long long)size);
    if (size > fs->max_size)
        return ext2_corrupt(fs, n->ino, "size %llu beyond the largest file",
                            (unsigned long long)size);
    if (type == ANYK_S_IFLNK) {
        if (size == 0 || size >= fs->bsize)
            return ext2_corrupt(fs, n->ino, "symbolic link of size %llu",
                                (unsigned long long)size);
        if (!ext2_has_blocks(n) && size >= EXT2_FAST_SYMLINK_MAX)
            return ext2_corrupt(fs, n->ino, "fast symbolic link of size %llu",
                                (unsigned long long)size);
    }
    return 0;
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, int flags, struct ext2_node **out)
{
    struct ext2_node *n = find_node(fs, ino);
    struct ext2_inode *di;
    struct buf *b;
    int r;

    if (n) {
        if (n->di.i_links_count == 0 && !(flags & EXT2_IGET_ANY))
            return ext2_corrupt(fs, ino, "deleted inode referenced");
        n->refs++;
        *out = n;
        return 0;
    }
    if (ino == 0 || ino > fs->ninodes || (ino < fs->first_ino && ino != EXT2_ROOT_INO))
        return ext2_corrupt(fs, 0, "reference to inode %u, which is %s", ino,
                            ino == 0 || ino > fs->ninodes ? "out of range" : "reserved");
    if ((r = ext2_iraw(fs, ino, &b, &di)) < 0)
        return r;
    if (!(n = kzalloc(sizeof(*n)))) {
        brelse(b);
        return -ENOMEM;
    }
    n->fs = fs;
    n->ino = ino;
    n->refs = 1;
    memcpy(&n->di, di, sizeof(n->di));
    if (fs->isize > EXT2_GOOD_OLD_INODE_SIZE) {
        uint16_t extra;
        memcpy(&extra, (char *)di + EXT2_GOOD_OLD_INODE_SIZE, sizeof(extra));
        /* A bad i_extra_isize is taken as 0: the extra fields are then neither read nor written. */
        if (extra % 4 == 0 && extra <= fs->isize - EXT2_GOOD_OLD_INODE_SIZE) {
            uint32_t k = extra < EXT2_EXTRA_KNOWN ? extra : EXT2_EXTRA_KNOWN;
            memcpy(&n->dx, (char *)di + EXT2_GOOD_OLD_INODE_SIZE, k);
        }
    }
    brelse(b);
    if ((r = check_inode(fs, n, flags)) < 0) {
        kfree(n);
        return r;
    }
    list_add_head(bucket(fs, ino), &n->hash_link);
    *out = n;
    return 0;
}

int ext2_inew(struct ext2_fs *fs, uint32_t ino, uint32_t mode, struct ext2_node **out)
{
    struct ext2_node *n;
    struct ext2_inode *di;
    struct buf *b;
    int r;

    if (find_node(fs, ino))
        return ext2_corrupt(fs, ino, "allocated while in use");
    if (!(n = kzalloc(sizeof(*n))))
        return -ENOMEM;
    /* Clear the whole slot: nothing of a deleted inode (in-inode attributes) may survive. */
    if ((r = ext2_iraw(fs, ino, &b, &di)) < 0) {
        kfree(n);
        return r;
    }
    memset(di, 0, fs->isize);
    ext2_dirty(fs, b);
    brelse(b);
    n->fs = fs;
    n->ino = ino;
    n->refs = 1;
    n->di.i_mode = (uint16_t)mode;
    hyp_random(&n->di.i_generation, sizeof(n->di.i_generation));
    if (fs->isize > EXT2_GOOD_OLD_INODE_SIZE) {
        /* Large inodes get the extra fields the superblock asks for (mke2fs: 32 bytes). */
        uint32_t room = fs->isize - EXT2_GOOD_OLD_INODE_SIZE, want = fs->sb->s_want_extra_isize;
        if (want < fs->sb->s_min_extra_isize)
            want = fs->sb->s_min_extra_isize;
        if (want < EXT2_EXTRA_KNOWN || want > room || want % 4)
            want = room < 32 ? room : 32;
        n->dx.i_extra_isize = (uint16_t)want;
    }
    list_add_head(bucket(fs, ino), &n->hash_link);
    ext2_touch(n, EXT2_TOUCH_A | EXT2_TOUCH_M | EXT2_TOUCH_C);
    if (has_extra(n, EXTRA_END(i_crtime_extra))) {
        n->dx.i_crtime = n->di.i_ctime;
        n->dx.i_crtime_extra = n->dx.i_ctime_extra;
    }
    *out = n;
    return 0;
}

void ext2_iref(struct ext2_node *n)
{
    n->refs++;
}

int ext2_iupdate(struct ext2_node *n)
{
    struct ext2_fs *fs = n->fs;
    struct ext2_inode *di;
    struct buf *b;
    int r;

    if (fs->readonly)
        return 0;
    if ((r = ext2_iraw(fs, n->ino, &b, &di)) < 0)
        return r;
    memcpy(di, &n->di, sizeof(n->di));
    if (fs->isize > EXT2_GOOD_OLD_INODE_SIZE && n->dx.i_extra_isize) {
        /* Only the fields i_extra_isize covers; in-inode attributes after them stay. */
        uint32_t k = n->dx.i_extra_isize < EXT2_EXTRA_KNOWN ? n->dx.i_extra_isize
                                                            : EXT2_EXTRA_KNOWN;
        memcpy((char *)di + EXT2_GOOD_OLD_INODE_SIZE, &n->dx, k);
    }
    ext2_dirty(fs, b);
    brelse(b);
    return 0;
}

/* Drop the inode's reference to its extended attribute block, freeing it with the last one. */
static void xattr_release(struct ext2_node *n)
{
    struct ext2_fs *fs = n->fs;
    uint32_t blk = n->di.i_file_acl, spb = fs->bsize >> 9;
    struct ext2_xattr_header *h;
    struct buf *b;

    if (ext2_block_is_meta(fs, blk)) {
        ext2_corrupt(fs, n->ino, "extended attribute block %u is not a data block", blk);
        return;
    }
    if (bread(fs->dev, blk, fs->bsize, &b) < 0)
        return;
    h = b->data;
    if (h->h_magic != EXT2_XATTR_MAGIC || h->h_refcount == 0) {
        ext2_corrupt(fs, n->ino, "extended attribute block %u is damaged; kept", blk);
        brelse(b);
        return;
    }
    if (h->h_refcount > 1) {
        h->h_refcount--;
        ext2_dirty(fs, b);
        brelse(b);
    } else {
        brelse(b);
        ext2_bfree(fs, n->ino, blk);
    }
    n->di.i_file_acl = 0;
    n->di.i_blocks = n->di.i_blocks >= spb ? n->di.i_blocks - spb : 0;
}

/* The last reference to an inode without links is gone: free it on disk. */
static void node_free(struct ext2_node *n)
{
    struct ext2_fs *fs = n->fs;

    if (ext2_has_blocks(n))
        ext2_free_blocks(n, 0);
    if (n->di.i_file_acl)
        xattr_release(n);
    ext2_orphan_del(n);
    ext2_set_isize(n, 0);
    n->di.i_dtime = ext2_now();
    ext2_iupdate(n);
    ext2_ifree(fs, n->ino, ext2_is_dir(n));
}

void ext2_iput(struct ext2_node *n)
{
    if (!n || --n->refs)
        return;
    if (n->di.i_links_count == 0 && !n->fs->readonly)
        node_free(n);
    list_del(&n->hash_link);
    kfree(n);
}

/* ---- the block map ------------------------------------------------------------------ */

/*
 * Where logical block lblk hangs: offs[0] is the slot in i_block, offs[1..]
 * the slots in the indirect blocks below it. Returns the depth (0: direct),
 * or -EFBIG beyond the triple indirect block.
 */
static int block_path(const struct ext2_fs *fs, uint64_t lblk, uint32_t offs[4])
{
    uint64_t p = fs->ppb;

    if (lblk < EXT2_NDIR_BLOCKS) {
        offs[0] = (uint32_t)lblk;
        return 0;
    }
    lblk -= EXT2_NDIR_BLOCKS;
    if (lblk < p) {
        offs[0] = EXT2_IND_BLOCK;
        offs[1] = (uint32_t)lblk;
        return 1;
    }
    lblk -= p;
    if (lblk < p * p) {
        offs[0] = EXT2_DIND_BLOCK;
        offs[1] = (uint32_t)(lblk / p);
        offs[2] = (uint32_t)(lblk % p);
        return 2;
    }
    lblk -= p * p;
    if (lblk < p * p * p) {
        offs[0] = EXT2_TIND_BLOCK;
        offs[1] = (uint32_t)(lblk / (p * p));
        offs[2] = (uint32_t)(lblk / p % p);
        offs[3] = (uint32_t)(lblk % p);
        return 3;
    }
    return -EFBIG;
}

/* The first block of the inode's group: where its blocks go when nothing better is known. */
static uint32_t home_goal(const struct ext2_node *n)
{
    return ext2_group_first(n->fs, ext2_group_of_ino(n->fs, n->ino));
}

int ext2_bmap(struct ext2_node *n, uint64_t lblk, bool alloc, uint32_t *out, bool *fresh)
{
    struct ext2_fs *fs = n->fs;
    struct buf *path[4] = { NULL };      /* path[l]: the indirect block holding level l's slot */
    struct {
        uint32_t *slot;
        struct buf *b;
    } added[4];
    uint32_t offs[4], blk = 0, spb = fs->bsize >> 9;
    int depth = block_path(fs, lblk, offs), nadded = 0, r = 0;

    if (fresh)
        *fresh = false;
    if (depth < 0)
        return depth;
    for (int l = 0; l <= depth; l++) {
        uint32_t *slot = l == 0 ? &n->di.i_block[offs[0]] : (uint32_t *)path[l]->data + offs[l];
        blk = *slot;
        if (blk == 0) {
            if (!alloc)
                break;
            if ((uint64_t)n->di.i_blocks + spb > UINT32_MAX) {
                r = -EFBIG;
                break;
            }
            if ((r = ext2_balloc(fs, n->alloc_hint ? n->alloc_hint : home_goal(n), &blk)) < 0)
                break;
            *slot = blk;
            if (l > 0)
                ext2_dirty(fs, path[l]);
            n->di.i_blocks += spb;
            n->alloc_hint = blk + 1;
            added[nadded].slot = slot;
            added[nadded].b = l > 0 ? path[l] : NULL;
            nadded++;
            if (l < depth) {
                /* A new indirect block: all holes. */
                if ((r = bget_zero(fs->dev, blk, fs->bsize, &path[l + 1])) < 0)
                    break;
                ext2_dirty(fs, path[l + 1]);
            } else if (fresh) {
                *fresh = true;
            }
            continue;
        }
        if (!ext2_block_in_fs(fs, blk)) {
            r = ext2_corrupt(fs, n->ino, "block pointer %u (logical block %llu) outside the "
                             "file system", blk, (unsigned long long)lblk);
            break;
        }
        if (alloc && ext2_block_is_meta(fs, blk)) {
            r = ext2_corrupt(fs, n->ino, "block pointer %u (logical block %llu) points at "
                             "metadata", blk, (unsigned long long)lblk);
            break;
        }
        if (l < depth && (r = bread(fs->dev, blk, fs->bsize, &path[l + 1])) < 0)
            break;
    }
    if (r < 0) {
        /* Undo this call's allocations, deepest first, so no empty indirect block is left. */
        while (nadded--) {
            ext2_bfree(fs, n->ino, *added[nadded].slot);
            *added[nadded].slot = 0;
            if (added[nadded].b)
                ext2_dirty(fs, added[nadded].b);
            n->di.i_blocks -= spb;
        }
        blk = 0;
    }
    for (int l = 1; l <= 3; l++)
        brelse(path[l]);
    if (nadded > 0 || r < 0)
        ext2_iupdate(n);
    *out = blk;
    return r;
}

/* A walk freeing blocks; gives up after a few errors (a damaged map is e2fsck's job). */
struct free_walk {
    struct ext2_node *n;
    uint64_t keep;           /* logical blocks below this stay */
    int errors;
};

#define FREE_WALK_MAX_ERRORS 8

static void drop_block(struct free_walk *w, uint32_t blk)
{
    struct ext2_node *n = w->n;
    uint32_t spb = n->fs->bsize >> 9;

    if (ext2_block_is_meta(n->fs, blk)) {
        ext2_corrupt(n->fs, n->ino, "block pointer %u is not a data block; not freed", blk);
        w->errors++;
        return;
    }
    ext2_bfree(n->fs, n->ino, blk);
    if (n->di.i_blocks >= spb)
        n->di.i_blocks -= spb;
}

/*
 * *slot points at a block of the given level (0: data, 1..3: indirect) that
 * maps logical blocks from base on; free what lies at or after w->keep and
 * clear *slot if nothing below it is left. Returns true if *slot changed.
 */
static bool free_tree(struct free_walk *w, uint32_t *slot, int level, uint64_t base)
{
    struct ext2_fs *fs = w->n->fs;
    uint64_t span = 1;
    struct buf *b;
    bool changed = false, empty = true;

    if (*slot == 0 || w->errors > FREE_WALK_MAX_ERRORS)
        return false;
    for (int i = 0; i < level; i++)
        span *= fs->ppb;
    if (base + span <= w->keep)
        return false; /* entirely kept */
    if (level > 0) {
        if (!ext2_block_in_fs(fs, *slot) || ext2_block_is_meta(fs, *slot)) {
            ext2_corrupt(fs, w->n->ino, "indirect block %u is not a data block; not followed",
                         *slot);
            w->errors++;
            return false;
        }
        if (bread(fs->dev, *slot, fs->bsize, &b) < 0) {
            w->errors++;
            return false;
        }
        uint32_t *ptr = b->data;
        for (uint32_t i = 0; i < fs->ppb; i++) {
            changed |= free_tree(w, &ptr[i], level - 1, base + i * (span / fs->ppb));
            if (ptr[i])
                empty = false;
        }
        if (changed && !empty)
            ext2_dirty(fs, b);
        brelse(b);
        if (!empty)
            return false;
    }
    drop_block(w, *slot);
    *slot = 0;
    return true;
}

int ext2_free_blocks(struct ext2_node *n, uint64_t keep)
{
    struct free_walk w = { n, keep, 0 };
    uint64_t base = 0, p = n->fs->ppb;

    for (int i = 0; i < EXT2_NDIR_BLOCKS; i++)
        free_tree(&w, &n->di.i_block[i], 0, base++);
    free_tree(&w, &n->di.i_block[EXT2_IND_BLOCK], 1, base);
    base += p;
    free_tree(&w, &n->di.i_block[EXT2_DIND_BLOCK], 2, base);
    base += p * p;
    free_tree(&w, &n->di.i_block[EXT2_TIND_BLOCK], 3, base);
    n->alloc_hint = 0;
    ext2_iupdate(n);
    return w.errors ? -EUCLEAN : 0;
}
