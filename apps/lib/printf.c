/*
 * printf.c - the printf family (C11 7.21.6.1): one formatting engine,
 * __vformat, writing through a sink that is a caller's buffer (snprintf),
 * a stream (fprintf) or a descriptor (dprintf).
 *
 * Supported: flags - + space # 0, width and precision (also as *), length
 * modifiers hh h l ll z j t L, conversions d i u o x X c s p n % e E f F g G.
 * Floating point is formatted from a long double digit generator: exact for
 * what people print (up to ~18 significant digits), not for 1e300 in %f.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libc_impl.h"

#define F_MINUS 1
#define F_PLUS 2
#define F_SPACE 4
#define F_HASH 8
#define F_ZERO 16

static void sink_flush(struct __fmt_sink *s)
{
    if (s->clen == 0)
        return;
    if (s->f) {
        if (__stdio_putn(s->f, s->chunk, s->clen) < 0)
            s->err = 1;
    } else {
        size_t off = 0;
        while (off < s->clen) {
            ssize_t w = write(s->fd, s->chunk + off, s->clen - off);
            if (w <= 0) {
                s->err = 1;
                break;
            }
            off += (size_t)w;
        }
    }
    s->clen = 0;
}

static void out(struct __fmt_sink *s, const char *p, size_t n)
{
    if (s->f || s->fd >= 0) {
        while (n) {
            size_t k = sizeof(s->chunk) - s->clen;
            if (k > n)
                k = n;
            memcpy(s->chunk + s->clen, p, k);
            s->clen += k;
            p += k;
            n -= k;
            s->len += k;
            if (s->clen == sizeof(s->chunk))
                sink_flush(s);
        }
        return;
    }
    if (s->len < s->cap) {
        size_t room = s->cap - 1 - s->len;
        memcpy(s->buf + s->len, p, n < room ? n : room);
    }
    s->len += n;
}

static void pad(struct __fmt_sink *s, char c, int n)
{
    char b[32];
    memset(b, c, sizeof(b));
    while (n > 0) {
        int k = n < (int)sizeof(b) ? n : (int)sizeof(b);
        out(s, b, (size_t)k);
        n -= k;
    }
}

/*
 * Emit prefix (sign, 0x) and body with width and flags: spaces before the
 * prefix, or zeros between prefix and body with '0', or spaces after with '-'.
 * zeros is extra leading zeros the precision asks for.
 */
static void emit_field(struct __fmt_sink *s, int flags, int width, const char *prefix,
                       int zeros, const char *body, int blen)
{
    int plen = (int)strlen(prefix);
    int total = plen + zeros + blen;
    int fill = width > total ? width - total : 0;
    if (!(flags & (F_MINUS | F_ZERO)))
        pad(s, ' ', fill);
    out(s, prefix, (size_t)plen);
    if ((flags & (F_MINUS | F_ZERO)) == F_ZERO)
        pad(s, '0', fill);
    pad(s, '0', zeros);
    out(s, body, (size_t)blen);
    if (flags & F_MINUS)
        pad(s, ' ', fill);
}

static void fmt_int(struct __fmt_sink *s, uintmax_t v, int neg, int base, int upper, int flags,
                    int width, int prec)
{
    char buf[72], prefix[4] = "";
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    while (v) {
        buf[sizeof(buf) - 1 - n++] = digits[v % (unsigned)base];
        v /= (unsigned)base;
    }
    int zeros = prec > n ? prec - n : 0;
    if (prec < 0 && n == 0)
        zeros = 1;  /* plain 0 */
    if (base == 8 && (flags & F_HASH) && zeros == 0 && (n == 0 || buf[sizeof(buf) - n] != '0'))
        zeros = 1;
    if (neg)
        strcpy(prefix, "-");
    else if (flags & F_PLUS)
        strcpy(prefix, "+");
    else if (flags & F_SPACE)
        strcpy(prefix, " ");
    if (base == 16 && (flags & F_HASH) && n > 0)
        strcat(prefix, upper ? "0X" : "0x");
    if (prec >= 0)
        flags &= ~F_ZERO;   /* C: a precision makes the 0 flag ignored for integers */
    emit_field(s, flags, width, prefix, zeros, buf + sizeof(buf) - n, n);
}

