/*
 * mv - move (rename) files.
 * Usage: mv [-f] [-v] SOURCE DEST | mv [-f] [-v] SOURCE... DIRECTORY
 * rename() does the work; across file systems (EXDEV) the tree is copied with its modes
 * and times and the source then removed. -f and -i: there are no prompts, both accepted.
 */
#include <getopt.h>

#include "copy.h"

static int remove_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *de;
    int r = 0;

    if (lstat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    if (!(d = opendir(path)))
        return -1;
    while ((de = readdir(d)) != NULL) {
        char *p;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        p = path_join(path, de->d_name);
        if (remove_tree(p) < 0)
            r = -1;
        free(p);
    }
    closedir(d);
    return r < 0 ? r : rmdir(path);
}

static int move(const char *src, const char *dst, int verbose)
{
    struct stat st, dst_st;
    size_t sl = strlen(src);

    if (lstat(src, &st) < 0) {
        warnmsg("cannot stat '%s': %s", src, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode) && strncmp(dst, src, sl) == 0 && dst[sl] == '/') {
        warnmsg("cannot move '%s' to a subdirectory of itself, '%s'", src, dst);
        return -1;
    }
    if (lstat(dst, &dst_st) == 0 && dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino) {
        warnmsg("'%s' and '%s' are the same file", src, dst);
        return -1;
    }
    if (rename(src, dst) == 0) {
        if (verbose)
            printf("renamed '%s' -> '%s'\n", src, dst);
        return 0;
    }
    if (errno != EXDEV) {
        warnmsg("cannot move '%s' to '%s': %s", src, dst, strerror(errno));
        return -1;
    }
    /* another file system: copy everything, keeping modes and times, then remove */
    {
        struct copy_opts o = {1, 1, 0, 1, 0};
        if (copy_path(src, dst, &o, 1) < 0)
            return -1;
        if (remove_tree(src) < 0) {
            warnmsg("cannot remove '%s': %s", src, strerror(errno));
            return -1;
        }
    }
    if (verbose)
        printf("copied '%s' -> '%s'\n", src, dst);
    return 0;
}

int main(int argc, char **argv)
{
    struct stat st;
    const char *dest;
    int c, status = 0, dest_is_dir, i, verbose = 0;

    progname = "mv";
    opterr = 0;
    while ((c = getopt(argc, argv, "fiv")) != -1) {
        switch (c) {
        case 'f':
        case 'i': break;
        case 'v': verbose = 1; break;
        default: bad_option(c, 1);
        }
    }
    if (argc - optind < 2) {
        if (optind >= argc)
            fprintf(stderr, "mv: missing file operand\n");
        else
            fprintf(stderr, "mv: missing destination file operand after '%s'\n", argv[optind]);
        fprintf(stderr, "Try 'mv --help' for more information.\n");
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
            char *src = strdup(argv[i]), *t;
            size_t l = strlen(src);
            while (l > 1 && src[l - 1] == '/')
                src[--l] = '\0';
            t = path_join(dest, base_of(src));
            if (move(argv[i], t, verbose) < 0)
                status = 1;
            free(t);
            free(src);
        } else if (move(argv[i], dest, verbose) < 0) {
            status = 1;
        }
    }
    return finish_stdout() || status;
}
