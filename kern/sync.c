/*
 * sync.c - wait queues, mutexes and condition variables on top of the
 * scheduler's block/wake. See sync.h for why no spinlocks are needed.
 */
#include <anyk/errno.h>
#include "kern/printk.h"
#include "kern/sync.h"
#include "kern/thread.h"

void waitq_init(struct waitq *wq)
{
    list_init(&wq->waiters);
}

bool waitq_empty(const struct waitq *wq)
{
    return list_empty(&wq->waiters);
}

void waitq_add(struct waitq *wq, struct wait_entry *e)
{
    e->thread = thread_self();
    list_add_tail(&wq->waiters, &e->link);
}

void waitq_remove(struct wait_entry *e)
{
    if (list_linked(&e->link))
        list_del(&e->link);
}

int waitq_wait(struct waitq *wq, uint64_t deadline)
{
    struct wait_entry e;
    int r;

    sched_assert_may_block("waitq_wait");
    waitq_add(wq, &e);
    r = sched_block(deadline);
    waitq_remove(&e);
    return r;
}

int waitq_block_intr(uint64_t deadline)
{
    struct thread *self = thread_self();
    int r;

    sched_assert_may_block("waitq_block_intr");
    if (self->sig_pending)
        return -EINTR;
    self->intr_wait = true;
    r = sched_block(deadline);
    self->intr_wait = false;
    return r;
}

int waitq_wait_intr(struct waitq *wq, uint64_t deadline)
{
    struct wait_entry e;
    int r;

    waitq_add(wq, &e);
    r = waitq_block_intr(deadline);
    waitq_remove(&e);
    return r;
}

struct thread *waitq_wake_one(struct waitq *wq)
{
    struct list_node *n;

    /* Entries of threads already woken another way (timeout, a second queue) are stale. */
    while ((n = list_pop_head(&wq->waiters))) {
        struct thread *t = list_entry(n, struct wait_entry, link)->thread;
        if (t->state == THREAD_BLOCKED) {
            sched_wake(t, 0);
            return t;
        }
    }
    return NULL;
}

unsigned waitq_wake_all(struct waitq *wq)
{
    unsigned n = 0;

    while (waitq_wake_one(wq))
        n++;
    return n;
}

void mutex_init(struct mutex *m, const char *name)
{
    m->owner = NULL;
    waitq_init(&m->wq);
    m->name = name;
}

bool mutex_held(const struct mutex *m)
{
    return m->owner == thread_self();
}

bool mutex_trylock(struct mutex *m)
{
    if (m->owner)
        return false;
    m->owner = thread_self();
    return true;
}

void mutex_lock(struct mutex *m)
{
    struct thread *self = thread_self();

    if (m->owner == self)
        panic("mutex_lock(%s): thread %s already holds it (deadlock)",
              m->name ? m->name : "?", self->name);
    if (!m->owner) {
        m->owner = self;
        return;
    }
    /* mutex_unlock hands the mutex straight to the longest waiter (FIFO, no barging). */
    while (m->owner != self)
        waitq_wait(&m->wq, UINT64_MAX);
}

void mutex_unlock(struct mutex *m)
{
    struct thread *self = thread_self();

    if (m->owner != self)
        panic("mutex_unlock(%s): thread %s does not hold it (%s)", m->name ? m->name : "?",
              self->name, m->owner ? "held by another thread" : "double unlock");
    m->owner = waitq_wake_one(&m->wq);
}

void cond_init(struct cond *c)
{
    waitq_init(&c->wq);
}

int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline)
{
    int r;

    if (!mutex_held(m))
        panic("cond_wait: mutex %s is not held by the caller", m->name ? m->name : "?");
    /* Nothing runs between the unlock and the sleep, so no signal is lost. */
    mutex_unlock(m);
    r = waitq_wait(&c->wq, deadline);
    mutex_lock(m);
    return r;
}

void cond_wait(struct cond *c, struct mutex *m)
{
    cond_wait_until(c, m, UINT64_MAX);
}

void cond_signal(struct cond *c)
{
    waitq_wake_one(&c->wq);
}

void cond_broadcast(struct cond *c)
{
    waitq_wake_all(&c->wq);
}
