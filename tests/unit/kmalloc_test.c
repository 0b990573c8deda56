/*
 * kmalloc_test.c - the kernel's general allocator (kern/kmalloc.h).
 *
 * Checks the contract of kmalloc.h: results are 16-byte aligned for every
 * size from 1 to 4096 and for large blocks, kmalloc_usable_size covers the
 * request and all of it is writable, kzalloc zeroes recycled memory, objects
 * never overlap (each carries a pattern derived from its id, verified before
 * it is freed), a long random mix of allocations and frees keeps every live
 * object intact, freeing everything returns the slab objects, large blocks
 * and pages to where they were (up to one cached empty slab per class), and
 * running out of memory returns NULL instead of crashing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kern/kmalloc.h"
#include "kern/page.h"
#include "tests/unit/tap.h"

/* ---- helpers ------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint8_t pat(uint32_t id, size_t i)
{
    return (uint8_t)(id * 0x9du + i * 31u + (i >> 8) + 1u);
}

static void fill(void *p, size_t n, uint32_t id)
{
    uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        b[i] = pat(id, i);
}

static bool check(const void *p, size_t n, uint32_t id)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++)
        if (b[i] != pat(id, i))
            return false;
    return true;
}

static bool aligned16(const void *p)
{
    return ((uintptr_t)p & 15) == 0;
}

/* A snapshot of the allocator state that "everything freed" must come back to. */
struct snap {
    struct kmalloc_stats st;
    size_t free_pages;
};

static void take(struct snap *s)
{
    kmalloc_stats(&s->st);
    s->free_pages = page_zone()->free_pages;
}

static size_t slab_pages(const struct kmalloc_stats *st)
{
    size_t n = 0;

    for (int c = 0; c < KMALLOC_NCLASSES; c++)
        n += st->cls[c].slabs * st->cls[c].slab_pages;
    return n;
}

/*
 * Everything allocated since base has been freed: every class has as many
 * objects in use as then, as many large blocks, at most one more (cached,
 * empty) slab, and the pages not in slabs are all back in the page allocator.
 */
static void check_back_to(const struct snap *base, const char *when)
{
    struct snap now;
    bool objs = true, slabs = true;

    take(&now);
    for (int c = 0; c < KMALLOC_NCLASSES; c++) {
        if (now.st.cls[c].objects != base->st.cls[c].objects)
            objs = false;
        if (now.st.cls[c].slabs > base->st.cls[c].slabs + 1)
            slabs = false;
    }
    ok(objs, "%s: objects in use in every class are back to the baseline", when);
    ok(slabs, "%s: each class keeps at most one extra (empty, cached) slab", when);
    ok(now.st.large_blocks == base->st.large_blocks &&
           now.st.large_bytes == base->st.large_bytes,
       "%s: large blocks back to the baseline (%zu, %zu bytes)", when, now.st.large_blocks,
       now.st.large_bytes);
    size_t extra = slab_pages(&now.st) - slab_pages(&base->st);
    ok(now.free_pages + extra == base->free_pages,
       "%s: free pages %zu + %zu in cached slabs == baseline %zu", when, now.free_pages, extra,
       base->free_pages);
    ok(now.st.allocs - base->st.allocs == now.st.frees - base->st.frees,
       "%s: as many kfree as successful kmalloc since the baseline (%llu)", when,
       (unsigned long long)(now.st.allocs - base->st.allocs));
}

/* ---- fixed sizes ------------------------------------------------------------ */

