/*
 * vfs_test.c - the path operations and open files of the VFS (fs/vfs.h) on
 * tmpfs, checked against what Linux does.
 *
 * Every expected result here is Linux's: the same sequences were run on the
 * host (Linux 6.x) on tmpfs in /dev/shm with throwaway python3 scripts and C
 * programs, as root, and the errors and values they gave are the ones
 * asserted. Where anyk deliberately differs the comment says so.
 *
 * Covered: open flags (O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY,
 * O_NOFOLLOW, access modes); read, write, pread, pwrite, lseek and holes;
 * stat/lstat/fstat fields and the times that writes, chmod, chown, link and
 * rename advance; mkdir, rmdir, unlink, rename (every POSIX rule), link,
 * symlink and readlink (loops, 40 vs 41 chained links); unlinking an open
 * file; chmod, chown, utimens (UTIME_NOW, UTIME_OMIT); truncate and
 * ftruncate; getdents (each entry once, "." and ".." first, stable while
 * entries come and go, seeking to d_off); statfs; chdir and getcwd (renamed
 * ancestors, removed cwd); mounting a second tmpfs; trailing slashes, "//",
 * ".", "..", ENAMETOOLONG; a 1 TiB sparse file; memory running out (writes
 * end in ENOSPC, and names made one freed page at a time fail with ENOSPC or
 * ENOMEM at every step of a create and leave the tree whole); a directory of
 * 5,000 entries (timed against 1,000 for sub-quadratic growth); and that
 * memory returns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <anyk/errno.h>
#include "fs/namei.h"
#include "fs/vfs.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "tests/unit/tap.h"

static struct vfs_ctx C; /* root and cwd "/" */

/* ---- helpers ------------------------------------------------------------------- */

/* Create or truncate path and write data; 0 or -errno. */
static int put(const struct vfs_ctx *c, const char *path, const char *data)
{
    struct file *f;
    int r = vfs_open(c, path, ANYK_O_WRONLY | ANYK_O_CREAT | ANYK_O_TRUNC, 0644, &f);
    long n;

    if (r < 0)
        return r;
    n = file_write(f, data, strlen(data));
    file_put(f);
    return n < 0 ? (int)n : n == (long)strlen(data) ? 0 : -EIO;
}

/* The whole content of path as a string in buf (n bytes at most); length or -errno. */
static long get(const struct vfs_ctx *c, const char *path, char *buf, size_t n)
{
    struct file *f;
    long r = vfs_open(c, path, ANYK_O_RDONLY, 0, &f), len = 0;

    if (r < 0)
        return r;
    while ((size_t)len < n - 1 && (r = file_read(f, buf + len, n - 1 - (size_t)len)) > 0)
        len += r;
    buf[len] = '\0';
    file_put(f);
    return r < 0 ? r : len;
}

/* Open and close again: the error of the open, or 0. */
static int try_open(const struct vfs_ctx *c, const char *path, int flags)
{
    struct file *f;
    int r = vfs_open(c, path, flags, 0644, &f);

    if (r == 0)
        file_put(f);
    return r;
}

static struct anyk_stat st_of(const struct vfs_ctx *c, const char *path, bool follow)
{
    struct anyk_stat st;

    if (vfs_stat(c, path, &st, follow) < 0)
        memset(&st, 0xff, sizeof(st));
    return st;
}

static bool exists(const struct vfs_ctx *c, const char *path)
{
    struct anyk_stat st;

    return vfs_stat(c, path, &st, false) == 0;
}

static int64_t ns_of(struct anyk_timespec t)
{
    return t.tv_sec * 1000000000ll + t.tv_nsec;
}

/* Let the wall clock move on, so that a time set now differs from one set before. */
static void tick(void)
{
    thread_sleep_ns(2 * NSEC_PER_MSEC);
}

static int cd(struct vfs_ctx *c, const char *path)
{
    struct vnode *dir;
    int r = vfs_lookup_dir(c, path, &dir);

    if (r < 0)
        return r;
    vnode_put(c->cwd);
    c->cwd = dir;
    return 0;
}

static const char *cwd_of(const struct vfs_ctx *c)
{
    static char buf[VFS_PATH_MAX];
    long r = vfs_getcwd(c, buf, sizeof(buf));

    if (r < 0)
        snprintf(buf, sizeof(buf), "error %ld", r);
    return buf;
}

/*
 * What memory is in use. kmalloc keeps some empty slabs as a cache (see
 * kern/kmalloc.c), so "nothing leaked" is: the same kmalloc objects, large
 * blocks and vnodes, and the same number of pages either free or held in slabs.
 */
struct mem {
    size_t free_pages, slab_pages, objects, large, vnodes;
};

static struct mem mem_now(void)
{
    struct kmalloc_stats ks;
    struct mem m = { page_zone()->free_pages, 0, 0, 0, vnode_count() };

    kmalloc_stats(&ks);
    for (int i = 0; i < KMALLOC_NCLASSES; i++) {
        m.objects += ks.cls[i].objects;
        m.slab_pages += ks.cls[i].slabs * ks.cls[i].slab_pages;
    }
    m.large = ks.large_blocks;
    return m;
}

static bool mem_same(struct mem a, struct mem b, const char *what)
{
    return ok(a.free_pages + a.slab_pages == b.free_pages + b.slab_pages &&
                  a.objects == b.objects && a.large == b.large && a.vnodes == b.vnodes,
              "%s: memory returns (free pages %zu -> %zu, slab pages %zu -> %zu, kmalloc "
              "objects %zu -> %zu, large %zu -> %zu, vnodes %zu -> %zu)",
              what, a.free_pages, b.free_pages, a.slab_pages, b.slab_pages, a.objects, b.objects,
              a.large, b.large, a.vnodes, b.vnodes);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Remove a tree (for cleaning up between sections). */
static void rm_rf(const struct vfs_ctx *c, const char *path);

struct name_list {
    char (*names)[VFS_NAME_MAX + 1];
    size_t n, cap;
};

static int collect(void *arg, const char *name, size_t len, uint64_t ino, unsigned type,
                   int64_t next)
{
    struct name_list *l = arg;

    (void)ino, (void)type, (void)next;
    if (name_is_dot(name, len))
        return 0;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->names = realloc(l->names, l->cap * sizeof(*l->names));
    }
    memcpy(l->names[l->n], name, len);
    l->names[l->n][len] = '\0';
    l->n++;
    return 0;
}

static void rm_rf(const struct vfs_ctx *c, const char *path)
{
    struct anyk_stat st;
    struct name_list l = { NULL, 0, 0 };
    struct vnode *dir;
    char sub[VFS_PATH_MAX];
    int64_t off = 0;

    if (vfs_stat(c, path, &st, false) < 0)
        return;
    if ((st.st_mode & ANYK_S_IFMT) != ANYK_S_IFDIR) {
        vfs_unlink(c, path);
        return;
    }
    if (vfs_lookup_dir(c, path, &dir) < 0)
        return;
    dir->ops->readdir(dir, &off, collect, &l);
    vnode_put(dir);
    for (size_t i = 0; i < l.n; i++) {
        snprintf(sub, sizeof(sub), "%s/%s", path, l.names[i]);
        rm_rf(c, sub);
    }
    free(l.names);
    vfs_rmdir(c, path);
}

/* ---- open flags --------------------------------------------------------------------- */

