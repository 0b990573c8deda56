/*
 * disk_bench.c - ext2 images on disk: anyk-fs (anyk's ext2 driver, on libanyk) beside
 * e2fsprogs and beside the Linux kernel's own ext2 driver on a loop mount, in one run.
 *
 *   disk_bench PATH-TO-anyk-fs         (`make bench` runs it, as root for the loop rows)
 *
 * Everything lives in a fresh directory under $TMPDIR (default /var/tmp: a disk, not a
 * tmpfs) that is removed, with any mount, on every way out (a signal too). Each row times
 * one whole job with CLOCK_MONOTONIC around the child processes that do it:
 *
 *   put tree     a tree of TREE_DIRS directories of TREE_FILES files each, 1-4 KiB of
 *                pseudo-random bytes, into a fresh `mke2fs -t ext2` image of TREE_IMG:
 *                `anyk-fs IMG put -r TREE /t` vs `debugfs -w -f CMDS IMG`, CMDS being a
 *                generated list of mkdir and write commands. mke2fs is outside the time.
 *   put big      a file of BIG_MIB MiB into a fresh sparse image of BIG_IMG: `anyk-fs IMG
 *                put` + sync(2) vs mount -o loop + cp + sync(2) + umount. MB/s.
 *   get big      the page cache dropped, then the file back out of the image the same side
 *                wrote: `anyk-fs IMG get` vs mount -o loop + cp + umount. MB/s.
 *   ls -l        a directory of LS_ENTRIES empty files (put once by anyk-fs into its own
 *                image), the page cache dropped: `anyk-fs IMG ls -l /dir` vs mount -o loop
 *                + `ls -l` + umount, output to /dev/null.
 *
 * Each sample runs every job once on each side, back to back, the order swapped every
 * time; the table shows medians of NSAMPLES. Before each put the sources are read into
 * the page cache (the drops evict them), so neither side pays for reading them from disk.
 * Without root or loop devices the Linux column of the loop rows says n/a. Nothing fails
 * on a number.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/table.h"

#define NSAMPLES 5
#define TREE_DIRS 100
#define TREE_FILES 100
#define TREE_IMG "256M"
#define BIG_MIB 1024            /* the 1 GiB; the table takes ~2 minutes */
#define BIG_IMG "2G"
#define LS_ENTRIES 10000
#define LS_IMG "64M"
#define NA_LOOP "n/a (needs root for a loop mount)"

enum { R_TREE, R_PUT, R_GET, R_LS, NROWS };

static char tree_name[64], put_name[64], get_name[64], ls_name[64];

static struct row rows[NROWS] = {
    [R_TREE] = { .name = tree_name, .unit = U_TIME, .has_peer = true,
                 .target = "3x faster than debugfs", .target_ratio = 1.0 / 3 },
    [R_PUT] = { .name = put_name, .unit = U_MBPS, .has_peer = true,
                .target = ">= 80% of Linux", .target_min_ratio = 0.8 },
    [R_GET] = { .name = get_name, .unit = U_MBPS, .has_peer = true,
                .target = ">= 80% of Linux", .target_min_ratio = 0.8 },
    [R_LS] = { .name = ls_name, .unit = U_TIME, .has_peer = true },
};

static const char *anyk_fs;
static char work[256];          /* the scratch directory; empty once removed */
static char mnt[300];           /* the loop mount point */
static volatile sig_atomic_t mounted;
static bool loop_ok;            /* root, and a first loop mount worked */

/* ---- paths and cleanup ------------------------------------------------------------ */

static const char *wpath(char *buf, size_t len, const char *name)
{
    bfmt(buf, len, "%s/%s", work, name);
    return buf;
}

/* Unmount and remove the scratch directory; async-signal-safe, so a handler can call it. */
static void cleanup(void)
{
    char *const rm[] = { "/bin/rm", "-rf", work, NULL };
    pid_t pid;
    int status;

    if (mounted && umount2(mnt, 0) < 0)
        umount2(mnt, MNT_DETACH);       /* a child still inside: lazily, the loop goes too */
    mounted = 0;
    if (!work[0])
        return;
    if ((pid = fork()) == 0) {
        execv(rm[0], rm);
        _exit(127);
    }
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    work[0] = '\0';
}

static void on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void die(const char *what)
{
    fprintf(stderr, "disk_bench: %s: %s\n", what, strerror(errno));
    cleanup();
    exit(1);
}

/* ---- running programs ------------------------------------------------------------- */

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/*
 * Run argv with stdout to out (or /dev/null) and stderr to the scratch log; true if it
 * exits 0. Otherwise the log goes to our stderr, unless quiet.
 */
