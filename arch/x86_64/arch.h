/*
 * arch.h - what the core needs to know about the CPU, x86_64 edition.
 * Every host on x86_64 shares this; nothing else in the core knows the CPU.
 */
#ifndef ARCH_X86_64_ARCH_H
#define ARCH_X86_64_ARCH_H

#include <anyk/types.h>

#define ARCH_NAME "x86_64"
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define ARCH_STACK_ALIGN 16

/* arch/x86_64/string.c provides memcpy and memset (not in sanitizer builds). */
#ifdef ANYK_SAN
#define ARCH_HAVE_STRING_OPS 0
#else
#define ARCH_HAVE_STRING_OPS 1
#endif

/*
 * Save the callee-saved registers and the stack pointer of the running thread
 * into *save_sp, then resume the thread whose stack pointer is new_sp. Returns
 * when some other thread switches back to the saved one.
 */
void arch_switch(uintptr_t *save_sp, uintptr_t new_sp);

/*
 * Lay out the first frame of a new thread on a stack whose highest address is
 * stack_top, so that arch_switch() to the returned stack pointer calls
 * entry(arg). entry must never return.
 */
uintptr_t arch_frame_init(void *stack_top, void (*entry)(void *), void *arg);

/* The caller's frame pointer; frames link through saved frame pointers. */
static inline uintptr_t *arch_frame_pointer(void)
{
    return (uintptr_t *)__builtin_frame_address(0);
}

/* In a frame f: f[0] is the caller's frame pointer, f[1] the return address. */
#define ARCH_FRAME_NEXT(f) ((uintptr_t *)(f)[0])
#define ARCH_FRAME_RET(f) ((f)[1])

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline uint64_t cpu_cycles(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/*
 * Atomics. The kernel runs on one virtual CPU, so most state needs none;
 * these are for words that a host writes asynchronously (the tick flag) and
 * for library mode, where host threads take turns on the virtual CPU.
 */
static inline int atomic_xchg(volatile int *p, int v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

static inline int atomic_load(const volatile int *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void atomic_store(volatile int *p, int v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline int atomic_add(volatile int *p, int v)
{
    return __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST);
}

static inline bool atomic_cas(volatile int *p, int old, int new)
{
    return __atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

static inline void compiler_barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

#endif
