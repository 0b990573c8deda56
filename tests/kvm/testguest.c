/*
 * testguest.c - a guest kernel for anyk-kvm that misbehaves on purpose, to
 * show that the monitor stays whole whatever a guest does. Booted with
 * ANYK_KVM_KERNEL=build/.../tests/kvm/testguest; the word after "--" on the
 * command line picks what it does:
 *
 *   badcalls  every hypercall with out-of-range pointers, lengths, offsets,
 *             device numbers and argument blocks; each must come back refused
 *             (-EFAULT, -EINVAL, -ENODEV) or unanswered, and the monitor must
 *             keep serving good calls afterwards. Needs one disk of >= 1 MiB
 *             (--disk). Prints one line per failed check and a summary, halts
 *             with 0 if every check passed, else 1.
 *   fault     writes to address 0 (unmapped): a triple fault, no IDT
 *   port      reads a port nobody serves
 *   hlt       halts the CPU with interrupts off
 *   bench     times N bare port-I/O exits (the monitor does nothing) against
 *             N clock hypercalls (block checked, clock read, answer written) and
 *             prints "kvmbench exit PS ps hypercall PS ps" (picoseconds each)
 *
 * Freestanding, like the guest side it tests (host/kvm/guest/); it shares its
 * entry code (entry.S) and nothing else.
 */
#include <anyk/errno.h>
#include <anyk/hyp.h>
#include "host/kvm/abi.h"
#include "host/kvm/guest/hc.h"

#define SENTINEL (-12345)
#define BENCH_N 5000

void guest_main(const struct kvm_boot_info *boot, uint64_t magic) __attribute__((noreturn));

static struct kvm_hc hc;
static struct kvm_hc far_block[2] __attribute__((aligned(64)));
static uint8_t sector[4096] __attribute__((aligned(4096)));
static const struct kvm_boot_info *info;
static unsigned checks, failed;

static int64_t call_block(unsigned nr, uint64_t block, uint64_t a0, uint64_t a1, uint64_t a2,
                          uint64_t a3)
{
    hc.a[0] = a0;
    hc.a[1] = a1;
    hc.a[2] = a2;
    hc.a[3] = a3;
    hc.ret = SENTINEL;
    kvm_hc_out(nr, (uint32_t)block);
    return hc.ret;
}

static int64_t call(unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return call_block(nr, (uintptr_t)&hc, a0, a1, a2, a3);
}

static size_t slen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

static void put(const char *s)
{
    call(KVM_HC_CONS_WRITE, (uintptr_t)s, slen(s), 0, 0);
}

static void put_num(int64_t v)
{
    char buf[24], *p = buf + sizeof(buf);
    uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;

    *--p = '\0';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        *--p = '-';
    put(p);
}

static void __attribute__((noreturn)) halt(int status)
{
    for (;;)
        call(KVM_HC_HALT, (uint64_t)status, 0, 0, 0);
}

static void expect(const char *what, int64_t got, int64_t want)
{
    checks++;
    if (got == want)
        return;
    failed++;
    put("FAILED: ");
    put(what);
    put(": got ");
    put_num(got);
    put(", want ");
    put_num(want);
    put("\n");
}

/* ---- badcalls ------------------------------------------------------------------------- */

