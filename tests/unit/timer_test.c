/*
 * timer_test.c - one-shot and periodic timers (kern/timer.h).
 *
 * Checks against the monotonic clock that a one-shot timer fires once and
 * never before its deadline, that timers armed out of order fire in
 * deadline order (ties in arming order), that cancel prevents firing and
 * re-arming moves the deadline, that a periodic timer fires about once per
 * period, skips periods it missed instead of bursting, and stops when
 * cancelled (also from its own callback), that timer_next_deadline is the
 * earliest pending deadline, and that callbacks run where blocking is
 * refused and may wake threads. The waits are real sleeps of the main
 * thread: the idle loop fires the timers meanwhile.
 *
 * Some checks call timer_run_expired() directly with a made-up "now" far in
 * the future, which makes ordering and period arithmetic exact.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kern/sync.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "kern/timer.h"
#include "tests/unit/tap.h"

#define MS NSEC_PER_MSEC
#define MAXREC 256

/* What each callback saw; callbacks only record (they must not block). */
struct rec {
    int fires;
    uint64_t at[MAXREC];       /* ktime_now() at each firing */
    uint64_t deadline[MAXREC]; /* the timer's deadline field at each firing */
    bool in_callback;          /* sched_in_callback() was true every time */
    int cancel_after;          /* > 0: cancel itself at this many fires */
};

static int order_log[16];
static int order_len;

static void record(struct timer *t, void *arg)
{
    struct rec *r = arg;

    if (r->fires < MAXREC) {
        r->at[r->fires] = ktime_now();
        r->deadline[r->fires] = t->deadline;
    }
    r->fires++;
    if (!sched_in_callback())
        r->in_callback = false;
    if (r->cancel_after && r->fires == r->cancel_after)
        timer_cancel(t);
}

static void log_order(struct timer *t, void *arg)
{
    (void)t;
    if (order_len < 16)
        order_log[order_len++] = (int)(intptr_t)arg;
}

static void rec_init(struct rec *r)
{
    memset(r, 0, sizeof(*r));
    r->in_callback = true;
}

/* ---- one-shot ------------------------------------------------------------------ */

static void test_one_shot(void)
{
    struct timer t;
    struct rec r;
    size_t n0 = timer_count();

    rec_init(&r);
    timer_init(&t, record, &r);
    ok(!timer_pending(&t), "a fresh timer is not pending");
    uint64_t d = ktime_now() + 20 * MS;
    timer_arm(&t, d, 0);
    ok(timer_pending(&t) && timer_count() == n0 + 1, "armed: pending, timer_count + 1");
    ok(r.fires == 0, "it does not fire when armed");
    thread_sleep_until(d + 40 * MS);
    ok(r.fires == 1, "a one-shot timer 20 ms out fired exactly once by 60 ms (%d)", r.fires);
    ok(r.fires >= 1 && r.at[0] >= d, "it fired %.2f ms after its deadline, not before",
       r.fires ? ((double)r.at[0] - (double)d) / MS : -1.0);
    ok(r.in_callback, "its callback ran in callback context (blocking refused there)");
    ok(!timer_pending(&t) && timer_count() == n0, "after firing it is no longer pending");
    thread_sleep_ns(30 * MS);
    ok(r.fires == 1, "and it does not fire again");

    /* A deadline already in the past fires at the next chance. */
    rec_init(&r);
    timer_arm(&t, ktime_now() - 5 * MS, 0);
    thread_sleep_ns(2 * MS);
    ok(r.fires == 1, "a timer armed with a past deadline fires as soon as timers run");
}

/* ---- ordering ------------------------------------------------------------------ */