/* ---- floating point ------------------------------------------------------------- */

#define MAXDIG 40

/*
 * v > 0 finite. Produce nd significant digits (nd may be 0) of v, rounded
 * to nearest, into d[] as values 0-9; return the decimal exponent of the first
 * digit. Rounding may carry into a new leading digit, in which case the
 * exponent grows by one and the digit count stays nd (or becomes 1 if nd was 0).
 */
static int gen_digits(long double v, int nd, char *d, int *ndout)
{
    int e = 0;
    while (v >= 1e16L) {
        v /= 1e16L;
        e += 16;
    }
    while (v >= 10) {
        v /= 10;
        e++;
    }
    while (v < 1e-16L) {
        v *= 1e16L;
        e -= 16;
    }
    while (v < 1) {
        v *= 10;
        e--;
    }
    int real = nd < 19 ? nd : 19;   /* beyond ~19 digits long double has nothing to say */
    for (int i = 0; i < real; i++) {
        int dig = (int)v;
        d[i] = (char)dig;
        v = (v - dig) * 10;
    }
    for (int i = real; i < nd; i++)
        d[i] = 0;
    /* round half to even on an exact tie (0.5 -> 0, 2.5 -> 2), as glibc does */
    int last_odd = real > 0 && (d[real - 1] & 1);
    if (nd <= 19 && (v > 5 || (v == 5 && last_odd))) {
        int i = real - 1;
        while (i >= 0 && d[i] == 9)
            d[i--] = 0;
        if (i >= 0) {
            d[i]++;
        } else {
            /* 9.99 -> 10.0: a new leading 1, one more in the exponent */
            if (nd > 0)
                memmove(d + 1, d, (size_t)nd - 1);
            d[0] = 1;
            e++;
            if (nd == 0)
                nd = 1;
        }
    }
    *ndout = nd;
    return e;
}

/* %f body of v >= 0 with prec decimals into buf; returns its length. */
static int body_f(long double v, int prec, int hash, char *buf, int cap)
{
    char d[MAXDIG * 10];
    int n = 0, nd = 0, e;
    if (v == 0) {
        e = 0;
        nd = 0;
    } else {
        /* significant digits needed: those before the point plus prec after */
        int want;
        long double t = v;
        int ex = 0;
        while (t >= 10) {
            t /= 10;
            ex++;
        }
        while (t < 1) {
            t *= 10;
            ex--;
        }
        want = ex + 1 + prec;
        if (want < 0) {
            e = 0;
            nd = 0;
        } else {
            if (want > (int)sizeof(d))
                want = (int)sizeof(d);
            e = gen_digits(v, want, d, &nd);
        }
    }
    /* integer part: digits d[0..e], zeros if e >= nd */
    if (nd == 0 || e < 0) {
        buf[n++] = '0';
    } else {
        for (int i = 0; i <= e && n < cap - 2; i++)
            buf[n++] = (char)('0' + (i < nd ? d[i] : 0));
    }
    if (prec > 0 || hash)
        buf[n++] = '.';
    for (int i = 1; i <= prec && n < cap - 1; i++) {
        int idx = e + i;    /* digit with weight 10^-i */
        buf[n++] = (char)('0' + (nd > 0 && idx >= 0 && idx < nd ? d[idx] : 0));
    }
    return n;
}

/* %e body: d.ddde+XX */
static int body_e(long double v, int prec, int hash, int upper, char *buf, int *exp_out)
{
    char d[MAXDIG];
    int nd, e = 0, n = 0;
    if (prec > MAXDIG - 1)
        prec = MAXDIG - 1;
    if (v == 0) {
        nd = prec + 1;
        memset(d, 0, (size_t)nd);
    } else {
        e = gen_digits(v, prec + 1, d, &nd);
    }
    buf[n++] = (char)('0' + d[0]);
    if (prec > 0 || hash)
        buf[n++] = '.';
    for (int i = 1; i <= prec; i++)
        buf[n++] = (char)('0' + d[i]);
    buf[n++] = upper ? 'E' : 'e';
    buf[n++] = e < 0 ? '-' : '+';
    int ae = e < 0 ? -e : e;
    if (ae >= 1000)
        buf[n++] = (char)('0' + ae / 1000 % 10);
    if (ae >= 100)
        buf[n++] = (char)('0' + ae / 100 % 10);
    buf[n++] = (char)('0' + ae / 10 % 10);
    buf[n++] = (char)('0' + ae % 10);
    if (exp_out)
        *exp_out = e;
    return n;
}

