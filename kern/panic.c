/*
 * panic.c - stopping on a kernel bug, with a backtrace.
 *
 * The core is built with frame pointers, so each frame starts with the
 * caller's frame pointer and the return address. The walk stays inside the
 * current thread's stack (or a sane distance for the host's boot stack) so a
 * corrupted chain ends the backtrace rather than faulting.
 */
#include <anyk/hyp.h>
#include "arch/x86_64/arch.h"
#include "kern/kernel.h"
#include "kern/printk.h"
#include "kern/thread.h"
#include "lib/fmt.h"

#define BACKTRACE_MAX 32

void backtrace_print(int level)
{
    struct thread *t = thread_self();
    uintptr_t *fp = arch_frame_pointer();
    uintptr_t lo = 0, hi = (uintptr_t)-1;
    uintptr_t base = kern_config()->image_base;

    if (t && t->stack) {
        lo = (uintptr_t)t->stack;
        hi = lo + t->stack_size;
    }
    printk(level, "backtrace (thread %u %s; 'addr2line -f -e IMAGE OFFSET' names them):",
           t ? t->id : 0, t ? t->name : "?");
    for (int i = 0; i < BACKTRACE_MAX && fp; i++) {
        uintptr_t f = (uintptr_t)fp;
        if (f < lo || f + 16 > hi || (f & 7))
            break;
        uintptr_t ret = ARCH_FRAME_RET(fp);
        if (!ret)
            break;
        printk(level, "  #%d 0x%lx (+0x%lx)", i, (unsigned long)ret,
               (unsigned long)(base && ret > base ? ret - base : ret));
        uintptr_t *next = ARCH_FRAME_NEXT(fp);
        /* Frames grow towards lower addresses: the caller's frame is higher. */
        if ((uintptr_t)next <= f || ((!t || !t->stack) && (uintptr_t)next - f > (1ul << 20)))
            break;
        fp = next;
    }
}

void panic(const char *fmt, ...)
{
    static int panicking;
    char msg[256];
    va_list ap;

    if (panicking++) {
        static const char nested[] = "panic: nested panic, halting\n";
        hyp_cons_write(nested, sizeof(nested) - 1);
        hyp_halt(PANIC_STATUS);
    }
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    klog_set_console_level(KLOG_EMERG);
    hyp_cons_write("\n", 1);
    printk(KLOG_EMERG, "panic: %s", msg);
    backtrace_print(KLOG_EMERG);
    printk(KLOG_EMERG, "halting with status %d", PANIC_STATUS);
    hyp_halt(PANIC_STATUS);
}
