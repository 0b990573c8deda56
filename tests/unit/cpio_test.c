/*
 * cpio_test.c - cpio_unpack (fs/cpio.c) reads what GNU cpio writes.
 *
 * The oracle is GNU cpio itself: the test builds a tree on the host (files,
 * nested directories, symlinks, an empty file, a 1 MiB file, modes 0600,
 * 0644, 0700, 0755, a hard-linked pair, a distinct mtime on everything),
 * packs it with `find . | cpio -o -H newc`, unpacks the archive with
 * cpio_unpack into a fresh directory of the kernel's tmpfs (as the root of
 * the unpacking context), and compares every entry with the host's lstat,
 * contents and readlink: type, permission bits, size, mtime (seconds; not
 * for symlinks, which cpio_unpack cannot time without following them),
 * symlink targets, and that the hard links share one inode. Two archives
 * back to back (GNU cpio pads each to 512 bytes) both unpack. Malformed
 * archives - a truncated header, a bad magic, a non-hex field, a name or
 * file size past the end, a name that is not NUL-terminated, names with
 * ".." - are refused with -EINVAL and nothing escapes the unpacking root;
 * truncations at 300 places and 2,000 single-byte corruptions never crash
 * (the SAN=1 build checks every access) and give 0 or an error. A symlink
 * in an archive never redirects a later entry's data. Memory returns after
 * everything unpacked is removed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <anyk/errno.h>
#include "fs/namei.h"
#include "fs/vfs.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "tests/unit/tap.h"

static struct vfs_ctx C; /* the kernel's root */
static char host_dir[64];

/* ---- the kernel side ------------------------------------------------------------- */

/* A context whose root and cwd are a new directory /name of the kernel's tree. */
static struct vfs_ctx unpack_ctx(const char *name)
{
    struct vfs_ctx u = { NULL, NULL };
    char path[64];

    snprintf(path, sizeof(path), "/%s", name);
    if (vfs_mkdir(&C, path, 0755) < 0 || vfs_lookup_dir(&C, path, &u.root) < 0)
        return u;
    vnode_get(u.root);
    u.cwd = u.root;
    return u;
}

static void ctx_put(struct vfs_ctx *u)
{
    vnode_put(u->cwd);
    vnode_put(u->root);
}

struct names {
    char (*v)[256];
    size_t n;
};

static int collect(void *arg, const char *name, size_t len, uint64_t ino, unsigned type,
                   int64_t next)
{
    struct names *l = arg;

    (void)ino, (void)type, (void)next;
    if (name_is_dot(name, len))
        return 0;
    l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
    memcpy(l->v[l->n], name, len);
    l->v[l->n][len] = '\0';
    l->n++;
    return 0;
}

static struct names kernel_list(const struct vfs_ctx *c, const char *path)
{
    struct names l = { NULL, 0 };
    struct vnode *dir;
    int64_t off = 0;

    if (vfs_lookup_dir(c, path, &dir) == 0) {
        dir->ops->readdir(dir, &off, collect, &l);
        vnode_put(dir);
    }
    return l;
}

/* Remove a kernel tree; returns how many entries it removed. */
static int rm_rf(const struct vfs_ctx *c, const char *path)
{
    struct anyk_stat st;
    char sub[VFS_PATH_MAX];
    int n = 1;

    if (vfs_stat(c, path, &st, false) < 0)
        return 0;
    if ((st.st_mode & ANYK_S_IFMT) != ANYK_S_IFDIR)
        return vfs_unlink(c, path) == 0;
    struct names l = kernel_list(c, path);
    for (size_t i = 0; i < l.n; i++) {
        snprintf(sub, sizeof(sub), "%s/%s", path, l.v[i]);
        n += rm_rf(c, sub);
    }
    free(l.v);
    vfs_rmdir(c, path);
    return n;
}

static int count_tree(const struct vfs_ctx *c, const char *path)
{
    struct anyk_stat st;
    char sub[VFS_PATH_MAX];
    int n = 0;

    struct names l = kernel_list(c, path);
    for (size_t i = 0; i < l.n; i++) {
        snprintf(sub, sizeof(sub), "%s/%s", strcmp(path, "/") ? path : "", l.v[i]);
        n++;
        if (vfs_stat(c, sub, &st, false) == 0 && (st.st_mode & ANYK_S_IFMT) == ANYK_S_IFDIR)
            n += count_tree(c, sub);
    }
    free(l.v);
    return n;
}

