/*
 * uniq - report or omit repeated adjacent lines.
 * Usage: uniq [-c] [-d | -u] [-i] [INPUT [OUTPUT]]
 * Options: -c prefix each line with its count, -d only print lines that repeat,
 * -u only print lines that do not, -i compare ignoring case.
 */
#include <getopt.h>
#include <strings.h>

#include "common.h"

static int show_count, only_dups, only_uniq, icase;

static void emit(FILE *out, const char *line, size_t len, unsigned long count)
{
    if ((only_dups && count < 2) || (only_uniq && count > 1))
        return;
    if (show_count)
        fprintf(out, "%7lu ", count);
    fwrite(line, 1, len, out);
    putc('\n', out);
}

static int same_line(const char *a, size_t al, const char *b, size_t bl)
{
    size_t i;

    if (al != bl)
        return 0;
    if (!icase)
        return memcmp(a, b, al) == 0;
    for (i = 0; i < al; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    int c;
    FILE *in = stdin, *out = stdout;
    char *line = NULL, *prev = NULL;
    size_t cap = 0, prevcap = 0, prevlen = 0;
    ssize_t len;
    unsigned long count = 0;

    progname = "uniq";
    opterr = 0;
    while ((c = getopt(argc, argv, "cdui")) != -1) {
        switch (c) {
        case 'c': show_count = 1; break;
        case 'd': only_dups = 1; break;
        case 'u': only_uniq = 1; break;
        case 'i': icase = 1; break;
        default: bad_option(c, 1);
        }
    }
    if (argc - optind > 2) {
        fprintf(stderr, "uniq: extra operand '%s'\nTry 'uniq --help' for more information.\n",
                argv[optind + 2]);
        return 1;
    }
    if (optind < argc && strcmp(argv[optind], "-") != 0 && !(in = fopen(argv[optind], "r"))) {
        warnmsg("%s: %s", argv[optind], strerror(errno));
        return 1;
    }
    if (optind + 1 < argc && strcmp(argv[optind + 1], "-") != 0 &&
        !(out = fopen(argv[optind + 1], "w"))) {
        warnmsg("%s: %s", argv[optind + 1], strerror(errno));
        return 1;
    }
    while ((len = getline(&line, &cap, in)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (count > 0 && same_line(prev, prevlen, line, (size_t)len)) {
            count++;
            continue;
        }
        if (count > 0)
            emit(out, prev, prevlen, count);
        /* keep the first line of the run: it is the one printed */
        if ((size_t)len + 1 > prevcap) {
            prevcap = (size_t)len + 1;
            prev = xrealloc(prev, prevcap);
        }
        memcpy(prev, line, (size_t)len);
        prevlen = (size_t)len;
        count = 1;
    }
    if (count > 0)
        emit(out, prev, prevlen, count);
    if (out != stdout && fclose(out) != 0) {
        warnmsg("%s: %s", argv[optind + 1], strerror(errno));
        return 1;
    }
    return finish_stdout();
}
