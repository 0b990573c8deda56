/*
 * sync_test.c - wait queues, mutexes and condition variables (kern/sync.h).
 *
 * Checks: a mutex makes a read-yield-write update exact across 50 threads
 * (and, as a control, the same update without it loses counts); unlock hands
 * the mutex to waiters in the order they arrived, with no barging; trylock
 * and mutex_held; a bounded buffer with several producers and consumers on
 * two condition variables delivers every item exactly once, and a one-slot
 * ping-pong where every cond_signal matters never needs its safety timeout
 * (a lost wake-up; one that hangs everything trips the watchdog); cond_wait_until
 * and waitq_wait time out with -ETIMEDOUT no earlier than the deadline, and
 * cond_wait_until gives the mutex up while waiting and holds it again after;
 * waitq_wake_one wakes in FIFO order and waitq_wake_all wakes every waiter.
 *
 * Only the main thread calls ok(); threads record what they see.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <anyk/errno.h>
#include "kern/sync.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "tests/unit/tap.h"

#define MS NSEC_PER_MSEC

static size_t waiters(const struct waitq *wq)
{
    size_t n = 0;
    const struct list_node *pos;

    list_for_each(pos, &wq->waiters)
        n++;
    return n;
}

/* ---- mutual exclusion -------------------------------------------------------- */

enum { NTHREADS = 50, NITER = 200 };

static struct mutex count_lock = MUTEX_INIT(count_lock, "count");
static long counter;
static int in_section, max_in_section;
static bool use_lock;

static void incrementer(void *arg)
{
    (void)arg;
    for (int i = 0; i < NITER; i++) {
        if (use_lock)
            mutex_lock(&count_lock);
        if (++in_section > max_in_section)
            max_in_section = in_section;
        long v = counter;
        thread_yield(); /* invite the others in the middle of the update */
        counter = v + 1;
        in_section--;
        if (use_lock)
            mutex_unlock(&count_lock);
        if (i % 16 == 0)
            thread_yield();
    }
}

static long run_incrementers(bool locked)
{
    struct thread *t[NTHREADS];

    counter = 0;
    in_section = max_in_section = 0;
    use_lock = locked;
    for (int i = 0; i < NTHREADS; i++)
        thread_create(&t[i], "inc", incrementer, NULL, THREAD_PRIO_NORMAL);
    for (int i = 0; i < NTHREADS; i++)
        thread_join(t[i], NULL);
    return counter;
}

static void test_mutual_exclusion(void)
{
    long c = run_incrementers(false);
    ok(c < NTHREADS * NITER,
       "control: without the mutex, read-yield-write loses updates (%ld of %d)", c,
       NTHREADS * NITER);
    c = run_incrementers(true);
    ok(c == NTHREADS * NITER, "with the mutex: %d threads x %d increments = %ld exactly",
       NTHREADS, NITER, c);
    ok(max_in_section == 1, "never more than one thread inside the locked section (max %d)",
       max_in_section);
    ok(count_lock.owner == NULL && waitq_empty(&count_lock.wq),
       "afterwards the mutex is free with no waiters");
}

/* ---- FIFO hand-off --------------------------------------------------------------- */

static struct mutex fifo_lock = MUTEX_INIT(fifo_lock, "fifo");
static char fifo_log[16];
static int fifo_len;

static void fifo_fn(void *arg)
{
    int delay = (int)(intptr_t)arg;

    thread_sleep_ns((uint64_t)delay * 5 * MS); /* arrive at the lock in delay order */
    mutex_lock(&fifo_lock);
    fifo_log[fifo_len++] = (char)('0' + delay);
    thread_yield();
    mutex_unlock(&fifo_lock);
}

