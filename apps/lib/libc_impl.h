/*
 * libc_impl.h - what the parts of apps/lib share and programs must not see:
 * the API table, the errno convention, and the stdio/exit hooks.
 */
#ifndef APPS_LIB_LIBC_IMPL_H
#define APPS_LIB_LIBC_IMPL_H

#include <anyk/api.h>
#include <errno.h>
#include <stdio.h>

/* Set by crt0 before anything else runs; never NULL afterwards. */
extern const struct anyk_api *__anyk;

/*
 * The kernel returns -errno; POSIX returns -1 and sets errno. Every wrapper
 * passes its result through here. Only -4095..-1 are errors, so large
 * unsigned results (addresses, offsets) are never mistaken for one.
 */
static inline long __sysret(long r)
{
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

/* gcc turns byte loops into calls to memset/memcpy; the string functions must not recurse. */
#if defined(__GNUC__) && !defined(__clang__)
#define __no_libcall __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define __no_libcall
#endif

/* stdio.c: set up the three standard streams; flush every output stream (exit). */
void __stdio_init(void);
void __stdio_flush_all(void);

/* stdio.c, for printf.c and scanf.c */
int __stdio_putn(FILE *f, const char *s, size_t n);

/* printf.c: the formatting engine, writing through a sink. */
struct __fmt_sink {
    char *buf;          /* snprintf: the caller's buffer (may be NULL when cap is 0) */
    size_t cap;         /* bytes of buf usable, including the final NUL */
    size_t len;         /* bytes produced so far (may exceed cap) */
    FILE *f;            /* or a stream: text goes out through chunk[] */
    int fd;             /* or a descriptor (dprintf), when f is NULL and fd >= 0 */
    int err;
    char chunk[256];
    size_t clen;
};
int __vformat(struct __fmt_sink *s, const char *fmt, va_list ap);

/* time.c: civil calendar helpers shared with strftime */
long long __days_from_civil(long long y, unsigned m, unsigned d);

#endif
