/*
 * dir.c - directories: blocks of records chained by rec_len.
 *
 * Each record needs EXT2_DIR_REC_LEN(name_len) bytes; the rest of its
 * rec_len is free room, and the last record of a block reaches the block's
 * end. Adding a name takes a record with inode 0 that is large enough, or
 * splits the free room off a record; when no block has room a block is
 * appended. Removing a name merges its record into the previous one, or
 * clears the inode of the first record of a block. These are the rules
 * e2fsck checks.
 *
 * Directories indexed by htree (EXT2_INDEX_FL, from dir_index) are read
 * linearly: the index lives in the tail of the ".." record of block 0 and in
 * blocks that look like one empty record, so a linear walk sees only names.
 * Changing such a directory without updating the index would make the index
 * lie, so the first change clears EXT2_INDEX_FL and the directory is plain
 * (linear) from then on, which e2fsck accepts.
 *
 * Every block is checked when it is read (check_block); a directory with a
 * hole is damaged. readdir positions are byte offsets in the directory; a
 * position that no longer starts a record (records merged meanwhile) resumes
 * at the next record after it.
 */
#include <anyk/errno.h>
#include "fs/ext2/ext2_impl.h"
#include "kern/printk.h"
#include "lib/string.h"

static struct ext2_dirent *rec_at(struct buf *b, uint32_t off)
{
    return (struct ext2_dirent *)((char *)b->data + off);
}

static uint8_t file_type(struct ext2_fs *fs, uint32_t mode)
{
    if (!fs->filetype)
        return EXT2_FT_UNKNOWN;
    switch (mode & ANYK_S_IFMT) {
    case ANYK_S_IFREG: return EXT2_FT_REG_FILE;
    case ANYK_S_IFDIR: return EXT2_FT_DIR;
    case ANYK_S_IFCHR: return EXT2_FT_CHRDEV;
    case ANYK_S_IFBLK: return EXT2_FT_BLKDEV;
    case ANYK_S_IFIFO: return EXT2_FT_FIFO;
    case ANYK_S_IFSOCK: return EXT2_FT_SOCK;
    case ANYK_S_IFLNK: return EXT2_FT_SYMLINK;
    default: return EXT2_FT_UNKNOWN;
    }
}

static unsigned dtype(struct ext2_fs *fs, uint8_t ft)
{
    static const unsigned map[] = {
        [EXT2_FT_UNKNOWN] = ANYK_DT_UNKNOWN, [EXT2_FT_REG_FILE] = ANYK_DT_REG,
        [EXT2_FT_DIR] = ANYK_DT_DIR,         [EXT2_FT_CHRDEV] = ANYK_DT_CHR,
        [EXT2_FT_BLKDEV] = ANYK_DT_BLK,      [EXT2_FT_FIFO] = ANYK_DT_FIFO,
        [EXT2_FT_SOCK] = 12,                 [EXT2_FT_SYMLINK] = ANYK_DT_LNK,
    };

    return fs->filetype && ft < sizeof(map) / sizeof(map[0]) ? map[ft] : ANYK_DT_UNKNOWN;
}

/* Every record inside the block, each large enough for its name, numbers in range. */
static int check_block(struct ext2_node *dir, uint64_t lblk, struct buf *b)
{
    struct ext2_fs *fs = dir->fs;
    uint32_t off = 0;

    while (off < fs->bsize) {
        struct ext2_dirent *de = rec_at(b, off);
        const char *why = NULL;
        if (fs->bsize - off < EXT2_DIR_REC_LEN(1))
            why = "record runs past the block";
        else if (de->rec_len < EXT2_DIR_REC_LEN(1) || de->rec_len % 4 ||
                 de->rec_len > fs->bsize - off)
            why = "bad rec_len";
        else if (de->rec_len < EXT2_DIR_REC_LEN(de->name_len))
            why = "name longer than its record";
        else if (de->inode && de->name_len == 0)
            why = "empty name";
        else if (de->inode > fs->ninodes)
            why = "inode number out of range";
        if (why)
            return ext2_corrupt(fs, dir->ino, "directory block %llu, offset %u: %s (rec_len %u, "
                                "name_len %u)", (unsigned long long)lblk, off,
                                why, fs->bsize - off < 8 ? 0 : de->rec_len,
                                fs->bsize - off < 8 ? 0 : de->name_len);
        off += de->rec_len;
    }
    return 0;
}

static uint64_t nblocks(const struct ext2_node *dir)
{
    return ext2_isize(dir) >> dir->fs->bshift;
}

