/*
 * Thread context switch for x86_64 (System V ABI).
 *
 * Only the callee-saved registers (rbx, rbp, r12-r15) and the stack pointer
 * need saving: arch_switch is an ordinary call, so the caller has already
 * saved everything else it cares about. The x87 control word and MXCSR are
 * callee-saved too, but the kernel never changes them, so every thread
 * shares the values the host started with.
 */
    .text

/* void arch_switch(uintptr_t *save_sp, uintptr_t new_sp) */
    .globl arch_switch
    .hidden arch_switch
    .type arch_switch, @function
arch_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size arch_switch, .-arch_switch

/*
 * First code a new thread runs: arch_frame_init left entry in r12 and its
 * argument in r13. rbp is 0, which ends backtraces here.
 */
    .globl arch_thread_trampoline
    .hidden arch_thread_trampoline
    .type arch_thread_trampoline, @function
arch_thread_trampoline:
    movq %r13, %rdi
    callq *%r12
    ud2
    .size arch_thread_trampoline, .-arch_thread_trampoline

    .section .note.GNU-stack, "", @progbits
