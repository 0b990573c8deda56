/*
 * cp - copy files and directories.
 * Usage: cp [OPTIONS] SOURCE DEST | cp [OPTIONS] SOURCE... DIRECTORY
 * Options: -r / -R copy directories recursively (symbolic links inside are copied as links),
 * -p keep mode and access/modification times, -a same as -R -p, -f remove a destination
 * that cannot be opened and try again, -v print each copy, -L / -P follow / do not follow
 * a symbolic link given as SOURCE (default: follow, unless -R).
 */
#include <getopt.h>

#include "copy.h"

int main(int argc, char **argv)
{
    struct copy_opts o = {0, 0, -1, 0, 0};
    struct stat st;
    const char *dest;
    int c, status = 0, dest_is_dir, i;

    progname = "cp";
    opterr = 0;
    while ((c = getopt(argc, argv, "rRpafvLPd")) != -1) {
        switch (c) {
        case 'r':
        case 'R': o.recursive = 1; break;
        case 'p': o.preserve = 1; break;
        case 'a': o.recursive = o.preserve = 1; o.deref = 0; break;
        case 'f': o.force = 1; break;
        case 'v': o.verbose = 1; break;
        case 'L': o.deref = 1; break;
        case 'P':
        case 'd': o.deref = 0; break;
        default: bad_option(c, 1);
        }
    }
    if (o.deref < 0)
        o.deref = !o.recursive;
    if (argc - optind < 2) {
        if (optind >= argc)
            fprintf(stderr, "cp: missing file operand\n");
        else
            fprintf(stderr, "cp: missing destination file operand after '%s'\n", argv[optind]);
        fprintf(stderr, "Try 'cp --help' for more information.\n");
        return 1;
    }
    dest = argv[argc - 1];
    dest_is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
    if (argc - optind > 2 && !dest_is_dir) {
        if (stat(dest, &st) < 0)
            warnmsg("target '%s': %s", dest, strerror(errno));
        else
            warnmsg("target '%s': %s", dest, strerror(ENOTDIR));
        return 1;
    }
    for (i = optind; i < argc - 1; i++) {
        if (dest_is_dir) {
            /* "cp a/b/ dir" copies to dir/b: trailing slashes are not part of the name */
            char *src = strdup(argv[i]), *t;
            size_t l = strlen(src);
            while (l > 1 && src[l - 1] == '/')
                src[--l] = '\0';
            t = path_join(dest, base_of(src));
            if (copy_path(argv[i], t, &o, 1) < 0)
                status = 1;
            free(t);
            free(src);
        } else if (copy_path(argv[i], dest, &o, 1) < 0) {
            status = 1;
        }
    }
    return finish_stdout() || status;
}
