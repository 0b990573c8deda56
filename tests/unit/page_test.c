/*
 * page_test.c - the buddy page allocator (kern/page.h).
 *
 * Most checks use a private struct zone over an 8 MiB host buffer, so the
 * results do not depend on what the booted kernel has allocated: blocks of
 * every order are aligned (relative to the zone's first page), in range and
 * disjoint; exhaustion returns NULL and is counted; freeing everything
 * coalesces back to the initial free lists; a checkerboard of free pages
 * cannot serve an order-1 request; and a long random mix of allocations and
 * frees keeps every live block's contents intact. A few checks then use the
 * kernel's own zone through page_alloc/page_free.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anyk/errno.h>
#include "kern/kernel.h"
#include "kern/page.h"
#include "tests/unit/tap.h"

#ifdef ANYK_SAN
#include <sanitizer/asan_interface.h>
#endif

#define ZONE_BYTES (8ul << 20)

static struct zone z;
static char *zmem;

/* ---- helpers ------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so a failure reproduces. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t block_bytes(unsigned order)
{
    return PAGE_SIZE << order;
}

/* Fill a block with words derived from seed; check_fill verifies them. */
static void fill(void *p, unsigned order, uint64_t seed)
{
    uint64_t *w = p;
    size_t n = block_bytes(order) / sizeof(*w);

    for (size_t i = 0; i < n; i++)
        w[i] = seed ^ (i * 0x100000001b3ull);
}

static bool check_fill(const void *p, unsigned order, uint64_t seed)
{
    const uint64_t *w = p;
    size_t n = block_bytes(order) / sizeof(*w);

    for (size_t i = 0; i < n; i++)
        if (w[i] != (seed ^ (i * 0x100000001b3ull)))
            return false;
    return true;
}

/* Is p the start of a block of this order inside z, aligned relative to z->base? */
static bool block_ok(const struct zone *zz, const void *p, unsigned order)
{
    uintptr_t a = (uintptr_t)p;

    return a >= zz->base && a + block_bytes(order) <= zz->base + (zz->npages << PAGE_SHIFT) &&
           (a - zz->base) % block_bytes(order) == 0;
}

/* Pages on the free lists, counted from the lists' lengths (independent of free_pages). */
static size_t pages_on_free_lists(const struct zone *zz)
{
    size_t n = 0;

    for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
        size_t len = 0;
        const struct list_node *pos;
        list_for_each(pos, &zz->free[o])
            len++;
        if (len != zz->nfree[o])
            return SIZE_MAX; /* list and counter disagree */
        n += len << o;
    }
    return n;
}

static bool same_free_lists(const struct zone *zz, const size_t *nfree)
{
    for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
        if (zz->nfree[o] != nfree[o])
            return false;
    return true;
}

static void unpoison(void *p, size_t n)
{
#ifdef ANYK_SAN
    /* zone_init poisons what it manages for ASan; give the host buffer back clean. */
    ASAN_UNPOISON_MEMORY_REGION(p, n);
#else
    (void)p, (void)n;
#endif
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

    return x < y ? -1 : x > y;
}

/* ---- zone_init ---------------------------------------------------------- */

static size_t init_nfree[PAGE_MAX_ORDER + 1];
static int init_largest;

static void test_init(void)
{
    struct zone small;
    static char tiny[3 * 4096] __attribute__((aligned(4096)));

    ok(zone_init(&small, tiny, 100, false) == -EINVAL,
       "zone_init: a region smaller than a page is -EINVAL");
    ok(zone_init(&small, tiny + 1, PAGE_SIZE, false) == -EINVAL,
       "zone_init: an unaligned page-sized region holds no whole page: -EINVAL");
    ok(zone_init(&small, tiny, PAGE_SIZE, false) == -EINVAL,
       "zone_init: one page cannot hold both its metadata and itself: -EINVAL");
    ok(zone_init(&small, tiny, 2 * PAGE_SIZE, false) == 0 && small.npages == 1 &&
           small.free_pages == 1 && zone_largest_free(&small) == 0,
       "zone_init: two pages give one managed page (one for metadata)");
    void *only = zone_alloc(&small, 0);
    ok(only == tiny && zone_alloc(&small, 0) == NULL,
       "zone: the one page is the first of the region, then the zone is empty");
    zone_free(&small, only);
    ok(small.free_pages == 1, "zone: freeing it gives it back");

    /* An unaligned start: the zone must round inward, never manage bytes outside the region. */
    char *mem = zmem + 100;
    size_t len = ZONE_BYTES - 200;
    ok(zone_init(&z, mem, len, false) == 0, "zone_init over 8 MiB (unaligned by 100 bytes) succeeds");
    ok(z.base % PAGE_SIZE == 0 && z.base >= (uintptr_t)mem &&
           (uintptr_t)(z.pages + z.npages) <= (uintptr_t)mem + len,
       "zone_init: pages and metadata lie inside [mem, mem+len), base page aligned");
    ok((uintptr_t)z.pages >= z.base + (z.npages << PAGE_SHIFT),
       "zone_init: the struct page array (%zu entries) starts after the last managed page",
       z.npages);

    /* Now the aligned zone all later tests use. */
    unpoison(zmem, ZONE_BYTES);
    ok(zone_init(&z, zmem, ZONE_BYTES, false) == 0, "zone_init over an aligned 8 MiB buffer");
    size_t total = ZONE_BYTES / PAGE_SIZE;
    ok(z.npages < total && z.npages > total - total / 50,
       "metadata costs under 2%% of the pages (%zu of %zu managed)", z.npages, total);
    ok(z.free_pages == z.npages, "all %zu pages start free", z.npages);
    ok(pages_on_free_lists(&z) == z.npages, "the free lists hold exactly npages pages");
    /* The zone covers [0, npages) from index 0 with maximal aligned blocks: the largest is the
     * highest power of two <= npages. */
    int want = 0;
    while ((2ul << want) <= z.npages && want < PAGE_MAX_ORDER)
        want++;
    init_largest = zone_largest_free(&z);
    ok(init_largest == want, "largest free block has order %d (got %d)", want, init_largest);
    memcpy(init_nfree, z.nfree, sizeof(init_nfree));
}