static void test_sizes(void)
{
    enum { N = 4096 };
    static void *p[N + 1];
    struct snap base;
    bool al = true, usable = true, tight = true, nonnull = true, intact = true;

    take(&base);
    /* Every size 1..4096 live at once, each written over its whole usable size. */
    for (size_t sz = 1; sz <= N; sz++) {
        p[sz] = kmalloc(sz);
        if (!p[sz]) {
            nonnull = false;
            continue;
        }
        size_t u = kmalloc_usable_size(p[sz]);
        if (!aligned16(p[sz]))
            al = false;
        if (u < sz)
            usable = false;
        /* Classes grow by at most 2x; blocks above 2048 bytes are whole pages. */
        if (u > (sz <= KMALLOC_MAX_SMALL ? 2 * sz + 16 : 2 * sz + PAGE_SIZE))
            tight = false;
        fill(p[sz], u, (uint32_t)sz);
    }
    ok(nonnull, "kmalloc(1..4096): none fails with 64 MiB of RAM");
    ok(al, "kmalloc(1..4096): every result is 16-byte aligned");
    ok(usable, "kmalloc_usable_size(p) >= the size asked for, for 1..4096");
    ok(tight, "kmalloc_usable_size(p) is at most about twice the size asked for");
    for (size_t sz = 1; sz <= N; sz++)
        if (p[sz] && !check(p[sz], kmalloc_usable_size(p[sz]), (uint32_t)sz))
            intact = false;
    ok(intact, "4096 live objects filled to their usable size: no write landed in another");
    for (size_t sz = 1; sz <= N; sz++)
        kfree(p[sz]);
    check_back_to(&base, "sizes 1..4096");

    struct kmalloc_stats st0, st1;
    kmalloc_stats(&st0);
    p[0] = kmalloc(16);
    p[1] = kmalloc(17);
    kmalloc_stats(&st1);
    ok(st1.cls[0].size == 16 && st1.cls[0].objects == st0.cls[0].objects + 1 &&
           st1.cls[1].objects == st0.cls[1].objects + 1 && kmalloc_usable_size(p[0]) == 16,
       "16 bytes come from the 16-byte class, 17 bytes from the next (%u-byte) one",
       st1.cls[1].size);
    kfree(p[0]);
    kfree(p[1]);

    void *z = kmalloc(0);
    void *z2 = kmalloc(0);
    ok(z && z2 && z != z2 && aligned16(z), "kmalloc(0) gives distinct, aligned, freeable pointers");
    kfree(z);
    kfree(z2);
    kfree(NULL);
    ok(1, "kfree(NULL) does nothing");

    /* Large blocks: whole pages, exactly the power-of-two block that holds the request. */
    static const size_t large[] = { 2049, 4096, 4097, 64 << 10, (64 << 10) + 1, 1 << 20 };
    for (size_t i = 0; i < sizeof(large) / sizeof(large[0]); i++) {
        struct snap b;
        take(&b);
        char *q = kmalloc(large[i]);
        size_t want = PAGE_SIZE << page_order_for(large[i]);
        if (!ok(q != NULL, "kmalloc(%zu) succeeds", large[i]))
            continue;
        ok(((uintptr_t)q & (PAGE_SIZE - 1)) == 0 && kmalloc_usable_size(q) == want,
           "kmalloc(%zu): page aligned, usable size %zu", large[i], want);
        struct kmalloc_stats st;
        kmalloc_stats(&st);
        ok(st.large_blocks == b.st.large_blocks + 1 && st.large_bytes == b.st.large_bytes + want &&
               page_zone()->free_pages == b.free_pages - want / PAGE_SIZE,
           "kmalloc(%zu): counted as one large block of %zu bytes, taken from the pages",
           large[i], want);
        fill(q, want, 7);
        ok(check(q, want, 7), "kmalloc(%zu): all %zu bytes are writable", large[i], want);
        kfree(q);
        ok(page_zone()->free_pages == b.free_pages, "kfree of the %zu-byte block returns its pages",
           large[i]);
    }
}

/* ---- kzalloc ------------------------------------------------------------------ */

static void test_kzalloc(void)
{
    static const size_t sizes[] = { 1, 24, 100, 512, 2048, 3000, 64 << 10 };

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t sz = sizes[i];
        /* Dirty a block, free it, and ask again: the allocators hand back the most recent free. */
        char *d = kmalloc(sz);
        memset(d, 0xee, sz);
        kfree(d);
        char *q = kzalloc(sz);
        bool zero = q != NULL;
        for (size_t j = 0; q && j < sz; j++)
            if (q[j])
                zero = false;
        ok(zero, "kzalloc(%zu) is all zero%s", sz,
           q == d ? " (on reused memory that held 0xee)" : "");
        kfree(q);
    }
}

/* ---- random mix ----------------------------------------------------------------- */

struct obj {
    char *p;
    size_t size;
    uint32_t id;
};

static size_t random_size(void)
{
    unsigned r = (unsigned)(rng() % 1000);

    if (r < 700)
        return 1 + (size_t)(rng() % 128);
    if (r < 900)
        return 129 + (size_t)(rng() % (KMALLOC_MAX_SMALL - 128));
    if (r < 990)
        return KMALLOC_MAX_SMALL + 1 + (size_t)(rng() % (30 << 10));
    return (32 << 10) + (size_t)(rng() % (224 << 10));
}

static int cmp_obj(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct obj *)a)->p;
    uintptr_t y = (uintptr_t)((const struct obj *)b)->p;

    return x < y ? -1 : x > y;
}

