/*
 * anyk-fs-copy.c - get (image -> host) and put (host -> image), as cp -a would.
 *
 * Both keep modes, times and owners (on the host only when running as root,
 * as cp does), copy symbolic links as links, keep files with several links
 * linked to each other, keep sparse files sparse (a chunk of zeros in a file
 * that has holes becomes a hole), and move data in AFS_CHUNK pieces. With
 * more than one source the destination must be a directory; with one, an
 * existing directory receives the source under its own name.
 *
 * Inside the image, only the top-level destination is resolved through
 * links. Below it an existing link is replaced, never written through: the
 * kernel would resolve an absolute link from its own root, outside the image.
 *
 * When a copy runs for more than a second and stderr is a terminal, a
 * progress line ("put: 123 MiB of 1024 MiB, 45 MiB/s") is kept up to date.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tools/anyk-fs.h"

/* Files with more than one link, by where they came from, and their first copy. */
struct link_ent {
    uint64_t dev, ino;
    char *path;
};

struct copy {
    const char *verb;          /* "get" or "put", for the progress line */
    bool recursive;
    bool root;                 /* we may give host files their owners */
    char *buf;                 /* AFS_CHUNK bytes */
    struct link_ent *links;
    size_t nlinks, caplinks;
    int status;
    /* progress */
    bool tty, shown;
    uint64_t total, done;
    double start, last;
};

/* ---- progress ---------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void progress(struct copy *cp, uint64_t n, bool final)
{
    double t, elapsed;

    cp->done += n;
    if (!cp->tty)
        return;
    t = now_s();
    elapsed = t - cp->start;
    if (final ? !cp->shown : (elapsed < 1.0 || t - cp->last < 0.25))
        return;
    cp->last = t;
    cp->shown = true;
    fprintf(stderr, "\r%s: %llu MiB of %llu MiB, %.0f MiB/s\033[K%s", cp->verb,
            (unsigned long long)(cp->done >> 20), (unsigned long long)(cp->total >> 20),
            (double)cp->done / 1048576.0 / (elapsed > 0 ? elapsed : 1), final ? "\n" : "");
}

/* Bytes of regular files under a host path (for the progress line's total). */
static uint64_t host_size(const char *path, bool recursive)
{
    struct stat st;
    uint64_t sum = 0;
    struct dirent *e;
    DIR *d;

    if (lstat(path, &st) < 0)
        return 0;
    if (S_ISREG(st.st_mode))
        return (uint64_t)st.st_size;
    if (!S_ISDIR(st.st_mode) || !recursive || !(d = opendir(path)))
        return 0;
    while ((e = readdir(d))) {
        char sub[PATH_MAX];
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) < (int)sizeof(sub))
            sum += host_size(sub, true);
    }
    closedir(d);
    return sum;
}

/* The same inside the image. */
static uint64_t image_size(const char *kpath, bool recursive)
{
    struct anyk_stat st;
    struct afs_dir d;
    uint64_t sum = 0;

    if (afs.k->lstat(kpath, &st) < 0)
        return 0;
    if (AFS_ISREG(st.st_mode))
        return (uint64_t)st.st_size;
    if (!AFS_ISDIR(st.st_mode) || !recursive || afs_readdir(kpath, false, &d) < 0)
        return 0;
    for (size_t i = 0; i < d.n; i++) {
        char sub[AFS_PATH_MAX];
        if (afs_join(sub, kpath, d.ent[i].name) == 0)
            sum += image_size(sub, true);
    }
    afs_dir_free(&d);
    return sum;
}

/* ---- helpers ----------------------------------------------------------------------- */

/*
 * Note a failure and go on with the next file. The copy steps return 1 after
 * a failure (so "return failed(cp);" ends one) and 0 otherwise, but what
 * counts in the end is cp->status.
 */
static int failed(struct copy *cp)
{
    cp->status = 1;
    return 1;
}

static const char *link_find(struct copy *cp, uint64_t dev, uint64_t ino)
{
    for (size_t i = 0; i < cp->nlinks; i++)
        if (cp->links[i].dev == dev && cp->links[i].ino == ino)
            return cp->links[i].path;
    return NULL;
}

