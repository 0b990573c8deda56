/*
 * timer.h - one-shot and periodic timers, ordered by deadline.
 *
 * A timer's callback runs in whatever thread notices that the deadline has
 * passed (the idle loop, or a preemption point); it must not block. It may
 * wake threads, arm or cancel timers (including its own).
 */
#ifndef KERN_TIMER_H
#define KERN_TIMER_H

#include <anyk/types.h>
#include "lib/list.h"

struct timer;
typedef void (*timer_fn)(struct timer *t, void *arg);

struct timer {
    struct list_node link; /* on the pending list, sorted by deadline */
    uint64_t deadline;     /* monotonic ns */
    uint64_t period;       /* 0: one-shot */
    timer_fn fn;
    void *arg;
};

void timer_init(struct timer *t, timer_fn fn, void *arg);
/* (Re)arm t to fire at deadline, then every period ns if period != 0. */
void timer_arm(struct timer *t, uint64_t deadline, uint64_t period);
void timer_cancel(struct timer *t);
bool timer_pending(const struct timer *t);

/* Earliest pending deadline, or UINT64_MAX if none. */
uint64_t timer_next_deadline(void);
/* Fire every timer whose deadline is <= now, in deadline order. Returns how many fired. */
unsigned timer_run_expired(uint64_t now);
/* Timers that are armed. */
size_t timer_count(void);

#endif
