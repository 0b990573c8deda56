/*
 * alloc.c - allocating and freeing blocks and inodes: the groups' bitmaps,
 * and the free counts in the group descriptors and the superblock, which
 * change together with every bit so they stay exact.
 *
 * Bit i of a bitmap (LSB first within each byte) is block first_data + g *
 * blocks_per_group + i, or inode g * inodes_per_group + i + 1. The bitmaps
 * are not trusted blindly: a "free" block that is really metadata, or a
 * "free" inode that still has links, is reported and skipped rather than
 * handed out, and freeing what is already free is reported and not counted.
 */
#include <anyk/errno.h>
#include "fs/ext2/ext2_impl.h"
#include "kern/printk.h"
#include "lib/string.h"

static bool bit_test(const uint8_t *map, uint32_t i)
{
    return map[i >> 3] & (1u << (i & 7));
}

static void bit_set(uint8_t *map, uint32_t i)
{
    map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static void bit_clear(uint8_t *map, uint32_t i)
{
    map[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

/* The first clear bit in [from, to), or to if there is none. */
static uint32_t find_clear(const uint8_t *map, uint32_t from, uint32_t to)
{
    uint32_t i = from;

    while (i < to) {
        if ((i & 7) == 0 && to - i >= 8 && map[i >> 3] == 0xff) {
            i += 8;
            continue;
        }
        if (!bit_test(map, i))
            return i;
        i++;
    }
    return to;
}

/* ---- blocks ------------------------------------------------------------------------ */

/* Take a free block of group g at or after bit `from` (wrapping); 0 on success, 1 if none. */
static int take_block(struct ext2_fs *fs, uint32_t g, uint32_t from, uint32_t *out)
{
    uint32_t first = ext2_group_first(fs, g), n = ext2_group_nblocks(fs, g);
    struct ext2_group *gd;
    struct buf *gb, *bb;
    bool meta = false;
    int r;

    if ((r = ext2_group_get(fs, g, &gb, &gd)) < 0)
        return r;
    if (gd->bg_free_blocks_count == 0) {
        brelse(gb);
        return 1;
    }
    if ((r = bread(fs->dev, fs->gmeta[g].block_bitmap, fs->bsize, &bb)) < 0) {
        brelse(gb);
        return r;
    }
    /* From the goal to the end of the group, then from its start. */
    for (int pass = 0; pass < 2 && !meta; pass++) {
        uint32_t lo = pass == 0 ? from : 0, hi = pass == 0 ? n : from;
        uint32_t i = find_clear(bb->data, lo, hi);
        if (i >= hi)
            continue;
        if (ext2_block_is_meta(fs, first + i)) {
            ext2_corrupt(fs, 0, "block bitmap of group %u marks metadata block %u free", g,
                         first + i);
            meta = true; /* this bitmap is not to be trusted */
            break;
        }
        bit_set(bb->data, i);
        ext2_dirty(fs, bb);
        gd->bg_free_blocks_count--;
        ext2_dirty(fs, gb);
        fs->sb->s_free_blocks_count--;
        ext2_super_dirty(fs);
        brelse(bb);
        brelse(gb);
        *out = first + i;
        return 0;
    }
    if (!meta)
        ext2_corrupt(fs, 0, "group %u: %u blocks counted free, none free in its bitmap", g,
                     gd->bg_free_blocks_count);
    brelse(bb);
    brelse(gb);
    return 1;
}

int ext2_balloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
    uint32_t g0;
    int r;

    if (fs->sb->s_free_blocks_count == 0)
        return -ENOSPC;
    if (!ext2_block_in_fs(fs, goal))
        goal = fs->first_data;
    g0 = (goal - fs->first_data) / fs->bpg;
    for (uint32_t k = 0; k < fs->ngroups; k++) {
        uint32_t g = (g0 + k) % fs->ngroups;
        uint32_t from = k == 0 ? goal - ext2_group_first(fs, g) : 0;
        if ((r = take_block(fs, g, from, out)) <= 0)
            return r;
    }
    return -ENOSPC;
}

void ext2_bfree(struct ext2_fs *fs, uint32_t ino, uint32_t blk)
{
    struct ext2_group *gd;
    struct buf *gb, *bb;
    uint32_t g, i;

    if (ext2_block_is_meta(fs, blk)) {
        ext2_corrupt(fs, ino, "block %u to free is not a data block; kept", blk);
        return;
    }
    g = (blk - fs->first_data) / fs->bpg;
    i = blk - ext2_group_first(fs, g);
    if (ext2_group_get(fs, g, &gb, &gd) < 0)
        return;
    if (bread(fs->dev, fs->gmeta[g].block_bitmap, fs->bsize, &bb) < 0) {
        brelse(gb);
        return;
    }
    if (!bit_test(bb->data, i)) {
        ext2_corrupt(fs, ino, "block %u freed twice (shared with another file?)", blk);
    } else {
        bit_clear(bb->data, i);
        ext2_dirty(fs, bb);
        if (gd->bg_free_blocks_count < ext2_group_nblocks(fs, g))
            gd->bg_free_blocks_count++;
        ext2_dirty(fs, gb);
        fs->sb->s_free_blocks_count++;
        ext2_super_dirty(fs);
    }
    brelse(bb);
    brelse(gb);
}

/* ---- inodes -------------------------------------------------------------------------- */

/* Does the inode table say ino is in use although its bitmap bit is clear? */
static bool looks_live(struct ext2_fs *fs, uint32_t ino)
{
    struct buf *b;
    struct ext2_inode *di;
    bool live;

    if (ext2_iraw(fs, ino, &b, &di) < 0)
        return true; /* unreadable: do not hand it out */
    live = di->i_links_count != 0 && di->i_dtime == 0 && di->i_mode != 0;
    brelse(b);
    return live;
}

/* Take a free inode of group g; 0 on success, 1 if none. */
static int take_inode(struct ext2_fs *fs, uint32_t g, bool dir, uint32_t *out)
{
    uint32_t from = g == 0 ? fs->first_ino - 1 : 0, i;
    struct ext2_group *gd;
    struct buf *gb, *ib;
    int r;

    if ((r = ext2_group_get(fs, g, &gb, &gd)) < 0)
        return r;
    if (gd->bg_free_inodes_count == 0 || from >= fs->ipg) {
        brelse(gb);
        return 1;
    }
    if ((r = bread(fs->dev, fs->gmeta[g].inode_bitmap, fs->bsize, &ib)) < 0) {
        brelse(gb);
        return r;
    }
    for (i = find_clear(ib->data, from, fs->ipg); i < fs->ipg;
         i = find_clear(ib->data, i + 1, fs->ipg)) {
        uint32_t ino = g * fs->ipg + i + 1;
        if (looks_live(fs, ino)) {
            ext2_corrupt(fs, ino, "in use but marked free in the inode bitmap; skipped");
            continue;
        }
        bit_set(ib->data, i);
        ext2_dirty(fs, ib);
        gd->bg_free_inodes_count--;
        if (dir)
            gd->bg_used_dirs_count++;
        ext2_dirty(fs, gb);
        fs->sb->s_free_inodes_count--;
        ext2_super_dirty(fs);
        brelse(ib);
        brelse(gb);
        *out = ino;
        return 0;
    }
    brelse(ib);
    brelse(gb);
    return 1;
}

/*
 * Which group a new directory goes to: spread directories over the groups
 * (so their files spread too), preferring groups with at least an average
 * share of free inodes and blocks, and few directories.
 */
static uint32_t dir_group(struct ext2_fs *fs, uint32_t pref)
{
    uint64_t avg_inodes = fs->sb->s_free_inodes_count / fs->ngroups;
    uint64_t avg_blocks = fs->sb->s_free_blocks_count / fs->ngroups;
    uint32_t best = pref, best_dirs = UINT32_MAX;

    for (uint32_t k = 0; k < fs->ngroups; k++) {
        uint32_t g = (fs->dir_rotor + k) % fs->ngroups;
        struct ext2_group *gd;
        struct buf *gb;
        if (ext2_group_get(fs, g, &gb, &gd) < 0)
            break;
        if (gd->bg_free_inodes_count && gd->bg_free_inodes_count >= avg_inodes &&
            gd->bg_free_blocks_count >= avg_blocks && gd->bg_used_dirs_count < best_dirs) {
            best = g;
            best_dirs = gd->bg_used_dirs_count;
        }
        brelse(gb);
    }
    fs->dir_rotor = (best + 1) % fs->ngroups;
    return best;
}

int ext2_ialloc(struct ext2_fs *fs, uint32_t pref, bool dir, uint32_t *out)
{
    uint32_t g0;
    int r;

    if (fs->sb->s_free_inodes_count == 0)
        return -ENOSPC;
    if (pref >= fs->ngroups)
        pref = 0;
    g0 = dir ? dir_group(fs, pref) : pref;
    for (uint32_t k = 0; k < fs->ngroups; k++) {
        if ((r = take_inode(fs, (g0 + k) % fs->ngroups, dir, out)) <= 0)
            return r;
    }
    return -ENOSPC;
}

void ext2_ifree(struct ext2_fs *fs, uint32_t ino, bool dir)
{
    uint32_t g = (ino - 1) / fs->ipg, i = (ino - 1) % fs->ipg;
    struct ext2_group *gd;
    struct buf *gb, *ib;

    if (ext2_group_get(fs, g, &gb, &gd) < 0)
        return;
    if (bread(fs->dev, fs->gmeta[g].inode_bitmap, fs->bsize, &ib) < 0) {
        brelse(gb);
        return;
    }
    if (!bit_test(ib->data, i)) {
        ext2_corrupt(fs, ino, "freed but already free in the inode bitmap");
    } else {
        bit_clear(ib->data, i);
        ext2_dirty(fs, ib);
        if (gd->bg_free_inodes_count < fs->ipg)
            gd->bg_free_inodes_count++;
        if (dir && gd->bg_used_dirs_count)
            gd->bg_used_dirs_count--;
        ext2_dirty(fs, gb);
        fs->sb->s_free_inodes_count++;
        ext2_super_dirty(fs);
    }
    brelse(ib);
    brelse(gb);
}

int ext2_inode_in_use(struct ext2_fs *fs, uint32_t ino)
{
    uint32_t g = (ino - 1) / fs->ipg;
    struct buf *ib;
    int r;

    if (ino == 0 || ino > fs->ninodes)
        return 0;
    if ((r = bread(fs->dev, fs->gmeta[g].inode_bitmap, fs->bsize, &ib)) < 0)
        return r;
    r = bit_test(ib->data, (ino - 1) % fs->ipg);
    brelse(ib);
    return r;
}