static void test_fifo(void)
{
    static const int delay[] = { 3, 1, 4, 0, 2 };
    struct thread *t[5];

    fifo_len = 0;
    memset(fifo_log, 0, sizeof(fifo_log));
    mutex_lock(&fifo_lock);
    for (int i = 0; i < 5; i++)
        thread_create(&t[i], "fifo", fifo_fn, (void *)(intptr_t)delay[i], THREAD_PRIO_NORMAL);
    uint64_t give_up = ktime_now() + 2000 * MS;
    while (waiters(&fifo_lock.wq) < 5 && ktime_now() < give_up)
        thread_sleep_ns(2 * MS);
    ok(waiters(&fifo_lock.wq) == 5, "five threads wait for the mutex main holds");
    mutex_unlock(&fifo_lock);
    ok(fifo_lock.owner == t[3], "unlock hands the mutex straight to the longest waiter");
    ok(!mutex_trylock(&fifo_lock) && !mutex_held(&fifo_lock),
       "so main cannot take it back (no barging) before that thread even ran");
    for (int i = 0; i < 5; i++)
        thread_join(t[i], NULL);
    ok(strcmp(fifo_log, "01234") == 0,
       "threads arriving in the order 0..4 got the mutex in that order (\"%s\")", fifo_log);
}

/* ---- trylock / held ------------------------------------------------------------------ */

static struct mutex try_lock = MUTEX_INIT(try_lock, "try");
static int other_try, other_held;

static void try_other(void *arg)
{
    (void)arg;
    other_try = mutex_trylock(&try_lock);
    other_held = mutex_held(&try_lock);
    if (other_try)
        mutex_unlock(&try_lock);
}

static void test_trylock(void)
{
    struct thread *t;

    ok(!mutex_held(&try_lock), "a free mutex is not held");
    ok(mutex_trylock(&try_lock) && mutex_held(&try_lock), "trylock of a free mutex succeeds");
    ok(!mutex_trylock(&try_lock), "trylock of a mutex the caller holds fails (no recursion)");
    thread_create(&t, "try", try_other, NULL, THREAD_PRIO_NORMAL);
    thread_join(t, NULL);
    ok(other_try == 0 && other_held == 0, "another thread's trylock fails while main holds it");
    mutex_unlock(&try_lock);
    ok(!mutex_held(&try_lock) && try_lock.owner == NULL, "unlocked: free again");
    thread_create(&t, "try", try_other, NULL, THREAD_PRIO_NORMAL);
    thread_join(t, NULL);
    ok(other_try == 1 && other_held == 1, "then the other thread's trylock succeeds");
}

/* ---- bounded buffer ---------------------------------------------------------------------- */

enum { NPROD = 4, NCONS = 3, PER_PROD = 500, BUFSZ = 4 };

static struct mutex bb_lock = MUTEX_INIT(bb_lock, "bb");
static struct cond not_full = COND_INIT(not_full), not_empty = COND_INIT(not_empty);
static int bb[BUFSZ], bb_head, bb_count;
static bool producers_done;
static unsigned char seen[NPROD * PER_PROD + 1];
static long consumed_sum[NCONS];
static int consumed_n[NCONS], overflow, underflow;
static uint64_t rng_state = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static void producer(void *arg)
{
    int p = (int)(intptr_t)arg;

    for (int i = 0; i < PER_PROD; i++) {
        int item = p * PER_PROD + i + 1;
        mutex_lock(&bb_lock);
        while (bb_count == BUFSZ)
            cond_wait(&not_full, &bb_lock);
        if (bb_count >= BUFSZ)
            overflow++;
        bb[(bb_head + bb_count) % BUFSZ] = item;
        bb_count++;
        cond_signal(&not_empty);
        if (rnd(4) == 0)
            thread_yield(); /* with the lock held: others block on it */
        mutex_unlock(&bb_lock);
        if (rnd(3) == 0)
            thread_yield();
    }
}

static void consumer(void *arg)
{
    int c = (int)(intptr_t)arg;

    for (;;) {
        mutex_lock(&bb_lock);
        while (bb_count == 0 && !producers_done)
            cond_wait(&not_empty, &bb_lock);
        if (bb_count == 0) {
            mutex_unlock(&bb_lock);
            return;
        }
        if (bb_count <= 0)
            underflow++;
        int item = bb[bb_head];
        bb_head = (bb_head + 1) % BUFSZ;
        bb_count--;
        cond_signal(&not_full);
        mutex_unlock(&bb_lock);
        if (item >= 1 && item <= NPROD * PER_PROD && seen[item] < 255)
            seen[item]++;
        consumed_sum[c] += item;
        consumed_n[c]++;
        if (rnd(3) == 0)
            thread_yield();
    }
}

