/*
 * exec_test.c - the ELF loader accepts what the GNU toolchain makes with
 * -static-pie and refuses malformed files with -ENOEXEC, never crashing.
 *
 * The valid input is a real program from the build (ANYK_BUILD/rootfs/bin/true,
 * made by gcc/ld); each malformed case is that file with one field broken.
 * The relocations are checked against the file's own table: after loading,
 * every R_X86_64_RELATIVE slot must hold base + addend. A last round flips
 * random bytes: every result must be 0 or -ENOEXEC, and memory must return.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anyk/errno.h>
#include "kern/elf.h"
#include "kern/exec.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "tests/unit/tap.h"

static unsigned char *orig;
static size_t orig_len;

static int load_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;

    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    orig = aligned_alloc(8, ((size_t)n + 7) & ~7ul);
    orig_len = fread(orig, 1, (size_t)n, f);
    fclose(f);
    return orig_len == (size_t)n ? 0 : -1;
}

/* A private copy of the program to break (8-byte aligned, as the kernel reads it). */
static unsigned char *copy(void)
{
    unsigned char *c = aligned_alloc(8, (orig_len + 7) & ~7ul);
    memcpy(c, orig, orig_len);
    return c;
}

static struct elf64_ehdr *eh(unsigned char *b)
{
    return (struct elf64_ehdr *)(void *)b;
}

static struct elf64_phdr *ph(unsigned char *b, unsigned i)
{
    return (struct elf64_phdr *)(void *)(b + eh(b)->e_phoff) + i;
}

static int find_ph(unsigned char *b, uint32_t type, int nth)
{
    for (unsigned i = 0; i < eh(b)->e_phnum; i++)
        if (ph(b, i)->p_type == type && nth-- == 0)
            return (int)i;
    return -1;
}

static int try(unsigned char *b, size_t len)
{
    struct exec_image img;
    int r = exec_load("test", b, len, &img);

    if (r == 0)
        exec_free(&img);
    return r;
}

static void refused(const char *what, unsigned char *b, size_t len)
{
    int r = try(b, len);
    ok(r == -ENOEXEC, "refused with ENOEXEC: %s (got %d)", what, r);
    free(b);
}

static void check_valid(void)
{
    struct exec_image img;
    unsigned char *b = copy();
    int r = exec_load("true", b, orig_len, &img);

    if (!ok(r == 0, "a static-PIE program made by gcc/ld loads (got %d)", r))
        return;
    ok(img.entry >= (uintptr_t)img.base && img.entry < (uintptr_t)img.base + img.size,
       "its entry point lies inside the loaded image");

    /* Every RELATIVE relocation of the file now holds base + addend. */
    int d = find_ph(b, PT_DYNAMIC, 0);
    unsigned checked = 0, wrong = 0;
    if (d >= 0) {
        const struct elf64_dyn *dyn = (const void *)((char *)img.base + ph(b, (unsigned)d)->p_vaddr);
        uint64_t rela = 0, sz = 0;
        for (; dyn->d_tag != DT_NULL; dyn++) {
            if (dyn->d_tag == DT_RELA)
                rela = dyn->d_val;
            if (dyn->d_tag == DT_RELASZ)
                sz = dyn->d_val;
        }
        const struct elf64_rela *rl = (const void *)((char *)img.base + rela);
        for (uint64_t i = 0; i < sz / sizeof(*rl); i++) {
            uint64_t v;
            memcpy(&v, (char *)img.base + rl[i].r_offset, 8);
            checked++;
            wrong += v != (uint64_t)(uintptr_t)img.base + (uint64_t)rl[i].r_addend;
        }
    }
    ok(checked > 0 && wrong == 0, "all %u R_X86_64_RELATIVE slots hold base + addend", checked);
    /* The bytes past the file's part of the last segment (bss) are zero. */
    int last = -1;
    for (int i = 0; find_ph(b, PT_LOAD, i) >= 0; i++)
        last = find_ph(b, PT_LOAD, i);
    struct elf64_phdr *p = ph(b, (unsigned)last);
    const unsigned char *bss = (const unsigned char *)img.base + p->p_vaddr + p->p_filesz;
    size_t nz = 0;
    for (uint64_t i = 0; i < p->p_memsz - p->p_filesz; i++)
        nz += bss[i] != 0;
    ok(nz == 0, "bss (%llu bytes) is zeroed", (unsigned long long)(p->p_memsz - p->p_filesz));
    exec_free(&img);
    free(b);
}

