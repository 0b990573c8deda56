/*
 * malloc.c - the heap, on anonymous mappings from the kernel.
 *
 * Small requests (up to 32 KiB with the header) are rounded up to a power of
 * two and carved from 256 KiB arenas; a freed block goes on the free list of
 * its size class and is reused for the next request of that class. Arenas
 * are never returned (they hold blocks of every class), but anyk frees all
 * of a task's memory when it exits. Big requests get a mapping of their own,
 * which free() hands straight back to the kernel.
 *
 * Every block starts with a 16-byte header (so the payload stays 16-byte
 * aligned) holding its class, or for a big block the mapping's length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libc_impl.h"

#define HDR 16
#define MIN_SHIFT 5             /* smallest block: 32 bytes, 16 of them payload */
#define MAX_SHIFT 15            /* largest arena block: 32 KiB */
#define NCLASS (MAX_SHIFT - MIN_SHIFT + 1)
#define ARENA_SIZE (256 * 1024)
#define BIG_CLASS 0xff
#define MAGIC 0xa110c8edu

struct hdr {
    uint32_t magic;
    uint32_t cls;               /* shift of the block size, or BIG_CLASS */
    uint64_t maplen;            /* BIG_CLASS: bytes mapped, including the header */
};

struct freeblk {
    struct hdr h;
    struct freeblk *next;
};

static struct freeblk *free_list[NCLASS];
static char *arena_cur, *arena_end;

static int class_of(size_t total)
{
    int s = MIN_SHIFT;
    while (((size_t)1 << s) < total)
        s++;
    return s;
}

static void *map(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* A fresh block of 2^shift bytes from the current arena, starting a new arena if needed. */
static struct hdr *carve(int shift)
{
    size_t sz = (size_t)1 << shift;
    if ((size_t)(arena_end - arena_cur) < sz) {
        /* The rest of the old arena feeds the free lists rather than being wasted. */
        while (arena_cur && (size_t)(arena_end - arena_cur) >= ((size_t)1 << MIN_SHIFT)) {
            int s = MAX_SHIFT;
            while (((size_t)1 << s) > (size_t)(arena_end - arena_cur))
                s--;
            struct freeblk *f = (struct freeblk *)(void *)arena_cur;
            f->h.magic = MAGIC;
            f->h.cls = (uint32_t)s;
            f->next = free_list[s - MIN_SHIFT];
            free_list[s - MIN_SHIFT] = f;
            arena_cur += (size_t)1 << s;
        }
        char *a = map(ARENA_SIZE);
        if (!a)
            return NULL;
        arena_cur = a;
        arena_end = a + ARENA_SIZE;
    }
    struct hdr *h = (struct hdr *)(void *)arena_cur;
    arena_cur += sz;
    return h;
}

void *malloc(size_t n)
{
    if (n > PTRDIFF_MAX - 65536) {
        errno = ENOMEM;
        return NULL;
    }
    size_t total = n + HDR;
    struct hdr *h;
    if (total > ((size_t)1 << MAX_SHIFT)) {
        size_t len = (total + 4095) & ~(size_t)4095;
        h = map(len);
        if (!h) {
            errno = ENOMEM;
            return NULL;
        }
        h->cls = BIG_CLASS;
        h->maplen = len;
    } else {
        int s = class_of(total);
        struct freeblk *f = free_list[s - MIN_SHIFT];
        if (f) {
            free_list[s - MIN_SHIFT] = f->next;
            h = &f->h;
        } else if (!(h = carve(s))) {
            errno = ENOMEM;
            return NULL;
        }
        h->cls = (uint32_t)s;
    }
    h->magic = MAGIC;
    return (char *)h + HDR;
}

static struct hdr *hdr_of(void *p)
{
    struct hdr *h = (struct hdr *)(void *)((char *)p - HDR);
    if (h->magic != MAGIC) {
        static const char msg[] = "malloc: free() or realloc() of a bad pointer\n";
        __anyk->write(2, msg, sizeof(msg) - 1);
        abort();
    }
    return h;
}

static size_t usable(const struct hdr *h)
{
    return (h->cls == BIG_CLASS ? h->maplen : (size_t)1 << h->cls) - HDR;
}

void free(void *p)
{
    if (!p)
        return;
    struct hdr *h = hdr_of(p);
    h->magic = 0;           /* catches a second free of the same block */
    if (h->cls == BIG_CLASS) {
        munmap(h, h->maplen);
        return;
    }
    struct freeblk *f = (struct freeblk *)h;
    f->next = free_list[h->cls - MIN_SHIFT];
    free_list[h->cls - MIN_SHIFT] = f;
}

void *calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    struct hdr *h = hdr_of(p);
    size_t have = usable(h);
    /* Keep the block when it fits and is not wastefully big for the new size. */
    if (n <= have && (h->cls == BIG_CLASS ? n + HDR > have / 2 : n + HDR > have / 4))
        return p;
    void *q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, n < have ? n : have);
    free(p);
    return q;
}

void *reallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, count * size);
}
