/*
 * rmdir - remove empty directories.
 * Options: -p also remove each parent named in the path ("a/b/c": c, then b, then a),
 * -v print each directory removed.
 */
#include <getopt.h>

#include "common.h"

int main(int argc, char **argv)
{
    int c, parents = 0, verbose = 0, status = 0;

    progname = "rmdir";
    opterr = 0;
    while ((c = getopt(argc, argv, "pv")) != -1) {
        switch (c) {
        case 'p': parents = 1; break;
        case 'v': verbose = 1; break;
        default: bad_option(c, 1);
        }
    }
    if (optind >= argc)
        missing_operand(1);
    for (; optind < argc; optind++) {
        char *path = strdup(argv[optind]);
        size_t len = strlen(path);

        for (;;) {
            if (rmdir(path) < 0) {
                warnmsg("failed to remove '%s': %s", path, strerror(errno));
                status = 1;
                break;
            }
            if (verbose)
                printf("rmdir: removing directory, '%s'\n", path);
            if (!parents)
                break;
            /* cut the last component and the slashes before it */
            while (len > 0 && path[len - 1] == '/')
                len--;
            while (len > 0 && path[len - 1] != '/')
                len--;
            while (len > 0 && path[len - 1] == '/')
                len--;
            if (len == 0)
                break;
            path[len] = '\0';
        }
        free(path);
    }
    return finish_stdout() || status;
}
