/*
 * prog_bench.c - files and programs: anyk's tmpfs and loader beside Linux's, in one run.
 *
 *   prog_bench PATH-TO-anyk PATH-TO-fsbench PATH-TO-true     (`make bench` runs it)
 *
 * The workloads are apps/coreutils/fsbench.c, one source built twice: as /bin/fsbench
 * in anyk's initramfs, run by `anyk run --quiet -m MEM -- 'fsbench ...'` on anyk's tmpfs
 * (/tmp), and natively against glibc (PATH-TO-fsbench) on Linux's tmpfs (/dev/shm). Each
 * run times its own loop with clock_gettime(CLOCK_MONOTONIC) and prints
 * "fsbench NAME COUNT NANOSECONDS"; boots and process starts are outside the numbers.
 *
 *   null call        NULL_CALLS getppid() calls: anyk through the API table, Linux a
 *                    system call
 *   open+close       OPENS open(O_RDONLY)+close pairs of one existing file
 *   create+unlink    creat+close of CREATES files in an empty directory, then unlink
 *                    of them all; the time for the whole set
 *   write, read      IO_MIB MiB written in 64 KiB calls, lseek to 0, read back (anyk runs
 *                    with IO_MEM of RAM to hold it); MB/s each
 *   spawn+wait       SPAWNS posix_spawn+waitpid pairs of a program that returns at once:
 *                    anyk's /bin/true; on Linux PATH-TO-true, the same true.c linked
 *                    static with the same libc over the Linux shim (tests/apps)
 *
 * Each sample runs every workload once on each side, anyk and Linux back to back with
 * the order swapped every time, so machine noise reaches both; a first round warms up
 * (page cache, the host's memory) and is dropped. The table shows the medians of
 * NSAMPLES samples. Nothing fails on a number; a run that fails is reported on stderr
 * with its output and its cell says so.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/table.h"

#define NSAMPLES 7
#define NULL_CALLS 1000000
#define OPENS 200000
#define CREATES 10000
#define IO_MIB 1024
#define IO_MEM "1536M"          /* anyk RAM for the io workload: the file plus the kernel */
#define SPAWNS 1000
#define RUN_TIMEOUT_MS 60000    /* a run that takes longer is killed and counts as failed */
#define OUT_MAX 8192            /* output kept from one run */
#define TMPFS_MAGIC 0x01021994

enum { R_NULL, R_OPEN, R_CREATE, R_WRITE, R_READ, R_SPAWN, NROWS };

static char io_write_name[64], io_read_name[64];

static struct row rows[NROWS] = {
    [R_NULL] = { .name = "null API call (getppid)", .unit = U_TIME, .has_peer = true,
                 .target = "< 20 ns", .target_max = 20 },
    [R_OPEN] = { .name = "open+close existing file", .unit = U_TIME, .has_peer = true },
    [R_CREATE] = { .name = "create+unlink 10,000 files", .unit = U_TIME, .has_peer = true,
                   .target = "2x faster than Linux", .target_ratio = 0.5 },
    [R_WRITE] = { .name = io_write_name, .unit = U_MBPS, .has_peer = true },
    [R_READ] = { .name = io_read_name, .unit = U_MBPS, .has_peer = true },
    [R_SPAWN] = { .name = "spawn+wait /bin/true", .unit = U_TIME, .has_peer = true,
                  .target = "< 50 µs", .target_max = 50e3 },
};

struct work {
    const char *name;           /* fsbench's workload */
    long count;
    const char *anyk_arg;       /* the directory or program on each side */
    const char *linux_arg;
    const char *mem;            /* anyk RAM, or NULL for the default */
};

static const char *anyk_path, *fsbench_path, *true_path;
static int devnull = -1;
static bool collecting;         /* false in the warm-up round */

/* ---- one run ---------------------------------------------------------------------- */

/* A result line into its row, as ns per operation, ns in all, or bytes per second. */
static void take(bool anyk, const char *name, long long count, double ns)
{
    if (!collecting)
        return;
    if (!strcmp(name, "null"))
        row_add(&rows[R_NULL], anyk, ns / (double)count);
    else if (!strcmp(name, "open"))
        row_add(&rows[R_OPEN], anyk, ns / (double)count);
    else if (!strcmp(name, "create"))
        row_add(&rows[R_CREATE], anyk, ns);
    else if (!strcmp(name, "write"))
        row_add(&rows[R_WRITE], anyk, (double)count / ns * 1e9);
    else if (!strcmp(name, "read"))
        row_add(&rows[R_READ], anyk, (double)count / ns * 1e9);
    else if (!strcmp(name, "spawn"))
        row_add(&rows[R_SPAWN], anyk, ns / (double)count);
}

/* Read fd into out (its first OUT_MAX - 1 bytes) to EOF; false after RUN_TIMEOUT_MS of silence. */
static bool slurp(int fd, char *out)
{
    size_t len = 0;
    char chunk[4096];

    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, RUN_TIMEOUT_MS);
        ssize_t n;

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if ((n = read(fd, chunk, sizeof(chunk))) < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            out[len] = '\0';
            return n == 0;
        }
        if (len < OUT_MAX - 1) {
            size_t k = (size_t)n < OUT_MAX - 1 - len ? (size_t)n : OUT_MAX - 1 - len;
            memcpy(out + len, chunk, k);
            len += k;
        }
    }
    out[len] = '\0';
    return false;
}

/*
 * Run argv with its stdout on a pipe and give each "fsbench NAME COUNT NS" line it
 * prints to take(), as anyk's or the peer's. False, with the output on stderr, unless it
 * exits 0 with a result.
 */
