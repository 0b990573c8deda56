/*
 * The built-in initramfs: the cpio archive of the build's rootfs/, embedded
 * in the anyk binary so that `anyk run` needs no other file. INITRD_PATH is
 * set by the Makefile.
 */
    .section .rodata
    .balign 16
    .globl anyk_initrd_start, anyk_initrd_end
anyk_initrd_start:
    .incbin INITRD_PATH
anyk_initrd_end:
    .section .note.GNU-stack, "", @progbits
