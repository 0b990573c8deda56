/*
 * printf_oracle.c - a host program (built against the system's glibc by
 * tests/integration/libc_shim.t) that checks the expected strings of
 * printf_cases.h against glibc's printf, so a wrong expectation in the table
 * cannot make a wrong apps/lib printf pass. Prints TAP.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "printf_cases.h"

int main(void)
{
    int n = 0, failed = 0;
    char buf[256];
#define CHECK(exp, ...)                                                                 \
    do {                                                                                \
        snprintf(buf, sizeof(buf), __VA_ARGS__);                                        \
        n++;                                                                            \
        int good = strcmp(buf, exp) == 0;                                               \
        failed += !good;                                                                \
        printf("%sok %d - glibc agrees: %s -> \"%s\"\n", good ? "" : "not ", n, #__VA_ARGS__, \
               buf);                                                                    \
    } while (0);
    PRINTF_CASES(CHECK)
    printf("1..%d\n", n);
    return failed != 0;
}
