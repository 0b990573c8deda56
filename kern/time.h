/* time.h - kernel time: monotonic nanoseconds, relative to boot where said. */
#ifndef KERN_TIME_H
#define KERN_TIME_H

#include <anyk/types.h>

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC 1000000000ull

/* Monotonic clock of the host, in ns (arbitrary origin). */
uint64_t ktime_now(void);
/* Nanoseconds since kmain started. */
uint64_t ktime_since_boot(void);
/* Record the boot instant (kmain calls it first). */
void ktime_init(void);

#endif
