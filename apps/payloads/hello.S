/*
 * hello.S - an example raw payload for kexec (as DuskBSD's /kexec).
 *
 * A payload is a flat binary loaded at a fixed address and called as
 *     int payload(const struct anyk_api *api);
 * It prints "X" with api->emit, waits for a key with api->key, prints that
 * key and a newline, and returns 0 (or 1 if the console input had ended).
 * Offsets into struct anyk_api (include/anyk/api.h): version and size are
 * two 32-bit words, then emit at 8 and key at 16.
 */
    .set API_EMIT, 8
    .set API_KEY, 16

    .text
    .globl _start
_start:
    pushq %rbx              /* also realigns the stack to 16 bytes for the calls */
    movq %rdi, %rbx         /* keep the API table in a callee-saved register */
    movl $'X', %edi
    call *API_EMIT(%rbx)
    movl $'\n', %edi
    call *API_EMIT(%rbx)
    call *API_KEY(%rbx)     /* waits for one key; -1 at the end of input */
    cmpl $0, %eax
    jl 1f
    movl %eax, %edi
    call *API_EMIT(%rbx)
    movl $'\n', %edi
    call *API_EMIT(%rbx)
    xorl %eax, %eax
    popq %rbx
    ret
1:  movl $1, %eax
    popq %rbx
    ret

    .section .note.GNU-stack, "", @progbits