/* Remember a copied file with several links; without memory it is just copied again. */
static void link_add(struct copy *cp, uint64_t dev, uint64_t ino, const char *path)
{
    if (cp->nlinks == cp->caplinks) {
        size_t cap = cp->caplinks ? cp->caplinks * 2 : 16;
        struct link_ent *l = realloc(cp->links, cap * sizeof(*l));
        if (!l)
            return;
        cp->links = l;
        cp->caplinks = cap;
    }
    if ((cp->links[cp->nlinks].path = strdup(path))) {
        cp->links[cp->nlinks].dev = dev;
        cp->links[cp->nlinks].ino = ino;
        cp->nlinks++;
    }
}

#define HOLE_BLOCK 4096         /* the granularity at which zeros become holes */

static bool all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Write n bytes at off through one side's pwrite: the image's or the host's. */
typedef int (*write_fn)(int fd, const char *p, size_t n, int64_t off);

static int image_write(int fd, const char *p, size_t n, int64_t off)
{
    for (size_t done = 0; done < n;) {
        long w = afs.k->pwrite(fd, p + done, n - done, off + (int64_t)done);
        if (w <= 0)
            return w ? (int)w : -EIO;
        done += (size_t)w;
    }
    return 0;
}

static int host_write(int fd, const char *p, size_t n, int64_t off)
{
    for (size_t done = 0; done < n;) {
        ssize_t w = pwrite(fd, p + done, n - done, (off_t)(off + (int64_t)done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w ? -errno : -EIO;
        done += (size_t)w;
    }
    return 0;
}

/*
 * Write one chunk read from offset off. For a sparse source, whole blocks of
 * zeros are skipped (left as holes; the caller sets the size at the end).
 */
static int write_chunk(write_fn fn, int fd, const char *buf, size_t n, int64_t off, bool sparse)
{
    size_t pos = 0, end;
    int r;

    if (!sparse)
        return fn(fd, buf, n, off);
    while (pos < n) {
        while (pos < n && all_zero(buf + pos, n - pos < HOLE_BLOCK ? n - pos : HOLE_BLOCK))
            pos += HOLE_BLOCK;
        for (end = pos; end < n && !all_zero(buf + end, n - end < HOLE_BLOCK ? n - end
                                                                              : HOLE_BLOCK);)
            end += HOLE_BLOCK;
        if (end > n)
            end = n;
        if (end > pos && (r = fn(fd, buf + pos, end - pos, off + (int64_t)pos)) < 0)
            return r;
        pos = end;
    }
    return 0;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Names in a host directory, sorted so that copies are made in a stable order. */
static char **host_names(const char *path, size_t *count)
{
    size_t n = 0, cap = 32;
    char **v = malloc(cap * sizeof(*v));
    DIR *d = opendir(path);
    struct dirent *e;
    int err = 0;

    if (!d || !v) {
        err = d ? ENOMEM : errno;
        if (d)
            closedir(d);
        free(v);
        errno = err;
        return NULL;
    }
    for (errno = 0; (e = readdir(d)); errno = 0) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof(*v));
            if (!nv) {
                err = ENOMEM;
                break;
            }
            v = nv;
        }
        if (!(v[n] = strdup(e->d_name))) {
            err = ENOMEM;
            break;
        }
        n++;
    }
    if (!err)
        err = errno;
    closedir(d);
    if (err) {
        free_names(v, n);
        errno = err;
        return NULL;
    }
    qsort(v, n, sizeof(*v), by_str);
    *count = n;
    return v;
}
/* Where SRC goes: under DST by its own name if DST is a directory, else DST itself. */
static bool merge_name(const char *name)
{
    return !strcmp(name, "/") || !strcmp(name, ".") || !strcmp(name, "..");
}

/* ---- put: host -> image ------------------------------------------------------------ */

static int put_one(struct copy *cp, const char *hpath, const char *kpath, const struct stat *hs,
                   bool top);

