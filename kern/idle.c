/*
 * idle.c - the idle loop: the only place the kernel waits for the host.
 *
 * It runs when no other thread is ready: fire due timers, and if that made
 * nothing ready, sleep in hyp_poll until the next timer deadline or until a
 * device has input, then hand the ready events to their drivers.
 */
#include <anyk/hyp.h>
#include "kern/cons.h"
#include "kern/idle.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "kern/timer.h"

static struct {
    idle_event_fn handler[32];
    uint64_t polls, events;
} idle;

void idle_set_handler(uint32_t event_bit, idle_event_fn fn)
{
    idle.handler[__builtin_ctz(event_bit)] = fn;
}

static void dispatch(uint32_t ev)
{
    sched_set_in_callback(true);
    while (ev) {
        int bit = __builtin_ctz(ev);
        ev &= ev - 1;
        idle.events++;
        if (idle.handler[bit])
            idle.handler[bit](1u << bit);
    }
    sched_set_in_callback(false);
}

static void run_timers(void)
{
    sched_set_in_callback(true);
    timer_run_expired(ktime_now());
    sched_set_in_callback(false);
}

void idle_poll_nowait(void)
{
    run_timers();
    dispatch(hyp_poll(0));
}

void idle_loop(void *unused)
{
    (void)unused;
    for (;;) {
        uint64_t deadline;

        run_timers();
        /* Timers may have made threads ready: they run before anything waits. */
        if (sched_has_ready()) {
            thread_yield();
            continue;
        }
        deadline = timer_next_deadline();
        if (deadline != UINT64_MAX && deadline <= ktime_now())
            continue;
        idle.polls++;
        dispatch(hyp_poll(deadline));
    }
}

void idle_stats(uint64_t *polls, uint64_t *events)
{
    *polls = idle.polls;
    *events = idle.events;
}
