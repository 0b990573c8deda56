/*
 * procfs_test.c - /proc (fs/procfs) read through vfs_open and file_read.
 *
 * Checks the text of /proc/meminfo, /proc/uptime and /proc/mounts against
 * Linux's formats (proc(5), and the host's own /proc files: meminfo lines are
 * a label padded to 16 columns, the value right-aligned in 8, then " kB";
 * uptime is "SECONDS.CC IDLE.CC"; mounts lines have six fields, "0 0" last,
 * and a space in a path written as \040 - checked by mounting a tmpfs on
 * "/tmp/a b" on the host), and their values against the kernel's own
 * counters: MemTotal is the RAM size, MemFree the page allocator's free
 * pages and Slab kmalloc's slab pages at the moment of the open, uptime lies
 * between two readings of the boot clock, mounts lists exactly the mount
 * table (a new mount appears, ro or rw, and goes with umount), /proc/threads
 * has one line per thread with its id, name and state, /proc/version names
 * the version, architecture and host. Each file is a snapshot taken at open:
 * a read in 1-byte pieces gives exactly the text of one big read, pread
 * reads at its offset without moving the file's, and a thread created in the
 * middle of reading does not show in the snapshot being read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <anyk/errno.h>
#include <anyk/version.h>
#include "arch/x86_64/arch.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "kern/kernel.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/sync.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "tests/unit/tap.h"

static struct vfs_ctx C;

/* Read f to the end in pieces of `piece` bytes; a malloc'd NUL-terminated string. */
static char *read_all(struct file *f, size_t piece)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    long r;

    while ((r = file_read(f, buf + len, piece < cap - len ? piece : cap - len)) > 0) {
        len += (size_t)r;
        if (len == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    }
    buf[len] = '\0';
    return buf;
}

static char *slurp(const char *path)
{
    struct file *f;
    char *s;

    if (vfs_open(&C, path, ANYK_O_RDONLY, 0, &f) < 0)
        return strdup("");
    s = read_all(f, 1 << 16);
    file_put(f);
    return s;
}

static int count_lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* ---- the same text however it is read ----------------------------------------------- */

static void test_pieces(const char *path)
{
    struct file *f;
    char *whole, *bytes, mid[16];
    long n;
    int64_t at;

    if (vfs_open(&C, path, ANYK_O_RDONLY, 0, &f) < 0) {
        ok(0, "%s: open", path);
        return;
    }
    whole = read_all(f, 1 << 16);
    ok(file_lseek(f, 0, ANYK_SEEK_SET) == 0, "%s: lseek(0) after reading it all", path);
    bytes = read_all(f, 1);
    ok(strlen(whole) > 0 && !strcmp(whole, bytes),
       "%s: read in 1-byte pieces gives the text of one big read (%zu bytes)", path,
       strlen(whole));
    size_t want = strlen(whole) - 5 < 10 ? strlen(whole) - 5 : 10;
    file_lseek(f, 3, ANYK_SEEK_SET);
    n = file_pread(f, mid, 10, 5);
    at = file_lseek(f, 0, ANYK_SEEK_CUR);
    ok(n == (long)want && !memcmp(mid, whole + 5, want) && at == 3,
       "%s: pread of 10 bytes at 5 reads there and leaves the offset at 3 (got %ld, offset %lld)",
       path, n, (long long)at);
    free(whole);
    free(bytes);
    file_put(f);
}

/* ---- meminfo ------------------------------------------------------------------------- */

