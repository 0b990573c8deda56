/*
 * mkdir - make directories.
 * Options: -p make missing parents and do not complain about existing directories,
 * -m MODE octal permissions for the new directories (parents made by -p get 0777 & ~umask
 * and then u+wx, as POSIX says), -v print each directory made.
 */
#include <getopt.h>

#include "common.h"

static int verbose;

static int make_one(const char *path, unsigned mode, int explicit_mode)
{
    if (mkdir(path, mode) < 0)
        return -1;
    /* mkdir() applies the umask; -m means exactly that mode */
    if (explicit_mode && chmod(path, mode) < 0)
        return -1;
    if (verbose)
        printf("mkdir: created directory '%s'\n", path);
    return 0;
}

/* -p: make every missing component of path, then path itself. */
static int make_parents(const char *path, unsigned mode, int explicit_mode)
{
    char *copy = strdup(path), *p;
    struct stat st;
    int r = 0;

    if (!copy)
        return -1;
    for (p = copy + 1; *p; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        if (stat(copy, &st) < 0) {
            if (mkdir(copy, 0777) < 0 && errno != EEXIST) {
                r = -1;
                break;
            }
            if (verbose)
                printf("mkdir: created directory '%s'\n", copy);
        }
        *p = '/';
    }
    if (r == 0 && make_one(path, mode, explicit_mode) < 0) {
        if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            errno = 0;
        else
            r = -1;
    }
    if (r < 0 && p && *p == '\0' && copy[0]) {
        /* report the component that failed, as GNU does */
        warnmsg("cannot create directory '%s': %s", copy, strerror(errno));
        free(copy);
        return -2;
    }
    free(copy);
    return r;
}

int main(int argc, char **argv)
{
    int c, parents = 0, explicit_mode = 0, status = 0, r;
    unsigned mode = 0777;
    char *end;

    progname = "mkdir";
    opterr = 0;
    while ((c = getopt(argc, argv, "pm:v")) != -1) {
        switch (c) {
        case 'p': parents = 1; break;
        case 'v': verbose = 1; break;
        case 'm':
            mode = (unsigned)strtoul(optarg, &end, 8);
            if (*end || end == optarg || mode > 07777) {
                warnmsg("invalid mode '%s'", optarg);
                return 1;
            }
            explicit_mode = 1;
            break;
        default: bad_option(c, 1);
        }
    }
    if (optind >= argc)
        missing_operand(1);
    for (; optind < argc; optind++) {
        r = parents ? make_parents(argv[optind], mode, explicit_mode)
                    : make_one(argv[optind], mode, explicit_mode);
        if (r == -1)
            warnmsg("cannot create directory '%s': %s", argv[optind], strerror(errno));
        if (r < 0)
            status = 1;
    }
    return finish_stdout() || status;
}
