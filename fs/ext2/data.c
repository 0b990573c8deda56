/*
 * data.c - file contents: reading and writing through the block map,
 * truncation, and symbolic link targets.
 *
 * Invariant: the bytes after the end of a file in its last block are zero,
 * so growing the file (a write past the end, a truncate up) shows zeros
 * there; holes read as zeros and are filled by writes. A file's size only
 * covers bytes actually written, even when a write stops half-way (no space
 * left), and no block is ever left allocated past the end (e2fsck counts
 * that as damage).
 */
#include <anyk/errno.h>
#include "fs/ext2/ext2_impl.h"
#include "kern/printk.h"
#include "lib/string.h"

#define RELATIME_SECS (24 * 3600)

/*
 * atime as Linux's default relatime: updated when it is older than the last
 * change or than a day, so reading does not write the inode every time.
 */
static void read_touch(struct ext2_node *n)
{
    uint32_t now = ext2_now();

    if (n->fs->readonly)
        return;
    if ((int32_t)(n->di.i_atime - n->di.i_mtime) <= 0 ||
        (int32_t)(n->di.i_atime - n->di.i_ctime) <= 0 ||
        (int32_t)(now - n->di.i_atime) > RELATIME_SECS) {
        ext2_touch(n, EXT2_TOUCH_A);
        ext2_iupdate(n);
    }
}

long ext2_read(struct ext2_node *n, void *buf, size_t len, int64_t off)
{
    struct ext2_fs *fs = n->fs;
    uint64_t size = ext2_isize(n);
    size_t done = 0;
    int r = 0;

    if (off < 0)
        return -EINVAL;
    if ((uint64_t)off >= size)
        return 0;
    if (len > size - (uint64_t)off)
        len = (size_t)(size - (uint64_t)off);
    while (done < len) {
        uint64_t pos = (uint64_t)off + done;
        uint32_t in = (uint32_t)(pos & (fs->bsize - 1)), blk;
        size_t k = fs->bsize - in < len - done ? fs->bsize - in : len - done;
        struct buf *b;
        if ((r = ext2_bmap(n, pos >> fs->bshift, false, &blk, NULL)) < 0)
            break;
        if (blk == 0) {
            memset((char *)buf + done, 0, k);
        } else {
            if ((r = bread(fs->dev, blk, fs->bsize, &b)) < 0)
                break;
            memcpy((char *)buf + done, (char *)b->data + in, k);
            brelse(b);
        }
        done += k;
    }
    if (done)
        read_touch(n);
    return done ? (long)done : r;
}

/* Zero the bytes after `size` in the block that holds offset size (if it is mapped). */
static int zero_tail(struct ext2_node *n, uint64_t size)
{
    struct ext2_fs *fs = n->fs;
    uint32_t in = (uint32_t)(size & (fs->bsize - 1)), blk;
    struct buf *b;
    int r;

    if (in == 0)
        return 0;
    if ((r = ext2_bmap(n, size >> fs->bshift, false, &blk, NULL)) < 0 || blk == 0)
        return r;
    if (ext2_block_is_meta(fs, blk))
        return ext2_corrupt(fs, n->ino, "data block %u is metadata", blk);
    if ((r = bread(fs->dev, blk, fs->bsize, &b)) < 0)
        return r;
    memset((char *)b->data + in, 0, fs->bsize - in);
    ext2_dirty(fs, b);
    brelse(b);
    return 0;
}

long ext2_write(struct ext2_node *n, const void *buf, size_t len, int64_t off)
{
    struct ext2_fs *fs = n->fs;
    uint64_t size = ext2_isize(n);
    size_t done = 0;
    int r = 0;

    if (off < 0)
        return -EINVAL;
    if ((uint64_t)off >= fs->max_size)
        return len ? -EFBIG : 0;
    if (len > fs->max_size - (uint64_t)off)
        len = (size_t)(fs->max_size - (uint64_t)off);
    if (len == 0)
        return 0;
    if ((uint64_t)off > size && (r = zero_tail(n, size)) < 0)
        return r;
    while (done < len) {
        uint64_t pos = (uint64_t)off + done;
        uint32_t in = (uint32_t)(pos & (fs->bsize - 1)), blk;
        size_t k = fs->bsize - in < len - done ? fs->bsize - in : len - done;
        struct buf *b;
        bool fresh;
        if ((r = ext2_bmap(n, pos >> fs->bshift, true, &blk, &fresh)) < 0)
            break;
        /* A new block, or one overwritten whole, is not read first. */
        if (fresh || k == fs->bsize)
            r = bget_zero(fs->dev, blk, fs->bsize, &b);
        else
            r = bread(fs->dev, blk, fs->bsize, &b);
        if (r < 0)
            break;
        memcpy((char *)b->data + in, (const char *)buf + done, k);
        ext2_dirty(fs, b);
        brelse(b);
        done += k;
        if (pos + k > size) {
            size = pos + k;
            ext2_set_isize(n, size);
        }
    }
    if (done) {
        ext2_touch(n, EXT2_TOUCH_M | EXT2_TOUCH_C);
        ext2_iupdate(n);
    }
    return done ? (long)done : r;
}

int ext2_truncate(struct ext2_node *n, uint64_t size)
{
    struct ext2_fs *fs = n->fs;
    uint64_t old = ext2_isize(n);
    int r = 0;

    if (!ext2_is_reg(n))
        return -EINVAL;
    if (size > fs->max_size)
        return -EFBIG;
    if (size < old) {
        r = ext2_free_blocks(n, (size + fs->bsize - 1) >> fs->bshift);
        if (r == 0)
            r = zero_tail(n, size);
    } else if (size > old) {
        r = zero_tail(n, old);
    }
    ext2_set_isize(n, size);
    ext2_iupdate(n);
    return r;
}

static bool fast_symlink(const struct ext2_node *n)
{
    return !ext2_has_blocks(n);
}

long ext2_readlink(struct ext2_node *n, char *buf, size_t len)
{
    struct ext2_fs *fs = n->fs;
    size_t size = (size_t)ext2_isize(n); /* checked at iget: below the block size */
    uint32_t blk;
    struct buf *b;
    int r;

    if (len > size)
        len = size;
    if (fast_symlink(n)) {
        memcpy(buf, n->di.i_block, len);
        return (long)len;
    }
    if ((r = ext2_bmap(n, 0, false, &blk, NULL)) < 0)
        return r;
    if (blk == 0)
        return ext2_corrupt(fs, n->ino, "symbolic link without its block");
    if ((r = bread(fs->dev, blk, fs->bsize, &b)) < 0)
        return r;
    memcpy(buf, b->data, len);
    brelse(b);
    return (long)len;
}

int ext2_symlink_init(struct ext2_node *n, const char *target, size_t len)
{
    struct ext2_fs *fs = n->fs;
    uint32_t blk;
    struct buf *b;
    bool fresh;
    int r;

    if (len < EXT2_FAST_SYMLINK_MAX) {
        /* Fast: the target in i_block, no block at all. */
        memcpy(n->di.i_block, target, len);
    } else {
        if (len >= fs->bsize)
            return -ENAMETOOLONG;
        if ((r = ext2_bmap(n, 0, true, &blk, &fresh)) < 0)
            return r;
        if ((r = bget_zero(fs->dev, blk, fs->bsize, &b)) < 0)
            return r;
        memcpy(b->data, target, len);
        ext2_dirty(fs, b);
        brelse(b);
    }
    ext2_set_isize(n, len);
    return ext2_iupdate(n);
}
