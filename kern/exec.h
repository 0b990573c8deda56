/*
 * exec.h - the program loader: static-PIE ELF-64 files into kernel memory.
 */
#ifndef KERN_EXEC_H
#define KERN_EXEC_H

#include <anyk/types.h>

#define EXEC_FILE_MAX (64ul << 20)   /* largest program file accepted */
#define EXEC_IMAGE_MAX (256ul << 20) /* largest loaded image (text + data + bss) */

struct exec_image {
    void *base;        /* page block holding the image (page_alloc) */
    size_t size;       /* bytes of the block */
    uintptr_t entry;   /* absolute address of the entry point */
};

/*
 * Load the ELF file in buf[0..len) into a fresh page block, apply its
 * relocations and fill *img. Malformed files (truncated, wrong class or
 * machine, not position-independent, overlapping or oversized segments,
 * relocations other than R_X86_64_RELATIVE or outside the image, an entry
 * point outside the text) are refused with -ENOEXEC and a log line naming
 * the problem; -ENOMEM if there is no memory for the image. `name` is used
 * in the log line.
 */
int exec_load(const char *name, const void *buf, size_t len, struct exec_image *img);

/* Return an image's memory. */
void exec_free(struct exec_image *img);

#endif