static void test_open(void)
{
    struct file *f;
    char buf[64];
    int r;

    vfs_mkdir(&C, "/t", 0755);
    ok(try_open(&C, "/t/none", ANYK_O_RDONLY) == -ENOENT, "open of a missing file: ENOENT");
    ok(try_open(&C, "/t/f", ANYK_O_WRONLY | ANYK_O_CREAT) == 0, "O_CREAT creates a file");
    ok(exists(&C, "/t/f"), "the created file exists afterwards");
    ok(try_open(&C, "/t/f", ANYK_O_WRONLY | ANYK_O_CREAT) == 0,
       "O_CREAT of an existing file opens it");
    r = try_open(&C, "/t/f", ANYK_O_WRONLY | ANYK_O_CREAT | ANYK_O_EXCL);
    ok(r == -EEXIST, "O_CREAT|O_EXCL of an existing file: EEXIST (got %d)", r);
    ok(try_open(&C, "/t/missing/f", ANYK_O_WRONLY | ANYK_O_CREAT) == -ENOENT,
       "O_CREAT in a missing directory: ENOENT");
    r = try_open(&C, "/t/f/x", ANYK_O_WRONLY | ANYK_O_CREAT);
    ok(r == -ENOTDIR, "O_CREAT below a regular file: ENOTDIR (got %d)", r);

    put(&C, "/t/f", "hello world");
    ok(try_open(&C, "/t/f", ANYK_O_WRONLY | ANYK_O_TRUNC) == 0 && st_of(&C, "/t/f", 1).st_size == 0,
       "O_TRUNC empties the file");
    put(&C, "/t/f", "hello");
    try_open(&C, "/t/f", ANYK_O_RDONLY);
    ok(st_of(&C, "/t/f", 1).st_size == 5, "O_RDONLY without O_TRUNC leaves the size");

    /* O_APPEND: every write goes to the end, whatever the offset (Linux: "xelloEND"). */
    ok(vfs_open(&C, "/t/f", ANYK_O_RDWR | ANYK_O_APPEND, 0, &f) == 0, "open O_RDWR|O_APPEND");
    file_lseek(f, 0, ANYK_SEEK_SET);
    file_write(f, "END", 3);
    ok(file_lseek(f, 0, ANYK_SEEK_CUR) == 8, "O_APPEND write after lseek(0) leaves offset 8");
    file_lseek(f, 1, ANYK_SEEK_SET);
    memset(buf, 0, sizeof(buf));
    ok(file_read(f, buf, sizeof(buf)) == 7 && !strcmp(buf, "elloEND"),
       "O_APPEND: reads still use the offset; the data went to the end (%s)", buf);
    file_put(f);

    /* O_DIRECTORY */
    ok(try_open(&C, "/t/f", ANYK_O_RDONLY | ANYK_O_DIRECTORY) == -ENOTDIR,
       "O_DIRECTORY on a regular file: ENOTDIR");
    ok(try_open(&C, "/t", ANYK_O_RDONLY | ANYK_O_DIRECTORY) == 0, "O_DIRECTORY on a directory");

    /* Directories cannot be opened for writing. */
    ok(try_open(&C, "/t", ANYK_O_WRONLY) == -EISDIR, "O_WRONLY on a directory: EISDIR");
    ok(try_open(&C, "/t", ANYK_O_RDWR) == -EISDIR, "O_RDWR on a directory: EISDIR");
    ok(try_open(&C, "/t", ANYK_O_RDONLY | ANYK_O_TRUNC) == -EISDIR,
       "O_RDONLY|O_TRUNC on a directory: EISDIR");
    r = try_open(&C, "/t", ANYK_O_RDONLY | ANYK_O_CREAT);
    ok(r == -EISDIR, "O_CREAT on an existing directory: EISDIR (got %d)", r);
    r = try_open(&C, "/t/.", ANYK_O_RDONLY | ANYK_O_CREAT);
    ok(r == -EISDIR, "O_CREAT on \".\": EISDIR (got %d)", r);
    r = try_open(&C, "/t/.", ANYK_O_RDWR | ANYK_O_CREAT | ANYK_O_EXCL);
    ok(r == -EEXIST, "O_CREAT|O_EXCL on \".\": EEXIST (got %d)", r);
    r = try_open(&C, "/t/new/", ANYK_O_WRONLY | ANYK_O_CREAT);
    ok(r == -EISDIR && !exists(&C, "/t/new"), "O_CREAT of \"new/\": EISDIR, nothing made (got %d)",
       r);
    r = try_open(&C, "/t/f/", ANYK_O_WRONLY | ANYK_O_CREAT);
    ok(r == -EISDIR, "O_CREAT of an existing file as \"f/\": EISDIR (got %d)", r);
    r = try_open(&C, "/t/f/", ANYK_O_RDONLY);
    ok(r == -ENOTDIR, "open of a file as \"f/\": ENOTDIR (got %d)", r);
    ok(try_open(&C, "/t/f", 3) == -EINVAL, "access mode 3: EINVAL");

    /* Access modes: reading a write-only file and writing a read-only one are EBADF. */
    vfs_open(&C, "/t/f", ANYK_O_WRONLY, 0, &f);
    ok(file_read(f, buf, 1) == -EBADF, "read of an O_WRONLY file: EBADF");
    ok(file_pread(f, buf, 1, 0) == -EBADF, "pread of an O_WRONLY file: EBADF");
    file_put(f);
    vfs_open(&C, "/t/f", ANYK_O_RDONLY, 0, &f);
    ok(file_write(f, "x", 1) == -EBADF, "write of an O_RDONLY file: EBADF");
    ok(file_pwrite(f, "x", 1, 0) == -EBADF, "pwrite of an O_RDONLY file: EBADF");
    ok(file_ftruncate(f, 0) == -EINVAL, "ftruncate of an O_RDONLY file: EINVAL (as Linux)");
    ok(file_getdents(f, buf, sizeof(buf)) == -ENOTDIR, "getdents of a regular file: ENOTDIR");
    file_put(f);
    vfs_open(&C, "/t", ANYK_O_RDONLY, 0, &f);
    ok(file_read(f, buf, 1) == -EISDIR, "read of a directory: EISDIR");
    ok(file_pread(f, buf, 1, 0) == -EISDIR, "pread of a directory: EISDIR");
    file_put(f);

    /* Symbolic links and O_NOFOLLOW. */
    vfs_symlink(&C, "f", "/t/lf");
    ok(get(&C, "/t/lf", buf, sizeof(buf)) == 8 && !strcmp(buf, "helloEND"),
       "open follows a symlink to its file");
    ok(try_open(&C, "/t/lf", ANYK_O_RDONLY | ANYK_O_NOFOLLOW) == -ELOOP,
       "O_NOFOLLOW on a symlink: ELOOP");
    ok(try_open(&C, "/t/lf", ANYK_O_WRONLY | ANYK_O_CREAT | ANYK_O_NOFOLLOW) == -ELOOP,
       "O_CREAT|O_NOFOLLOW on a symlink: ELOOP");
    ok(try_open(&C, "/t/f", ANYK_O_RDONLY | ANYK_O_NOFOLLOW) == 0,
       "O_NOFOLLOW on a regular file opens it");
    ok(try_open(&C, "/t/lf", ANYK_O_WRONLY | ANYK_O_CREAT | ANYK_O_EXCL) == -EEXIST,
       "O_CREAT|O_EXCL on a symlink: EEXIST");

    /* A dangling symlink: O_CREAT creates its target (Linux does), O_EXCL refuses. */
    vfs_symlink(&C, "target_new", "/t/dangle");
    r = try_open(&C, "/t/dangle", ANYK_O_WRONLY | ANYK_O_CREAT | ANYK_O_EXCL);
    ok(r == -EEXIST, "O_CREAT|O_EXCL on a dangling symlink: EEXIST (got %d)", r);
    ok(try_open(&C, "/t/dangle", ANYK_O_RDONLY) == -ENOENT, "open of a dangling symlink: ENOENT");
    r = try_open(&C, "/t/dangle", ANYK_O_WRONLY | ANYK_O_CREAT);
    ok(r == 0 && exists(&C, "/t/target_new") &&
           (st_of(&C, "/t/target_new", 0).st_mode & ANYK_S_IFMT) == ANYK_S_IFREG,
       "O_CREAT through a dangling symlink creates the target beside the link (got %d)", r);
    vfs_symlink(&C, "nodir/x", "/t/dangle2");
    r = try_open(&C, "/t/dangle2", ANYK_O_WRONLY | ANYK_O_CREAT);
    ok(r == -ENOENT, "O_CREAT through a dangling symlink into a missing directory: ENOENT (%d)",
       r);
    rm_rf(&C, "/t");
}

/* ---- read, write, pread, pwrite, lseek --------------------------------------------- */

static void test_rw(void)
{
    struct file *f;
    char buf[9000];
    bool zeros = true;

    vfs_mkdir(&C, "/t", 0755);
    vfs_open(&C, "/t/f", ANYK_O_RDWR | ANYK_O_CREAT, 0644, &f);
    ok(file_write(f, "0123456789", 10) == 10, "write returns the count");
    ok(file_lseek(f, 0, ANYK_SEEK_CUR) == 10, "write advances the offset");
    ok(file_read(f, buf, 10) == 0, "read at the end returns 0");
    ok(file_lseek(f, 2, ANYK_SEEK_SET) == 2, "lseek SEEK_SET");
    ok(file_read(f, buf, 3) == 3 && !memcmp(buf, "234", 3), "read from the offset");
    ok(file_lseek(f, 1, ANYK_SEEK_CUR) == 6, "lseek SEEK_CUR");
    ok(file_lseek(f, -3, ANYK_SEEK_END) == 7, "lseek SEEK_END -3 of 10 bytes = 7");
    ok(file_read(f, buf, 100) == 3 && !memcmp(buf, "789", 3), "read is short at the end");
    ok(file_lseek(f, -1, ANYK_SEEK_SET) == -EINVAL, "lseek to a negative offset: EINVAL");
    ok(file_lseek(f, -100, ANYK_SEEK_END) == -EINVAL, "lseek SEEK_END before the start: EINVAL");
    ok(file_lseek(f, 0, 7) == -EINVAL, "lseek with a bad whence: EINVAL");
    ok(file_lseek(f, 0, ANYK_SEEK_CUR) == 10, "a failed lseek leaves the offset");
    ok(file_pread(f, buf, 4, 3) == 4 && !memcmp(buf, "3456", 4), "pread at an offset");
    ok(file_lseek(f, 0, ANYK_SEEK_CUR) == 10, "pread leaves the offset");
    ok(file_pwrite(f, "AB", 2, 1) == 2, "pwrite");
    ok(file_pread(f, buf, 10, 0) == 10 && !memcmp(buf, "0AB3456789", 10), "pwrite wrote in place");
    ok(file_lseek(f, 0, ANYK_SEEK_CUR) == 10, "pwrite leaves the offset");
    ok(file_pread(f, buf, 1, -1) == -EINVAL, "pread at a negative offset: EINVAL");
    ok(file_pwrite(f, "x", 1, -1) == -EINVAL, "pwrite at a negative offset: EINVAL");
    ok(file_pread(f, buf, 5, 100) == 0, "pread beyond the end returns 0");

    /* lseek beyond the end then write: a hole that reads as zeros (Linux: size 10001). */
    ok(file_lseek(f, 10000, ANYK_SEEK_SET) == 10000, "lseek beyond the end is allowed");
    ok(st_of(&C, "/t/f", 1).st_size == 10, "lseek alone does not change the size");
    ok(file_write(f, "x", 1) == 1 && st_of(&C, "/t/f", 1).st_size == 10001,
       "a write beyond the end extends the file to 10001 bytes");
    ok(file_pread(f, buf, sizeof(buf), 10) == (long)sizeof(buf), "read across the hole");
    for (size_t i = 0; i < sizeof(buf); i++)
        zeros &= buf[i] == 0;
    ok(zeros, "the hole reads as zeros");
    ok(file_pread(f, buf, 10, 9995) == 6 && buf[5] == 'x' && buf[0] == 0,
       "the byte after the hole is there");
    ok(file_write(f, "", 0) == 0, "a write of 0 bytes returns 0");
    file_put(f);
    rm_rf(&C, "/t");
}

/* ---- stat ------------------------------------------------------------------------------- */