static void test_bounded_buffer(void)
{
    struct thread *p[NPROD], *c[NCONS];
    long sum = 0;
    int n = 0, once = 0, none = 0, twice = 0;
    bool all_worked = true;

    for (int i = 0; i < NCONS; i++)
        thread_create(&c[i], "cons", consumer, (void *)(intptr_t)i, THREAD_PRIO_NORMAL);
    for (int i = 0; i < NPROD; i++)
        thread_create(&p[i], "prod", producer, (void *)(intptr_t)i, THREAD_PRIO_NORMAL);
    for (int i = 0; i < NPROD; i++)
        thread_join(p[i], NULL);
    mutex_lock(&bb_lock);
    producers_done = true;
    cond_broadcast(&not_empty);
    mutex_unlock(&bb_lock);
    for (int i = 0; i < NCONS; i++)
        thread_join(c[i], NULL);

    for (int i = 0; i < NCONS; i++) {
        sum += consumed_sum[i];
        n += consumed_n[i];
        if (consumed_n[i] == 0)
            all_worked = false;
    }
    for (int v = 1; v <= NPROD * PER_PROD; v++) {
        if (seen[v] == 1)
            once++;
        else if (seen[v] == 0)
            none++;
        else
            twice++;
    }
    long want = (long)NPROD * PER_PROD * (NPROD * PER_PROD + 1) / 2;
    ok(n == NPROD * PER_PROD && sum == want,
       "bounded buffer: %d producers x %d items, %d consumers: %d consumed, sum %ld (want %ld)",
       NPROD, PER_PROD, NCONS, n, sum, want);
    ok(once == NPROD * PER_PROD && none == 0 && twice == 0,
       "every item consumed exactly once (%d lost, %d duplicated)", none, twice);
    ok(overflow == 0 && underflow == 0 && bb_count == 0,
       "the buffer never over- or underflowed and ends empty");
    ok(all_worked, "every consumer got items (%d, %d, %d)", consumed_n[0], consumed_n[1],
       consumed_n[2]);
    ok(waitq_empty(&not_full.wq) && waitq_empty(&not_empty.wq) && !bb_lock.owner,
       "no thread left waiting on either condition or the mutex");
}

/*
 * Ping-pong: one producer, one consumer, a one-slot buffer, cond_signal only.
 * Here every signal matters (nobody else would wake the sleeper), so a lost
 * wake-up shows up as a wait that runs into its safety deadline, which is
 * counted instead of hanging.
 */
enum { ROUNDS = 2000 };

static struct mutex pp_lock = MUTEX_INIT(pp_lock, "pingpong");
static struct cond pp_full = COND_INIT(pp_full), pp_empty = COND_INIT(pp_empty);
static int pp_slot, pp_has, pp_timeouts, pp_bad;

static void pp_wait(struct cond *c)
{
    if (cond_wait_until(c, &pp_lock, ktime_now() + 300 * MS) == -ETIMEDOUT)
        pp_timeouts++;
}

static void pp_producer(void *arg)
{
    (void)arg;
    mutex_lock(&pp_lock);
    for (int i = 1; i <= ROUNDS && !pp_timeouts; i++) {
        while (pp_has && !pp_timeouts)
            pp_wait(&pp_empty);
        pp_slot = i;
        pp_has = 1;
        cond_signal(&pp_full);
    }
    mutex_unlock(&pp_lock);
}

static void pp_consumer(void *arg)
{
    (void)arg;
    mutex_lock(&pp_lock);
    for (int i = 1; i <= ROUNDS && !pp_timeouts; i++) {
        while (!pp_has && !pp_timeouts)
            pp_wait(&pp_full);
        if (pp_timeouts)
            break;
        if (pp_slot != i)
            pp_bad++;
        pp_has = 0;
        cond_signal(&pp_empty);
    }
    mutex_unlock(&pp_lock);
}

