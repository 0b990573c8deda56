/*
 * printf - format and print data, as POSIX printf(1) and GNU's.
 * Usage: printf FORMAT [ARGUMENT...]
 * Escapes in FORMAT: \\ \" \a \b \e \f \n \r \t \v \NNN (octal) \xHH, and \c (stop output).
 * Conversions: %d %i %u %o %x %X %c %s %b %% with flags "-+ #0", width and precision
 * (digits or *). Numeric arguments may be decimal, 0x hex, 0 octal, or 'C / "C (the code of C).
 * The format is reused while arguments remain; missing arguments read as "" or 0.
 * Floating point conversions are not supported (anyk's libc has none).
 */
#include "common.h"

static char **args;
static int nargs, status;

static const char *next_arg(void)
{
    if (nargs == 0)
        return NULL;
    nargs--;
    return *args++;
}

/*
 * One backslash escape starting at s (after the backslash); puts the byte in *out and
 * returns how many characters it used. in_b: %b's rules (\0NNN, and \c is reported as -1).
 */
static int escape(const char *s, int *out, int in_b)
{
    int v = 0, n = 0, c;
    const char *p = s;

    switch (*p) {
    case 'a': *out = '\a'; return 1;
    case 'b': *out = '\b'; return 1;
    case 'e': *out = 033; return 1;
    case 'f': *out = '\f'; return 1;
    case 'n': *out = '\n'; return 1;
    case 'r': *out = '\r'; return 1;
    case 't': *out = '\t'; return 1;
    case 'v': *out = '\v'; return 1;
    case '\\': *out = '\\'; return 1;
    case '"': *out = '"'; return 1;
    case 'c': *out = -1; return 1;
    case 'x':
        for (p++; n < 2 && isxdigit((unsigned char)*p); p++, n++) {
            c = (unsigned char)*p;
            v = v * 16 + (isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
        }
        if (n == 0) {
            warnmsg("missing hexadecimal number in escape");
            exit(1);
        }
        *out = v;
        return 1 + n;
    }
    if (*p >= '0' && *p <= '7') {
        /* in %b an octal escape is \0 followed by up to three digits */
        if (in_b && *p == '0')
            p++;
        for (; n < 3 && *p >= '0' && *p <= '7'; p++, n++)
            v = v * 8 + (*p - '0');
        *out = v & 0xff;
        return (int)(p - s);
    }
    *out = -2; /* not an escape: print the backslash and the character */
    return 0;
}

/* Prints s with %b escapes; returns 1 if \c was met. */
static int print_b(const char *s, const char *spec)
{
    size_t cap = strlen(s) + 1, len = 0;
    char *buf = xmalloc(cap);
    int stop = 0, c;

    while (*s) {
        if (*s == '\\' && s[1]) {
            int used = escape(s + 1, &c, 1);
            if (c == -1) {
                stop = 1;
                break;
            }
            if (c == -2) {
                buf[len++] = *s++;
                continue;
            }
            buf[len++] = (char)c;
            s += 1 + used;
        } else {
            buf[len++] = *s++;
        }
    }
    buf[len] = '\0';
    /* a NUL from \0 would end %s early; only plain %b prints them as bytes */
    if (strcmp(spec, "%s") == 0)
        fwrite(buf, 1, len, stdout);
    else
        printf(spec, buf);
    free(buf);
    return stop;
}

static long long to_number(const char *a, int is_unsigned)
{
    char *end;
    long long v;

    if (!a)
        return 0;
    if (*a == '\'' || *a == '"')
        return (unsigned char)a[1];
    errno = 0;
    if (is_unsigned && *a != '-')
        v = (long long)strtoull(a, &end, 0);
    else
        v = str_to_ll(a, &end, 0);
    if (end == a) {
        warnmsg("'%s': expected a numeric value", a);
        status = 1;
    } else if (*end) {
        warnmsg("'%s': value not completely converted", a);
        status = 1;
    } else if (errno == ERANGE) {
        warnmsg("'%s': %s", a, strerror(errno));
        status = 1;
    }
    return v;
}

/* One pass over the format; returns 1 if output must stop (\c). */
static int run_format(const char *f)
{
    char spec[64];
    int c;

    while (*f) {
        if (*f == '\\') {
            int used = escape(f + 1, &c, 0);
            if (c == -1)
                return 1;
            if (c == -2) {
                putchar('\\');
                if (f[1])
                    putchar(f[1]);
                f += f[1] ? 2 : 1;
                continue;
            }
            putchar(c);
            f += 1 + used;
            continue;
        }
        if (*f != '%') {
            putchar(*f++);
            continue;
        }
        if (f[1] == '%') {
            putchar('%');
            f += 2;
            continue;
        }
        {
            size_t n = 0;
            int width = 0, prec = 0, has_width = 0, has_prec = 0;
            const char *start = f++;
            char conv;

            spec[n++] = '%';
            while (*f && strchr("-+ #0", *f) && n < 10)
                spec[n++] = *f++;
            if (*f == '*') {
                width = (int)to_number(next_arg(), 0);
                has_width = 1;
                f++;
            } else {
                while (isdigit((unsigned char)*f) && n < 30)
                    spec[n++] = *f++;
            }
            if (has_width)
                spec[n++] = '*';
            if (*f == '.') {
                spec[n++] = *f++;
                if (*f == '*') {
                    prec = (int)to_number(next_arg(), 0);
                    has_prec = 1;
                    spec[n++] = '*';
                    f++;
                } else {
                    while (isdigit((unsigned char)*f) && n < 50)
                        spec[n++] = *f++;
                }
            }
            conv = *f;
            if (!conv || !strchr("diouxXcsb", conv)) {
                warnmsg("%.*s: invalid conversion specification", (int)(f - start + (conv != 0)),
                        start);
                exit(1);
            }
            f++;
            if (strchr("diouxX", conv)) {
                spec[n++] = 'l';
                spec[n++] = 'l';
            }
            spec[n++] = conv == 'b' ? 's' : conv;
            spec[n] = '\0';
            /* hand the conversion to the C library with the right argument type */
            if (conv == 'b') {
                const char *a = next_arg();
                if (print_b(a ? a : "", spec))
                    return 1;
            } else if (conv == 's' || conv == 'c') {
                const char *a = next_arg();
                if (!a)
                    a = "";
                if (conv == 'c') {
                    int ch = (unsigned char)a[0];
                    if (has_width)
                        printf(spec, width, ch);
                    else
                        printf(spec, ch);
                } else if (has_width && has_prec) {
                    printf(spec, width, prec, a);
                } else if (has_width) {
                    printf(spec, width, a);
                } else if (has_prec) {
                    printf(spec, prec, a);
                } else {
                    printf(spec, a);
                }
            } else {
                long long v = to_number(next_arg(), conv != 'd' && conv != 'i');
                if (has_width && has_prec)
                    printf(spec, width, prec, v);
                else if (has_width)
                    printf(spec, width, v);
                else if (has_prec)
                    printf(spec, prec, v);
                else
                    printf(spec, v);
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *format;
    int before;

    progname = "printf";
    if (argc > 1 && strcmp(argv[1], "--") == 0) {
        argv++;
        argc--;
    }
    if (argc < 2)
        missing_operand(1);
    format = argv[1];
    args = argv + 2;
    nargs = argc - 2;
    /* as POSIX: reuse the format while it consumes arguments and some remain */
    do {
        before = nargs;
        if (run_format(format))
            break;
    } while (nargs > 0 && nargs < before);
    if (nargs > 0 && nargs == before && argc > 2) {
        warnmsg("warning: ignoring excess arguments, starting with '%s'", *args);
    }
    return finish_stdout() || status;
}
