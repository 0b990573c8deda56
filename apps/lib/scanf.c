/*
 * scanf.c - formatted input (C11 7.21.6.2): the conversions d i u o x X c s
 * [ n p % with widths, '*' suppression and the length modifiers hh h l ll j
 * z t; e f g read through strtod. Input comes from a string or from a stream
 * one character at a time, so a stream keeps everything not consumed.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libc_impl.h"

struct in {
    const char *s;      /* string source, or */
    FILE *f;            /* stream source */
    long count;         /* characters consumed, for %n */
};

static int in_get(struct in *in)
{
    int c;
    if (in->f) {
        c = fgetc(in->f);
    } else {
        c = *in->s ? (unsigned char)*in->s++ : EOF;
    }
    if (c != EOF)
        in->count++;
    return c;
}

static void in_unget(struct in *in, int c)
{
    if (c == EOF)
        return;
    in->count--;
    if (in->f)
        ungetc(c, in->f);
    else
        in->s--;
}

static void skip_space(struct in *in)
{
    int c;
    while ((c = in_get(in)) != EOF && isspace(c))
        ;
    in_unget(in, c);
}

static void store_int(void *p, char len, uintmax_t v)
{
    switch (len) {
    case 'H': *(char *)p = (char)v; break;
    case 'h': *(short *)p = (short)v; break;
    case 'l': case 'z': case 't': case 'j': case 'q': *(long *)p = (long)v; break;
    default: *(int *)p = (int)v; break;
    }
}

/* Read the characters of a number (at most width) into buf, as strtol/strtod would take them. */
static int scan_number(struct in *in, char *buf, int width, int base, int is_float)
{
    int n = 0, c;
    if (width <= 0 || width > 127)
        width = 127;
    while (n < width) {
        c = in_get(in);
        if (c == EOF || c == 0)
            break;
        int sign = n > 0 && (buf[0] == '+' || buf[0] == '-');
        int ndig = n - sign, ok;
        if ((c == '+' || c == '-') && (n == 0 || (is_float && (buf[n - 1] | 32) == 'e'))) {
            ok = 1;
        } else if (is_float) {
            ok = isdigit(c) || c == '.' || strchr("eEinfatyINFATY", c);
        } else if ((c | 32) == 'x' && (base == 0 || base == 16) && ndig == 1 &&
                   buf[n - 1] == '0') {
            ok = 1;
            base = 16;
        } else {
            int eff = base ? base : ndig >= 1 && buf[sign] == '0' ? 8 : 10;
            int d = isdigit(c) ? c - '0' : isalpha(c) ? (c | 32) - 'a' + 10 : 99;
            ok = d < eff;
        }
        if (!ok) {
            in_unget(in, c);
            break;
        }
        buf[n++] = (char)c;
    }
    buf[n] = 0;
    return n;
}

static int vscan(struct in *in, const char *fmt, va_list ap)
{
    int assigned = 0;
    for (const char *p = fmt; *p; p++) {
        if (isspace((unsigned char)*p)) {
            skip_space(in);
            continue;
        }
        if (*p != '%' || p[1] == '%') {
            if (*p == '%')
                p++;
            int c = in_get(in);
            if (c != (unsigned char)*p) {
                in_unget(in, c);
                return c == EOF && assigned == 0 ? EOF : assigned;
            }
            continue;
        }
        p++;
        int suppress = 0, width = 0;
        if (*p == '*') {
            suppress = 1;
            p++;
        }
        while (isdigit((unsigned char)*p))
            width = width * 10 + (*p++ - '0');
        char len = 0;
        if (p[0] == 'h' && p[1] == 'h')
            len = 'H', p += 2;
        else if (p[0] == 'l' && p[1] == 'l')
            len = 'q', p += 2;
        else if (strchr("hljztLq", *p))
            len = *p++;
        char conv = *p;
        if (!conv)
            break;
        if (conv == 'n') {
            if (!suppress)
                store_int(va_arg(ap, void *), len, (uintmax_t)in->count);
            continue;
        }
        if (conv != 'c' && conv != '[')
            skip_space(in);
        int c = in_get(in);
        if (c == EOF)
            return assigned == 0 ? EOF : assigned;
        in_unget(in, c);

        if (conv == 'c' || conv == 's' || conv == '[') {
            char set[256];
            if (conv == '[') {
                int neg = 0;
                memset(set, 0, sizeof(set));
                p++;
                if (*p == '^')
                    neg = 1, p++;
                if (*p == ']')
                    set[(unsigned char)*p++] = 1;
                for (; *p && *p != ']'; p++) {
                    if (p[1] == '-' && p[2] && p[2] != ']') {
                        for (int ch = (unsigned char)p[0]; ch <= (unsigned char)p[2]; ch++)
                            set[ch] = 1;
                        p += 2;
                    } else {
                        set[(unsigned char)*p] = 1;
                    }
                }
                if (neg)
                    for (int i = 0; i < 256; i++)
                        set[i] = !set[i];
                if (!*p)
                    return assigned;
            }
            if (width == 0)
                width = conv == 'c' ? 1 : -1;
            char *dst = suppress ? NULL : va_arg(ap, char *);
            int n = 0;
            while (width < 0 || n < width) {
                c = in_get(in);
                if (c == EOF)
                    break;
                if ((conv == 's' && isspace(c)) || (conv == '[' && !set[c])) {
                    in_unget(in, c);
                    break;
                }
                if (dst)
                    dst[n] = (char)c;
                n++;
            }
            if (n == 0 || (conv == 'c' && n < width))
                return assigned;
            if (dst && conv != 'c')
                dst[n] = 0;
            if (dst)
                assigned++;
            continue;
        }

        char num[128], *end;
        int base = 10, is_float = 0, is_signed = 1;
        switch (conv) {
        case 'd': break;
        case 'i': base = 0; break;
        case 'u': is_signed = 0; break;
        case 'o': base = 8; is_signed = 0; break;
        case 'x': case 'X': case 'p': base = 16; is_signed = 0; break;
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': is_float = 1; break;
        default: return assigned;
        }
        int n = scan_number(in, num, width, base, is_float);
        if (n == 0)
            return assigned;
        if (is_float) {
            long double v = strtold(num, &end);
            if (end == num)
                return assigned;
            if (!suppress) {
                void *dst = va_arg(ap, void *);
                if (len == 'L')
                    *(long double *)dst = v;
                else if (len == 'l')
                    *(double *)dst = (double)v;
                else
                    *(float *)dst = (float)v;
                assigned++;
            }
            continue;
        }
        uintmax_t v = is_signed ? (uintmax_t)strtoimax(num, &end, base)
                                : strtoumax(num, &end, base);
        if (end == num)
            return assigned;
        if (!suppress) {
            void *dst = va_arg(ap, void *);
            if (conv == 'p')
                *(void **)dst = (void *)(uintptr_t)v;
            else
                store_int(dst, len, v);
            assigned++;
        }
    }
    return assigned;
}

int vsscanf(const char *s, const char *fmt, va_list ap)
{
    struct in in = {.s = s};
    return vscan(&in, fmt, ap);
}

int sscanf(const char *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsscanf(s, fmt, ap);
    va_end(ap);
    return r;
}

int vfscanf(FILE *f, const char *fmt, va_list ap)
{
    struct in in = {.f = f};
    return vscan(&in, fmt, ap);
}

int fscanf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfscanf(f, fmt, ap);
    va_end(ap);
    return r;
}

int scanf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfscanf(stdin, fmt, ap);
    va_end(ap);
    return r;
}
