/* syscall.h - the program API table (kern/syscall.c). */
#ifndef KERN_SYSCALL_H
#define KERN_SYSCALL_H

#include <anyk/api.h>

/* The table every program receives. */
const struct anyk_api *syscall_api(void);
/* Memory programs may pass to the kernel: [lo, hi) (kernel RAM on this host). */
void syscall_set_user_range(uintptr_t lo, uintptr_t hi);

/* For entries defined in other files (kern/syscall_net.c): the edge check and the way out. */
bool syscall_uok(const void *p, size_t n);
long syscall_leave(long r);

#endif