static void test_ping_pong(void)
{
    struct thread *p, *c;
    struct sched_stats s0, s1;

    sched_stats(&s0);
    thread_create(&c, "ping", pp_consumer, NULL, THREAD_PRIO_NORMAL);
    thread_create(&p, "pong", pp_producer, NULL, THREAD_PRIO_NORMAL);
    thread_join(p, NULL);
    thread_join(c, NULL);
    sched_stats(&s1);
    ok(pp_timeouts == 0,
       "ping-pong through a 1-slot buffer, %d rounds with cond_signal: no wait needed its 300 ms "
       "safety deadline (no lost wake-up)", ROUNDS);
    ok(pp_bad == 0 && pp_slot == ROUNDS && !pp_has, "every item arrived, in order");
    ok(s1.switches - s0.switches >= ROUNDS,
       "the two really took turns (%llu context switches)",
       (unsigned long long)(s1.switches - s0.switches));
}

/* ---- timeouts ---------------------------------------------------------------------------- */

static struct mutex to_lock = MUTEX_INIT(to_lock, "timeout");
static struct cond to_cond = COND_INIT(to_cond);
static int helper_got_lock;

static void lock_helper(void *arg)
{
    (void)arg;
    helper_got_lock = mutex_trylock(&to_lock);
    if (helper_got_lock)
        mutex_unlock(&to_lock);
}

static void signaller(void *arg)
{
    (void)arg;
    thread_sleep_ns(10 * MS);
    mutex_lock(&to_lock);
    cond_signal(&to_cond);
    mutex_unlock(&to_lock);
}

static void test_timeouts(void)
{
    struct thread *t;
    struct waitq wq;
    uint64_t t0, d;
    int r;

    /* cond_wait_until times out, giving the mutex up meanwhile. */
    helper_got_lock = -1;
    mutex_lock(&to_lock);
    thread_create(&t, "helper", lock_helper, NULL, THREAD_PRIO_NORMAL);
    t0 = ktime_now();
    d = t0 + 30 * MS;
    r = cond_wait_until(&to_cond, &to_lock, d);
    uint64_t t1 = ktime_now();
    ok(r == -ETIMEDOUT, "cond_wait_until with nobody signalling returns -ETIMEDOUT (%d)", r);
    ok(t1 >= d && t1 < d + 200 * MS, "after %.2f ms (deadline 30 ms)", (double)(t1 - t0) / MS);
    ok(mutex_held(&to_lock), "and the caller holds the mutex again");
    ok(helper_got_lock == 1, "while it waited, another thread could take the mutex");
    ok(waitq_empty(&to_cond.wq), "the timed-out waiter left the condition's queue");
    thread_join(t, NULL);

    /* Signalled before the deadline: 0. */
    thread_create(&t, "signaller", signaller, NULL, THREAD_PRIO_NORMAL);
    t0 = ktime_now();
    r = cond_wait_until(&to_cond, &to_lock, t0 + 1000 * MS);
    t1 = ktime_now();
    ok(r == 0 && t1 - t0 < 500 * MS && mutex_held(&to_lock),
       "cond_wait_until signalled after ~10 ms returns 0 with the mutex held (%.2f ms)",
       (double)(t1 - t0) / MS);
    mutex_unlock(&to_lock);
    thread_join(t, NULL);

    /* waitq_wait with a deadline. */
    waitq_init(&wq);
    t0 = ktime_now();
    d = t0 + 25 * MS;
    r = waitq_wait(&wq, d);
    t1 = ktime_now();
    ok(r == -ETIMEDOUT && t1 >= d && t1 < d + 200 * MS,
       "waitq_wait with nobody waking returns -ETIMEDOUT after %.2f ms (deadline 25 ms)",
       (double)(t1 - t0) / MS);
    ok(waitq_empty(&wq), "and the waiter is off the queue");
    t0 = ktime_now();
    r = waitq_wait(&wq, t0 - 1);
    ok(r == -ETIMEDOUT && ktime_now() - t0 < 50 * MS && waitq_empty(&wq),
       "waitq_wait with a deadline already past returns -ETIMEDOUT at once");
}

/* ---- wake one / wake all --------------------------------------------------------------- */

static struct waitq wake_wq = WAITQ_INIT(wake_wq);
static char wake_log[64];
static int wake_len, wake_rc_bad;

