/*
 * kmalloc.h - the kernel's general-purpose allocator.
 *
 * Requests up to KMALLOC_MAX_SMALL bytes come from slabs of one size class
 * (a block of pages cut into equal objects); larger ones are whole page
 * blocks. All results are 16-byte aligned. Failure returns NULL, never a
 * panic; kfree of something kmalloc did not return panics with the reason.
 */
#ifndef KERN_KMALLOC_H
#define KERN_KMALLOC_H

#include <anyk/types.h>

#define KMALLOC_MAX_SMALL 2048
#define KMALLOC_NCLASSES 14

void kmalloc_init(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* Bytes usable at p (at least what was asked for). */
size_t kmalloc_usable_size(const void *p);

struct kmalloc_class_stats {
    uint32_t size;        /* object size of the class */
    uint32_t slab_pages;  /* pages per slab */
    size_t slabs;         /* slabs held */
    size_t objects;       /* objects in use */
};

struct kmalloc_stats {
    struct kmalloc_class_stats cls[KMALLOC_NCLASSES];
    size_t large_blocks, large_bytes;
    uint64_t allocs, frees, failures;
};
void kmalloc_stats(struct kmalloc_stats *st);

#endif
