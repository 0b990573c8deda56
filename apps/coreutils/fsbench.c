/*
 * fsbench - the workloads of bench/prog_bench: one named workload, timed from the inside.
 *
 *   fsbench null COUNT             COUNT getppid() calls (anyk: through the API table)
 *   fsbench open COUNT DIR         COUNT open+close pairs of one existing file
 *   fsbench create COUNT DIR       creat+close COUNT files, then unlink them all
 *   fsbench io MIB DIR             write MIB MiB in 64 KiB calls, lseek to 0, read it back
 *   fsbench spawn COUNT PROGRAM    COUNT posix_spawn+waitpid pairs of PROGRAM (no arguments)
 *
 * The same source is built twice: for anyk (/bin/fsbench in the initramfs, over apps/lib)
 * and natively against glibc (build/CONFIG/bench/fsbench), so both sides run the same
 * code. The file workloads work in a fresh directory DIR/fsbench.PID, entered with chdir
 * so that every path is one component whatever DIR is; it is removed at the end.
 *
 * Only the loop itself is timed, with clock_gettime(CLOCK_MONOTONIC). Each result is one
 * line on stdout, "fsbench NAME COUNT NANOSECONDS" (io prints a write and a read line,
 * COUNT in bytes), for the benchmark driver to read. Any failure is reported on stderr and
 * exits 1, so a number is never printed for work that was not done.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IO_CHUNK (64 * 1024)
#define NAME_LEN 24

extern char **environ;

static char workdir[256];

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void __attribute__((noreturn)) fail(const char *what)
{
    perror(what);
    exit(1);
}

static void result(const char *name, long long count, uint64_t ns)
{
    printf("fsbench %s %lld %llu\n", name, count, (unsigned long long)ns);
}

/* Make and enter DIR/fsbench.PID. */
static void enter_workdir(const char *dir)
{
    snprintf(workdir, sizeof(workdir), "%s/fsbench.%d", dir, (int)getpid());
    if (mkdir(workdir, 0755) < 0)
        fail(workdir);
    if (chdir(workdir) < 0)
        fail(workdir);
}

static void leave_workdir(void)
{
    if (chdir("/") < 0 || rmdir(workdir) < 0)
        fail(workdir);
}

static void bench_null(long count)
{
    long sum = 0;
    uint64_t t0 = now_ns();

    for (long i = 0; i < count; i++)
        sum += getppid();
    result("null", count, now_ns() - t0);
    if (sum < 0)
        fail("getppid");
}

static void bench_open(long count, const char *dir)
{
    uint64_t t0, t1;
    int fd;

    enter_workdir(dir);
    if ((fd = creat("file", 0644)) < 0 || close(fd) < 0)
        fail("creat");
    t0 = now_ns();
    for (long i = 0; i < count; i++) {
        if ((fd = open("file", O_RDONLY)) < 0)
            fail("open");
        if (close(fd) < 0)
            fail("close");
    }
    t1 = now_ns();
    if (unlink("file") < 0)
        fail("unlink");
    leave_workdir();
    result("open", count, t1 - t0);
}

/* The names are made before the clock starts: only the file system is timed. */
static void bench_create(long count, const char *dir)
{
    char (*names)[NAME_LEN] = malloc((size_t)count * NAME_LEN);
    uint64_t t0, t1;
    int fd;

    if (!names)
        fail("malloc");
    for (long i = 0; i < count; i++)
        snprintf(names[i], NAME_LEN, "f%07ld", i);
    enter_workdir(dir);
    t0 = now_ns();
    for (long i = 0; i < count; i++) {
        if ((fd = creat(names[i], 0644)) < 0)
            fail("creat");
        if (close(fd) < 0)
            fail("close");
    }
    for (long i = 0; i < count; i++)
        if (unlink(names[i]) < 0)
            fail("unlink");
    t1 = now_ns();
    leave_workdir();
    free(names);
    result("create", count, t1 - t0);
}

/* Each chunk carries its index in its first word; the read checks it came back. */
static void bench_io(long mib, const char *dir)
{
    long chunks = mib * (1024 * 1024 / IO_CHUNK);
    uint64_t *buf = malloc(IO_CHUNK), t0, t1, t2;
    int fd;

    if (!buf)
        fail("malloc");
    memset(buf, 0x5a, IO_CHUNK);
    enter_workdir(dir);
    if ((fd = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0)
        fail("open");
    t0 = now_ns();
    for (long i = 0; i < chunks; i++) {
        buf[0] = (uint64_t)i;
        if (write(fd, buf, IO_CHUNK) != IO_CHUNK)
            fail("write");
    }
    t1 = now_ns();
    if (lseek(fd, 0, SEEK_SET) != 0)
        fail("lseek");
    for (long i = 0; i < chunks; i++) {
        if (read(fd, buf, IO_CHUNK) != IO_CHUNK)
            fail("read");
        if (buf[0] != (uint64_t)i) {
            fprintf(stderr, "fsbench: chunk %ld read back wrong\n", i);
            exit(1);
        }
    }
    t2 = now_ns();
    if (close(fd) < 0 || unlink("big") < 0)
        fail("big");
    leave_workdir();
    free(buf);
    result("write", chunks * (long long)IO_CHUNK, t1 - t0);
    result("read", chunks * (long long)IO_CHUNK, t2 - t1);
}

static void bench_spawn(long count, const char *prog)
{
    char *argv[] = { (char *)prog, NULL };
    uint64_t t0 = now_ns();
    pid_t pid;
    int err, st;

    for (long i = 0; i < count; i++) {
        if ((err = posix_spawn(&pid, prog, NULL, NULL, argv, environ))) {
            fprintf(stderr, "fsbench: %s: %s\n", prog, strerror(err));
            exit(1);
        }
        if (waitpid(pid, &st, 0) != pid)
            fail("waitpid");
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "fsbench: %s: status %#x\n", prog, st);
            exit(1);
        }
    }
    result("spawn", count, now_ns() - t0);
}

int main(int argc, char **argv)
{
    const char *w = argc > 2 ? argv[1] : "";
    long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    bool arg = argc == 4;

    if (n > 0 && !strcmp(w, "null") && argc == 3)
        bench_null(n);
    else if (n > 0 && !strcmp(w, "open") && arg)
        bench_open(n, argv[3]);
    else if (n > 0 && !strcmp(w, "create") && arg)
        bench_create(n, argv[3]);
    else if (n > 0 && !strcmp(w, "io") && arg)
        bench_io(n, argv[3]);
    else if (n > 0 && !strcmp(w, "spawn") && arg)
        bench_spawn(n, argv[3]);
    else {
        fprintf(stderr, "usage: fsbench null COUNT | open|create COUNT DIR | io MIB DIR | "
                        "spawn COUNT PROGRAM\n");
        return 2;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
