/*
 * fsio_test.c - a file I/O helper that file system tests (tests/integration/ext2.t)
 * run on anyk for what the shell and the tools cannot do: write and check data
 * at any offset, truncate, fill a disk, use an unlinked file, read a directory
 * while it changes. (Named *_test so that the Makefile installs it in
 * /usr/libexec/anyk.)
 *
 *   fsio_test pwrite FILE OFFSET LEN SEED    write LEN pattern bytes at OFFSET
 *   fsio_test check FILE OFFSET LEN SEED     compare them (exit 1 on a difference)
 *   fsio_test truncate FILE LEN
 *   fsio_test rename FROM TO                 rename(2) itself (mv moves into directories)
 *   fsio_test fill FILE                      write until ENOSPC (exit 0 only then)
 *   fsio_test unlinked FILE                  create, unlink, write, read back, close
 *   fsio_test dirscan DIR                    getdents positions stay valid across removals
 *   fsio_test statfs PATH
 *
 * The pattern byte at file offset o is ((o >> 9) * 31 + o + SEED) & 0xff.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/anyk.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static unsigned char buf[CHUNK], got[CHUNK];

static void pattern(unsigned char *p, size_t n, long long off, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        unsigned long long o = (unsigned long long)off + i;
        p[i] = (unsigned char)(((o >> 9) * 31 + o + seed) & 0xff);
    }
}

static int fail(const char *what, const char *path)
{
    fprintf(stderr, "fsio_test: %s %s: %s\n", what, path, strerror(errno));
    return 1;
}

static int do_pwrite(const char *path, long long off, long long len, unsigned seed)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0644);

    if (fd < 0)
        return fail("open", path);
    while (len > 0) {
        size_t k = len < CHUNK ? (size_t)len : CHUNK;
        pattern(buf, k, off, seed);
        ssize_t w = pwrite(fd, buf, k, off);
        if (w <= 0)
            return fail("pwrite", path);
        off += w;
        len -= w;
    }
    return close(fd) < 0 ? fail("close", path) : 0;
}

static int do_check(const char *path, long long off, long long len, unsigned seed)
{
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        return fail("open", path);
    while (len > 0) {
        size_t k = len < CHUNK ? (size_t)len : CHUNK;
        ssize_t r = pread(fd, got, k, off);
        if (r != (ssize_t)k) {
            fprintf(stderr, "fsio_test: %s: short read at %lld (%ld)\n", path, off, (long)r);
            return 1;
        }
        pattern(buf, k, off, seed);
        if (memcmp(buf, got, k)) {
            fprintf(stderr, "fsio_test: %s: data differs near offset %lld\n", path, off);
            return 1;
        }
        off += r;
        len -= r;
    }
    close(fd);
    return 0;
}

static int do_fill(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    long long total = 0;

    if (fd < 0)
        return fail("open", path);
    memset(buf, 0x5a, sizeof(buf));
    for (;;) {
        ssize_t w = write(fd, buf, sizeof(buf));
        if (w < 0) {
            int e = errno;
            printf("wrote %lld bytes until: %s\n", total, strerror(e));
            close(fd);
            return e == ENOSPC ? 0 : 1;
        }
        total += w;
    }
}

static int do_unlinked(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct stat st;
    long long len = 1 << 20;

    if (fd < 0)
        return fail("open", path);
    if (unlink(path) < 0)
        return fail("unlink", path);
    for (long long off = 0; off < len; off += CHUNK) {
        pattern(buf, CHUNK, off, 7);
        if (pwrite(fd, buf, CHUNK, off) != CHUNK)
            return fail("pwrite", path);
    }
    if (fstat(fd, &st) < 0)
        return fail("fstat", path);
    if (st.st_size != len || st.st_nlink != 0) {
        fprintf(stderr, "fsio_test: unlinked file: size %lld, nlink %ld\n",
                (long long)st.st_size, (long)st.st_nlink);
        return 1;
    }
    for (long long off = 0; off < len; off += CHUNK) {
        pattern(buf, CHUNK, off, 7);
        if (pread(fd, got, CHUNK, off) != CHUNK || memcmp(buf, got, CHUNK)) {
            fprintf(stderr, "fsio_test: unlinked file: data differs near %lld\n", off);
            return 1;
        }
    }
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "fsio_test: %s still has a name\n", path);
        return 1;
    }
    close(fd);
    printf("unlinked file ok\n");
    return 0;
}

/* ---- dirscan ------------------------------------------------------------------------ */

#define MAXN 4096

