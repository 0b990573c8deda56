/* time.c - monotonic time for the kernel, from the host's clock. */
#include <anyk/hyp.h>
#include "kern/time.h"

static uint64_t boot_ns;

void ktime_init(void)
{
    boot_ns = hyp_clock_mono_ns();
}

uint64_t ktime_now(void)
{
    return hyp_clock_mono_ns();
}

uint64_t ktime_since_boot(void)
{
    return hyp_clock_mono_ns() - boot_ns;
}
