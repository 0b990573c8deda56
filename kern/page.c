/*
 * page.c - binary buddy page allocator.
 *
 * Invariants: a free block of order k is on free[k], its head page has kind
 * PAGE_FREE and order k, and every other page of it is PAGE_UNUSABLE. An
 * allocated block's head page is PAGE_ALLOC with its order. Blocks are
 * aligned to 2^order pages counted from z->base, so a block's buddy is found
 * by flipping bit `order` of its page index.
 */
#include <anyk/errno.h>
#include "kern/page.h"
#include "kern/printk.h"
#include "kern/san.h"
#include "lib/string.h"

static size_t page_index(const struct zone *z, const struct page *pg)
{
    return (size_t)(pg - z->pages);
}

void *zone_page_addr(struct zone *z, const struct page *pg)
{
    return (void *)(z->base + (page_index(z, pg) << PAGE_SHIFT));
}

struct page *zone_page(struct zone *z, const void *p)
{
    uintptr_t a = (uintptr_t)p;

    if (a < z->base || a >= z->base + (z->npages << PAGE_SHIFT))
        return NULL;
    return &z->pages[(a - z->base) >> PAGE_SHIFT];
}

static void free_push(struct zone *z, struct page *pg, unsigned order)
{
    pg->kind = PAGE_FREE;
    pg->order = (uint8_t)order;
    list_add_head(&z->free[order], &pg->link);
    z->nfree[order]++;
}

static void free_remove(struct zone *z, struct page *pg)
{
    list_del(&pg->link);
    z->nfree[pg->order]--;
    pg->kind = PAGE_UNUSABLE;
}