static bool run_to(char *const argv[], const char *out, bool quiet)
{
    char log[300];
    int status = -1;
    pid_t pid;

    wpath(log, sizeof(log), "log");
    if ((pid = fork()) == 0) {
        int o = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int i = open("/dev/null", O_RDONLY);

        if (o < 0 || e < 0 || i < 0)
            _exit(126);
        dup2(i, STDIN_FILENO);
        dup2(o, STDOUT_FILENO);
        dup2(e, STDERR_FILENO);
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        die("fork");
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (!quiet) {
        char buf[2048];
        FILE *f = fopen(log, "r");
        size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

        buf[n] = '\0';
        if (f)
            fclose(f);
        fprintf(stderr, "disk_bench: %s failed (status %#x):\n%s", argv[0], status, buf);
    }
    return false;
}

static bool run(char *const argv[])
{
    return run_to(argv, NULL, false);
}

static bool mkfs(const char *img, const char *size)
{
    char *const argv[] = { "mke2fs", "-q", "-t", "ext2", "-F", (char *)img, (char *)size, NULL };

    unlink(img);
    return run(argv);
}

static bool mount_loop(const char *img, bool quiet)
{
    char *const argv[] = { "mount", "-o", "loop", "-t", "ext2", (char *)img, mnt, NULL };

    if (!run_to(argv, NULL, quiet))
        return false;
    mounted = 1;
    return true;
}

static bool unmount(void)
{
    sync();
    if (umount2(mnt, 0) < 0) {
        perror("disk_bench: umount");
        return false;
    }
    mounted = 0;
    return true;
}

/* Write back everything dirty, then drop the page cache, as root; untimed. */
static void drop_caches(void)
{
    int fd;

    sync();
    if ((fd = open("/proc/sys/vm/drop_caches", O_WRONLY)) >= 0) {
        if (write(fd, "3\n", 2) != 2)
            perror("disk_bench: drop_caches");
        close(fd);
    }
}

/* ---- the data --------------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void write_file(const char *path, size_t len)
{
    static uint64_t buf[1 << 16];   /* 512 KiB */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        die(path);
    while (len) {
        size_t n = len < sizeof(buf) ? len : sizeof(buf);

        for (size_t i = 0; i < (n + 7) / 8; i++)
            buf[i] = next_random();
        if (write(fd, buf, n) != (ssize_t)n)
            die(path);
        len -= n;
    }
    close(fd);
}

/* The host tree for the put-tree row, and debugfs's command file doing the same job. */
static void make_tree(void)
{
    char path[400], tree[300], cmds[300];
    FILE *f;

    wpath(tree, sizeof(tree), "tree");
    if (mkdir(tree, 0755) < 0)
        die(tree);
    if (!(f = fopen(wpath(cmds, sizeof(cmds), "cmds"), "w")))
        die(cmds);
    fprintf(f, "mkdir /t\n");
    for (int d = 0; d < TREE_DIRS; d++) {
        bfmt(path, sizeof(path), "%s/d%03d", tree, d);
        if (mkdir(path, 0755) < 0)
            die(path);
        fprintf(f, "mkdir /t/d%03d\n", d);
        for (int i = 0; i < TREE_FILES; i++) {
            bfmt(path, sizeof(path), "%s/d%03d/f%03d", tree, d, i);
            write_file(path, 1024 + next_random() % 3073);
            fprintf(f, "write %s /t/d%03d/f%03d\n", path, d, i);
        }
    }
    if (fclose(f) != 0)
        die(cmds);
}

/* An image holding /dir with LS_ENTRIES empty files, put there by anyk-fs. */
static bool make_ls_image(void)
{
    char dir[300], path[400], img[300];

    wpath(dir, sizeof(dir), "dir");
    if (mkdir(dir, 0755) < 0)
        die(dir);
    for (int i = 0; i < LS_ENTRIES; i++) {
        int fd;

        bfmt(path, sizeof(path), "%s/file-%05d", dir, i);
        if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0)
            die(path);
        close(fd);
    }
    wpath(img, sizeof(img), "ls.img");
    char *const put[] = { (char *)anyk_fs, img, "put", "-r", dir, "/dir", NULL };
    return mkfs(img, LS_IMG) && run(put);
}

/*
 * Read the files under path (a file or a directory of directories of files) so that
 * the jobs find their sources in the page cache: the drops before the get and ls rows
 * evict them, and whichever side ran first would otherwise pay for the disk.
 */