static void test_stat(void)
{
    struct anyk_stat st, a, b;
    struct file *f;

    vfs_mkdir(&C, "/t", 0755);
    vfs_mkdir(&C, "/t/d", 0750);
    put(&C, "/t/f", "12345");
    vfs_chmod(&C, "/t/f", 0640);
    vfs_symlink(&C, "f", "/t/l");

    st = st_of(&C, "/t/f", true);
    ok(st.st_mode == (ANYK_S_IFREG | 0640), "file mode S_IFREG|0640 (%o)", st.st_mode);
    ok(st.st_nlink == 1 && st.st_size == 5, "file nlink 1, size 5");
    ok(st.st_blocks == 8 && st.st_blksize == 4096, "file of 5 bytes: 8 blocks of 512 (%lld)",
       (long long)st.st_blocks);
    st = st_of(&C, "/t/d", true);
    /* Linux tmpfs: an empty directory has size 40 and nlink 2; each entry adds 20. */
    ok(st.st_mode == (ANYK_S_IFDIR | 0750) && st.st_nlink == 2 && st.st_size == 40 &&
           st.st_blocks == 0,
       "empty directory: S_IFDIR|0750, nlink 2, size 40, 0 blocks");
    st = st_of(&C, "/t", true);
    ok(st.st_nlink == 3 && st.st_size == 40 + 3 * 20,
       "a directory with one subdirectory and 3 entries: nlink 3, size 100 (%u, %lld)",
       st.st_nlink, (long long)st.st_size);
    st = st_of(&C, "/t/l", false);
    ok(st.st_mode == (ANYK_S_IFLNK | 0777) && st.st_size == 1 && st.st_nlink == 1,
       "lstat of a symlink: S_IFLNK|0777, size = length of the target");
    a = st_of(&C, "/t/l", true);
    b = st_of(&C, "/t/f", true);
    ok(a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_mode == b.st_mode,
       "stat of a symlink is the stat of its file");
    ok(b.st_ino != st.st_ino, "the symlink has its own inode number");
    vfs_open(&C, "/t/f", ANYK_O_RDONLY, 0, &f);
    ok(file_fstat(f, &st) == 0 && st.st_ino == b.st_ino && st.st_size == 5,
       "fstat matches stat");
    file_put(f);
    ok(vfs_stat(&C, "/t/missing", &st, true) == -ENOENT, "stat of a missing file: ENOENT");
    ok(vfs_stat(&C, "", &st, true) == -ENOENT, "stat of \"\": ENOENT");
    ok(vfs_stat(&C, "/t/f/x", &st, true) == -ENOTDIR, "stat below a file: ENOTDIR");
    ok(st_of(&C, "/", 1).st_dev != st_of(&C, "/dev", 1).st_dev,
       "a mounted file system has its own st_dev");

    /* Times: a write advances mtime and ctime; chmod advances ctime only. */
    a = st_of(&C, "/t/f", true);
    tick();
    vfs_open(&C, "/t/f", ANYK_O_WRONLY, 0, &f);
    file_write(f, "x", 1);
    file_put(f);
    b = st_of(&C, "/t/f", true);
    ok(ns_of(b.st_mtim) > ns_of(a.st_mtim) && ns_of(b.st_ctim) > ns_of(a.st_ctim),
       "write advances mtime and ctime");
    a = b;
    tick();
    vfs_open(&C, "/t/f", ANYK_O_WRONLY, 0, &f);
    file_pwrite(f, "y", 1, 3);
    file_put(f);
    b = st_of(&C, "/t/f", true);
    ok(ns_of(b.st_mtim) > ns_of(a.st_mtim), "pwrite advances mtime");
    a = b;
    tick();
    vfs_chmod(&C, "/t/f", 0600);
    b = st_of(&C, "/t/f", true);
    ok(ns_of(b.st_ctim) > ns_of(a.st_ctim) && ns_of(b.st_mtim) == ns_of(a.st_mtim) &&
           (b.st_mode & 07777) == 0600,
       "chmod changes the mode, advances ctime, leaves mtime");
    a = b;
    tick();
    vfs_chown(&C, "/t/f", (uint32_t)-1, (uint32_t)-1);
    b = st_of(&C, "/t/f", true);
    ok(ns_of(b.st_ctim) > ns_of(a.st_ctim), "chown(-1, -1) still advances ctime (as Linux)");
    a = b;
    tick();
    vfs_link(&C, "/t/f", "/t/f2");
    b = st_of(&C, "/t/f", true);
    ok(ns_of(b.st_ctim) > ns_of(a.st_ctim) && b.st_nlink == 2, "link advances ctime, nlink 2");
    a = b;
    tick();
    vfs_rename(&C, "/t/f2", "/t/f3");
    b = st_of(&C, "/t/f", true);
    ok(ns_of(b.st_ctim) > ns_of(a.st_ctim), "rename advances the moved file's ctime");
    a = st_of(&C, "/t", true);
    tick();
    put(&C, "/t/g", "");
    b = st_of(&C, "/t", true);
    ok(ns_of(b.st_mtim) > ns_of(a.st_mtim) && ns_of(b.st_ctim) > ns_of(a.st_ctim),
       "creating a file advances its directory's mtime and ctime");
    a = b;
    tick();
    vfs_unlink(&C, "/t/g");
    b = st_of(&C, "/t", true);
    ok(ns_of(b.st_mtim) > ns_of(a.st_mtim), "unlink advances the directory's mtime");
    rm_rf(&C, "/t");
}

/* ---- mkdir, rmdir, unlink ---------------------------------------------------------- */

