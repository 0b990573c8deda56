/*
 * thread.h - kernel threads and the scheduler.
 *
 * One virtual CPU runs one thread at a time. A thread runs until it blocks,
 * yields, exits, or reaches a preemption point after its time slice ended
 * (the host's tick) or after a higher-priority thread became runnable.
 * Preemption points are thread_yield(), sched_preempt_point() and every entry
 * into and exit from the kernel through the program API. Because nothing
 * interrupts a thread between preemption points, kernel code needs no
 * locks for data it touches without blocking.
 *
 * Priorities run from THREAD_PRIO_HIGH (0) to THREAD_PRIO_LOW; among threads
 * of one priority the scheduler goes round robin. A runnable thread of a
 * higher priority always runs before one of a lower priority.
 */
#ifndef KERN_THREAD_H
#define KERN_THREAD_H

#include <anyk/types.h>
#include "kern/sync.h"
#include "kern/timer.h"
#include "lib/list.h"

#define THREAD_NPRIO 8
#define THREAD_PRIO_HIGH 0
#define THREAD_PRIO_NORMAL 4
#define THREAD_PRIO_LOW 7
#define THREAD_NAME_MAX 24
#define THREAD_STACK_ORDER 2 /* 16 KiB stacks */

enum thread_state {
    THREAD_RUNNING,  /* on the CPU */
    THREAD_READY,    /* on a run queue */
    THREAD_BLOCKED,  /* on a wait queue or sleeping */
    THREAD_ZOMBIE,   /* exited, not yet joined */
};

struct thread {
    uintptr_t sp;                /* saved stack pointer while not running */
    struct list_node link;       /* run queue or wait queue */
    struct list_node all_link;   /* every thread, for listings */
    uint32_t id;
    int prio;
    enum thread_state state;
    char name[THREAD_NAME_MAX];
    void *stack;                 /* lowest address of the stack; NULL for the boot thread */
    size_t stack_size;
    void (*fn)(void *);
    void *arg;
    void *retval;
    bool detached;
    struct waitq joiners;        /* threads in thread_join */
    struct timer timeout;        /* wakes it from a timed wait */
    int wake_result;             /* 0 if woken, -ETIMEDOUT, -EINTR (see sync.h) */
    bool intr_wait;              /* blocked in an interruptible wait */
    bool sig_pending;            /* its task has a signal to take (set by kern/task.c) */
    void *task;                  /* the task it runs, if any (kern/task.h) */
    uint64_t switches;           /* times it was switched to */
    uint64_t cpu_cycles;         /* time on the CPU, in arch cycles */
    uint64_t created_ns;
#ifdef ANYK_SAN
    void *san_fake_stack;        /* ASan's bookkeeping of the stack switch */
    const void *san_bottom;
    size_t san_size;
#endif
};

/*
 * Create a thread that runs fn(arg) at priority prio and make it runnable.
 * Returns 0 and the thread in *out (may be NULL for detached threads), or
 * -ENOMEM, or -EINVAL for a bad priority.
 */
int thread_create(struct thread **out, const char *name, void (*fn)(void *), void *arg, int prio);
/*
 * As thread_create, on a stack the caller allocated with page_alloc (the
 * thread owns it from now on and frees it when it is reaped); the first
 * frame goes just below top, so the caller may keep data above it.
 */
int thread_create_on_stack(struct thread **out, const char *name, void (*fn)(void *), void *arg,
                           int prio, void *stack, size_t stack_size, void *top);
/* End the calling thread; retval goes to thread_join. Never returns. */
void thread_exit(void *retval) __attribute__((noreturn));
/* Wait for t to exit, collect its retval and free it. -EDEADLK for self, -EINVAL if detached. */
int thread_join(struct thread *t, void **retval);
/* Let t's resources go as soon as it exits; it cannot be joined afterwards. */
void thread_detach(struct thread *t);
/* Give the CPU to the next ready thread of the same or higher priority, if any. */
void thread_yield(void);
/* Sleep for at least ns nanoseconds. */
void thread_sleep_ns(uint64_t ns);
/* Sleep until the monotonic clock reaches deadline. */
void thread_sleep_until(uint64_t deadline);
struct thread *thread_self(void);
void thread_set_prio(struct thread *t, int prio);
const char *thread_state_name(enum thread_state s);

/* Call fn for every thread (for listings); fn must not block. */
void thread_foreach(void (*fn)(struct thread *t, void *arg), void *arg);
size_t thread_count(void);

/* ---- scheduler internals used by sync.c and idle.c ---------------------- */

/* Make the boot thread the current thread and create the idle thread. */
void sched_init(volatile int *tick);
/*
 * Block the current thread (already linked on whatever will wake it) until
 * sched_wake() or, if deadline != UINT64_MAX, until the deadline passes.
 * Returns the wake result: 0, -ETIMEDOUT or what sched_wake was given.
 */
int sched_block(uint64_t deadline);
/* Make a blocked thread ready with the given wake result. */
void sched_wake(struct thread *t, int result);
/* Is any thread other than the running one ready to run? */
bool sched_has_ready(void);
/* A preemption point: switch if the time slice is over or a higher-priority thread waits. */
void sched_preempt_point(void);
/* Panic unless the current context may block (not idle, not in a timer callback). */
void sched_assert_may_block(const char *what);
bool sched_in_callback(void);
void sched_set_in_callback(bool on);

/* Scheduler counters. */
struct sched_stats {
    uint64_t switches, preemptions;
};
void sched_stats(struct sched_stats *st);

/* The idle loop: runs timers and device polls when nothing else is ready (kern/idle.c). */
void idle_loop(void *unused) __attribute__((noreturn));
/* Check the devices and timers without waiting (preemption points call it on each tick). */
void idle_poll_nowait(void);

#endif
