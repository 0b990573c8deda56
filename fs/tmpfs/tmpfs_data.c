/*
 * tmpfs_data.c - file contents of tmpfs: a radix tree of 4 KiB pages.
 *
 * Page index i of a file is found by taking 9 bits of i per level, top level
 * first; interior nodes are pages of 512 pointers. The tree grows in height
 * as the file grows, so a small file costs one level and a 1 TiB sparse file
 * costs only the pages written plus their path. Holes read as zeros and use
 * no memory.
 */
#include <anyk/errno.h>
#include "fs/tmpfs/tmpfs_impl.h"
#include "kern/page.h"
#include "lib/string.h"

#define FANOUT_SHIFT 9
#define FANOUT (1u << FANOUT_SHIFT)
#define MAX_HEIGHT 5 /* 9*5 + 12 = 57 bits of offset */

static void **node_new(void)
{
    void **n = page_alloc(0);

    if (n)
        memset(n, 0, PAGE_SIZE);
    return n;
}

/* Pages that a tree of this height can address. */
static uint64_t capacity(unsigned height)
{
    return height == 0 ? 0 : 1ull << (FANOUT_SHIFT * height);
}

/* The slot for page idx, creating nodes on the way if create; NULL if absent. */
static void **slot(struct tdata *d, uint64_t idx, bool create)
{
    void **node;

    while (idx >= capacity(d->height)) {
        if (!create)
            return NULL;
        if (d->height == MAX_HEIGHT)
            return NULL;
        if (!d->root) {
            d->height++; /* an empty tree grows without nodes full of NULLs */
            continue;
        }
        void **top = node_new();
        if (!top)
            return NULL;
        top[0] = d->root;
        d->root = top;
        d->height++;
        d->nodes++;
    }
    if (!d->root) {
        if (!create || !(d->root = node_new()))
            return NULL;
        d->nodes++;
    }
    node = d->root;
    for (unsigned h = d->height; h > 1; h--) {
        unsigned i = (unsigned)(idx >> (FANOUT_SHIFT * (h - 1))) & (FANOUT - 1);
        if (!node[i]) {
            if (!create || !(node[i] = node_new()))
                return NULL;
            d->nodes++;
        }
        node = node[i];
    }
    return &node[idx & (FANOUT - 1)];
}

void tdata_init(struct tdata *d)
{
    memset(d, 0, sizeof(*d));
}

long tdata_read(struct tdata *d, int64_t size, void *buf, size_t n, int64_t off)
{
    char *out = buf;
    size_t done = 0;

    if (off >= size)
        return 0;
    if ((uint64_t)n > (uint64_t)(size - off))
        n = (size_t)(size - off);
    while (done < n) {
        uint64_t pos = (uint64_t)off + done;
        size_t in = pos & (PAGE_SIZE - 1), k = PAGE_SIZE - in;
        void **s = slot(d, pos >> PAGE_SHIFT, false);
        if (k > n - done)
            k = n - done;
        if (s && *s)
            memcpy(out + done, (char *)*s + in, k);
        else
            memset(out + done, 0, k);
        done += k;
    }
    return (long)done;
}

long tdata_write(struct tdata *d, const void *buf, size_t n, int64_t off)
{
    const char *in = buf;
    size_t done = 0;

    while (done < n) {
        uint64_t pos = (uint64_t)off + done;
        size_t at = pos & (PAGE_SIZE - 1), k = PAGE_SIZE - at;
        void **s = slot(d, pos >> PAGE_SHIFT, true);
        if (!s)
            break;
        if (!*s) {
            if (!(*s = page_alloc(0)))
                break;
            memset(*s, 0, PAGE_SIZE);
            d->pages++;
        }
        if (k > n - done)
            k = n - done;
        memcpy((char *)*s + at, in + done, k);
        done += k;
    }
    if (done == 0 && n)
        return -ENOSPC;
    return (long)done;
}

/* Free every page at index >= first under node (height h); returns true if node is now empty. */
static bool prune(struct tdata *d, void **node, unsigned h, uint64_t base, uint64_t first)
{
    bool empty = true;
    uint64_t span = 1ull << (FANOUT_SHIFT * (h - 1));

    for (unsigned i = 0; i < FANOUT; i++) {
        uint64_t lo = base + i * span;
        if (!node[i])
            continue;
        if (h == 1) {
            if (lo >= first) {
                page_free(node[i]);
                node[i] = NULL;
                d->pages--;
            } else {
                empty = false;
            }
            continue;
        }
        if (lo + span <= first) {
            empty = false;
            continue;
        }
        if (prune(d, node[i], h - 1, lo, first)) {
            page_free(node[i]);
            node[i] = NULL;
            d->nodes--;
        } else {
            empty = false;
        }
    }
    return empty;
}

void tdata_truncate(struct tdata *d, int64_t old_size, int64_t size)
{
    uint64_t first = ((uint64_t)size + PAGE_SIZE - 1) >> PAGE_SHIFT;

    if (size < old_size && (size & (PAGE_SIZE - 1))) {
        /* Zero the tail of the last kept page, so growing again reads zeros. */
        void **s = slot(d, (uint64_t)size >> PAGE_SHIFT, false);
        if (s && *s)
            memset((char *)*s + (size & (PAGE_SIZE - 1)), 0,
                   PAGE_SIZE - (size & (PAGE_SIZE - 1)));
    }
    if (d->root && prune(d, d->root, d->height, 0, first)) {
        page_free(d->root);
        d->root = NULL;
        d->height = 0;
        d->nodes--;
    }
}

void tdata_free(struct tdata *d)
{
    tdata_truncate(d, INT64_MAX, 0);
}
