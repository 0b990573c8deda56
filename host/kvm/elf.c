/*
 * elf.c - the kernel image: an ELF executable checked before any of it is
 * used, its segments copied into guest memory, and its symbol table read to
 * name the function a faulting guest stopped in.
 *
 * The image is embedded in anyk-kvm, or any file ANYK_KVM_KERNEL names, so
 * every offset, count and size in it is checked against the file first.
 * Facts used: the ELF-64 object file format (the System V gABI).
 */
#include <elf.h>
#include <string.h>

#include "host/kvm/kvm.h"

#define IMAGE_LIMIT (1ull << 30) /* the kernel image must end below 1 GiB */

/*
 * Check the kernel ELF before anything of it is used: a 64-bit little-endian
 * x86_64 executable whose program headers and loadable segments lie inside
 * the file, whose segments land between KVM_IMAGE_ADDR and IMAGE_LIMIT, and
 * whose entry point is in an executable segment. Sets *end to the first
 * address past the image.
 */
int elf_validate(const void *elf, size_t size, uint64_t *entry, uint64_t *end)
{
    const Elf64_Ehdr *eh = elf;
    const Elf64_Phdr *ph;
    bool entry_ok = false;
    unsigned nload = 0;

    *end = KVM_IMAGE_ADDR;
    if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
        return dev_say("kernel image: not an ELF file"), -1;
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC)
        return dev_say("kernel image: not an x86_64 ELF executable"), -1;
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phoff > size ||
        (size - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum || eh->e_phoff % 8)
        return dev_say("kernel image: program headers outside the file"), -1;
    ph = (const Elf64_Phdr *)((const char *)elf + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        if (p->p_offset > size || p->p_filesz > size - p->p_offset || p->p_filesz > p->p_memsz)
            return dev_say("kernel image: segment %u lies outside the file", i), -1;
        if (p->p_paddr < KVM_IMAGE_ADDR || p->p_paddr > IMAGE_LIMIT ||
            p->p_memsz > IMAGE_LIMIT - p->p_paddr || p->p_vaddr != p->p_paddr)
            return dev_say("kernel image: segment %u not within [%#lx, %#llx) "
                               "identity-mapped", i, KVM_IMAGE_ADDR, IMAGE_LIMIT), -1;
        if ((p->p_flags & PF_X) && eh->e_entry >= p->p_paddr &&
            eh->e_entry < p->p_paddr + p->p_memsz)
            entry_ok = true;
        if (p->p_paddr + p->p_memsz > *end)
            *end = p->p_paddr + p->p_memsz;
        nload++;
    }
    if (!nload)
        return dev_say("kernel image: nothing to load"), -1;
    if (!entry_ok)
        return dev_say("kernel image: entry point %#lx is not in its code",
                           (unsigned long)eh->e_entry), -1;
    *entry = eh->e_entry;
    return 0;
}

void elf_load(const void *elf, uint8_t *mem)
{
    const Elf64_Ehdr *eh = elf;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)elf + eh->e_phoff);

    for (unsigned i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_filesz)
            memcpy(mem + ph[i].p_paddr, (const char *)elf + ph[i].p_offset, ph[i].p_filesz);
}

/* Bounds of an array of n elements of size sz at off in a file of size bytes. */
static bool inside(size_t size, uint64_t off, uint64_t n, uint64_t sz)
{
    return off <= size && sz && n <= (size - off) / sz;
}

const char *elf_symbol(const void *elf, size_t size, uint64_t addr, uint64_t *offset)
{
    const Elf64_Ehdr *eh = elf;
    const Elf64_Shdr *sh;

    if (!elf || size < sizeof(*eh) || eh->e_shentsize != sizeof(Elf64_Shdr) ||
        !inside(size, eh->e_shoff, eh->e_shnum, sizeof(Elf64_Shdr)) || eh->e_shoff % 8)
        return NULL;
    sh = (const Elf64_Shdr *)((const char *)elf + eh->e_shoff);
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        const Elf64_Shdr *str = &sh[sh[i].sh_link < eh->e_shnum ? sh[i].sh_link : 0];
        const Elf64_Sym *sym = (const Elf64_Sym *)((const char *)elf + sh[i].sh_offset);
        const char *names = (const char *)elf + str->sh_offset;

        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_offset % 8 || str->sh_type != SHT_STRTAB ||
            !inside(size, sh[i].sh_offset, sh[i].sh_size / sizeof(Elf64_Sym), sizeof(Elf64_Sym)) ||
            !inside(size, str->sh_offset, str->sh_size, 1) || str->sh_size == 0 ||
            names[str->sh_size - 1] != '\0')
            continue;
        for (uint64_t k = 0; k < sh[i].sh_size / sizeof(Elf64_Sym); k++) {
            if (ELF64_ST_TYPE(sym[k].st_info) != STT_FUNC || addr < sym[k].st_value ||
                addr - sym[k].st_value >= sym[k].st_size || sym[k].st_name >= str->sh_size)
                continue;
            *offset = addr - sym[k].st_value;
            return names + sym[k].st_name;
        }
    }
    return NULL;
}
