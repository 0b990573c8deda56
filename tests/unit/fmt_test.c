/*
 * fmt_test.c - the kernel's vsnprintf/snprintf (lib/fmt.h), with the host's
 * glibc as the oracle: for a table of formats and values (every conversion,
 * length modifier, flag, width and precision the kernel supports, * for both,
 * negative and extreme numbers, precision 0 with value 0, a NULL %s) the
 * kernel must produce the same bytes and the same return value as glibc,
 * also when the output is truncated (return value = full length, the buffer
 * NUL-terminated, nothing written past size, nothing at all for size 0).
 *
 * The kernel's functions are named kvsnprintf/ksnprintf, so this file calls
 * them and glibc's vsnprintf side by side in one program. The first tests
 * check that they really are two implementations: the two addresses
 * differ, dladdr() puts the kernel's in the test executable and glibc's in
 * another object, and a conversion the kernel does not implement (%f)
 * comes out differently from the two.
 *
 * Both are called through volatile function pointers: GCC knows snprintf as
 * a builtin and may fold a call with constant arguments, or its return
 * value, at compile time, which would test the compiler instead.
 *
 * Not compared, because C leaves them undefined or implementation-defined
 * and the two legitimately differ: %p of NULL (glibc "(nil)"), a NULL %s
 * with a precision below 6 (glibc prints nothing), + or space with unsigned
 * conversions, # with %d, unknown conversions, and floating point (the
 * kernel has none).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fmt.h"
#include "tests/unit/tap.h"

typedef int vsnprintf_fn(char *buf, size_t size, const char *fmt, va_list ap);
typedef int snprintf_fn(char *buf, size_t size, const char *fmt, ...);

static vsnprintf_fn *volatile kern_vsnprintf = kvsnprintf;
static snprintf_fn *volatile kern_snprintf = ksnprintf;
static vsnprintf_fn *volatile libc_vsnprintf = vsnprintf;

#define GUARD 0x7f
#define BUFLEN 512

/* Printable rendering of n bytes, for messages. */
static const char *show(const char *s, int n)
{
    static char out[4][BUFLEN * 4 + 1];
    static int which;
    char *o = out[which++ & 3], *p = o;

    for (int i = 0; i < n && i < BUFLEN; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c < 32 || c > 126) {
            static const char hex[] = "0123456789abcdef";
            *p++ = '\\';
            *p++ = 'x';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        } else {
            *p++ = (char)c;
        }
    }
    *p = '\0';
    return o;
}

/*
 * Format with both into guarded buffers of size `size` (of BUFLEN bytes);
 * they must agree on the return value and on every byte of the buffer,
 * including the untouched guard bytes past what each may write.
 */
static void vcompare(size_t size, const char *fmt, va_list ap)
{
    char kb[BUFLEN], lb[BUFLEN];
    va_list ap2;
    int kn, ln;

    memset(kb, GUARD, sizeof(kb));
    memset(lb, GUARD, sizeof(lb));
    va_copy(ap2, ap);
    kn = kern_vsnprintf(size ? kb : NULL, size, fmt, ap);
    ln = libc_vsnprintf(size ? lb : NULL, size, fmt, ap2);
    va_end(ap2);
    bool same = kn == ln && memcmp(kb, lb, sizeof(kb)) == 0;
    int shown = ln >= 0 && (size_t)ln < size ? ln : size ? (int)size - 1 : 0;
    if (size == BUFLEN)
        ok(same, "\"%s\" -> \"%s\" (%d), as glibc", show(fmt, (int)strlen(fmt)), show(lb, shown),
           ln);
    else
        ok(same, "\"%s\" into %zu bytes -> \"%s\", returns %d, as glibc",
           show(fmt, (int)strlen(fmt)), size, show(lb, shown), ln);
    if (!same) {
        int kshown = kn >= 0 && (size_t)kn < size ? kn : size ? (int)size - 1 : 0;
        tap_diag("kernel: \"%s\" (%d); guard bytes %s", show(kb, kshown), kn,
                 size < BUFLEN && memcmp(kb + size, lb + size, BUFLEN - size) ? "DIFFER" : "same");
    }
}

/* Well-typed cases: the compiler checks the arguments against the format. */
static void __attribute__((format(printf, 1, 2))) cmp(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vcompare(BUFLEN, fmt, ap);
    va_end(ap);
}

