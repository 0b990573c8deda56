/*
 * tr - translate, squeeze or delete characters from standard input.
 * Usage: tr [-c] [-d] [-s] SET1 [SET2]
 * Sets take ranges (a-z), the escapes \n \t \r \\ \NNN (octal) and the classes
 * [:alpha:] [:digit:] [:lower:] [:upper:] [:space:] [:alnum:] [:punct:].
 * As POSIX says: when SET2 is shorter than SET1 its last character repeats;
 * -c complements SET1; -d deletes SET1; -s squeezes runs of the characters of
 * the last set given into one.
 */
#include <ctype.h>
#include <getopt.h>

#include "common.h"

struct class_name {
    const char *name;
    int (*fn)(int);
};

static const struct class_name classes[] = {
    { "alpha", isalpha }, { "digit", isdigit }, { "lower", islower }, { "upper", isupper },
    { "space", isspace }, { "alnum", isalnum }, { "punct", ispunct }, { "blank", isblank },
    { "cntrl", iscntrl }, { "print", isprint }, { "graph", isgraph }, { "xdigit", isxdigit },
};

/* One character of a set, with its escape; advances *p. */
static int set_char(const char **p)
{
    const char *s = *p;
    int c;

    if (*s != '\\' || !s[1]) {
        *p = s + 1;
        return (unsigned char)*s;
    }
    s++;
    if (*s >= '0' && *s <= '7') {
        c = 0;
        for (int i = 0; i < 3 && *s >= '0' && *s <= '7'; i++)
            c = c * 8 + (*s++ - '0');
        *p = s;
        return c & 0xff;
    }
    *p = s + 1;
    switch (*s) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    default: return (unsigned char)*s;
    }
}

/* Expand a set into out[]; returns its length or -1 for a bad class or range. */
static int expand(const char *s, unsigned char *out)
{
    int n = 0;

    while (*s) {
        if (s[0] == '[' && s[1] == ':') {
            const char *end = strstr(s + 2, ":]");
            size_t len = end ? (size_t)(end - s - 2) : 0;
            size_t i;
            for (i = 0; end && i < sizeof(classes) / sizeof(classes[0]); i++)
                if (strlen(classes[i].name) == len && !strncmp(classes[i].name, s + 2, len))
                    break;
            if (!end || i == sizeof(classes) / sizeof(classes[0]))
                return -1;
            for (int c = 0; c < 256 && n < 4096; c++)
                if (classes[i].fn(c))
                    out[n++] = (unsigned char)c;
            s = end + 2;
            continue;
        }
        int lo = set_char(&s);
        if (*s == '-' && s[1]) {
            s++;
            int hi = set_char(&s);
            if (hi < lo)
                return -1;
            for (int c = lo; c <= hi && n < 4096; c++)
                out[n++] = (unsigned char)c;
        } else if (n < 4096) {
            out[n++] = (unsigned char)lo;
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    static unsigned char set1[4096], set2[4096];
    int c, complement = 0, del = 0, squeeze = 0, n1, n2 = 0;
    unsigned char map[256], in1[256] = { 0 }, sq[256] = { 0 };

    progname = "tr";
    opterr = 0;
    while ((c = getopt(argc, argv, "+cCds")) != -1) {
        switch (c) {
        case 'c': case 'C': complement = 1; break;
        case 'd': del = 1; break;
        case 's': squeeze = 1; break;
        default: bad_option(c, 1);
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1 || (argc < 2 && !del && !squeeze)) {
        fprintf(stderr, "tr: missing operand\nTry 'tr --help' for more information.\n");
        return 1;
    }
    if (argc > 2 || (del && !squeeze && argc > 1)) {
        fprintf(stderr, "tr: extra operand '%s'\nTry 'tr --help' for more information.\n",
                argv[argc - 1]);
        return 1;
    }
    if ((n1 = expand(argv[0], set1)) < 0 || (argc > 1 && (n2 = expand(argv[1], set2)) < 0)) {
        fprintf(stderr, "tr: invalid set\n");
        return 1;
    }
    for (int i = 0; i < n1; i++)
        in1[set1[i]] = 1;
    if (complement) {
        n1 = 0;
        for (int ch = 0; ch < 256; ch++)
            if (!in1[ch])
                set1[n1++] = (unsigned char)ch;
        memset(in1, 0, sizeof(in1));
        for (int i = 0; i < n1; i++)
            in1[set1[i]] = 1;
    }
    for (int ch = 0; ch < 256; ch++)
        map[ch] = (unsigned char)ch;
    if (!del && argc > 1) {
        if (n2 == 0) {
            fprintf(stderr, "tr: when not truncating set1, string2 must be non-empty\n");
            return 1;
        }
        for (int i = 0; i < n1; i++)
            map[set1[i]] = set2[i < n2 ? i : n2 - 1];
    }
    /* The set whose characters are squeezed: SET2 if given, else SET1. */
    if (squeeze) {
        if (argc > 1 && !del)
            for (int i = 0; i < n2; i++)
                sq[set2[i]] = 1;
        else if (argc > 1)
            for (int i = 0; i < n2; i++)
                sq[set2[i]] = 1;
        else
            memcpy(sq, in1, sizeof(sq));
    }
    int last = -1;
    while ((c = getchar()) != EOF) {
        if (del && in1[c])
            continue;
        int o = map[c];
        if (squeeze && sq[o] && o == last)
            continue;
        putchar(o);
        last = o;
    }
    return ferror(stdout) ? 1 : 0;
}