/* Directory block lblk, checked. */
static int dir_block(struct ext2_node *dir, uint64_t lblk, struct buf **b)
{
    uint32_t blk;
    int r;

    if ((r = ext2_bmap(dir, lblk, false, &blk, NULL)) < 0)
        return r;
    if (blk == 0)
        return ext2_corrupt(dir->fs, dir->ino, "hole in the directory at block %llu",
                            (unsigned long long)lblk);
    /* Records get written into this block: never into the file system's own structures. */
    if (ext2_block_is_meta(dir->fs, blk))
        return ext2_corrupt(dir->fs, dir->ino, "directory block %llu is metadata block %u",
                            (unsigned long long)lblk, blk);
    if ((r = bread(dir->fs->dev, blk, dir->fs->bsize, b)) < 0)
        return r;
    if ((r = check_block(dir, lblk, *b)) < 0)
        brelse(*b);
    return r;
}

static bool name_is(const struct ext2_dirent *de, const char *name, size_t len)
{
    return de->inode && de->name_len == len && !memcmp(de->name, name, len);
}

/* A name a path can reach: no '/' and no NUL (a listing must not hand out "" or "a/b"). */
static bool name_valid(const struct ext2_dirent *de)
{
    for (uint32_t i = 0; i < de->name_len; i++)
        if (de->name[i] == '/' || de->name[i] == '\0')
            return false;
    return true;
}

/* A directory that changes is no longer indexed (see the top of this file). */
static void changed(struct ext2_node *dir)
{
    dir->di.i_flags &= ~(uint32_t)EXT2_INDEX_FL;
    ext2_touch(dir, EXT2_TOUCH_M | EXT2_TOUCH_C);
    ext2_iupdate(dir);
}

/* Find name: its block (referenced) and offset, and the previous record's offset (or -1). */
static int find(struct ext2_node *dir, const char *name, size_t len, struct buf **out,
                uint32_t *off, int64_t *prev)
{
    uint64_t n = nblocks(dir);

    for (uint64_t lblk = 0; lblk < n; lblk++) {
        struct buf *b;
        int64_t p = -1;
        int r = dir_block(dir, lblk, &b);
        if (r < 0)
            return r;
        for (uint32_t o = 0; o < dir->fs->bsize; o += rec_at(b, o)->rec_len) {
            if (name_is(rec_at(b, o), name, len)) {
                *out = b;
                *off = o;
                *prev = p;
                return 0;
            }
            p = o;
        }
        brelse(b);
    }
    return -ENOENT;
}

int ext2_dir_lookup(struct ext2_node *dir, const char *name, size_t len, uint32_t *ino)
{
    struct buf *b;
    uint32_t off;
    int64_t prev;
    int r = find(dir, name, len, &b, &off, &prev);

    if (r < 0)
        return r;
    *ino = rec_at(b, off)->inode;
    brelse(b);
    return 0;
}

static void fill_record(struct ext2_fs *fs, struct ext2_dirent *de, const char *name, size_t len,
                        uint32_t ino, uint32_t mode)
{
    de->inode = ino;
    de->name_len = (uint8_t)len;
    de->file_type = file_type(fs, mode);
    memcpy(de->name, name, len);
    /* Zero the padding up to the record's minimal length: nothing stale after the name. */
    memset(de->name + len, 0, EXT2_DIR_REC_LEN(len) - EXT2_DIRENT_HEAD - len);
}

int ext2_dir_add(struct ext2_node *dir, const char *name, size_t len, uint32_t ino,
                 uint32_t mode)
{
    struct ext2_fs *fs = dir->fs;
    uint32_t need = EXT2_DIR_REC_LEN(len), blk;
    uint64_t n = nblocks(dir);
    struct buf *b;
    bool fresh;
    int r;

    for (uint64_t lblk = 0; lblk < n; lblk++) {
        if ((r = dir_block(dir, lblk, &b)) < 0)
            return r;
        for (uint32_t o = 0; o < fs->bsize; o += rec_at(b, o)->rec_len) {
            struct ext2_dirent *de = rec_at(b, o);
            uint32_t used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;
            if (de->rec_len - used < need)
                continue;
            if (used) {
                /* Split: the new record takes the free room after this one's name. */
                struct ext2_dirent *nd = rec_at(b, o + used);
                nd->rec_len = (uint16_t)(de->rec_len - used);
                de->rec_len = (uint16_t)used;
                de = nd;
            }
            fill_record(fs, de, name, len, ino, mode);
            ext2_dirty(fs, b);
            brelse(b);
            changed(dir);
            return 0;
        }
        brelse(b);
    }
    /* No room: a new block holding one record. */
    if (n * fs->bsize + fs->bsize > UINT32_MAX)
        return -ENOSPC; /* a directory's size has 32 bits */
    if ((r = ext2_bmap(dir, n, true, &blk, &fresh)) < 0)
        return r;
    if ((r = bget_zero(fs->dev, blk, fs->bsize, &b)) < 0)
        return r;
    rec_at(b, 0)->rec_len = (uint16_t)fs->bsize;
    fill_record(fs, rec_at(b, 0), name, len, ino, mode);
    ext2_dirty(fs, b);
    brelse(b);
    ext2_set_isize(dir, (n + 1) * fs->bsize);
    changed(dir);
    return 0;
}

