/*
 * strtol.c - string to number conversions: the strto* family (C11 7.22.1),
 * the ato* shorthands, and a simple strtod (correct to about 18 digits, not
 * correctly rounded in every last bit).
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "libc_impl.h"

static int digit_value(int c)
{
    if (isdigit(c))
        return c - '0';
    if (isalpha(c))
        return tolower(c) - 'a' + 10;
    return 99;
}

/*
 * The common parser: skips white space, takes a sign, the 0x/0 prefixes per
 * base, and accumulates the magnitude with overflow detection against max
 * (the largest magnitude the caller accepts). *neg reports the sign. On
 * overflow the result is max + 1 clamped at UINTMAX_MAX and errno is ERANGE.
 */
static uintmax_t parse_uint(const char *s, char **end, int base, int *neg, uintmax_t max,
                            int *overflow)
{
    const char *p = s;
    *neg = 0;
    *overflow = 0;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' &&
        digit_value((unsigned char)p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    uintmax_t v = 0;
    const char *digits = p;
    int d;
    while ((d = digit_value((unsigned char)*p)) < base) {
        if (v > (max - (uintmax_t)d) / (uintmax_t)base)
            *overflow = 1;
        else
            v = v * (uintmax_t)base + (uintmax_t)d;
        p++;
    }
    if (p == digits) {
        /* No digits: nothing is converted and *end is the start. */
        if (end)
            *end = (char *)s;
        *neg = 0;
        return 0;
    }
    if (end)
        *end = (char *)p;
    if (*overflow)
        errno = ERANGE;
    return v;
}

static intmax_t to_signed(const char *s, char **end, int base, intmax_t min, intmax_t max)
{
    int neg, ovf;
    uintmax_t v = parse_uint(s, end, base, &neg, (uintmax_t)max + 1, &ovf);
    if (ovf)
        return neg ? min : max;
    if (!neg && v > (uintmax_t)max) {
        errno = ERANGE;
        return max;
    }
    return neg ? (intmax_t)(0 - v) : (intmax_t)v;
}

/* Unsigned conversions negate in the unsigned type, as C requires ("-1" is ULONG_MAX). */
static uintmax_t to_unsigned(const char *s, char **end, int base, uintmax_t max)
{
    int neg, ovf;
    uintmax_t v = parse_uint(s, end, base, &neg, max, &ovf);
    if (ovf)
        return max;
    return neg ? (0 - v) & max : v;
}

long strtol(const char *s, char **end, int base)
{
    return (long)to_signed(s, end, base, LONG_MIN, LONG_MAX);
}

long long strtoll(const char *s, char **end, int base)
{
    return (long long)to_signed(s, end, base, LLONG_MIN, LLONG_MAX);
}

intmax_t strtoimax(const char *s, char **end, int base)
{
    return to_signed(s, end, base, INTMAX_MIN, INTMAX_MAX);
}

unsigned long strtoul(const char *s, char **end, int base)
{
    return (unsigned long)to_unsigned(s, end, base, ULONG_MAX);
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    return (unsigned long long)to_unsigned(s, end, base, ULLONG_MAX);
}

uintmax_t strtoumax(const char *s, char **end, int base)
{
    return to_unsigned(s, end, base, UINTMAX_MAX);
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

long long atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}

static int match_word(const char *p, const char *word)
{
    size_t n = strlen(word);
    return strncasecmp(p, word, n) == 0 ? (int)n : 0;
}

/* Decimal with optional exponent, "inf", "infinity" and "nan"; in long double for headroom. */
long double strtold(const char *s, char **end)
{
    const char *p = s;
    int neg = 0, n;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if ((n = match_word(p, "infinity")) || (n = match_word(p, "inf"))) {
        if (end)
            *end = (char *)p + n;
        return neg ? -__builtin_infl() : __builtin_infl();
    }
    if ((n = match_word(p, "nan"))) {
        if (end)
            *end = (char *)p + n;
        return __builtin_nanl("");
    }
    long double v = 0;
    int exp10 = 0, ndigits = 0;
    for (; isdigit((unsigned char)*p); p++, ndigits++) {
        if (v < 1e30L)
            v = v * 10 + (*p - '0');
        else
            exp10++;
    }
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++, ndigits++) {
            if (v < 1e30L) {
                v = v * 10 + (*p - '0');
                exp10--;
            }
        }
    }
    if (ndigits == 0) {
        if (end)
            *end = (char *)s;
        return 0;
    }
    if ((*p | 32) == 'e') {
        const char *q = p + 1;
        int eneg = 0, e = 0;
        if (*q == '+' || *q == '-')
            eneg = *q++ == '-';
        if (isdigit((unsigned char)*q)) {
            for (; isdigit((unsigned char)*q); q++)
                if (e < 100000)
                    e = e * 10 + (*q - '0');
            exp10 += eneg ? -e : e;
            p = q;
        }
    }
    if (end)
        *end = (char *)p;
    /* Scale by 10^|exp10| built from squarings, for fewer rounding steps. */
    long double scale = 1, base = 10;
    for (int e = exp10 < 0 ? -exp10 : exp10; e; e >>= 1, base *= base)
        if (e & 1)
            scale *= base;
    v = exp10 < 0 ? v / scale : v * scale;
    return neg ? -v : v;
}

double strtod(const char *s, char **end)
{
    long double v = strtold(s, end);
    double d = (double)v;
    if (d == __builtin_inf() || d == -__builtin_inf()) {
        if (v == v && v != __builtin_infl() && v != -__builtin_infl())
            errno = ERANGE;
    }
    return d;
}

float strtof(const char *s, char **end)
{
    return (float)strtod(s, end);
}

double atof(const char *s)
{
    return strtod(s, NULL);
}
