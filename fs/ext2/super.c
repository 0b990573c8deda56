/*
 * super.c - mounting ext2: the superblock and group descriptors are checked
 * once here, then trusted by the rest of the driver; unmount, statfs and
 * sync; the error state; the orphan list.
 *
 * The superblock's state follows Linux: while mounted read-write the
 * EXT2_VALID_FS bit is cleared on disk (a crash leaves the file system marked
 * as not cleanly unmounted), s_mnt_count grows by one per mount, and a clean
 * unmount puts back the state found at mount, plus EXT2_ERROR_FS if an error
 * was detected meanwhile. The free counts in the superblock are the sums of
 * the groups' and are kept exact at every allocation, so e2fsck finds them
 * right after any clean unmount.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "fs/ext2/ext2_impl.h"
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define EXT2_DFL_MAX_MNT_COUNT 20

uint32_t ext2_now(void)
{
    return (uint32_t)(hyp_clock_wall_ns() / 1000000000ull);
}

static void super_write_now(struct ext2_fs *fs)
{
    if (fs->readonly)
        return;
    bdirty(fs->sbuf);
    bwrite(fs->sbuf);
}

int ext2_corrupt(struct ext2_fs *fs, uint32_t ino, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    va_start(ap, fmt);
    kvsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (ino)
        kerr("ext2: %s: inode %u: %s", fs->dev->name, ino, msg);
    else
        kerr("ext2: %s: %s", fs->dev->name, msg);
    if (!fs->readonly && !(fs->sb->s_state & EXT2_ERROR_FS)) {
        fs->sb->s_state |= EXT2_ERROR_FS;
        super_write_now(fs);
    }
    fs->mount_state |= EXT2_ERROR_FS;
    if (!fs->readonly && fs->sb->s_errors != EXT2_ERRORS_CONTINUE &&
        !(fs->mnt->flags & ANYK_MS_RDONLY)) {
        /* errors=remount-ro (and panic, which a disk must never cause): refuse further changes. */
        kerr("ext2: %s: further changes refused (errors=remount-ro)", fs->dev->name);
        fs->mnt->flags |= ANYK_MS_RDONLY;
    }
    return -EUCLEAN;
}

void ext2_dirty(struct ext2_fs *fs, struct buf *b)
{
    if (fs->readonly) {
        kerr("ext2: %s: block %llu changed on a read-only mount (not written)", fs->dev->name,
             (unsigned long long)b->blockno);
        return;
    }
    bdirty(b);
    if (fs->sync)
        bwrite(b);
}

void ext2_super_dirty(struct ext2_fs *fs)
{
    ext2_dirty(fs, fs->sbuf);
}

/* ---- geometry ---------------------------------------------------------------------- */

static bool is_power_of(uint32_t n, uint32_t base)
{
    while (n > 1 && n % base == 0)
        n /= base;
    return n == 1;
}

