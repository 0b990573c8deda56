/*
 * abi.h - the contract between anyk-kvm (the monitor, the C files in host/kvm/) and its
 * guest side (host/kvm/guest/): where things are in guest memory at boot,
 * and how a hypercall travels.
 *
 * Included by both sides, so it uses only anyk/types.h. All addresses here
 * are guest-physical; the guest runs identity-mapped, so for the guest they
 * are also its pointers.
 *
 * A hypercall: the guest fills a struct kvm_hc in its memory and executes
 *     outl %eax, %dx     with dx = KVM_HC_PORT + call number, eax = the block's address
 * which makes KVM_RUN return to the monitor with a port I/O exit. The monitor
 * checks the block and every buffer it names against guest memory, does the
 * work, writes the result into ret and resumes the guest after the out.
 * One vCPU and no interrupts: there is never more than one call in flight.
 */
#ifndef HOST_KVM_ABI_H
#define HOST_KVM_ABI_H

#define KVM_ABI_MAGIC 0x6d766b6b796e61 /* "anykkvm" */

/* ---- guest memory at boot ----------------------------------------------------- */

/*
 * The first 4 KiB stay unmapped so that a NULL pointer faults. Then the
 * monitor's boot data and the page tables, and from 1 MiB the kernel image,
 * linked to run there (host/kvm/guest/guest.ld). The initramfs and the
 * kernel's RAM follow the image; where exactly is in struct kvm_boot_info.
 */
#define KVM_GDT_ADDR 0x1000ul       /* GDT (and the TSS after it) */
#define KVM_BOOT_ADDR 0x2000ul      /* struct kvm_boot_info */
#define KVM_CMDLINE_ADDR 0x3000ul   /* the kernel command line, NUL-terminated */
#define KVM_CMDLINE_MAX 0x1000ul
#define KVM_PVCS_ADDR 0x4000ul      /* a page for the PVM hypervisor, when there is one */
#define KVM_PT_ADDR 0x8000ul        /* page tables, up to KVM_IMAGE_ADDR */
#define KVM_IMAGE_ADDR 0x100000ul   /* lowest address of the kernel image */

/* The selectors of the GDT the monitor builds (the guest may reload them). */
#define KVM_SEL_CODE 0x08
#define KVM_SEL_DATA 0x10
#define KVM_SEL_TSS 0x18

/*
 * PVM ("Pagetable-based Virtual Machine", the kvm_pvm module) offers
 * /dev/kvm without hardware virtualisation: the guest runs at CPL 3 on
 * shadow page tables. It starts every vCPU in an emulated mode and switches
 * to running it natively only once the guest registers a page for its
 * per-vCPU state by writing its guest-physical address to this MSR (found
 * on the kvm_pvm build at hand, whose CPUID-less signature MSR reads "PVM").
 * The monitor detects PVM and passes the page in pvm_pvcs; the guest's entry
 * writes it before anything else, because the emulator cannot run SSE code.
 * Right after that write the build at hand resumes the guest a few bytes
 * past the wrmsr, so the entry code puts a landing run of nops there.
 */
#define KVM_PVM_MSR_VCPU_STRUCT 0x4b564d10
#define KVM_PVM_MSR_SIGNATURE 0x4b564d11
#define KVM_PVM_SIGNATURE 0x4d5650      /* "PVM" */

/* Offsets in struct kvm_boot_info that the entry code (assembly) reads. */
#define KVM_BOOT_PVM_PVCS 8

#ifndef __ASSEMBLER__
#include <anyk/types.h>

/*
 * What the monitor hands over. The guest's entry point gets its address in
 * rdi and KVM_ABI_MAGIC in rsi; it runs in 64-bit mode with paging on, SSE
 * enabled, interrupts off and no IDT (any exception ends the guest).
 */
struct kvm_boot_info {
    uint64_t magic;             /* KVM_ABI_MAGIC */
    uint64_t pvm_pvcs;          /* PVM only: the page to register first (see above), else 0 */
    uint32_t hyp_flags;         /* HYP_BOOT_* for struct hyp_boot */
    uint32_t abi_version;       /* HYP_ABI_VERSION the monitor serves */
    uint64_t ram_base;          /* the kernel's RAM, 2 MiB aligned */
    uint64_t ram_size;
    uint64_t cmdline;           /* address of the command line */
    uint64_t initrd;            /* the initramfs, or 0 */
    uint64_t initrd_size;
    uint32_t nblk, nnet;
    uint64_t tsc_khz;           /* the vCPU's TSC frequency, for the clocks */
    uint64_t mem_size;          /* all guest memory: [0, mem_size) */
    volatile int32_t tick;      /* the monitor sets it to 1 when a time slice ends */
    uint32_t pad;
};

/* ---- hypercalls ----------------------------------------------------------------- */

#define KVM_HC_PORT 0x500           /* port of call 0; call n is on KVM_HC_PORT + n */

enum kvm_hc_nr {
    KVM_HC_HALT,        /* a0 = status. Does not return. */
    KVM_HC_CONS_WRITE,  /* a0 = buf, a1 = len -> len or -EIO */
    KVM_HC_CONS_READ,   /* a0 = buf, a1 = len -> bytes, -EAGAIN, 0 at end */
    KVM_HC_CLOCK,       /* -> a0 = wall-clock ns (CLOCK_REALTIME) now; ret 0 */
    KVM_HC_POLL,        /* a0 = timeout ns (UINT64_MAX: none) -> HYP_POLL_* bits */
    KVM_HC_BLK_INFO,    /* a0 = i, a1 = struct hyp_blk_info * -> 0 or -ENODEV */
    KVM_HC_BLK_READ,    /* a0 = i, a1 = offset, a2 = buf, a3 = len -> 0 or -errno */
    KVM_HC_BLK_WRITE,   /* a0 = i, a1 = offset, a2 = buf, a3 = len -> 0 or -errno */
    KVM_HC_BLK_FLUSH,   /* a0 = i -> 0 or -errno */
    KVM_HC_NET_INFO,    /* a0 = i, a1 = struct hyp_net_info * -> 0 or -ENODEV */
    KVM_HC_NET_SEND,    /* a0 = i, a1 = frame, a2 = len */
    KVM_HC_NET_RECV,    /* a0 = i, a1 = buf, a2 = cap */
    KVM_HC_RANDOM,      /* a0 = buf, a1 = len -> 0 or -EIO */
    KVM_HC_NOP,         /* nothing, not even the block is read: a bare exit (benchmarks) */
    KVM_HC_COUNT
};

/*
 * The argument block. A buffer the monitor cannot use (outside guest memory,
 * or a length that runs past its end) fails the call with -EFAULT; a block
 * that is itself outside guest memory is refused without an answer (ret is
 * left as the guest set it) and reported on the monitor's stderr.
 */
struct kvm_hc {
    uint64_t a[4];
    int64_t ret;
};
#endif /* __ASSEMBLER__ */

#endif
