/*
 * linux_shim_entry.S - where Linux starts a shim-linked anyk program, and the
 * signal return trampoline. See linux_shim.c and README.md.
 *
 * Linux enters with %rsp at argc, argv..., NULL, envp..., NULL, auxv: the
 * same block an anyk program's _start expects, so it is passed on as is.
 */
    .text
    .globl __shim_entry
    .type __shim_entry, @function
__shim_entry:
    xor %ebp, %ebp          /* end of the frame-pointer chain */
    mov %rsp, %rdi
    and $-16, %rsp          /* the ABI's alignment at a call */
    call shim_main
    ud2
    .size __shim_entry, . - __shim_entry

/* Handlers return here; rt_sigreturn restores the interrupted context. */
    .globl __shim_sigreturn
    .type __shim_sigreturn, @function
__shim_sigreturn:
    mov $15, %eax
    syscall
    ud2
    .size __shim_sigreturn, . - __shim_sigreturn

    .section .note.GNU-stack, "", @progbits