static void test_mkdir_rmdir_unlink(void)
{
    int r;

    ok(vfs_mkdir(&C, "/t", 0755) == 0, "mkdir");
    ok(vfs_mkdir(&C, "/t", 0755) == -EEXIST, "mkdir of an existing directory: EEXIST");
    put(&C, "/t/f", "x");
    vfs_symlink(&C, "nowhere", "/t/l");
    ok(vfs_mkdir(&C, "/t/f", 0755) == -EEXIST, "mkdir over a file: EEXIST");
    ok(vfs_mkdir(&C, "/t/l", 0755) == -EEXIST, "mkdir over a (dangling) symlink: EEXIST");
    ok(vfs_mkdir(&C, "/t/missing/x", 0755) == -ENOENT, "mkdir in a missing directory: ENOENT");
    ok(vfs_mkdir(&C, "/t/f/x", 0755) == -ENOTDIR, "mkdir below a file: ENOTDIR");
    ok(vfs_mkdir(&C, "/t/.", 0755) == -EEXIST, "mkdir \".\": EEXIST");
    ok(vfs_mkdir(&C, "/", 0755) == -EEXIST, "mkdir \"/\": EEXIST");
    ok(vfs_mkdir(&C, "/t/s/", 0755) == 0 && exists(&C, "/t/s"), "mkdir \"s/\" makes s");
    ok(st_of(&C, "/t", 1).st_nlink == 3, "a new subdirectory adds one to the parent's nlink");

    put(&C, "/t/s/in", "x");
    ok(vfs_rmdir(&C, "/t/s") == -ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
    ok(vfs_rmdir(&C, "/t/f") == -ENOTDIR, "rmdir of a file: ENOTDIR");
    ok(vfs_rmdir(&C, "/t/missing") == -ENOENT, "rmdir of a missing name: ENOENT");
    ok(vfs_rmdir(&C, "/t/s/.") == -EINVAL, "rmdir of \"s/.\": EINVAL");
    ok(vfs_rmdir(&C, "/t/s/..") == -ENOTEMPTY, "rmdir of \"s/..\": ENOTEMPTY");
    r = vfs_rmdir(&C, "/dev");
    ok(r == -EBUSY, "rmdir of a mount point (/dev): EBUSY (got %d)", r);
    r = vfs_rmdir(&C, "/");
    ok(r == -EBUSY, "rmdir of \"/\": EBUSY (got %d)", r);
    vfs_symlink(&C, "s", "/t/ls");
    ok(vfs_rmdir(&C, "/t/ls") == -ENOTDIR, "rmdir of a symlink to a directory: ENOTDIR");
    ok(vfs_unlink(&C, "/t/s/in") == 0 && vfs_rmdir(&C, "/t/s/") == 0,
       "rmdir of \"s/\" once it is empty");
    ok(!exists(&C, "/t/s") && st_of(&C, "/t", 1).st_nlink == 2,
       "rmdir takes the name away and one from the parent's nlink");

    ok(vfs_unlink(&C, "/t") == -EISDIR, "unlink of a directory: EISDIR");
    ok(vfs_unlink(&C, "/t/missing") == -ENOENT, "unlink of a missing name: ENOENT");
    ok(vfs_unlink(&C, "/t/f/") == -ENOTDIR, "unlink of \"file/\": ENOTDIR");
    ok(vfs_unlink(&C, "/t/.") == -EISDIR, "unlink of \".\": EISDIR");
    ok(vfs_unlink(&C, "/t/l") == 0 && !exists(&C, "/t/l"),
       "unlink of a dangling symlink removes the link");
    ok(vfs_unlink(&C, "/t/ls") == 0 && !exists(&C, "/t/ls") && !exists(&C, "/t/s"),
       "unlink of a symlink removes the link only");
    ok(vfs_unlink(&C, "/t/f") == 0 && vfs_stat(&C, "/t/f", &(struct anyk_stat){ 0 }, 1) == -ENOENT,
       "unlink of a file: then ENOENT");
    rm_rf(&C, "/t");
}

/* ---- rename -------------------------------------------------------------------------- */

static void test_rename(void)
{
    char buf[64];
    struct anyk_stat a, b;
    int r;

    vfs_mkdir(&C, "/t", 0755);
    vfs_mkdir(&C, "/t/full", 0755);
    vfs_mkdir(&C, "/t/full/x", 0755);
    vfs_mkdir(&C, "/t/empty", 0755);
    vfs_mkdir(&C, "/t/e2", 0755);
    put(&C, "/t/file", "F");
    put(&C, "/t/file2", "G");

    a = st_of(&C, "/t/file", true);
    ok(vfs_rename(&C, "/t/file", "/t/moved") == 0 && !exists(&C, "/t/file") &&
           st_of(&C, "/t/moved", 1).st_ino == a.st_ino,
       "rename to a new name moves the inode");
    vfs_rename(&C, "/t/moved", "/t/file");
    vfs_link(&C, "/t/file", "/t/hl");
    ok(vfs_rename(&C, "/t/file2", "/t/file") == 0 && get(&C, "/t/file", buf, sizeof(buf)) == 1 &&
           !strcmp(buf, "G") && !exists(&C, "/t/file2"),
       "file over file replaces it");
    ok(st_of(&C, "/t/hl", 1).st_nlink == 1 && get(&C, "/t/hl", buf, sizeof(buf)) == 1 &&
           !strcmp(buf, "F"),
       "the replaced file lost one link and keeps its other name");
    r = vfs_rename(&C, "/t/empty", "/t/full");
    ok(r == -ENOTEMPTY, "dir over a non-empty dir: ENOTEMPTY (got %d)", r);
    r = vfs_rename(&C, "/t/empty", "/t/file");
    ok(r == -ENOTDIR, "dir over a file: ENOTDIR (got %d)", r);
    r = vfs_rename(&C, "/t/file", "/t/empty");
    ok(r == -EISDIR, "file over a dir: EISDIR (got %d)", r);
    r = vfs_rename(&C, "/t/full", "/t/full/x/y");
    ok(r == -EINVAL, "dir into its own subtree: EINVAL (got %d)", r);
    r = vfs_rename(&C, "/t/full", "/t/full/x");
    ok(r == -EINVAL, "dir over its own child: EINVAL (got %d)", r);
    r = vfs_rename(&C, "/t/full/x", "/t/full");
    ok(r == -ENOTEMPTY, "dir over its own (non-empty) parent: ENOTEMPTY (got %d)", r);
    a = st_of(&C, "/t", true);
    ok(vfs_rename(&C, "/t/empty", "/t/e2") == 0 && !exists(&C, "/t/empty") && exists(&C, "/t/e2"),
       "dir over an empty dir replaces it");
    b = st_of(&C, "/t", true);
    ok(b.st_nlink == a.st_nlink - 1, "the parent loses the replaced directory's link (%u -> %u)",
       a.st_nlink, b.st_nlink);
    ok(vfs_rename(&C, "/t/full", "/t/full") == 0 && exists(&C, "/t/full/x"),
       "a dir onto itself: success, nothing changes");
    vfs_link(&C, "/t/file", "/t/file_link");
    ok(vfs_rename(&C, "/t/file", "/t/file_link") == 0 && exists(&C, "/t/file") &&
           exists(&C, "/t/file_link") && st_of(&C, "/t/file", 1).st_nlink == 2,
       "rename between two links of one file: success, both names stay (POSIX)");
    ok(vfs_rename(&C, "/t/nope", "/t/x") == -ENOENT, "rename of a missing name: ENOENT");
    ok(vfs_rename(&C, "/t/file", "/t/nodir/x") == -ENOENT, "rename into a missing dir: ENOENT");
    ok(vfs_rename(&C, "/t/file", "/t/newname/") == -ENOTDIR,
       "rename of a file to \"new/\": ENOTDIR");
    ok(vfs_rename(&C, "/t/file/", "/t/x") == -ENOTDIR, "rename of \"file/\": ENOTDIR");
    r = vfs_rename(&C, "/t/file", "/t/file/");
    ok(r == -ENOTDIR, "rename of \"file\" onto \"file/\": ENOTDIR, though the same file (%d)",
       r);
    ok(vfs_rename(&C, "/t/full", "/t/full/") == 0, "rename of \"dir\" onto \"dir/\": success");
    ok(vfs_rename(&C, "/t/e2", "/t/e3/") == 0 && exists(&C, "/t/e3"),
       "rename of a dir to \"new/\" works");
    r = vfs_rename(&C, "/t/file", "/dev/file");
    ok(r == -EXDEV, "rename across mounts: EXDEV (got %d)", r);
    r = vfs_rename(&C, "/dev/null", "/t/null");
    ok(r == -EXDEV, "rename from another mount: EXDEV (got %d)", r);
    /* Linux refuses "." and ".." as either name with EBUSY (POSIX allows EINVAL too). */
    r = vfs_rename(&C, "/t/full/.", "/t/x");
    ok(r == -EBUSY || r == -EINVAL, "rename of \".\": EBUSY or EINVAL (got %d)", r);
    r = vfs_rename(&C, "/t/full/..", "/t/x");
    ok(r == -EBUSY || r == -EINVAL, "rename of \"..\": EBUSY or EINVAL (got %d)", r);
    r = vfs_rename(&C, "/t/file", "/t/full/.");
    ok(r == -EBUSY || r == -EINVAL, "rename onto \".\": EBUSY or EINVAL (got %d)", r);
    r = vfs_rename(&C, "/dev", "/t/dev");
    ok(r == -EBUSY || r == -EXDEV, "rename of a mount point: EBUSY or EXDEV (got %d)", r);
    ok(exists(&C, "/t/full/x") && exists(&C, "/t/file"), "the refused renames changed nothing");

    /* A directory moved to another parent: nlink of both parents, and its "..". */
    vfs_mkdir(&C, "/t/p1", 0755);
    vfs_mkdir(&C, "/t/p2", 0755);
    vfs_mkdir(&C, "/t/p1/c", 0755);
    ok(vfs_rename(&C, "/t/p1/c", "/t/p2/c") == 0 && st_of(&C, "/t/p1", 1).st_nlink == 2 &&
           st_of(&C, "/t/p2", 1).st_nlink == 3,
       "moving a dir moves one link from the old parent to the new");
    ok(st_of(&C, "/t/p2/c/..", 1).st_ino == st_of(&C, "/t/p2", 1).st_ino,
       "the moved directory's \"..\" is its new parent");
    rm_rf(&C, "/t");
}

/* ---- link -------------------------------------------------------------------------- */

static void test_link(void)
{
    char buf[16];
    int r;

    vfs_mkdir(&C, "/t", 0755);
    vfs_mkdir(&C, "/t/d", 0755);
    put(&C, "/t/f", "data");
    ok(vfs_link(&C, "/t/f", "/t/d/g") == 0, "link");
    ok(st_of(&C, "/t/f", 1).st_nlink == 2 &&
           st_of(&C, "/t/d/g", 1).st_ino == st_of(&C, "/t/f", 1).st_ino,
       "both names: one inode with nlink 2");
    put(&C, "/t/d/g", "new");
    ok(get(&C, "/t/f", buf, sizeof(buf)) == 3 && !strcmp(buf, "new"),
       "a write through one name shows through the other");
    ok(vfs_unlink(&C, "/t/f") == 0 && st_of(&C, "/t/d/g", 1).st_nlink == 1,
       "unlink of one name: nlink 1");
    ok(vfs_link(&C, "/t/d", "/t/d2") == -EPERM, "link of a directory: EPERM");
    ok(vfs_link(&C, "/t/d/g", "/t/d") == -EEXIST, "link onto an existing name: EEXIST");
    ok(vfs_link(&C, "/t/nope", "/t/x") == -ENOENT, "link of a missing file: ENOENT");
    r = vfs_link(&C, "/t/d/g", "/t/new/");
    ok(r == -ENOENT && !exists(&C, "/t/new"), "link to a new name \"new/\": ENOENT (got %d)", r);
    ok(vfs_link(&C, "/t/d/g/", "/t/new") == -ENOTDIR, "link of \"file/\": ENOTDIR");
    r = vfs_link(&C, "/t/d/g", "/dev/g");
    ok(r == -EXDEV, "link across mounts: EXDEV (got %d)", r);
    vfs_symlink(&C, "nowhere", "/t/dl");
    ok(vfs_link(&C, "/t/dl", "/t/hl") == 0 &&
           (st_of(&C, "/t/hl", 0).st_mode & ANYK_S_IFMT) == ANYK_S_IFLNK,
       "link of a symlink links the symlink itself (as Linux's link)");
    rm_rf(&C, "/t");
}

/* ---- symlink, readlink ------------------------------------------------------------------ */

static void symlink_chain(void *arg)
{
    int *res = arg;
    char buf[8];

    res[0] = (int)get(&C, "/t/ch/l40", buf, sizeof(buf));
    res[1] = (int)get(&C, "/t/ch/l41", buf, sizeof(buf));
    res[2] = try_open(&C, "/t/la", ANYK_O_RDONLY);
}

static void test_symlink(void)
{
    char buf[VFS_PATH_MAX], name[32], prev[32];
    struct thread *t;
    int res[3];
    long n;

    vfs_mkdir(&C, "/t", 0755);
    vfs_mkdir(&C, "/t/d", 0755);
    put(&C, "/t/d/f", "in d");
    ok(vfs_symlink(&C, "d/f", "/t/rel") == 0 && get(&C, "/t/rel", buf, sizeof(buf)) == 4,
       "a relative symlink resolves from its own directory");
    ok(vfs_symlink(&C, "/t/d/f", "/t/d/abs") == 0 && get(&C, "/t/d/abs", buf, sizeof(buf)) == 4,
       "an absolute symlink resolves from the root");
    ok(vfs_symlink(&C, "d", "/t/ld") == 0 && get(&C, "/t/ld/f", buf, sizeof(buf)) == 4,
       "a symlink to a directory in the middle of a path");
    ok(vfs_symlink(&C, "../../t/d/./f", "/t/d/up") == 0 &&
           get(&C, "/t/d/up", buf, sizeof(buf)) == 4,
       "a symlink with \"..\" and \".\" in its target");
    n = vfs_readlink(&C, "/t/d/abs", buf, sizeof(buf));
    ok(n == 6 && !memcmp(buf, "/t/d/f", 6), "readlink returns the target (no NUL)");
    n = vfs_readlink(&C, "/t/d/abs", buf, 3);
    ok(n == 3 && !memcmp(buf, "/t/", 3), "readlink truncates to the buffer");
    ok(vfs_readlink(&C, "/t/d/f", buf, sizeof(buf)) == -EINVAL, "readlink of a file: EINVAL");
    ok(vfs_readlink(&C, "/t/d", buf, sizeof(buf)) == -EINVAL, "readlink of a directory: EINVAL");
    ok(vfs_readlink(&C, "/t/nope", buf, sizeof(buf)) == -ENOENT, "readlink of nothing: ENOENT");
    ok(vfs_symlink(&C, "x", "/t/rel") == -EEXIST, "symlink over an existing name: EEXIST");
    ok(vfs_symlink(&C, "", "/t/empty") == -ENOENT, "symlink with an empty target: ENOENT");
    n = vfs_symlink(&C, "x", "/t/new/");
    ok(n == -ENOENT && !exists(&C, "/t/new"), "symlink to a new name \"new/\": ENOENT (%ld)", n);
    ok(vfs_symlink(&C, "nowhere", "/t/dangle") == 0 && vfs_readlink(&C, "/t/dangle", buf, 64) == 7,
       "a dangling symlink can be made and read");
    ok(vfs_stat(&C, "/t/dangle", &(struct anyk_stat){ 0 }, true) == -ENOENT &&
           vfs_stat(&C, "/t/dangle", &(struct anyk_stat){ 0 }, false) == 0,
       "stat of a dangling symlink: ENOENT; lstat works");
    ok((st_of(&C, "/t/ld/", false).st_mode & ANYK_S_IFMT) == ANYK_S_IFDIR,
       "lstat of \"link/\" follows the link (POSIX: a trailing slash resolves it)");
    ok(vfs_unlink(&C, "/t/ld/") == -ENOTDIR, "unlink of \"dirlink/\": ENOTDIR");
    ok(vfs_rmdir(&C, "/t/ld/") == -ENOTDIR, "rmdir of \"dirlink/\": ENOTDIR");
    ok(exists(&C, "/t/ld"), "and the link is still there");

    /* A loop, and chains: Linux follows at most 40 links in one resolution. */
    vfs_symlink(&C, "lb", "/t/la");
    vfs_symlink(&C, "la", "/t/lb");
    ok(try_open(&C, "/t/la", ANYK_O_RDONLY) == -ELOOP, "a loop a -> b -> a: ELOOP");
    ok(vfs_stat(&C, "/t/la/x", &(struct anyk_stat){ 0 }, false) == -ELOOP,
       "a loop in the middle of a path: ELOOP");
    vfs_mkdir(&C, "/t/ch", 0755);
    put(&C, "/t/ch/t", "T");
    strcpy(prev, "t");
    for (int i = 1; i <= 41; i++) {
        snprintf(name, sizeof(name), "/t/ch/l%d", i);
        vfs_symlink(&C, prev, name);
        snprintf(prev, sizeof(prev), "l%d", i);
    }
    ok(get(&C, "/t/ch/l40", buf, sizeof(buf)) == 1, "a chain of 40 links resolves");
    /* O_CREAT through a dangling chain: 41 links ELOOP, 40 create the target (Linux). */
    strcpy(prev, "target");
    for (int i = 1; i <= 41; i++) {
        snprintf(name, sizeof(name), "/t/ch/d%d", i);
        vfs_symlink(&C, prev, name);
        snprintf(prev, sizeof(prev), "d%d", i);
    }
    ok(try_open(&C, "/t/ch/d41", ANYK_O_WRONLY | ANYK_O_CREAT) == -ELOOP &&
           !exists(&C, "/t/ch/target"),
       "O_CREAT through 41 dangling links: ELOOP, nothing made");
    ok(try_open(&C, "/t/ch/d40", ANYK_O_WRONLY | ANYK_O_CREAT) == 0 && exists(&C, "/t/ch/target"),
       "O_CREAT through 40 dangling links creates the target");
    ok(get(&C, "/t/ch/l41", buf, sizeof(buf)) == -ELOOP, "a chain of 41 links: ELOOP");
    /* The same on a kernel thread's 16 KiB stack: resolution must not overflow it. */
    thread_create(&t, "chain", symlink_chain, res, THREAD_PRIO_NORMAL);
    thread_join(t, NULL);
    ok(res[0] == 1 && res[1] == -ELOOP && res[2] == -ELOOP,
       "on a kernel thread too (40: %d, 41: %d, loop: %d)", res[0], res[1], res[2]);
    rm_rf(&C, "/t");
}

/* ---- unlink of an open file -------------------------------------------------------------- */

static void test_unlink_open(void)
{
    static char big[64 * 1024];
    char buf[16];
    struct file *f;
    struct anyk_stat st;
    struct mem before, mid;

    vfs_mkdir(&C, "/t", 0755);
    put(&C, "/t/keep", ""); /* so that /t's hash table exists before the measurement */
    before = mem_now();
    memset(big, 'b', sizeof(big));
    vfs_open(&C, "/t/open", ANYK_O_RDWR | ANYK_O_CREAT, 0644, &f);
    file_write(f, big, sizeof(big));
    mid = mem_now();
    ok(vfs_unlink(&C, "/t/open") == 0 && !exists(&C, "/t/open"), "unlink of an open file");
    ok(file_pread(f, buf, 4, 65532) == 4 && !memcmp(buf, "bbbb", 4),
       "its data is still readable through the open file");
    ok(file_pwrite(f, "zz", 2, 0) == 2 && file_pread(f, buf, 2, 0) == 2 && !memcmp(buf, "zz", 2),
       "and writable");
    ok(file_fstat(f, &st) == 0 && st.st_nlink == 0 && st.st_size == 65536,
       "fstat: nlink 0, size kept");
    ok(page_zone()->free_pages <= mid.free_pages, "the data is not freed while the file is open");
    file_put(f);
    mem_same(before, mem_now(), "closing the unlinked file frees the inode and its pages");
    rm_rf(&C, "/t");
}

/* ---- chmod, chown, utimens ------------------------------------------------------------ */

static void test_attrs(void)
{
    struct anyk_stat a, b;
    struct anyk_timespec t[2];

    vfs_mkdir(&C, "/t", 0755);
    put(&C, "/t/f", "x");
    vfs_symlink(&C, "f", "/t/l");
    ok(vfs_chmod(&C, "/t/f", 04755) == 0 && st_of(&C, "/t/f", 1).st_mode == (ANYK_S_IFREG | 04755),
       "chmod sets the permission bits and setuid");
    ok(vfs_chmod(&C, "/t/f", ANYK_S_IFDIR | 0600) == 0 &&
           st_of(&C, "/t/f", 1).st_mode == (ANYK_S_IFREG | 0600),
       "chmod never changes the file type");
    ok(vfs_chmod(&C, "/t/l", 0640) == 0 && st_of(&C, "/t/f", 1).st_mode == (ANYK_S_IFREG | 0640) &&
           st_of(&C, "/t/l", 0).st_mode == (ANYK_S_IFLNK | 0777),
       "chmod follows a symlink");
    ok(vfs_chmod(&C, "/t/nope", 0600) == -ENOENT, "chmod of nothing: ENOENT");
    ok(vfs_chown(&C, "/t/f", 12, 34) == 0 && st_of(&C, "/t/f", 1).st_uid == 12 &&
           st_of(&C, "/t/f", 1).st_gid == 34,
       "chown sets uid and gid");
    ok(vfs_chown(&C, "/t/f", (uint32_t)-1, 56) == 0 && st_of(&C, "/t/f", 1).st_uid == 12 &&
           st_of(&C, "/t/f", 1).st_gid == 56,
       "chown with uid -1 keeps the uid");

    t[0] = (struct anyk_timespec){ 5, 6 };
    t[1] = (struct anyk_timespec){ 7, 8 };
    a = st_of(&C, "/t/f", 1);
    tick();
    ok(vfs_utimens(&C, "/t/f", t) == 0, "utimens with explicit times");
    b = st_of(&C, "/t/f", 1);
    ok(ns_of(b.st_atim) == 5000000006ll && ns_of(b.st_mtim) == 7000000008ll,
       "atime and mtime set exactly");
    ok(ns_of(b.st_ctim) > ns_of(a.st_ctim), "utimens advances ctime");
    a = b;
    tick();
    t[0] = (struct anyk_timespec){ 99, ANYK_UTIME_OMIT };
    t[1] = (struct anyk_timespec){ 99, ANYK_UTIME_NOW };
    vfs_utimens(&C, "/t/f", t);
    b = st_of(&C, "/t/f", 1);
    ok(ns_of(b.st_atim) == ns_of(a.st_atim), "UTIME_OMIT leaves atime");
    ok(ns_of(b.st_mtim) > ns_of(a.st_ctim) && ns_of(b.st_ctim) > ns_of(a.st_ctim),
       "UTIME_NOW sets mtime to now (and ctime advances)");
    a = b;
    tick();
    t[0].tv_nsec = t[1].tv_nsec = ANYK_UTIME_OMIT;
    ok(vfs_utimens(&C, "/t/f", t) == 0, "utimens with both UTIME_OMIT succeeds");
    b = st_of(&C, "/t/f", 1);
    ok(ns_of(b.st_atim) == ns_of(a.st_atim) && ns_of(b.st_mtim) == ns_of(a.st_mtim) &&
           ns_of(b.st_ctim) == ns_of(a.st_ctim),
       "both UTIME_OMIT: nothing changes, not even ctime (as Linux)");
    ok(vfs_utimens(&C, "/t/nope", t) == -ENOENT, "utimens of nothing: ENOENT");
    a = b;
    tick();
    ok(vfs_utimens(&C, "/t/f", NULL) == 0, "utimens(NULL) sets both to now");
    b = st_of(&C, "/t/f", 1);
    ok(ns_of(b.st_atim) > ns_of(a.st_ctim) && ns_of(b.st_mtim) == ns_of(b.st_atim),
       "both times are now and equal");
    rm_rf(&C, "/t");
}

/* ---- truncate ------------------------------------------------------------------------- */

static void test_truncate(void)
{
    char buf[10000];
    struct file *f;
    struct anyk_stat a, b;
    bool zeros = true;

    vfs_mkdir(&C, "/t", 0755);
    memset(buf, 'a', sizeof(buf));
    vfs_open(&C, "/t/f", ANYK_O_RDWR | ANYK_O_CREAT, 0644, &f);
    file_write(f, buf, sizeof(buf));
    a = st_of(&C, "/t/f", 1);
    tick();
    ok(vfs_truncate(&C, "/t/f", 5000) == 0 && st_of(&C, "/t/f", 1).st_size == 5000,
       "truncate shrinks");
    b = st_of(&C, "/t/f", 1);
    ok(ns_of(b.st_mtim) > ns_of(a.st_mtim) && ns_of(b.st_ctim) > ns_of(a.st_ctim),
       "truncate advances mtime and ctime");
    ok(b.st_blocks == 16, "5000 bytes hold 2 pages (16 blocks, got %lld)", (long long)b.st_blocks);
    ok(file_ftruncate(f, 10000) == 0 && st_of(&C, "/t/f", 1).st_size == 10000, "ftruncate grows");
    memset(buf, 'x', sizeof(buf));
    ok(file_pread(f, buf, sizeof(buf), 0) == 10000, "read the whole grown file");
    for (int i = 5000; i < 10000; i++)
        zeros &= buf[i] == 0;
    ok(zeros && buf[4999] == 'a', "shrink then grow: the regrown part reads as zeros");
    ok(file_ftruncate(f, 0) == 0 && file_ftruncate(f, 3) == 0 && file_pread(f, buf, 10, 0) == 3 &&
           !buf[0] && !buf[1] && !buf[2],
       "truncate to 0 and grow to 3: three zeros");
    ok(file_ftruncate(f, -1) == -EINVAL, "ftruncate to a negative size: EINVAL");
    ok(vfs_truncate(&C, "/t/f", -1) == -EINVAL, "truncate to a negative size: EINVAL");
    ok(vfs_truncate(&C, "/t", 0) == -EISDIR, "truncate of a directory: EISDIR");
    ok(vfs_truncate(&C, "/t/nope", 0) == -ENOENT, "truncate of nothing: ENOENT");
    file_put(f);
    rm_rf(&C, "/t");
}

/* ---- getdents ------------------------------------------------------------------------- */

struct listing {
    int count[1200];    /* times each "e%d" was seen */
    int dots, dotdots, others, records;
    bool dots_first;    /* "." and ".." were the first two records */
    int64_t off_after[1200];
};

/* Read records from f with a buffer of bufsz bytes; stop after max records (0: all). */
static long read_dents(struct file *f, size_t bufsz, struct listing *l, int max)
{
    char *buf = malloc(bufsz);
    long total = 0, n;

    while ((n = file_getdents(f, buf, bufsz)) > 0) {
        for (long pos = 0; pos < n;) {
            struct anyk_dirent *de = (struct anyk_dirent *)(void *)(buf + pos);
            int idx;
            if (!strcmp(de->d_name, ".")) {
                l->dots++;
                if (l->records == 0)
                    l->dots_first = true;
            } else if (!strcmp(de->d_name, "..")) {
                l->dotdots++;
                if (l->records != 1)
                    l->dots_first = false;
            } else if (sscanf(de->d_name, "e%d", &idx) == 1 && idx >= 0 && idx < 1200) {
                l->count[idx]++;
                l->off_after[idx] = de->d_off;
            } else {
                l->others++;
            }
            l->records++;
            total++;
            pos += de->d_reclen;
        }
        if (max && total >= max)
            break;
    }
    free(buf);
    return n < 0 ? n : total;
}

static void test_getdents(void)
{
    static struct listing l;
    char name[64], buf[64];
    struct file *f;
    bool once = true, stayed = true, gone = true;
    int added = 0;

    vfs_mkdir(&C, "/t", 0755);
    vfs_mkdir(&C, "/t/d", 0755);
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "/t/d/e%d", i);
        put(&C, name, "");
    }
    vfs_open(&C, "/t/d", ANYK_O_RDONLY | ANYK_O_DIRECTORY, 0, &f);
    memset(&l, 0, sizeof(l));
    ok(read_dents(f, 4096, &l, 0) == 302, "getdents lists 300 entries plus \".\" and \"..\"");
    for (int i = 0; i < 300; i++)
        once &= l.count[i] == 1;
    ok(once && l.dots == 1 && l.dotdots == 1 && l.others == 0, "every entry exactly once");
    ok(l.dots_first, "\".\" and \"..\" come first");
    ok(file_getdents(f, buf, sizeof(buf)) == 0, "at the end getdents returns 0");
    ok(file_lseek(f, 0, ANYK_SEEK_SET) == 0, "lseek(0) rewinds a directory");
    memset(&l, 0, sizeof(l));
    ok(read_dents(f, 100, &l, 0) == 302, "with a 100-byte buffer (a few records per call) too");
    file_lseek(f, 0, ANYK_SEEK_SET);
    ok(file_getdents(f, buf, 10) == -EINVAL, "a buffer too small for one record: EINVAL");

    /* Seek to a d_off: listing continues right after that entry. */
    int64_t off150 = l.off_after[150];
    file_lseek(f, off150, ANYK_SEEK_SET);
    memset(&l, 0, sizeof(l));
    read_dents(f, 4096, &l, 0);
    once = l.dots == 0;
    for (int i = 0; i < 300; i++)
        once &= l.count[i] == (i > 150);
    ok(once, "lseek to an entry's d_off continues after that entry (creation order here)");

    /* Entries that come and go between calls: the ones that stay are seen exactly once. */
    file_lseek(f, 0, ANYK_SEEK_SET);
    memset(&l, 0, sizeof(l));
    read_dents(f, 512, &l, 40);
    for (int i = 0; i < 300; i += 3) {
        snprintf(name, sizeof(name), "/t/d/e%d", i);
        vfs_unlink(&C, name); /* some already listed, most not yet */
    }
    for (int i = 300; i < 400; i++, added++) {
        snprintf(name, sizeof(name), "/t/d/e%d", i);
        put(&C, name, "");
    }
    for (int i = 1; i < 300; i += 3) {
        /* Rename within the directory: the old name goes, a new name comes. */
        char to[64];
        snprintf(name, sizeof(name), "/t/d/e%d", i);
        snprintf(to, sizeof(to), "/t/d/e%d", 1000 + i);
        vfs_rename(&C, name, to);
    }
    read_dents(f, 512, &l, 0);
    for (int i = 0; i < 300; i++) {
        if (i % 3 == 2)
            stayed &= l.count[i] == 1;
        if (i % 3 == 0)
            gone &= l.count[i] <= 1; /* seen before its removal, or not at all */
    }
    for (int i = 300; i < 1200; i++)
        once &= l.count[i] <= 1;
    ok(stayed, "entries that stayed were listed exactly once while others came and went");
    ok(gone && once, "removed and added entries were listed at most once");
    ok(l.dots == 1 && l.dotdots == 1, "\".\" and \"..\" once");
    file_put(f);

    /* Two listings of one directory, interleaved, each with a small buffer. */
    static struct listing l2;
    struct file *f2;
    vfs_mkdir(&C, "/t/two", 0755);
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "/t/two/e%d", i);
        put(&C, name, "");
    }
    vfs_open(&C, "/t/two", ANYK_O_RDONLY, 0, &f);
    vfs_open(&C, "/t/two", ANYK_O_RDONLY, 0, &f2);
    memset(&l, 0, sizeof(l));
    memset(&l2, 0, sizeof(l2));
    for (bool more = true; more;) {
        more = read_dents(f, 150, &l, 1) > 0;
        more |= read_dents(f2, 100, &l2, 1) > 0;
    }
    once = l.dots == 1 && l.dotdots == 1 && l2.dots == 1 && l2.dotdots == 1;
    for (int i = 0; i < 100; i++)
        once &= l.count[i] == 1 && l2.count[i] == 1;
    ok(once, "two interleaved listings of one directory each see every entry once");

    /* The entry where a listing stopped is removed, or renamed, before it goes on. */
    file_lseek(f, 0, ANYK_SEEK_SET);
    memset(&l, 0, sizeof(l));
    read_dents(f, 150, &l, 1);
    int last = -1;
    for (int i = 0; i < 100; i++)
        if (l.count[i])
            last = i;
    for (int i = last + 1; i <= last + 2; i++) {
        snprintf(name, sizeof(name), "/t/two/e%d", i);
        vfs_unlink(&C, name);
    }
    snprintf(name, sizeof(name), "/t/two/e%d", last + 3);
    vfs_rename(&C, name, "/t/two/e500");
    read_dents(f, 150, &l, 0);
    once = last >= 0 && l.count[last + 1] == 0 && l.count[last + 2] == 0 &&
           l.count[last + 3] == 0 && l.count[500] == 1;
    for (int i = 0; i < 100; i++)
        once &= (i > last && i <= last + 3) || l.count[i] == 1;
    ok(once, "removing the entry where a listing stopped (e%d) skips nothing else", last + 1);
    file_put(f2);
    file_put(f);

    /* A removed directory lists nothing: Linux's getdents says ENOENT. */
    vfs_mkdir(&C, "/t/r", 0755);
    vfs_mkdir(&C, "/t/r/a", 0755);
    vfs_open(&C, "/t/r/a", ANYK_O_RDONLY, 0, &f);
    vfs_rmdir(&C, "/t/r/a");
    vfs_rmdir(&C, "/t/r");
    long n = file_getdents(f, buf, sizeof(buf));
    ok(n == -ENOENT, "getdents of a removed directory: ENOENT (got %ld)", n);
    file_put(f);

    /* Types in d_type. */
    vfs_mkdir(&C, "/t/types", 0755);
    vfs_mkdir(&C, "/t/types/dir", 0755);
    put(&C, "/t/types/reg", "");
    vfs_symlink(&C, "reg", "/t/types/lnk");
    vfs_open(&C, "/t/types", ANYK_O_RDONLY, 0, &f);
    char tb[1024];
    long tn = file_getdents(f, tb, sizeof(tb));
    int good = 0;
    for (long pos = 0; pos < tn;) {
        struct anyk_dirent *de = (struct anyk_dirent *)(void *)(tb + pos);
        good += (!strcmp(de->d_name, "dir") && de->d_type == ANYK_DT_DIR) ||
                (!strcmp(de->d_name, "reg") && de->d_type == ANYK_DT_REG) ||
                (!strcmp(de->d_name, "lnk") && de->d_type == ANYK_DT_LNK) ||
                (!strcmp(de->d_name, ".") && de->d_type == ANYK_DT_DIR &&
                 de->d_ino == st_of(&C, "/t/types", 1).st_ino) ||
                (!strcmp(de->d_name, "..") && de->d_ino == st_of(&C, "/t", 1).st_ino);
        ok(de->d_reclen % 8 == 0, "record %s: d_reclen %u is a multiple of 8", de->d_name,
           de->d_reclen);
        pos += de->d_reclen;
    }
    ok(good == 5, "d_type and d_ino of dir, reg, lnk, \".\" and \"..\" are right (%d of 5)",
       good);
    file_put(f);
    rm_rf(&C, "/t");
}