/* ---- every order: aligned, in range, disjoint, exhausts cleanly --------- */

static void test_each_order(void)
{
    size_t cap = z.npages;
    void **blk = malloc((cap + 1) * sizeof(*blk)); /* + 1: room to see a broken allocator overrun */

    for (unsigned order = 0; order <= (unsigned)init_largest; order++) {
        size_t n = 0;
        bool aligned = true, kinds = true;
        void *p;
        uint64_t fails = z.failures;

        while ((p = zone_alloc(&z, order)) != NULL) {
            if (!block_ok(&z, p, order))
                aligned = false;
            struct page *pg = zone_page(&z, p);
            if (!pg || pg->kind != PAGE_ALLOC || pg->order != order || zone_page_addr(&z, pg) != p)
                kinds = false;
            fill(p, order, ((uint64_t)order << 32) | n);
            blk[n++] = p;
            if (n > cap)
                break;
        }
        /* Blocks cover [0, npages) from index 0, so exactly npages >> order fit. */
        ok(n == z.npages >> order, "order %u: %zu blocks allocated before NULL (want %zu)", order,
           n, z.npages >> order);
        ok(aligned, "order %u: every block is inside the zone and aligned to %zu bytes from base",
           order, block_bytes(order));
        ok(kinds, "order %u: zone_page() of each block is a PAGE_ALLOC head of that order", order);
        ok(z.failures == fails + 1, "order %u: the failed allocation is counted once", order);
        ok(zone_alloc(&z, order) == NULL && z.failures == fails + 2,
           "order %u: the zone stays exhausted and counts again", order);

        qsort(blk, n, sizeof(*blk), cmp_ptr);
        bool disjoint = true;
        for (size_t i = 1; i < n; i++)
            if ((char *)blk[i - 1] + block_bytes(order) > (char *)blk[i])
                disjoint = false;
        ok(disjoint, "order %u: blocks do not overlap (sorted by address)", order);

        /* Each block still holds its own pattern: no other allocation wrote into it. The seed
         * (order << 32 | allocation index) is the block's first word, since sorting lost the
         * index; any corruption of the first word shows up as a wrong order. */
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t seed = *(uint64_t *)blk[i];
            if ((seed >> 32) != order || !check_fill(blk[i], order, seed))
                bad++;
        }
        ok(bad == 0, "order %u: every block's fill pattern is intact (%zu corrupted)", order, bad);

        for (size_t i = 0; i < n; i++)
            zone_free(&z, blk[i]);
        ok(z.free_pages == z.npages && pages_on_free_lists(&z) == z.npages,
           "order %u: after freeing all, free_pages is back to %zu", order, z.npages);
        ok(zone_largest_free(&z) == init_largest && same_free_lists(&z, init_nfree),
           "order %u: buddies coalesced back into the initial free lists", order);
    }
    ok(zone_alloc(&z, (unsigned)init_largest + 1) == NULL,
       "an order larger than any free block (%d) gives NULL", init_largest + 1);
    ok(zone_alloc(&z, PAGE_MAX_ORDER + 1) == NULL, "order PAGE_MAX_ORDER+1 gives NULL");
    ok(zone_alloc(&z, 1000) == NULL, "an absurd order (1000) gives NULL, not a crash");
    free(blk);
}

/* ---- splitting returns the lower half; the upper half stays free ------- */

