/*
 * dirent.c - directory streams over the kernel's getdents, which returns
 * struct anyk_dirent records packed back to back (as Linux's dirent64).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libc_impl.h"

struct __anyk_dir {
    int fd;
    size_t pos, len;            /* records in buf[pos, len) not yet returned */
    struct dirent ent;
    char buf[4096] __attribute__((aligned(8)));
};

DIR *fdopendir(int fd)
{
    DIR *d = malloc(sizeof(*d));
    if (!d)
        return NULL;
    d->fd = fd;
    d->pos = d->len = 0;
    return d;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (!d)
        close(fd);
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->pos >= d->len) {
        long n = __sysret(__anyk->getdents(d->fd, d->buf, sizeof(d->buf)));
        if (n <= 0)
            return NULL;    /* end (errno untouched) or error (errno set) */
        d->pos = 0;
        d->len = (size_t)n;
    }
    const struct anyk_dirent *k = (const void *)(d->buf + d->pos);
    d->pos += k->d_reclen;
    d->ent.d_ino = k->d_ino;
    d->ent.d_off = k->d_off;
    d->ent.d_type = k->d_type;
    d->ent.d_reclen = sizeof(d->ent);
    strlcpy(d->ent.d_name, k->d_name, sizeof(d->ent.d_name));
    return &d->ent;
}

int closedir(DIR *d)
{
    int r = close(d->fd);
    free(d);
    return r;
}

void rewinddir(DIR *d)
{
    lseek(d->fd, 0, SEEK_SET);
    d->pos = d->len = 0;
}

int dirfd(DIR *d)
{
    return d->fd;
}

int alphasort(const struct dirent **a, const struct dirent **b)
{
    return strcoll((*a)->d_name, (*b)->d_name);
}

int scandir(const char *path, struct dirent ***list, int (*filter)(const struct dirent *),
            int (*cmp)(const struct dirent **, const struct dirent **))
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent **v = NULL, *e;
    size_t n = 0, cap = 0;
    while ((e = readdir(d))) {
        if (filter && !filter(e))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            struct dirent **nv = realloc(v, cap * sizeof(*v));
            if (!nv)
                goto fail;
            v = nv;
        }
        if (!(v[n] = malloc(sizeof(*e))))
            goto fail;
        memcpy(v[n++], e, sizeof(*e));
    }
    closedir(d);
    if (cmp)
        qsort(v, n, sizeof(*v), (int (*)(const void *, const void *))cmp);
    *list = v;
    return (int)n;
fail:
    while (n)
        free(v[--n]);
    free(v);
    closedir(d);
    errno = ENOMEM;
    return -1;
}