/* ---- statfs ----------------------------------------------------------------------------- */

static void test_statfs(void)
{
    struct anyk_statfs sf;

    ok(vfs_statfs(&C, "/", &sf) == 0 && sf.f_type == 0x01021994, "statfs of /: tmpfs magic");
    ok(sf.f_bsize == 4096 && sf.f_namelen == 255, "block size 4096, names up to 255 bytes");
    ok(sf.f_blocks == page_zone()->npages && sf.f_bfree == page_zone()->free_pages &&
           sf.f_bavail <= sf.f_bfree && sf.f_bfree <= sf.f_blocks,
       "blocks and free blocks are the page allocator's (%llu of %llu free)",
       (unsigned long long)sf.f_bfree, (unsigned long long)sf.f_blocks);
    ok(sf.f_ffree <= sf.f_files, "free inodes <= inodes");
    ok(vfs_statfs(&C, "/nope", &sf) == -ENOENT, "statfs of nothing: ENOENT");
}

/* ---- chdir, getcwd -------------------------------------------------------------------- */

static void test_cwd(void)
{
    struct vfs_ctx c = { C.root, C.root };
    char buf[64];
    struct file *f;
    int r;

    vnode_get(c.root);
    vnode_get(c.cwd);
    vfs_mkdir(&C, "/t", 0755);
    vfs_mkdir(&C, "/t/a", 0755);
    vfs_mkdir(&C, "/t/a/b", 0755);
    put(&C, "/t/a/b/f", "in b");
    ok(!strcmp(cwd_of(&c), "/"), "getcwd at the root: \"/\"");
    ok(cd(&c, "/t/a/b") == 0 && !strcmp(cwd_of(&c), "/t/a/b"), "chdir; getcwd: /t/a/b");
    ok(vfs_getcwd(&c, buf, sizeof(buf)) == 7, "getcwd returns the length with the NUL");
    ok(vfs_getcwd(&c, buf, 6) == -ERANGE, "getcwd into a short buffer: ERANGE");
    ok(get(&c, "f", buf, sizeof(buf)) == 4, "a relative path starts at the cwd");
    ok(get(&c, "../b/./f", buf, sizeof(buf)) == 4, "\"..\" and \".\" from the cwd");
    ok(vfs_rename(&C, "/t/a", "/t/renamed") == 0 && !strcmp(cwd_of(&c), "/t/renamed/b"),
       "after a rename of an ancestor getcwd follows (%s)", cwd_of(&c));
    ok(cd(&c, "f") == -ENOTDIR, "chdir to a file: ENOTDIR");
    ok(cd(&c, "nope") == -ENOENT, "chdir to nothing: ENOENT");
    ok(cd(&c, "../../../../..") == 0 && !strcmp(cwd_of(&c), "/"),
       "\"..\" never goes above the root");
    ok(cd(&c, "/dev") == 0 && !strcmp(cwd_of(&c), "/dev"), "getcwd inside a mounted file system");
    ok(cd(&c, "..") == 0 && !strcmp(cwd_of(&c), "/"), "\"..\" from a mount's root crosses it");

    /* A removed cwd: getcwd says ENOENT, "." still works, nothing can be made in it. */
    cd(&c, "/t/renamed/b");
    vfs_unlink(&C, "/t/renamed/b/f");
    ok(vfs_rmdir(&C, "/t/renamed/b") == 0, "rmdir of the cwd itself is allowed");
    r = (int)vfs_getcwd(&c, buf, sizeof(buf));
    ok(r == -ENOENT, "getcwd in a removed directory: ENOENT (got %d)", r);
    ok(st_of(&c, ".", 1).st_nlink == 0, "stat of \".\" there: nlink 0");
    ok(put(&c, "x", "x") == -ENOENT, "creating a file in a removed cwd: ENOENT");
    ok(vfs_mkdir(&c, "x", 0755) == -ENOENT, "mkdir in a removed cwd: ENOENT");
    ok(vfs_symlink(&c, "y", "x") == -ENOENT, "symlink in a removed cwd: ENOENT");
    put(&C, "/t/mv", "mv");
    r = vfs_rename(&c, "/t/mv", "x");
    ok(r == -ENOENT && exists(&C, "/t/mv"), "rename into a removed cwd: ENOENT (got %d)", r);
    vfs_mkdir(&C, "/t/mvd", 0755);
    r = vfs_rename(&c, "/t/mvd", "xd");
    ok(r == -ENOENT && exists(&C, "/t/mvd"), "rename of a dir into a removed cwd: ENOENT (%d)",
       r);
    r = vfs_link(&c, "/t/mv", "x");
    ok(r == -ENOENT, "link into a removed cwd: ENOENT (got %d)", r);
    ok(vfs_open(&c, ".", ANYK_O_RDONLY, 0, &f) == 0, "the removed cwd can still be opened");
    file_put(f);
    cd(&c, "/");
    vnode_put(c.cwd);
    vnode_put(c.root);
    rm_rf(&C, "/t");
}

