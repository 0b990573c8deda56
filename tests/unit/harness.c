/*
 * harness.c - boots the real kernel inside a unit-test program on the posix
 * host, runs the test's test_main() as the kernel's main thread, and halts
 * with the TAP result as the exit status.
 */
#include <stdio.h>
#include <stdlib.h>

#include "host/posix/posix.h"
#include "kern/kernel.h"
#include "tests/unit/tap.h"

int main(void)
{
    struct posix_config cfg = { .mem = 64ul << 20, .cmdline = "quiet" };
    struct hyp_boot boot;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("ANYK_TEST_MEM") && posix_parse_size(getenv("ANYK_TEST_MEM"), &cfg.mem) < 0)
        return 2;
    if (posix_setup(&cfg, &boot) < 0)
        return 2;
    kern_init(&boot);
    test_main();
    kern_halt(tap_done());
}
