/*
 * cache.c - the block devices and their buffer cache (see blk.h).
 *
 * Buffers are found by (device, block number, size) in a hash table. A
 * buffer with no references sits on the LRU list, least recently used first;
 * when the unreferenced buffers hold more than the limit, the oldest go
 * (written first if dirty). A miss on the block right after the last one read
 * from that device reads a few following blocks in the same host call
 * (read-ahead). A kernel thread writes dirty buffers back periodically.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "blk/blk.h"
#include "kern/kernel.h"
#include "kern/kmalloc.h"
#include "kern/printk.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define NHASH 1024
#define READAHEAD_BYTES (64 * 1024)

static struct {
    struct blkdev dev[BLK_MAX];
    unsigned ndev;
    struct list_node hash[NHASH];
    struct list_node lru;           /* unreferenced buffers, oldest first */
    size_t bytes, limit, buffers, dirty;
    uint64_t evictions, writebacks;
    uint64_t flush_ns;
    bool flusher;
} bc = { .limit = 32ul << 20, .flush_ns = 5 * NSEC_PER_SEC };

static unsigned hash(const struct blkdev *d, uint64_t blockno, uint32_t size)
{
    return (unsigned)((blockno * 0x9e3779b97f4a7c15ull + d->index * 31u + size) >> 40) % NHASH;
}

void blk_configure(size_t cache_bytes, uint64_t flush_interval_ns)
{
    if (cache_bytes)
        bc.limit = cache_bytes;
    bc.flush_ns = flush_interval_ns;
}

uint64_t blk_flush_interval(void)
{
    return bc.flush_ns;
}

unsigned blk_count(void)
{
    return bc.ndev;
}

struct blkdev *blk_get(unsigned index)
{
    return index < bc.ndev ? &bc.dev[index] : NULL;
}

struct blkdev *blk_lookup(const char *name)
{
    if (!strncmp(name, "/dev/", 5))
        name += 5;
    for (unsigned i = 0; i < bc.ndev; i++)
        if (!strcmp(bc.dev[i].name, name))
            return &bc.dev[i];
    return NULL;
}

static struct buf *find(struct blkdev *d, uint64_t blockno, uint32_t size)
{
    struct list_node *n, *h = &bc.hash[hash(d, blockno, size)];

    list_for_each(n, h) {
        struct buf *b = list_entry(n, struct buf, hash_link);
        if (b->dev == d && b->blockno == blockno && b->size == size)
            return b;
    }
    return NULL;
}

static int write_back(struct buf *b)
{
    int r = hyp_blk_write(b->dev->index, b->blockno * b->size, b->data, b->size);

    b->dev->writes++;
    if (r < 0) {
        if (!b->dev->write_error)
            b->dev->write_error = -EIO;
        kerr("blk: %s: writing block %llu failed (error %d)", b->dev->name,
             (unsigned long long)b->blockno, -r);
        return -EIO;
    }
    b->dirty = false;
    bc.dirty--;
    bc.writebacks++;
    return 0;
}

static void discard(struct buf *b)
{
    list_del(&b->hash_link);
    if (list_linked(&b->lru_link))
        list_del(&b->lru_link);
    bc.bytes -= b->size;
    bc.buffers--;
    kfree(b->data);
    kfree(b);
}

/* Bring the unreferenced buffers under the limit, oldest first. */
static void shrink(void)
{
    struct list_node *n, *tmp;

    list_for_each_safe(n, tmp, &bc.lru) {
        struct buf *b = list_entry(n, struct buf, lru_link);
        if (bc.bytes <= bc.limit)
            break;
        if (b->dirty && write_back(b) < 0)
            continue; /* keep data that could not be written; blk_sync reports it */
        discard(b);
        bc.evictions++;
    }
}

static struct buf *new_buf(struct blkdev *d, uint64_t blockno, uint32_t size)
{
    struct buf *b = kzalloc(sizeof(*b));

    if (!b || !(b->data = kmalloc(size))) {
        kfree(b);
        return NULL;
    }
    b->dev = d;
    b->blockno = blockno;
    b->size = size;
    list_init(&b->lru_link);
    list_add_head(&bc.hash[hash(d, blockno, size)], &b->hash_link);
    bc.bytes += size;
    bc.buffers++;
    return b;
}

