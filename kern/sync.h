/*
 * sync.h - wait queues, sleeping mutexes and condition variables.
 *
 * With one virtual CPU and no interrupts, "test a condition, then sleep" is
 * atomic as long as nothing blocks in between, so the usual
 *     while (!cond) waitq_wait(&wq, UINT64_MAX);
 * loses no wake-up. Mutexes are still needed around code that blocks in the
 * middle of an update (I/O, allocation that may sleep later).
 */
#ifndef KERN_SYNC_H
#define KERN_SYNC_H

#include <anyk/types.h>
#include "lib/list.h"

struct thread;

struct waitq {
    struct list_node waiters; /* struct wait_entry, in the order threads started waiting */
};

/*
 * One thread waiting on one queue. Entries live on the waiting thread's
 * stack, so a thread can wait on several queues at once (poll); the first
 * wake makes it ready and the others are skipped when reached.
 */
struct wait_entry {
    struct list_node link;
    struct thread *thread;
};

#define WAITQ_INIT(name) { LIST_INIT((name).waiters) }
void waitq_init(struct waitq *wq);
/*
 * Sleep on wq until woken or until the monotonic clock reaches deadline
 * (UINT64_MAX: no deadline). Returns 0 if woken, -ETIMEDOUT.
 */
int waitq_wait(struct waitq *wq, uint64_t deadline);
/*
 * As waitq_wait, but a signal for the calling thread's task also ends the
 * wait: returns -EINTR then (at once if one is already pending).
 */
int waitq_wait_intr(struct waitq *wq, uint64_t deadline);

/*
 * Waiting on several queues (poll): add an entry per queue, block once with
 * waitq_block_intr (0, -ETIMEDOUT or -EINTR), then remove every entry.
 */
void waitq_add(struct waitq *wq, struct wait_entry *e);
void waitq_remove(struct wait_entry *e);
int waitq_block_intr(uint64_t deadline);

/* Wake the longest waiter that is still blocked; returns it or NULL if none. */
struct thread *waitq_wake_one(struct waitq *wq);
/* Wake every waiter; returns how many. */
unsigned waitq_wake_all(struct waitq *wq);
bool waitq_empty(const struct waitq *wq);

struct mutex {
    struct thread *owner;
    struct waitq wq;
    const char *name;
};

#define MUTEX_INIT(var, nm) { NULL, WAITQ_INIT((var).wq), nm }
void mutex_init(struct mutex *m, const char *name);
/* Lock m; panics if the caller already holds it (that would deadlock). */
void mutex_lock(struct mutex *m);
/* Returns true if m was free and is now held by the caller. */
bool mutex_trylock(struct mutex *m);
/* Unlock m, handing it to the longest waiter; panics unless the caller holds it. */
void mutex_unlock(struct mutex *m);
bool mutex_held(const struct mutex *m);

struct cond {
    struct waitq wq;
};

#define COND_INIT(var) { WAITQ_INIT((var).wq) }
void cond_init(struct cond *c);
/* Release m, sleep until signalled, take m again. The caller must hold m. */
void cond_wait(struct cond *c, struct mutex *m);
/* As cond_wait with a deadline; returns 0 or -ETIMEDOUT (m is held again either way). */
int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline);
void cond_signal(struct cond *c);
void cond_broadcast(struct cond *c);

#endif