static void warm(const char *path)
{
    static char buf[1 << 16];
    char sub[512];
    struct stat st;
    DIR *d;
    struct dirent *e;
    int fd;

    if (lstat(path, &st) < 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        if ((fd = open(path, O_RDONLY)) < 0)
            return;
        while (read(fd, buf, sizeof(buf)) > 0)
            ;
        close(fd);
        return;
    }
    if (!(d = opendir(path)))
        return;
    while ((e = readdir(d))) {
        if (e->d_name[0] != '.') {
            bfmt(sub, sizeof(sub), "%s/%s", path, e->d_name);
            warm(sub);
        }
    }
    closedir(d);
}

/* ---- the jobs --------------------------------------------------------------------- */

/* Each returns its time in ns, or -1 if it failed. */

static double tree_anyk(void)
{
    char img[300], tree[300];
    char *const argv[] = { (char *)anyk_fs, img, "put", "-r", tree, "/t", NULL };
    double t;

    wpath(img, sizeof(img), "tree-anyk.img");
    wpath(tree, sizeof(tree), "tree");
    if (!mkfs(img, TREE_IMG))
        return -1;
    warm(tree);
    t = now_ns();
    if (!run(argv))
        return -1;
    t = now_ns() - t;
    unlink(img);
    return t;
}

static double tree_debugfs(void)
{
    char img[300], cmds[300], tree[300];
    char *const argv[] = { "debugfs", "-w", "-f", cmds, img, NULL };
    double t;

    wpath(img, sizeof(img), "tree-debugfs.img");
    wpath(cmds, sizeof(cmds), "cmds");
    if (!mkfs(img, TREE_IMG))
        return -1;
    warm(wpath(tree, sizeof(tree), "tree"));
    warm(cmds);
    t = now_ns();
    if (!run(argv))
        return -1;
    t = now_ns() - t;
    unlink(img);
    return t;
}

/* The big file into a fresh image of its own (kept for the get that follows). */
static double put_anyk(void)
{
    char img[300], big[300];
    char *const argv[] = { (char *)anyk_fs, img, "put", big, "/big", NULL };
    double t;

    wpath(img, sizeof(img), "big-anyk.img");
    wpath(big, sizeof(big), "big");
    if (!mkfs(img, BIG_IMG))
        return -1;
    warm(big);
    t = now_ns();
    if (!run(argv))
        return -1;
    sync();
    return now_ns() - t;
}

static double put_linux(void)
{
    char img[300], big[300], dst[400];
    char *const argv[] = { "cp", big, dst, NULL };
    double t;
    bool ok;

    wpath(img, sizeof(img), "big-linux.img");
    wpath(big, sizeof(big), "big");
    bfmt(dst, sizeof(dst), "%s/big", mnt);
    if (!mkfs(img, BIG_IMG))
        return -1;
    warm(big);
    t = now_ns();
    if (!mount_loop(img, false))
        return -1;
    ok = run(argv);
    ok = unmount() && ok;       /* syncs first */
    return ok ? now_ns() - t : -1;
}

static double get_anyk(void)
{
    char img[300], out[300];
    char *const argv[] = { (char *)anyk_fs, img, "get", "/big", out, NULL };
    double t;

    wpath(img, sizeof(img), "big-anyk.img");
    wpath(out, sizeof(out), "big.out");
    drop_caches();
    t = now_ns();
    if (!run(argv))
        return -1;
    t = now_ns() - t;
    unlink(out);
    unlink(img);
    return t;
}

static double get_linux(void)
{
    char img[300], src[400], out[300];
    char *const argv[] = { "cp", src, out, NULL };
    double t;
    bool ok;

    wpath(img, sizeof(img), "big-linux.img");
    wpath(out, sizeof(out), "big.out");
    bfmt(src, sizeof(src), "%s/big", mnt);
    drop_caches();
    t = now_ns();
    if (!mount_loop(img, false))
        return -1;
    ok = run(argv);
    if (umount2(mnt, 0) < 0)
        ok = false;
    else
        mounted = 0;
    t = now_ns() - t;
    unlink(out);
    unlink(img);
    return ok ? t : -1;
}

static double ls_anyk(void)
{
    char img[300];
    char *const argv[] = { (char *)anyk_fs, img, "ls", "-l", "/dir", NULL };
    double t;

    wpath(img, sizeof(img), "ls.img");
    drop_caches();
    t = now_ns();
    return run(argv) ? now_ns() - t : -1;
}

static double ls_linux(void)
{
    char img[300], dir[400];
    char *const argv[] = { "ls", "-l", dir, NULL };
    double t;
    bool ok;

    wpath(img, sizeof(img), "ls.img");
    bfmt(dir, sizeof(dir), "%s/dir", mnt);
    drop_caches();
    t = now_ns();
    if (!mount_loop(img, false))
        return -1;
    ok = run(argv);
    if (umount2(mnt, 0) < 0)
        ok = false;
    else
        mounted = 0;
    return ok ? now_ns() - t : -1;
}

