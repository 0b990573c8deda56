/*
 * entry.S - where the guest starts: the monitor enters here in 64-bit mode,
 * paging on, with rdi = the guest-physical address of struct kvm_boot_info
 * and rsi = KVM_ABI_MAGIC (host/kvm/abi.h). No stack yet, no FPU state.
 *
 * Under PVM (see host/kvm/abi.h) the monitor passes a page in pvm_pvcs:
 * until the guest registers it, every instruction is emulated, and the
 * emulator knows no SSE, so that comes first, with a landing run of nops
 * behind it. On hardware KVM pvm_pvcs is 0 and none of it runs.
 *
 * Set up the boot stack (the kernel adopts it as its first thread, "main"),
 * put the x87 unit and SSE in their default state (the core's code may use
 * SSE registers, and MXCSR is shared by every thread: arch/x86_64/switch.S),
 * and call guest_main(info, magic), which never returns.
 */
#include "host/kvm/abi.h"

    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    movq KVM_BOOT_PVM_PVCS(%rdi), %rax
    testq %rax, %rax
    jz 1f
    movl $KVM_PVM_MSR_VCPU_STRUCT, %ecx
    xorl %edx, %edx             /* the page lies below 4 GiB */
    wrmsr
    .fill 64, 1, 0x90           /* where PVM may resume: nops */
1:
    leaq boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp             /* ends backtraces here */
    fninit
    ldmxcsr mxcsr_default(%rip)
    call guest_main             /* rdi, rsi: as the monitor left them */
2:  ud2                         /* an exception without an IDT: the monitor reports it */
    jmp 2b
    .size _start, .-_start

    .section .rodata
    .balign 4
mxcsr_default:
    .long 0x1f80                /* all exceptions masked, round to nearest */

    .section .bss
    .balign 16
boot_stack:
    .skip 65536
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