static long kernel_read(const struct vfs_ctx *c, const char *path, char *buf, size_t n)
{
    struct file *f;
    long r = vfs_open(c, path, ANYK_O_RDONLY, 0, &f), len = 0;

    if (r < 0)
        return r;
    while ((size_t)len < n && (r = file_read(f, buf + len, n - (size_t)len)) > 0)
        len += r;
    file_put(f);
    return r < 0 ? r : len;
}

/* ---- the host side -------------------------------------------------------------------- */

static void host_file(const char *rel, const void *data, size_t n, mode_t mode)
{
    char path[256];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", host_dir, rel);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, data, n) != (ssize_t)n)
        perror(path);
    close(fd);
    chmod(path, mode);
}

static void host_mkdir(const char *rel, mode_t mode)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", host_dir, rel);
    mkdir(path, mode);
    chmod(path, mode);
}

static void host_symlink(const char *target, const char *rel)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", host_dir, rel);
    if (symlink(target, path) < 0)
        perror(path);
}

/* Give every entry below dir its own mtime, children before their directory. */
static void host_times(const char *dir, long *next)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];

    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            host_times(path, next);
        struct timespec t[2] = { { *next, 0 }, { *next, 0 } };
        *next += 1000;
        utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW);
    }
    if (d)
        closedir(d);
}

/* Pack dir with GNU cpio; returns the archive (malloc'd, exact size) or NULL. */
static char *pack(const char *dir, size_t *len)
{
    char cmd[512], out[128];
    FILE *f;
    char *buf;
    long n;

    snprintf(out, sizeof(out), "%s.cpio", dir);
    snprintf(cmd, sizeof(cmd), "cd '%s' && find . | LC_ALL=C cpio -o -H newc --quiet > '%s'",
             dir, out);
    if (system(cmd) != 0 || !(f = fopen(out, "rb")))
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    unlink(out);
    return buf;
}

/* ---- comparing the two trees ----------------------------------------------------------- */

struct compare {
    int entries, type_ok, mode_ok, size_ok, mtime_ok, mtime_checked, data_ok, data_checked,
        link_ok, link_checked, missing;
    char first_bad[600];
};

static void bad(struct compare *cmp, const char *rel, const char *what)
{
    if (!cmp->first_bad[0])
        snprintf(cmp->first_bad, sizeof(cmp->first_bad), "%s: %s", rel, what);
}

static void compare_tree(const struct vfs_ctx *u, const char *host, const char *rel,
                         struct compare *cmp)
{
    static char hbuf[2 << 20], kbuf[2 << 20];
    DIR *d = opendir(host);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        char hp[512], kp[512];
        struct stat hs;
        struct anyk_stat ks;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(hp, sizeof(hp), "%s/%s", host, e->d_name);
        snprintf(kp, sizeof(kp), "%s/%s", rel, e->d_name);
        lstat(hp, &hs);
        cmp->entries++;
        if (vfs_stat(u, kp, &ks, false) < 0) {
            cmp->missing++;
            bad(cmp, kp, "missing");
            continue;
        }
        if ((ks.st_mode & ANYK_S_IFMT) == (hs.st_mode & S_IFMT))
            cmp->type_ok++;
        else
            bad(cmp, kp, "type");
        if (S_ISLNK(hs.st_mode) || (ks.st_mode & 07777) == (hs.st_mode & 07777))
            cmp->mode_ok++;
        else
            bad(cmp, kp, "mode");
        if (S_ISDIR(hs.st_mode) || ks.st_size == hs.st_size)
            cmp->size_ok++;
        else
            bad(cmp, kp, "size");
        if (!S_ISLNK(hs.st_mode)) {
            cmp->mtime_checked++;
            if (ks.st_mtim.tv_sec == hs.st_mtim.tv_sec)
                cmp->mtime_ok++;
            else
                bad(cmp, kp, "mtime");
        }
        if (S_ISREG(hs.st_mode)) {
            int fd = open(hp, O_RDONLY);
            long hn = read(fd, hbuf, sizeof(hbuf));
            long kn = kernel_read(u, kp, kbuf, sizeof(kbuf));
            close(fd);
            cmp->data_checked++;
            if (hn == kn && !memcmp(hbuf, kbuf, (size_t)hn))
                cmp->data_ok++;
            else
                bad(cmp, kp, "contents");
        }
        if (S_ISLNK(hs.st_mode)) {
            long hn = readlink(hp, hbuf, 4096);
            long kn = vfs_readlink(u, kp, kbuf, 4096);
            cmp->link_checked++;
            if (hn == kn && !memcmp(hbuf, kbuf, (size_t)hn))
                cmp->link_ok++;
            else
                bad(cmp, kp, "symlink target");
        }
        if (S_ISDIR(hs.st_mode))
            compare_tree(u, hp, kp, cmp);
    }
    if (d)
        closedir(d);
}