/* ---- mount, umount ---------------------------------------------------------------------- */

static void test_mount(void)
{
    struct mem before;
    struct vfs_ctx c = { C.root, C.root };
    struct anyk_statfs sf;
    struct file *f;
    char buf[32];
    int r;

    vnode_get(c.root);
    vnode_get(c.cwd);
    vfs_mkdir(&C, "/t", 0755);
    vfs_mkdir(&C, "/t/m", 0755);
    put(&C, "/t/m/under", "hidden");
    before = mem_now();
    ok(vfs_mount(&C, "tmpfs", "/t/m", "tmpfs", 0, NULL) == 0, "mount a second tmpfs");
    ok(!exists(&C, "/t/m/under"), "it hides what was under the mount point");
    ok(st_of(&C, "/t/m", 1).st_dev != st_of(&C, "/t", 1).st_dev, "it has its own st_dev");
    ok(vfs_statfs(&C, "/t/m", &sf) == 0 && sf.f_type == 0x01021994, "statfs: tmpfs");
    ok(put(&C, "/t/m/f", "in m") == 0 && vfs_mkdir(&C, "/t/m/d", 0755) == 0,
       "files and directories in it");
    ok(vfs_rename(&C, "/t/m/f", "/t/f") == -EXDEV, "rename out of it: EXDEV");
    ok(vfs_link(&C, "/t/m/f", "/t/f") == -EXDEV, "link out of it: EXDEV");
    ok(vfs_rmdir(&C, "/t/m") == -EBUSY, "rmdir of the mount point: EBUSY");
    r = vfs_rename(&C, "/t/m", "/t/m2");
    ok(r == -EBUSY, "rename of the mount point: EBUSY (got %d)", r);
    ok(st_of(&C, "/t/m/d/..", 1).st_ino == st_of(&C, "/t/m", 1).st_ino &&
           st_of(&C, "/t/m/..", 1).st_ino == st_of(&C, "/t", 1).st_ino,
       "\"..\" inside it, and from its root back across the mount point");
    ok(vfs_mount(&C, "tmpfs", "/t/m/f", "tmpfs", 0, NULL) == -ENOTDIR, "mount on a file: ENOTDIR");
    ok(vfs_mount(&C, "tmpfs", "/t/nope", "tmpfs", 0, NULL) == -ENOENT, "mount on nothing: ENOENT");
    ok(vfs_mount(&C, "x", "/t", "nosuchfs", 0, NULL) == -ENODEV, "an unknown type: ENODEV");
    ok(vfs_umount(&C, "/t") == -EINVAL, "umount of a directory that is no mount point: EINVAL");

    vfs_open(&C, "/t/m/f", ANYK_O_RDONLY, 0, &f);
    ok(vfs_umount(&C, "/t/m") == -EBUSY, "umount while a file is open in it: EBUSY");
    file_put(f);
    cd(&c, "/t/m/d");
    ok(vfs_umount(&C, "/t/m") == -EBUSY, "umount while a cwd is in it: EBUSY");
    cd(&c, "/");
    ok(vfs_umount(&C, "/t/m") == 0, "umount once nothing is in use");
    ok(get(&C, "/t/m/under", buf, sizeof(buf)) == 6, "what was under it shows again");
    mem_same(before, mem_now(), "mount, use and umount of a tmpfs");
    ok(vfs_umount(&C, "/t/m") == -EINVAL, "a second umount: EINVAL");
    vnode_put(c.cwd);
    vnode_put(c.root);
    rm_rf(&C, "/t");
}

