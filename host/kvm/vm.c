/*
 * vm.c - the virtual machine: /dev/kvm, one vCPU, guest memory laid out and
 * filled (host/kvm/abi.h has the map), the kernel ELF validated and loaded,
 * and the vCPU set up to start directly in 64-bit mode at the kernel's entry:
 * no firmware, no real mode. Also the guest's end when it faults.
 *
 * Facts used: the KVM API (Documentation/virt/kvm/api.rst) for the ioctls and
 * struct kvm_run; the Intel SDM vol. 3 and AMD APM vol. 2 for 4-level paging,
 * the long-mode segment rules (a code segment with L=1, a busy 64-bit TSS)
 * and the control register bits.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host/kvm/kvm.h"

#define KVM_API_WANTED 12

/* Control register and EFER bits (Intel SDM vol. 3, 2.5 and 2.2.1). */
#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

/* Page table entry bits. */
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PS (1ull << 7)      /* in a page directory entry: a 2 MiB page */

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define TSS_ADDR (KVM_GDT_ADDR + 0x80)

void *vm_guest_range(const struct vm *vm, uint64_t gpa, uint64_t len)
{
    if (gpa > vm->mem_size || len > vm->mem_size - gpa)
        return NULL;
    return vm->mem + gpa;
}

/* ---- /dev/kvm ------------------------------------------------------------------- */

