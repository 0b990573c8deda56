/*
 * kern_bench.c - anyk beside native Linux doing the same work, in one run.
 *
 *   kern_bench PATH-TO-anyk        (`make bench` runs it)
 *
 * Prints one table: the median of NSAMPLES samples of each measurement for
 * anyk and for a Linux peer, their ratio, and the target from the issue.
 * Nothing fails on a number; the benchmark only reports.
 *
 *   boot to halt     fork+exec+wait of `anyk run --quiet --init monitor -- halt` (exit status
 *                    must be 0), BOOTS boots per sample; peer: fork+exec of
 *                    /bin/true, the floor of starting any process.
 *   context switch   the real kernel booted in this process (posix_setup +
 *                    kern_init, as the unit tests do): two kernel threads
 *                    ping-pong through two wait queues, one wake + one sleep
 *                    per hop; and two threads calling thread_yield. Elapsed
 *                    time / the switches the scheduler counted. Peer: two
 *                    pthreads pinned to one CPU (anyk has one virtual CPU),
 *                    ping-ponging through a futex, and calling sched_yield;
 *                    elapsed time / the switches getrusage counted (futex),
 *                    or the hand-overs from one thread to the other (yield).
 *   kmalloc/kfree    pairs per second of 64-byte objects, and of a mixed
 *                    pattern (random replacement among 256 live objects of
 *                    8 B to 8 KiB); peer: glibc malloc/free, same sequence.
 *   idle memory      `anyk run --quiet -- sleep 1`; after IDLE_PROBE_MS, the Rss
 *                    sums of /proc/PID/smaps: all mappings, the kernel RAM
 *                    mapping at POSIX_RAM_BASE, and the difference (what the
 *                    process costs beyond the RAM the kernel touched). Peer:
 *                    the Rss of coreutils `sleep 1`.
 *
 * Order: the child processes are all forked before the kernel boots, while
 * this process is a plain program (no tick timer, no 64 MiB mapping for fork
 * to copy, terminal untouched). Then the kernel boots and the in-process
 * measurements run; the pthread and glibc peers are interleaved with them,
 * sample by sample, so both sides see the same machine state. Kernel code is
 * only ever called from this (the boot) thread and kernel threads; the peer
 * pthreads only run host code, with the tick signal blocked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/table.h"
#include "host/posix/posix.h"
#include "kern/kernel.h"
#include "kern/kmalloc.h"
#include "kern/sync.h"
#include "kern/thread.h"

#define NSAMPLES 7
#define BOOTS 20                /* boots per sample */
#define IDLE_PROBE_MS 300       /* when the idle processes' smaps are read */
#define KSWITCH_ROUNDS 200000   /* anyk round trips (2 switches each) per sample */
#define PSWITCH_ROUNDS 10000    /* pthread round trips per sample */
#define KM_PAIRS 2000000        /* allocation + free pairs per sample */
#define MIX_SLOTS 256           /* live objects in the mixed pattern */
#define MIX_LEN 4096            /* length of the precomputed size/slot sequence */

static int devnull = -1;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Keep the compiler from eliding an allocation or reordering around it. */
static inline void sink(void *p)
{
    __asm__ volatile("" : : "r"(p) : "memory");
}

/* ---- the table ------------------------------------------------------------ */

enum {
    R_BOOT, R_SW_WAITQ, R_SW_YIELD, R_KM_64, R_KM_MIX, R_RSS_TOTAL, R_RSS_RAM, R_RSS_OVER, NROWS
};

#define ROW(nm, u, peer, tgt, max) \
    { .name = nm, .unit = u, .has_peer = peer, .target = tgt, .target_max = max }

