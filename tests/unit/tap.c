/* tap.c - TAP output for unit tests. */
#include <stdarg.h>
#include <stdio.h>

#include "tests/unit/tap.h"

static int tap_count, tap_failed;

bool tap_ok(bool cond, const char *fmt, ...)
{
    va_list ap;

    tap_count++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    return cond;
}

void tap_skip(const char *reason)
{
    tap_count++;
    printf("ok %d # SKIP %s\n", tap_count, reason);
    fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
    va_list ap;

    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

int tap_done(void)
{
    printf("1..%d\n", tap_count);
    if (tap_failed)
        tap_diag("%d of %d failed", tap_failed, tap_count);
    fflush(stdout);
    return tap_failed ? 1 : 0;
}