static void test_meminfo(void)
{
    struct kmalloc_stats ks;
    struct file *f;
    char *text, *line;
    size_t free_pages, slab = 0;
    bool format = true;
    int lines = 0;
    unsigned long long total = 0, mfree = 0, avail = 0, slab_kb = ~0ull;

    vfs_open(&C, "/proc/meminfo", ANYK_O_RDONLY, 0, &f);
    /* The text was made inside the open; nothing allocates after it. */
    free_pages = page_zone()->free_pages;
    kmalloc_stats(&ks);
    for (int i = 0; i < KMALLOC_NCLASSES; i++)
        slab += ks.cls[i].slabs * ks.cls[i].slab_pages * PAGE_SIZE;
    text = read_all(f, 4096);
    file_put(f);
    for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char label[32];
        unsigned long long v;
        size_t colon = strcspn(line, ":");
        lines++;
        /* Linux: "%-16s%8lu kB" with the label ending in ':' (values below 10^8 kB). */
        format &= strlen(line) == 27 && colon < 15 && !strcmp(line + 24, " kB") &&
                  strspn(line + colon + 1, " ") >= 16 - colon - 1 && line[23] >= '0' &&
                  line[23] <= '9';
        if (sscanf(line, "%31[^:]: %llu kB", label, &v) != 2) {
            format = false;
            continue;
        }
        if (!strcmp(label, "MemTotal"))
            total = v;
        else if (!strcmp(label, "MemFree"))
            mfree = v;
        else if (!strcmp(label, "MemAvailable"))
            avail = v;
        else if (!strcmp(label, "Slab"))
            slab_kb = v;
    }
    ok(lines >= 4 && format, "meminfo: %d lines, each \"Label:\" padded to 16, 8-wide value, kB",
       lines);
    ok(total == kern_config()->ram_size >> 10, "MemTotal is the RAM size (%llu kB)", total);
    ok(mfree == free_pages * (PAGE_SIZE >> 10) && mfree < total,
       "MemFree is the page allocator's free pages at the open (%llu kB)", mfree);
    ok(avail >= mfree && avail <= total, "MemFree <= MemAvailable <= MemTotal");
    ok(slab_kb == slab >> 10, "Slab is kmalloc's slab pages (%llu kB)", slab_kb);
    free(text);
}

/* ---- uptime ----------------------------------------------------------------------------- */

static void test_uptime(void)
{
    uint64_t before, after;
    unsigned long long s, cs, is, ics;
    char *text, tail;
    int n;

    thread_sleep_ns(30 * NSEC_PER_MSEC); /* so that uptime is not 0.00 */
    before = ktime_since_boot();
    text = slurp("/proc/uptime");
    after = ktime_since_boot();
    n = sscanf(text, "%llu.%2llu %llu.%2llu%c", &s, &cs, &is, &ics, &tail);
    bool good = n == 5 && tail == '\n' && strchr(text, '\n') == text + strlen(text) - 1 &&
                text[strcspn(text, ".") + 3] == ' ' && text[strlen(text) - 4] == '.';
    ok(good, "uptime: \"SECONDS.CC IDLE.CC\\n\" (%.*s)", (int)strcspn(text, "\n"), text);
    uint64_t cs_total = s * 100 + cs;
    ok(cs_total >= before / (10 * NSEC_PER_MSEC) && cs_total <= after / (10 * NSEC_PER_MSEC) + 1,
       "uptime lies between two readings of the boot clock (%llu cs in [%llu, %llu])",
       (unsigned long long)cs_total, (unsigned long long)(before / (10 * NSEC_PER_MSEC)),
       (unsigned long long)(after / (10 * NSEC_PER_MSEC)));
    free(text);
}

/* ---- version ---------------------------------------------------------------------------- */

static void test_version(void)
{
    char *text = slurp("/proc/version"), want[128];

    snprintf(want, sizeof(want), "anyk version %s (%s, %s host)\n", ANYK_VERSION, ARCH_NAME,
             kern_config()->host_name);
    ok(!strcmp(text, want), "version: one line with version, architecture and host (%.*s)",
       (int)strcspn(text, "\n"), text);
    free(text);
}

/* ---- mounts ------------------------------------------------------------------------------- */

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);

    for (const char *p = text; (p = strstr(p, line)); p++)
        if ((p == text || p[-1] == '\n') && p[n] == '\n')
            return true;
    return false;
}

