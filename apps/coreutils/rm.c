/*
 * rm - remove files and, with -r, directory trees.
 * Options: -f ignore missing files and never fail for them, -r / -R recursive, -d remove
 * empty directories, -v print each removal, -i is not supported (no prompts on anyk).
 * As GNU rm, refuses "/" with -r, and any operand whose last component is "." or "..".
 */
#include <dirent.h>
#include <getopt.h>

#include "common.h"

static int force, recursive, empty_dirs, verbose;

static int remove_path(const char *path)
{
    struct stat st;

    if (lstat(path, &st) < 0) {
        if (force && errno == ENOENT)
            return 0;
        warnmsg("cannot remove '%s': %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (!recursive) {
            if (empty_dirs) {
                if (rmdir(path) == 0)
                    goto removed_dir;
                warnmsg("cannot remove '%s': %s", path, strerror(errno));
                return -1;
            }
            warnmsg("cannot remove '%s': Is a directory", path);
            return -1;
        }
        if (!(d = opendir(path))) {
            warnmsg("cannot remove '%s': %s", path, strerror(errno));
            return -1;
        }
        /* collect the names first: removing while reading may skip entries on some file systems */
        {
            char **names = NULL;
            size_t n = 0, i;
            while ((de = readdir(d)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                    continue;
                names = xrealloc(names, (n + 1) * sizeof(char *));
                names[n++] = path_join(path, de->d_name);
            }
            closedir(d);
            for (i = 0; i < n; i++) {
                if (remove_path(names[i]) < 0)
                    r = -1;
                free(names[i]);
            }
            free(names);
        }
        if (r < 0)
            return -1;
        if (rmdir(path) < 0) {
            warnmsg("cannot remove '%s': %s", path, strerror(errno));
            return -1;
        }
removed_dir:
        if (verbose)
            printf("removed directory '%s'\n", path);
        return 0;
    }
    if (unlink(path) < 0) {
        warnmsg("cannot remove '%s': %s", path, strerror(errno));
        return -1;
    }
    if (verbose)
        printf("removed '%s'\n", path);
    return 0;
}

/* Is the last component "." or ".."? (trailing slashes ignored) */
static int is_dot_or_dotdot(const char *path)
{
    size_t len = strlen(path), start;

    while (len > 1 && path[len - 1] == '/')
        len--;
    start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    return (len - start == 1 && path[start] == '.') ||
           (len - start == 2 && path[start] == '.' && path[start + 1] == '.');
}

int main(int argc, char **argv)
{
    int c, status = 0;

    progname = "rm";
    opterr = 0;
    while ((c = getopt(argc, argv, "frRdvi")) != -1) {
        switch (c) {
        case 'f': force = 1; break;
        case 'r':
        case 'R': recursive = 1; break;
        case 'd': empty_dirs = 1; break;
        case 'v': verbose = 1; break;
        case 'i': break;
        default: bad_option(c, 1);
        }
    }
    if (optind >= argc) {
        if (force)
            return 0;
        missing_operand(1);
    }
    for (; optind < argc; optind++) {
        const char *p = argv[optind];
        if (recursive && p[strspn(p, "/")] == '\0') {
            warnmsg("it is dangerous to operate recursively on '/'");
            warnmsg("use --no-preserve-root to override this failsafe");
            status = 1;
            continue;
        }
        if (is_dot_or_dotdot(p)) {
            warnmsg("refusing to remove '.' or '..' directory: skipping '%s'", p);
            status = 1;
            continue;
        }
        if (remove_path(p) < 0)
            status = 1;
    }
    return finish_stdout() || status;
}
