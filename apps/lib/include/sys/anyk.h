/*
 * sys/anyk.h - the raw anyk API table, for the few programs that need what
 * POSIX has no name for (halt, kexec, the kernel log).
 */
#ifndef _SYS_ANYK_H
#define _SYS_ANYK_H

#include <anyk/api.h>

/* The table the kernel passed to this program's entry point. */
const struct anyk_api *anyk_api(void);

#endif