static void badcalls(void)
{
    const uint64_t end = info->mem_size, max = UINT64_MAX, good = (uintptr_t)sector;
    const uint64_t wrapped = max - 3, huge = 1ull << 40;
    uint64_t disk_size;
    struct hyp_blk_info bi;

    /* Buffers past the end, across the end, wrapping around, absurdly long. */
    for (unsigned nr = KVM_HC_CONS_WRITE; nr <= KVM_HC_CONS_READ; nr++) {
        expect("console buffer just past the end", call(nr, end, 1, 0, 0), -EFAULT);
        expect("console buffer across the end", call(nr, end - 4, 8, 0, 0), -EFAULT);
        expect("console buffer wrapping around", call(nr, wrapped, 8, 0, 0), -EFAULT);
        expect("console length beyond memory", call(nr, good, huge, 0, 0), -EFAULT);
        expect("console length UINT64_MAX", call(nr, good, max, 0, 0), -EFAULT);
    }
    expect("random buffer past the end", call(KVM_HC_RANDOM, end, 16, 0, 0), -EFAULT);
    expect("random buffer wrapping", call(KVM_HC_RANDOM, wrapped, 16, 0, 0), -EFAULT);
    expect("random length UINT64_MAX", call(KVM_HC_RANDOM, good, max, 0, 0), -EFAULT);
    expect("blk_info into nowhere", call(KVM_HC_BLK_INFO, 0, end, 0, 0), -EFAULT);
    expect("blk_info across the end", call(KVM_HC_BLK_INFO, 0, end - 8, 0, 0), -EFAULT);
    expect("blk_info of no such disk", call(KVM_HC_BLK_INFO, 7, good, 0, 0), -ENODEV);
    expect("blk_info of disk 2^32", call(KVM_HC_BLK_INFO, 1ull << 32, good, 0, 0), -ENODEV);

    /* Disk requests: bad buffers, offsets and lengths, devices that do not exist. */
    expect("blk_info of disk 0", call(KVM_HC_BLK_INFO, 0, (uintptr_t)&bi, 0, 0), 0);
    disk_size = bi.size;
    for (unsigned nr = KVM_HC_BLK_READ; nr <= KVM_HC_BLK_WRITE; nr++) {
        expect("disk buffer past the end", call(nr, 0, 0, end, 512), -EFAULT);
        expect("disk buffer across the end", call(nr, 0, 0, end - 512, 1024), -EFAULT);
        expect("disk buffer wrapping", call(nr, 0, 0, max - 511, 1024), -EFAULT);
        expect("disk offset at the end", call(nr, 0, disk_size, good, 512), -EINVAL);
        expect("disk range across the end", call(nr, 0, disk_size - 512, good, 1024), -EINVAL);
        expect("disk offset wrapping", call(nr, 0, max - 511, good, 1024), -EINVAL);
        expect("disk length beyond the disk", call(nr, 0, 0, good, huge), -EINVAL);
        expect("disk offset not aligned", call(nr, 0, 1, good, 512), -EINVAL);
        expect("disk length not aligned", call(nr, 0, 0, good, 100), -EINVAL);
        expect("no such disk", call(nr, 5, 0, good, 512), -ENODEV);
        expect("disk 2^32", call(nr, 1ull << 32, 0, good, 512), -ENODEV);
    }
    expect("flush of no such disk", call(KVM_HC_BLK_FLUSH, 9, 0, 0, 0), -ENODEV);
    expect("net_info (no NICs)", call(KVM_HC_NET_INFO, 0, end, 0, 0), -ENODEV);
    expect("net_send (no NICs)", call(KVM_HC_NET_SEND, 0, end, 1514, 0), -ENODEV);
    expect("net_recv (no NICs)", call(KVM_HC_NET_RECV, 0, wrapped, 1514, 0), -ENODEV);

    /* Argument blocks the monitor cannot use: no answer at all. */
    expect("block past the end", call_block(KVM_HC_RANDOM, end, good, 8, 0, 0), SENTINEL);
    expect("block across the end", call_block(KVM_HC_RANDOM, end - 8, good, 8, 0, 0), SENTINEL);
    expect("block at 4 GiB - 1", call_block(KVM_HC_CONS_WRITE, 0xffffffffu, good, 1, 0, 0),
           SENTINEL);
    expect("block misaligned", call_block(KVM_HC_CLOCK, (uintptr_t)&hc + 1, 0, 0, 0, 0),
           SENTINEL);
    expect("nop answers nothing", call(KVM_HC_NOP, 0, 0, 0, 0), SENTINEL);
    for (unsigned nr = 0; nr < KVM_HC_COUNT; nr++)
        if (nr != KVM_HC_NOP)
            expect("every call with a block past the end", call_block(nr, end, 0, 0, 0, 0),
                   SENTINEL);

    /* And the monitor still serves good calls, with blocks anywhere in memory. */
    sector[0] = 0xa5;
    sector[511] = 0x5a;
    expect("a good disk write", call(KVM_HC_BLK_WRITE, 0, 4096, good, 512), 0);
    sector[0] = sector[511] = 0;
    expect("a good disk read", call(KVM_HC_BLK_READ, 0, 4096, good, 512), 0);
    expect("reads back what was written", sector[0] == 0xa5 && sector[511] == 0x5a, 1);
    expect("a good flush", call(KVM_HC_BLK_FLUSH, 0, 0, 0, 0), 0);
    expect("a good random", call(KVM_HC_RANDOM, good, 64, 0, 0), 0);
    far_block[1].ret = SENTINEL;
    far_block[1].a[0] = good;
    far_block[1].a[1] = 32;
    kvm_hc_out(KVM_HC_RANDOM, (uint32_t)(uintptr_t)&far_block[1]);
    expect("a block anywhere in memory", far_block[1].ret, 0);
    expect("a good console write", call(KVM_HC_CONS_WRITE, (uintptr_t)"", 0, 0, 0), 0);

    put("badcalls: ");
    put_num(checks);
    put(" checks, ");
    put_num(failed);
    put(" failed\n");
    halt(failed ? 1 : 0);
}

