/*
 * anyk-fs-path.c - image paths, directory reading and messages for anyk-fs.
 *
 * The kernel resolves paths from its own root, where the image is only a
 * mounted directory: an absolute symbolic link inside the image ("/lib ->
 * /usr/lib") or a ".." from the image's root would lead out of it. So
 * anyk-fs walks image paths itself, one component at a time, the way a
 * chroot would: links are read and spliced in, absolute ones restart at the
 * image's root, ".." stops there. What the kernel then receives has no link
 * left to follow but perhaps the last component.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/anyk-fs.h"

#define SYMLOOP_MAX 40         /* as the kernel's VFS_SYMLOOP_MAX */
#define NAME_MAX_ 255

/* ---- messages ---------------------------------------------------------------------- */

int afs_err(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("anyk-fs: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

int afs_errno(int err, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("anyk-fs: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", strerror(-err));
    return 1;
}

long afs_parse_mode(const char *s)
{
    long m = 0;

    if (!*s || strlen(s) > 5)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '7')
            return -1;
        m = m * 8 + (*s - '0');
    }
    return m > 07777 ? -1 : m;
}

/* ---- paths ------------------------------------------------------------------------- */

const char *afs_ipath(const char *kpath)
{
    const char *p = kpath + strlen(AFS_MNT);

    return *p ? p : "/";
}

bool afs_is_root(const char *kpath)
{
    return strcmp(kpath, AFS_MNT) == 0;
}

int afs_join(char *out, const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);

    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    if (dl + 1 + nl >= AFS_PATH_MAX)
        return -ENAMETOOLONG;
    memmove(out, dir, dl);
    if (dl == 0 || out[dl - 1] != '/')
        out[dl++] = '/';
    memcpy(out + dl, name, nl + 1);
    return 0;
}

void afs_basename(const char *path, char *out)
{
    size_t end = strlen(path), start;

    while (end > 1 && path[end - 1] == '/')
        end--;
    start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (end == 1 && path[0] == '/')
        start = 0;
    if (end - start >= AFS_PATH_MAX)
        end = start + AFS_PATH_MAX - 1;
    memcpy(out, path + start, end - start);
    out[end - start] = '\0';
}

/* Replace what is left to walk (at *rest) with target + "/" + *rest. */
static int splice(char *buf, const char **rest, const char *target)
{
    char tmp[AFS_PATH_MAX];
    int n = snprintf(tmp, sizeof(tmp), "%s/%s", target, *rest);

    if (n < 0 || n >= AFS_PATH_MAX)
        return -ENAMETOOLONG;
    memcpy(buf, tmp, (size_t)n + 1);
    *rest = buf;
    return 0;
}

int afs_resolve(const char *ipath, bool follow, char *kpath)
{
    static char walk[AFS_PATH_MAX];     /* what is left to walk (links spliced in) */
    char target[AFS_PATH_MAX];
    const size_t base = strlen(AFS_MNT);
    size_t len = base, n;
    const char *p;
    int loops = 0, r;
    bool must_dir = false, exists = true;
    struct anyk_stat st = { .st_mode = ANYK_S_IFDIR };

    if (!*ipath)
        return -ENOENT;
    if (strlen(ipath) >= AFS_PATH_MAX - base)
        return -ENAMETOOLONG;
    n = strlen(ipath);
    if (n > 1 && ipath[n - 1] == '/') {
        must_dir = true;    /* "name/" means the directory, through a link if need be */
        follow = true;
    }
    strcpy(walk, ipath);
    memcpy(kpath, AFS_MNT, base + 1);
    p = walk;
    for (;;) {
        p += strspn(p, "/");
        if (!*p)
            break;
        n = strcspn(p, "/");
        const char *next = p + n;
        bool last = next[strspn(next, "/")] == '\0';

        if (n == 1 && p[0] == '.') {
            p = next;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > base && kpath[len - 1] != '/')
                len--;
            if (len > base)
                len--;
            kpath[len] = '\0';
            p = next;
            st.st_mode = ANYK_S_IFDIR;
            exists = true;
            continue;
        }
        if (n > NAME_MAX_)
            return -ENAMETOOLONG;
        if (len + 1 + n >= AFS_PATH_MAX)
            return -ENAMETOOLONG;
        kpath[len] = '/';
        memcpy(kpath + len + 1, p, n);
        kpath[len + 1 + n] = '\0';
        p = next;
        if (last && !follow) {
            len += 1 + n;
            exists = false;  /* not looked at */
            break;
        }
        if ((r = afs.k->lstat(kpath, &st)) < 0) {
            if (r == -ENOENT && last) {
                len += 1 + n;
                exists = false;
                break;
            }
            return r;
        }
        if (AFS_ISLNK(st.st_mode)) {
            long m;

            if (++loops > SYMLOOP_MAX)
                return -ELOOP;
            if ((m = afs.k->readlink(kpath, target, sizeof(target) - 1)) < 0)
                return (int)m;
            target[m] = '\0';
            if (m == 0)
                return -ENOENT;
            if ((r = splice(walk, &p, target)) < 0)
                return r;
            if (target[0] == '/')
                len = base;
            kpath[len] = '\0';
            continue;
        }
        if (!last && !AFS_ISDIR(st.st_mode))
            return -ENOTDIR;
        len += 1 + n;
    }
    if (must_dir && exists && !AFS_ISDIR(st.st_mode))
        return -ENOTDIR;
    return 0;
}

/* ---- directories ------------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct afs_dirent *)a)->name, ((const struct afs_dirent *)b)->name);
}

void afs_dir_free(struct afs_dir *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->ent[i].name);
    free(d->ent);
    d->ent = NULL;
    d->n = d->cap = 0;
}

static int dir_add(struct afs_dir *d, const char *name, unsigned char type)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        struct afs_dirent *e = realloc(d->ent, cap * sizeof(*e));
        if (!e)
            return -ENOMEM;
        d->ent = e;
        d->cap = cap;
    }
    if (!(d->ent[d->n].name = strdup(name)))
        return -ENOMEM;
    d->ent[d->n++].type = type;
    return 0;
}

int afs_readdir(const char *kpath, bool dots, struct afs_dir *d)
{
    static char buf[64 * 1024];
    int fd = afs.k->open(kpath, ANYK_O_RDONLY | ANYK_O_DIRECTORY, 0);
    long n = 0;
    int r = 0;

    memset(d, 0, sizeof(*d));
    if (fd < 0)
        return fd;
    while (r == 0 && (n = afs.k->getdents(fd, buf, sizeof(buf))) > 0) {
        for (long off = 0; r == 0 && off < n;) {
            const struct anyk_dirent *e = (const struct anyk_dirent *)(void *)(buf + off);
            bool dot = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
            if (dots || !dot)
                r = dir_add(d, e->d_name, e->d_type);
            off += e->d_reclen;
        }
    }
    afs.k->close(fd);
    if (r == 0 && n < 0)
        r = (int)n;
    if (r < 0) {
        afs_dir_free(d);
        return r;
    }
    if (d->n)
        qsort(d->ent, d->n, sizeof(*d->ent), by_name);
    return 0;
}
