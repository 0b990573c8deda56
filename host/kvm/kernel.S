/*
 * The kvm guest kernel (the core linked with host/kvm/guest/ at 1 MiB), as
 * an ELF file embedded in anyk-kvm so that the command needs no other file.
 * The monitor validates it like any other image before loading it.
 * KERNEL_PATH is set by the Makefile.
 */
    .section .rodata
    .balign 16
    .globl anyk_kvm_kernel_start, anyk_kvm_kernel_end
anyk_kvm_kernel_start:
    .incbin KERNEL_PATH
anyk_kvm_kernel_end:
    .section .note.GNU-stack, "", @progbits