static void wait_fn(void *arg)
{
    int r = waitq_wait(&wake_wq, UINT64_MAX);

    if (r != 0)
        wake_rc_bad++;
    wake_log[wake_len++] = *(const char *)arg;
}

static void test_wake(void)
{
    enum { N = 10 };
    static const char *ids = "0123456789";
    struct thread *t[N];

    ok(waitq_wake_one(&wake_wq) == NULL && waitq_wake_all(&wake_wq) == 0,
       "waking an empty queue: wake_one gives NULL, wake_all 0");

    wake_len = wake_rc_bad = 0;
    memset(wake_log, 0, sizeof(wake_log));
    for (int i = 0; i < 3; i++)
        thread_create(&t[i], "w", wait_fn, (void *)(ids + i), THREAD_PRIO_NORMAL);
    thread_sleep_ns(2 * MS);
    ok(waiters(&wake_wq) == 3, "three threads wait");
    struct thread *w = waitq_wake_one(&wake_wq);
    ok(w == t[0] && waiters(&wake_wq) == 2, "wake_one wakes the longest waiter first");
    thread_sleep_ns(2 * MS);
    ok(strcmp(wake_log, "0") == 0, "only that one ran (\"%s\")", wake_log);
    ok(waitq_wake_one(&wake_wq) == t[1] && waitq_wake_one(&wake_wq) == t[2],
       "then the next two in arrival order");
    for (int i = 0; i < 3; i++)
        thread_join(t[i], NULL);
    ok(strcmp(wake_log, "012") == 0, "and they ran in that order (\"%s\")", wake_log);

    wake_len = 0;
    memset(wake_log, 0, sizeof(wake_log));
    for (int i = 0; i < N; i++)
        thread_create(&t[i], "w", wait_fn, (void *)(ids + i), THREAD_PRIO_NORMAL);
    thread_sleep_ns(2 * MS);
    ok(waiters(&wake_wq) == N, "%d threads wait", N);
    unsigned n = waitq_wake_all(&wake_wq);
    ok(n == N && waitq_empty(&wake_wq), "waitq_wake_all woke %u of %d and emptied the queue", n,
       N);
    for (int i = 0; i < N; i++)
        thread_join(t[i], NULL);
    ok(wake_len == N && wake_rc_bad == 0,
       "all %d returned 0 from waitq_wait and finished (\"%s\")", N, wake_log);
}

/* Threads blocked in cond_wait, counted by how many returned. */
static struct mutex cw_lock = MUTEX_INIT(cw_lock, "cw");
static struct cond cw_cond = COND_INIT(cw_cond);
static int cw_returned;

static void cond_waiter(void *arg)
{
    (void)arg;
    mutex_lock(&cw_lock);
    cond_wait(&cw_cond, &cw_lock);
    cw_returned++;
    mutex_unlock(&cw_lock);
}

static void test_signal_broadcast(void)
{
    enum { N = 6 };
    struct thread *t[N];

    cw_returned = 0;
    for (int i = 0; i < N; i++)
        thread_create(&t[i], "cw", cond_waiter, NULL, THREAD_PRIO_NORMAL);
    thread_sleep_ns(2 * MS);
    ok(waiters(&cw_cond.wq) == N, "%d threads in cond_wait", N);
    mutex_lock(&cw_lock);
    cond_signal(&cw_cond);
    mutex_unlock(&cw_lock);
    thread_sleep_ns(2 * MS);
    ok(cw_returned == 1 && waiters(&cw_cond.wq) == N - 1, "cond_signal woke exactly one (%d)",
       cw_returned);
    mutex_lock(&cw_lock);
    cond_broadcast(&cw_cond);
    mutex_unlock(&cw_lock);
    for (int i = 0; i < N; i++)
        thread_join(t[i], NULL);
    ok(cw_returned == N && waitq_empty(&cw_cond.wq), "cond_broadcast woke the other %d", N - 1);
}

/* A lost wake-up can leave every thread blocked for ever: fail instead of hanging. */
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
    test_mutual_exclusion();
    test_fifo();
    test_trylock();
    test_bounded_buffer();
    test_ping_pong();
    test_timeouts();
    test_wake();
    test_signal_broadcast();
}