/* ---- a real archive -------------------------------------------------------------------- */

static void test_gnu_archive(void)
{
    static char big[1 << 20];
    struct vfs_ctx u;
    struct compare cmp = { 0 };
    struct anyk_stat a, b;
    char *arch;
    size_t len;
    long next = 1500000000;
    int r;

    host_file("hello.txt", "hello, world\n", 13, 0644);
    host_file("secret", "s3cr3t", 6, 0600);
    host_file("run.sh", "#!/bin/sh\necho hi\n", 18, 0755);
    host_file("empty", "", 0, 0644);
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)(i * 7 + (i >> 12));
    host_file("big.bin", big, sizeof(big), 0644);
    host_mkdir("d1", 0755);
    host_mkdir("d1/d2", 0700);
    host_mkdir("d1/d2/d3", 0755);
    host_mkdir("d1/emptydir", 0755);
    host_file("d1/d2/d3/deep.txt", "deep\n", 5, 0600);
    host_file("d1/d2/mid.txt", "mid\n", 4, 0644);
    host_symlink("hello.txt", "link");
    host_symlink("d1/d2/d3", "dirlink");
    host_symlink("/d1/d2/mid.txt", "d1/abslink");
    host_symlink("does/not/exist", "dangling");
    host_file("hl1", "linked data\n", 12, 0640);
    {
        char p1[256], p2[256];
        snprintf(p1, sizeof(p1), "%s/hl1", host_dir);
        snprintf(p2, sizeof(p2), "%s/d1/hl2", host_dir);
        link(p1, p2);
    }
    host_times(host_dir, &next);

    if (!(arch = pack(host_dir, &len))) {
        tap_skip("GNU cpio could not pack the tree");
        return;
    }
    tap_diag("GNU cpio made a %zu-byte newc archive", len);
    ok(len > (1 << 20) && !memcmp(arch, "070701", 6), "the archive is newc and holds 1 MiB");
    u = unpack_ctx("gnu");
    r = cpio_unpack(&u, arch, len);
    ok(r == 0, "cpio_unpack of GNU cpio's archive returns 0 (got %d)", r);
    compare_tree(&u, host_dir, "", &cmp);
    ok(cmp.entries == 17 && cmp.missing == 0, "all %d host entries are there (%d missing)",
       cmp.entries, cmp.missing);
    ok(count_tree(&u, "/") == cmp.entries, "and nothing else (%d in the kernel's tree)",
       count_tree(&u, "/"));
    ok(cmp.type_ok == cmp.entries, "file types match (%d of %d)", cmp.type_ok, cmp.entries);
    ok(cmp.mode_ok == cmp.entries, "permission bits match (%d of %d)", cmp.mode_ok, cmp.entries);
    ok(cmp.size_ok == cmp.entries, "sizes match (%d of %d)", cmp.size_ok, cmp.entries);
    ok(cmp.data_checked == 9 && cmp.data_ok == cmp.data_checked,
       "contents of all 9 regular files match, the 1 MiB one included (%d)", cmp.data_ok);
    ok(cmp.link_checked == 4 && cmp.link_ok == cmp.link_checked, "all 4 symlink targets match");
    ok(cmp.mtime_ok == cmp.mtime_checked,
       "mtimes of files and directories match (%d of %d), directories' too", cmp.mtime_ok,
       cmp.mtime_checked);
    if (cmp.first_bad[0])
        tap_diag("first difference: %s", cmp.first_bad);
    ok(vfs_stat(&u, "/hl1", &a, false) == 0 && vfs_stat(&u, "/d1/hl2", &b, false) == 0 &&
           a.st_ino == b.st_ino && a.st_nlink == 2,
       "the hard-linked pair is one inode with 2 links");
    ok(vfs_stat(&u, "/dirlink/deep.txt", &a, true) == 0 && vfs_stat(&u, "/d1/abslink", &b, 1) == 0,
       "the symlinks resolve inside the unpacking root (an absolute one too)");
    ok(vfs_stat(&C, "/d1", &a, false) == -ENOENT, "nothing landed in the kernel's real root");
    ok(rm_rf(&u, "/") > 0 && count_tree(&u, "/") == 0, "the unpacked tree can be removed");
    ctx_put(&u);
    vfs_rmdir(&C, "/gnu");

    /* Two archives back to back (each padded to 512 bytes with zeros) both unpack. */
    char dir2[128];
    snprintf(dir2, sizeof(dir2), "%s.2", host_dir);
    mkdir(dir2, 0755);
    snprintf(big, sizeof(big), "%s/second.txt", dir2);
    int fd = open(big, O_WRONLY | O_CREAT, 0644);
    if (write(fd, "second\n", 7) != 7)
        perror(big);
    close(fd);
    size_t len2;
    char *arch2 = pack(dir2, &len2);
    ok(arch2 && len % 512 == 0, "GNU cpio pads an archive to a multiple of 512 bytes");
    char *both = malloc(len + len2);
    memcpy(both, arch, len);
    memcpy(both + len, arch2, len2);
    u = unpack_ctx("two");
    r = cpio_unpack(&u, both, len + len2);
    ok(r == 0 && kernel_read(&u, "/second.txt", big, 100) == 7 &&
           kernel_read(&u, "/big.bin", big, sizeof(big)) == 1 << 20,
       "two concatenated archives: both unpack (%d)", r);
    rm_rf(&u, "/");
    ctx_put(&u);
    vfs_rmdir(&C, "/two");

    /* Truncations anywhere: 0 at an entry boundary, otherwise -EINVAL; never a crash. */
    int bad_result = 0, einval = 0;
    for (int i = 0; i < 300; i++) {
        size_t cut = i < 200 ? (size_t)i * 7 : (size_t)rand() % len;
        char *copy = malloc(cut ? cut : 1);
        memcpy(copy, arch, cut);
        u = unpack_ctx("cut");
        r = cpio_unpack(&u, copy, cut);
        if (r != 0 && r != -EINVAL)
            bad_result++;
        einval += r == -EINVAL;
        rm_rf(&u, "/");
        ctx_put(&u);
        vfs_rmdir(&C, "/cut");
        free(copy);
    }
    ok(bad_result == 0 && einval > 250,
       "300 truncated copies: each 0 or -EINVAL (%d EINVAL, %d other)", einval, bad_result);
    free(both);
    free(arch2);
    free(arch);
    snprintf(big, sizeof(big), "rm -rf '%s'", dir2);
    if (system(big) != 0)
        tap_diag("could not remove %s", dir2);
}

/* ---- hand-made archives ---------------------------------------------------------------- */

struct arch {
    char *buf;
    size_t len;
};

static void emit(struct arch *a, const void *p, size_t n)
{
    a->buf = realloc(a->buf, a->len + n + 4);
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void pad4(struct arch *a)
{
    while (a->len % 4)
        emit(a, "", 1);
}

/* One entry; namesize 0 means the right one. */
static void entry(struct arch *a, const char *name, unsigned mode, unsigned nlink, unsigned ino,
                  const char *data, size_t size, unsigned namesize)
{
    char h[120];

    snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08X%08X", ino,
             mode, 0u, 0u, nlink, 1234567890u, size, 0u, 0u, 0u, 0u,
             namesize ? namesize : (unsigned)strlen(name) + 1, 0u);
    emit(a, h, 110);
    emit(a, name, strlen(name) + 1);
    pad4(a);
    emit(a, data, size);
    pad4(a);
}

static void trailer(struct arch *a)
{
    entry(a, "TRAILER!!!", 0, 1, 0, "", 0, 0);
}

/* Unpack a into a fresh directory; returns the result, and whether anything escaped. */
static int try_unpack(struct arch *a, bool *escaped)
{
    struct vfs_ctx u = unpack_ctx("x");
    struct anyk_stat st;
    /* An exact-size copy, so that the SAN build sees any read past the end. */
    char *copy = malloc(a->len ? a->len : 1);
    int r;

    memcpy(copy, a->buf, a->len);
    r = cpio_unpack(&u, copy, a->len);
    free(copy);
    *escaped = vfs_stat(&C, "/escape", &st, false) == 0;
    rm_rf(&u, "/");
    ctx_put(&u);
    vfs_rmdir(&C, "/x");
    vfs_unlink(&C, "/escape");
    free(a->buf);
    a->buf = NULL;
    a->len = 0;
    return r;
}