static bool disjoint(struct obj *v, size_t n)
{
    struct obj *s = malloc(n * sizeof(*s) + 1);
    bool okay = true;

    memcpy(s, v, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_obj);
    for (size_t i = 1; i < n; i++)
        if (s[i - 1].p + kmalloc_usable_size(s[i - 1].p) > s[i].p)
            okay = false;
    free(s);
    return okay;
}

static void test_random(void)
{
    enum { OPS = 20000, MAXLIVE = 2000 };
    struct obj *live = calloc(MAXLIVE, sizeof(*live));
    struct snap base;
    size_t n = 0, maxn = 0, allocs = 0, frees = 0, nlarge = 0;
    uint32_t next_id = 1;
    bool got = true, al = true, usable = true, intact = true, apart = true;

    take(&base);
    rng_state = 0x1234abcd5678ef01ull;
    for (int op = 0; op < OPS; op++) {
        if (n == 0 || (n < MAXLIVE && rng() % 100 < 55)) {
            size_t sz = random_size();
            char *p = kmalloc(sz);
            if (!p) {
                got = false;
                continue;
            }
            if (!aligned16(p))
                al = false;
            if (kmalloc_usable_size(p) < sz)
                usable = false;
            live[n].p = p;
            live[n].size = sz;
            live[n].id = next_id++;
            fill(p, sz, live[n].id);
            n++;
            allocs++;
            nlarge += sz > KMALLOC_MAX_SMALL;
            if (n > maxn)
                maxn = n;
        } else {
            size_t i = (size_t)(rng() % n);
            if (!check(live[i].p, live[i].size, live[i].id))
                intact = false;
            kfree(live[i].p);
            live[i] = live[--n];
            frees++;
        }
        if (op % 5000 == 4999 && !disjoint(live, n))
            apart = false;
    }
    ok(got, "random: no kmalloc failed (%zu allocations, %zu of them large)", allocs, nlarge);
    ok(maxn > MAXLIVE / 2, "random: up to %zu objects were live at once", maxn);
    ok(al, "random: every pointer 16-byte aligned");
    ok(usable, "random: usable size always >= the request");
    ok(apart, "random: live objects never overlap (checked by address every 5000 ops)");
    ok(intact, "random: each object held its id's pattern when freed (%zu frees)", frees);
    bool end = true;
    for (size_t i = 0; i < n; i++)
        if (!check(live[i].p, live[i].size, live[i].id))
            end = false;
    ok(end, "random: the %zu objects still live are intact", n);
    while (n)
        kfree(live[--n].p);
    check_back_to(&base, "random");
    free(live);
}

/* ---- exhaustion ------------------------------------------------------------------ */

static void test_exhaustion(void)
{
    struct zone *kz = page_zone();
    struct snap base;
    size_t expect = 0, n = 0, cap = 1024;
    void **v = malloc(cap * sizeof(*v));

    take(&base);
    /* Free blocks of order >= 8 are what 1 MiB requests can be served from. */
    for (unsigned o = 8; o <= PAGE_MAX_ORDER; o++)
        expect += kz->nfree[o] << (o - 8);
    while (n < cap && (v[n] = kmalloc(1 << 20)) != NULL)
        n++;
    struct kmalloc_stats st;
    kmalloc_stats(&st);
    ok(n < cap && n == expect, "exhaustion: %zu blocks of 1 MiB, then NULL (expected %zu)", n,
       expect);
    ok(st.failures == base.st.failures + 1, "exhaustion: the failure is counted");
    ok(zone_largest_free(kz) < 8, "exhaustion: no free block of 1 MiB is left");
    ok(kmalloc(1 << 20) == NULL && kmalloc(100 << 20) == NULL,
       "exhaustion: further large requests keep returning NULL");
    ok(kmalloc(SIZE_MAX) == NULL && kmalloc(SIZE_MAX / 2) == NULL,
       "kmalloc(SIZE_MAX) and kmalloc(SIZE_MAX/2) return NULL (no overflow in size rounding)");
    if (kz->free_pages) {
        void *small = kmalloc(64);
        ok(small != NULL, "exhaustion: a small request still succeeds (%zu pages free)",
           kz->free_pages);
        kfree(small);
    }
    while (n)
        kfree(v[--n]);
    ok(kz->free_pages == base.free_pages, "exhaustion: after freeing them all, %zu pages free",
       kz->free_pages);
    void *again = kmalloc(1 << 20);
    ok(again != NULL, "exhaustion: 1 MiB can be allocated again");
    kfree(again);
    free(v);
}

void test_main(void)
{
    test_sizes();
    test_kzalloc();
    test_random();
    test_exhaustion();
}