/*
 * Cases that are well defined but that -Wformat remarks on (a flag that is
 * ignored, an empty format, an int printed with h/hh that glibc converts).
 */
static void cmp_unchecked(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vcompare(BUFLEN, fmt, ap);
    va_end(ap);
}

static void __attribute__((format(printf, 2, 3))) cmp_trunc(size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vcompare(size, fmt, ap);
    va_end(ap);
}

static int libc_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = libc_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* ---- is this really the kernel's against glibc's? ---------------------------------- */

static bool sanity(void)
{
    Dl_info kinfo, linfo, tinfo;
    char kb[64], lb[64];

    ok((void *)libc_vsnprintf != (void *)kern_vsnprintf,
       "the kernel's kvsnprintf is not the host's vsnprintf (%p vs %p)", (void *)kern_vsnprintf,
       (void *)libc_vsnprintf);
    int a = dladdr((void *)kern_vsnprintf, &kinfo), b = dladdr((void *)libc_vsnprintf, &linfo),
        c = dladdr((void *)test_main, &tinfo);
    ok(a && c && kinfo.dli_fbase == tinfo.dli_fbase,
       "dladdr: kvsnprintf is in the test executable itself (%s)",
       a ? kinfo.dli_fname : "?");
    ok(b && linfo.dli_fbase != tinfo.dli_fbase, "dladdr: the oracle is in another object (%s)",
       b ? linfo.dli_fname : "?");
    ok(dlsym(RTLD_DEFAULT, "kvsnprintf") == NULL,
       "the kernel's kvsnprintf is not exported (hidden): the dynamic linker cannot see it");

    /* Behaviour: the kernel has no floating point (it prints %f as is), glibc has. */
    int kn = kern_snprintf(kb, sizeof(kb), "%f|%d", 1.5, 7);
    int ln = libc_fmt(lb, sizeof(lb), "%f|%d", 1.5, 7);
    ok(kn == 4 && strcmp(kb, "%f|7") == 0 && ln == 10 && strcmp(lb, "1.500000|7") == 0,
       "\"%%f|%%d\" of 1.5, 7: the kernel's gives \"%s\", the oracle \"%s\": two implementations",
       kb, lb);
    kn = kern_snprintf(kb, sizeof(kb), "%s-%d-%c", "ab", -5, 'z');
    ok(kn == 7 && strcmp(kb, "ab--5-z") == 0,
       "the kernel's snprintf (variadic wrapper) works: \"%s\"", kb);
    return true;
}

/* ---- the table ------------------------------------------------------------------------ */

static void test_integers(void)
{
    cmp("%d", 0);
    cmp("%d", 42);
    cmp("%d", -42);
    cmp("%d", INT_MAX);
    cmp("%d", INT_MIN);
    cmp("%i", -7);
    cmp("%i|%i", 123456, -654321);
    cmp("%u", 0u);
    cmp("%u", 3000000000u);
    cmp("%u", UINT_MAX);
    cmp("%u", -1); /* an int's bits read as unsigned: well defined for the same-sized type */
    cmp("%x", 0xdeadbeefu);
    cmp("%X", 0xdeadbeefu);
    cmp("%x", 0u);
    cmp("%o", 0777u);
    cmp("%o", 0u);
    cmp("%o", UINT_MAX);
}

static void test_modifiers(void)
{
    cmp("%ld", LONG_MIN);
    cmp("%ld", LONG_MAX);
    cmp("%lu", ULONG_MAX);
    cmp("%lx", ULONG_MAX);
    cmp("%li", -1L);
    cmp("%lld", LLONG_MIN);
    cmp("%lld", (long long)INT64_MIN);
    cmp("%lld", LLONG_MAX);
    cmp("%llu", ULLONG_MAX);
    cmp("%llx", 0x0123456789abcdefull);
    cmp("%llX", 0xfedcba9876543210ull);
    cmp("%llo", ULLONG_MAX);
    cmp("%zu", SIZE_MAX);
    cmp("%zx", (size_t)0x1234);
    cmp("%zd", (ssize_t)-5);
    cmp("%td", (ptrdiff_t)-123456789012ll);
    cmp("%jd", (intmax_t)INT64_MIN);
    cmp("%ju", UINTMAX_MAX);
    cmp("%hd", (short)-12345);
    cmp("%hd", (short)SHRT_MIN);
    cmp("%hu", (unsigned short)65535);
    cmp("%hx", (unsigned short)0xbeef);
    cmp("%hhd", (signed char)-128);
    cmp("%hhu", (unsigned char)255);
    cmp("%hhx", (unsigned char)0xab);
    /* h and hh convert the promoted int back to the short type: glibc does, so must the kernel. */
    cmp_unchecked("%hd", 40000);
    cmp_unchecked("%hu", 70000);
    cmp_unchecked("%hx", 0x12345);
    cmp_unchecked("%hhd", 200);
    cmp_unchecked("%hhu", 300);
    cmp_unchecked("%hhx", 0x1ff);
    cmp_unchecked("%hho", 511);
    cmp_unchecked("%hhd|%d", 0x180, 9);
}

