/*
 * thread.c - kernel threads and the scheduler.
 *
 * State: one struct sched (below) owns the run queues, the current thread and
 * the list of every thread. A READY thread is on exactly one run queue (its
 * link); a BLOCKED one has wait entries on wait queues (kern/sync.c) or only
 * its timeout timer; RUNNING and ZOMBIE threads are on no queue.
 * The idle thread is never on a run queue: it runs exactly when they are all
 * empty. Stacks are page blocks with a canary word at their lowest address,
 * checked whenever the thread is switched away from.
 */
#include <anyk/errno.h>
#include "arch/x86_64/arch.h"
#include "kern/kmalloc.h"
#include "kern/page.h"
#include "kern/printk.h"
#include "kern/san.h"
#include "kern/sync.h"
#include "kern/thread.h"
#include "kern/time.h"
#include "lib/string.h"

#define STACK_CANARY 0x57a4c0ca2ee0f10eull

static struct {
    struct list_node runq[THREAD_NPRIO];
    uint32_t ready_mask;        /* bit p set: runq[p] is not empty */
    struct thread *current;
    struct thread *idle;
    struct thread boot;         /* the host's boot stack, adopted as a thread */
    struct list_node all;
    struct list_node reap;      /* exited detached threads to free */
    size_t nthreads;
    uint32_t next_id;
    volatile int *tick;         /* set by the host when a time slice ends */
    bool need_resched;          /* a higher-priority thread became ready */
    bool in_callback;           /* running timer callbacks: may not block */
    uint64_t last_cycles;
    struct sched_stats stats;
} sched;

const char *thread_state_name(enum thread_state s)
{
    switch (s) {
    case THREAD_RUNNING: return "running";
    case THREAD_READY: return "ready";
    case THREAD_BLOCKED: return "blocked";
    case THREAD_ZOMBIE: return "zombie";
    }
    return "?";
}

struct thread *thread_self(void)
{
    return sched.current;
}

static void enqueue(struct thread *t)
{
    t->state = THREAD_READY;
    list_add_tail(&sched.runq[t->prio], &t->link);
    sched.ready_mask |= 1u << t->prio;
    if (t->prio < sched.current->prio || sched.current == sched.idle)
        sched.need_resched = true;
}

static struct thread *pick_next(void)
{
    if (!sched.ready_mask)
        return sched.idle;
    int p = __builtin_ctz(sched.ready_mask);
    struct thread *t = list_entry(list_pop_head(&sched.runq[p]), struct thread, link);
    if (list_empty(&sched.runq[p]))
        sched.ready_mask &= ~(1u << p);
    return t;
}

bool sched_has_ready(void)
{
    return sched.ready_mask != 0;
}

/* Is a thread of priority prio or better ready? */
static bool ready_at_or_above(int prio)
{
    return (sched.ready_mask & ((2u << prio) - 1)) != 0;
}

static void free_thread(struct thread *t)
{
    list_del(&t->all_link);
    sched.nthreads--;
    if (t->stack)
        page_free(t->stack);
    if (t != &sched.boot)
        kfree(t);
}

static void reap_zombies(void)
{
    struct list_node *n;

    while ((n = list_pop_head(&sched.reap)))
        free_thread(list_entry(n, struct thread, link));
}

#ifdef ANYK_SAN
/*
 * ASan must be told when the running stack changes, or it misreports. The
 * boot thread's stack belongs to the host; its bounds are learned from ASan
 * the first time another thread starts running.
 */
static struct thread *san_from;

static void san_switch_begin(struct thread *prev, struct thread *next)
{
    san_from = prev;
    __sanitizer_start_switch_fiber(prev->state == THREAD_ZOMBIE ? NULL : &prev->san_fake_stack,
                                   next->san_bottom, next->san_size);
}

static void san_switch_end(struct thread *self)
{
    const void *bottom;
    size_t size;

    __sanitizer_finish_switch_fiber(self->san_fake_stack, &bottom, &size);
    if (san_from && !san_from->san_bottom) {
        san_from->san_bottom = bottom;
        san_from->san_size = size;
    }
}
#else
#define san_switch_begin(prev, next) ((void)(prev), (void)(next))
#define san_switch_end(self) ((void)(self))
#endif

