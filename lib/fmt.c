/* kvsnprintf for the freestanding core. Output beyond the buffer is counted, not written. */
#include "lib/fmt.h"
#include "lib/string.h"

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

struct spec {
    bool left, zero, plus, space, alt;
    int width, prec; /* prec < 0: none */
};

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
    int n;

    if (!s)
        s = "(null)";
    n = (int)(sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s));
    if (!sp->left)
        put_repeat(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        put_repeat(o, ' ', sp->width - n);
}

static void put_num(struct out *o, const struct spec *sp, uint64_t v, bool neg,
                    unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, prefix_len = 0, zeros, pad_right = 0;
    const char *prefix = "";

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (sp->prec == 0 && n == 1 && tmp[0] == '0')
        n = 0;
    if (neg)
        prefix = "-";
    else if (sp->plus)
        prefix = "+";
    else if (sp->space)
        prefix = " ";
    else if (sp->alt && base == 16)
        prefix = upper ? "0X" : "0x";
    else if (sp->alt && base == 8 && sp->prec <= n && !(n && tmp[n - 1] == '0'))
        prefix = "0"; /* '#': force a leading 0, unless the precision's zeros give one */
    prefix_len = (int)strlen(prefix);
    zeros = sp->prec > n ? sp->prec - n : 0;
    if (sp->zero && !sp->left && sp->prec < 0 && sp->width > prefix_len + n)
        zeros = sp->width - prefix_len - n;
    if (!sp->left)
        put_repeat(o, ' ', sp->width - prefix_len - zeros - n);
    for (int i = 0; i < prefix_len; i++)
        put(o, prefix[i]);
    put_repeat(o, '0', zeros);
    if (sp->left)
        pad_right = sp->width - prefix_len - zeros - n;
    while (n)
        put(o, tmp[--n]);
    put_repeat(o, ' ', pad_right);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        struct spec sp = { false, false, false, false, false, 0, -1 };
        int lmod = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
        uint64_t u;
        int64_t s;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        for (;;) {
            char f = *++fmt;
            if (f == '-') sp.left = true;
            else if (f == '0') sp.zero = true;
            else if (f == '+') sp.plus = true;
            else if (f == ' ') sp.space = true;
            else if (f == '#') sp.alt = true;
            else break;
        }
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = -sp.width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                sp.width = sp.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            sp.prec = 0;
            if (*fmt == '*') {
                sp.prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    sp.prec = sp.prec * 10 + (*fmt++ - '0');
            }
        }
        for (;; fmt++) {
            if (*fmt == 'l') lmod = lmod == 1 ? 2 : 1;
            else if (*fmt == 'h') lmod = lmod == -1 ? -2 : -1;
            else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') lmod = 1;
            else break;
        }
        switch (*fmt) {
        case 'd':
        case 'i':
            if (lmod >= 1) s = lmod == 2 ? va_arg(ap, long long) : va_arg(ap, long);
            else s = va_arg(ap, int);
            if (lmod == -1) s = (short)s;
            if (lmod == -2) s = (signed char)s;
            put_num(&o, &sp, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10, false);
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            if (lmod >= 1) u = lmod == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned long);
            else u = va_arg(ap, unsigned int);
            if (lmod == -1) u = (unsigned short)u;
            if (lmod == -2) u = (unsigned char)u;
            if (u == 0 && *fmt != 'o')
                sp.alt = false; /* '#' puts 0x only before a nonzero value */
            put_num(&o, &sp, u, false, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X');
            break;
        case 'p':
            sp.alt = true;
            put_num(&o, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false);
            break;
        case 's':
            put_str(&o, &sp, va_arg(ap, const char *));
            break;
        case 'c': /* not through put_str: a NUL character is output too */
            if (!sp.left)
                put_repeat(&o, ' ', sp.width - 1);
            put(&o, (char)va_arg(ap, int));
            if (sp.left)
                put_repeat(&o, ' ', sp.width - 1);
            break;
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--; /* a lone '%' at the end: stop cleanly */
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