static int check(struct blkdev *d, uint64_t blockno, uint32_t size)
{
    if (!d || size < d->sector_size || size > 65536 || (size & (size - 1)))
        return -EINVAL;
    if (blockno >= d->size / size)
        return -EINVAL;
    return 0;
}

/* Fill buffers for the blocks after blockno that are not cached yet, from one host read. */
static void readahead(struct blkdev *d, uint64_t blockno, uint32_t size)
{
    uint64_t nblocks = d->size / size, count = READAHEAD_BYTES / size;
    char *tmp;

    if (blockno + 1 >= nblocks)
        return;
    if (count > nblocks - blockno - 1)
        count = nblocks - blockno - 1;
    if (!count || find(d, blockno + 1, size) || !(tmp = kmalloc(count * size)))
        return;
    if (hyp_blk_read(d->index, (blockno + 1) * size, tmp, count * size) == 0) {
        d->readaheads++;
        for (uint64_t i = 0; i < count; i++) {
            struct buf *b;
            if (find(d, blockno + 1 + i, size) || !(b = new_buf(d, blockno + 1 + i, size)))
                continue;
            memcpy(b->data, tmp + i * size, size);
            list_add_tail(&bc.lru, &b->lru_link);
        }
    }
    kfree(tmp);
    shrink();
}

static int get(struct blkdev *d, uint64_t blockno, uint32_t size, bool read, struct buf **out)
{
    struct buf *b;
    int r;

    if ((r = check(d, blockno, size)) < 0)
        return r;
    if ((b = find(d, blockno, size))) {
        d->hits++;
        if (b->refs++ == 0)
            list_del(&b->lru_link);
        *out = b;
        return 0;
    }
    d->misses++;
    if (!(b = new_buf(d, blockno, size)))
        return -ENOMEM;
    b->refs = 1;
    if (read) {
        d->reads++;
        if ((r = hyp_blk_read(d->index, blockno * size, b->data, size)) < 0) {
            kerr("blk: %s: reading block %llu failed (error %d)", d->name,
                 (unsigned long long)blockno, -r);
            discard(b);
            return -EIO;
        }
        if (blockno == d->last_read + 1)
            readahead(d, blockno, size);
        d->last_read = blockno;
    } else {
        memset(b->data, 0, size);
    }
    *out = b;
    return 0;
}

int bread(struct blkdev *d, uint64_t blockno, uint32_t size, struct buf **out)
{
    return get(d, blockno, size, true, out);
}

int bget_zero(struct blkdev *d, uint64_t blockno, uint32_t size, struct buf **out)
{
    int r = get(d, blockno, size, false, out);

    if (r == 0)
        memset((*out)->data, 0, size);
    return r;
}

void bdirty(struct buf *b)
{
    if (b->dev->read_only)
        panic("bdirty: block %llu of read-only %s changed", (unsigned long long)b->blockno,
              b->dev->name);
    if (!b->dirty) {
        b->dirty = true;
        bc.dirty++;
    }
}

void brelse(struct buf *b)
{
    if (!b)
        return;
    if (!b->refs)
        panic("brelse: block %llu of %s released too often", (unsigned long long)b->blockno,
              b->dev->name);
    if (--b->refs == 0) {
        list_add_tail(&bc.lru, &b->lru_link);
        shrink();
    }
}

int bwrite(struct buf *b)
{
    return b->dirty ? write_back(b) : 0;
}

int blk_sync(struct blkdev *d)
{
    int r = 0;

    for (unsigned h = 0; h < NHASH; h++) {
        struct list_node *n;
        list_for_each(n, &bc.hash[h]) {
            struct buf *b = list_entry(n, struct buf, hash_link);
            if (b->dirty && (!d || b->dev == d) && write_back(b) < 0)
                r = -EIO;
        }
    }
    for (unsigned i = 0; i < bc.ndev; i++) {
        struct blkdev *x = &bc.dev[i];
        if (d && x != d)
            continue;
        if (!x->read_only && hyp_blk_flush(x->index) < 0)
            r = -EIO;
        if (x->write_error) {
            r = x->write_error;
            x->write_error = 0;
        }
    }
    return r;
}