static void switch_to(struct thread *next)
{
    struct thread *prev = sched.current;
    uint64_t now;

    if (prev->stack && *(uint64_t *)prev->stack != STACK_CANARY)
        panic("stack overflow in thread %u (%s)", prev->id, prev->name);
    now = cpu_cycles();
    prev->cpu_cycles += now - sched.last_cycles;
    sched.last_cycles = now;
    if (next == prev) {
        prev->state = THREAD_RUNNING;
        return;
    }
    sched.current = next;
    next->state = THREAD_RUNNING;
    next->switches++;
    sched.stats.switches++;
    sched.need_resched = false;
    san_switch_begin(prev, next);
    arch_switch(&prev->sp, next->sp);
    /* Back in prev, switched to by someone else. */
    san_switch_end(prev);
    reap_zombies();
}

/* The current thread has been queued, blocked or ended: run the next one. */
static void schedule(void)
{
    switch_to(pick_next());
}

void sched_assert_may_block(const char *what)
{
    if (sched.in_callback)
        panic("%s: blocking in a timer callback", what);
    if (sched.current == sched.idle)
        panic("%s: the idle thread may not block", what);
}

bool sched_in_callback(void)
{
    return sched.in_callback;
}

void sched_set_in_callback(bool on)
{
    sched.in_callback = on;
}

static void timeout_fired(struct timer *tm, void *arg)
{
    (void)tm;
    sched_wake(arg, -ETIMEDOUT);
}

int sched_block(uint64_t deadline)
{
    struct thread *self = sched.current;

    sched_assert_may_block("sched_block");
    self->state = THREAD_BLOCKED;
    self->wake_result = 0;
    if (deadline != UINT64_MAX)
        timer_arm(&self->timeout, deadline, 0);
    schedule();
    timer_cancel(&self->timeout);
    return self->wake_result;
}

void sched_wake(struct thread *t, int result)
{
    if (t->state != THREAD_BLOCKED)
        return;
    timer_cancel(&t->timeout);
    t->wake_result = result;
    enqueue(t);
}

void thread_yield(void)
{
    struct thread *self = sched.current;

    if (self == sched.idle) {
        if (sched.ready_mask) {
            self->state = THREAD_READY;
            schedule();
        }
        return;
    }
    sched_assert_may_block("thread_yield");
    if (ready_at_or_above(self->prio)) {
        enqueue(self);
        schedule();
    }
}

void sched_preempt_point(void)
{
    struct thread *self = sched.current;

    if (sched.in_callback || self == sched.idle)
        return;
    if (sched.tick && atomic_load(sched.tick)) {
        atomic_store(sched.tick, 0);
        idle_poll_nowait();
        if (ready_at_or_above(self->prio)) {
            sched.stats.preemptions++;
            enqueue(self);
            schedule();
        }
        return;
    }
    if (sched.need_resched) {
        sched.need_resched = false;
        if (sched.ready_mask && __builtin_ctz(sched.ready_mask) < self->prio) {
            sched.stats.preemptions++;
            enqueue(self);
            schedule();
        }
    }
}

static void thread_entry(void *arg)
{
    struct thread *t = arg;

    san_switch_end(t);
    reap_zombies();
    t->fn(t->arg);
    thread_exit(NULL);
}

static struct thread *thread_alloc(const char *name, int prio)
{
    struct thread *t = kzalloc(sizeof(*t));

    if (!t)
        return NULL;
    t->id = sched.next_id++;
    t->prio = prio;
    strlcpy(t->name, name, sizeof(t->name));
    list_init(&t->link);
    waitq_init(&t->joiners);
    timer_init(&t->timeout, timeout_fired, t);
    t->created_ns = ktime_now();
    return t;
}

int thread_create(struct thread **out, const char *name, void (*fn)(void *), void *arg, int prio)
{
    size_t size = PAGE_SIZE << THREAD_STACK_ORDER;
    void *stack;
    int r;

    if (prio < 0 || prio >= THREAD_NPRIO || !fn)
        return -EINVAL;
    stack = page_alloc(THREAD_STACK_ORDER);
    if (!stack)
        return -ENOMEM;
    r = thread_create_on_stack(out, name, fn, arg, prio, stack, size, (char *)stack + size);
    if (r < 0)
        page_free(stack);
    return r;
}