static void test_order(void)
{
    static const int ms[] = { 50, 10, 40, 20, 30 };
    struct timer t[5];
    size_t n0 = timer_count();
    uint64_t now = ktime_now();

    order_len = 0;
    for (int i = 0; i < 5; i++) {
        timer_init(&t[i], log_order, (void *)(intptr_t)i);
        timer_arm(&t[i], now + (uint64_t)ms[i] * MS, 0);
    }
    ok(timer_count() == n0 + 5, "five timers armed");
    ok(timer_next_deadline() == now + 10 * MS,
       "timer_next_deadline is the earliest of them (10 ms)");
    thread_sleep_until(now + 80 * MS);
    ok(order_len == 5 && order_log[0] == 1 && order_log[1] == 3 && order_log[2] == 4 &&
           order_log[3] == 2 && order_log[4] == 0,
       "armed at 50,10,40,20,30 ms: fired at 10,20,30,40,50 (order %d %d %d %d %d)",
       order_log[0], order_log[1], order_log[2], order_log[3], order_log[4]);

    /* Exact ordering with timer_run_expired and deadlines far in the future. */
    uint64_t base = ktime_now() + 1000 * NSEC_PER_SEC;
    static const int at[] = { 5, 1, 4, 2, 3 };
    order_len = 0;
    for (int i = 0; i < 5; i++)
        timer_arm(&t[i], base + (uint64_t)at[i] * NSEC_PER_SEC, 0);
    struct timer tie;
    timer_init(&tie, log_order, (void *)(intptr_t)9);
    timer_arm(&tie, base + 2 * NSEC_PER_SEC, 0); /* ties with t[3], armed later */
    ok(timer_next_deadline() == base + 1 * NSEC_PER_SEC,
       "timer_next_deadline is the earliest (base + 1 s)");
    unsigned n = timer_run_expired(base + 2 * NSEC_PER_SEC + 500 * MS);
    ok(n == 3 && order_len == 3 && order_log[0] == 1 && order_log[1] == 3 && order_log[2] == 9,
       "timer_run_expired(base+2.5 s) fires 3: the 1 s one, then the two 2 s ones in arming "
       "order (%u fired)", n);
    ok(timer_next_deadline() == base + 3 * NSEC_PER_SEC,
       "timer_next_deadline moves on to base + 3 s");
    ok(timer_run_expired(base + 2 * NSEC_PER_SEC + 600 * MS) == 0,
       "nothing more is due at base + 2.6 s");
    n = timer_run_expired(base + 5 * NSEC_PER_SEC);
    ok(n == 3 && order_len == 6 && order_log[3] == 4 && order_log[4] == 2 && order_log[5] == 0,
       "the rest fire at base + 5 s, in deadline order (deadline == now counts as due)");
    ok(timer_count() == n0, "no timer left pending");
}

/* ---- cancel and re-arm ----------------------------------------------------------- */

static void test_cancel_rearm(void)
{
    struct timer t, u;
    struct rec r, s;
    size_t n0 = timer_count();

    rec_init(&r);
    timer_init(&t, record, &r);
    timer_arm(&t, ktime_now() + 20 * MS, 0);
    timer_cancel(&t);
    ok(!timer_pending(&t) && timer_count() == n0, "cancel: no longer pending");
    thread_sleep_ns(50 * MS);
    ok(r.fires == 0, "a cancelled timer did not fire by 30 ms past its deadline");
    timer_cancel(&t);
    ok(timer_count() == n0, "cancelling a timer that is not pending does nothing");

    /* Re-arm earlier. */
    uint64_t now = ktime_now();
    timer_arm(&t, now + 300 * MS, 0);
    timer_arm(&t, now + 20 * MS, 0);
    ok(timer_count() == n0 + 1, "re-arming does not add a second entry");
    thread_sleep_until(now + 60 * MS);
    ok(r.fires == 1 && r.at[0] >= now + 20 * MS && r.deadline[0] == now + 20 * MS,
       "re-armed from 300 ms to 20 ms: fired once, at the new deadline");
    thread_sleep_until(now + 330 * MS);
    ok(r.fires == 1, "and not at the old one");

    /* Re-arm later. */
    rec_init(&s);
    timer_init(&u, record, &s);
    now = ktime_now();
    timer_arm(&u, now + 20 * MS, 0);
    timer_arm(&u, now + 80 * MS, 0);
    thread_sleep_until(now + 50 * MS);
    ok(s.fires == 0, "re-armed from 20 ms to 80 ms: not fired at 50 ms");
    thread_sleep_until(now + 120 * MS);
    ok(s.fires == 1 && s.at[0] >= now + 80 * MS, "fired once after 80 ms");
}

/* ---- periodic -------------------------------------------------------------------- */