static bool six_fields(const char *text)
{
    char *copy = strdup(text), *save, *line;
    bool good = true;

    for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char f[6][300], extra[2];
        good &= sscanf(line, "%299s %299s %299s %299s %299s %299s %1s", f[0], f[1], f[2], f[3],
                       f[4], f[5], extra) == 6 &&
                !strcmp(f[4], "0") && !strcmp(f[5], "0") &&
                (!strcmp(f[3], "rw") || !strcmp(f[3], "ro")) && f[1][0] == '/';
    }
    free(copy);
    return good;
}

static void test_mounts(void)
{
    char *text = slurp("/proc/mounts");

    ok(six_fields(text), "mounts: every line has six fields, \"rw\" or \"ro\", then \"0 0\"");
    ok(count_lines(text) == 3 && !strncmp(text, "rootfs / tmpfs rw 0 0\n", 22),
       "three mounts at boot, the root tmpfs first");
    ok(has_line(text, "devfs /dev devfs rw 0 0") && has_line(text, "proc /proc procfs rw 0 0"),
       "/dev and /proc are listed");
    free(text);

    vfs_mkdir(&C, "/mnt x", 0755);
    vfs_mkdir(&C, "/ro", 0755);
    ok(vfs_mount(&C, "scratch", "/mnt x", "tmpfs", 0, NULL) == 0 &&
           vfs_mount(&C, "frozen", "/ro", "tmpfs", ANYK_MS_RDONLY, NULL) == 0,
       "mount two more tmpfs, one read-only");
    text = slurp("/proc/mounts");
    ok(count_lines(text) == 5 && six_fields(text), "five lines now, still six fields each");
    ok(has_line(text, "scratch /mnt\\040x tmpfs rw 0 0"),
       "a space in the mount point is written \\040, as Linux does");
    ok(has_line(text, "frozen /ro tmpfs ro 0 0"), "the read-only one says ro");
    free(text);
    vfs_umount(&C, "/mnt x");
    vfs_umount(&C, "/ro");
    text = slurp("/proc/mounts");
    ok(count_lines(text) == 3 && !strstr(text, "scratch") && !strstr(text, "frozen"),
       "after umount they are gone");
    free(text);
    vfs_rmdir(&C, "/mnt x");
    vfs_rmdir(&C, "/ro");
}

/* ---- threads ------------------------------------------------------------------------------- */

static volatile bool sleeper_go;
static struct waitq sleeper_wq = WAITQ_INIT(sleeper_wq);

/* Blocks until told to go: its state is "blocked" whenever main looks. */
static void sleeper(void *arg)
{
    (void)arg;
    while (!sleeper_go)
        waitq_wait(&sleeper_wq, UINT64_MAX);
}

static bool thread_line(const char *text, struct thread *t, const char *state)
{
    char want[96];

    snprintf(want, sizeof(want), "%u %s %s %d ", t->id, t->name, state, t->prio);
    for (const char *p = text; (p = strstr(p, want)); p++)
        if (p == text || p[-1] == '\n')
            return true;
    return false;
}

static void test_threads(void)
{
    struct thread *t;
    struct file *f;
    char *text, first[8], *rest;
    size_t n = thread_count();
    bool format = true;

    text = slurp("/proc/threads");
    ok(count_lines(text) == (int)n, "threads: one line per thread (%d lines, %zu threads)",
       count_lines(text), n);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned id, prio;
        unsigned long long sw;
        char name[32], state[16];
        format &= sscanf(line, "%u %31s %15s %u %llu", &id, name, state, &prio, &sw) == 5;
    }
    ok(format, "each line is \"ID NAME STATE PRIO SWITCHES\"");
    free(text);
    text = slurp("/proc/threads");
    ok(thread_line(text, thread_self(), "running"), "the reading thread is there, running");
    free(text);

    sleeper_go = false;
    thread_create(&t, "procsleeper", sleeper, NULL, THREAD_PRIO_NORMAL);
    thread_sleep_ns(5 * NSEC_PER_MSEC);
    /* Compare with the count now: exited detached threads may have been reaped meanwhile. */
    n = thread_count();
    text = slurp("/proc/threads");
    ok(count_lines(text) == (int)n && thread_line(text, t, "blocked"),
       "a new thread appears, blocked in its sleep");
    free(text);

    /* A snapshot: a thread made between two reads of one open file does not show. */
    vfs_open(&C, "/proc/threads", ANYK_O_RDONLY, 0, &f);
    ok(file_read(f, first, 5) == 5, "read the first 5 bytes");
    sleeper_go = true;
    waitq_wake_all(&sleeper_wq);
    thread_join(t, NULL);
    rest = read_all(f, 7);
    file_put(f);
    ok(strstr(rest, "procsleeper") != NULL,
       "a thread that ended after the open is still in that open's text");
    free(rest);
    n = thread_count();
    text = slurp("/proc/threads");
    ok(count_lines(text) == (int)n && !strstr(text, "procsleeper"),
       "a new open no longer shows it");
    free(text);
}