bool ext2_group_has_super(const struct ext2_fs *fs, uint32_t g)
{
    if (!(fs->sb->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
        return true;
    return g <= 1 || is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

uint32_t ext2_group_first(const struct ext2_fs *fs, uint32_t g)
{
    return fs->first_data + g * fs->bpg;
}

uint32_t ext2_group_nblocks(const struct ext2_fs *fs, uint32_t g)
{
    uint32_t first = ext2_group_first(fs, g);

    return fs->nblocks - first < fs->bpg ? fs->nblocks - first : fs->bpg;
}

bool ext2_block_in_fs(const struct ext2_fs *fs, uint64_t blk)
{
    return blk >= fs->first_data && blk < fs->nblocks;
}

/* Blocks at the start of group g taken by the superblock copy and the descriptor tables. */
static uint32_t group_super_blocks(const struct ext2_fs *fs, uint32_t g)
{
    return ext2_group_has_super(fs, g) ? 1 + fs->gdt_blocks + fs->reserved_gdt : 0;
}

bool ext2_block_is_meta(struct ext2_fs *fs, uint32_t blk)
{
    uint32_t g, first;
    const struct ext2_gmeta *gm;

    if (!ext2_block_in_fs(fs, blk))
        return true;
    g = (blk - fs->first_data) / fs->bpg;
    first = ext2_group_first(fs, g);
    gm = &fs->gmeta[g];
    return blk < first + group_super_blocks(fs, g) || blk == gm->block_bitmap ||
           blk == gm->inode_bitmap || (blk >= gm->inode_table && blk - gm->inode_table < fs->itb);
}

int ext2_group_get(struct ext2_fs *fs, uint32_t g, struct buf **b, struct ext2_group **gd)
{
    uint32_t per = fs->bsize / sizeof(struct ext2_group);
    int r;

    if (g >= fs->ngroups)
        return ext2_corrupt(fs, 0, "group %u does not exist", g);
    if ((r = bread(fs->dev, fs->first_data + 1 + g / per, fs->bsize, b)) < 0)
        return r;
    *gd = (struct ext2_group *)(*b)->data + g % per;
    return 0;
}

/* ---- the orphan list: inodes without links still in use, chained through i_dtime ---- */

int ext2_orphan_add(struct ext2_node *n)
{
    struct ext2_fs *fs = n->fs;

    if (n->orphan)
        return 0;
    n->di.i_dtime = fs->sb->s_last_orphan;
    fs->sb->s_last_orphan = n->ino;
    n->orphan = true;
    ext2_super_dirty(fs);
    return ext2_iupdate(n);
}

void ext2_orphan_del(struct ext2_node *n)
{
    struct ext2_fs *fs = n->fs;

    if (!n->orphan)
        return;
    n->orphan = false;
    if (fs->sb->s_last_orphan == n->ino) {
        fs->sb->s_last_orphan = n->di.i_dtime;
        ext2_super_dirty(fs);
    } else {
        /* Every orphan is in memory while mounted (held open): find the one before n. */
        bool found = false;
        for (int h = 0; h < EXT2_NODE_HASH && !found; h++) {
            struct list_node *l;
            list_for_each(l, &fs->nodes[h]) {
                struct ext2_node *p = list_entry(l, struct ext2_node, hash_link);
                if (p->orphan && p->di.i_dtime == n->ino) {
                    p->di.i_dtime = n->di.i_dtime;
                    ext2_iupdate(p);
                    found = true;
                    break;
                }
            }
        }
        if (!found)
            ext2_corrupt(fs, n->ino, "not found on the orphan list");
    }
    n->di.i_dtime = 0;
}

/* Finish what a crash interrupted: free (or cut to size) the inodes on the orphan list. */
static void orphans_process(struct ext2_fs *fs)
{
    uint32_t ino, count = 0;

    while ((ino = fs->sb->s_last_orphan) != 0) {
        struct ext2_node *n;
        if (++count > fs->ninodes || ino < fs->first_ino || ino > fs->ninodes) {
            ext2_corrupt(fs, 0, "orphan list broken at inode %u; left for e2fsck", ino);
            break;
        }
        if (ext2_inode_in_use(fs, ino) != 1 || ext2_iget(fs, ino, EXT2_IGET_ANY, &n) < 0) {
            ext2_corrupt(fs, 0, "orphan inode %u is not in use; list left for e2fsck", ino);
            break;
        }
        fs->sb->s_last_orphan = n->di.i_dtime;
        ext2_super_dirty(fs);
        n->di.i_dtime = 0;
        if (n->di.i_links_count) {
            /* Truncated when the crash came: finish cutting the blocks past the size. */
            if (ext2_has_blocks(n))
                ext2_free_blocks(n, (ext2_isize(n) + fs->bsize - 1) >> fs->bshift);
            ext2_iupdate(n);
        }
        knotice("ext2: %s: orphan inode %u %s", fs->dev->name, ino,
                n->di.i_links_count ? "truncated" : "freed");
        ext2_iput(n); /* no links: the last reference frees it */
    }
}

/* ---- mount ----------------------------------------------------------------------- */

static int parse_options(const char *opts, uint32_t *flags)
{
    while (opts && *opts) {
        const char *end = opts;
        size_t len;
        while (*end && *end != ',')
            end++;
        len = (size_t)(end - opts);
        if (len == 2 && !strncmp(opts, "ro", 2))
            *flags |= ANYK_MS_RDONLY;
        else if (len == 2 && !strncmp(opts, "rw", 2))
            *flags &= ~(uint32_t)ANYK_MS_RDONLY;
        else if (len == 4 && !strncmp(opts, "sync", 4))
            *flags |= ANYK_MS_SYNCHRONOUS;
        else if (len == 5 && !strncmp(opts, "async", 5))
            *flags &= ~(uint32_t)ANYK_MS_SYNCHRONOUS;
        else if (len && !(len == 8 && !strncmp(opts, "defaults", 8))) {
            kerr("ext2: unknown mount option \"%.*s\"", (int)len, opts);
            return -EINVAL;
        }
        opts = *end ? end + 1 : end;
    }
    return 0;
}

static const struct {
    uint32_t bit;
    const char *name;
} incompat_names[] = {
    { EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression" },
    { EXT2_FEATURE_INCOMPAT_RECOVER, "needs_recovery" },
    { EXT2_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev" },
    { EXT2_FEATURE_INCOMPAT_META_BG, "meta_bg" },
    { EXT2_FEATURE_INCOMPAT_EXTENTS, "extent" },
    { EXT2_FEATURE_INCOMPAT_64BIT, "64bit" },
    { EXT2_FEATURE_INCOMPAT_MMP, "mmp" },
    { EXT2_FEATURE_INCOMPAT_FLEX_BG, "flex_bg" },
    { EXT2_FEATURE_INCOMPAT_EA_INODE, "ea_inode" },
    { EXT2_FEATURE_INCOMPAT_DIRDATA, "dirdata" },
    { EXT2_FEATURE_INCOMPAT_CSUM_SEED, "metadata_csum_seed" },
    { EXT2_FEATURE_INCOMPAT_LARGEDIR, "large_dir" },
    { EXT2_FEATURE_INCOMPAT_INLINE_DATA, "inline_data" },
    { EXT2_FEATURE_INCOMPAT_ENCRYPT, "encrypt" },
    { EXT2_FEATURE_INCOMPAT_CASEFOLD, "casefold" },
};

/* Refuse what this driver cannot mount; may force a read-only mount. */
static int check_features(struct ext2_fs *fs, uint32_t *flags)
{
    struct ext2_super *sb = fs->sb;
    uint32_t bad = sb->s_feature_incompat & ~(uint32_t)EXT2_FEATURE_INCOMPAT_SUPP;
    uint32_t ro_bad = sb->s_feature_ro_compat & ~(uint32_t)EXT2_FEATURE_RO_COMPAT_SUPP;

    if (sb->s_rev_level == EXT2_GOOD_OLD_REV)
        return 0; /* no feature fields */
    if (bad & EXT2_FEATURE_INCOMPAT_RECOVER) {
        kerr("ext2: %s: the journal needs recovery (mount it with ext3/ext4 or run e2fsck); "
             "not mounted", fs->dev->name);
        return -EINVAL;
    }
    if (bad) {
        char names[200] = "";
        size_t len = 0;
        for (size_t i = 0; i < sizeof(incompat_names) / sizeof(incompat_names[0]); i++) {
            if (bad & incompat_names[i].bit) {
                int k = ksnprintf(names + len, sizeof(names) - len, " %s", incompat_names[i].name);
                if (k > 0 && (size_t)k < sizeof(names) - len)
                    len += (size_t)k;
                bad &= ~incompat_names[i].bit;
            }
        }
        if (bad)
            ksnprintf(names + len, sizeof(names) - len, " 0x%x", bad);
        kerr("ext2: %s: unsupported features:%s (an ext3/ext4 file system?); not mounted",
             fs->dev->name, names);
        return -EINVAL;
    }
    if (ro_bad && !(*flags & ANYK_MS_RDONLY)) {
        kwarn("ext2: %s: unsupported read-only-compatible features 0x%x: mounting read-only",
              fs->dev->name, ro_bad);
        *flags |= ANYK_MS_RDONLY;
    }
    return 0;
}

static int check_super(struct ext2_fs *fs)
{
    struct ext2_super *sb = fs->sb;
    const char *why = NULL;
    uint64_t ngroups;

    if (sb->s_magic != EXT2_MAGIC) {
        kerr("ext2: %s: no ext2 file system (bad magic 0x%x)", fs->dev->name, sb->s_magic);
        return -EINVAL;
    }
    if (sb->s_rev_level > EXT2_DYNAMIC_REV)
        why = "unknown revision";
    else if (sb->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
        why = "block size larger than 4096 (not supported)";
    else if (sb->s_log_frag_size != sb->s_log_block_size)
        why = "fragment size differs from the block size";
    if (why)
        goto bad;
    fs->bshift = EXT2_MIN_BLOCK_LOG + sb->s_log_block_size;
    fs->bsize = 1u << fs->bshift;
    fs->ppb_shift = fs->bshift - 2;
    fs->ppb = fs->bsize / 4;
    if (sb->s_rev_level == EXT2_GOOD_OLD_REV) {
        fs->isize = EXT2_GOOD_OLD_INODE_SIZE;
        fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
    } else {
        fs->isize = sb->s_inode_size;
        fs->first_ino = sb->s_first_ino;
    }
    fs->nblocks = sb->s_blocks_count;
    fs->first_data = sb->s_first_data_block;
    fs->bpg = sb->s_blocks_per_group;
    fs->ipg = sb->s_inodes_per_group;
    fs->ninodes = sb->s_inodes_count;
    if (fs->bsize < fs->dev->sector_size)
        why = "block size smaller than the disk's sector";
    else if (fs->isize < EXT2_GOOD_OLD_INODE_SIZE || fs->isize > fs->bsize ||
             (fs->isize & (fs->isize - 1)))
        why = "bad inode size";
    else if (fs->first_data != (fs->bsize == 1024 ? 1u : 0u))
        why = "bad first data block";
    else if (fs->nblocks <= fs->first_data || (uint64_t)fs->nblocks * fs->bsize > fs->dev->size)
        why = "block count does not fit the disk";
    else if (fs->bpg < 8 || fs->bpg > 8 * fs->bsize || fs->bpg % 8 ||
             sb->s_frags_per_group != fs->bpg)
        why = "bad blocks per group";
    else if (fs->ipg < 8 || fs->ipg > 8 * fs->bsize || fs->ipg % 8 ||
             fs->ipg % (fs->bsize / fs->isize))
        why = "bad inodes per group";
    if (why)
        goto bad;
    ngroups = (fs->nblocks - fs->first_data + (uint64_t)fs->bpg - 1) / fs->bpg;
    fs->ngroups = (uint32_t)ngroups;
    fs->itb = fs->ipg / (fs->bsize / fs->isize);
    fs->gdt_blocks = (uint32_t)((ngroups + fs->bsize / 32 - 1) / (fs->bsize / 32));
    fs->reserved_gdt = sb->s_rev_level == EXT2_GOOD_OLD_REV ? 0 : sb->s_reserved_gdt_blocks;
    if ((uint64_t)fs->ipg * ngroups != fs->ninodes)
        why = "inode count does not match the groups";
    else if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO || fs->first_ino >= fs->ninodes)
        why = "bad first inode";
    else if (fs->reserved_gdt > fs->ppb ||
             (uint64_t)1 + fs->gdt_blocks + fs->reserved_gdt + 2 + fs->itb >
                 ext2_group_nblocks(fs, 0))
        why = "descriptor table does not fit the first group";
    else if (sb->s_r_blocks_count > fs->nblocks)
        why = "bad reserved block count";
    if (!why)
        return 0;
bad:
    kerr("ext2: %s: bad superblock: %s; not mounted", fs->dev->name, why);
    return -EINVAL;
}

/* Check every group descriptor: metadata inside its group, counts within bounds. */
static int check_groups(struct ext2_fs *fs, uint64_t *free_blocks, uint64_t *free_inodes)
{
    *free_blocks = *free_inodes = 0;
    fs->overhead = fs->first_data;
    for (uint32_t g = 0; g < fs->ngroups; g++) {
        struct buf *b;
        struct ext2_group *gd;
        int r = ext2_group_get(fs, g, &b, &gd);
        if (r < 0)
            return r;
        uint32_t first = ext2_group_first(fs, g), n = ext2_group_nblocks(fs, g);
        uint32_t start = first + group_super_blocks(fs, g), end = first + n;
        uint32_t bb = gd->bg_block_bitmap, ib = gd->bg_inode_bitmap, it = gd->bg_inode_table;
        const char *why = NULL;
        if (bb < start || bb >= end || ib < start || ib >= end || bb == ib)
            why = "bitmap outside its group";
        else if (it < start || it >= end || end - it < fs->itb ||
                 (bb >= it && bb - it < fs->itb) || (ib >= it && ib - it < fs->itb))
            why = "inode table outside its group";
        else if (gd->bg_free_blocks_count > n || gd->bg_free_inodes_count > fs->ipg ||
                 gd->bg_used_dirs_count > fs->ipg)
            why = "counts out of range";
        if (why) {
            kerr("ext2: %s: bad descriptor of group %u: %s; not mounted", fs->dev->name, g, why);
            brelse(b);
            return -EINVAL;
        }
        fs->gmeta[g].block_bitmap = bb;
        fs->gmeta[g].inode_bitmap = ib;
        fs->gmeta[g].inode_table = it;
        *free_blocks += gd->bg_free_blocks_count;
        *free_inodes += gd->bg_free_inodes_count;
        fs->overhead += group_super_blocks(fs, g) + 2 + fs->itb;
        brelse(b);
    }
    return 0;
}

/* The largest file: what the block map reaches, and what i_blocks (512-byte units) can count. */
static uint64_t max_file_size(const struct ext2_fs *fs)
{
    uint64_t p = fs->ppb, mapped = EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
    uint64_t counted = (((uint64_t)1 << 32) - 1) >> (fs->bshift - 9);

    counted -= 3 + 2 * p + p * p; /* the indirect blocks a full file needs */
    if (fs->sb->s_rev_level == EXT2_GOOD_OLD_REV)
        return 0x7fffffff; /* no large_file feature to set */
    return (mapped < counted ? mapped : counted) << fs->bshift;
}

static void fs_free(struct ext2_fs *fs)
{
    brelse(fs->sbuf);
    kfree(fs->gmeta);
    kfree(fs);
}

static int ext2_mount(struct mount *m, const char *source, const char *options)
{
    struct blkdev *dev = source ? blk_lookup(source) : NULL;
    uint32_t flags = m->flags, ssz;
    uint64_t free_blocks, free_inodes;
    struct ext2_fs *fs;
    struct ext2_node *root;
    struct buf *b;
    int r;

    if (!dev)
        return -ENODEV;
    if (dev->mounts)
        return -EBUSY;
    if ((r = parse_options(options, &flags)) < 0)
        return r;
    if (dev->read_only)
        flags |= ANYK_MS_RDONLY;
    if (!(fs = kzalloc(sizeof(*fs))))
        return -ENOMEM;
    fs->dev = dev;
    fs->mnt = m;
    fs->readonly = true; /* until the checks pass */
    mutex_init(&fs->lock, "ext2");
    for (int h = 0; h < EXT2_NODE_HASH; h++)
        list_init(&fs->nodes[h]);
    /* Nothing cached from earlier raw access to the disk may shadow what is read now. */
    blk_forget(dev);

    /* The superblock, read in the disk's own unit first, then in the file system's block. */
    ssz = dev->sector_size > 1024 ? dev->sector_size : 1024;
    if ((r = bread(dev, EXT2_SUPER_OFFSET / ssz, ssz, &b)) < 0) {
        kerr("ext2: %s: cannot read the superblock (error %d)", dev->name, -r);
        kfree(fs);
        return r == -EINVAL ? -EINVAL : r;
    }
    fs->sb = (struct ext2_super *)((char *)b->data + EXT2_SUPER_OFFSET % ssz);
    if ((r = check_super(fs)) < 0 || (r = check_features(fs, &flags)) < 0) {
        brelse(b);
        kfree(fs);
        return r;
    }
    brelse(b);
    if ((r = bread(dev, EXT2_SUPER_OFFSET >> fs->bshift, fs->bsize, &fs->sbuf)) < 0) {
        kfree(fs);
        return r;
    }
    fs->sb = (struct ext2_super *)((char *)fs->sbuf->data + EXT2_SUPER_OFFSET % fs->bsize);
    if ((r = check_super(fs)) < 0 || (r = check_features(fs, &flags)) < 0)
        goto fail;
    if (!(fs->gmeta = kzalloc(fs->ngroups * sizeof(*fs->gmeta)))) {
        r = -ENOMEM;
        goto fail;
    }
    if ((r = check_groups(fs, &free_blocks, &free_inodes)) < 0)
        goto fail;
    if (free_blocks > fs->nblocks || free_inodes > fs->ninodes) {
        kerr("ext2: %s: free counts exceed the totals; not mounted", dev->name);
        r = -EINVAL;
        goto fail;
    }
    fs->max_size = max_file_size(fs);
    fs->filetype = fs->sb->s_rev_level != EXT2_GOOD_OLD_REV &&
                   (fs->sb->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
    fs->sync = (flags & ANYK_MS_SYNCHRONOUS) != 0;
    fs->readonly = (flags & ANYK_MS_RDONLY) != 0;
    fs->mount_state = fs->sb->s_state;
    m->flags = flags;
    m->data = fs;

    if (!(fs->mount_state & EXT2_VALID_FS))
        kwarn("ext2: %s: mounting a file system that was not cleanly unmounted; "
              "running e2fsck is recommended", dev->name);
    else if (fs->mount_state & EXT2_ERROR_FS)
        kwarn("ext2: %s: mounting a file system with errors; running e2fsck is recommended",
              dev->name);
    if (!fs->readonly) {
        struct ext2_super *sb = fs->sb;
        /* As Linux: the counts are the groups' sums. */
        sb->s_free_blocks_count = (uint32_t)free_blocks;
        sb->s_free_inodes_count = (uint32_t)free_inodes;
        orphans_process(fs);
        sb->s_state &= (uint16_t)~EXT2_VALID_FS;
        if (sb->s_max_mnt_count == 0)
            sb->s_max_mnt_count = EXT2_DFL_MAX_MNT_COUNT;
        sb->s_mnt_count++;
        sb->s_mtime = sb->s_wtime = ext2_now();
        super_write_now(fs);
    } else if (fs->sb->s_last_orphan) {
        kwarn("ext2: %s: orphan inodes left for a read-write mount", dev->name);
    }
    if ((r = ext2_iget(fs, EXT2_ROOT_INO, 0, &root)) < 0)
        goto fail_mounted;
    if (!ext2_is_dir(root)) {
        r = ext2_corrupt(fs, EXT2_ROOT_INO, "the root is not a directory");
        ext2_iput(root);
        goto fail_mounted;
    }
    r = ext2_vnode(root, &m->root);
    ext2_iput(root);
    if (r < 0)
        goto fail_mounted;
    dev->mounts++;
    kinfo("ext2: %s: mounted %s (%u-byte blocks, %u-byte inodes%s%s)", dev->name,
          fs->readonly ? "read-only" : "read-write", fs->bsize, fs->isize,
          fs->sync ? ", sync" : "", fs->filetype ? "" : ", no file types");
    return 0;

fail_mounted:
    if (!fs->readonly) {
        fs->sb->s_state = fs->mount_state;
        super_write_now(fs);
    }
    blk_sync(dev);
fail:
    fs_free(fs);
    m->data = NULL;
    return r;
}

static int ext2_unmount(struct mount *m)
{
    struct ext2_fs *fs = m->data;
    struct ext2_node *root = m->root->data;
    int r;

    mutex_lock(&fs->lock);
    /* The VFS drops the root vnode after this: detach it so its release finds nothing. */
    m->root->data = NULL;
    root->vn = NULL;
    ext2_iput(root);
    for (int h = 0; h < EXT2_NODE_HASH; h++)
        if (!list_empty(&fs->nodes[h]))
            kerr("ext2: %s: inodes still in memory at unmount", fs->dev->name);
    if (!fs->readonly) {
        fs->sb->s_state = fs->mount_state;
        fs->sb->s_wtime = ext2_now();
        super_write_now(fs);
    }
    mutex_unlock(&fs->lock);
    brelse(fs->sbuf);
    fs->sbuf = NULL;
    r = blk_forget(fs->dev);
    fs->dev->mounts--;
    kfree(fs->gmeta);
    kfree(fs);
    m->data = NULL;
    if (r < 0)
        kerr("ext2: writing back at unmount failed (error %d); data may be lost", -r);
    return 0;
}

static int ext2_statfs(struct mount *m, struct anyk_statfs *st)
{
    struct ext2_fs *fs = m->data;
    struct ext2_super *sb = fs->sb;

    mutex_lock(&fs->lock);
    st->f_type = EXT2_STATFS_MAGIC;
    st->f_bsize = fs->bsize;
    st->f_blocks = fs->nblocks > fs->overhead ? fs->nblocks - fs->overhead : 0;
    st->f_bfree = sb->s_free_blocks_count;
    st->f_bavail = sb->s_free_blocks_count > sb->s_r_blocks_count
                       ? sb->s_free_blocks_count - sb->s_r_blocks_count : 0;
    st->f_files = fs->ninodes;
    st->f_ffree = sb->s_free_inodes_count;
    st->f_namelen = VFS_NAME_MAX;
    mutex_unlock(&fs->lock);
    return 0;
}

static int ext2_sync(struct mount *m)
{
    struct ext2_fs *fs = m->data;

    mutex_lock(&fs->lock);
    if (!fs->readonly) {
        fs->sb->s_wtime = ext2_now();
        ext2_super_dirty(fs);
    }
    mutex_unlock(&fs->lock);
    return fs->readonly ? 0 : blk_sync(fs->dev);
}

const struct fs_type ext2_type = {
    .name = "ext2",
    .mount = ext2_mount,
    .unmount = ext2_unmount,
    .statfs = ext2_statfs,
    .sync = ext2_sync,
};