/* ---- path forms -------------------------------------------------------------------------- */

static void test_paths(void)
{
    char name[300], *path;
    struct anyk_stat st;
    uint64_t ino;

    vfs_mkdir(&C, "/t", 0755);
    vfs_mkdir(&C, "/t/d", 0755);
    put(&C, "/t/d/f", "x");
    ino = st_of(&C, "/t/d/f", 1).st_ino;
    ok(st_of(&C, "//t///d//f", 1).st_ino == ino, "\"//\" and \"///\" are one slash");
    ok(st_of(&C, "/t/./d/./f", 1).st_ino == ino, "\".\" components");
    ok(st_of(&C, "/t/d/../d/f", 1).st_ino == ino, "\"..\" components");
    ok(st_of(&C, "/../../t/d/f", 1).st_ino == ino, "\"..\" at the root stays at the root");
    ok(st_of(&C, "/..", 1).st_ino == st_of(&C, "/", 1).st_ino, "\"/..\" is \"/\"");
    ok(st_of(&C, "/t/d/", 1).st_ino == st_of(&C, "/t/d", 1).st_ino, "a trailing slash on a dir");
    ok(st_of(&C, "/t/d//", 1).st_ino == st_of(&C, "/t/d", 1).st_ino, "two trailing slashes");
    ok(vfs_stat(&C, "/t/d/f/", &st, true) == -ENOTDIR, "a trailing slash on a file: ENOTDIR");
    ok(vfs_stat(&C, "/t/d/f//", &st, true) == -ENOTDIR, "\"file//\": ENOTDIR");
    ok(vfs_stat(&C, "/t/d/f/.", &st, true) == -ENOTDIR, "\"file/.\": ENOTDIR");
    ok(vfs_rmdir(&C, "/t/d//") == -ENOTEMPTY && vfs_unlink(&C, "/t/d/f") == 0 &&
           vfs_rmdir(&C, "/t/d//") == 0,
       "rmdir \"d//\"");

    memcpy(name, "/t/", 3);
    memset(name + 3, 'n', 255);
    name[3 + 255] = '\0';
    ok(put(&C, name, "x") == 0, "a 255-byte name is allowed");
    ok(vfs_unlink(&C, name) == 0, "and can be removed");
    memset(name + 3, 'n', 256);
    name[3 + 256] = '\0';
    ok(put(&C, name, "x") == -ENAMETOOLONG, "a 256-byte name: ENAMETOOLONG (create)");
    ok(vfs_stat(&C, name, &st, true) == -ENAMETOOLONG, "a 256-byte name: ENAMETOOLONG (stat)");
    ok(vfs_mkdir(&C, name, 0755) == -ENAMETOOLONG, "a 256-byte name: ENAMETOOLONG (mkdir)");
    strcat(name, "/x");
    ok(vfs_stat(&C, name, &st, true) == -ENAMETOOLONG,
       "a 256-byte component in the middle: ENAMETOOLONG");

    path = malloc(5001);
    for (int i = 0; i < 2500; i++)
        memcpy(path + 2 * i, "./", 2);
    path[5000] = '\0';
    ok(vfs_stat(&C, path, &st, true) == -ENAMETOOLONG, "a 5000-byte path: ENAMETOOLONG");
    ok(vfs_mkdir(&C, path, 0755) == -ENAMETOOLONG, "a 5000-byte path: ENAMETOOLONG (mkdir)");
    path[4096] = '\0';
    ok(vfs_stat(&C, path, &st, true) == -ENAMETOOLONG, "a 4096-byte path: ENAMETOOLONG");
    path[4095] = '\0';
    path[4094] = '.';
    ok(vfs_stat(&C, path, &st, true) == 0, "a 4095-byte path resolves (PATH_MAX counts the NUL)");
    free(path);
    rm_rf(&C, "/t");
}

/* ---- sparse files ------------------------------------------------------------------------- */

static void test_sparse(void)
{
    const int64_t tib = 1ll << 40;
    struct mem before;
    struct file *f;
    struct anyk_stat st;
    char buf[8192];
    bool zeros = true;

    vfs_mkdir(&C, "/t", 0755);
    put(&C, "/t/keep", ""); /* so that /t's hash table exists before the measurement */
    before = mem_now();
    vfs_open(&C, "/t/sparse", ANYK_O_RDWR | ANYK_O_CREAT, 0644, &f);
    ok(file_pwrite(f, "Z", 1, tib) == 1, "write 1 byte at 1 TiB");
    file_fstat(f, &st);
    ok(st.st_size == tib + 1, "size is 1 TiB + 1");
    /* Linux's tmpfs says 8 blocks: the one page written. */
    ok(st.st_blocks == 8, "st_blocks is 8, one page (got %lld)", (long long)st.st_blocks);
    tap_diag("1 TiB sparse file: %lld blocks, %zu pages of memory", (long long)st.st_blocks,
             before.free_pages - page_zone()->free_pages);
    ok(before.free_pages - page_zone()->free_pages <= 8, "and uses at most 8 pages of memory");
    ok(file_pread(f, buf, sizeof(buf), tib - 4096) == 4097 && buf[4096] == 'Z',
       "read across the end: the byte is there");
    for (int i = 0; i < 4096; i++)
        zeros &= buf[i] == 0;
    ok(zeros, "and zeros before it");
    ok(file_pread(f, buf, sizeof(buf), tib / 2) == (long)sizeof(buf) && !buf[0] && !buf[8191],
       "zeros in the middle of the hole");
    ok(file_pread(f, buf, 10, tib + 1) == 0, "nothing after the end");
    file_put(f);
    vfs_unlink(&C, "/t/sparse");
    mem_same(before, mem_now(), "the sparse file");
    rm_rf(&C, "/t");
}

