/*
 * exec.c - the ELF loader.
 *
 * Programs are static position-independent executables (ET_DYN without an
 * interpreter). The loader checks the whole file first (exec_check_*), then
 * copies each PT_LOAD segment to its offset in one page block, zeroes the
 * rest (bss), and applies the R_X86_64_RELATIVE relocations found through
 * PT_DYNAMIC: *(base + r_offset) = base + r_addend. There is no MMU, so the
 * segment permissions are not enforced; the image is simply kernel memory.
 */
#include <anyk/errno.h>
#include "kern/elf.h"
#include "kern/exec.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "lib/string.h"

#define PHNUM_MAX 64

struct span {
    uint64_t lo, hi; /* [lo, hi) of virtual addresses covered by PT_LOAD segments */
};

static int refuse(const char *name, const char *why)
{
    kwarn("exec: %s: not a program anyk can run: %s", name, why);
    return -ENOEXEC;
}

/* a + b <= limit without overflow */
static bool fits(uint64_t a, uint64_t b, uint64_t limit)
{
    return a <= limit && b <= limit - a;
}

static int exec_check_header(const char *name, const struct elf64_ehdr *eh, size_t len)
{
    if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, 4) != 0)
        return refuse(name, "no ELF header");
    if (eh->e_ident[4] != ELFCLASS64 || eh->e_ident[5] != ELFDATA2LSB)
        return refuse(name, "not a 64-bit little-endian ELF file");
    if (eh->e_machine != EM_X86_64)
        return refuse(name, "built for another machine (e_machine is not x86-64)");
    if (eh->e_type != ET_DYN)
        return refuse(name, eh->e_type == ET_EXEC
                                ? "not position-independent (link with -static-pie)"
                                : "not an executable (e_type is not ET_DYN)");
    if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
        eh->e_phnum > PHNUM_MAX)
        return refuse(name, "bad program header table size");
    if (!fits(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), len) ||
        eh->e_phoff % 8)
        return refuse(name, "program headers outside the file (truncated?)");
    return 0;
}

static int exec_check_segments(const char *name, const struct elf64_phdr *ph, unsigned n,
                               size_t len, struct span *sp)
{
    sp->lo = UINT64_MAX;
    sp->hi = 0;
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].p_type == PT_INTERP)
            return refuse(name, "needs a dynamic linker (link with -static-pie)");
        if (ph[i].p_type == PT_TLS)
            return refuse(name, "uses thread-local storage, which anyk does not set up");
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (ph[i].p_filesz > ph[i].p_memsz)
            return refuse(name, "segment with more file bytes than memory bytes");
        if (!fits(ph[i].p_offset, ph[i].p_filesz, len))
            return refuse(name, "segment outside the file (truncated?)");
        if (!fits(ph[i].p_vaddr, ph[i].p_memsz, EXEC_IMAGE_MAX))
            return refuse(name, "segment too large or too far from address 0");
        /* Segments must not overlap each other. */
        for (unsigned j = 0; j < i; j++) {
            if (ph[j].p_type != PT_LOAD)
                continue;
            if (ph[i].p_vaddr < ph[j].p_vaddr + ph[j].p_memsz &&
                ph[j].p_vaddr < ph[i].p_vaddr + ph[i].p_memsz)
                return refuse(name, "overlapping segments");
        }
        if (ph[i].p_vaddr < sp->lo)
            sp->lo = ph[i].p_vaddr;
        if (ph[i].p_vaddr + ph[i].p_memsz > sp->hi)
            sp->hi = ph[i].p_vaddr + ph[i].p_memsz;
    }
    if (sp->hi == 0 || sp->hi <= sp->lo)
        return refuse(name, "nothing to load (no PT_LOAD segment)");
    return 0;
}