int blk_forget(struct blkdev *d)
{
    int r = blk_sync(d);

    for (unsigned h = 0; h < NHASH; h++) {
        struct list_node *n, *tmp;
        list_for_each_safe(n, tmp, &bc.hash[h]) {
            struct buf *b = list_entry(n, struct buf, hash_link);
            if (b->dev == d && b->refs == 0 && !b->dirty)
                discard(b);
        }
    }
    return r;
}

/* Byte-level access for /dev/blkN, through the cache in 4 KiB (or sector) blocks. */
static long blk_rw(struct blkdev *d, void *buf, size_t n, uint64_t off, bool write)
{
    uint32_t bs = d->sector_size > 4096 ? d->sector_size : 4096;
    size_t done = 0;
    int r = 0;

    if (d->size % bs)
        bs = d->sector_size; /* a size that is not a multiple of 4 KiB: use sectors */
    if (write && d->read_only)
        return -EROFS;
    if (off >= d->size)
        return write && n ? -ENOSPC : 0;
    if (n > d->size - off)
        n = (size_t)(d->size - off);
    while (done < n) {
        uint64_t pos = off + done;
        size_t in = (size_t)(pos % bs), k = bs - in;
        struct buf *b;
        if (k > n - done)
            k = n - done;
        r = write && in == 0 && k == bs ? bget_zero(d, pos / bs, bs, &b)
                                        : bread(d, pos / bs, bs, &b);
        if (r < 0)
            break;
        if (write) {
            memcpy((char *)b->data + in, (const char *)buf + done, k);
            bdirty(b);
        } else {
            memcpy((char *)buf + done, (char *)b->data + in, k);
        }
        brelse(b);
        done += k;
    }
    return done ? (long)done : r;
}

long blk_pread(struct blkdev *d, void *buf, size_t n, uint64_t off)
{
    return blk_rw(d, buf, n, off, false);
}

long blk_pwrite(struct blkdev *d, const void *buf, size_t n, uint64_t off)
{
    return blk_rw(d, (void *)buf, n, off, true);
}

void blk_cache_stats(struct blk_cache_stats *st)
{
    uint64_t hits = 0, misses = 0;

    for (unsigned i = 0; i < bc.ndev; i++) {
        hits += bc.dev[i].hits;
        misses += bc.dev[i].misses;
    }
    st->bytes = bc.bytes;
    st->limit = bc.limit;
    st->buffers = bc.buffers;
    st->dirty = bc.dirty;
    st->hits = hits;
    st->misses = misses;
    st->evictions = bc.evictions;
    st->writebacks = bc.writebacks;
}

static void flusher(void *arg)
{
    (void)arg;
    for (;;) {
        thread_sleep_ns(bc.flush_ns);
        if (bc.dirty && blk_sync(NULL) < 0)
            kerr("blk: periodic write-back failed; data may not be on disk");
    }
}

void blk_init(void)
{
    for (unsigned h = 0; h < NHASH; h++)
        list_init(&bc.hash[h]);
    list_init(&bc.lru);
    for (uint32_t i = 0; i < kern_config()->nblk && bc.ndev < BLK_MAX; i++) {
        struct hyp_blk_info bi;
        struct blkdev *d = &bc.dev[bc.ndev];
        if (hyp_blk_info(i, &bi) < 0 || bi.sector_size == 0 ||
            (bi.sector_size & (bi.sector_size - 1)) || bi.sector_size > 4096) {
            kerr("blk: disk %u: the host's description is unusable; skipped", i);
            continue;
        }
        d->index = i;
        ksnprintf(d->name, sizeof(d->name), "blk%u", i);
        d->size = bi.size - bi.size % bi.sector_size;
        d->sector_size = bi.sector_size;
        d->read_only = bi.read_only != 0;
        d->last_read = UINT64_MAX - 1;
        bc.ndev++;
    }
    if (bc.ndev && bc.flush_ns && !bc.flusher) {
        bc.flusher = true;
        if (thread_create(NULL, "blkflush", flusher, NULL, THREAD_PRIO_NORMAL) < 0)
            kwarn("blk: no periodic flusher (out of memory)");
    }
}