static bool run(char *const argv[], const char *what, bool anyk)
{
    char out[OUT_MAX], name[32], *line, *save;
    int fds[2], status = -1;
    long long count;
    double ns;
    bool done, any = false;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        perror("prog_bench: pipe");
        return false;
    }
    if ((pid = fork()) == 0) {
        dup2(devnull, STDIN_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        execv(argv[0], argv);
        fprintf(stderr, "prog_bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    if (pid < 0) {
        perror("prog_bench: fork");
        close(fds[0]);
        return false;
    }
    done = slurp(fds[0], out);
    close(fds[0]);
    if (!done)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* fsbench prints its results only once all the work is done: a failed run has none. */
    if (done && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        for (line = strtok_r(out, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
            if (sscanf(line, "fsbench %31s %lld %lf", name, &count, &ns) == 3 && count > 0 &&
                ns > 0) {
                take(anyk, name, count, ns);
                any = true;
            }
        }
        if (any)
            return true;
    }
    fprintf(stderr, "prog_bench: %s %s (status %#x); its output:\n%s\n", what,
            !done ? "timed out" : status == 0 ? "printed no result" : "failed", status, out);
    return false;
}

static void run_anyk(const struct work *w)
{
    char cmd[256], *argv[8];
    int n = 0;

    bfmt(cmd, sizeof(cmd), "fsbench %s %ld%s%s", w->name, w->count, w->anyk_arg ? " " : "",
         w->anyk_arg ? w->anyk_arg : "");
    argv[n++] = (char *)anyk_path;
    argv[n++] = "run";
    argv[n++] = "--quiet";
    if (w->mem) {
        argv[n++] = "-m";
        argv[n++] = (char *)w->mem;
    }
    argv[n++] = "--";
    argv[n++] = cmd;
    argv[n] = NULL;
    run(argv, cmd, true);
}

static void run_linux(const struct work *w)
{
    char count[32], what[256];
    char *argv[] = { (char *)fsbench_path, (char *)w->name, count, (char *)w->linux_arg, NULL };

    bfmt(count, sizeof(count), "%ld", w->count);
    bfmt(what, sizeof(what), "%s %s %s %s", fsbench_path, w->name, count,
         w->linux_arg ? w->linux_arg : "");
    run(argv, what, false);
}

/* ---- main ------------------------------------------------------------------------- */

static void print_notes(void)
{
    printf("\nMedian of %d samples each; ratio = anyk / linux (times: below 1 is better for "
           "anyk;\nMB/s: above 1 is). /bin/fsbench run by `anyk run --quiet -- 'fsbench ...'` "
           "on anyk's /tmp\nvs the same source built with glibc on /dev/shm, each timing its "
           "own loop. Null call:\n%d getppid() per sample. open+close: %d pairs. "
           "create+unlink: creat+close of\n%d files, then unlink of them all. write, read: "
           "%d MiB in 64 KiB calls (anyk -m %s);\nMB/s = 10^6 bytes/s. spawn+wait: %d "
           "posix_spawn+waitpid of anyk's /bin/true vs the same\ntrue.c static over the Linux "
           "shim (%s).\n",
           NSAMPLES, NULL_CALLS, OPENS, CREATES, IO_MIB, IO_MEM, SPAWNS, true_path);
#ifdef ANYK_SAN
    printf("note: a sanitizer build (SAN=1); its numbers say nothing about anyk's speed.\n");
#endif
}

int main(int argc, char **argv)
{
    static const char *const arg_dir[2] = { "/tmp", "/dev/shm" };
    struct statfs sf;

    if (argc != 4) {
        fprintf(stderr, "usage: prog_bench PATH-TO-anyk PATH-TO-fsbench PATH-TO-true\n");
        return 2;
    }
    anyk_path = argv[1];
    fsbench_path = argv[2];
    true_path = argv[3];
    for (int i = 1; i < 4; i++) {
        if (access(argv[i], X_OK) < 0) {
            fprintf(stderr, "prog_bench: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
    }
    if (statfs(arg_dir[1], &sf) < 0 || sf.f_type != TMPFS_MAGIC)
        fprintf(stderr, "prog_bench: warning: %s is not a tmpfs\n", arg_dir[1]);
    if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
        perror("prog_bench: /dev/null");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    bfmt(io_write_name, sizeof(io_write_name), "write %d MiB, 64 KiB calls", IO_MIB);
    bfmt(io_read_name, sizeof(io_read_name), "read %d MiB, 64 KiB calls", IO_MIB);

    const struct work works[] = {
        { "null", NULL_CALLS, NULL, NULL, NULL },
        { "open", OPENS, arg_dir[0], arg_dir[1], NULL },
        { "create", CREATES, arg_dir[0], arg_dir[1], NULL },
        { "io", IO_MIB, arg_dir[0], arg_dir[1], IO_MEM },
        { "spawn", SPAWNS, "/bin/true", true_path, NULL },
    };
    int nworks = (int)(sizeof(works) / sizeof(works[0]));

    printf("\nfiles and programs: anyk's tmpfs and loader vs Linux's (tmpfs in %s)\n",
           arg_dir[1]);
    for (int s = -1; s < NSAMPLES; s++) { /* sample -1 warms up and is dropped */
        collecting = s >= 0;
        for (int i = 0; i < nworks; i++) {
            if ((s + i) % 2) {
                run_anyk(&works[i]);
                run_linux(&works[i]);
            } else {
                run_linux(&works[i]);
                run_anyk(&works[i]);
            }
        }
    }
    table_print(rows, NROWS);
    print_notes();
    return 0;
}
