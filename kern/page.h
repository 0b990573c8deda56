/*
 * page.h - the page allocator: a binary buddy allocator over the RAM region
 * the host hands to kmain.
 *
 * A zone manages a contiguous range of 4 KiB pages. Blocks are 2^order pages,
 * aligned to their size relative to the zone's first page. Freeing a block
 * merges it with its free buddy, repeatedly, so free memory stays in the
 * largest blocks possible. One struct page per page, kept at the end of the
 * region, records what each page is.
 */
#ifndef KERN_PAGE_H
#define KERN_PAGE_H

#include <anyk/types.h>
#include "arch/x86_64/arch.h"
#include "lib/list.h"

#define PAGE_MAX_ORDER 20 /* largest block: 2^20 pages = 4 GiB */

enum page_kind {
    PAGE_UNUSABLE = 0, /* tail of a block, or not managed */
    PAGE_FREE,         /* head of a free block of 2^order pages */
    PAGE_ALLOC,        /* head of a block handed out by page_alloc */
};

struct page {
    struct list_node link; /* free list while free; the owner's list while allocated */
    uint8_t kind;          /* enum page_kind */
    uint8_t order;         /* of the block this page heads */
    uint16_t owner_class;  /* free for the owner's use (kmalloc: size class + 1) */
    uint32_t owner_count;  /* free for the owner's use (kmalloc: objects in use) */
    void *owner_ptr;       /* free for the owner's use (kmalloc: free list) */
};

struct zone {
    uintptr_t base;   /* address of the first managed page */
    size_t npages;    /* managed pages */
    struct page *pages;
    struct list_node free[PAGE_MAX_ORDER + 1];
    size_t nfree[PAGE_MAX_ORDER + 1];
    size_t free_pages;
    uint64_t allocs, frees, failures;
};

/*
 * Manage [mem, mem+len) with zone z; the page structures are carved from its
 * end. ram_zeroed: the memory is known to be all zero (saves clearing the
 * page structures). Returns 0, or -EINVAL if the region is too small.
 */
int zone_init(struct zone *z, void *mem, size_t len, bool ram_zeroed);
/* A block of 2^order pages, or NULL if none is free (never panics). */
void *zone_alloc(struct zone *z, unsigned order);
/* Return a block from zone_alloc. Panics on a pointer that is not one (double free, wrong zone). */
void zone_free(struct zone *z, void *p);
/* The struct page of the page holding address p, or NULL if z does not manage it. */
struct page *zone_page(struct zone *z, const void *p);
void *zone_page_addr(struct zone *z, const struct page *pg);
/* Allocate exactly the block of 2^order pages at p; -EBUSY if any of it is in use. */
int zone_take(struct zone *z, void *p, unsigned order);
/* Order of the largest free block, or -1 if none. */
int zone_largest_free(const struct zone *z);

/* The kernel's own zone, over the host's RAM region. */
void page_init(void *ram, size_t len, bool ram_zeroed);
void *page_alloc(unsigned order);
void page_free(void *p);
struct page *page_of(const void *p);
void *page_addr(const struct page *pg);
struct zone *page_zone(void);

/* Smallest order whose block holds n bytes. */
unsigned page_order_for(size_t n);

#endif
