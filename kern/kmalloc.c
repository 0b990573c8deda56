/*
 * kmalloc.c - size-class slab allocator on top of the page allocator.
 *
 * A slab is a block of 2^order pages holding objects of one class. Its
 * metadata lives in the struct page of its first page: owner_class is the
 * class index + 1, owner_count the objects in use, owner_ptr the head of the
 * free-object list (linked through each free object's first word) and link
 * puts it on its class's list of slabs that have free objects. A large
 * allocation is a page block with owner_class = LARGE.
 *
 * A free object also carries FREE_MAGIC in its second word; kfree of an
 * object that carries it looks the object up on the slab's free list, so a
 * double free is caught instead of corrupting the list.
 */
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "kern/san.h"
#include "lib/string.h"

#define LARGE 0xffff
#define FREE_MAGIC 0x6b667265655f6f6bull /* "ko_eerfk" */

static const uint32_t class_size[KMALLOC_NCLASSES] = {
    16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
};

struct slab_class {
    struct list_node partial; /* slabs with at least one free object */
    unsigned order;
    size_t slabs, objects;
};

static struct {
    struct slab_class cls[KMALLOC_NCLASSES];
    size_t large_blocks, large_bytes;
    uint64_t allocs, frees, failures;
} km;

void kmalloc_init(void)
{
    memset(&km, 0, sizeof(km));
    for (int i = 0; i < KMALLOC_NCLASSES; i++) {
        /* The smallest slab that wastes at most an eighth of itself. */
        unsigned order = 0;
        while (((PAGE_SIZE << order) % class_size[i]) * 8 > (PAGE_SIZE << order))
            order++;
        km.cls[i].order = order;
        list_init(&km.cls[i].partial);
    }
}

static int class_of(size_t size)
{
    for (int i = 0; i < KMALLOC_NCLASSES; i++)
        if (size <= class_size[i])
            return i;
    return -1;
}

static struct page *slab_new(int c)
{
    struct slab_class *sc = &km.cls[c];
    char *mem = page_alloc(sc->order);
    struct page *pg;
    size_t n, sz = class_size[c];

    if (!mem)
        return NULL;
    pg = page_of(mem);
    n = (PAGE_SIZE << sc->order) / sz;
    /* Thread the free list in address order. */
    for (size_t i = 0; i < n; i++) {
        uint64_t *obj = (uint64_t *)(void *)(mem + i * sz);
        obj[0] = i + 1 < n ? (uint64_t)(uintptr_t)(mem + (i + 1) * sz) : 0;
        obj[1] = FREE_MAGIC;
    }
    san_poison(mem, PAGE_SIZE << sc->order);
    pg->owner_class = (uint16_t)(c + 1);
    pg->owner_count = 0;
    pg->owner_ptr = mem;
    list_add_head(&sc->partial, &pg->link);
    sc->slabs++;
    return pg;
}