void test_main(void)
{
    const char *build = getenv("ANYK_BUILD") ? getenv("ANYK_BUILD") : "build/gcc";
    char path[512];
    unsigned char *b;
    size_t free_before = page_zone()->free_pages;

    snprintf(path, sizeof(path), "%s/rootfs/bin/true", build);
    if (load_file(path) < 0) {
        ok(0, "read the sample program %s", path);
        return;
    }
    check_valid();

    refused("empty file", copy(), 0);
    refused("truncated to 40 bytes", copy(), 40);
    size_t end_of_segments = 0;
    for (int i = 0, k; (k = find_ph(orig, PT_LOAD, i)) >= 0; i++)
        if (ph(orig, (unsigned)k)->p_offset + ph(orig, (unsigned)k)->p_filesz > end_of_segments)
            end_of_segments = ph(orig, (unsigned)k)->p_offset + ph(orig, (unsigned)k)->p_filesz;
    refused("truncated inside the last segment's data", copy(), end_of_segments - 1);
    b = copy(); b[1] = 'F'; refused("bad magic", b, orig_len);
    b = copy(); b[4] = 1; refused("32-bit class", b, orig_len);
    b = copy(); b[5] = 2; refused("big-endian data", b, orig_len);
    b = copy(); eh(b)->e_machine = 183; refused("machine is aarch64", b, orig_len);
    b = copy(); eh(b)->e_type = ET_EXEC; refused("not position-independent (ET_EXEC)", b, orig_len);
    b = copy(); eh(b)->e_type = 1; refused("relocatable object (ET_REL)", b, orig_len);
    b = copy(); eh(b)->e_phnum = 0; refused("no program headers", b, orig_len);
    b = copy(); eh(b)->e_phnum = 60000; refused("65535-ish program headers", b, orig_len);
    b = copy(); eh(b)->e_phentsize = 32; refused("wrong program header size", b, orig_len);
    b = copy(); eh(b)->e_phoff = orig_len - 8; refused("program headers past the end", b, orig_len);
    b = copy(); eh(b)->e_entry = 1ull << 40; refused("entry point outside the image", b, orig_len);

    int l0 = find_ph(orig, PT_LOAD, 0), l1 = find_ph(orig, PT_LOAD, 1);
    b = copy(); ph(b, (unsigned)l0)->p_filesz = ph(b, (unsigned)l0)->p_memsz + 1;
    refused("segment with filesz > memsz", b, orig_len);
    b = copy(); ph(b, (unsigned)l0)->p_offset = orig_len;
    refused("segment data past the end of the file", b, orig_len);
    b = copy(); ph(b, (unsigned)l0)->p_memsz = 1ull << 40;
    refused("a 1 TiB segment", b, orig_len);
    b = copy(); ph(b, (unsigned)l0)->p_vaddr = UINT64_MAX - 4096;
    refused("a segment wrapping the address space", b, orig_len);
    if (l1 >= 0) {
        b = copy(); ph(b, (unsigned)l1)->p_vaddr = ph(b, (unsigned)l0)->p_vaddr;
        refused("overlapping segments", b, orig_len);
    }
    b = copy(); ph(b, (unsigned)l0)->p_type = PT_INTERP;
    refused("an interpreter (dynamic executable)", b, orig_len);
    b = copy(); ph(b, (unsigned)l0)->p_type = PT_TLS;
    refused("thread-local storage", b, orig_len);

    /* Relocation tables: found through the file's own PT_DYNAMIC. */
    int d = find_ph(orig, PT_DYNAMIC, 0);
    if (d >= 0) {
        struct elf64_phdr *dp = ph(orig, (unsigned)d);
        uint64_t rela = 0, relasz = 0;
        /* PT_DYNAMIC's file bytes: its offset in the file is p_offset. */
        struct elf64_dyn *dyn = (void *)(orig + dp->p_offset);
        for (unsigned i = 0; dyn[i].d_tag != DT_NULL; i++) {
            if (dyn[i].d_tag == DT_RELA)
                rela = dyn[i].d_val;
            if (dyn[i].d_tag == DT_RELASZ)
                relasz = dyn[i].d_val;
        }
        /* Turn the RELA address into a file offset through the segment holding it. */
        uint64_t foff = 0;
        for (int i = 0, k; (k = find_ph(orig, PT_LOAD, i)) >= 0; i++) {
            struct elf64_phdr *p = ph(orig, (unsigned)k);
            if (rela >= p->p_vaddr && rela < p->p_vaddr + p->p_filesz)
                foff = p->p_offset + (rela - p->p_vaddr);
        }
        if (relasz && foff) {
            b = copy();
            ((struct elf64_rela *)(void *)(b + foff))->r_info = 1; /* R_X86_64_64 */
            refused("a symbol relocation (R_X86_64_64)", b, orig_len);
            b = copy();
            ((struct elf64_rela *)(void *)(b + foff))->r_offset = 1ull << 40;
            refused("a relocation outside the image", b, orig_len);
            b = copy();
            for (unsigned i = 0; dyn[i].d_tag != DT_NULL; i++)
                if (dyn[i].d_tag == DT_RELASZ)
                    ((struct elf64_dyn *)(void *)(b + dp->p_offset))[i].d_val = 1ull << 40;
            refused("a relocation table larger than the image", b, orig_len);
        } else {
            ok(0, "the sample program has RELA relocations to break");
        }
    }

    /* Random corruption: only success or ENOEXEC, never a crash. The refusals are logged;
     * keep the console to errors meanwhile. */
    klog_set_console_level(KLOG_ERR);
    srand(12345);
    unsigned bad = 0, loaded = 0;
    for (int round = 0; round < 3000; round++) {
        b = copy();
        int flips = 1 + rand() % 8;
        for (int i = 0; i < flips; i++) {
            /* Mostly the headers, where the loader's decisions are. */
            size_t at = rand() % 4 ? (size_t)rand() % 512 : (size_t)rand() % orig_len;
            b[at] ^= (unsigned char)(1 + rand() % 255);
        }
        int r = try(b, orig_len);
        bad += r != 0 && r != -ENOEXEC && r != -ENOMEM; /* a valid but huge image: ENOMEM */
        loaded += r == 0;
        free(b);
    }
    klog_set_console_level(KLOG_WARN);
    ok(bad == 0, "3000 randomly corrupted files: each loads or is refused with ENOEXEC "
                 "(%u loaded)", loaded);
    ok(page_zone()->free_pages == free_before,
       "every page the loader took came back (%zu free before and after)", free_before);
}