int zone_init(struct zone *z, void *mem, size_t len, bool ram_zeroed)
{
    uintptr_t start = ((uintptr_t)mem + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uintptr_t end = ((uintptr_t)mem + len) & ~(PAGE_SIZE - 1);
    size_t total, meta_pages;

    memset(z, 0, sizeof(*z));
    for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
        list_init(&z->free[o]);
    if (end <= start)
        return -EINVAL;
    total = (end - start) >> PAGE_SHIFT;
    /* n managed pages need n * sizeof(struct page) bytes of metadata in front of them. */
    meta_pages = (total * sizeof(struct page) + PAGE_SIZE + sizeof(struct page) - 1) /
                 (PAGE_SIZE + sizeof(struct page));
    if (meta_pages >= total)
        return -EINVAL;
    /*
     * Metadata goes at the end, so managed memory starts at the region's
     * start whatever its size (the kexec payload area relies on that).
     */
    z->npages = total - meta_pages;
    z->base = start;
    z->pages = (struct page *)(start + (z->npages << PAGE_SHIFT));
    /*
     * An all-zero struct page is a valid PAGE_UNUSABLE entry, and only block
     * heads ever have their link used (free_push/free_remove set it). So when
     * the host hands over RAM that is already zero, the array is left alone:
     * boot then touches a handful of metadata pages instead of all of them.
     */
    if (!ram_zeroed)
        memset(z->pages, 0, z->npages * sizeof(struct page));

    /* Cover the pages with the largest aligned blocks that fit. */
    for (size_t i = 0; i < z->npages;) {
        unsigned order = PAGE_MAX_ORDER;
        while (order && ((i & ((1ul << order) - 1)) || i + (1ul << order) > z->npages))
            order--;
        free_push(z, &z->pages[i], order);
        i += 1ul << order;
    }
    z->free_pages = z->npages;
    san_poison(z->base, z->npages << PAGE_SHIFT);
    return 0;
}

void *zone_alloc(struct zone *z, unsigned order)
{
    unsigned o = order;
    struct page *pg;

    if (order > PAGE_MAX_ORDER) {
        z->failures++;
        return NULL;
    }
    while (o <= PAGE_MAX_ORDER && list_empty(&z->free[o]))
        o++;
    if (o > PAGE_MAX_ORDER) {
        z->failures++;
        return NULL;
    }
    pg = list_entry(z->free[o].next, struct page, link);
    free_remove(z, pg);
    /* Split: keep the lower half, free the upper halves. */
    while (o > order) {
        o--;
        free_push(z, pg + (1ul << o), o);
    }
    pg->kind = PAGE_ALLOC;
    pg->order = (uint8_t)order;
    pg->owner_class = 0;
    pg->owner_count = 0;
    pg->owner_ptr = NULL;
    z->free_pages -= 1ul << order;
    z->allocs++;
    void *p = zone_page_addr(z, pg);
    san_unpoison(p, PAGE_SIZE << order);
    return p;
}

void zone_free(struct zone *z, void *p)
{
    struct page *pg = zone_page(z, p);
    unsigned order;
    size_t idx;

    if (!pg || ((uintptr_t)p & (PAGE_SIZE - 1)))
        panic("page_free: %p is not a page of this allocator", p);
    if (pg->kind == PAGE_FREE)
        panic("page_free: double free of %p", p);
    if (pg->kind != PAGE_ALLOC)
        panic("page_free: %p is inside a block, not at its start", p);
    if (!list_empty(&pg->link))
        panic("page_free: %p is still on its owner's list", p);
    order = pg->order;
    z->free_pages += 1ul << order;
    z->frees++;
    san_poison(p, PAGE_SIZE << order);
    pg->kind = PAGE_UNUSABLE;
    idx = page_index(z, pg);
    /* Merge with free buddies of the same order. */
    while (order < PAGE_MAX_ORDER) {
        size_t buddy = idx ^ (1ul << order);
        struct page *b = &z->pages[buddy];
        if (buddy + (1ul << order) > z->npages || b->kind != PAGE_FREE || b->order != order)
            break;
        free_remove(z, b);
        idx &= ~(1ul << order);
        order++;
    }
    free_push(z, &z->pages[idx], order);
}

int zone_take(struct zone *z, void *p, unsigned order)
{
    struct page *pg = zone_page(z, p);
    size_t idx, head = 0;
    unsigned o;

    if (!pg || order > PAGE_MAX_ORDER)
        return -EINVAL;
    idx = page_index(z, pg);
    if ((uintptr_t)p & (PAGE_SIZE - 1) || (idx & ((1ul << order) - 1)))
        return -EINVAL;
    /* Find the free block that contains the wanted one. */
    for (o = order; o <= PAGE_MAX_ORDER; o++) {
        head = idx & ~((1ul << o) - 1);
        if (head < z->npages && z->pages[head].kind == PAGE_FREE && z->pages[head].order == o)
            break;
    }
    if (o > PAGE_MAX_ORDER)
        return -EBUSY;
    free_remove(z, &z->pages[head]);
    /* Split it, freeing the halves that do not hold the wanted block. */
    while (o > order) {
        size_t half = 1ul << --o;
        if (idx >= head + half) {
            free_push(z, &z->pages[head], o);
            head += half;
        } else {
            free_push(z, &z->pages[head + half], o);
        }
    }
    pg->kind = PAGE_ALLOC;
    pg->order = (uint8_t)order;
    z->free_pages -= 1ul << order;
    z->allocs++;
    san_unpoison(p, PAGE_SIZE << order);
    return 0;
}

int zone_largest_free(const struct zone *z)
{
    for (int o = PAGE_MAX_ORDER; o >= 0; o--)
        if (z->nfree[o])
            return o;
    return -1;
}

unsigned page_order_for(size_t n)
{
    unsigned order = 0;

    while ((PAGE_SIZE << order) < n && order <= PAGE_MAX_ORDER)
        order++;
    return order;
}

static struct zone kernel_zone;

void page_init(void *ram, size_t len, bool ram_zeroed)
{
    if (zone_init(&kernel_zone, ram, len, ram_zeroed) < 0)
        panic("page_init: RAM region %p+%zu is too small", ram, len);
}

void *page_alloc(unsigned order)
{
    return zone_alloc(&kernel_zone, order);
}

void page_free(void *p)
{
    zone_free(&kernel_zone, p);
}

struct page *page_of(const void *p)
{
    return zone_page(&kernel_zone, p);
}

void *page_addr(const struct page *pg)
{
    return zone_page_addr(&kernel_zone, pg);
}

struct zone *page_zone(void)
{
    return &kernel_zone;
}