int thread_create_on_stack(struct thread **out, const char *name, void (*fn)(void *), void *arg,
                           int prio, void *stack, size_t stack_size, void *top)
{
    struct thread *t;

    if (prio < 0 || prio >= THREAD_NPRIO || !fn)
        return -EINVAL;
    t = thread_alloc(name, prio);
    if (!t)
        return -ENOMEM;
    t->stack_size = stack_size;
    t->stack = stack;
    *(uint64_t *)t->stack = STACK_CANARY;
#ifdef ANYK_SAN
    t->san_bottom = t->stack;
    t->san_size = t->stack_size;
#endif
    t->fn = fn;
    t->arg = arg;
    t->sp = arch_frame_init(top, thread_entry, t);
    list_add_tail(&sched.all, &t->all_link);
    sched.nthreads++;
    if (out)
        *out = t;
    else
        t->detached = true;
    enqueue(t);
    return 0;
}

void thread_exit(void *retval)
{
    struct thread *self = sched.current;

    if (self == sched.idle)
        panic("thread_exit: the idle thread may not exit");
    sched_assert_may_block("thread_exit");
    self->retval = retval;
    self->state = THREAD_ZOMBIE;
    waitq_wake_all(&self->joiners);
    if (self->detached)
        list_add_tail(&sched.reap, &self->link);
    schedule();
    panic("thread_exit: zombie %s was scheduled", self->name);
}

int thread_join(struct thread *t, void **retval)
{
    struct thread *self = sched.current;

    if (t == self)
        return -EDEADLK;
    if (t->detached)
        return -EINVAL;
    while (t->state != THREAD_ZOMBIE)
        waitq_wait(&t->joiners, UINT64_MAX);
    if (retval)
        *retval = t->retval;
    free_thread(t);
    return 0;
}

void thread_detach(struct thread *t)
{
    if (t->detached)
        return;
    t->detached = true;
    if (t->state == THREAD_ZOMBIE)
        free_thread(t);
}

void thread_sleep_until(uint64_t deadline)
{
    while (ktime_now() < deadline)
        sched_block(deadline);
}

void thread_sleep_ns(uint64_t ns)
{
    uint64_t now = ktime_now();

    thread_sleep_until(ns > UINT64_MAX - now ? UINT64_MAX - 1 : now + ns);
}

void thread_set_prio(struct thread *t, int prio)
{
    if (prio < 0 || prio >= THREAD_NPRIO || t == sched.idle)
        return;
    if (t->state == THREAD_READY) {
        list_del(&t->link);
        if (list_empty(&sched.runq[t->prio]))
            sched.ready_mask &= ~(1u << t->prio);
        t->prio = prio;
        enqueue(t);
    } else {
        t->prio = prio;
    }
}

void thread_foreach(void (*fn)(struct thread *t, void *arg), void *arg)
{
    struct list_node *n;

    list_for_each(n, &sched.all)
        fn(list_entry(n, struct thread, all_link), arg);
}

size_t thread_count(void)
{
    return sched.nthreads;
}

void sched_stats(struct sched_stats *st)
{
    *st = sched.stats;
}

void sched_init(volatile int *tick)
{
    struct thread *b = &sched.boot;

    for (int p = 0; p < THREAD_NPRIO; p++)
        list_init(&sched.runq[p]);
    list_init(&sched.all);
    list_init(&sched.reap);
    sched.tick = tick;
    sched.next_id = 0;

    /* The boot stack belongs to the host; it has no canary and is never freed. */
    b->id = sched.next_id++;
    b->prio = THREAD_PRIO_NORMAL;
    b->state = THREAD_RUNNING;
    strlcpy(b->name, "main", sizeof(b->name));
    list_init(&b->link);
    waitq_init(&b->joiners);
    timer_init(&b->timeout, timeout_fired, b);
    b->created_ns = ktime_now();
    list_add_tail(&sched.all, &b->all_link);
    sched.nthreads = 1;
    sched.current = b;
    sched.last_cycles = cpu_cycles();

    struct thread *idle = thread_alloc("idle", THREAD_PRIO_LOW);
    void *stack = page_alloc(THREAD_STACK_ORDER);
    if (!idle || !stack)
        panic("sched_init: no memory for the idle thread");
    idle->stack = stack;
    idle->stack_size = PAGE_SIZE << THREAD_STACK_ORDER;
    *(uint64_t *)stack = STACK_CANARY;
#ifdef ANYK_SAN
    idle->san_bottom = stack;
    idle->san_size = idle->stack_size;
#endif
    idle->fn = idle_loop;
    idle->state = THREAD_READY;
    idle->sp = arch_frame_init((char *)stack + idle->stack_size, thread_entry, idle);
    list_add_tail(&sched.all, &idle->all_link);
    sched.nthreads++;
    sched.idle = idle;
}