static void test_split(void)
{
    unsigned low = 0;

    while (low <= PAGE_MAX_ORDER && !z.nfree[low])
        low++;
    void *smallest = zone_page_addr(&z, list_entry(z.free[low].next, struct page, link));
    void *a = zone_alloc(&z, 0);
    void *b = zone_alloc(&z, 0);

    ok(low > 0 && a == smallest,
       "split: an order-0 request takes the lower end of the smallest free block (order %u)",
       low);
    ok((char *)b == (char *)a + PAGE_SIZE, "split: the next one is its buddy, the upper half");
    ok(z.free_pages == z.npages - 2, "split: free_pages dropped by 2");
    ok(z.nfree[low] == init_nfree[low] - 1 && z.nfree[1] >= 1,
       "split: the split block left its list and its upper halves are free");
    zone_free(&z, a);
    ok(z.nfree[0] == 1, "split: a freed page whose buddy is allocated stays an order-0 block");
    zone_free(&z, b);
    ok(same_free_lists(&z, init_nfree), "split: freeing the buddy merges all the way back up");
}

/* ---- fragmentation -------------------------------------------------------- */

static void test_fragmentation(void)
{
    size_t n = z.npages, got = 0;
    void **pg = calloc(n, sizeof(*pg)); /* indexed by page number relative to base */
    void *p;

    while ((p = zone_alloc(&z, 0)) != NULL) {
        size_t idx = ((uintptr_t)p - z.base) >> PAGE_SHIFT;
        if (idx < n && !pg[idx])
            pg[idx] = p;
        got++;
    }
    ok(got == n && z.free_pages == 0, "fragmentation: all %zu pages allocated one by one", n);
    /* Free every page with an even index: each one's buddy (index ^ 1) stays allocated. */
    for (size_t i = 0; i < n; i += 2)
        zone_free(&z, pg[i]);
    size_t half = (n + 1) / 2;
    ok(z.free_pages == half, "fragmentation: %zu pages free after freeing every other one", half);
    ok(zone_largest_free(&z) == 0, "fragmentation: no free block larger than one page");
    uint64_t fails = z.failures;
    ok(zone_alloc(&z, 1) == NULL && z.failures == fails + 1,
       "fragmentation: an order-1 request fails although %zu pages are free", half);
    size_t again = 0;
    bool in_holes = true;
    while ((p = zone_alloc(&z, 0)) != NULL) {
        size_t idx = ((uintptr_t)p - z.base) >> PAGE_SHIFT;
        if (idx % 2 != 0)
            in_holes = false;
        pg[idx] = p;
        again++;
    }
    ok(again == half && in_holes, "fragmentation: order-0 requests still get all %zu holes", half);
    for (size_t i = 0; i < n; i++)
        zone_free(&z, pg[i]);
    ok(z.free_pages == z.npages && same_free_lists(&z, init_nfree),
       "fragmentation: freeing the rest coalesces everything back");
    free(pg);
}

/* ---- random mix checked against a shadow list ----------------------------- */

struct live {
    void *p;
    unsigned order;
    uint64_t seed;
};

static void test_random(void)
{
    enum { OPS = 6000, MAXLIVE = 2000 };
    struct live *live = calloc(MAXLIVE, sizeof(*live));
    size_t nlive = 0, used = 0, allocs = 0, frees = 0, nulls = 0;
    bool range_ok = true, disjoint = true, intact = true, counts = true, null_ok = true;

    rng_state = 12345;
    for (int op = 0; op < OPS; op++) {
        bool do_alloc = nlive == 0 || (nlive < MAXLIVE && rng() % 100 < 60);
        if (do_alloc) {
            /* Orders biased small: 0 half the time, up to 7 rarely. */
            unsigned r = (unsigned)(rng() % 128), order = 0;
            while (order < 7 && r >= 64u >> order)
                r -= 64u >> order, order++;
            void *p = zone_alloc(&z, order);
            if (!p) {
                nulls++;
                if (zone_largest_free(&z) >= (int)order)
                    null_ok = false; /* refused although a big enough block was free */
                continue;
            }
            if (!block_ok(&z, p, order))
                range_ok = false;
            for (size_t i = 0; i < nlive; i++) {
                uintptr_t a = (uintptr_t)p, b = (uintptr_t)live[i].p;
                if (a < b + block_bytes(live[i].order) && b < a + block_bytes(order))
                    disjoint = false;
            }
            live[nlive].p = p;
            live[nlive].order = order;
            live[nlive].seed = rng();
            fill(p, order, live[nlive].seed);
            nlive++;
            used += 1ul << order;
            allocs++;
        } else {
            size_t i = (size_t)(rng() % nlive);
            if (!check_fill(live[i].p, live[i].order, live[i].seed))
                intact = false;
            zone_free(&z, live[i].p);
            used -= 1ul << live[i].order;
            live[i] = live[--nlive];
            frees++;
        }
        if (z.free_pages != z.npages - used || pages_on_free_lists(&z) != z.free_pages)
            counts = false;
    }
    ok(allocs > OPS / 3 && frees > OPS / 4,
       "random: %zu allocations, %zu frees, %zu refused, %zu live at the end", allocs, frees,
       nulls, nlive);
    ok(nulls > 0, "random: the zone ran full at times (%zu refusals), so the NULL path ran", nulls);
    ok(range_ok, "random: every block inside the zone and aligned to its size");
    ok(disjoint, "random: no block overlaps a live one");
    ok(intact, "random: every block's contents were intact when freed");
    ok(counts, "random: after every op free_pages == npages - live pages, as the free lists say");
    ok(null_ok, "random: NULL only when no free block of the order (or larger) exists");
    bool end_intact = true;
    for (size_t i = 0; i < nlive; i++)
        if (!check_fill(live[i].p, live[i].order, live[i].seed))
            end_intact = false;
    ok(end_intact, "random: the %zu blocks still live are intact", nlive);
    while (nlive)
        zone_free(&z, live[--nlive].p);
    ok(z.free_pages == z.npages && same_free_lists(&z, init_nfree) &&
           zone_largest_free(&z) == init_largest,
       "random: after freeing everything the zone is whole again (largest order %d)",
       zone_largest_free(&z));
    free(live);
}