static void test_flags(void)
{
    cmp("%5d|", 42);
    cmp("%-5d|", 42);
    cmp("%05d", 42);
    cmp("%05d", -42);
    cmp("%+d", 42);
    cmp("%+d", -42);
    cmp("%+d", 0);
    cmp("% d", 42);
    cmp("% d", -42);
    cmp("%-+6d|", 42);
    cmp("% 05d", 7);
    cmp("%+05d", 7);
    cmp("%+05d", -7);
    cmp("%3d", 12345);
    cmp("%-3d|", 12345);
    cmp("%#x", 255u);
    cmp("%#X", 255u);
    cmp("%#x", 0u);
    cmp("%#X", 0u);
    cmp("%#o", 8u);
    cmp("%#o", 0u);
    cmp("%#08x", 255u);
    cmp("%#-8x|", 255u);
    cmp("%#8X", 0xabcu);
    cmp("%#5o", 8u);
    cmp("%#05o", 8u);
    cmp("%#llx", ULLONG_MAX);
    cmp("%#llo", ULLONG_MAX);
    cmp("%020llu", 123ull);
    cmp_unchecked("%+ d", 42);
    cmp_unchecked("% +d", 42);
    cmp_unchecked("%-05d|", 42);
    cmp_unchecked("%0-5d|", -42);
}

static void test_precision(void)
{
    cmp("%.3d", 5);
    cmp("%.3d", -5);
    cmp("%.0d", 0);
    cmp("%5.0d|", 0);
    cmp("%-5.0d|", 0);
    cmp("%.0d", 1);
    cmp("%+.0d", 0);
    cmp("% .0d", 0);
    cmp("%.0i", 0);
    cmp("%.0u", 0u);
    cmp("%.0x", 0u);
    cmp("%.0o", 0u);
    cmp("%#.0o", 0u);
    cmp("%#.0x", 0u);
    cmp("%#.3o", 8u);
    cmp("%#.2o", 8u);
    cmp("%#.4x", 31u);
    cmp("%#10.4x|", 31u);
    cmp("%8.3d|", -42);
    cmp("%-8.3d|", 42);
    cmp("%+.3d", 42);
    cmp("%.10d", INT_MIN);
    cmp("%.5x", 0xabu);
    cmp("%.20llu", 123ull);
    cmp("%.25lld", LLONG_MIN);
    cmp_unchecked("%08.3d|", 42);
    cmp_unchecked("%08.3d|", -42);
    cmp_unchecked("%08.0d|", 0);
}

static void test_star(void)
{
    cmp("%*d|", 6, 42);
    cmp("%*d|", -6, 42);
    cmp("%-*d|", 6, 42);
    cmp("%-*d|", -6, 42);
    cmp("%*d|", 0, 42);
    cmp("%.*d", 4, 7);
    cmp("%.*d", -1, 7);
    cmp("%.*d", 0, 0);
    cmp("%*.*d|", 8, 4, -7);
    cmp("%*.*d|", -8, 4, -7);
    cmp("%0*d", 5, -3);
    cmp("%.*s|", 3, "abcdef");
    cmp("%.*s|", -1, "abcdef");
    cmp("%*s|", -8, "ab");
    cmp("%*s|", 8, "ab");
    cmp("%*c|", 4, 'q');
    cmp("%*.*x|", 10, 6, 0xfeu);
}

