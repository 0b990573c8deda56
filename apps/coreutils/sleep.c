/*
 * sleep - pause for the sum of the given durations.
 * Each NUMBER may have a fraction ("0.25") and a suffix: s seconds (default), m minutes,
 * h hours, d days. Parsed by hand into nanoseconds so no floating point is needed.
 */
#include <time.h>

#include "common.h"

/* NUMBER[SUFFIX] to nanoseconds; -1 if malformed. */
static long long parse_duration(const char *s)
{
    long long sec = 0, frac = 0, scale = 1000000000LL, mul = 1, ns;
    const char *p = s;
    int digits = 0;

    for (; isdigit((unsigned char)*p); p++, digits++) {
        if (sec > 100000000000LL)
            return -1;
        sec = sec * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++, digits++) {
            if (scale > 1) {
                scale /= 10;
                frac += (*p - '0') * scale;
            }
        }
    }
    if (digits == 0)
        return -1;
    switch (*p) {
    case '\0': case 's': break;
    case 'm': mul = 60; break;
    case 'h': mul = 3600; break;
    case 'd': mul = 86400; break;
    default: return -1;
    }
    if (*p && p[1])
        return -1;
    ns = sec * 1000000000LL + frac;
    return ns * mul;
}

int main(int argc, char **argv)
{
    long long total = 0, ns;
    struct timespec ts;
    int i;

    progname = "sleep";
    if (argc < 2)
        missing_operand(1);
    for (i = 1; i < argc; i++) {
        ns = parse_duration(argv[i]);
        if (ns < 0) {
            warnmsg("invalid time interval '%s'", argv[i]);
            fprintf(stderr, "Try 'sleep --help' for more information.\n");
            return 1;
        }
        total += ns;
    }
    ts.tv_sec = total / 1000000000LL;
    ts.tv_nsec = total % 1000000000LL;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return 0;
}