/* Apply relocations; every table and target is checked against the image first. */
static int exec_relocate(const char *name, const struct elf64_phdr *ph, unsigned n,
                         char *base, uint64_t size)
{
    const struct elf64_dyn *dyn = NULL;
    uint64_t ndyn = 0, rela = 0, relasz = 0, relaent = sizeof(struct elf64_rela);

    for (unsigned i = 0; i < n; i++) {
        if (ph[i].p_type == PT_DYNAMIC) {
            if (!fits(ph[i].p_vaddr, ph[i].p_memsz, size) || ph[i].p_vaddr % 8)
                return refuse(name, "dynamic section outside the image");
            dyn = (const struct elf64_dyn *)(void *)(base + ph[i].p_vaddr);
            ndyn = ph[i].p_memsz / sizeof(*dyn);
        }
    }
    for (uint64_t i = 0; dyn && i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
        switch (dyn[i].d_tag) {
        case DT_RELA: rela = dyn[i].d_val; break;
        case DT_RELASZ: relasz = dyn[i].d_val; break;
        case DT_RELAENT: relaent = dyn[i].d_val; break;
        case DT_REL:
        case DT_RELSZ:
            return refuse(name, "REL relocations (only RELA is defined for x86-64)");
        case DT_JMPREL:
            return refuse(name, "PLT relocations (needs a dynamic linker)");
        default: break;
        }
    }
    if (!relasz)
        return 0;
    if (relaent != sizeof(struct elf64_rela) || relasz % relaent || rela % 8 ||
        !fits(rela, relasz, size))
        return refuse(name, "relocation table outside the image");
    const struct elf64_rela *r = (const struct elf64_rela *)(void *)(base + rela);
    for (uint64_t i = 0; i < relasz / relaent; i++) {
        uint32_t type = ELF64_R_TYPE(r[i].r_info);
        if (type == R_X86_64_NONE)
            continue;
        if (type != R_X86_64_RELATIVE)
            return refuse(name, "a relocation other than R_X86_64_RELATIVE (symbols unresolved?)");
        if (!fits(r[i].r_offset, 8, size) || r[i].r_addend < 0 || (uint64_t)r[i].r_addend > size)
            return refuse(name, "a relocation outside the image");
        uint64_t v = (uint64_t)(uintptr_t)base + (uint64_t)r[i].r_addend;
        memcpy(base + r[i].r_offset, &v, 8);
    }
    return 0;
}

int exec_load(const char *name, const void *buf, size_t len, struct exec_image *img)
{
    const struct elf64_ehdr *eh = buf;
    struct elf64_phdr ph[PHNUM_MAX];
    struct span sp;
    unsigned order;
    char *base;
    int r;

    if ((uintptr_t)buf % 8)
        return refuse(name, "misaligned buffer");
    if ((r = exec_check_header(name, eh, len)) < 0)
        return r;
    memcpy(ph, (const char *)buf + eh->e_phoff, eh->e_phnum * sizeof(ph[0]));
    if ((r = exec_check_segments(name, ph, eh->e_phnum, len, &sp)) < 0)
        return r;
    if (sp.lo != 0)
        return refuse(name, "first segment not at address 0 (not a PIE?)");
    if (eh->e_entry >= sp.hi)
        return refuse(name, "entry point outside the image");

    order = page_order_for(sp.hi);
    base = order <= PAGE_MAX_ORDER ? page_alloc(order) : NULL;
    if (!base) {
        kwarn("exec: %s: no memory for a %llu KiB image", name,
              (unsigned long long)(sp.hi >> 10));
        return -ENOMEM;
    }
    /* Zero what the program will see (bss, gaps); the block's tail past the image is unused. */
    memset(base, 0, sp.hi);
    for (unsigned i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD)
            memcpy(base + ph[i].p_vaddr, (const char *)buf + ph[i].p_offset, ph[i].p_filesz);
    if ((r = exec_relocate(name, ph, eh->e_phnum, base, sp.hi)) < 0) {
        page_free(base);
        return r;
    }
    img->base = base;
    img->size = PAGE_SIZE << order;
    img->entry = (uintptr_t)base + eh->e_entry;
    return 0;
}

void exec_free(struct exec_image *img)
{
    if (img->base)
        page_free(img->base);
    img->base = NULL;
}
