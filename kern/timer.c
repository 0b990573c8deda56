/*
 * timer.c - the pending-timer list.
 *
 * Pending timers sit on one list sorted by deadline (ties in arming order).
 * Insertion scans from the end because new deadlines are usually the
 * latest; a kernel with a few hundred timers stays cheap. If that changes,
 * this is the one place to put a heap.
 */
#include "kern/timer.h"
#include "kern/printk.h"

static struct {
    struct list_node pending;
    size_t count;
    uint64_t fired;
} timers = { LIST_INIT(timers.pending), 0, 0 };

void timer_init(struct timer *t, timer_fn fn, void *arg)
{
    list_init(&t->link);
    t->deadline = 0;
    t->period = 0;
    t->fn = fn;
    t->arg = arg;
}

bool timer_pending(const struct timer *t)
{
    return list_linked(&t->link);
}

void timer_cancel(struct timer *t)
{
    if (timer_pending(t)) {
        list_del(&t->link);
        timers.count--;
    }
}

void timer_arm(struct timer *t, uint64_t deadline, uint64_t period)
{
    struct list_node *pos;

    if (!t->fn)
        panic("timer_arm: timer %p has no callback (not initialised?)", (void *)t);
    timer_cancel(t);
    t->deadline = deadline;
    t->period = period;
    for (pos = timers.pending.prev; pos != &timers.pending; pos = pos->prev)
        if (list_entry(pos, struct timer, link)->deadline <= deadline)
            break;
    list_insert_between(&t->link, pos, pos->next);
    timers.count++;
}

uint64_t timer_next_deadline(void)
{
    if (list_empty(&timers.pending))
        return UINT64_MAX;
    return list_entry(timers.pending.next, struct timer, link)->deadline;
}

unsigned timer_run_expired(uint64_t now)
{
    unsigned n = 0;

    while (!list_empty(&timers.pending)) {
        struct timer *t = list_entry(timers.pending.next, struct timer, link);
        if (t->deadline > now)
            break;
        timer_cancel(t);
        if (t->period) {
            /* Skip periods that were missed entirely rather than firing in a burst. */
            uint64_t next = t->deadline + t->period;
            if (next <= now)
                next = now + t->period - (now - t->deadline) % t->period;
            timer_arm(t, next, t->period);
        }
        n++;
        timers.fired++;
        t->fn(t, t->arg);
    }
    return n;
}

size_t timer_count(void)
{
    return timers.count;
}