static int open_kvm(struct vm *vm)
{
    static const struct {
        int cap;
        const char *what;
    } caps[] = {
        { KVM_CAP_USER_MEMORY, "user memory regions" },
        { KVM_CAP_EXT_CPUID, "KVM_GET_SUPPORTED_CPUID" },
        { KVM_CAP_GET_TSC_KHZ, "KVM_GET_TSC_KHZ" },
    };
    int v;

    vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (vm->kvm_fd < 0) {
        dev_say("cannot open /dev/kvm: %s (%s)", strerror(errno),
                    errno == ENOENT ? "no KVM on this machine, or the kvm module is not loaded"
                                    : "is this user allowed to use KVM? (the kvm group)");
        return -1;
    }
    v = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
    if (v != KVM_API_WANTED) {
        dev_say("/dev/kvm speaks KVM API version %d; anyk-kvm needs %d", v, KVM_API_WANTED);
        return -1;
    }
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap) <= 0) {
            dev_say("KVM lacks a capability anyk-kvm needs: %s", caps[i].what);
            return -1;
        }
    }
    vm->run_size = (size_t)ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if ((long)vm->run_size < (long)sizeof(struct kvm_run)) {
        dev_say("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* The vCPU sees the features KVM can virtualise on this host (long mode, SSE, the TSC). */
static int set_cpuid(struct vm *vm)
{
    struct kvm_cpuid2 *cpuid = NULL;
    int nent = 64, r;

    for (;;) {
        free(cpuid);
        cpuid = calloc(1, sizeof(*cpuid) + (size_t)nent * sizeof(struct kvm_cpuid_entry2));
        if (!cpuid) {
            dev_say("out of memory");
            return -1;
        }
        cpuid->nent = (uint32_t)nent;
        r = ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
        if (r == 0 || errno != E2BIG || nent >= 4096)
            break;
        nent *= 2;
    }
    if (r == 0)
        r = ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid);
    free(cpuid);
    if (r < 0) {
        dev_say("cannot set the vCPU's CPUID: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/*
 * Is /dev/kvm the PVM hypervisor (host/kvm/abi.h)? Its signature MSR says
 * so; hardware KVM has no such MSR and KVM_GET_MSRS reads nothing.
 */
static bool is_pvm(struct vm *vm)
{
    uint64_t buf[(sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)) / 8 + 1] = { 0 };
    struct kvm_msrs *msrs = (struct kvm_msrs *)buf;

    msrs->nmsrs = 1;
    msrs->entries[0].index = KVM_PVM_MSR_SIGNATURE;
    return ioctl(vm->vcpu_fd, KVM_GET_MSRS, msrs) == 1 &&
           msrs->entries[0].data == KVM_PVM_SIGNATURE;
}

/* ---- page tables, GDT, registers ---------------------------------------------------- */

/*
 * Identity-map guest memory with 2 MiB pages, except the first 2 MiB, which
 * get 4 KiB pages so that page 0 can stay unmapped (a NULL dereference then
 * faults instead of reading the boot data). The pages are marked
 * user-accessible: the guest has no user mode, and PVM (host/kvm/abi.h),
 * which runs the guest kernel at CPL 3, does not run it natively on
 * supervisor-only pages. Neither SMEP nor SMAP is on, so hardware KVM does
 * not care.
 */
static int build_page_tables(struct vm *vm)
{
    uint64_t *pml4 = (uint64_t *)(vm->mem + KVM_PT_ADDR);
    uint64_t *pdpt = pml4 + 512, *pt = pml4 + 1024, *pd = pml4 + 1536;
    uint64_t pd_addr = KVM_PT_ADDR + 3 * 4096;
    uint64_t npd = (vm->mem_size + GIB - 1) / GIB;

    if (pd_addr + npd * 4096 > KVM_IMAGE_ADDR) {
        dev_say("too much guest memory for the page tables (%llu GiB)",
                    (unsigned long long)npd);
        return -1;
    }
    pml4[0] = (KVM_PT_ADDR + 4096) | PTE_P | PTE_W | PTE_U;
    for (uint64_t g = 0; g < npd; g++)
        pdpt[g] = (pd_addr + g * 4096) | PTE_P | PTE_W | PTE_U;
    for (uint64_t a = 2 * MIB; a < vm->mem_size; a += 2 * MIB)
        pd[a / (2 * MIB)] = a | PTE_P | PTE_W | PTE_U | PTE_PS;
    pd[0] = (KVM_PT_ADDR + 2 * 4096) | PTE_P | PTE_W | PTE_U;
    for (uint64_t p = 1; p < 512; p++)
        pt[p] = (p * 4096) | PTE_P | PTE_W | PTE_U;
    return 0;
}

static void set_segment(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code)
{
    memset(s, 0, sizeof(*s));
    s->selector = sel;
    s->base = 0;
    s->limit = 0xffffffff;
    s->type = type;
    s->present = 1;
    s->s = 1;
    s->g = 1;
    s->l = code;            /* 64-bit code segment */
    s->db = !code;          /* L=1 requires D=0 */
}

/*
 * A GDT with a 64-bit code segment, a data segment and a TSS, matching the
 * hidden segment state given to KVM, so that the guest may reload them.
 */
static void build_gdt(struct vm *vm, struct kvm_sregs *sr)
{
    uint64_t *gdt = (uint64_t *)(vm->mem + KVM_GDT_ADDR);
    uint64_t tss_limit = 0x67;

    gdt[0] = 0;
    gdt[KVM_SEL_CODE / 8] = 0x00af9b000000ffffull;    /* P, DPL 0, code r-x accessed, L, G */
    gdt[KVM_SEL_DATA / 8] = 0x00cf93000000ffffull;    /* P, DPL 0, data rw- accessed, D, G */
    /* A 16-byte 64-bit TSS descriptor, type 0xb (busy, as after ltr). */
    gdt[KVM_SEL_TSS / 8] = tss_limit | ((TSS_ADDR & 0xffffff) << 16) | (0x8bull << 40) |
                           ((TSS_ADDR >> 24 & 0xff) << 56);
    gdt[KVM_SEL_TSS / 8 + 1] = TSS_ADDR >> 32;
    /* The TSS itself: zero, with the I/O bitmap offset past its end (no bitmap). */
    *(uint16_t *)(vm->mem + TSS_ADDR + 0x66) = 0x68;

    set_segment(&sr->cs, KVM_SEL_CODE, 0xb, true);
    set_segment(&sr->ds, KVM_SEL_DATA, 0x3, false);
    sr->es = sr->fs = sr->gs = sr->ss = sr->ds;
    memset(&sr->tr, 0, sizeof(sr->tr));
    sr->tr.selector = KVM_SEL_TSS;
    sr->tr.base = TSS_ADDR;
    sr->tr.limit = (uint32_t)tss_limit;
    sr->tr.type = 0xb;
    sr->tr.present = 1;
    memset(&sr->ldt, 0, sizeof(sr->ldt));
    sr->ldt.type = 0x2;
    sr->ldt.present = 1;
    sr->ldt.limit = 0xffff;
    sr->gdt.base = KVM_GDT_ADDR;
    sr->gdt.limit = (uint16_t)((KVM_SEL_TSS / 8 + 2) * 8 - 1);
    /* No IDT: the guest takes no interrupts, and an exception ends it (a triple fault). */
    sr->idt.base = 0;
    sr->idt.limit = 0;
}

static int set_registers(struct vm *vm)
{
    struct kvm_sregs sr;
    struct kvm_regs regs;

    if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sr) < 0) {
        dev_say("KVM_GET_SREGS: %s", strerror(errno));
        return -1;
    }
    build_gdt(vm, &sr);
    sr.cr3 = KVM_PT_ADDR;
    sr.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;   /* SSE on, its exceptions as #XM */
    sr.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    sr.efer = EFER_LME | EFER_LMA;
    if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sr) < 0) {
        dev_say("KVM_SET_SREGS (64-bit entry state): %s", strerror(errno));
        return -1;
    }
    memset(&regs, 0, sizeof(regs));
    regs.rip = vm->entry;
    regs.rdi = KVM_BOOT_ADDR;
    regs.rsi = KVM_ABI_MAGIC;
    regs.rflags = 0x2;      /* bit 1 is always set; interrupts off */
    if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0) {
        dev_say("KVM_SET_REGS: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- putting it together ---------------------------------------------------------------- */

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

int vm_create(struct vm *vm, const void *elf, size_t elf_size, const struct posix_config *cfg,
              uint32_t hyp_flags, uint32_t nblk)
{
    struct kvm_userspace_memory_region region;
    struct kvm_boot_info *info;
    uint64_t image_end, ram_base;
    size_t cmdlen = strlen(cfg->cmdline);
    long khz;

    if (cmdlen >= KVM_CMDLINE_MAX) {
        dev_say("kernel command line too long");
        return -1;
    }
    vm->elf = elf;
    vm->elf_size = elf_size;
    if (elf_validate(elf, elf_size, &vm->entry, &image_end) < 0 || open_kvm(vm) < 0)
        return -1;

    /* Image, then the initramfs, then the kernel's RAM on a 2 MiB boundary. */
    vm->initrd = align_up(image_end, 4096);
    vm->initrd_size = cfg->initrd_size;
    ram_base = align_up(vm->initrd + vm->initrd_size, 2 * MIB);
    vm->mem_size = align_up(ram_base + cfg->mem, 2 * MIB);
    vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vm->mem == MAP_FAILED) {
        dev_say("cannot map %llu MiB of guest memory: %s",
                    (unsigned long long)(vm->mem_size >> 20), strerror(errno));
        return -1;
    }

    vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0) {
        dev_say("KVM_CREATE_VM: %s", strerror(errno));
        return -1;
    }
    region = (struct kvm_userspace_memory_region){
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = vm->mem_size,
        .userspace_addr = (uintptr_t)vm->mem,
    };
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
        dev_say("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
        return -1;
    }
    vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
    if (vm->vcpu_fd < 0) {
        dev_say("KVM_CREATE_VCPU: %s", strerror(errno));
        return -1;
    }
    vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
    if (vm->run == MAP_FAILED) {
        dev_say("cannot map the vCPU's run structure: %s", strerror(errno));
        return -1;
    }
    if (set_cpuid(vm) < 0)
        return -1;
    khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
    if (khz <= 0) {
        dev_say("KVM_GET_TSC_KHZ: %s", khz < 0 ? strerror(errno) : "zero");
        return -1;
    }
    vm->tsc_khz = (uint64_t)khz;

    elf_load(elf, vm->mem);
    memcpy(vm->mem + vm->initrd, cfg->initrd, vm->initrd_size);
    memcpy(vm->mem + KVM_CMDLINE_ADDR, cfg->cmdline, cmdlen + 1);
    info = (struct kvm_boot_info *)(vm->mem + KVM_BOOT_ADDR);
    info->magic = KVM_ABI_MAGIC;
    info->pvm_pvcs = is_pvm(vm) ? KVM_PVCS_ADDR : 0;
    info->abi_version = HYP_ABI_VERSION;
    info->hyp_flags = hyp_flags | HYP_BOOT_RAM_ZEROED; /* fresh anonymous memory */
    info->ram_base = ram_base;
    info->ram_size = cfg->mem;
    info->cmdline = KVM_CMDLINE_ADDR;
    info->initrd = vm->initrd_size ? vm->initrd : 0;
    info->initrd_size = vm->initrd_size;
    info->nblk = nblk;
    info->nnet = 0;
    info->tsc_khz = vm->tsc_khz;
    info->mem_size = vm->mem_size;
    vm->info = info;
    if (build_page_tables(vm) < 0 || set_registers(vm) < 0)
        return -1;
    return 0;
}

