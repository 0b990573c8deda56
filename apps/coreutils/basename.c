/*
 * basename - print NAME without its leading directories and, optionally, a SUFFIX.
 * Usage: basename NAME [SUFFIX] | basename -a [-s SUFFIX] NAME...
 * Options: -a several names, -s SUFFIX remove SUFFIX (implies -a), -z end lines with NUL.
 * As POSIX says: trailing slashes go first; "/" stays "/"; a suffix equal to the whole
 * remaining name is not removed.
 */
#include <getopt.h>

#include "common.h"

static void print_base(const char *name, const char *suffix, int eol)
{
    size_t len = strlen(name), start;

    while (len > 1 && name[len - 1] == '/')
        len--;
    if (len == 1 && name[0] == '/') {
        printf("/%c", eol);
        return;
    }
    start = len;
    while (start > 0 && name[start - 1] != '/')
        start--;
    if (suffix) {
        size_t sl = strlen(suffix);
        if (sl > 0 && sl < len - start && memcmp(name + len - sl, suffix, sl) == 0)
            len -= sl;
    }
    printf("%.*s%c", (int)(len - start), name + start, eol);
}

int main(int argc, char **argv)
{
    const char *suffix = NULL;
    int c, multi = 0, eol = '\n';

    progname = "basename";
    opterr = 0;
    while ((c = getopt(argc, argv, "+as:z")) != -1) {
        switch (c) {
        case 'a': multi = 1; break;
        case 's': suffix = optarg; multi = 1; break;
        case 'z': eol = '\0'; break;
        default: bad_option(c, 1);
        }
    }
    if (optind >= argc)
        missing_operand(1);
    if (!multi) {
        if (argc - optind > 2) {
            fprintf(stderr, "basename: extra operand '%s'\n"
                    "Try 'basename --help' for more information.\n", argv[optind + 2]);
            return 1;
        }
        print_base(argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, eol);
    } else {
        for (; optind < argc; optind++)
            print_base(argv[optind], suffix, eol);
    }
    return finish_stdout();
}