static struct row rows[NROWS] = {
    [R_BOOT] = ROW("boot to halt, per boot", U_TIME, true, "< 5 ms", 5e6),
    [R_SW_WAITQ] = ROW("context switch, wait queue", U_TIME, true, "< 100 ns", 100),
    [R_SW_YIELD] = ROW("context switch, yield", U_TIME, true, NULL, 0),
    [R_KM_64] = ROW("kmalloc+kfree 64 B", U_RATE, true, NULL, 0),
    [R_KM_MIX] = ROW("kmalloc+kfree mixed 8 B-8 KiB", U_RATE, true, NULL, 0),
    [R_RSS_TOTAL] = ROW("idle Rss, total", U_BYTES, true, NULL, 0),
    [R_RSS_RAM] = ROW("idle Rss, kernel RAM touched", U_BYTES, false, NULL, 0),
    [R_RSS_OVER] = ROW("idle Rss beyond kernel RAM", U_BYTES, true, "< 2 MiB", 2 << 20),
};

static void add_anyk(int r, double v)
{
    row_add(&rows[r], true, v);
}

static void add_peer(int r, double v)
{
    row_add(&rows[r], false, v);
}

static void print_table(void)
{
    table_print(rows, NROWS);
    printf("\nMedian of %d samples each; ratio = anyk / linux (times and memory: below 1 is "
           "better\nfor anyk; pairs/s: above 1 is). Boot: fork+exec+waitpid of `anyk run --quiet "
           "--init monitor -- halt`,\n%d per sample, vs /bin/true. Switch: total time / switches "
           "counted (anyk scheduler;\ngetrusage or observed hand-overs) of two threads on one CPU: kernel "
           "threads on wait\nqueues or thread_yield vs pthreads pinned together on a futex or "
           "sched_yield. kmalloc:\n%d pairs per sample vs glibc malloc/free. Idle: Rss from "
           "/proc/PID/smaps %d ms into\n`anyk run --quiet -- sleep 1` (RAM = the mapping at "
           "%#lx) vs coreutils `sleep 1`.\n",
           NSAMPLES, BOOTS, KM_PAIRS, IDLE_PROBE_MS, POSIX_RAM_BASE);
#ifdef ANYK_SAN
    printf("note: a sanitizer build (SAN=1); its numbers say nothing about anyk's speed.\n");
#endif
}

/* ---- child processes ----------------------------------------------------------- */

/* fork+exec argv with stdin and stdout on /dev/null (stderr stays, for errors). */
static pid_t spawn(char *const argv[])
{
    pid_t pid = fork();

    if (pid == 0) {
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        execvp(argv[0], argv);
        fprintf(stderr, "kern_bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        fprintf(stderr, "kern_bench: fork: %s\n", strerror(errno));
    return pid;
}

/* Wait for pid; true if it exited with status 0 (complains otherwise). */
static bool reap(pid_t pid, const char *what)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFEXITED(status))
        fprintf(stderr, "kern_bench: %s exited with status %d\n", what, WEXITSTATUS(status));
    else
        fprintf(stderr, "kern_bench: %s was killed by signal %d\n", what, WTERMSIG(status));
    return false;
}

/* Mean ns per fork+exec+wait of argv over n runs, or -1 if one failed. */
static double time_spawns(char *const argv[], int n, const char *what)
{
    uint64_t t0 = now_ns();

    for (int i = 0; i < n; i++) {
        pid_t pid = spawn(argv);
        if (pid < 0 || !reap(pid, what))
            return -1;
    }
    return (double)(now_ns() - t0) / n;
}

/* Sum the Rss of every mapping of pid, and of the one starting at ram_base. */
static int read_rss(pid_t pid, unsigned long ram_base, double *total, double *ram)
{
    char path[64], line[4096];
    unsigned long start, end, kb;
    bool in_ram = false, seen_ram = false;
    FILE *f;

    bfmt(path, sizeof(path), "/proc/%d/smaps", (int)pid);
    if (!(f = fopen(path, "r"))) {
        fprintf(stderr, "kern_bench: %s: %s\n", path, strerror(errno));
        return -1;
    }
    *total = *ram = 0;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
            in_ram = start == ram_base;
            seen_ram |= in_ram;
        } else if (sscanf(line, "Rss: %lu kB", &kb) == 1) {
            *total += kb * 1024.0;
            if (in_ram)
                *ram += kb * 1024.0;
        }
    }
    fclose(f);
    return ram_base && !seen_ram ? -1 : 0;
}

