/*
 * hc.h - the guest's half of a hypercall: one `out` instruction.
 *
 * The port names the call, the 32-bit value is the guest-physical address of
 * the argument block (host/kvm/abi.h). The instruction exits to the monitor,
 * which has finished the call when the guest continues after it; the
 * "memory" clobber keeps the compiler from moving the block's stores after,
 * or the result's load before, the exit.
 */
#ifndef HOST_KVM_GUEST_HC_H
#define HOST_KVM_GUEST_HC_H

#include "host/kvm/abi.h"

static inline void kvm_hc_out(unsigned nr, uint32_t block)
{
    __asm__ volatile("outl %0, %w1" : : "a"(block), "Nd"((uint16_t)(KVM_HC_PORT + nr))
                     : "memory");
}

static inline uint64_t kvm_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif
