/*
 * sched_test.c - kernel threads and the scheduler (kern/thread.h).
 *
 * Checks what thread.h promises: thread_join hands back the exit value and
 * frees the thread (and refuses self-joins and detached threads), detached
 * threads are freed by themselves, threads of one priority take turns round
 * robin, a ready thread of higher priority runs at the next preemption point
 * while a lower-priority one never runs as long as a higher one is ready,
 * the host's tick preempts CPU-bound threads at sched_preempt_point(),
 * thread_sleep_ns sleeps at least as long as asked (and not much longer),
 * and hundreds of threads can exist at once.
 *
 * Only the main thread calls ok(): printf needs more stack than the 16 KiB
 * of a kernel thread can spare, so threads record what they see in globals.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <anyk/errno.h>
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "tests/unit/tap.h"

#define MS NSEC_PER_MSEC

/* A log of events, appended to by threads; compared as a string. */
static char log_buf[512];
static size_t log_len;

static void log_reset(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

static void log_put(char c)
{
    if (log_len + 1 < sizeof(log_buf)) {
        log_buf[log_len++] = c;
        log_buf[log_len] = '\0';
    }
}

/* Memory that threads hold: pages outside slabs plus kmalloc objects. */
struct usage {
    size_t pages_used, objects;
    size_t threads;
};

static void usage(struct usage *u)
{
    struct kmalloc_stats st;

    kmalloc_stats(&st);
    u->pages_used = page_zone()->npages - page_zone()->free_pages;
    u->objects = 0;
    for (int c = 0; c < KMALLOC_NCLASSES; c++) {
        u->pages_used -= st.cls[c].slabs * st.cls[c].slab_pages;
        u->objects += st.cls[c].objects;
    }
    u->pages_used -= st.large_bytes / PAGE_SIZE;
    u->objects += st.large_blocks;
    u->threads = thread_count();
}

/* ---- create, join, retval, self ------------------------------------------- */

static struct thread *seen_self;
static void *seen_arg;

static void ret_by_return(void *arg)
{
    seen_self = thread_self();
    seen_arg = arg;
}

static int nested_depth;

static void __attribute__((noinline)) exit_inner(void)
{
    thread_exit((void *)(uintptr_t)0xbeef);
}

static void __attribute__((noinline)) exit_middle(void)
{
    exit_inner();
    nested_depth = -1; /* never reached */
}

static void ret_by_exit(void *arg)
{
    (void)arg;
    exit_middle();
    nested_depth = -2; /* never reached */
}

static int self_join_result;

static void join_self(void *arg)
{
    (void)arg;
    self_join_result = thread_join(thread_self(), NULL);
}

static void test_join(void)
{
    struct thread *t;
    struct usage u0, u1;
    void *rv = (void *)1;
    int arg;

    usage(&u0);
    ok(thread_self() && strcmp(thread_self()->name, "main") == 0 &&
           thread_self()->state == THREAD_RUNNING,
       "the test runs as the kernel thread \"main\", which is RUNNING");
    ok(thread_create(&t, "ret", ret_by_return, &arg, THREAD_PRIO_NORMAL) == 0,
       "thread_create succeeds");
    ok(t->state == THREAD_READY && strcmp(t->name, "ret") == 0 && seen_self == NULL,
       "a new thread is READY, named as asked, and has not run yet");
    ok(thread_count() == u0.threads + 1, "thread_count counts it");
    ok(thread_join(t, &rv) == 0 && rv == NULL,
       "thread_join returns 0 and retval NULL for a thread that returned from its function");
    ok(seen_self == t && seen_arg == &arg, "the thread saw thread_self() == itself and its arg");

    ok(thread_create(&t, "exit", ret_by_exit, NULL, THREAD_PRIO_NORMAL) == 0 &&
           thread_join(t, &rv) == 0 && rv == (void *)0xbeef && nested_depth == 0,
       "thread_exit(0xbeef) from nested calls: join gets 0xbeef and the calls never return");

    ok(thread_join(thread_self(), NULL) == -EDEADLK, "thread_join(self) is -EDEADLK (main)");
    self_join_result = 0;
    thread_create(&t, "selfjoin", join_self, NULL, THREAD_PRIO_NORMAL);
    thread_join(t, NULL);
    ok(self_join_result == -EDEADLK, "thread_join(self) is -EDEADLK (another thread)");

    ok(thread_create(&t, "bad", ret_by_return, NULL, -1) == -EINVAL &&
           thread_create(&t, "bad", ret_by_return, NULL, THREAD_NPRIO) == -EINVAL,
       "thread_create with priority -1 or THREAD_NPRIO is -EINVAL");
    ok(thread_create(&t, "bad", NULL, NULL, THREAD_PRIO_NORMAL) == -EINVAL,
       "thread_create without a function is -EINVAL");

    /* Joining a thread that already ended returns at once. */
    thread_create(&t, "early", ret_by_exit, NULL, THREAD_PRIO_NORMAL);
    thread_yield();
    ok(t->state == THREAD_ZOMBIE, "a thread that ended and is not joined yet is a ZOMBIE");
    ok(thread_join(t, &rv) == 0 && rv == (void *)0xbeef, "joining the zombie collects 0xbeef");

    usage(&u1);
    ok(u1.threads == u0.threads && u1.pages_used == u0.pages_used && u1.objects == u0.objects,
       "after the joins: thread_count, pages and kmalloc objects are back to the baseline");
}

/* ---- detached threads ------------------------------------------------------ */

static int detached_ran;

static void detached_fn(void *arg)
{
    (void)arg;
    detached_ran++;
    thread_yield();
    detached_ran++;
}

static void test_detached(void)
{
    struct usage u0, u1;
    struct thread *t;
    enum { N = 20 };

    usage(&u0);
    detached_ran = 0;
    for (int i = 0; i < N; i++)
        thread_create(NULL, "det", detached_fn, NULL, THREAD_PRIO_NORMAL);
    ok(thread_count() == u0.threads + N, "%d detached threads (created with out == NULL)", N);
    thread_sleep_ns(5 * MS);
    ok(detached_ran == 2 * N, "all of them ran to the end");
    usage(&u1);
    ok(u1.threads == u0.threads && u1.pages_used == u0.pages_used && u1.objects == u0.objects,
       "detached threads are freed by themselves: thread_count %zu -> %zu, memory back",
       u0.threads + N, u1.threads);

    /* thread_detach of a running thread, and of a zombie. */
    thread_create(&t, "det2", detached_fn, NULL, THREAD_PRIO_NORMAL);
    thread_detach(t);
    ok(t->detached && thread_join(t, NULL) == -EINVAL,
       "thread_join of a detached thread is -EINVAL");
    thread_sleep_ns(2 * MS);
    ok(thread_count() == u0.threads, "a thread detached before it ended is freed when it ends");
    thread_create(&t, "det3", ret_by_return, NULL, THREAD_PRIO_NORMAL);
    thread_yield();
    ok(t->state == THREAD_ZOMBIE && thread_count() == u0.threads + 1,
       "an ended, undetached thread stays as a zombie");
    thread_detach(t);
    ok(thread_count() == u0.threads, "thread_detach of a zombie frees it at once");
}

/* ---- round robin -------------------------------------------------------------- */

static void rr_fn(void *arg)
{
    for (int i = 0; i < 4; i++) {
        log_put(*(const char *)arg);
        thread_yield();
    }
}

static void test_round_robin(void)
{
    struct thread *t[3];
    struct sched_stats s0, s1;

    log_reset();
    thread_create(&t[0], "A", rr_fn, "A", THREAD_PRIO_NORMAL);
    thread_create(&t[1], "B", rr_fn, "B", THREAD_PRIO_NORMAL);
    thread_create(&t[2], "C", rr_fn, "C", THREAD_PRIO_NORMAL);
    for (int i = 0; i < 3; i++)
        thread_join(t[i], NULL);
    ok(strcmp(log_buf, "ABCABCABCABC") == 0,
       "three threads at one priority, each yielding, take turns: \"%s\"", log_buf);

    /* main takes its turn too. */
    log_reset();
    thread_create(&t[0], "A", rr_fn, "A", THREAD_PRIO_NORMAL);
    thread_create(&t[1], "B", rr_fn, "B", THREAD_PRIO_NORMAL);
    for (int i = 0; i < 3; i++) {
        log_put('m');
        thread_yield();
    }
    thread_join(t[0], NULL);
    thread_join(t[1], NULL);
    ok(strcmp(log_buf, "mABmABmABAB") == 0, "main is in the rotation as well: \"%s\"", log_buf);

    sched_stats(&s0);
    thread_yield();
    sched_stats(&s1);
    ok(s1.switches == s0.switches, "thread_yield with nothing else ready does not switch");
}

/* ---- priorities --------------------------------------------------------------- */

static volatile int ran_flag;

static void mark_fn(void *arg)
{
    log_put(*(const char *)arg);
    ran_flag = 1;
}

static void test_priority(void)
{
    struct thread *h, *n, *l;
    struct sched_stats s0, s1;

    /* A HIGH thread made ready runs at the next preemption point, not before. */
    ran_flag = 0;
    log_reset();
    thread_create(&h, "H", mark_fn, "H", THREAD_PRIO_HIGH);
    ok(ran_flag == 0, "a new HIGH thread does not run inside thread_create");
    sched_stats(&s0);
    sched_preempt_point();
    sched_stats(&s1);
    ok(ran_flag == 1, "it runs at main's next sched_preempt_point()");
    ok(s1.preemptions > s0.preemptions, "and that counts as a preemption");
    thread_join(h, NULL);

    /* Ready order N (NORMAL) then H (HIGH): H runs first when main yields. */
    log_reset();
    thread_create(&n, "N", mark_fn, "N", THREAD_PRIO_NORMAL);
    thread_create(&h, "H", mark_fn, "H", THREAD_PRIO_HIGH);
    thread_yield();
    ok(strcmp(log_buf, "HN") == 0,
       "NORMAL created before HIGH: the HIGH one still runs first (\"%s\")", log_buf);
    thread_join(n, NULL);
    thread_join(h, NULL);

    /* A LOW thread does not run while NORMAL threads are ready. */
    log_reset();
    ran_flag = 0;
    thread_create(&l, "L", mark_fn, "L", THREAD_PRIO_LOW);
    thread_yield();
    ok(ran_flag == 0, "main yields with only a LOW thread ready: the LOW thread does not run");
    uint64_t end = ktime_now() + 50 * MS;
    while (ktime_now() < end)
        sched_preempt_point();
    ok(ran_flag == 0, "50 ms of main at preemption points (ticks included): LOW still waits");
    thread_create(&n, "N", rr_fn, "N", THREAD_PRIO_NORMAL);
    for (int i = 0; i < 3; i++) {
        log_put('m');
        thread_yield();
    }
    thread_join(n, NULL); /* main blocks, but N is ready: still not L's turn */
    ok(ran_flag == 0 && strcmp(log_buf, "mNmNmNN") == 0,
       "two NORMAL threads yielding to each other never let LOW in (\"%s\")", log_buf);
    thread_join(l, NULL);
    ok(ran_flag == 1 && strcmp(log_buf, "mNmNmNNL") == 0,
       "LOW runs once main blocks with no NORMAL thread ready (\"%s\")", log_buf);

    /* thread_set_prio on a ready thread moves it to its new queue. */
    ran_flag = 0;
    thread_create(&l, "L", mark_fn, "L", THREAD_PRIO_LOW);
    thread_yield();
    ok(ran_flag == 0, "another LOW thread waits");
    thread_set_prio(l, THREAD_PRIO_HIGH);
    sched_preempt_point();
    ok(ran_flag == 1, "raised to HIGH while ready, it runs at main's next preemption point");
    thread_join(l, NULL);
}

/* A HIGH thread waking from a sleep preempts a CPU-bound NORMAL thread. */
static uint64_t wake_deadline, woke_at;

static void sleeper_high(void *arg)
{
    (void)arg;
    thread_sleep_until(wake_deadline);
    woke_at = ktime_now();
}

static void test_wake_preempts(void)
{
    struct thread *h;
    uint64_t give_up;

    woke_at = 0;
    wake_deadline = ktime_now() + 30 * MS;
    thread_create(&h, "Hsleep", sleeper_high, NULL, THREAD_PRIO_HIGH);
    thread_yield(); /* H runs now and goes to sleep */
    give_up = ktime_now() + 2000 * MS;
    while (!woke_at && ktime_now() < give_up)
        sched_preempt_point(); /* CPU-bound: only the tick can notice H's timer */
    ok(woke_at != 0, "a HIGH thread whose sleep ends preempts a CPU-bound NORMAL main");
    ok(woke_at >= wake_deadline && woke_at < wake_deadline + 200 * MS,
       "it woke %.1f ms after its deadline (>= 0, < 200)",
       woke_at ? (double)(woke_at - wake_deadline) / MS : -1.0);
    thread_join(h, NULL);
}

/* ---- preemption by the tick ------------------------------------------------------ */

static volatile uint64_t spins[2];
static volatile uint64_t turns[2];  /* times a thread saw the other had run meanwhile */
static volatile int spin_stop;
static uint64_t spin_give_up;

static void spinner(void *arg)
{
    int me = (int)(uintptr_t)arg, other = !me;
    uint64_t last = spins[other];

    while (!spin_stop) {
        spins[me]++;
        if (spins[other] != last) {
            last = spins[other];
            turns[me]++;
        }
        if ((turns[0] >= 8 && turns[1] >= 8) || ktime_now() > spin_give_up)
            spin_stop = 1;
        sched_preempt_point();
    }
}

static void test_preemption(void)
{
    struct thread *t[2];
    struct sched_stats s0, s1;
    uint64_t t0 = ktime_now();

    spins[0] = spins[1] = turns[0] = turns[1] = 0;
    spin_stop = 0;
    spin_give_up = t0 + 3000 * MS;
    sched_stats(&s0);
    thread_create(&t[0], "spin0", spinner, (void *)0, THREAD_PRIO_NORMAL);
    thread_create(&t[1], "spin1", spinner, (void *)1, THREAD_PRIO_NORMAL);
    thread_join(t[0], NULL);
    thread_join(t[1], NULL);
    sched_stats(&s1);
    tap_diag("spinners: %llu and %llu iterations, %llu and %llu turns, %.0f ms",
             (unsigned long long)spins[0], (unsigned long long)spins[1],
             (unsigned long long)turns[0], (unsigned long long)turns[1],
             (double)(ktime_now() - t0) / MS);
    ok(spins[0] > 0 && spins[1] > 0, "two CPU-bound threads that never yield both made progress");
    ok(turns[0] >= 8 && turns[1] >= 8,
       "each saw the other run in between at least 8 times: the tick took the CPU from both");
    ok(s1.preemptions - s0.preemptions >= 16, "sched_stats counted %llu preemptions (>= 16)",
       (unsigned long long)(s1.preemptions - s0.preemptions));
}

/* ---- sleeping ------------------------------------------------------------------------ */

static void sleep_fn(void *arg)
{
    const char *c = arg;
    thread_sleep_ns((uint64_t)(c[0] - '0') * 10 * MS);
    log_put(c[0]);
}

static void test_sleep(void)
{
    static const uint64_t req[] = { 1 * MS, 20 * MS, 50 * MS };

    for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
        uint64_t t0 = ktime_now();
        thread_sleep_ns(req[i]);
        uint64_t dt = ktime_now() - t0;
        ok(dt >= req[i] && dt < req[i] + 200 * MS,
           "thread_sleep_ns(%llu ms) slept %.2f ms (>= asked, < asked + 200 ms)",
           (unsigned long long)(req[i] / MS), (double)dt / MS);
    }
    uint64_t t0 = ktime_now();
    thread_sleep_ns(0);
    ok(ktime_now() - t0 < 5 * MS, "thread_sleep_ns(0) returns at once");
    t0 = ktime_now();
    thread_sleep_until(t0 - 1 * MS);
    ok(ktime_now() - t0 < 5 * MS, "thread_sleep_until a past instant returns at once");

    /* Sleepers wake in the order of their deadlines, not of their creation. */
    struct thread *t[4];
    static const char *names[] = { "4", "1", "3", "2" };
    log_reset();
    for (int i = 0; i < 4; i++)
        thread_create(&t[i], names[i], sleep_fn, (void *)names[i], THREAD_PRIO_NORMAL);
    for (int i = 0; i < 4; i++)
        thread_join(t[i], NULL);
    ok(strcmp(log_buf, "1234") == 0,
       "threads sleeping 40, 10, 30, 20 ms wake shortest first (\"%s\")", log_buf);
}

