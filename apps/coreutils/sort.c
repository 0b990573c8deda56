/*
 * sort - sort the lines of all files (or standard input) together.
 * Options: -r reverse, -n numeric (leading blanks, sign, digits, one decimal point),
 * -u keep the first of each run of equal lines, -f fold lower case to upper case,
 * -b ignore leading blanks in keys, -t SEP field separator, -k POS1[,POS2] sort key
 * (fields numbered from 1, optional per-key n/r/f/b letters), -o FILE output file.
 * Comparison is by bytes (the C locale). Ties are broken, as GNU does, by comparing whole
 * lines, unless -u; equal lines keep their input order.
 */
#include <fcntl.h>
#include <getopt.h>

#include "common.h"

struct line {
    const char *s;
    size_t len;
    size_t index;
};

struct key {
    int sfield, efield;   /* 1-based; efield 0: to the end of the line */
    int numeric, reverse, fold, blanks;
};

static struct key keys[10];
static int nkeys, unique;
static struct key global;
static int sep = -1;

/* Start of field f (1-based) in [s, end): with no -t, a field begins with its blanks. */
static const char *field_start(const char *s, const char *end, int f)
{
    while (--f > 0 && s < end) {
        if (sep >= 0) {
            while (s < end && *s != sep)
                s++;
            if (s < end)
                s++;
        } else {
            while (s < end && isblank((unsigned char)*s))
                s++;
            while (s < end && !isblank((unsigned char)*s))
                s++;
        }
    }
    return s;
}

static const char *field_end(const char *s, const char *end, int f)
{
    s = field_start(s, end, f);
    if (sep >= 0) {
        while (s < end && *s != sep)
            s++;
    } else {
        while (s < end && isblank((unsigned char)*s))
            s++;
        while (s < end && !isblank((unsigned char)*s))
            s++;
    }
    return s;
}

/* Numeric comparison on the text itself, so any length of digits compares right. */
static int numcmp(const char *a, const char *ae, const char *b, const char *be)
{
    int na = 0, nb = 0, sign, r = 0;
    const char *ia, *ib, *fa, *fb;
    size_t la, lb;

    while (a < ae && isblank((unsigned char)*a))
        a++;
    while (b < be && isblank((unsigned char)*b))
        b++;
    if (a < ae && *a == '-') {
        na = 1;
        a++;
    }
    if (b < be && *b == '-') {
        nb = 1;
        b++;
    }
    while (a < ae && *a == '0')
        a++;
    while (b < be && *b == '0')
        b++;
    for (ia = a; ia < ae && isdigit((unsigned char)*ia); ia++)
        ;
    for (ib = b; ib < be && isdigit((unsigned char)*ib); ib++)
        ;
    fa = ia;
    fb = ib;
    la = (size_t)(ia - a);
    lb = (size_t)(ib - b);
    /* fractions: the digits after a decimal point */
    {
        const char *xa = fa < ae && *fa == '.' ? fa + 1 : fa;
        const char *xb = fb < be && *fb == '.' ? fb + 1 : fb;
        const char *ya = xa, *yb = xb;
        int zero_a, zero_b;

        while (ya < ae && isdigit((unsigned char)*ya))
            ya++;
        while (yb < be && isdigit((unsigned char)*yb))
            yb++;
        zero_a = la == 0;
        for (const char *p = xa; p < ya; p++)
            if (*p != '0')
                zero_a = 0;
        zero_b = lb == 0;
        for (const char *p = xb; p < yb; p++)
            if (*p != '0')
                zero_b = 0;
        /* -0 equals 0 */
        if (zero_a)
            na = 0;
        if (zero_b)
            nb = 0;
        if (na != nb)
            return na ? -1 : 1;
        sign = na ? -1 : 1;
        if (la != lb)
            return la < lb ? -sign : sign;
        r = memcmp(a, b, la);
        if (r)
            return r < 0 ? -sign : sign;
        while (xa < ya || xb < yb) {
            int da = xa < ya ? *xa++ : '0', db = xb < yb ? *xb++ : '0';
            if (da != db)
                return da < db ? -sign : sign;
        }
    }
    return 0;
}

static int textcmp(const char *a, const char *ae, const char *b, const char *be, int fold)
{
    while (a < ae && b < be) {
        int ca = (unsigned char)*a++, cb = (unsigned char)*b++;
        if (fold) {
            ca = toupper(ca);
            cb = toupper(cb);
        }
        if (ca != cb)
            return ca - cb;
    }
    return (a < ae) - (b < be);
}

static int keycmp(const struct line *x, const struct line *y, const struct key *k)
{
    const char *a = x->s, *ae = x->s + x->len, *b = y->s, *be = y->s + y->len;
    int r;

    if (k->sfield > 0) {
        const char *na = field_start(a, ae, k->sfield), *nb = field_start(b, be, k->sfield);
        if (k->efield > 0) {
            ae = field_end(a, ae, k->efield);
            be = field_end(b, be, k->efield);
        }
        a = na;
        b = nb;
        if (ae < a)
            ae = a;
        if (be < b)
            be = b;
    }
    if (k->blanks) {
        while (a < ae && isblank((unsigned char)*a))
            a++;
        while (b < be && isblank((unsigned char)*b))
            b++;
    }
    r = k->numeric ? numcmp(a, ae, b, be) : textcmp(a, ae, b, be, k->fold);
    return k->reverse ? -r : r;
}

