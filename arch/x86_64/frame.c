/* A new thread's first frame, in the layout arch_switch pops (see switch.S). */
#include "arch/x86_64/arch.h"

void arch_thread_trampoline(void) __attribute__((visibility("hidden")));

uintptr_t arch_frame_init(void *stack_top, void (*entry)(void *), void *arg)
{
    /*
     * After arch_switch pops six registers and returns into the trampoline,
     * rsp must be 16-byte aligned so that its call gives entry the ABI's
     * alignment. A zero word above that is a null return address for
     * debuggers.
     */
    uintptr_t top = ((uintptr_t)stack_top & ~(uintptr_t)(ARCH_STACK_ALIGN - 1)) - 16;
    uintptr_t *sp = (uintptr_t *)top;

    sp[0] = 0;
    sp[1] = 0;
    *--sp = (uintptr_t)arch_thread_trampoline; /* ret */
    *--sp = 0;                                 /* rbp */
    *--sp = 0;                                 /* rbx */
    *--sp = (uintptr_t)entry;                  /* r12 */
    *--sp = (uintptr_t)arg;                    /* r13 */
    *--sp = 0;                                 /* r14 */
    *--sp = 0;                                 /* r15 */
    return (uintptr_t)sp;
}