void *kmalloc(size_t size)
{
    int c;

    if (size == 0)
        size = 1;
    c = class_of(size);
    if (c < 0) {
        unsigned order = page_order_for(size);
        void *p = order <= PAGE_MAX_ORDER ? page_alloc(order) : NULL;
        if (!p) {
            km.failures++;
            return NULL;
        }
        struct page *pg = page_of(p);
        pg->owner_class = LARGE;
        km.large_blocks++;
        km.large_bytes += PAGE_SIZE << order;
        km.allocs++;
        return p;
    }

    struct slab_class *sc = &km.cls[c];
    struct page *pg;
    if (list_empty(&sc->partial)) {
        if (!slab_new(c)) {
            km.failures++;
            return NULL;
        }
    }
    pg = list_entry(sc->partial.next, struct page, link);
    uint64_t *obj = pg->owner_ptr;
    san_unpoison(obj, class_size[c]);
    pg->owner_ptr = (void *)(uintptr_t)obj[0];
    obj[1] = 0;
    pg->owner_count++;
    if (!pg->owner_ptr)
        list_del(&pg->link); /* full: off the partial list */
    sc->objects++;
    km.allocs++;
    san_poison(obj, class_size[c]);
    san_unpoison(obj, size);
    return obj;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

/* The slab page that holds p, after checking that p is a live kmalloc pointer. */
static struct page *slab_check(const void *p, const char *who)
{
    struct page *pg = page_of(p);
    struct page *head;

    if (!pg)
        panic("%s: %p was not returned by kmalloc (outside kernel RAM)", who, p);
    /* Walk back to the head page of the block that holds p. */
    head = pg;
    while (head->kind == PAGE_UNUSABLE && head > page_zone()->pages)
        head--;
    if (head->kind != PAGE_ALLOC || !head->owner_class ||
        (char *)p >= (char *)page_addr(head) + (PAGE_SIZE << head->order))
        panic("%s: %p was not returned by kmalloc", who, p);
    if (head->owner_class == LARGE) {
        if (p != page_addr(head))
            panic("%s: %p points inside a large allocation", who, p);
        return head;
    }
    size_t sz = class_size[head->owner_class - 1];
    if (((uintptr_t)p - (uintptr_t)page_addr(head)) % sz)
        panic("%s: %p points inside a %zu-byte object", who, p, sz);
    return head;
}

static bool on_free_list(const struct page *pg, const void *p)
{
    for (const uint64_t *o = pg->owner_ptr; o; o = (const uint64_t *)(uintptr_t)o[0])
        if (o == p)
            return true;
    return false;
}

void kfree(void *p)
{
    struct page *pg;

    if (!p)
        return;
    pg = slab_check(p, "kfree");
    if (pg->owner_class == LARGE) {
        km.large_blocks--;
        km.large_bytes -= PAGE_SIZE << pg->order;
        km.frees++;
        pg->owner_class = 0;
        page_free(p);
        return;
    }

    int c = pg->owner_class - 1;
    struct slab_class *sc = &km.cls[c];
    uint64_t *obj = p;

    if (SAN_ENABLED ? san_is_poisoned(obj) : (obj[1] == FREE_MAGIC && on_free_list(pg, obj)))
        panic("kfree: double free of %p", p);
    san_unpoison(obj, class_size[c]);
    if (!pg->owner_ptr)
        list_add_head(&sc->partial, &pg->link); /* was full */
    obj[0] = (uint64_t)(uintptr_t)pg->owner_ptr;
    obj[1] = FREE_MAGIC;
    pg->owner_ptr = obj;
    san_poison(obj, class_size[c]);
    pg->owner_count--;
    sc->objects--;
    km.frees++;
    /* Give an empty slab back unless it is the class's last one with room. */
    if (pg->owner_count == 0 && sc->partial.next != sc->partial.prev) {
        list_del(&pg->link);
        sc->slabs--;
        pg->owner_class = 0;
        page_free(page_addr(pg));
    }
}

size_t kmalloc_usable_size(const void *p)
{
    struct page *pg = slab_check(p, "kmalloc_usable_size");

    if (pg->owner_class == LARGE)
        return PAGE_SIZE << pg->order;
    size_t n = class_size[pg->owner_class - 1];
    /* ASan builds poison an object past the size asked for: only the part before is usable. */
    if (SAN_ENABLED) {
        size_t u = 0;
        while (u < n && !san_is_poisoned((const char *)p + u))
            u++;
        n = u;
    }
    return n;
}

void kmalloc_stats(struct kmalloc_stats *st)
{
    for (int i = 0; i < KMALLOC_NCLASSES; i++) {
        st->cls[i].size = class_size[i];
        st->cls[i].slab_pages = 1u << km.cls[i].order;
        st->cls[i].slabs = km.cls[i].slabs;
        st->cls[i].objects = km.cls[i].objects;
    }
    st->large_blocks = km.large_blocks;
    st->large_bytes = km.large_bytes;
    st->allocs = km.allocs;
    st->frees = km.frees;
    st->failures = km.failures;
}