static int put_attrs(struct copy *cp, const char *kpath, const struct stat *hs)
{
    struct anyk_timespec t[2] = { { hs->st_atim.tv_sec, hs->st_atim.tv_nsec },
                                  { hs->st_mtim.tv_sec, hs->st_mtim.tv_nsec } };
    int r;

    if (afs.interrupted)
        return 0;     /* a partial copy must not look like a finished one */
    /* chown before chmod: a kernel may clear set-id bits on chown. */
    if ((r = afs.k->chown(kpath, hs->st_uid, hs->st_gid)) < 0 ||
        (r = afs.k->chmod(kpath, hs->st_mode & 07777)) < 0 ||
        (r = afs.k->utimens(kpath, t)) < 0) {
        afs_errno(r, "cannot preserve the attributes of '%s'", afs_ipath(kpath));
        failed(cp);
    }
    return 0;
}

static int put_dir(struct copy *cp, const char *hpath, const char *kpath, const struct stat *hs,
                   const struct anyk_stat *ks)
{
    char **names;
    size_t n = 0;
    int r;

    if (ks && !AFS_ISDIR(ks->st_mode)) {
        afs_err("cannot overwrite non-directory '%s' with directory '%s'", afs_ipath(kpath),
                hpath);
        return failed(cp);
    }
    if (!ks && (r = afs.k->mkdir(kpath, 0700)) < 0) {
        afs_errno(r, "cannot create directory '%s'", afs_ipath(kpath));
        return failed(cp);
    }
    if (!(names = host_names(hpath, &n))) {
        afs_errno(-errno, "cannot read directory '%s'", hpath);
        failed(cp);
    }
    for (size_t i = 0; i < n && !afs.interrupted; i++) {
        char hsub[PATH_MAX], ksub[AFS_PATH_MAX];
        struct stat st;

        if (snprintf(hsub, sizeof(hsub), "%s/%s", hpath, names[i]) >= (int)sizeof(hsub)) {
            afs_err("cannot copy '%s/%s': File name too long", hpath, names[i]);
            failed(cp);
        } else if ((r = afs_join(ksub, kpath, names[i])) < 0) {
            afs_errno(r, "cannot copy to '%s/%s'", afs_ipath(kpath), names[i]);
            failed(cp);
        } else if (lstat(hsub, &st) < 0) {
            afs_errno(-errno, "cannot stat '%s'", hsub);
            failed(cp);
        } else {
            put_one(cp, hsub, ksub, &st, false);
        }
    }
    if (names)
        free_names(names, n);
    put_attrs(cp, kpath, hs);
    return 0;
}

