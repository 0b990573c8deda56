/*
 * dirname - print each NAME with its last component removed.
 * Usage: dirname [-z] NAME...   (-z ends lines with NUL instead of newline)
 * As POSIX says: "a/b/" gives "a", "a" gives ".", "/" and "//x" give "/".
 */
#include <getopt.h>

#include "common.h"

static void print_dir(const char *name, int eol)
{
    size_t len = strlen(name);

    /* drop trailing slashes, then the last component, then the slashes before it */
    while (len > 1 && name[len - 1] == '/')
        len--;
    while (len > 0 && name[len - 1] != '/')
        len--;
    if (len == 0) {
        printf(".%c", eol);
        return;
    }
    while (len > 1 && name[len - 1] == '/')
        len--;
    printf("%.*s%c", (int)len, name, eol);
}

int main(int argc, char **argv)
{
    int c, eol = '\n';

    progname = "dirname";
    opterr = 0;
    while ((c = getopt(argc, argv, "+z")) != -1) {
        if (c == 'z')
            eol = '\0';
        else
            bad_option(c, 1);
    }
    if (optind >= argc)
        missing_operand(1);
    for (; optind < argc; optind++)
        print_dir(argv[optind], eol);
    return finish_stdout();
}