/* A time in ns into row r as it is, or as MB/s of the big file. */
static void take(int r, bool anyk, double ns)
{
    if (ns < 0)
        return;
    if (rows[r].unit == U_MBPS)
        ns = (double)BIG_MIB * (1 << 20) / ns * 1e9;
    row_add(&rows[r], anyk, ns);
}

/* anyk's job and the peer's, in the order the sample says; the peer only if it can run. */
static void pair(int r, int s, double (*anyk)(void), double (*peer)(void), bool peer_ok)
{
    if (s % 2 == 0)
        take(r, true, anyk());
    if (peer_ok)
        take(r, false, peer());
    if (s % 2 == 1)
        take(r, true, anyk());
}

/* ---- main ------------------------------------------------------------------------- */

static void print_notes(void)
{
    printf("\nMedian of %d samples each; ratio = anyk / linux (times: below 1 is better for "
           "anyk;\nMB/s: above 1 is). Scratch files in %s.\nput -r: %d files of 1-4 KiB in "
           "%d directories into a fresh %s image, `anyk-fs put -r`\nvs `debugfs -w -f CMDS` "
           "(generated mkdir + write commands). put/get: a %d MiB file%s\nin a %s sparse "
           "image; put includes sync(2); get starts with the page cache dropped\nand reads "
           "the image its own side wrote. Linux: mount -o loop, cp, umount, all inside\nthe "
           "time. ls -l: %d entries, page cache dropped, output to /dev/null. Sources are\n"
           "read into the page cache before each put. MB/s = 10^6 bytes/s.\n",
           NSAMPLES, work, TREE_DIRS * TREE_FILES, TREE_DIRS, TREE_IMG, BIG_MIB,
           BIG_MIB < 1024 ? " (scaled down from the issue's 1 GiB)" : "", BIG_IMG, LS_ENTRIES);
    if (!loop_ok)
        printf("Linux loop rows: " NA_LOOP ".\n");
}

int main(int argc, char **argv)
{
    const char *tmp = getenv("TMPDIR");
    char big[300], img[300];
    struct sigaction sa;

    if (argc != 2) {
        fprintf(stderr, "usage: disk_bench PATH-TO-anyk-fs\n");
        return 2;
    }
    anyk_fs = argv[1];
    if (access(anyk_fs, X_OK) < 0) {
        fprintf(stderr, "disk_bench: %s: %s\n", anyk_fs, strerror(errno));
        return 2;
    }
    bfmt(work, sizeof(work), "%s/anyk-disk-bench.XXXXXX", tmp && *tmp ? tmp : "/var/tmp");
    if (!mkdtemp(work)) {
        perror("disk_bench: mkdtemp");
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    bfmt(tree_name, sizeof(tree_name), "put -r %d files", TREE_DIRS * TREE_FILES);
    bfmt(put_name, sizeof(put_name), "put %d MiB file", BIG_MIB);
    bfmt(get_name, sizeof(get_name), "get %d MiB file", BIG_MIB);
    bfmt(ls_name, sizeof(ls_name), "ls -l of %d entries", LS_ENTRIES);

    printf("\ndisks: anyk-fs (anyk's ext2 on an image) vs debugfs and Linux's ext2 on a loop "
           "mount\n");
    wpath(mnt, sizeof(mnt), "mnt");
    if (mkdir(mnt, 0755) < 0)
        die(mnt);
    make_tree();
    write_file(wpath(big, sizeof(big), "big"), (size_t)BIG_MIB << 20);
    if (!make_ls_image())
        die("making the ls image");
    /* Can we loop-mount at all? Try on the ls image. */
    loop_ok = geteuid() == 0 && mount_loop(wpath(img, sizeof(img), "ls.img"), true);
    if (loop_ok && !unmount())
        loop_ok = false;
    if (!loop_ok)
        rows[R_PUT].peer_na = rows[R_GET].peer_na = rows[R_LS].peer_na = NA_LOOP;

    for (int s = 0; s < NSAMPLES; s++) {
        pair(R_TREE, s, tree_anyk, tree_debugfs, true);
        /* put then get of the same side's image: both puts first, then both gets */
        pair(R_PUT, s, put_anyk, put_linux, loop_ok);
        pair(R_GET, s, get_anyk, get_linux, loop_ok);
        pair(R_LS, s, ls_anyk, ls_linux, loop_ok);
    }
    table_print(rows, NROWS);
    print_notes();
    cleanup();
    return 0;
}
