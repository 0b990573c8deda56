/*
 * hyp.c - the hypercalls inside the kvm guest: each hyp_* call fills the one
 * argument block and exits to the monitor with an `out` (host/kvm/abi.h).
 *
 * Only the clocks stay inside the guest: they read the TSC, whose frequency
 * the monitor hands over at boot, and the wall clock is the monitor's time at
 * one TSC reading plus the TSC's progress since. hyp_poll turns the kernel's
 * deadline into a timeout, so the monitor never needs the guest's clock.
 *
 * Core-like code: freestanding, no libc. One vCPU and no interrupts, so a
 * single static argument block is never used by two calls at once.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "host/kvm/abi.h"
#include "host/kvm/guest/hc.h"

void guest_main(const struct kvm_boot_info *info, uint64_t magic) __attribute__((noreturn));

_Static_assert(offsetof(struct kvm_boot_info, pvm_pvcs) == KVM_BOOT_PVM_PVCS,
               "entry.S reads pvm_pvcs at KVM_BOOT_PVM_PVCS");

/* The block lies in the image (below 4 GiB), so its address fits the 32-bit port value. */
static struct kvm_hc hc;

static struct {
    uint64_t tsc_boot;      /* TSC at boot: the origin of the monotonic clock */
    uint64_t mult;          /* ns = (ticks * mult) >> 32 */
    uint64_t tsc_wall;      /* a TSC reading ... */
    uint64_t wall_ns;       /* ... and the monitor's wall-clock time then */
} clk;

static int64_t call(enum kvm_hc_nr nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    hc.a[0] = a0;
    hc.a[1] = a1;
    hc.a[2] = a2;
    hc.a[3] = a3;
    hc.ret = -EIO; /* what the guest sees if the monitor refuses the block */
    kvm_hc_out(nr, (uint32_t)(uintptr_t)&hc);
    return hc.ret;
}

/* ---- halt and console ------------------------------------------------------------ */

void hyp_halt(int status)
{
    for (;;)
        call(KVM_HC_HALT, (uint64_t)(status & 0xff), 0, 0, 0);
}

long hyp_cons_write(const void *buf, size_t len)
{
    return (long)call(KVM_HC_CONS_WRITE, (uintptr_t)buf, len, 0, 0);
}

long hyp_cons_read(void *buf, size_t len)
{
    return (long)call(KVM_HC_CONS_READ, (uintptr_t)buf, len, 0, 0);
}

/* ---- time ------------------------------------------------------------------------- */

static uint64_t tsc_to_ns(uint64_t ticks)
{
    /* 64 x 64 -> 128 bits: no overflow for centuries of uptime. */
    return (uint64_t)(((unsigned __int128)ticks * clk.mult) >> 32);
}

static void clock_init(uint64_t tsc_khz)
{
    uint64_t before, after;

    clk.mult = (1000000ull << 32) / (tsc_khz ? tsc_khz : 1);
    clk.tsc_boot = kvm_rdtsc();
    /* The monitor reads its clock between the two TSC readings: take the middle. */
    before = kvm_rdtsc();
    call(KVM_HC_CLOCK, 0, 0, 0, 0);
    after = kvm_rdtsc();
    clk.tsc_wall = before + (after - before) / 2;
    clk.wall_ns = hc.a[0];
}

uint64_t hyp_clock_mono_ns(void)
{
    return tsc_to_ns(kvm_rdtsc() - clk.tsc_boot);
}

uint64_t hyp_clock_wall_ns(void)
{
    return clk.wall_ns + tsc_to_ns(kvm_rdtsc() - clk.tsc_wall);
}

/* ---- idle ------------------------------------------------------------------------- */

uint32_t hyp_poll(uint64_t deadline_ns)
{
    uint64_t now = hyp_clock_mono_ns();
    uint64_t timeout = deadline_ns == HYP_POLL_FOREVER ? UINT64_MAX
                       : deadline_ns <= now            ? 0
                                                       : deadline_ns - now;

    return (uint32_t)call(KVM_HC_POLL, timeout, 0, 0, 0);
}

/* ---- block devices and NICs ------------------------------------------------------- */

int hyp_blk_info(uint32_t i, struct hyp_blk_info *info)
{
    return (int)call(KVM_HC_BLK_INFO, i, (uintptr_t)info, 0, 0);
}

int hyp_blk_read(uint32_t i, uint64_t off, void *buf, size_t len)
{
    return (int)call(KVM_HC_BLK_READ, i, off, (uintptr_t)buf, len);
}

int hyp_blk_write(uint32_t i, uint64_t off, const void *buf, size_t len)
{
    return (int)call(KVM_HC_BLK_WRITE, i, off, (uintptr_t)buf, len);
}

int hyp_blk_flush(uint32_t i)
{
    return (int)call(KVM_HC_BLK_FLUSH, i, 0, 0, 0);
}

int hyp_net_info(uint32_t i, struct hyp_net_info *info)
{
    return (int)call(KVM_HC_NET_INFO, i, (uintptr_t)info, 0, 0);
}

int hyp_net_send(uint32_t i, const void *frame, size_t len)
{
    return (int)call(KVM_HC_NET_SEND, i, (uintptr_t)frame, len, 0);
}

long hyp_net_recv(uint32_t i, void *buf, size_t cap)
{
    return (long)call(KVM_HC_NET_RECV, i, (uintptr_t)buf, cap, 0);
}

int hyp_random(void *buf, size_t len)
{
    return (int)call(KVM_HC_RANDOM, (uintptr_t)buf, len, 0, 0);
}

/* ---- boot ------------------------------------------------------------------------- */

static void say(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    hyp_cons_write(s, n);
}

void guest_main(const struct kvm_boot_info *info, uint64_t magic)
{
    static struct hyp_boot boot;

    if (magic != KVM_ABI_MAGIC || info->magic != KVM_ABI_MAGIC) {
        say("anyk guest: the monitor speaks another boot protocol\n");
        hyp_halt(70);
    }
    clock_init(info->tsc_khz);
    boot.abi_version = info->abi_version;
    boot.flags = info->hyp_flags;
    boot.ram_base = (void *)(uintptr_t)info->ram_base;
    boot.ram_size = info->ram_size;
    boot.cmdline = (const char *)(uintptr_t)info->cmdline;
    boot.initrd = (const void *)(uintptr_t)info->initrd;
    boot.initrd_size = info->initrd_size;
    boot.nblk = info->nblk;
    boot.nnet = info->nnet;
    /* The tick word lies in the boot data: the monitor writes it from its timer signal. */
    boot.tick = (volatile int *)&info->tick;
    boot.host_name = "kvm";
    /* Linked at a fixed address: backtraces print addresses addr2line takes as they are. */
    boot.image_base = 0;
    kmain(&boot);
}
