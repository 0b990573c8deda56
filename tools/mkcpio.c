/*
 * mkcpio - pack a directory tree into a cpio "newc" archive (the format of
 * Linux initramfs images), for anyk's built-in initramfs.
 *
 *   mkcpio OUTPUT DIR
 *
 * Entries are written in sorted order with paths relative to DIR, owner 0:0
 * and the files' own modes and mtimes, so the same tree gives the same
 * archive. Regular files, directories and symbolic links are packed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static FILE *out;
static unsigned long ino = 1;
static unsigned long offset;

static void put(const void *p, size_t n)
{
    if (fwrite(p, 1, n, out) != n) {
        perror("mkcpio: write");
        exit(1);
    }
    offset += n;
}

static void pad4(void)
{
    static const char zero[4];
    put(zero, (4 - offset % 4) % 4);
}

static void header(const char *name, unsigned mode, unsigned long mtime, unsigned long size)
{
    char h[128];

    snprintf(h, sizeof(h), "070701%08lX%08X%08X%08X%08X%08lX%08lX%08X%08X%08X%08X%08zX%08X",
             ino++, mode, 0u, 0u, (mode & S_IFMT) == S_IFDIR ? 2u : 1u, mtime, size, 0u, 0u, 0u,
             0u, strlen(name) + 1, 0u);
    put(h, 110);
    put(name, strlen(name) + 1);
    pad4();
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void pack(const char *root, const char *rel)
{
    struct dirent **ents;
    char path[8192], sub[4096];
    int n;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    n = scandir(path, &ents, NULL, by_name);
    if (n < 0) {
        fprintf(stderr, "mkcpio: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        struct stat st;

        if (!strcmp(name, ".") || !strcmp(name, "..")) {
            free(ents[i]);
            continue;
        }
        if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name) >=
            sizeof(sub)) {
            fprintf(stderr, "mkcpio: %s/%s: path too long\n", rel, name);
            exit(1);
        }
        snprintf(path, sizeof(path), "%s/%s", root, sub);
        if (lstat(path, &st) < 0) {
            fprintf(stderr, "mkcpio: %s: %s\n", path, strerror(errno));
            exit(1);
        }
        if (S_ISDIR(st.st_mode)) {
            header(sub, st.st_mode, (unsigned long)st.st_mtime, 0);
            pack(root, sub);
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t len = readlink(path, target, sizeof(target));
            if (len < 0) {
                perror(path);
                exit(1);
            }
            header(sub, st.st_mode, (unsigned long)st.st_mtime, (unsigned long)len);
            put(target, (size_t)len);
            pad4();
        } else if (S_ISREG(st.st_mode)) {
            FILE *f = fopen(path, "rb");
            char buf[65536];
            size_t k;
            if (!f) {
                perror(path);
                exit(1);
            }
            header(sub, st.st_mode, (unsigned long)st.st_mtime, (unsigned long)st.st_size);
            while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
                put(buf, k);
            fclose(f);
            pad4();
        } else {
            fprintf(stderr, "mkcpio: %s: skipped (not a file, directory or link)\n", path);
        }
        free(ents[i]);
    }
    free(ents);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mkcpio OUTPUT DIR\n");
        return 2;
    }
    out = fopen(argv[1], "wb");
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    pack(argv[2], "");
    header("TRAILER!!!", 0, 0, 0);
    /* Round the archive up to 512 bytes, as cpio does. */
    while (offset % 512)
        put("", 1);
    if (fclose(out) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