static void test_periodic(void)
{
    struct timer t;
    struct rec r;
    uint64_t period = 10 * MS, start = ktime_now(), d0 = start + period;
    size_t n0 = timer_count();

    rec_init(&r);
    timer_init(&t, record, &r);
    timer_arm(&t, d0, period);
    thread_sleep_until(start + 205 * MS);
    timer_cancel(&t);
    int n = r.fires;
    /* Deadlines at 10, 20, ..., 200 ms: 20 are due; late wake-ups may skip some. */
    ok(n >= 14 && n <= 20, "periodic 10 ms over 205 ms: %d firings (14..20)", n);
    bool spaced = true, not_early = true;
    for (int i = 0; i < n && i < MAXREC; i++) {
        if (r.at[i] < d0 + (uint64_t)i * period)
            not_early = false;
        if (i && r.deadline[i] < r.deadline[i - 1] + period)
            spaced = false;
        if ((r.deadline[i] - d0) % period)
            spaced = false;
    }
    ok(not_early, "firing k happened no earlier than d0 + k * period");
    ok(spaced, "successive deadlines are on the period grid, at least a period apart");
    ok(!timer_pending(&t) && timer_count() == n0, "cancelled: not pending");
    thread_sleep_ns(50 * MS);
    ok(r.fires == n, "a cancelled periodic timer fires no more (%d then %d)", n, r.fires);

    /* Self-cancel from the callback after 3 firings. */
    rec_init(&r);
    r.cancel_after = 3;
    timer_arm(&t, ktime_now() + 5 * MS, 5 * MS);
    thread_sleep_ns(80 * MS);
    ok(r.fires == 3 && !timer_pending(&t), "a periodic timer cancelling itself in its callback "
                                           "fires exactly 3 times (%d)", r.fires);

    /* Missed periods are skipped, not fired in a burst (exact, with timer_run_expired). */
    uint64_t base = ktime_now() + 1000 * NSEC_PER_SEC, p = NSEC_PER_SEC;
    rec_init(&r);
    timer_arm(&t, base + p, p);
    ok(timer_run_expired(base + p) == 1 && r.fires == 1 && t.deadline == base + 2 * p,
       "periodic: firing at its deadline re-arms it one period later");
    ok(timer_run_expired(base + 5 * p + p / 2) == 1 && r.fires == 2,
       "3.5 periods late: it fires once, not 4 times");
    ok(t.deadline == base + 6 * p && timer_pending(&t),
       "and the next deadline is the next grid point after now (base + 6 s)");
    ok(timer_run_expired(base + 7 * p) == 1 && t.deadline == base + 8 * p,
       "exactly a period late (now == next grid point): next deadline is one period later");
    timer_cancel(&t);
}

/* ---- callbacks that wake and re-arm -------------------------------------------------- */

static struct waitq wq = WAITQ_INIT(wq);

static void waker(struct timer *t, void *arg)
{
    (void)t;
    *(int *)arg += 1;
    waitq_wake_one(&wq);
}

static void rearm_once(struct timer *t, void *arg)
{
    struct rec *r = arg;

    record(t, arg);
    if (r->fires == 1)
        timer_arm(t, ktime_now() + 10 * MS, 0);
}

static void test_callbacks(void)
{
    struct timer t;
    int woke = 0;
    struct rec r;

    timer_init(&t, waker, &woke);
    uint64_t d = ktime_now() + 20 * MS;
    timer_arm(&t, d, 0);
    int rc = waitq_wait(&wq, d + 1000 * MS);
    ok(rc == 0 && woke == 1 && ktime_now() >= d,
       "a timer callback woke the main thread from a wait queue (rc %d)", rc);

    rec_init(&r);
    timer_init(&t, rearm_once, &r);
    timer_arm(&t, ktime_now() + 10 * MS, 0);
    thread_sleep_ns(60 * MS);
    ok(r.fires == 2 && r.at[1] >= r.at[0] + 10 * MS,
       "a one-shot callback re-arming its own timer fires again 10 ms later (%d)", r.fires);

    ok(timer_count() == 0 && timer_next_deadline() == UINT64_MAX,
       "all done: no timer pending, next deadline is UINT64_MAX");
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
    /* The booted kernel arms no timer of its own while the main thread runs. */
    ok(timer_count() == 0 && timer_next_deadline() == UINT64_MAX,
       "at start no timer is pending and timer_next_deadline is UINT64_MAX");
    test_one_shot();
    test_order();
    test_cancel_rearm();
    test_periodic();
    test_callbacks();
}