/* ---- bench ----------------------------------------------------------------------------- */

static uint64_t ns_of(uint64_t ticks)
{
    uint64_t khz = info->tsc_khz;

    return ticks / khz * 1000000u + ticks % khz * 1000000u / khz;
}

static void bench(void)
{
    uint64_t t0, t1, t2;

    for (int i = 0; i < 1000; i++) /* warm up */
        kvm_hc_out(KVM_HC_NOP, 0);
    t0 = kvm_rdtsc();
    for (int i = 0; i < BENCH_N; i++)
        kvm_hc_out(KVM_HC_NOP, 0);
    t1 = kvm_rdtsc();
    for (int i = 0; i < BENCH_N; i++)
        call(KVM_HC_CLOCK, 0, 0, 0, 0);
    t2 = kvm_rdtsc();
    put("kvmbench exit ");
    put_num((int64_t)(ns_of(t1 - t0) * 1000 / BENCH_N));
    put(" ps hypercall ");
    put_num((int64_t)(ns_of(t2 - t1) * 1000 / BENCH_N));
    put(" ps\n");
    halt(0);
}

/* ---- entry ----------------------------------------------------------------------------- */

static bool word_is(const char *w, const char *name)
{
    size_t n = slen(name);

    for (size_t i = 0; i < n; i++)
        if (w[i] != name[i])
            return false;
    return w[n] == '\0' || w[n] == ' ';
}

void guest_main(const struct kvm_boot_info *boot, uint64_t magic)
{
    const char *cl = (const char *)(uintptr_t)boot->cmdline, *w = cl;

    info = boot;
    if (magic != KVM_ABI_MAGIC)
        halt(2);
    for (; *w; w++)
        if (w[0] == '-' && w[1] == '-' && w[2] == ' ' && (w == cl || w[-1] == ' '))
            break;
    w += *w ? 3 : 0;
    if (word_is(w, "badcalls"))
        badcalls();
    if (word_is(w, "bench"))
        bench();
    if (word_is(w, "fault")) /* page 0 is not mapped; there is no IDT */
        __asm__ volatile("movl $1, (%0)" : : "r"(0ul) : "memory");
    if (word_is(w, "port")) {
        uint8_t v;
        __asm__ volatile("inb %w1, %0" : "=a"(v) : "Nd"((uint16_t)0x60));
        (void)v;
    }
    if (word_is(w, "hlt"))
        __asm__ volatile("cli; hlt");
    put("testguest: unknown mode (badcalls, fault, port, hlt, bench)\n");
    halt(3);
}