static int put_data(struct copy *cp, int hfd, int kfd, const struct stat *hs, const char *hpath,
                    const char *kpath)
{
    bool sparse = (uint64_t)hs->st_blocks * 512 < (uint64_t)hs->st_size;
    int64_t off = 0;
    int r;

    while (!afs.interrupted) {
        ssize_t n = read(hfd, cp->buf, AFS_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return afs_errno(-errno, "error reading '%s'", hpath);
        if (n == 0)
            break;
        if ((r = write_chunk(image_write, kfd, cp->buf, (size_t)n, off, sparse)) < 0)
            return afs_errno(r, "error writing '%s'", afs_ipath(kpath));
        off += n;
        progress(cp, (uint64_t)n, false);
    }
    if (sparse && (r = afs.k->ftruncate(kfd, off)) < 0)
        return afs_errno(r, "error writing '%s'", afs_ipath(kpath));
    return 0;
}

static int put_file(struct copy *cp, const char *hpath, const char *kpath, const struct stat *hs,
                    const struct anyk_stat *ks, bool top)
{
    const char *first = hs->st_nlink > 1 ? link_find(cp, hs->st_dev, hs->st_ino) : NULL;
    int hfd, kfd, r;

    if (ks && AFS_ISDIR(ks->st_mode)) {
        afs_err("cannot overwrite directory '%s' with non-directory", afs_ipath(kpath));
        return failed(cp);
    }
    if (ks && (first || (!top && !AFS_ISREG(ks->st_mode))) && (r = afs.k->unlink(kpath)) < 0) {
        afs_errno(r, "cannot remove '%s'", afs_ipath(kpath));
        return failed(cp);
    }
    if (first) {
        if ((r = afs.k->link(first, kpath)) < 0) {
            afs_errno(r, "cannot create hard link '%s' to '%s'", afs_ipath(kpath),
                      afs_ipath(first));
            failed(cp);
        }
        return 0;
    }
    if ((hfd = open(hpath, O_RDONLY | O_CLOEXEC)) < 0) {
        afs_errno(-errno, "cannot open '%s' for reading", hpath);
        return failed(cp);
    }
    kfd = afs.k->open(kpath, ANYK_O_WRONLY | ANYK_O_CREAT | ANYK_O_TRUNC, 0600);
    if (kfd < 0) {
        close(hfd);
        afs_errno(kfd, "cannot create regular file '%s'", afs_ipath(kpath));
        return failed(cp);
    }
    bool ok = put_data(cp, hfd, kfd, hs, hpath, kpath) == 0;
    close(hfd);
    if ((r = afs.k->close(kfd)) < 0 && ok) {
        afs_errno(r, "error writing '%s'", afs_ipath(kpath));
        ok = false;
    }
    if (!ok)
        return failed(cp);     /* the partial copy keeps no attributes */
    put_attrs(cp, kpath, hs);
    if (hs->st_nlink > 1)
        link_add(cp, hs->st_dev, hs->st_ino, kpath);
    return 0;
}

/* The API has no lchown or lutimens: a link gets the kernel's owner and the time now. */
static int put_link(struct copy *cp, const char *hpath, const char *kpath,
                    const struct anyk_stat *ks)
{
    char target[PATH_MAX];
    ssize_t n = readlink(hpath, target, sizeof(target) - 1);
    int r;

    if (n < 0) {
        afs_errno(-errno, "cannot read symbolic link '%s'", hpath);
        return failed(cp);
    }
    target[n] = '\0';
    if (ks && AFS_ISDIR(ks->st_mode)) {
        afs_err("cannot overwrite directory '%s' with non-directory", afs_ipath(kpath));
        return failed(cp);
    }
    if (ks && (r = afs.k->unlink(kpath)) < 0) {
        afs_errno(r, "cannot remove '%s'", afs_ipath(kpath));
        return failed(cp);
    }
    if ((r = afs.k->symlink(target, kpath)) < 0) {
        afs_errno(r, "cannot create symbolic link '%s'", afs_ipath(kpath));
        failed(cp);
    }
    return 0;
}

static int put_one(struct copy *cp, const char *hpath, const char *kpath, const struct stat *hs,
                   bool top)
{
    struct anyk_stat st;
    int r = afs.k->lstat(kpath, &st);
    const struct anyk_stat *ks = r == 0 ? &st : NULL;

    if (r < 0 && r != -ENOENT) {
        afs_errno(r, "cannot stat '%s'", afs_ipath(kpath));
        return failed(cp);
    }
    switch (hs->st_mode & S_IFMT) {
    case S_IFDIR:
        return put_dir(cp, hpath, kpath, hs, ks);
    case S_IFREG:
        return put_file(cp, hpath, kpath, hs, ks, top);
    case S_IFLNK:
        return put_link(cp, hpath, kpath, ks);
    default:
        afs_err("cannot copy special file '%s': the image API has no mknod", hpath);
        return failed(cp);
    }
}

/* ---- get: image -> host ------------------------------------------------------------ */

static int get_one(struct copy *cp, const char *kpath, const char *hpath,
                   const struct anyk_stat *ks, bool top);

static int get_attrs(struct copy *cp, const char *hpath, const struct anyk_stat *ks)
{
    struct timespec t[2] = { { ks->st_atim.tv_sec, ks->st_atim.tv_nsec },
                             { ks->st_mtim.tv_sec, ks->st_mtim.tv_nsec } };
    bool link = AFS_ISLNK(ks->st_mode);

    if (afs.interrupted)
        return 0;     /* a partial copy must not look like a finished one */
    /* Owners only as root (cp -p does not complain either); chown before chmod. */
    if (cp->root && lchown(hpath, ks->st_uid, ks->st_gid) < 0) {
        afs_errno(-errno, "cannot preserve the owner of '%s'", hpath);
        failed(cp);
    }
    if ((!link && chmod(hpath, ks->st_mode & 07777) < 0) ||
        utimensat(AT_FDCWD, hpath, t, AT_SYMLINK_NOFOLLOW) < 0) {
        afs_errno(-errno, "cannot preserve the attributes of '%s'", hpath);
        failed(cp);
    }
    return 0;
}

static int get_dir(struct copy *cp, const char *kpath, const char *hpath,
                   const struct anyk_stat *ks)
{
    struct afs_dir d;
    struct stat hs;
    int r;

    if (lstat(hpath, &hs) == 0 && !S_ISDIR(hs.st_mode)) {
        afs_err("cannot overwrite non-directory '%s' with directory '%s'", hpath,
                afs_ipath(kpath));
        return failed(cp);
    }
    if (mkdir(hpath, 0700) < 0 && errno != EEXIST) {
        afs_errno(-errno, "cannot create directory '%s'", hpath);
        return failed(cp);
    }
    if ((r = afs_readdir(kpath, false, &d)) < 0) {
        afs_errno(r, "cannot read directory '%s'", afs_ipath(kpath));
        failed(cp);
    }
    for (size_t i = 0; r == 0 && i < d.n && !afs.interrupted; i++) {
        char ksub[AFS_PATH_MAX], hsub[PATH_MAX];
        struct anyk_stat st;
        int e;

        if ((e = afs_join(ksub, kpath, d.ent[i].name)) < 0) {
            afs_errno(e, "cannot copy '%s/%s'", afs_ipath(kpath), d.ent[i].name);
            failed(cp);
        } else if (snprintf(hsub, sizeof(hsub), "%s/%s", hpath, d.ent[i].name) >=
                   (int)sizeof(hsub)) {
            afs_err("cannot copy to '%s/%s': File name too long", hpath, d.ent[i].name);
            failed(cp);
        } else if ((e = afs.k->lstat(ksub, &st)) < 0) {
            afs_errno(e, "cannot stat '%s'", afs_ipath(ksub));
            failed(cp);
        } else {
            get_one(cp, ksub, hsub, &st, false);
        }
    }
    if (r == 0)
        afs_dir_free(&d);
    get_attrs(cp, hpath, ks);
    return 0;
}

static int get_data(struct copy *cp, int kfd, int hfd, const struct anyk_stat *ks,
                    const char *kpath, const char *hpath)
{
    bool sparse = (uint64_t)ks->st_blocks * 512 < (uint64_t)ks->st_size;
    int64_t off = 0;
    int r;

    while (!afs.interrupted) {
        long n = afs.k->read(kfd, cp->buf, AFS_CHUNK);
        if (n < 0)
            return afs_errno((int)n, "error reading '%s'", afs_ipath(kpath));
        if (n == 0)
            break;
        if ((r = write_chunk(host_write, hfd, cp->buf, (size_t)n, off, sparse)) < 0)
            return afs_errno(r, "error writing '%s'", hpath);
        off += n;
        progress(cp, (uint64_t)n, false);
    }
    if (sparse && ftruncate(hfd, (off_t)off) < 0)
        return afs_errno(-errno, "error writing '%s'", hpath);
    return 0;
}

static int get_file(struct copy *cp, const char *kpath, const char *hpath,
                    const struct anyk_stat *ks, bool top)
{
    const char *first = ks->st_nlink > 1 ? link_find(cp, ks->st_dev, ks->st_ino) : NULL;
    struct stat hs;
    bool exists = lstat(hpath, &hs) == 0;
    int kfd, hfd;

    if (exists && S_ISDIR(hs.st_mode)) {
        afs_err("cannot overwrite directory '%s' with non-directory", hpath);
        return failed(cp);
    }
    if (exists && (first || (!top && !S_ISREG(hs.st_mode))) && unlink(hpath) < 0) {
        afs_errno(-errno, "cannot remove '%s'", hpath);
        return failed(cp);
    }
    if (first) {
        if (link(first, hpath) < 0) {
            afs_errno(-errno, "cannot create hard link '%s' to '%s'", hpath, first);
            failed(cp);
        }
        return 0;
    }
    if ((kfd = afs.k->open(kpath, ANYK_O_RDONLY, 0)) < 0) {
        afs_errno(kfd, "cannot open '%s' for reading", afs_ipath(kpath));
        return failed(cp);
    }
    if ((hfd = open(hpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        afs.k->close(kfd);
        afs_errno(-errno, "cannot create regular file '%s'", hpath);
        return failed(cp);
    }
    bool ok = get_data(cp, kfd, hfd, ks, kpath, hpath) == 0;
    afs.k->close(kfd);
    if (close(hfd) < 0 && ok) {
        afs_errno(-errno, "error writing '%s'", hpath);
        ok = false;
    }
    if (!ok)
        return failed(cp);     /* the partial copy keeps no attributes */
    get_attrs(cp, hpath, ks);
    if (ks->st_nlink > 1)
        link_add(cp, ks->st_dev, ks->st_ino, hpath);
    return 0;
}

static int get_link(struct copy *cp, const char *kpath, const char *hpath,
                    const struct anyk_stat *ks)
{
    char target[AFS_PATH_MAX];
    long n = afs.k->readlink(kpath, target, sizeof(target) - 1);
    struct stat hs;

    if (n < 0) {
        afs_errno((int)n, "cannot read symbolic link '%s'", afs_ipath(kpath));
        return failed(cp);
    }
    target[n] = '\0';
    if (lstat(hpath, &hs) == 0) {
        if (S_ISDIR(hs.st_mode)) {
            afs_err("cannot overwrite directory '%s' with non-directory", hpath);
            return failed(cp);
        }
        if (unlink(hpath) < 0) {
            afs_errno(-errno, "cannot remove '%s'", hpath);
            return failed(cp);
        }
    }
    if (symlink(target, hpath) < 0) {
        afs_errno(-errno, "cannot create symbolic link '%s'", hpath);
        return failed(cp);
    }
    get_attrs(cp, hpath, ks);
    return 0;
}

/* Fifos and device nodes (devices need root on the host, as with cp). */
static int get_special(struct copy *cp, const char *kpath, const char *hpath,
                       const struct anyk_stat *ks)
{
    uint32_t type = AFS_TYPE(ks->st_mode);
    dev_t dev = (dev_t)ks->st_rdev;     /* Linux's encoding on both sides */

    if (type == ANYK_S_IFSOCK) {
        afs_err("cannot copy socket '%s'", afs_ipath(kpath));
        return failed(cp);
    }
    unlink(hpath);
    if (mknod(hpath, (mode_t)((ks->st_mode & ANYK_S_IFMT) | 0600), dev) < 0) {
        afs_errno(-errno, "cannot create special file '%s'", hpath);
        return failed(cp);
    }
    get_attrs(cp, hpath, ks);
    return 0;
}

static int get_one(struct copy *cp, const char *kpath, const char *hpath,
                   const struct anyk_stat *ks, bool top)
{
    switch (AFS_TYPE(ks->st_mode)) {
    case ANYK_S_IFDIR:
        return get_dir(cp, kpath, hpath, ks);
    case ANYK_S_IFREG:
        return get_file(cp, kpath, hpath, ks, top);
    case ANYK_S_IFLNK:
        return get_link(cp, kpath, hpath, ks);
    default:
        return get_special(cp, kpath, hpath, ks);
    }
}

/* ---- the commands ------------------------------------------------------------------ */

static int copy_init(struct copy *cp, const char *verb, const struct cmd *c)
{
    memset(cp, 0, sizeof(*cp));
    cp->verb = verb;
    cp->recursive = opt(c, 'r');
    cp->root = geteuid() == 0;
    cp->tty = isatty(STDERR_FILENO);
    cp->start = cp->last = now_s();
    if (!(cp->buf = malloc(AFS_CHUNK)))
        return afs_errno(-ENOMEM, "%s", verb);
    return 0;
}

static int copy_done(struct copy *cp)
{
    progress(cp, 0, true);
    for (size_t i = 0; i < cp->nlinks; i++)
        free(cp->links[i].path);
    free(cp->links);
    free(cp->buf);
    return cp->status;
}

int afs_put(struct cmd *c)
{
    const char *dst = c->args[c->nargs - 1];
    char kdst[AFS_PATH_MAX], target[AFS_PATH_MAX], name[AFS_PATH_MAX];
    struct anyk_stat ds;
    struct copy cp;
    bool dst_dir;
    int r;

    if ((r = afs_resolve(dst, true, kdst)) < 0)
        return afs_errno(r, "cannot access '%s'", dst);
    dst_dir = afs.k->stat(kdst, &ds) == 0 && AFS_ISDIR(ds.st_mode);
    if (c->nargs > 2 && !dst_dir)
        return afs_err("target '%s' is not a directory", dst);
    if (copy_init(&cp, "put", c))
        return 1;
    for (int i = 0; cp.tty && i < c->nargs - 1; i++)
        cp.total += host_size(c->args[i], cp.recursive);

    for (int i = 0; i < c->nargs - 1 && !afs.interrupted; i++) {
        const char *src = c->args[i];
        struct stat hs;

        r = 0;
        if (lstat(src, &hs) < 0) {
            afs_errno(-errno, "cannot stat '%s'", src);
            failed(&cp);
            continue;
        }
        if (S_ISDIR(hs.st_mode) && !cp.recursive) {
            afs_err("-r not specified; omitting directory '%s'", src);
            failed(&cp);
            continue;
        }
        afs_basename(src, name);
        if (dst_dir && merge_name(name))
            strcpy(target, kdst);
        else if (dst_dir)
            r = afs_join(target, kdst, name);
        else if (S_ISREG(hs.st_mode))
            strcpy(target, kdst);   /* as cp: through a link to a file */
        else
            r = afs_resolve(dst, false, target);
        if (r < 0) {
            afs_errno(r, "cannot copy '%s' to '%s'", src, dst);
            failed(&cp);
            continue;
        }
        put_one(&cp, src, target, &hs, true);
    }
    return copy_done(&cp);
}

int afs_get(struct cmd *c)
{
    const char *dst = c->args[c->nargs - 1];
    char ksrc[AFS_PATH_MAX], target[PATH_MAX], name[AFS_PATH_MAX];
    struct stat ds;
    struct copy cp;
    bool dst_dir = stat(dst, &ds) == 0 && S_ISDIR(ds.st_mode);
    int r;

    if (c->nargs > 2 && !dst_dir)
        return afs_err("target '%s' is not a directory", dst);
    if (copy_init(&cp, "get", c))
        return 1;
    for (int i = 0; cp.tty && i < c->nargs - 1; i++)
        if (afs_resolve(c->args[i], !cp.recursive, ksrc) == 0)
            cp.total += image_size(ksrc, cp.recursive);

    for (int i = 0; i < c->nargs - 1 && !afs.interrupted; i++) {
        const char *src = c->args[i];
        struct anyk_stat ks;

        /* As cp: links given on the command line are followed unless copying recursively. */
        if ((r = afs_resolve(src, !cp.recursive, ksrc)) < 0 ||
            (r = afs.k->lstat(ksrc, &ks)) < 0) {
            afs_errno(r, "cannot stat '%s'", src);
            failed(&cp);
            continue;
        }
        if (AFS_ISDIR(ks.st_mode) && !cp.recursive) {
            afs_err("-r not specified; omitting directory '%s'", src);
            failed(&cp);
            continue;
        }
        afs_basename(src, name);
        if (dst_dir && !merge_name(name)) {
            if (snprintf(target, sizeof(target), "%s/%s", dst, name) >= (int)sizeof(target)) {
                afs_err("cannot copy '%s' to '%s': File name too long", src, dst);
                failed(&cp);
                continue;
            }
        } else {
            snprintf(target, sizeof(target), "%s", dst);
        }
        get_one(&cp, ksrc, target, &ks, true);
    }
    return copy_done(&cp);
}