/* ---- the kernel's own zone ------------------------------------------------ */

static void test_kernel_zone(void)
{
    struct zone *kz = page_zone();
    size_t free0 = kz->free_pages;
    uint64_t fails0 = kz->failures;

    size_t ram_pages = kern_config()->ram_size / PAGE_SIZE;
    ok(kz->npages > ram_pages - ram_pages / 50 && kz->npages <= ram_pages,
       "the kernel zone manages all but <2%% of the host's RAM (%zu of %zu pages)", kz->npages,
       ram_pages);
    void *p = page_alloc(3);
    ok(p && block_ok(kz, p, 3), "page_alloc(3) gives an aligned block in the kernel zone");
    ok(kz->free_pages == free0 - 8, "page_alloc(3) takes 8 pages from free_pages");
    struct page *pg = page_of(p);
    ok(pg && pg->kind == PAGE_ALLOC && pg->order == 3 && page_addr(pg) == p,
       "page_of/page_addr round-trip and describe an order-3 allocation");
    ok(page_of((char *)p + 5 * PAGE_SIZE + 17) == pg + 5,
       "page_of of an address inside the block is the struct page of that page");
    memset(p, 0xa5, 8 * PAGE_SIZE);
    page_free(p);
    ok(kz->free_pages == free0, "page_free gives the 8 pages back");

    int stack_var;
    ok(page_of(&stack_var) == NULL, "page_of of an address outside kernel RAM is NULL");
    unsigned too_big = (unsigned)zone_largest_free(kz) + 1;
    ok(page_alloc(too_big) == NULL && kz->failures == fails0 + 1,
       "page_alloc(%u), above the largest free block, fails cleanly and is counted", too_big);

    /* All of memory in one-page pieces, then back: the kernel zone coalesces too. */
    int largest0 = zone_largest_free(kz);
    size_t n = 0, cap = kz->free_pages;
    void **v = malloc(cap * sizeof(*v));
    while (n < cap && (v[n] = page_alloc(0)) != NULL)
        n++;
    ok(n == cap && kz->free_pages == 0 && page_alloc(0) == NULL,
       "the kernel zone hands out all %zu free pages, then NULL", cap);
    while (n)
        page_free(v[--n]);
    ok(kz->free_pages == free0 && zone_largest_free(kz) == largest0,
       "after freeing them, free_pages and the largest order (%d) are as before", largest0);
    free(v);

    ok(page_order_for(1) == 0 && page_order_for(PAGE_SIZE) == 0 &&
           page_order_for(PAGE_SIZE + 1) == 1 && page_order_for(2 * PAGE_SIZE) == 1 &&
           page_order_for(1ul << 20) == 8 && page_order_for((1ul << 20) + 1) == 9,
       "page_order_for: 1, 4096 -> 0; 4097, 8192 -> 1; 1 MiB -> 8; 1 MiB+1 -> 9");
    ok(page_order_for(SIZE_MAX) > PAGE_MAX_ORDER,
       "page_order_for(SIZE_MAX) is beyond PAGE_MAX_ORDER (so callers can refuse it)");
}

void test_main(void)
{
    zmem = aligned_alloc(PAGE_SIZE, ZONE_BYTES);
    if (!ok(zmem != NULL, "host buffer of 8 MiB for a private zone"))
        return;
    test_init();
    test_each_order();
    test_split();
    test_fragmentation();
    test_random();
    test_kernel_zone();
    unpoison(zmem, ZONE_BYTES);
    free(zmem);
}
