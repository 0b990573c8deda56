/*
 * blk.h - block devices and the buffer cache.
 *
 * Each disk the host offers (hyp_blk_*) is a struct blkdev, /dev/blkN. File
 * systems read and write it through the buffer cache in blocks of their own
 * size (1, 2 or 4 KiB, a multiple of the sector size): bread() gives a
 * buffer holding a block, with a reference; bdirty() marks it changed;
 * brelse() drops the reference. Changed buffers are written back later
 * (write-back): on blk_sync (sync, fsync, umount, halt), by the periodic
 * flusher, or when the cache needs the room. The cache holds at most
 * blk_cache_limit bytes of unreferenced buffers, evicting the least recently
 * used. Host I/O errors come back as -EIO from the call that needed the I/O,
 * and a write-back that fails is counted and reported by the next blk_sync.
 *
 * Callers serialise their own use of a buffer's data (the file systems hold
 * their own mutex); the cache itself needs no lock on one virtual CPU.
 */
#ifndef BLK_BLK_H
#define BLK_BLK_H

#include <anyk/types.h>
#include "lib/list.h"

#define BLK_MAX 16

struct blkdev {
    uint32_t index;            /* hyp_blk_* device number */
    char name[16];             /* "blk0" */
    uint64_t size;             /* bytes */
    uint32_t sector_size;
    bool read_only;
    uint32_t mounts;           /* file systems using it (exclusive use) */
    int write_error;           /* first failed write-back not yet reported by blk_sync */
    uint64_t last_read;        /* block number of the last miss, for read-ahead */
    uint64_t reads, writes, hits, misses, readaheads;
};

struct buf {
    struct blkdev *dev;
    uint64_t blockno;          /* in units of size */
    uint32_t size;
    uint32_t refs;
    bool dirty;
    void *data;
    struct list_node hash_link;
    struct list_node lru_link; /* on the LRU list while refs == 0 */
};

/* Register the host's disks (boot calls it). */
void blk_init(void);
unsigned blk_count(void);
struct blkdev *blk_get(unsigned index);
/* The device for "/dev/blkN" or "blkN", or NULL. */
struct blkdev *blk_lookup(const char *name);

/*
 * The block blockno of size bytes (a power of two, >= the sector size and
 * <= 64 KiB) with a reference: -EINVAL for a bad size or a block past the
 * end, -EIO if the host failed, -ENOMEM if no buffer could be had.
 */
int bread(struct blkdev *d, uint64_t blockno, uint32_t size, struct buf **out);
/* As bread, but for a block about to be overwritten whole: no read from the disk. */
int bget_zero(struct blkdev *d, uint64_t blockno, uint32_t size, struct buf **out);
void bdirty(struct buf *b);
void brelse(struct buf *b);
/* Write b now if it is dirty; returns 0 or -EIO. */
int bwrite(struct buf *b);
/* Write back every dirty buffer of d (all devices if d is NULL) and flush the host. */
int blk_sync(struct blkdev *d);
/* Drop every cached buffer of d (after its file system is unmounted); dirty ones are written. */
int blk_forget(struct blkdev *d);
/* Raw device access in bytes at any offset (for /dev/blkN), through the cache. */
long blk_pread(struct blkdev *d, void *buf, size_t n, uint64_t off);
long blk_pwrite(struct blkdev *d, const void *buf, size_t n, uint64_t off);

/*
 * Configuration (kernel command line blk.cache=BYTES, blk.flush=MS): cache
 * bytes (0 keeps the current limit) and the flusher interval (0: no periodic
 * write-back; default 5 s).
 */
void blk_configure(size_t cache_bytes, uint64_t flush_interval_ns);
uint64_t blk_flush_interval(void);

struct blk_cache_stats {
    size_t bytes, limit, buffers, dirty;
    uint64_t hits, misses, evictions, writebacks;
};
void blk_cache_stats(struct blk_cache_stats *st);

#endif