static void bench_boot(const char *anyk)
{
    char *boot_argv[] = { (char *)anyk, "run", "--quiet", "--init", "monitor", "--", "halt", NULL };
    char *true_argv[] = { "/bin/true", NULL };

    time_spawns(boot_argv, 3, "anyk run --quiet --init monitor -- halt"); /* warm the page cache */
    time_spawns(true_argv, 3, "/bin/true");
    for (int s = 0; s < NSAMPLES; s++) {
        add_anyk(R_BOOT, time_spawns(boot_argv, BOOTS, "anyk run --quiet --init monitor -- halt"));
        add_peer(R_BOOT, time_spawns(true_argv, BOOTS, "/bin/true"));
    }
}

/* All idle processes run at once: Rss does not depend on what the neighbours do. */
static void bench_idle(const char *anyk)
{
    char *anyk_argv[] = { (char *)anyk, "run", "--quiet", "--", "sleep", "1", NULL };
    char *sleep_argv[] = { "sleep", "1", NULL };
    pid_t a[NSAMPLES], p[NSAMPLES];
    double total, ram;

    for (int s = 0; s < NSAMPLES; s++) {
        a[s] = spawn(anyk_argv);
        p[s] = spawn(sleep_argv);
    }
    usleep(IDLE_PROBE_MS * 1000);
    for (int s = 0; s < NSAMPLES; s++) {
        if (a[s] > 0 && read_rss(a[s], POSIX_RAM_BASE, &total, &ram) == 0) {
            add_anyk(R_RSS_TOTAL, total);
            add_anyk(R_RSS_RAM, ram);
            add_anyk(R_RSS_OVER, total - ram);
        }
        if (p[s] > 0 && read_rss(p[s], 0, &total, &ram) == 0) {
            add_peer(R_RSS_TOTAL, total);
            add_peer(R_RSS_OVER, total);
        }
    }
    for (int s = 0; s < NSAMPLES; s++) {
        if (a[s] > 0 && !reap(a[s], "anyk run --quiet -- sleep 1"))
            rows[R_RSS_TOTAL].nanyk = rows[R_RSS_RAM].nanyk = rows[R_RSS_OVER].nanyk = 0;
        if (p[s] > 0)
            reap(p[s], "sleep 1");
    }
}

/* ---- context switch: anyk ----------------------------------------------------------- */

static struct {
    struct waitq wq[2];         /* thread i sleeps on wq[i] */
    volatile int turn;          /* whose hop it is */
    volatile bool stop;
} pp;

static void pingpong_partner(void *arg)
{
    (void)arg;
    for (;;) {
        while (pp.turn != 1 && !pp.stop)
            waitq_wait(&pp.wq[1], UINT64_MAX);
        if (pp.stop)
            return;
        pp.turn = 0;
        waitq_wake_one(&pp.wq[0]);
    }
}

static void yield_partner(void *arg)
{
    (void)arg;
    while (!pp.stop)
        thread_yield();
}

/* ns per context switch, the partner thread and this one (the boot thread) taking turns. */
static double anyk_switch(bool yield, long rounds)
{
    struct sched_stats s0, s1;
    struct thread *t;
    uint64_t t0, t1;

    waitq_init(&pp.wq[0]);
    waitq_init(&pp.wq[1]);
    pp.turn = 0;
    pp.stop = false;
    if (thread_create(&t, "bench", yield ? yield_partner : pingpong_partner, NULL,
                      THREAD_PRIO_NORMAL) < 0)
        return -1;
    thread_yield(); /* the partner starts and goes to sleep (or yields back) */
    sched_stats(&s0);
    t0 = now_ns();
    for (long i = 0; i < rounds; i++) {
        if (yield) {
            thread_yield();
        } else {
            pp.turn = 1;
            waitq_wake_one(&pp.wq[1]);
            while (pp.turn != 0)
                waitq_wait(&pp.wq[0], UINT64_MAX);
        }
    }
    t1 = now_ns();
    sched_stats(&s1);
    pp.stop = true;
    waitq_wake_one(&pp.wq[1]);
    thread_join(t, NULL);
    if (s1.switches == s0.switches)
        return -1;
    return (double)(t1 - t0) / (double)(s1.switches - s0.switches);
}