static void refused(struct arch *a, const char *what)
{
    bool escaped;
    int r = try_unpack(a, &escaped);

    ok(r == -EINVAL && !escaped, "%s: -EINVAL (got %d)%s", what, r, escaped ? ", escaped!" : "");
}

static void test_malformed(void)
{
    struct arch a = { NULL, 0 };
    bool escaped;
    int r;

    entry(&a, "ok.txt", 0100644, 1, 1, "data", 4, 0);
    trailer(&a);
    r = try_unpack(&a, &escaped);
    ok(r == 0, "control: a hand-made archive unpacks (got %d)", r);

    entry(&a, "ok.txt", 0100644, 1, 1, "data", 4, 0);
    a.len = 60;
    refused(&a, "a truncated header");

    entry(&a, "ok.txt", 0100644, 1, 1, "data", 4, 0);
    memcpy(a.buf, "070707", 6);
    refused(&a, "the odc magic 070707 (not newc)");

    entry(&a, "ok.txt", 0100644, 1, 1, "data", 4, 0);
    memcpy(a.buf, "07O701", 6);
    refused(&a, "a bad magic");

    entry(&a, "ok.txt", 0100644, 1, 1, "data", 4, 0);
    a.buf[6 + 8 + 3] = 'g'; /* in the mode field */
    refused(&a, "a non-hex digit in the mode");

    entry(&a, "ok.txt", 0100644, 1, 1, "data", 4, 0);
    a.buf[6 + 8 * 6 + 7] = ' '; /* in the file size */
    refused(&a, "a space in the file size");

    entry(&a, "ok.txt", 0100644, 1, 1, "", 0, 200);
    a.len = 110 + 7;
    refused(&a, "a name size past the end of the archive");

    entry(&a, "ok.txt", 0100644, 1, 1, "", 0, 0x7fffffff);
    refused(&a, "a huge name size");

    entry(&a, "ok.txt", 0100644, 1, 1, "", 0, 0);
    memcpy(a.buf + 6 + 8 * 11, "00000000", 8);
    refused(&a, "a name size of 0");

    entry(&a, "ok.txt", 0100644, 1, 1, "", 0, 4);
    refused(&a, "a name size that cuts the name (no NUL where it says)");

    entry(&a, "big.txt", 0100644, 1, 1, "0123456789", 10, 0);
    memcpy(a.buf + 6 + 8 * 6, "00001000", 8);
    refused(&a, "a file size past the end of the archive");

    entry(&a, "big.txt", 0100644, 1, 1, "0123456789", 10, 0);
    memcpy(a.buf + 6 + 8 * 6, "FFFFFFFF", 8);
    refused(&a, "a file size of 4 GiB - 1");

    entry(&a, "../escape", 0100644, 1, 1, "x", 1, 0);
    trailer(&a);
    refused(&a, "a name \"../escape\"");

    entry(&a, "a/../../escape", 0100644, 1, 1, "x", 1, 0);
    trailer(&a);
    refused(&a, "a name \"a/../../escape\"");

    entry(&a, "..", 040755, 2, 1, "", 0, 0);
    trailer(&a);
    refused(&a, "a name \"..\"");

    entry(&a, "./sub/..//..", 040755, 2, 1, "", 0, 0);
    trailer(&a);
    refused(&a, "a name \"./sub/..//..\"");

    /* Not malformed, but worth knowing: "/" in front of names is dropped, not followed. */
    entry(&a, "/abs.txt", 0100644, 1, 1, "abs", 3, 0);
    trailer(&a);
    r = try_unpack(&a, &escaped);
    ok(r == 0 && !escaped, "an absolute name lands inside the root (got %d)", r);

    /* A symlink in an archive must not redirect a later entry of the same name. */
    struct vfs_ctx u = unpack_ctx("redir");
    char buf[16];
    entry(&a, "x", 0120777, 1, 1, "victim", 6, 0);
    entry(&a, "x", 0100644, 1, 2, "data", 4, 0);
    trailer(&a);
    r = cpio_unpack(&u, a.buf, a.len);
    struct anyk_stat st;
    ok(r == 0 && vfs_stat(&u, "/x", &st, false) == 0 &&
           (st.st_mode & ANYK_S_IFMT) == ANYK_S_IFREG && kernel_read(&u, "/x", buf, 16) == 4 &&
           vfs_stat(&u, "/victim", &st, false) == -ENOENT,
       "a file after a symlink of its name replaces the link, never writes through it (%d)", r);
    rm_rf(&u, "/");
    ctx_put(&u);
    vfs_rmdir(&C, "/redir");
    free(a.buf);
    a = (struct arch){ NULL, 0 };

    /* Hard links where the first name carries the data (not GNU cpio's order). */
    u = unpack_ctx("links");
    entry(&a, "first", 0100600, 2, 77, "shared", 6, 0);
    entry(&a, "second", 0100600, 2, 77, "", 0, 0);
    trailer(&a);
    r = cpio_unpack(&u, a.buf, a.len);
    struct anyk_stat s1, s2;
    ok(r == 0 && vfs_stat(&u, "/first", &s1, 0) == 0 && vfs_stat(&u, "/second", &s2, 0) == 0 &&
           s1.st_ino == s2.st_ino && s1.st_nlink == 2 && kernel_read(&u, "/second", buf, 16) == 6,
       "hard links with the data on the first name: one inode, the data kept (%d)", r);
    rm_rf(&u, "/");
    ctx_put(&u);
    vfs_rmdir(&C, "/links");
    free(a.buf);
    a = (struct arch){ NULL, 0 };

    /* Single-byte corruptions of a small archive: never a crash, never an escape. */
    struct arch base = { NULL, 0 };
    entry(&base, "dir", 040755, 2, 1, "", 0, 0);
    entry(&base, "dir/file", 0100644, 1, 2, "contents", 8, 0);
    entry(&base, "dir/link", 0120777, 1, 3, "file", 4, 0);
    entry(&base, "hl", 0100644, 2, 4, "", 0, 0);
    entry(&base, "dir/hl", 0100644, 2, 4, "hard", 4, 0);
    trailer(&base);
    static const char alphabet[] = "0123456789abcdefABCDEF/.\0\377gz";
    int positive = 0, escapes = 0;
    srand(7);
    for (int i = 0; i < 2000; i++) {
        emit(&a, base.buf, base.len);
        a.buf[(size_t)rand() % a.len] = alphabet[(size_t)rand() % (sizeof(alphabet) - 1)];
        r = try_unpack(&a, &escaped);
        positive += r > 0;
        escapes += escaped;
    }
    ok(positive == 0 && escapes == 0, "2,000 corrupted archives: no crash, no escape (%d, %d)",
       positive, escapes);
    free(base.buf);
}

