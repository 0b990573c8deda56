/*
 * cut - print selected parts of each line.
 * Usage: cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE...]
 * LIST is ranges separated by commas: N, N-M, N-, -M (1-based). Bytes and
 * characters are the same here (no multibyte locales). With -f, lines without
 * the delimiter are printed whole unless -s.
 */
#include <getopt.h>

#include "common.h"

#define MAXF 4096

static unsigned char want[MAXF + 2]; /* want[i]: field/byte i selected; want[MAXF+1]: all above */

static int parse_list(const char *s)
{
    while (*s) {
        long lo = 1, hi = MAXF + 1;
        char *e;
        if (*s != '-') {
            lo = strtol(s, &e, 10);
            if (e == s || lo < 1)
                return -1;
            s = e;
            hi = lo;
        }
        if (*s == '-') {
            s++;
            hi = MAXF + 1;
            if (*s >= '0' && *s <= '9') {
                hi = strtol(s, &e, 10);
                s = e;
            }
        }
        if (hi < lo)
            return -1;
        for (long i = lo; i <= hi && i <= MAXF + 1; i++)
            want[i] = 1;
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return 0;
}

static int sel(size_t i)
{
    return want[i <= MAXF ? i : MAXF + 1];
}

static void cut_line(char *line, size_t len, int fields, char delim, int only_delim)
{
    if (!fields) {
        for (size_t i = 0; i < len; i++)
            if (sel(i + 1))
                putchar(line[i]);
        putchar('\n');
        return;
    }
    if (!memchr(line, delim, len)) {
        if (!only_delim) {
            fwrite(line, 1, len, stdout);
            putchar('\n');
        }
        return;
    }
    size_t f = 1, start = 0;
    int first = 1;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || line[i] == delim) {
            if (sel(f)) {
                if (!first)
                    putchar(delim);
                fwrite(line + start, 1, i - start, stdout);
                first = 0;
            }
            f++;
            start = i + 1;
        }
    }
    putchar('\n');
}

int main(int argc, char **argv)
{
    int c, mode = 0, only_delim = 0, status = 0;
    char delim = '\t';
    const char *list = NULL;

    progname = "cut";
    opterr = 0;
    while ((c = getopt(argc, argv, "b:c:f:d:sn")) != -1) {
        switch (c) {
        case 'b': case 'c': case 'f':
            if (mode) {
                fprintf(stderr, "cut: only one type of list may be specified\n");
                return 1;
            }
            mode = c;
            list = optarg;
            break;
        case 'd':
            if (strlen(optarg) != 1) {
                fprintf(stderr, "cut: the delimiter must be a single character\n");
                return 1;
            }
            delim = optarg[0];
            break;
        case 's': only_delim = 1; break;
        case 'n': break;
        default: bad_option(c, 1);
        }
    }
    if (!mode) {
        fprintf(stderr, "cut: you must specify a list of bytes, characters, or fields\n"
                        "Try 'cut --help' for more information.\n");
        return 1;
    }
    if (parse_list(list) < 0) {
        fprintf(stderr, "cut: invalid field range\n");
        return 1;
    }
    for (int i = optind; i < argc || i == optind; i++) {
        const char *name = i < argc ? argv[i] : "-";
        FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        if (!f) {
            warnmsg("%s: %s", name, strerror(errno));
            status = 1;
            if (i >= argc)
                break;
            continue;
        }
        while ((n = getline(&line, &cap, f)) > 0) {
            if (line[n - 1] == '\n')
                n--;
            cut_line(line, (size_t)n, mode == 'f', delim, only_delim);
        }
        free(line);
        if (f != stdin)
            fclose(f);
        if (i >= argc)
            break;
    }
    return status;
}