int ext2_dir_remove(struct ext2_node *dir, const char *name, size_t len, uint32_t ino)
{
    struct buf *b;
    uint32_t off;
    int64_t prev;
    int r = find(dir, name, len, &b, &off, &prev);

    if (r < 0)
        return r;
    if (rec_at(b, off)->inode != ino) {
        brelse(b);
        return -ENOENT;
    }
    if (prev >= 0)
        rec_at(b, (uint32_t)prev)->rec_len += rec_at(b, off)->rec_len;
    else
        rec_at(b, off)->inode = 0;
    ext2_dirty(dir->fs, b);
    brelse(b);
    changed(dir);
    return 0;
}

int ext2_dir_retarget(struct ext2_node *dir, const char *name, size_t len, uint32_t ino,
                      uint32_t mode)
{
    struct buf *b;
    uint32_t off;
    int64_t prev;
    int r = find(dir, name, len, &b, &off, &prev);

    if (r < 0)
        return r;
    rec_at(b, off)->inode = ino;
    rec_at(b, off)->file_type = file_type(dir->fs, mode);
    ext2_dirty(dir->fs, b);
    brelse(b);
    changed(dir);
    return 0;
}

int ext2_dir_empty(struct ext2_node *dir)
{
    uint64_t n = nblocks(dir);

    for (uint64_t lblk = 0; lblk < n; lblk++) {
        struct buf *b;
        int r = dir_block(dir, lblk, &b);
        if (r < 0)
            return r;
        for (uint32_t o = 0; o < dir->fs->bsize; o += rec_at(b, o)->rec_len) {
            struct ext2_dirent *de = rec_at(b, o);
            if (de->inode && !name_is(de, ".", 1) && !name_is(de, "..", 2)) {
                brelse(b);
                return 0;
            }
        }
        brelse(b);
    }
    return 1;
}

int ext2_dir_init(struct ext2_node *dir, uint32_t parent)
{
    struct ext2_fs *fs = dir->fs;
    struct ext2_dirent *de;
    struct buf *b;
    uint32_t blk;
    bool fresh;
    int r;

    if ((r = ext2_bmap(dir, 0, true, &blk, &fresh)) < 0)
        return r;
    if ((r = bget_zero(fs->dev, blk, fs->bsize, &b)) < 0)
        return r;
    de = rec_at(b, 0);
    de->rec_len = EXT2_DIR_REC_LEN(1);
    fill_record(fs, de, ".", 1, dir->ino, ANYK_S_IFDIR);
    de = rec_at(b, EXT2_DIR_REC_LEN(1));
    de->rec_len = (uint16_t)(fs->bsize - EXT2_DIR_REC_LEN(1));
    fill_record(fs, de, "..", 2, parent, ANYK_S_IFDIR);
    ext2_dirty(fs, b);
    brelse(b);
    ext2_set_isize(dir, fs->bsize);
    return ext2_iupdate(dir);
}

int ext2_dir_readdir(struct ext2_node *dir, int64_t *off, vfs_filldir_fn fill, void *ctx)
{
    struct ext2_fs *fs = dir->fs;
    uint64_t size = ext2_isize(dir);

    if (dir->di.i_links_count == 0)
        return 0; /* removed */
    while (*off >= 0 && (uint64_t)*off < size) {
        uint64_t lblk = (uint64_t)*off >> fs->bshift, base = lblk << fs->bshift;
        uint32_t in = (uint32_t)((uint64_t)*off - base);
        struct buf *b;
        int r = dir_block(dir, lblk, &b);
        if (r < 0)
            return r;
        for (uint32_t o = 0; o < fs->bsize; o += rec_at(b, o)->rec_len) {
            struct ext2_dirent *de = rec_at(b, o);
            uint32_t next = o + de->rec_len;
            if (o < in)
                continue;
            if (de->inode && !name_valid(de)) {
                ext2_corrupt(fs, dir->ino, "directory block %llu, offset %u: a name with '/' or "
                             "NUL; not listed", (unsigned long long)lblk, o);
            } else if (de->inode && fill(ctx, de->name, de->name_len, de->inode,
                                         dtype(fs, de->file_type), (int64_t)(base + next))) {
                brelse(b);
                return 0; /* full: this record comes first next time */
            }
            *off = (int64_t)(base + next);
        }
        brelse(b);
        *off = (int64_t)(base + fs->bsize);
    }
    return 0;
}