/* ---- the directory ------------------------------------------------------------------------- */

static int list_proc(void *arg, const char *name, size_t len, uint64_t ino, unsigned type,
                     int64_t next)
{
    char *names = arg;

    (void)ino, (void)next;
    strncat(names, name, len);
    strcat(names, type == ANYK_DT_REG ? "(f) " : type == ANYK_DT_DIR ? "(d) " : "(?) ");
    return 0;
}

static void test_dir(void)
{
    char names[512] = "";
    struct vnode *dir;
    struct anyk_stat st;
    struct file *f;
    int64_t off = 0;
    char c = 'c';

    vfs_lookup_dir(&C, "/proc", &dir);
    dir->ops->readdir(dir, &off, list_proc, names);
    vnode_put(dir);
    bool once = !strncmp(names, ".(d) ..(d) ", 11);
    static const char *const files[] = { "meminfo", "uptime", "mounts", "log", "threads",
                                         "version" };
    for (int i = 0; i < 6; i++) {
        char want[32];
        snprintf(want, sizeof(want), " %s(f) ", files[i]);
        const char *p = strstr(names, want);
        once &= p && !strstr(p + 1, want);
    }
    ok(once, "getdents of /proc: \".\", \"..\" first, each built-in file once (%s)", names);
    ok(vfs_stat(&C, "/proc/meminfo", &st, true) == 0 && st.st_mode == (ANYK_S_IFREG | 0444),
       "stat of /proc/meminfo: S_IFREG|0444");
    ok(vfs_stat(&C, "/proc/nope", &st, true) == -ENOENT, "a missing /proc file: ENOENT");
    ok(vfs_open(&C, "/proc/version", ANYK_O_RDONLY, 0, &f) == 0 && file_write(f, "x", 1) == -EBADF,
       "/proc files opened for reading refuse writes (EBADF)");
    file_put(f);
    int r = vfs_open(&C, "/proc/version", ANYK_O_WRONLY, 0, &f);
    long w = r == 0 ? file_write(f, &c, 1) : r;
    if (r == 0)
        file_put(f);
    ok(w < 0, "writing to a /proc file opened for writing fails too (%ld)", w);
}

void test_main(void)
{
    struct kmalloc_stats ks;
    size_t before = 0, after = 0, large;

    C.root = vfs_root();
    C.cwd = vfs_root();
    kmalloc_stats(&ks);
    for (int i = 0; i < KMALLOC_NCLASSES; i++)
        before += ks.cls[i].objects;
    large = ks.large_blocks;
    test_meminfo();
    test_uptime();
    test_version();
    test_mounts();
    test_threads();
    test_dir();
    test_pieces("/proc/meminfo");
    test_pieces("/proc/uptime");
    test_pieces("/proc/mounts");
    test_pieces("/proc/version");
    test_pieces("/proc/threads");
    test_pieces("/proc/log");
    kmalloc_stats(&ks);
    for (int i = 0; i < KMALLOC_NCLASSES; i++)
        after += ks.cls[i].objects;
    ok(before == after && ks.large_blocks == large,
       "every snapshot is freed at close (kmalloc objects %zu -> %zu)", before, after);
}
