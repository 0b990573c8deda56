/*
 * copy.h - copying files and trees, shared by cp and mv (mv copies when rename() meets
 * EXDEV). Static inline like common.h, so each program links only what it calls.
 * Symbolic links met while copying a tree are copied as links (GNU cp -R's default);
 * with `preserve`, mode and access/modification times follow the source.
 */
#ifndef COREUTILS_COPY_H
#define COREUTILS_COPY_H

#include <dirent.h>
#include <fcntl.h>
#include <time.h>

#include "common.h"

struct copy_opts {
    int recursive;      /* copy directories */
    int preserve;       /* keep mode and times */
    int deref;          /* follow a symbolic link given as the source */
    int force;          /* remove a destination that cannot be opened, then retry */
    int verbose;
};

static inline void copy_times(const char *dst, const struct stat *st)
{
    struct timespec ts[2];

    ts[0] = st->st_atim;
    ts[1] = st->st_mtim;
    /* no AT_SYMLINK_NOFOLLOW: the anyk API has no such flag, so links keep their times */
    if (!S_ISLNK(st->st_mode))
        utimensat(AT_FDCWD, dst, ts, 0);
}

static inline int copy_regular(const char *src, const char *dst, const struct stat *st,
                               const struct copy_opts *o)
{
    static char buf[65536];
    int in, out;
    ssize_t n;

    if ((in = open(src, O_RDONLY)) < 0) {
        warnmsg("cannot open '%s' for reading: %s", src, strerror(errno));
        return -1;
    }
    out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->st_mode & 07777);
    if (out < 0 && o->force && errno != ENOENT) {
        unlink(dst);
        out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->st_mode & 07777);
    }
    if (out < 0) {
        warnmsg("cannot create regular file '%s': %s", dst, strerror(errno));
        close(in);
        return -1;
    }
    while ((n = read(in, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            warnmsg("error reading '%s': %s", src, strerror(errno));
            goto fail;
        }
        if (write_all(out, buf, (size_t)n) < 0) {
            warnmsg("error writing '%s': %s", dst, strerror(errno));
            goto fail;
        }
    }
    close(in);
    if (close(out) < 0) {
        warnmsg("error writing '%s': %s", dst, strerror(errno));
        return -1;
    }
    if (o->preserve) {
        chmod(dst, st->st_mode & 07777);
        copy_times(dst, st);
    }
    return 0;
fail:
    close(in);
    close(out);
    return -1;
}

static inline int copy_path(const char *src, const char *dst, const struct copy_opts *o, int top);

static inline int copy_dir(const char *src, const char *dst, const struct stat *st,
                           const struct copy_opts *o)
{
    struct stat dst_st;
    DIR *d;
    struct dirent *de;
    int r = 0, made = 0;

    if (stat(dst, &dst_st) < 0) {
        /* writable for us while we fill it; the real mode is set afterwards */
        if (mkdir(dst, (st->st_mode & 07777) | 0700) < 0) {
            warnmsg("cannot create directory '%s': %s", dst, strerror(errno));
            return -1;
        }
        made = 1;
    } else if (!S_ISDIR(dst_st.st_mode)) {
        warnmsg("cannot overwrite non-directory '%s' with directory '%s'", dst, src);
        return -1;
    }
    if (!(d = opendir(src))) {
        warnmsg("cannot access '%s': %s", src, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        char *s, *t;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        s = path_join(src, de->d_name);
        t = path_join(dst, de->d_name);
        if (copy_path(s, t, o, 0) < 0)
            r = -1;
        free(s);
        free(t);
    }
    closedir(d);
    if (made || o->preserve)
        chmod(dst, o->preserve ? st->st_mode & 07777 : (st->st_mode & 07777));
    if (o->preserve)
        copy_times(dst, st);
    return r;
}

/* Copy src to exactly dst (the caller resolved "into a directory"). */
static inline int copy_path(const char *src, const char *dst, const struct copy_opts *o, int top)
{
    struct stat st, dst_st;
    int r;

    r = (top && o->deref) ? stat(src, &st) : lstat(src, &st);
    if (r < 0) {
        warnmsg("cannot stat '%s': %s", src, strerror(errno));
        return -1;
    }
    if (stat(dst, &dst_st) == 0 && dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino) {
        warnmsg("'%s' and '%s' are the same file", src, dst);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        size_t sl = strlen(src);
        if (!o->recursive) {
            warnmsg("-r not specified; omitting directory '%s'", src);
            return -1;
        }
        /* copying a directory into itself would never end */
        if (strncmp(dst, src, sl) == 0 && dst[sl] == '/') {
            warnmsg("cannot copy a directory, '%s', into itself, '%s'", src, dst);
            return -1;
        }
        r = copy_dir(src, dst, &st, o);
    } else if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = readlink(src, target, sizeof(target) - 1);
        if (n < 0) {
            warnmsg("cannot read symbolic link '%s': %s", src, strerror(errno));
            return -1;
        }
        target[n] = '\0';
        if (symlink(target, dst) < 0 && (errno != EEXIST || unlink(dst) < 0 ||
                                         symlink(target, dst) < 0)) {
            warnmsg("cannot create symbolic link '%s': %s", dst, strerror(errno));
            return -1;
        }
        if (o->preserve)
            copy_times(dst, &st);
        r = 0;
    } else if (S_ISREG(st.st_mode)) {
        r = copy_regular(src, dst, &st, o);
    } else {
        warnmsg("cannot copy special file '%s': not supported", src);
        return -1;
    }
    if (r == 0 && o->verbose)
        printf("'%s' -> '%s'\n", src, dst);
    return r;
}

#endif