/* ---- many threads -------------------------------------------------------------------- */

static void many_fn(void *arg)
{
    uintptr_t i = (uintptr_t)arg;

    if (i % 3 == 0)
        thread_yield();
    if (i % 7 == 0)
        thread_sleep_ns(1 * MS);
    thread_exit((void *)(i * 3 + 1));
}

static void test_many(void)
{
    enum { N = 200 };
    static struct thread *t[N];
    struct usage u0, u1;
    int created = 0, right = 0;
    bool distinct_ids = true;

    usage(&u0);
    for (uintptr_t i = 0; i < N; i++)
        if (thread_create(&t[i], "many", many_fn, (void *)i, THREAD_PRIO_NORMAL) == 0)
            created++;
    ok(created == N && thread_count() == u0.threads + N, "%d threads exist at once", N);
    for (int i = 1; i < N; i++)
        if (t[i]->id <= t[i - 1]->id)
            distinct_ids = false;
    ok(distinct_ids, "they have distinct, increasing ids");
    for (uintptr_t i = 0; i < N; i++) {
        void *rv = NULL;
        if (thread_join(t[i], &rv) == 0 && rv == (void *)(i * 3 + 1))
            right++;
    }
    ok(right == N, "each of the %d joins returned that thread's own value (%d right)", N, right);
    usage(&u1);
    ok(u1.threads == u0.threads && u1.pages_used == u0.pages_used && u1.objects == u0.objects,
       "after joining all: thread_count, stack pages and thread structs back to the baseline");
}

/* A scheduler or timer bug can leave every thread blocked for ever: fail instead of hanging. */
static void watchdog(int sig)
{
    static const char msg[] = "not ok - watchdog: the test hung (every thread blocked?)\n";

    (void)sig;
    if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
        _exit(1);
    _exit(1);
}

void test_main(void)
{
    signal(SIGALRM, watchdog);
    alarm(20);
    test_join();
    test_detached();
    test_round_robin();
    test_priority();
    test_wake_preempts();
    test_preemption();
    test_sleep();
    test_many();
}
