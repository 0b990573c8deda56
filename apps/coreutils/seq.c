/*
 * seq - print a sequence of numbers: seq [-s SEP] [-w] [FIRST [INCREMENT]] LAST.
 * Numbers may have decimal fractions; as GNU seq, the output shows as many decimals as
 * FIRST or INCREMENT has. Arithmetic is done on integers scaled by a power of ten, so
 * 0.1 steps do not drift and no floating point is needed.
 * Options: -s SEP separator (default newline), -w pad with leading zeros to equal width.
 */
#include <getopt.h>

#include "common.h"

/* "-1.25" to -125 with *decimals = 2; returns -1 if it is not a number. */
static int parse_fixed(const char *s, long long *value, int *decimals)
{
    long long v = 0;
    int neg = 0, d = 0, digits = 0;

    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; isdigit((unsigned char)*s); s++, digits++)
        v = v * 10 + (*s - '0');
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s); s++, d++, digits++)
            v = v * 10 + (*s - '0');
    if (*s || digits == 0 || d > 9)
        return -1;
    *value = neg ? -v : v;
    *decimals = d;
    return 0;
}

static long long pow10ll(int n)
{
    long long p = 1;

    while (n-- > 0)
        p *= 10;
    return p;
}

/* value has `scale` decimals; print it with `prec` of them, zero-padded to width. */
static void format_fixed(char *out, size_t n, long long value, int scale, int prec, int width)
{
    unsigned long long a = value < 0 ? -(unsigned long long)value : (unsigned long long)value;
    char digits[48];
    int len = 0, pos = 0, i;

    /* digits from the right: the kept decimals, then the integer part */
    a /= (unsigned long long)pow10ll(scale - prec);
    for (i = 0; i < prec; i++, a /= 10)
        digits[len++] = (char)('0' + a % 10);
    if (prec > 0)
        digits[len++] = '.';
    do {
        digits[len++] = (char)('0' + a % 10);
        a /= 10;
    } while (a > 0);
    if (value < 0 && pos + 1 < (int)n)
        out[pos++] = '-';
    /* -w pads with zeros after the sign */
    for (i = len + (value < 0); i < width && pos + 1 < (int)n; i++)
        out[pos++] = '0';
    while (len > 0 && pos + 1 < (int)n)
        out[pos++] = digits[--len];
    out[pos] = '\0';
}

int main(int argc, char **argv)
{
    const char *sepstr = "\n";
    int c, equal = 0, nums, i, dec[3] = {0, 0, 0}, scale = 0, prec, width = 0;
    long long v[3] = {1, 1, 0}, x;
    char buf[96];
    int first = 1;

    progname = "seq";
    opterr = 0;
    /* "seq -1 1" must not read -1 as an option: stop at a negative number */
    while (optind < argc && argv[optind][0] == '-' &&
           !isdigit((unsigned char)argv[optind][1]) && argv[optind][1] != '.') {
        c = getopt(argc, argv, "+s:w");
        if (c == -1)
            break;
        switch (c) {
        case 's': sepstr = optarg; break;
        case 'w': equal = 1; break;
        default: bad_option(c, 1);
        }
    }
    nums = argc - optind;
    if (nums < 1)
        missing_operand(1);
    if (nums > 3) {
        fprintf(stderr, "seq: extra operand '%s'\nTry 'seq --help' for more information.\n",
                argv[optind + 3]);
        return 1;
    }
    {
        int slot[3][3] = {{2, -1, -1}, {0, 2, -1}, {0, 1, 2}};
        for (i = 0; i < nums; i++) {
            int s = slot[nums - 1][i];
            if (parse_fixed(argv[optind + i], &v[s], &dec[s]) < 0) {
                warnmsg("invalid floating point argument: '%s'", argv[optind + i]);
                fprintf(stderr, "Try 'seq --help' for more information.\n");
                return 1;
            }
        }
    }
    for (i = 0; i < 3; i++)
        if (dec[i] > scale)
            scale = dec[i];
    prec = dec[0] > dec[1] ? dec[0] : dec[1];
    for (i = 0; i < 3; i++)
        v[i] *= pow10ll(scale - dec[i]);
    if (v[1] == 0) {
        warnmsg("invalid Zero increment value: '%s'", argv[optind + 1]);
        fprintf(stderr, "Try 'seq --help' for more information.\n");
        return 1;
    }
    if (equal) {
        /* the widest of the first value and the last one printed */
        long long last = v[0];
        int w1, w2;
        if ((v[1] > 0 && v[2] >= v[0]) || (v[1] < 0 && v[2] <= v[0]))
            last = v[0] + (v[2] - v[0]) / v[1] * v[1];
        format_fixed(buf, sizeof(buf), v[0], scale, prec, 0);
        w1 = (int)strlen(buf);
        format_fixed(buf, sizeof(buf), last, scale, prec, 0);
        w2 = (int)strlen(buf);
        width = w1 > w2 ? w1 : w2;
    }
    for (x = v[0]; v[1] > 0 ? x <= v[2] : x >= v[2]; x += v[1]) {
        format_fixed(buf, sizeof(buf), x, scale, prec, width);
        if (!first)
            fputs(sepstr, stdout);
        fputs(buf, stdout);
        first = 0;
    }
    if (!first)
        putchar('\n');
    return finish_stdout();
}