/* ---- when the guest dies ------------------------------------------------------------------ */

void vm_fault(const struct vm *vm, const char *fmt, ...)
{
    struct kvm_regs r;
    struct kvm_sregs s;
    const char *sym;
    uint64_t off;
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    dev_restore_terminal();
    dev_say("guest stopped: %s", msg);
    if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) == 0 && ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) == 0) {
        dev_say("  rip %016llx  rsp %016llx  rbp %016llx  rflags %08llx", r.rip, r.rsp, r.rbp,
                r.rflags);
        dev_say("  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx", r.rax, r.rbx, r.rcx,
                r.rdx);
        dev_say("  rsi %016llx  rdi %016llx  r8  %016llx  r9  %016llx", r.rsi, r.rdi, r.r8, r.r9);
        dev_say("  r10 %016llx  r11 %016llx  r12 %016llx  r13 %016llx", r.r10, r.r11, r.r12,
                r.r13);
        dev_say("  r14 %016llx  r15 %016llx", r.r14, r.r15);
        dev_say("  cr0 %08llx  cr2 %016llx  cr3 %016llx  cr4 %08llx  efer %llx", s.cr0, s.cr2,
                s.cr3, s.cr4, s.efer);
        dev_say("  cs %04x  ss %04x  gdt %016llx/%x  idt %016llx/%x", s.cs.selector,
                s.ss.selector, s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit);
        sym = elf_symbol(vm->elf, vm->elf_size, r.rip, &off);
        if (sym)
            dev_say("  rip is in %.64s+%#llx of the kernel image", sym, (unsigned long long)off);
    } else {
        dev_say("  (registers unavailable: %s)", strerror(errno));
    }
    _exit(EXIT_GUEST_FAULT);
}