void test_main(void)
{
    struct kmalloc_stats ks;
    size_t objects_before = 0, objects_after = 0;

    C.root = vfs_root();
    C.cwd = vfs_root();
    if (system("cpio --version > /dev/null 2>&1") != 0) {
        tap_skip("GNU cpio is not installed (Debian package cpio; scripts/deps.sh check)");
        return;
    }
    snprintf(host_dir, sizeof(host_dir), "/tmp/anyk-cpio-XXXXXX");
    if (!mkdtemp(host_dir)) {
        tap_skip("no temporary directory");
        return;
    }
    kmalloc_stats(&ks);
    for (int i = 0; i < KMALLOC_NCLASSES; i++)
        objects_before += ks.cls[i].objects;
    /* Thousands of refusals are logged; keep them in the log ring, off the console. */
    klog_set_console_level(KLOG_CRIT);
    test_gnu_archive();
    test_malformed();
    klog_set_console_level(KLOG_WARN);
    kmalloc_stats(&ks);
    for (int i = 0; i < KMALLOC_NCLASSES; i++)
        objects_after += ks.cls[i].objects;
    ok(objects_after == objects_before && ks.large_blocks == 0,
       "everything unpacked and removed: kmalloc objects back to %zu (now %zu, large %zu)",
       objects_before, objects_after, ks.large_blocks);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", host_dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", host_dir);
}
