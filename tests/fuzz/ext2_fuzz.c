/*
 * ext2_fuzz.c - libFuzzer harness: mount a mutated ext2 image and use it.
 *
 * The kernel boots once with a 4 MiB memory disk. Each input is copied onto
 * the disk (the rest zeroed), mounted as ext2 on /mnt, and then walked: every
 * directory listed, every entry stat'ed, every file read, every symlink read;
 * then a file is created and written and a directory made, so the write paths
 * meet the corruption too. Whatever the image holds, the kernel must return
 * errors and never crash, hang, touch memory outside the disk, or leak:
 * ASan and UBSan watch the first three, a page count the last.
 * Seeds are images made by mke2fs (tests/integration/fuzz.t makes them).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anyk/api.h>
#include "blk/blk.h"
#include "fs/vfs.h"
#include "host/posix/posix.h"
#include "kern/kernel.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "kern/task.h"

#define DISK_SIZE (4u << 20)
#define MAX_FILES 200
#define MAX_DEPTH 8

static char *disk;
static struct vfs_ctx *ctx;
static int files_seen;

static int boot(void)
{
    static struct posix_config cfg = { .mem = 64u << 20, .cmdline = "loglevel=0", .no_tick = true,
                                       .library = true };
    static struct hyp_boot b;

    disk = calloc(1, DISK_SIZE);
    cfg.disks[0].mem = disk;
    cfg.disks[0].mem_size = DISK_SIZE;
    cfg.ndisks = 1;
    if (posix_setup(&cfg, &b) < 0)
        abort();
    kern_init(&b);
    ctx = &task_current()->fs;
    return vfs_mkdir(ctx, "/mnt", 0755);
}

struct walk {
    char path[1024];
    int depth;
};

static int fill(void *arg, const char *name, size_t len, uint64_t ino, unsigned type, int64_t off)
{
    struct walk *w = arg;
    char buf[4096];
    struct anyk_stat st;
    size_t base = strlen(w->path);
    (void)ino, (void)type, (void)off;

    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return 0;
    if (files_seen++ > MAX_FILES || base + len + 2 >= sizeof(w->path))
        return 1;
    snprintf(w->path + base, sizeof(w->path) - base, "/%.*s", (int)len, name);
    if (vfs_stat(ctx, w->path, &st, false) == 0) {
        if ((st.st_mode & ANYK_S_IFMT) == ANYK_S_IFLNK) {
            vfs_readlink(ctx, w->path, buf, sizeof(buf));
        } else if ((st.st_mode & ANYK_S_IFMT) == ANYK_S_IFREG) {
            struct file *f;
            if (vfs_open(ctx, w->path, ANYK_O_RDONLY, 0, &f) == 0) {
                for (int i = 0; i < 64 && file_read(f, buf, sizeof(buf)) > 0; i++)
                    ;
                file_pread(f, buf, 100, (int64_t)1 << 33); /* a far offset */
                file_put(f);
            }
        } else if ((st.st_mode & ANYK_S_IFMT) == ANYK_S_IFDIR && w->depth < MAX_DEPTH) {
            /* Recursion through a fresh walk state, so this one's cursor stays valid. */
            struct walk sub = *w;
            struct file *d;
            char dents[2048];
            sub.depth++;
            if (vfs_open(ctx, sub.path, ANYK_O_RDONLY | ANYK_O_DIRECTORY, 0, &d) == 0) {
                long n;
                for (int i = 0; i < 16 && (n = file_getdents(d, dents, sizeof(dents))) > 0; i++) {
                    for (long o = 0; o < n;) {
                        const struct anyk_dirent *de = (const void *)(dents + o);
                        fill(&sub, de->d_name, strlen(de->d_name), de->d_ino, de->d_type, 0);
                        sub.path[strlen(w->path) + len + 1] = '\0';
                        o += de->d_reclen;
                    }
                }
                file_put(d);
            }
        }
    }
    w->path[base] = '\0';
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int booted = -1;
    static size_t baseline;
    struct walk w = { "/mnt", 0 };
    struct file *f;

    if (booted < 0)
        booted = boot();
    if (size > DISK_SIZE)
        size = DISK_SIZE;
    memcpy(disk, data, size);
    memset(disk + size, 0, DISK_SIZE - size);
    files_seen = 0;
    if (vfs_mount(ctx, "/dev/blk0", "/mnt", "ext2", 0, NULL) == 0) {
        struct file *d;
        if (vfs_open(ctx, "/mnt", ANYK_O_RDONLY | ANYK_O_DIRECTORY, 0, &d) == 0) {
            char dents[4096];
            long n;
            for (int i = 0; i < 16 && (n = file_getdents(d, dents, sizeof(dents))) > 0; i++) {
                for (long o = 0; o < n;) {
                    const struct anyk_dirent *de = (const void *)(dents + o);
                    fill(&w, de->d_name, strlen(de->d_name), de->d_ino, de->d_type, 0);
                    o += de->d_reclen;
                }
            }
            file_put(d);
        }
        if (vfs_open(ctx, "/mnt/fuzz.new", ANYK_O_CREAT | ANYK_O_WRONLY, 0644, &f) == 0) {
            static const char text[] = "written by the fuzzer\n";
            for (int i = 0; i < 8; i++)
                file_write(f, text, sizeof(text));
            file_put(f);
        }
        vfs_mkdir(ctx, "/mnt/fuzz.dir", 0755);
        vfs_rename(ctx, "/mnt/fuzz.new", "/mnt/fuzz.dir/moved");
        vfs_unlink(ctx, "/mnt/fuzz.dir/moved");
        vfs_rmdir(ctx, "/mnt/fuzz.dir");
        if (vfs_umount(ctx, "/mnt") < 0) {
            fprintf(stderr, "ext2_fuzz: umount failed: a reference leaked\n");
            abort();
        }
    }
    blk_forget(blk_get(0));
    /* Every page a mount took must come back (after the first input warmed the caches). */
    if (!baseline)
        baseline = page_zone()->free_pages;
    else if (page_zone()->free_pages + 64 < baseline) {
        fprintf(stderr, "ext2_fuzz: %zu pages leaked\n", baseline - page_zone()->free_pages);
        abort();
    }
    return 0;
}