static int compare_keys(const struct line *x, const struct line *y)
{
    int i, r;

    if (nkeys == 0)
        return keycmp(x, y, &global);
    for (i = 0; i < nkeys; i++)
        if ((r = keycmp(x, y, &keys[i])) != 0)
            return r;
    return 0;
}

static int compare(const void *pa, const void *pb)
{
    const struct line *x = pa, *y = pb;
    int r = compare_keys(x, y);

    if (r)
        return r;
    if (!unique && (nkeys > 0 || global.numeric || global.fold || global.blanks)) {
        /* GNU's last resort: the whole lines, bytewise */
        r = textcmp(x->s, x->s + x->len, y->s, y->s + y->len, 0);
        if (r)
            return global.reverse ? -r : r;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

/* "2", "2,3", "2n", "1.1" (character offsets are ignored), "2,2r". */
static int parse_key(const char *s, struct key *k)
{
    char *end;

    *k = global;
    k->sfield = (int)strtol(s, &end, 10);
    if (end == s || k->sfield < 1)
        return -1;
    if (*end == '.')
        strtol(end + 1, &end, 10);
    for (; *end && *end != ','; end++) {
        switch (*end) {
        case 'n': k->numeric = 1; break;
        case 'r': k->reverse = 1; break;
        case 'f': k->fold = 1; break;
        case 'b': k->blanks = 1; break;
        default: return -1;
        }
    }
    k->efield = 0;
    if (*end == ',') {
        s = end + 1;
        k->efield = (int)strtol(s, &end, 10);
        if (end == s || k->efield < 1)
            return -1;
        if (*end == '.')
            strtol(end + 1, &end, 10);
        for (; *end; end++) {
            switch (*end) {
            case 'n': k->numeric = 1; break;
            case 'r': k->reverse = 1; break;
            case 'f': k->fold = 1; break;
            case 'b': k->blanks = 1; break;
            default: return -1;
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int c, i, status = 0;
    static char *dash[] = {"-", NULL};
    char **files;
    const char *outname = NULL;
    struct line *lines = NULL;
    size_t nlines = 0, cap = 0, k;
    FILE *out = stdout;

    progname = "sort";
    opterr = 0;
    while ((c = getopt(argc, argv, "rnufbt:k:o:s")) != -1) {
        switch (c) {
        case 'r': global.reverse = 1; break;
        case 'n': global.numeric = 1; break;
        case 'u': unique = 1; break;
        case 'f': global.fold = 1; break;
        case 'b': global.blanks = 1; break;
        case 's': break;
        case 't':
            if (strlen(optarg) != 1) {
                warnmsg("multi-character tab '%s'", optarg);
                return 2;
            }
            sep = (unsigned char)optarg[0];
            break;
        case 'k':
            if (nkeys == 10 || parse_key(optarg, &keys[nkeys]) < 0) {
                warnmsg("invalid key: '%s'", optarg);
                return 2;
            }
            nkeys++;
            break;
        case 'o': outname = optarg; break;
        default: bad_option(c, 2);
        }
    }
    /* options given after -k still apply to keys that set none of their own */
    for (i = 0; i < nkeys; i++) {
        if (!keys[i].numeric && !keys[i].reverse && !keys[i].fold && !keys[i].blanks) {
            int s = keys[i].sfield, e = keys[i].efield;
            keys[i] = global;
            keys[i].sfield = s;
            keys[i].efield = e;
        }
    }
    files = optind < argc ? argv + optind : dash;
    for (i = 0; files[i]; i++) {
        int fd = 0;
        size_t len;
        char *buf, *p, *end;

        if (strcmp(files[i], "-") != 0 && (fd = open(files[i], O_RDONLY)) < 0) {
            warnmsg("cannot read: %s: %s", files[i], strerror(errno));
            return 2;
        }
        buf = slurp_fd(fd, &len);
        if (!buf) {
            warnmsg("read failed: %s: %s", files[i], strerror(errno));
            return 2;
        }
        if (fd != 0)
            close(fd);
        /* the buffers stay alive until exit: lines point into them */
        for (p = buf, end = buf + len; p < end;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
            if (nlines == cap) {
                cap = cap ? cap * 2 : 1024;
                lines = xrealloc(lines, cap * sizeof(*lines));
            }
            lines[nlines].s = p;
            lines[nlines].len = l;
            lines[nlines].index = nlines;
            nlines++;
            p += l + 1;
        }
    }
    qsort(lines, nlines, sizeof(*lines), compare);
    if (outname && !(out = fopen(outname, "w"))) {
        warnmsg("open failed: %s: %s", outname, strerror(errno));
        return 2;
    }
    for (k = 0; k < nlines; k++) {
        if (unique && k > 0 && compare_keys(&lines[k - 1], &lines[k]) == 0)
            continue;
        fwrite(lines[k].s, 1, lines[k].len, out);
        putc('\n', out);
    }
    if (out != stdout && fclose(out) != 0) {
        warnmsg("write failed: %s: %s", outname, strerror(errno));
        status = 2;
    }
    return finish_stdout() ? 2 : status;
}