static void test_strings_chars(void)
{
    const char *volatile null = NULL; /* volatile: the compiler would flag a literal NULL */
    static char longs[301];

    cmp("%s", "hello");
    cmp("%s|", "");
    cmp("%10s|", "hi");
    cmp("%-10s|", "hi");
    cmp("%.2s|", "hello");
    cmp("%.0s|", "hello");
    cmp("%.9s|", "hello");
    cmp("%10.2s|", "hello");
    cmp("%-10.2s|", "hello");
    cmp("%2s|", "hello");
    cmp("%s %s, %s!", "a", "bc", "def");
    cmp("%s", null);
    cmp("%10s|", null);
    cmp("%-8s|", null);
    cmp("%.6s|", null);
    memset(longs, 'x', 300);
    cmp("%s", longs);
    cmp("%c", 'x');
    cmp("%5c|", 'x');
    cmp("%-5c|", 'x');
    cmp("%c%c%c", 'a', 'b', 'c');
    cmp("[%c]", 0);
    cmp("%3c|", 0);
    cmp("%c", 0xe9);
    cmp("%c", 256 + 'A');
    cmp("%%");
    cmp("100%%");
    cmp("%d%%", 50);
    cmp("a%%b%%c");
    cmp("%5d%%%-3d|", 1, 2);
    cmp("plain text");
    cmp_unchecked("");
}

static void test_pointers_mixed(void)
{
    int x;

    cmp("%p", (void *)0x1234);
    cmp("%p", (void *)&x);
    cmp("%p", (void *)UINTPTR_MAX);
    cmp("%20p|", (void *)0xabcdef);
    cmp("%-20p|", (void *)0xabcdef);
    cmp("[%s:%d] %-6s|%04x|%c|%lu%%|%p", "file.c", 123, "warn", 0xbeu, '!', 99ul, (void *)0x10);
    cmp("%d %i %u %x %X %o %s %c %ld %lld %zu %hd %hhu", -1, -2, 3u, 0xau, 0xbu, 8u, "s", 'c',
        -4L, -5LL, (size_t)6, (short)-7, (unsigned char)8);
    cmp("%300d|", 7);
    cmp("%-300s|", "left");
}

/* ---- truncation ------------------------------------------------------------------------ */

static void test_truncation(void)
{
    char buf[16];

    cmp_trunc(0, "hello");
    cmp_trunc(1, "hello");
    cmp_trunc(2, "hello");
    cmp_trunc(5, "hello");
    cmp_trunc(6, "hello");
    cmp_trunc(5, "hello world");
    cmp_trunc(6, "%d", 123456789);
    cmp_trunc(3, "%5d", 42);
    cmp_trunc(4, "%-6s|", "ab");
    cmp_trunc(8, "%s%s", "abcd", "efgh");
    cmp_trunc(2, "%c", 'x');
    cmp_trunc(1, "%c", 'x');
    cmp_trunc(3, "%c%c%c%c", 'a', 0, 'b', 'c');
    cmp_trunc(10, "%#018llx", ULLONG_MAX);
    cmp_trunc(64, "%300d", 7);
    cmp_trunc(7, "%.10d", -1);

    /* The same facts, spelled out without the oracle. */
    memset(buf, GUARD, sizeof(buf));
    int n = kern_snprintf(buf, 0, "%d", 12345);
    bool untouched = true;
    for (size_t i = 0; i < sizeof(buf); i++)
        if (buf[i] != GUARD)
            untouched = false;
    ok(n == 5 && untouched, "size 0: returns the full length (5) and writes nothing");
    ok(kern_snprintf(NULL, 0, "%s=%d", "key", 100) == 7, "size 0 with a NULL buffer: 7");
    n = kern_snprintf(buf, 4, "%s", "abcdefgh");
    ok(n == 8 && memcmp(buf, "abc", 4) == 0 && buf[4] == GUARD,
       "size 4: \"abc\" and a NUL, returns 8, byte 4 untouched");

    /* A lone '%' ends the format: no read past its NUL (ASan would see it: exact-size copy). */
    char *f = malloc(5);
    memcpy(f, "abc%", 5);
    n = kern_snprintf(buf, sizeof(buf), f);
    ok(n == 3 && strcmp(buf, "abc") == 0, "a format ending in a lone '%%' stops there: \"%s\"",
       buf);
    free(f);
}

void test_main(void)
{
    if (!sanity())
        return;
    test_integers();
    test_modifiers();
    test_flags();
    test_precision();
    test_star();
    test_strings_chars();
    test_pointers_mixed();
    test_truncation();
}