static void fmt_float(struct __fmt_sink *s, long double v, char conv, int flags, int width,
                      int prec)
{
    char buf[600], prefix[2] = "";
    int upper = conv >= 'A' && conv <= 'Z';
    int neg = __builtin_signbit(v) != 0;
    if (neg)
        v = -v;
    if (neg)
        prefix[0] = '-';
    else if (flags & F_PLUS)
        prefix[0] = '+';
    else if (flags & F_SPACE)
        prefix[0] = ' ';
    if (v != v || v == __builtin_infl()) {
        const char *t = v != v ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
        emit_field(s, flags & ~F_ZERO, width, prefix, 0, t, 3);
        return;
    }
    if (prec < 0)
        prec = 6;
    if (prec > 500)
        prec = 500;
    int n, hash = (flags & F_HASH) != 0;
    char lc = (char)(conv | 32);
    if (lc == 'f') {
        n = body_f(v, prec, hash, buf, (int)sizeof(buf));
    } else if (lc == 'e') {
        n = body_e(v, prec, hash, upper, buf, NULL);
    } else {
        /* %g: P significant digits; %e style if the exponent X < -4 or X >= P */
        int p = prec == 0 ? 1 : prec, x = 0;
        char tmp[64];
        if (p > MAXDIG - 1)
            p = MAXDIG - 1;
        if (v != 0)
            body_e(v, p - 1, 0, upper, tmp, &x);
        if (x < -4 || x >= p)
            n = body_e(v, p - 1, hash, upper, buf, NULL);
        else
            n = body_f(v, p - 1 - x, hash, buf, (int)sizeof(buf));
        if (!hash && memchr(buf, '.', (size_t)n)) {
            /* strip trailing zeros of the fraction, and the point if nothing is left */
            char *epos = memchr(buf, upper ? 'E' : 'e', (size_t)n);
            int end = epos ? (int)(epos - buf) : n, k = end;
            while (buf[k - 1] == '0')
                k--;
            if (buf[k - 1] == '.')
                k--;
            memmove(buf + k, buf + end, (size_t)(n - end));
            n -= end - k;
        }
    }
    emit_field(s, flags, width, prefix, 0, buf, n);
}

/* ---- the engine ------------------------------------------------------------------ */