/* ---- memory runs out ------------------------------------------------------------------- */

static void test_full(void)
{
    static char chunk[256 * 1024];
    char name[128];
    struct file *f;
    struct anyk_statfs sf;
    struct mem before;
    long r = 0, total = 0;
    int files = 0, dirs = 0, listed_bad = 0, err_file = 0, err_dir = 0;

    before = mem_now(); /* /t's table grows with thousands of names: measure without /t */
    vfs_mkdir(&C, "/t", 0755);
    put(&C, "/t/keep", "");
    memset(chunk, 'f', sizeof(chunk));
    vfs_open(&C, "/t/fill", ANYK_O_WRONLY | ANYK_O_CREAT, 0644, &f);
    while ((r = file_write(f, chunk, sizeof(chunk))) == (long)sizeof(chunk))
        total += r;
    if (r > 0)
        total += r;
    while (r > 0)
        total += (r = file_write(f, chunk, sizeof(chunk))) > 0 ? r : 0;
    ok(r == -ENOSPC, "writing until memory runs out ends in ENOSPC (%ld) after %ld KiB", r,
       total >> 10);
    ok(st_of(&C, "/t/fill", 1).st_size == total, "the size is what was written");
    ok(vfs_statfs(&C, "/", &sf) == 0 && sf.f_bfree < 64, "statfs: almost no free blocks (%llu)",
       (unsigned long long)sf.f_bfree);
    /*
     * Names and directories until they fail too, a page at a time: each round gives one
     * page back and creates until the next failure, so the failures fall at every step
     * of a create. Every failure must leave the tree whole.
     */
    for (int round = 0; round < 500; round++) {
        int e = 0, kind = round % 5;
        total -= 4096;
        file_ftruncate(f, total);
        for (int i = 0; i < (kind == 4 ? 50 : 10000) && !e; i++) {
            snprintf(name, sizeof(name), "/t/%c%d-%d-%.*s", "dfslr"[kind], round, i,
                     (round * 7 + i) % 60,
                     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz01234567");
            switch (kind) {
            case 0: e = vfs_mkdir(&C, name, 0755); break;
            case 1: e = put(&C, name, ""); break;
            case 2: e = vfs_symlink(&C, name + 3, name); break;
            case 3: e = vfs_link(&C, "/t/keep", name); break;
            default:
                if ((e = vfs_rename(&C, "/t/keep", name)) == 0)
                    e = vfs_rename(&C, name, "/t/keep");
                break;
            }
            if (e == 0)
                kind == 0 ? dirs++ : files++;
        }
        /* Linux's tmpfs says ENOSPC, or ENOMEM when kernel memory for the inode runs out. */
        if (kind == 0)
            err_dir = e != -ENOSPC && e != -ENOMEM ? e : err_dir;
        else
            err_file = e != -ENOSPC && e != -ENOMEM ? e : err_file;
    }
    ok(exists(&C, "/t/keep"), "renames that failed for want of memory lost nothing");
    file_put(f);
    ok(err_file == 0 && err_dir == 0,
       "making names in a full memory fails with ENOSPC or ENOMEM only (%d, %d); "
       "%d names and %d directories fit", err_file, err_dir, files, dirs);
    vfs_unlink(&C, "/t/fill");
    /* Every name left in /t must lead to a live inode. */
    struct name_list l = { NULL, 0, 0 };
    struct vnode *dir;
    int64_t off = 0;
    vfs_lookup_dir(&C, "/t", &dir);
    dir->ops->readdir(dir, &off, collect, &l);
    vnode_put(dir);
    for (size_t i = 0; i < l.n; i++) {
        struct anyk_stat st;
        snprintf(name, sizeof(name), "/t/%s", l.names[i]);
        listed_bad += vfs_stat(&C, name, &st, false) != 0;
        if ((st.st_mode & ANYK_S_IFMT) == ANYK_S_IFDIR)
            vfs_rmdir(&C, name);
        else if (strcmp(l.names[i], "keep"))
            vfs_unlink(&C, name);
    }
    free(l.names);
    ok(listed_bad == 0, "after the failures every listed name is there (%zu names)", l.n);
    rm_rf(&C, "/t");
    mem_same(before, mem_now(), "filling memory and removing it all");
}

/* ---- a big directory ------------------------------------------------------------------------ */

struct big_times {
    double create, list, lookup, remove;
};

static int count_big(void *arg, const char *name, size_t len, uint64_t ino, unsigned type,
                     int64_t next)
{
    int *seen = arg;
    int idx;

    (void)len, (void)ino, (void)type, (void)next;
    if (sscanf(name, "n%d", &idx) == 1 && idx >= 0 && idx < 5000)
        seen[idx]++;
    return 0;
}

static bool big_dir(int n, struct big_times *t, bool report)
{
    static int seen[5000];
    char name[64], buf[512];
    struct file *f;
    struct anyk_stat st;
    bool good = true, once = true;
    double t0;
    long got;

    vfs_mkdir(&C, "/t/big", 0755);
    t0 = now_s();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "/t/big/n%d", i);
        good &= try_open(&C, name, ANYK_O_WRONLY | ANYK_O_CREAT | ANYK_O_EXCL) == 0;
    }
    t->create = now_s() - t0;

    memset(seen, 0, sizeof(seen));
    t0 = now_s();
    vfs_open(&C, "/t/big", ANYK_O_RDONLY, 0, &f);
    /* A small buffer, as a libc readdir may use: about 20 records per call. */
    while ((got = file_getdents(f, buf, sizeof(buf))) > 0) {
        for (long pos = 0; pos < got;) {
            struct anyk_dirent *de = (struct anyk_dirent *)(void *)(buf + pos);
            count_big(seen, de->d_name, 0, 0, 0, 0);
            pos += de->d_reclen;
        }
    }
    file_put(f);
    t->list = now_s() - t0;
    for (int i = 0; i < n; i++)
        once &= seen[i] == 1;

    t0 = now_s();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "/t/big/n%d", i);
        good &= vfs_stat(&C, name, &st, true) == 0;
    }
    t->lookup = now_s() - t0;
    good &= st_of(&C, "/t/big", 1).st_size == (n + 2) * 20;

    t0 = now_s();
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "/t/big/n%d", i);
        good &= vfs_unlink(&C, name) == 0;
    }
    t->remove = now_s() - t0;
    good &= vfs_rmdir(&C, "/t/big") == 0;
    if (report) {
        ok(good, "%d entries: created, looked up and removed", n);
        ok(once, "%d entries: getdents lists each exactly once", n);
        tap_diag("%d entries: create %.1f ms, list %.1f ms, lookup %.1f ms, remove %.1f ms", n,
                 t->create * 1e3, t->list * 1e3, t->lookup * 1e3, t->remove * 1e3);
    }
    return good && once;
}

static void test_big_dir(void)
{
    struct big_times small = { 1e9, 1e9, 1e9, 1e9 }, large = { 1e9, 1e9, 1e9, 1e9 }, t;
    struct mem before;
    double ts, tl;

    vfs_mkdir(&C, "/t", 0755);
    big_dir(1000, &t, false); /* warm the allocators up */
    before = mem_now();
    /* The best of three runs of each size, so that a busy host does not decide. */
    for (int round = 0; round < 3; round++) {
        big_dir(1000, &t, round == 0);
        small.create = t.create < small.create ? t.create : small.create;
        small.list = t.list < small.list ? t.list : small.list;
        small.lookup = t.lookup < small.lookup ? t.lookup : small.lookup;
        small.remove = t.remove < small.remove ? t.remove : small.remove;
        big_dir(5000, &t, round == 0);
        large.create = t.create < large.create ? t.create : large.create;
        large.list = t.list < large.list ? t.list : large.list;
        large.lookup = t.lookup < large.lookup ? t.lookup : large.lookup;
        large.remove = t.remove < large.remove ? t.remove : large.remove;
    }
    ts = small.create + small.list + small.lookup + small.remove;
    tl = large.create + large.list + large.lookup + large.remove;
    tap_diag("best of 3: 1,000 entries %.1f ms, 5,000 entries %.1f ms in all", ts * 1e3, tl * 1e3);
    ok(tl < 2.0, "5,000 entries take less than 2 s in all (%.1f ms)", tl * 1e3);
    /* Linear growth is 5x, quadratic 25x; allow 12x (and 0.25 ms more for timer noise). */
    ok(large.create < 12 * small.create + 2.5e-4, "create grows sub-quadratically (%.1fx)",
       large.create / small.create);
    ok(large.list < 12 * small.list + 2.5e-4, "listing grows sub-quadratically (%.1fx)",
       large.list / small.list);
    ok(large.lookup < 12 * small.lookup + 2.5e-4, "lookup grows sub-quadratically (%.1fx)",
       large.lookup / small.lookup);
    ok(large.remove < 12 * small.remove + 2.5e-4, "remove grows sub-quadratically (%.1fx)",
       large.remove / small.remove);
    mem_same(before, mem_now(), "creating and removing 5,000 entries");
    rm_rf(&C, "/t");
}

void test_main(void)
{
    struct mem start, end;

    C.root = vfs_root();
    C.cwd = vfs_root();
    /*
     * kmalloc keeps one empty slab per size class as a cache; give every class that slab
     * now, so that the page allocator's free count can be compared exactly at the end.
     */
    for (size_t size = 16; size <= KMALLOC_MAX_SMALL; size += 16)
        kfree(kmalloc(size));
    start = mem_now();
    test_open();
    test_rw();
    test_stat();
    test_mkdir_rmdir_unlink();
    test_rename();
    test_link();
    test_symlink();
    test_unlink_open();
    test_attrs();
    test_truncate();
    test_getdents();
    test_statfs();
    test_cwd();
    test_mount();
    test_paths();
    test_sparse();
    test_full();
    test_big_dir();
    ok(!exists(&C, "/t"), "everything the test made is gone");
    end = mem_now();
    mem_same(start, end, "the whole test");
    ok(start.free_pages == end.free_pages,
       "the page allocator's free count is back to its start (%zu -> %zu)", start.free_pages,
       end.free_pages);
}
