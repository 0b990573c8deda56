/* setjmp.h - non-local jumps: the callee-saved registers, stack and return address. */
#ifndef _SETJMP_H
#define _SETJMP_H

/* rbx, rbp, r12, r13, r14, r15, rsp, rip (see apps/lib/setjmp.S) */
typedef long jmp_buf[8];
typedef long sigjmp_buf[8];

int setjmp(jmp_buf env) __attribute__((returns_twice));
void longjmp(jmp_buf env, int val) __attribute__((noreturn));
int _setjmp(jmp_buf env) __attribute__((returns_twice));
void _longjmp(jmp_buf env, int val) __attribute__((noreturn));
/* No signal mask on anyk: the sig* forms are the plain ones. */
#define sigsetjmp(env, save) setjmp(env)
#define siglongjmp(env, val) longjmp(env, val)

#endif
