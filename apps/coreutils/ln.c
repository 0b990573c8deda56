/*
 * ln - make links.
 * Usage: ln [-s] [-f] [-n] [-v] TARGET [LINK] | ln [OPTIONS] TARGET... DIRECTORY
 * Options: -s symbolic link, -f remove an existing destination first, -n treat a LINK that
 * is a symbolic link to a directory as a file, -v print each link made.
 * With one operand the link is made in the current directory under TARGET's last name.
 */
#include <getopt.h>

#include "common.h"

static int symbolic, force, no_deref, verbose;

static int make_link(const char *target, const char *link_name)
{
    struct stat st;

    if (!symbolic && stat(target, &st) < 0) {
        warnmsg("failed to access '%s': %s", target, strerror(errno));
        return -1;
    }
    if (force && lstat(link_name, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            warnmsg("'%s': cannot overwrite directory", link_name);
            return -1;
        }
        unlink(link_name);
    }
    if ((symbolic ? symlink(target, link_name) : link(target, link_name)) < 0) {
        const char *kind = symbolic ? "symbolic" : "hard";
        /* GNU names the source only when the error is not about the destination existing */
        if (errno == EEXIST || symbolic)
            warnmsg("failed to create %s link '%s': %s", kind, link_name, strerror(errno));
        else
            warnmsg("failed to create %s link '%s' => '%s': %s", kind, link_name, target,
                    strerror(errno));
        return -1;
    }
    if (verbose)
        printf("'%s' %s '%s'\n", link_name, symbolic ? "->" : "=>", target);
    return 0;
}

/* The last component of a target, trailing slashes dropped, in fresh memory. */
static char *last_name(const char *path)
{
    char *p = strdup(path);
    size_t l = strlen(p);

    while (l > 1 && p[l - 1] == '/')
        p[--l] = '\0';
    memmove(p, base_of(p), strlen(base_of(p)) + 1);
    return p;
}

int main(int argc, char **argv)
{
    struct stat st;
    int c, status = 0, i, n, dest_is_dir;
    const char *dest;

    progname = "ln";
    opterr = 0;
    while ((c = getopt(argc, argv, "sfnvT")) != -1) {
        switch (c) {
        case 's': symbolic = 1; break;
        case 'f': force = 1; break;
        case 'n': no_deref = 1; break;
        case 'v': verbose = 1; break;
        case 'T': break;
        default: bad_option(c, 1);
        }
    }
    n = argc - optind;
    if (n < 1) {
        fprintf(stderr, "ln: missing file operand\nTry 'ln --help' for more information.\n");
        return 1;
    }
    if (n == 1) {
        char *name = last_name(argv[optind]);
        status = make_link(argv[optind], name) < 0;
        free(name);
        return finish_stdout() || status;
    }
    dest = argv[argc - 1];
    dest_is_dir = (no_deref ? lstat(dest, &st) : stat(dest, &st)) == 0 && S_ISDIR(st.st_mode);
    if (n > 2 && !dest_is_dir) {
        warnmsg("target '%s' is not a directory", dest);
        return 1;
    }
    for (i = optind; i < argc - 1; i++) {
        if (dest_is_dir) {
            char *name = last_name(argv[i]), *p = path_join(dest, name);
            if (make_link(argv[i], p) < 0)
                status = 1;
            free(p);
            free(name);
        } else if (make_link(argv[i], dest) < 0) {
            status = 1;
        }
    }
    return finish_stdout() || status;
}