int __vformat(struct __fmt_sink *s, const char *fmt, va_list ap)
{
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            const char *q = p;
            while (q[1] && q[1] != '%')
                q++;
            out(s, p, (size_t)(q - p + 1));
            p = q;
            continue;
        }
        int flags = 0, width = 0, prec = -1;
        for (;; p++) {
            char c = p[1];
            if (c == '-')
                flags |= F_MINUS;
            else if (c == '+')
                flags |= F_PLUS;
            else if (c == ' ')
                flags |= F_SPACE;
            else if (c == '#')
                flags |= F_HASH;
            else if (c == '0')
                flags |= F_ZERO;
            else
                break;
        }
        p++;
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_MINUS;
                width = width == INT_MIN ? INT_MAX : -width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                width = width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(ap, int);
                if (prec < 0)
                    prec = -1;
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    prec = prec * 10 + (*p++ - '0');
            }
        }
        /* length: 'H' hh, 'h', 'l', 'q' ll, 'j', 'z', 't', 'L' */
        char len = 0;
        if (p[0] == 'h' && p[1] == 'h')
            len = 'H', p += 2;
        else if (p[0] == 'l' && p[1] == 'l')
            len = 'q', p += 2;
        else if (*p == 'h' || *p == 'l' || *p == 'j' || *p == 'z' || *p == 't' || *p == 'L')
            len = *p++;
        else if (*p == 'q')
            len = 'q', p++;

        char conv = *p;
        if (!conv)
            break;
        switch (conv) {
        case 'd':
        case 'i': {
            intmax_t v;
            switch (len) {
            case 'H': v = (signed char)va_arg(ap, int); break;
            case 'h': v = (short)va_arg(ap, int); break;
            case 'l': v = va_arg(ap, long); break;
            case 'q': v = va_arg(ap, long long); break;
            case 'j': v = va_arg(ap, intmax_t); break;
            case 'z': v = va_arg(ap, ssize_t); break;
            case 't': v = va_arg(ap, ptrdiff_t); break;
            default: v = va_arg(ap, int); break;
            }
            uintmax_t mag = v < 0 ? 0 - (uintmax_t)v : (uintmax_t)v;
            fmt_int(s, mag, v < 0, 10, 0, flags, width, prec);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            uintmax_t v;
            switch (len) {
            case 'H': v = (unsigned char)va_arg(ap, unsigned); break;
            case 'h': v = (unsigned short)va_arg(ap, unsigned); break;
            case 'l': v = va_arg(ap, unsigned long); break;
            case 'q': v = va_arg(ap, unsigned long long); break;
            case 'j': v = va_arg(ap, uintmax_t); break;
            case 'z': v = va_arg(ap, size_t); break;
            case 't': v = (uintmax_t)va_arg(ap, ptrdiff_t); break;
            default: v = va_arg(ap, unsigned); break;
            }
            int base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            fmt_int(s, v, 0, base, conv == 'X', flags & ~(F_PLUS | F_SPACE), width, prec);
            break;
        }
        case 'p': {
            void *v = va_arg(ap, void *);
            if (!v)
                emit_field(s, flags & ~F_ZERO, width, "", 0, "(nil)", 5);
            else
                fmt_int(s, (uintptr_t)v, 0, 16, 0, (flags | F_HASH) & ~(F_PLUS | F_SPACE),
                        width, prec);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            emit_field(s, flags & ~F_ZERO, width, "", 0, &c, 1);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            size_t n = prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str);
            emit_field(s, flags & ~F_ZERO, width, "", 0, str, (int)n);
            break;
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G': {
            long double v = len == 'L' ? va_arg(ap, long double) : va_arg(ap, double);
            fmt_float(s, v, conv, flags, width, prec);
            break;
        }
        case 'n': {
            void *np = va_arg(ap, void *);
            switch (len) {
            case 'H': *(signed char *)np = (signed char)s->len; break;
            case 'h': *(short *)np = (short)s->len; break;
            case 'l': case 'z': case 't': case 'j': case 'q': *(long *)np = (long)s->len; break;
            default: *(int *)np = (int)s->len; break;
            }
            break;
        }
        case '%':
            out(s, "%", 1);
            break;
        default:
            /* unknown conversion: print it as written, which shows the mistake */
            out(s, "%", 1);
            out(s, &conv, 1);
            break;
        }
    }
    if (s->f || s->fd >= 0)
        sink_flush(s);
    else if (s->cap)
        s->buf[s->len < s->cap ? s->len : s->cap - 1] = 0;
    if (s->err)
        return -1;
    if (s->len > INT_MAX) {
        errno = EOVERFLOW;
        return -1;
    }
    return (int)s->len;
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct __fmt_sink s = {.buf = buf, .cap = n, .fd = -1};
    return __vformat(&s, fmt, ap);
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)INT_MAX + 1, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsprintf(buf, fmt, ap);
    va_end(ap);
    return r;
}

int vasprintf(char **sp, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !(*sp = malloc((size_t)n + 1)))
        return -1;
    return vsnprintf(*sp, (size_t)n + 1, fmt, ap);
}

int asprintf(char **sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(sp, fmt, ap);
    va_end(ap);
    return r;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    struct __fmt_sink s = {.f = f, .fd = -1};
    return __vformat(&s, fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

int vprintf(const char *fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
    struct __fmt_sink s = {.fd = fd};
    return __vformat(&s, fmt, ap);
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vdprintf(fd, fmt, ap);
    va_end(ap);
    return r;
}