/* ---- context switch: pthreads ------------------------------------------------------- */

static struct {
    pthread_barrier_t go;
    bool yield;
    long rounds;
    int turn;                   /* futex word: whose hop it is */
    int last;                   /* yield: the thread that ran last */
    int stop;
    long handovers;
    uint64_t t0, t1;
    long switches[2];
} px;

static long futex(int *word, int op, int val)
{
    return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

static long thread_switches(void)
{
    struct rusage ru;

    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_nvcsw + ru.ru_nivcsw;
}

static void *peer_thread(void *arg)
{
    int me = (int)(intptr_t)arg, other = !me;
    long sw0;

    pthread_barrier_wait(&px.go);
    sw0 = thread_switches();
    if (me == 0)
        px.t0 = now_ns();
    if (px.yield) {
        /* Thread 0 yields `rounds` times, thread 1 until thread 0 is done. */
        for (long i = 0; me == 0 ? i < px.rounds : !__atomic_load_n(&px.stop, __ATOMIC_ACQUIRE);
             i++) {
            sched_yield();
            if (__atomic_exchange_n(&px.last, me, __ATOMIC_ACQ_REL) != me)
                __atomic_add_fetch(&px.handovers, 1, __ATOMIC_RELAXED);
        }
        if (me == 0) {
            px.t1 = now_ns();
            __atomic_store_n(&px.stop, 1, __ATOMIC_RELEASE);
        }
    } else {
        for (long i = 0; i < px.rounds; i++) {
            while (__atomic_load_n(&px.turn, __ATOMIC_ACQUIRE) != me)
                futex(&px.turn, FUTEX_WAIT_PRIVATE, other);
            __atomic_store_n(&px.turn, other, __ATOMIC_RELEASE);
            futex(&px.turn, FUTEX_WAKE_PRIVATE, 1);
        }
        if (me == 1)
            px.t1 = now_ns(); /* thread 1 makes the last hop */
    }
    px.switches[me] = thread_switches() - sw0;
    return NULL;
}

/* ns per context switch of two pthreads sharing the CPU this thread runs on. */
static double peer_switch(bool yield, long rounds)
{
    pthread_attr_t attr;
    pthread_t t[2];
    sigset_t block, old;
    cpu_set_t cpus;
    int cpu = sched_getcpu(), err;
    double switches;

    memset(&px, 0, sizeof(px));
    px.yield = yield;
    px.rounds = rounds;
    px.last = -1;
    pthread_barrier_init(&px.go, NULL, 2);
    pthread_attr_init(&attr);
    if (cpu >= 0) {
        CPU_ZERO(&cpus);
        CPU_SET(cpu, &cpus);
        pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
    }
    /* The kernel's tick (SIGVTALRM) is none of their business: they inherit it blocked. */
    sigemptyset(&block);
    sigaddset(&block, SIGVTALRM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    for (int i = 0; i < 2; i++) {
        if ((err = pthread_create(&t[i], &attr, peer_thread, (void *)(intptr_t)i))) {
            fprintf(stderr, "kern_bench: pthread_create: %s\n", strerror(err));
            exit(1);
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    pthread_attr_destroy(&attr);
    pthread_barrier_destroy(&px.go);
    switches = yield ? (double)px.handovers : (double)(px.switches[0] + px.switches[1]);
    return switches > 0 ? (double)(px.t1 - px.t0) / switches : -1;
}

/* ---- kmalloc and malloc ------------------------------------------------------------- */

static uint32_t mix_size[MIX_LEN];
static uint16_t mix_slot[MIX_LEN];

/* Sizes: 75% 8-256 B, 19% 257-2048 B (the slab classes), 6% 2-8 KiB (whole pages). */
static void mix_init(void)
{
    uint32_t x = 2463534242u;

    for (int i = 0; i < MIX_LEN; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        uint32_t r = x >> 8, band = x & 15;
        mix_size[i] = band < 12 ? 8 + r % 249 : band < 15 ? 257 + r % 1792 : 2049 + r % 6144;
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        mix_slot[i] = (uint16_t)(x % MIX_SLOTS);
    }
}

/* always_inline with constant function pointers: both sides make direct calls. */
static inline __attribute__((always_inline)) double
alloc_fixed(void *(*alloc)(size_t), void (*release)(void *), long pairs)
{
    uint64_t t0 = now_ns();

    for (long i = 0; i < pairs; i++) {
        char *p = alloc(64);
        if (!p)
            return -1;
        *p = (char)i;
        sink(p);
        release(p);
    }
    return pairs / ((double)(now_ns() - t0) / 1e9);
}

static inline __attribute__((always_inline)) double
alloc_mixed(void *(*alloc)(size_t), void (*release)(void *), long pairs)
{
    static char *slot[MIX_SLOTS];
    uint64_t t0;

    for (int i = 0; i < MIX_SLOTS; i++)
        slot[i] = alloc(mix_size[i]);
    t0 = now_ns();
    for (long i = 0; i < pairs; i++) {
        unsigned k = (unsigned)i & (MIX_LEN - 1), s = mix_slot[k];
        release(slot[s]);
        slot[s] = alloc(mix_size[k]);
        if (!slot[s])
            return -1;
        *slot[s] = (char)i;
        sink(slot[s]);
    }
    t0 = now_ns() - t0;
    for (int i = 0; i < MIX_SLOTS; i++)
        release(slot[i]);
    return pairs / ((double)t0 / 1e9);
}

static double km_fixed(long pairs)
{
    return alloc_fixed(kmalloc, kfree, pairs);
}

static double km_mixed(long pairs)
{
    return alloc_mixed(kmalloc, kfree, pairs);
}

static double libc_fixed(long pairs)
{
    return alloc_fixed(malloc, free, pairs);
}

static double libc_mixed(long pairs)
{
    return alloc_mixed(malloc, free, pairs);
}

/* ---- main ------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    struct posix_config cfg = { .mem = 64ul << 20, .cmdline = "quiet" };
    struct hyp_boot boot;

    if (argc != 2) {
        fprintf(stderr, "usage: kern_bench PATH-TO-anyk\n");
        return 2;
    }
    if (access(argv[1], X_OK) < 0) {
        fprintf(stderr, "kern_bench: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
        perror("kern_bench: /dev/null");
        return 1;
    }
    table_print_machine();

    /* Phase 1, a plain process: everything that forks. */
    bench_boot(argv[1]);
    bench_idle(argv[1]);

    /*
     * Phase 2: boot the kernel here. Its console input is /dev/null, so a
     * terminal the benchmark runs on is never switched to raw mode.
     */
    dup2(devnull, STDIN_FILENO);
    if (posix_setup(&cfg, &boot) < 0)
        return 1;
    kern_init(&boot);
    mix_init();
    for (int s = -1; s < NSAMPLES; s++) { /* sample -1 warms up and is dropped */
        static const int row[4] = { R_SW_WAITQ, R_SW_YIELD, R_KM_64, R_KM_MIX };
        double v[8];

        v[0] = anyk_switch(false, KSWITCH_ROUNDS);
        v[1] = peer_switch(false, PSWITCH_ROUNDS);
        v[2] = anyk_switch(true, KSWITCH_ROUNDS);
        v[3] = peer_switch(true, PSWITCH_ROUNDS);
        v[4] = km_fixed(KM_PAIRS);
        v[5] = libc_fixed(KM_PAIRS);
        v[6] = km_mixed(KM_PAIRS);
        v[7] = libc_mixed(KM_PAIRS);
        for (int i = 0; s >= 0 && i < 4; i++) {
            add_anyk(row[i], v[2 * i]);
            add_peer(row[i], v[2 * i + 1]);
        }
    }
    print_table();
    kern_halt(0);
}