static char *names[MAXN];
static int nnames, seen[MAXN], removed[MAXN];

static int find_name(const char *s)
{
    for (int i = 0; i < nnames; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

/* Read up to `want` entries (0: all) with a small buffer; count what is seen. */
static int read_some(const struct anyk_api *k, int fd, int want, int collect)
{
    char dbuf[200];
    int count = 0;

    for (;;) {
        long n = k->getdents(fd, dbuf, sizeof(dbuf));
        if (n < 0)
            return -1;
        if (n == 0)
            return count;
        for (long pos = 0; pos < n;) {
            struct anyk_dirent *d = (struct anyk_dirent *)(dbuf + pos);
            pos += d->d_reclen;
            if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
                continue;
            if (collect) {
                if (nnames < MAXN)
                    names[nnames++] = strdup(d->d_name);
            } else {
                int i = find_name(d->d_name);
                if (i < 0) {
                    printf("unknown name %s\n", d->d_name);
                    return -1;
                }
                seen[i]++;
            }
            count++;
        }
        if (want && count >= want)
            return count;
    }
}

static int do_dirscan(const char *dir)
{
    const struct anyk_api *k = anyk_api();
    char path[512];
    int fd, bad = 0;

    if ((fd = k->open(dir, ANYK_O_RDONLY | ANYK_O_DIRECTORY, 0)) < 0)
        return fail("open", dir);
    read_some(k, fd, 0, 1);
    k->close(fd);
    if ((fd = k->open(dir, ANYK_O_RDONLY | ANYK_O_DIRECTORY, 0)) < 0)
        return fail("open", dir);
    if (read_some(k, fd, nnames / 2, 0) < 0)
        return 1;
    /* Remove every third name, seen or not, while the listing is half done. */
    for (int i = 0; i < nnames; i += 3) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (unlink(path) < 0)
            return fail("unlink", path);
        removed[i] = 1;
    }
    int before[MAXN];
    memcpy(before, seen, sizeof(before));
    if (read_some(k, fd, 0, 0) < 0)
        return 1;
    k->close(fd);
    for (int i = 0; i < nnames; i++) {
        if (seen[i] > 1) {
            printf("%s listed twice\n", names[i]);
            bad = 1;
        } else if (!seen[i] && !removed[i]) {
            printf("%s never listed\n", names[i]);
            bad = 1;
        } else if (removed[i] && !before[i] && seen[i]) {
            printf("%s listed after its removal\n", names[i]);
            bad = 1;
        }
    }
    printf("dirscan: %d names, %s\n", nnames, bad ? "FAILED" : "ok");
    return bad;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";

    if (!strcmp(cmd, "pwrite") && argc == 6)
        return do_pwrite(argv[2], atoll(argv[3]), atoll(argv[4]), (unsigned)atoi(argv[5]));
    if (!strcmp(cmd, "check") && argc == 6)
        return do_check(argv[2], atoll(argv[3]), atoll(argv[4]), (unsigned)atoi(argv[5]));
    if (!strcmp(cmd, "truncate") && argc == 4)
        return truncate(argv[2], atoll(argv[3])) < 0 ? fail("truncate", argv[2]) : 0;
    if (!strcmp(cmd, "rename") && argc == 4)
        return rename(argv[2], argv[3]) < 0 ? fail("rename", argv[2]) : 0;
    if (!strcmp(cmd, "fill") && argc == 3)
        return do_fill(argv[2]);
    if (!strcmp(cmd, "unlinked") && argc == 3)
        return do_unlinked(argv[2]);
    if (!strcmp(cmd, "dirscan") && argc == 3)
        return do_dirscan(argv[2]);
    if (!strcmp(cmd, "statfs") && argc == 3) {
        struct statfs st;
        if (statfs(argv[2], &st) < 0)
            return fail("statfs", argv[2]);
        printf("type %lx bsize %ld blocks %llu bfree %llu bavail %llu files %llu ffree %llu\n",
               (long)st.f_type, (long)st.f_bsize, (unsigned long long)st.f_blocks,
               (unsigned long long)st.f_bfree, (unsigned long long)st.f_bavail,
               (unsigned long long)st.f_files, (unsigned long long)st.f_ffree);
        return 0;
    }
    fprintf(stderr, "usage: fsio_test pwrite|check FILE OFFSET LEN SEED | truncate FILE LEN |"
                    " rename FROM TO |"
                    " fill FILE | unlinked FILE | dirscan DIR | statfs PATH\n");
    return 2;
}
